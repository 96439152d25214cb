//! GRANDPA follows the spans: at the first block of every span, the finality authority set
//! becomes the span's validators, each voting with a weight proportional to its stake.
//!
//! The change is scheduled with delay 0 (enacted in the same block, as session-based
//! runtimes do) and is only scheduled when the weighted set differs from the current one.
//! It takes effect once its block is finalized, so it cannot help when more than a third of the
//! weight is gone: then governance forces a change (`Span::force_finality_recovery`), which
//! GRANDPA enacts on the best chain without finality, leaving out the validators it names.

use crate::{Grandpa, Runtime};
use alloc::vec::Vec;
use bttc_primitives::traits::{ForcedChangeError, OnSpanStart};
use bttc_primitives::{
	span::{Span, Stake},
	staking::RootValidatorId,
	BlockNumber,
};
use frame_support::weights::Weight;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::{AuthorityId as GrandpaId, AuthorityWeight};
use sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

/// Weights are scaled so that a set's weights add up to about this: a resolution of 10^-9 of
/// the total stake, far from overflowing GRANDPA's `u64` vote sums.
pub const TOTAL_VOTE_WEIGHT: u128 = 1_000_000_000;

/// GRANDPA weights proportional to stake: `max(1, stake * TOTAL_VOTE_WEIGHT / total)`, so a
/// validator in the set always has a vote. Order is kept.
pub fn stake_weighted<Key: Clone>(validators: &[(Key, Stake)]) -> Vec<(Key, AuthorityWeight)> {
	let total = validators.iter().fold(0u128, |sum, (_, stake)| sum.saturating_add(*stake));
	validators
		.iter()
		.map(|(key, stake)| {
			let scaled = multiply_by_rational_with_rounding(
				*stake,
				TOTAL_VOTE_WEIGHT,
				total,
				Rounding::Down,
			)
			.unwrap_or_default();
			(key.clone(), AuthorityWeight::try_from(scaled).unwrap_or(AuthorityWeight::MAX).max(1))
		})
		.collect()
}

/// The GRANDPA key a validator votes with, as bound by the staking layer.
pub trait FinalityKeyOf<ValidatorId> {
	/// `None` if the validator has not bound a GRANDPA key.
	fn finality_key(validator: &ValidatorId) -> Option<GrandpaId>;
}

/// No validator has a bound GRANDPA key: the set never changes (tests).
pub struct NoBoundFinalityKeys;
impl<ValidatorId> FinalityKeyOf<ValidatorId> for NoBoundFinalityKeys {
	fn finality_key(_validator: &ValidatorId) -> Option<GrandpaId> {
		None
	}
}

/// The GRANDPA keys validators bound through the staking pallet.
pub struct StakingFinalityKeys;
impl FinalityKeyOf<RootValidatorId> for StakingFinalityKeys {
	fn finality_key(validator: &RootValidatorId) -> Option<GrandpaId> {
		crate::Staking::finality_key(*validator)
	}
}

/// [`OnSpanStart`] hook moving GRANDPA to the span's validators, weighted by stake, with the
/// keys given by `Keys`. Validators without a bound key, and validators governance excluded,
/// are left out of the vote.
pub struct GrandpaFollowsSpans<Keys>(core::marker::PhantomData<Keys>);

impl<Keys: FinalityKeyOf<RootValidatorId>> GrandpaFollowsSpans<Keys> {
	/// The span's voters without `excluded`, weighted by stake.
	fn voters(
		span: &Span<RootValidatorId, AuraId>,
		excluded: &[RootValidatorId],
	) -> Vec<(GrandpaId, AuthorityWeight)> {
		let keyed: Vec<(GrandpaId, Stake)> = span
			.validators
			.iter()
			.filter(|v| !excluded.contains(&v.id))
			.filter_map(|v| Keys::finality_key(&v.id).map(|key| (key, v.stake)))
			.collect();
		stake_weighted(&keyed)
	}

	/// Schedules `next`; the voters count set ids from the change digests, and the runtime's
	/// counter (reported by `GrandpaApi::current_set_id`) must follow them.
	fn schedule(
		next: Vec<(GrandpaId, AuthorityWeight)>,
		delay: BlockNumber,
		forced: Option<BlockNumber>,
	) -> Result<(), ForcedChangeError> {
		Grandpa::schedule_change(next, delay, forced).map_err(|e| {
			if e == pallet_grandpa::Error::<Runtime>::TooSoon.into() {
				ForcedChangeError::TooSoon
			} else {
				ForcedChangeError::ChangePending
			}
		})?;
		pallet_grandpa::CurrentSetId::<Runtime>::mutate(|id| *id = id.saturating_add(1));
		Ok(())
	}
}

impl<Keys: FinalityKeyOf<RootValidatorId>> OnSpanStart<RootValidatorId, AuraId>
	for GrandpaFollowsSpans<Keys>
{
	fn on_span_start(span: &Span<RootValidatorId, AuraId>, excluded: &[RootValidatorId]) -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let next = Self::voters(span, excluded);
		if next.is_empty() {
			return Weight::zero();
		}
		if next == Grandpa::grandpa_authorities() {
			return db.reads(1);
		}
		let voters = next.len();
		match Self::schedule(next, 0, None) {
			Ok(()) => log::info!(
				target: "runtime::finality",
				"span {}: GRANDPA moves to {voters} voters weighted by stake",
				span.id
			),
			// Only possible while another change is pending; the next span retries.
			Err(e) => log::warn!(
				target: "runtime::finality",
				"span {}: GRANDPA set change not scheduled: {e:?}",
				span.id
			),
		}
		db.reads_writes(2, 3)
	}

	fn force_change(
		span: &Span<RootValidatorId, AuraId>,
		excluded: &[RootValidatorId],
		best_finalized: BlockNumber,
		delay: BlockNumber,
	) -> Result<u32, ForcedChangeError> {
		let next = Self::voters(span, excluded);
		if next.is_empty() {
			return Err(ForcedChangeError::NoVoterLeft);
		}
		let voters = u32::try_from(next.len()).unwrap_or(u32::MAX);
		Self::schedule(next, delay, Some(best_finalized))?;
		log::warn!(
			target: "runtime::finality",
			"forced GRANDPA change to {voters} voters in {delay} blocks, from finalized #{best_finalized}"
		);
		Ok(voters)
	}
}
