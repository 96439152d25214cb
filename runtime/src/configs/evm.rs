//! EVM execution: `pallet-revive` running EVM bytecode, its fees, and the block author it shows
//! to contracts as `block.coinbase`.
//!
//! Units: BTT has 18 decimals natively, so one planck is one wei (`NativeToEthRatio = 1`).
//! Gas is a view of the Substrate fee: `gas = fee / gas_price`, with `gas_price` = [`GasScale`]
//! wei (1 gwei) times the fee multiplier (constant 1). [`FEE_PER_WEIGHT`] is chosen so that
//! one gas buys 50,000 ps of execution: an ERC20 transfer then estimates at tens of thousands
//! of gas, in the range Ethereum tools expect.
//!
//! Storage deposits: `pallet-revive` charges the deposit for new storage inside gas
//! (`gas = (weight fee + deposit) / gas_price`) and returns it when the storage is cleared; the
//! pallet offers no way to keep it out of `gasUsed`. So deposits are priced in gas at Ethereum's
//! own storage prices (see [`DepositPerByte`]): a new 32-byte slot costs 20,000 gas as
//! `SSTORE` does, a byte of code 250 gas against Ethereum's 200. An ERC20 transfer to a new
//! holder then uses tens of thousands of gas, not millions, and block gas figures compare with
//! other chains'.

use crate::{
	AccountId, Address, Balance, Balances, EvmChainId, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeHoldReason, Signature, Timestamp,
};
use codec::Decode;
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU32, FindAuthor},
	ConsensusEngineId,
};
use frame_system::EnsureSigned;
use pallet_revive::{evm::fees::Info as FeeInfo, AccountId32Mapper, AddressMapper};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{FixedU128, Perbill};

pub use crate::EthExtraImpl;

/// Fee per picosecond (`ref_time` unit) of execution weight, in wei of BTT.
pub const FEE_PER_WEIGHT: u128 = 20_000;
/// Fee per byte of an extrinsic, in wei of BTT: 16 gas, Ethereum's calldata price.
pub const FEE_PER_BYTE: Balance = 16 * GAS_PRICE_WEI;
/// The base gas price: 1 gwei.
pub const GAS_PRICE_WEI: Balance = 1_000_000_000;

/// Storage deposit for `items` storage items holding `bytes` bytes, priced as Ethereum prices
/// storage in gas, at the base gas price.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	(items as Balance * DEPOSIT_GAS_PER_ITEM + bytes as Balance * DEPOSIT_GAS_PER_BYTE)
		* GAS_PRICE_WEI
}

/// Gas per byte of new storage or code (Ethereum: 200 per byte of deployed code).
pub const DEPOSIT_GAS_PER_BYTE: Balance = 250;
/// Gas per new item in the main trie (a contract's account, its code, its immutables): two
/// items, as a deployment takes, cost CREATE's 32,000 gas.
pub const DEPOSIT_GAS_PER_ITEM: Balance = 16_000;
/// Gas per new slot of a contract's storage, besides its 64 bytes (key and value): a new
/// slot costs 4,000 + 64 × 250 = 20,000 gas, as Ethereum's `SSTORE` to an empty slot.
pub const DEPOSIT_GAS_PER_CONTRACT_SLOT: Balance = 4_000;

parameter_types! {
	pub const DepositPerItem: Balance = deposit(1, 0);
	pub const DepositPerChildTrieItem: Balance = DEPOSIT_GAS_PER_CONTRACT_SLOT * GAS_PRICE_WEI;
	pub const DepositPerByte: Balance = deposit(0, 1);
	/// Share of a code upload's deposit locked while contracts use that code.
	pub const CodeHashLockupDepositPercent: Perbill = Perbill::from_percent(30);
	/// An Ethereum transaction may use up to 90 % of a normal extrinsic's weight.
	pub MaxEthExtrinsicWeight: FixedU128 = FixedU128::from_rational(9, 10);
	/// Gas price in wei at fee multiplier 1.
	pub const GasScale: u32 = GAS_PRICE_WEI as u32;
}

/// `block.coinbase`: the root-chain signer address of the validator that sealed the block, as
/// on Bor. The author comes from the `bttc` pre-digest (an Aura key); a block whose author is
/// not a known validator has no coinbase.
pub struct SpanBlockAuthor;

/// The consensus engine id of BTTC's author pre-digest (see `bttc-consensus`).
pub const BTTC_ENGINE_ID: ConsensusEngineId = *b"bttc";

impl FindAuthor<AccountId> for SpanBlockAuthor {
	fn find_author<'a, I>(digests: I) -> Option<AccountId>
	where
		I: 'a + IntoIterator<Item = (ConsensusEngineId, &'a [u8])>,
	{
		let author = digests.into_iter().find_map(|(engine, mut data)| {
			(engine == BTTC_ENGINE_ID).then(|| AuraId::decode(&mut data).ok()).flatten()
		})?;
		let id = pallet_bttc_staking::ValidatorByAura::<Runtime>::get(&author)?;
		let validator = pallet_bttc_staking::Validators::<Runtime>::get(id)?;
		Some(<Runtime as pallet_revive::Config>::AddressMapper::to_fallback_account_id(
			&validator.signer,
		))
	}
}

impl pallet_revive::Config for Runtime {
	type Time = Timestamp;
	type Balance = Balance;
	type Currency = Balances;
	type OnBurn = ();
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type RuntimeOrigin = crate::RuntimeOrigin;
	type RuntimeHoldReason = RuntimeHoldReason;
	type WeightInfo = pallet_revive::weights::SubstrateWeight<Self>;
	type Precompiles = ();
	type FindAuthor = SpanBlockAuthor;
	type DepositPerByte = DepositPerByte;
	type DepositPerItem = DepositPerItem;
	type DepositPerChildTrieItem = DepositPerChildTrieItem;
	type CodeHashLockupDepositPercent = CodeHashLockupDepositPercent;
	type AddressMapper = AccountId32Mapper<Self>;
	/// Solidity compiled to EVM bytecode is what BTTC's dApps deploy.
	type AllowEVMBytecode = ConstBool<true>;
	type UploadOrigin = EnsureSigned<AccountId>;
	type InstantiateOrigin = EnsureSigned<AccountId>;
	type RuntimeMemory = ConstU32<{ 128 * 1024 * 1024 }>;
	type PVFMemory = ConstU32<{ 512 * 1024 * 1024 }>;
	/// From the chain spec (`evmChainId.chainId`).
	type ChainId = EvmChainId;
	/// 18 decimals on both sides.
	type NativeToEthRatio = ConstU32<1>;
	type FeeInfo = FeeInfo<Address, Signature, EthExtraImpl>;
	type Deposit = ();
	type MaxEthExtrinsicWeight = MaxEthExtrinsicWeight;
	/// Debug settings (unlimited contract size and the like) stay off on every chain.
	type DebugEnabled = ConstBool<false>;
	/// Every new account is mapped to its H160 at once, so Substrate accounts can call
	/// contracts without a separate `map_account`.
	type AutoMap = ConstBool<true>;
	type GasScale = GasScale;
}

impl pallet_bttc_evm_chain_id::Config for Runtime {
	/// A chain spec that leaves the chain id out is treated as a dev chain.
	type DefaultChainId =
		frame_support::traits::ConstU64<{ crate::genesis_config_presets::DEV_EVM_CHAIN_ID }>;
}
