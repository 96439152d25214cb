//! The bridge: deposits from the root chains executed on the EVM.
//!
//! The **depositor** is the EVM address [`DEPOSITOR`] (`0x…1001`, the receiver the root
//! chains' `RootChainManager` names as `childChainManager`). Its Substrate account is the
//! address's fallback account (`address ‖ 0xEE × 12`): an Ethereum-style account whose key
//! nobody holds, so only this runtime acts as it. Deposits call the child token's
//! `deposit(address user, bytes depositData)` as that account, with a bounded gas (weight)
//! and storage deposit; the storage deposit for new holders is paid from its balance (funded
//! at genesis). A call that reverts, runs out of gas or finds no contract changes nothing.
//!
//! **Native BTT** is bridged by [`NATIVE_BTT`] (`0x…1010`, `contracts/src/token/NativeBTT.sol`,
//! as BTTC's MRC20): the genesis puts its code there with a reserve of native BTT. Governance
//! maps each root chain's BTT token to it like any child token; a deposit pays the user out of
//! the reserve and `withdraw(amount, rootChainId)` (with `amount` as value) pays back into it
//! and emits the `Burned` log an exit proves. Nothing is minted or burnt on BTTC.
//!
//! Deposits are not Ethereum transactions: their `Transfer` logs are events of the Substrate
//! block, not receipts of the Ethereum block view (as Bor's state-sync transactions are apart
//! from the block's transactions). Balances show through `eth_call` (`balanceOf`) at once.

use crate::{Revive, Runtime, RuntimeOrigin, Span};
use alloc::vec::Vec;
use bttc_primitives::{
	traits::{ChildTokens, SprintSchedule},
	BlockNumber,
};
use frame_support::{parameter_types, storage::with_transaction, weights::Weight};
use pallet_revive::{AccountId32Mapper, AddressMapper, ExecConfig, TransactionLimits};
use sp_core::{H160, U256};
use sp_runtime::{DispatchError, TransactionOutcome};

/// The EVM address deposits come from (`RootChainManager.childChainManager`).
pub const DEPOSITOR: H160 =
	H160([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x01]);

/// The EVM address of the native BTT bridge contract (`NativeBTT.sol`, BTTC's MRC20 address).
pub const NATIVE_BTT: H160 =
	H160([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x10]);

/// Runtime (deployed) EVM code of `NativeBTT.sol`, from its committed artifact (`build.rs`).
pub const NATIVE_BTT_CODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/native_btt.bin"));

/// The Substrate account holding the native BTT reserve (the contract's).
pub fn native_btt_account() -> crate::AccountId {
	<Runtime as pallet_revive::Config>::AddressMapper::to_account_id(&NATIVE_BTT)
}

/// The depositor's Substrate account.
pub fn depositor_account() -> crate::AccountId {
	AccountId32Mapper::<Runtime>::to_fallback_account_id(&DEPOSITOR)
}

/// Execution weight one deposit may use: 500,000 gas at 50,000 ps per gas (an ERC20 mint to
/// a new holder takes about a tenth of it).
pub const DEPOSIT_REF_TIME: u64 = 500_000 * 50_000;
/// Proof size one deposit may use.
pub const DEPOSIT_PROOF_SIZE: u64 = 256 * 1024;
/// Most storage deposit one deposit may take from the depositor: 0.01 BTT (a new holder's
/// slot takes 20,000 gas × 1 gwei = 0.00002 BTT).
pub const DEPOSIT_STORAGE_LIMIT: crate::Balance = bttc_primitives::currency::MILLI_BTT * 10;

/// `deposit(address,bytes)` selector.
const DEPOSIT_SELECTOR: [u8; 4] = [0xcf, 0x2c, 0x52, 0xcb];

