//! # BTTC runtime
//!
//! The state-transition function of the BTTC sidechain, compiled to WASM so governance can
//! upgrade it on a running chain. It carries:
//! - accounts and the native token BTT (18 decimals) with transaction fees;
//! - block authoring by the validator set (slot-based; span-restricted authoring follows) and
//!   GRANDPA finality;
//! - on-chain governance ([`governance`]): referenda with conviction voting on a `root`, an
//!   `emergency` and a `parameters` track; `Sudo` has a key only on the `dev` preset;
//! - `Span`: span committees of block producers, selected by stake, rotating per sprint;
//! - `Revive`: EVM bytecode execution and Ethereum transactions (chain id from `EvmChainId`).
//!
//! Layout: types, [`VERSION`] and the runtime definition live here; pallet configuration in
//! [`configs`], runtime APIs in [`apis`], genesis presets in [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// `impl_runtime_apis!` and `#[frame_support::runtime]` expand to code with these patterns.
#![allow(clippy::new_without_default, clippy::unwrap_used)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// This runtime built with `try-runtime`, for checking an upgrade against live state
/// (`bttc-node try-upgrade`); never put on chain.
#[cfg(feature = "std")]
pub mod try_runtime_wasm {
	include!(concat!(env!("OUT_DIR"), "/wasm_binary_try_runtime.rs"));
}

extern crate alloc;

// First, so the benchmark list macros it defines are in scope in `apis`.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod governance;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256};
use sp_version::{runtime_version, RuntimeVersion};

pub use bttc_primitives::{
	currency::{BTT, EXISTENTIAL_DEPOSIT, MILLI_BTT},
	time::{MILLISECS_PER_BLOCK, SLOT_DURATION},
	AccountId, Balance, BlockNumber, Hash, Nonce, Signature,
};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;

/// Types the node needs without knowing the runtime's call and extension types.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Block with opaque extrinsics.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Block id.
	pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
	/// The keys a validator's node holds: authoring blocks (Aura, sr25519), GRANDPA votes
	/// (ed25519) and reports of root-chain events for attestation (`bttc`, sr25519).
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
		pub bttc: bttc_primitives::attestation::crypto::AuthorityId,
	}
}

/// Version of the runtime. Bump `spec_version` on every change of behaviour so nodes and
/// tools see the upgrade; bump `transaction_version` when a call's index or shape changes.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("bttc"),
	impl_name: Cow::Borrowed("bttc-node"),
	authoring_version: 1,
	spec_version: 108,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Address format of extrinsics.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The checks every signed transaction goes through.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	// After every extension that needs a signed origin: turns an Ethereum transaction's origin
	// into its H160 sender.
	pallet_revive::evm::tx_extension::SetOrigin<Runtime>,
	// Last, so it sees every refund before it: returns unused weight to the block.
	frame_system::WeightReclaim<Runtime>,
);

/// How an Ethereum transaction (`Revive::eth_transact`) becomes a signed extrinsic: the
/// extensions a Substrate transaction carries, with the Ethereum nonce and tip.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EthExtraImpl;

impl pallet_revive::evm::runtime::EthExtra for EthExtraImpl {
	type Config = Runtime;
	type ExtensionV0 = TxExtension;
	type ExtensionOtherVersions = sp_runtime::traits::InvalidVersion;

	fn get_eth_extension(nonce: Nonce, tip: Balance) -> Self::ExtensionV0 {
		(
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			// Ethereum transactions carry no era; replay is stopped by the nonce.
			frame_system::CheckMortality::from(generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
			pallet_revive::evm::tx_extension::SetOrigin::<Runtime>::new_from_eth_transaction(),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}

/// Extrinsic as the runtime sees it: Substrate extrinsics, plus Ethereum transactions wrapped
/// in `Revive::eth_transact`, which it checks (signature, chain id) and converts.
pub type UncheckedExtrinsic =
	pallet_revive::evm::runtime::UncheckedExtrinsic<Address, Signature, EthExtraImpl>;
/// Payload a transaction's signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade, beside the pallets' own. Each is
/// versioned: it runs only while its pallet is at the storage version it migrates from.
/// Release 102 → 103: spans keep their author delays.
type Migrations = (pallet_bttc_span::migrations::v1::MigrateV0ToV1<Runtime>,);

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// Indices are part of the transaction format: never reuse or renumber one.
	// 0..=9 chain basics; 10..=19 EVM execution; 20..=29 Delivery (staking, span, checkpoint,
	// bridge); 30..=39 governance.

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	/// EVM execution: contracts in EVM bytecode, Ethereum transactions and accounts.
	#[runtime::pallet_index(10)]
	pub type Revive = pallet_revive;

	/// The EIP-155 chain id, from the chain spec.
	#[runtime::pallet_index(11)]
	pub type EvmChainId = pallet_bttc_evm_chain_id;

	/// The validator set mirrored from the stake chain's StakeManager. Before Span: Span's
	/// genesis reads the validators.
	#[runtime::pallet_index(20)]
	pub type Staking = pallet_bttc_staking;

	/// Span committees: which validators produce blocks, sprint by sprint.
	#[runtime::pallet_index(21)]
	pub type Span = pallet_bttc_span;

	/// Checkpoints of the chain's blocks to the root chains. After Revive: its `on_finalize`
	/// reads the Ethereum block Revive builds in its own.
	#[runtime::pallet_index(22)]
	pub type Checkpoint = pallet_bttc_checkpoint;

	/// Attestation of root-chain events by 2/3 + 1 of stake.
	#[runtime::pallet_index(23)]
	pub type Attestation = pallet_bttc_attestation;

	/// Deposits from the root chains: attested state syncs, executed on the EVM.
	#[runtime::pallet_index(24)]
	pub type Bridge = pallet_bttc_bridge;

	/// Proposals' calls, stored by hash.
	#[runtime::pallet_index(30)]
	pub type Preimage = pallet_preimage;

	/// Dispatches enacted proposals.
	#[runtime::pallet_index(31)]
	pub type Scheduler = pallet_scheduler;

	/// Origins of governance's non-root tracks.
	#[runtime::pallet_index(32)]
	pub type Origins = crate::governance::origins;

	/// Referenda on tracks.
	#[runtime::pallet_index(33)]
	pub type Referenda = pallet_referenda;

	/// Token holders' votes, weighted by conviction (lock time).
	#[runtime::pallet_index(34)]
	pub type ConvictionVoting = pallet_conviction_voting;
}

#[cfg(test)]
mod tests;
