//! The traits through which the Delivery pallets meet. A pallet names what it needs with one
//! of these traits in its `Config`; the runtime wires the pallet that provides it. No pallet
//! imports another.

use crate::{
	checkpoint::BlockLeaf,
	span::{Span, Stake, ValidatorIndex},
	staking::RootValidatorId,
	BlockNumber, RootChainId,
};
use alloc::vec::Vec;
use sp_core::H160;
use sp_runtime::Weight;

/// Validators allowed to attest root-chain events and their **current** stakes (the staking
/// pallet). Attestation counts every vote at the voter's stake when the tally is made, never
/// at the stake it had when it voted.
pub trait ValidatorStakes<AuthorityId> {
	/// Index and current stake of the active validator whose attestation key is `who`;
	/// `None` if `who` is not the key of an active validator.
	fn stake_of(who: &AuthorityId) -> Option<(ValidatorIndex, Stake)>;
	/// Current stake of validator `index`: 0 once it is no longer active.
	fn stake_of_index(index: ValidatorIndex) -> Stake;
	/// Total stake of the active validators.
	fn total_stake() -> Stake;
}

/// Consumer of attested root-chain events (staking today; checkpoint acks and state syncs
/// next).
pub trait OnAttested<E> {
	/// Applies the attested `event` of root chain `chain`; returns the weight it consumed.
	/// Called once per event key, ever.
	fn on_attested(chain: RootChainId, event: E) -> Weight;
	/// Upper bound of the weight of `on_attested`, charged up front by the report that
	/// completes an attestation.
	fn max_weight() -> Weight {
		Weight::zero()
	}
}

impl<E> OnAttested<E> for () {
	fn on_attested(_chain: RootChainId, _event: E) -> Weight {
		Weight::zero()
	}
}

/// Where the span pallet learns the active validators, their stakes and authoring keys.
pub trait ValidatorSetProvider<ValidatorId, AuthorityId> {
	/// The active validators as `(id, stake, authoring key)`. Order matters only for ties:
	/// selection is a deterministic function of this list and the seed. Entries with zero
	/// stake, repeated ids or repeated keys are ignored by the span pallet.
	fn active_validators() -> Vec<(ValidatorId, Stake, AuthorityId)>;

	/// Benchmarks only: make [`Self::active_validators`] return `count` distinct validators
	/// with stake > 0, if the source can be driven from a benchmark (no-op by default).
	#[cfg(feature = "runtime-benchmarks")]
	fn set_validators_for_benchmark(_count: u32) {}
}

/// Why a forced change of the finality authority set was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ForcedChangeError {
	/// No validator of the span would be left with a finality key.
	NoVoterLeft,
	/// Another authority set change is pending; retry once it is enacted.
	ChangePending,
	/// The previous forced change was too recent (GRANDPA allows one per twice its delay).
	TooSoon,
	/// The runtime cannot force a change of its finality set.
	Unsupported,
}

/// Told when a span becomes current, at its first block (e.g. to move the finality
/// authority set to the span's validators and stakes); can also force that set at once when
/// finality has stalled.
pub trait OnSpanStart<ValidatorId, AuthorityId> {
	/// Span `span` has just become current; the validators in `excluded` were declared gone
	/// by governance and are left out of the finality set. Returns the weight used.
	fn on_span_start(span: &Span<ValidatorId, AuthorityId>, excluded: &[ValidatorId]) -> Weight;

	/// Forces the finality set to `span`'s validators without `excluded`, enacted `delay`
	/// blocks from now whether or not the current set finalizes anything, counting
	/// `best_finalized` as the last finalized block (GRANDPA's forced change). Returns the
	/// number of voters of the new set.
	fn force_change(
		_span: &Span<ValidatorId, AuthorityId>,
		_excluded: &[ValidatorId],
		_best_finalized: BlockNumber,
		_delay: BlockNumber,
	) -> Result<u32, ForcedChangeError> {
		Err(ForcedChangeError::Unsupported)
	}
}

impl<ValidatorId, AuthorityId> OnSpanStart<ValidatorId, AuthorityId> for () {
	fn on_span_start(_span: &Span<ValidatorId, AuthorityId>, _excluded: &[ValidatorId]) -> Weight {
		Weight::zero()
	}
}

/// The active validators as checkpoint signers (the staking pallet): who may sign a checkpoint
/// with which root-chain signer key, and with what current stake.
pub trait CheckpointSigners {
	/// The active validators as `(id, stake, signer address)`, sorted by id.
	fn active_signers() -> Vec<(RootValidatorId, Stake, H160)>;
	/// The active validator whose root-chain signer address is `signer`, with its stake.
	fn signer_stake(signer: &H160) -> Option<(RootValidatorId, Stake)>;
	/// The current stake of validator `id` (0 once it is no longer active).
	fn stake_of(id: RootValidatorId) -> Stake;
	/// Total stake of the active validators.
	fn total_stake() -> Stake;
}

/// The current block's leaf in the checkpoint tree, from its Ethereum view (the EVM pallet's
/// block, read in `on_finalize` after that pallet built it).
pub trait BlockLeafSource {
	/// The leaf of the block being finalized, if its Ethereum view exists.
	fn current_leaf() -> Option<BlockLeaf>;
}

/// Sprints of the block producers (the span pallet): deposits are executed at a sprint's
/// first block, as Bor commits state syncs.
pub trait SprintSchedule {
	/// Whether `block` is the first block of a sprint.
	fn is_sprint_start(block: BlockNumber) -> bool;
}

/// Child tokens on the EVM, as the bridge credits deposits to them.
pub trait ChildTokens {
	/// Calls `deposit(user, depositData)` of the EVM contract `child_token` from the bridge's
	/// depositor address. `Ok` with the weight used when it succeeded; `Err` with the weight
	/// used when it reverted, ran out of gas or found no contract (nothing it did stays).
	fn deposit(child_token: H160, user: H160, deposit_data: &[u8]) -> Result<Weight, Weight>;
	/// Upper bound of the weight of one [`Self::deposit`].
	fn max_deposit_weight() -> Weight;
	/// The EVM address the deposits come from.
	fn depositor() -> H160;
}