/// ABI call data of `deposit(user, depositData)`.
pub fn deposit_call_data(user: H160, deposit_data: &[u8]) -> Vec<u8> {
	let mut data = Vec::with_capacity(4 + 32 * 4 + deposit_data.len());
	data.extend_from_slice(&DEPOSIT_SELECTOR);
	let mut user_word = [0u8; 32];
	user_word[12..].copy_from_slice(user.as_bytes());
	data.extend_from_slice(&user_word);
	data.extend_from_slice(&U256::from(64).to_big_endian());
	data.extend_from_slice(&U256::from(deposit_data.len()).to_big_endian());
	data.extend_from_slice(deposit_data);
	data.resize(data.len() + (32 - deposit_data.len() % 32) % 32, 0);
	data
}

/// Child tokens on `pallet-revive`.
pub struct EvmChildTokens;

impl ChildTokens for EvmChildTokens {
	fn deposit(child_token: H160, user: H160, deposit_data: &[u8]) -> Result<Weight, Weight> {
		// A call to an address without code would succeed and mint nothing.
		if !pallet_revive::AccountInfo::<Runtime>::is_contract(&child_token) {
			return Err(Weight::zero());
		}
		let limits = TransactionLimits::WeightAndDeposit {
			weight_limit: Self::max_deposit_weight(),
			deposit_limit: DEPOSIT_STORAGE_LIMIT,
		};
		let outcome = with_transaction(|| {
			let result = Revive::bare_call(
				RuntimeOrigin::signed(depositor_account()),
				child_token,
				U256::zero(),
				limits,
				deposit_call_data(user, deposit_data),
				&ExecConfig::new_substrate_tx_without_bump(),
			);
			let used = result.weight_consumed;
			match result.result {
				Ok(value) if !value.did_revert() => TransactionOutcome::Commit(Ok(Ok(used))),
				_ => TransactionOutcome::Rollback(Ok::<_, DispatchError>(Err(used))),
			}
		});
		outcome.unwrap_or(Err(Self::max_deposit_weight()))
	}

	fn max_deposit_weight() -> Weight {
		Weight::from_parts(DEPOSIT_REF_TIME, DEPOSIT_PROOF_SIZE)
	}

	fn depositor() -> H160 {
		DEPOSITOR
	}
}

/// Sprints of the current span (a block outside every span counts as a sprint start, so
/// deposits never wait on a missing span).
pub struct SpanSprints;

impl SprintSchedule for SpanSprints {
	fn is_sprint_start(block: BlockNumber) -> bool {
		Span::span_of(block).is_none_or(|span| span.is_sprint_start(block))
	}
}

parameter_types! {
	/// Deposits executed per block: 8 × 25 ms of EVM at most.
	pub const MaxBridgeExecutionsPerBlock: u32 = 8;
	/// Waiting state syncs moved into the sequence per block.
	pub const MaxBridgeSequencedPerBlock: u32 = 64;
}

impl pallet_bttc_bridge::Config for Runtime {
	type ChildTokens = EvmChildTokens;
	type Sprints = SpanSprints;
	type MappingOrigin = crate::governance::ParamsOrigin;
	type MaxExecutionsPerBlock = MaxBridgeExecutionsPerBlock;
	type MaxSequencedPerBlock = MaxBridgeSequencedPerBlock;
	type WeightInfo = pallet_bttc_bridge::weights::SubstrateWeight<Runtime>;
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn deposit_selector_is_the_abi_one() {
		assert_eq!(DEPOSIT_SELECTOR, sp_io::hashing::keccak_256(b"deposit(address,bytes)")[..4]);
	}

	#[test]
	fn call_data_is_abi_encoded() {
		let data = deposit_call_data(H160::repeat_byte(1), &[7u8; 32]);
		assert_eq!(data.len(), 4 + 32 * 4);
		assert_eq!(&data[4 + 12..4 + 32], H160::repeat_byte(1).as_bytes());
		assert_eq!(data[4 + 63], 64);
		assert_eq!(data[4 + 95], 32);
	}

	#[test]
	fn the_depositor_account_maps_back_to_its_address() {
		assert_eq!(AccountId32Mapper::<Runtime>::to_address(&depositor_account()), DEPOSITOR);
	}
}
