//! Types of the span pallet: the stored span, the validator-set source and parameter checks.

use crate::Config;
use alloc::vec::Vec;
use bttc_primitives::{
	span::{Span, SpanId, SpanParams, SpanValidator, Stake, ValidatorIndex},
	BlockNumber,
};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::{BoundedVec, Get},
	CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

pub use bttc_primitives::traits::{OnSpanStart, ValidatorSetProvider};

/// Adapter for a chain without stake yet: every key of `Keys` (e.g. the genesis Aura
/// authorities) is a validator with stake 1 whose id is its key.
pub struct EqualStake<Keys>(core::marker::PhantomData<Keys>);

impl<AuthorityId: Clone, Keys: Get<Vec<AuthorityId>>> ValidatorSetProvider<AuthorityId, AuthorityId>
	for EqualStake<Keys>
{
	fn active_validators() -> Vec<(AuthorityId, Stake, AuthorityId)> {
		Keys::get().into_iter().map(|key| (key.clone(), 1, key)).collect()
	}
}

/// A validator entry of a stored span.
pub type SpanValidatorOf<T> = SpanValidator<<T as Config>::ValidatorId, <T as Config>::AuthorityId>;

/// A span as stored: [`Span`] with bounded vectors, and the author delays it was fixed with
/// (storage version 1).
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct StoredSpan<T: Config> {
	/// Span id; consecutive from 0.
	pub id: SpanId,
	/// First block of the span.
	pub start_block: BlockNumber,
	/// Last block of the span (inclusive).
	pub end_block: BlockNumber,
	/// Sprint length inside this span.
	pub sprint_length: BlockNumber,
	/// Block whose hash seeded the selection (0 for span 0).
	pub seed_block: BlockNumber,
	/// Validator-set snapshot (stake > 0, distinct ids and keys).
	pub validators: BoundedVec<SpanValidatorOf<T>, T::MaxValidators>,
	/// Selected producers with repeats, in selection order: indices into `validators`.
	pub producers: BoundedVec<ValidatorIndex, T::MaxProducers>,
	/// `SpanParams::producer_delay_ms` when the span was fixed.
	pub producer_delay_ms: u64,
	/// `SpanParams::backup_multiplier_ms` when the span was fixed.
	pub backup_multiplier_ms: u64,
}

impl<T: Config> MaxEncodedLen for StoredSpan<T> {
	fn max_encoded_len() -> usize {
		SpanId::max_encoded_len()
			.saturating_add(BlockNumber::max_encoded_len().saturating_mul(4))
			.saturating_add(BoundedVec::<SpanValidatorOf<T>, T::MaxValidators>::max_encoded_len())
			.saturating_add(BoundedVec::<ValidatorIndex, T::MaxProducers>::max_encoded_len())
			.saturating_add(u64::max_encoded_len().saturating_mul(2))
	}
}

impl<T: Config> StoredSpan<T> {
	/// The span in the runtime API's form.
	pub fn to_api(&self) -> Span<T::ValidatorId, T::AuthorityId> {
		Span {
			id: self.id,
			start_block: self.start_block,
			end_block: self.end_block,
			sprint_length: self.sprint_length,
			seed_block: self.seed_block,
			validators: self.validators.to_vec(),
			producers: self.producers.to_vec(),
		}
	}

	/// Whether `block` lies in this span.
	pub fn contains(&self, block: BlockNumber) -> bool {
		self.start_block <= block && block <= self.end_block
	}

	/// Block at which the next span gets fixed: the first block of this span's second-to-last
	/// sprint, so the next span is known at least one sprint (in fact `2 · sprint − 1`
	/// blocks) before this span ends.
	pub fn fix_next_at(&self) -> BlockNumber {
		self.end_block
			.saturating_add(1)
			.saturating_sub(self.sprint_length.saturating_mul(2))
			.max(self.start_block)
	}
}

/// A problem with [`SpanParams`]; mapped to the pallet's `Error` in calls and reported as
/// text at genesis.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamsError {
	/// `sprint_length` is 0.
	SprintLengthZero,
	/// `sprint_length` is not below frame_system's `BlockHashCount`.
	SprintTooLong,
	/// `span_length` is below `2 · sprint_length`.
	SpanTooShort,
	/// `span_length` is not a multiple of `sprint_length`.
	SpanNotMultipleOfSprint,
	/// `first_span_length` is below `2 · sprint_length`.
	FirstSpanTooShort,
	/// `first_span_length` is not a multiple of `sprint_length`.
	FirstSpanNotMultipleOfSprint,
	/// `producer_count` is 0.
	ProducerCountZero,
	/// `producer_count` exceeds `MaxProducers`.
	TooManyProducers,
	/// `backup_multiplier_ms` is 0.
	BackupMultiplierZero,
}

impl ParamsError {
	/// What is wrong and how to fix it.
	pub fn describe(self) -> &'static str {
		match self {
			Self::SprintLengthZero => "sprint_length is 0: use at least 1 block per sprint",
			Self::SprintTooLong =>
				"sprint_length must be below frame_system's BlockHashCount so the seed block's hash is still stored",
			Self::SpanTooShort => "span_length must be at least 2 * sprint_length",
			Self::SpanNotMultipleOfSprint => "span_length must be a multiple of sprint_length",
			Self::FirstSpanTooShort => "first_span_length must be at least 2 * sprint_length",
			Self::FirstSpanNotMultipleOfSprint =>
				"first_span_length must be a multiple of sprint_length",
			Self::ProducerCountZero => "producer_count is 0: select at least 1 producer",
			Self::TooManyProducers => "producer_count must not exceed the MaxProducers constant",
			Self::BackupMultiplierZero =>
				"backup_multiplier_ms is 0: backups would compete with the in-turn producer; use > 0",
		}
	}
}

/// Checks `params` against the pallet's bounds (`max_producers`) and the chain's
/// `block_hash_count`.
pub fn validate_params(
	params: &SpanParams,
	max_producers: u32,
	block_hash_count: BlockNumber,
) -> Result<(), ParamsError> {
	let sprint = params.sprint_length;
	if sprint == 0 {
		return Err(ParamsError::SprintLengthZero);
	}
	if sprint >= block_hash_count {
		return Err(ParamsError::SprintTooLong);
	}
	let two_sprints = sprint.saturating_mul(2);
	if params.span_length < two_sprints {
		return Err(ParamsError::SpanTooShort);
	}
	if !params.span_length.is_multiple_of(sprint) {
		return Err(ParamsError::SpanNotMultipleOfSprint);
	}
	if params.first_span_length < two_sprints {
		return Err(ParamsError::FirstSpanTooShort);
	}
	if !params.first_span_length.is_multiple_of(sprint) {
		return Err(ParamsError::FirstSpanNotMultipleOfSprint);
	}
	if params.producer_count == 0 {
		return Err(ParamsError::ProducerCountZero);
	}
	if params.producer_count > max_producers {
		return Err(ParamsError::TooManyProducers);
	}
	if params.backup_multiplier_ms == 0 {
		return Err(ParamsError::BackupMultiplierZero);
	}
	Ok(())
}
