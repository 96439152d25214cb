//! Spans and the sprint schedule of block producers (Heimdall's `bor` module, Bor's
//! `CalcProducerDelay`), shared by the `span` pallet, the runtime API and the node's
//! consensus client so that all of them compute the same author for a block.
//!
//! # Schedule rules
//!
//! A [`Span`] covers the blocks `start_block..=end_block` and carries a snapshot of the
//! validator set (`validators`, each with its stake and authoring key) and the selected
//! producers (`producers`, indices into `validators`, in selection order, **with repeats**).
//!
//! - **Sprint** of a block: `s = (block - start_block) / sprint_length` (the span's own
//!   `sprint_length`, fixed when the span was fixed). A span's length is a multiple of its
//!   sprint length, so sprints never straddle spans. A block is the **first block of a
//!   sprint** when `(block - start_block) % sprint_length == 0`.
//! - **In-turn producer** of a block: `producers[s % producers.len()]`. A validator selected
//!   `k` times authors `k` sprints per rotation cycle (the analogue of Heimdall giving a
//!   producer voting power = times selected).
//! - **Distinct-producer order**: the producers with repeats removed, each kept at its first
//!   appearance in `producers` (see [`distinct_producers`]).
//! - **Succession** of a validator for a block: for a producer, its distance in the
//!   distinct-producer order, going forward and wrapping, from the in-turn producer. The
//!   in-turn producer has succession 0, the next distinct producer 1, and so on. The span's
//!   other validators follow as **last-resort backups**, by stake (most first, ties by
//!   index): with `d` distinct producers they have successions `d, d + 1, …`. Bor stops at
//!   the producers, so a span whose draw picked a single validator halts with it; here the
//!   chain goes on. Keys outside the span's validators have no succession and may not author
//!   in it (see [`Span::authoring_order`]).
//! - **Delay** before an author with succession `k` may author a block, counted from the
//!   parent block's timestamp (Bor's `CalcProducerDelay`, in milliseconds):
//!   `base + k * backup_multiplier_ms`, where `base = producer_delay_ms` on the first block of
//!   a sprint and `block_period_ms` otherwise (see [`author_delay_ms`]).

use crate::BlockNumber;
use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Sequence number of a span; span 0 starts at block 1.
pub type SpanId = u64;
/// Stake of a validator, in the smallest unit of the staking token.
pub type Stake = u128;
/// Index of a validator in a span's validator snapshot ([`Span::validators`]).
pub type ValidatorIndex = u32;

/// Seed of span 0's producer selection: at genesis no block hash exists yet, so span 0 uses
/// this fixed, publicly known seed.
pub const GENESIS_SPAN_SEED: [u8; 32] = [0u8; 32];

/// Span and sprint parameters. Changes apply to spans fixed after the change; a span keeps
/// the sprint length it was fixed with.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpanParams {
	/// Blocks per span after the first (BTTC: 6,400).
	pub span_length: BlockNumber,
	/// Blocks per sprint: one producer authors a whole sprint (BTTC: 64).
	pub sprint_length: BlockNumber,
	/// Producers drawn per span, with replacement (BTTC: 11).
	pub producer_count: u32,
	/// Blocks of span 0, which starts at block 1 (BTTC: 256).
	pub first_span_length: BlockNumber,
	/// Delay in ms before the first block of a sprint, from its parent (Bor `producerDelay`).
	pub producer_delay_ms: u64,
	/// Extra delay in ms per step of succession for backup producers (Bor `backupMultiplier`).
	pub backup_multiplier_ms: u64,
}

impl SpanParams {
	/// BTTC mainnet values: span 6,400, sprint 64, 11 producers, first span 256, producer
	/// delay 6 s, backup multiplier 2 s.
	pub const BTTC: SpanParams = SpanParams {
		span_length: 6_400,
		sprint_length: 64,
		producer_count: 11,
		first_span_length: 256,
		producer_delay_ms: 6_000,
		backup_multiplier_ms: 2_000,
	};
}

impl Default for SpanParams {
	fn default() -> Self {
		Self::BTTC
	}
}

/// A validator in a span's snapshot.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct SpanValidator<ValidatorId, AuthorityId> {
	/// Validator id (the staking layer's identity).
	pub id: ValidatorId,
	/// Stake when the span was fixed; always > 0 in a span.
	pub stake: Stake,
	/// Block-authoring key of the validator.
	pub authority: AuthorityId,
}

/// A span as returned by the runtime API (the pallet stores the same fields in bounded
/// vectors; the SCALE encoding is identical).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Span<ValidatorId, AuthorityId> {
	/// Span id; consecutive from 0.
	pub id: SpanId,
	/// First block of the span.
	pub start_block: BlockNumber,
	/// Last block of the span (inclusive).
	pub end_block: BlockNumber,
	/// Sprint length that applies inside this span.
	pub sprint_length: BlockNumber,
	/// Block whose hash seeded the producer selection (0 for span 0, which uses
	/// [`GENESIS_SPAN_SEED`]).
	pub seed_block: BlockNumber,
	/// Validator-set snapshot when the span was fixed.
	pub validators: Vec<SpanValidator<ValidatorId, AuthorityId>>,
	/// Selected producers in selection order, with repeats: indices into `validators`.
	pub producers: Vec<ValidatorIndex>,
}

impl<ValidatorId, AuthorityId: PartialEq> Span<ValidatorId, AuthorityId> {
	/// Whether `block` lies in this span.
	pub fn contains(&self, block: BlockNumber) -> bool {
		self.start_block <= block && block <= self.end_block
	}

	/// Index of the validator whose authoring key is `authority`.
	pub fn validator_index_of(&self, authority: &AuthorityId) -> Option<ValidatorIndex> {
		let pos = self.validators.iter().position(|v| &v.authority == authority)?;
		ValidatorIndex::try_from(pos).ok()
	}

	/// The in-turn producer of `block`; `None` if the block is outside the span.
	pub fn in_turn_producer(
		&self,
		block: BlockNumber,
	) -> Option<&SpanValidator<ValidatorId, AuthorityId>> {
		if !self.contains(block) {
			return None;
		}
		let index = in_turn_producer(self.start_block, self.sprint_length, &self.producers, block)?;
		self.validators.get(usize::try_from(index).ok()?)
	}

	/// Succession of the validator with key `authority` for `block`: its position in
	/// [`Self::authoring_order`] (0 in turn, `k` for the `k`-th backup); `None` if it is not a
	/// validator of this span or `block` is outside it.
	pub fn succession_of(&self, block: BlockNumber, authority: &AuthorityId) -> Option<u32> {
		let index = self.validator_index_of(authority)?;
		let position = self.authoring_order(block).iter().position(|v| *v == index)?;
		u32::try_from(position).ok()
	}

	/// Validators allowed to author `block`, in succession order: indices into `validators`.
	/// First the producers, from the in-turn one through the distinct-producer rotation (as
	/// Bor), then the span's other validators by stake (most first, ties by index). Bor stops
	/// at the producers, so a span whose stake-weighted draw picked one validator several
	/// times has no backup and halts if that validator does; here every validator of the span
	/// is a last-resort backup, each later than all producers. Empty if the block is outside
	/// the span.
	pub fn authoring_order(&self, block: BlockNumber) -> Vec<ValidatorIndex> {
		if !self.contains(block) {
			return Vec::new();
		}
		let mut order =
			authoring_order(self.start_block, self.sprint_length, &self.producers, block);
		if order.is_empty() {
			return order;
		}
		let mut others: Vec<(Stake, ValidatorIndex)> = self
			.validators
			.iter()
			.enumerate()
			.filter_map(|(i, v)| Some((v.stake, ValidatorIndex::try_from(i).ok()?)))
			.filter(|(_, i)| !order.contains(i))
			.collect();
		others.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
		order.extend(others.into_iter().map(|(_, i)| i));
		order
	}

	/// Whether `block` is the first block of a sprint of this span.
	pub fn is_sprint_start(&self, block: BlockNumber) -> bool {
		self.contains(block) && is_sprint_start(self.start_block, self.sprint_length, block)
	}
}

/// One author allowed to seal a block, with its succession and delay.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ScheduledAuthor<ValidatorId, AuthorityId> {
	/// Validator id.
	pub validator: ValidatorId,
	/// Authoring key expected in the block's seal.
	pub authority: AuthorityId,
	/// 0 for the in-turn producer, `k` for the `k`-th backup.
	pub succession: u32,
	/// Minimum time in ms between the parent block's timestamp and this block's timestamp
	/// when sealed by this author ([`author_delay_ms`]).
	pub delay_ms: u64,
}

/// Who may author a block, in order of precedence.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ExpectedAuthors<ValidatorId, AuthorityId> {
	/// Span the block belongs to.
	pub span_id: SpanId,
	/// Sprint of the block inside the span (0-based).
	pub sprint: u32,
	/// Whether the block is the first of its sprint (delay base = producer delay).
	pub sprint_start: bool,
	/// Allowed authors: `authors[0]` is in turn, then the backups by succession.
	pub authors: Vec<ScheduledAuthor<ValidatorId, AuthorityId>>,
}

/// Sprint (0-based, relative to the span start) of `block`; `None` before `span_start` or
/// with a zero sprint length.
pub fn sprint_of(
	span_start: BlockNumber,
	sprint_length: BlockNumber,
	block: BlockNumber,
) -> Option<u32> {
	block.checked_sub(span_start)?.checked_div(sprint_length)
}

/// Whether `block` is the first block of a sprint of a span starting at `span_start`.
pub fn is_sprint_start(
	span_start: BlockNumber,
	sprint_length: BlockNumber,
	block: BlockNumber,
) -> bool {
	block.checked_sub(span_start).and_then(|o| o.checked_rem(sprint_length)) == Some(0)
}

/// In-turn producer of `block`: `producers[sprint % producers.len()]`. `None` if there are no
/// producers, the sprint length is 0 or the block is before `span_start`.
pub fn in_turn_producer(
	span_start: BlockNumber,
	sprint_length: BlockNumber,
	producers: &[ValidatorIndex],
	block: BlockNumber,
) -> Option<ValidatorIndex> {
	let sprint = usize::try_from(sprint_of(span_start, sprint_length, block)?).ok()?;
	let slot = sprint.checked_rem(producers.len())?;
	producers.get(slot).copied()
}

/// The producers with repeats removed, each at its first appearance.
pub fn distinct_producers(producers: &[ValidatorIndex]) -> Vec<ValidatorIndex> {
	let mut out: Vec<ValidatorIndex> = Vec::with_capacity(producers.len());
	for p in producers {
		if !out.contains(p) {
			out.push(*p);
		}
	}
	out
}

/// Succession of producer `candidate` for `block`: its position in [`authoring_order`] (the
/// forward, wrapping distance from the in-turn producer in the distinct-producer order).
/// `None` if `candidate` is not a producer.
pub fn succession(
	span_start: BlockNumber,
	sprint_length: BlockNumber,
	producers: &[ValidatorIndex],
	block: BlockNumber,
	candidate: ValidatorIndex,
) -> Option<u32> {
	let order = authoring_order(span_start, sprint_length, producers, block);
	u32::try_from(order.iter().position(|p| *p == candidate)?).ok()
}

/// Every producer allowed to author `block`, ordered by succession (in-turn first).
pub fn authoring_order(
	span_start: BlockNumber,
	sprint_length: BlockNumber,
	producers: &[ValidatorIndex],
	block: BlockNumber,
) -> Vec<ValidatorIndex> {
	let Some(in_turn) = in_turn_producer(span_start, sprint_length, producers, block) else {
		return Vec::new();
	};
	let mut distinct = distinct_producers(producers);
	if let Some(from) = distinct.iter().position(|p| *p == in_turn) {
		distinct.rotate_left(from);
	}
	distinct
}

/// Bor's `CalcProducerDelay` in ms: how long after the parent block's timestamp an author
/// with `succession` may seal a block. `producer_delay_ms` on the first block of a sprint,
/// `block_period_ms` otherwise, plus `succession * backup_multiplier_ms` (saturating).
pub fn author_delay_ms(
	sprint_start: bool,
	succession: u32,
	block_period_ms: u64,
	producer_delay_ms: u64,
	backup_multiplier_ms: u64,
) -> u64 {
	let base = if sprint_start { producer_delay_ms } else { block_period_ms };
	base.saturating_add(u64::from(succession).saturating_mul(backup_multiplier_ms))
}

sp_api::decl_runtime_apis! {
	/// Spans and the expected authors of blocks. Call it at the parent of the block in
	/// question: the span of a block is fixed at least one sprint before that block's span
	/// starts, so the parent's state always knows it.
	pub trait SpanApi<ValidatorId, AuthorityId> where
		ValidatorId: Codec,
		AuthorityId: Codec,
	{
		/// Span parameters (for spans fixed from now on).
		fn span_params() -> SpanParams;
		/// The span containing the current block.
		fn current_span() -> Option<Span<ValidatorId, AuthorityId>>;
		/// The span after the current one, once fixed.
		fn next_span() -> Option<Span<ValidatorId, AuthorityId>>;
		/// The span containing `block`, if still in the pruned history, current or next.
		fn span_of(block: BlockNumber) -> Option<Span<ValidatorId, AuthorityId>>;
		/// Who may author `block` (in-turn producer first, then backups) and their delays;
		/// `None` if the block's span is unknown.
		fn expected_authors(block: BlockNumber) -> Option<ExpectedAuthors<ValidatorId, AuthorityId>>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sprint_arithmetic() {
		assert_eq!(sprint_of(1, 4, 1), Some(0));
		assert_eq!(sprint_of(1, 4, 4), Some(0));
		assert_eq!(sprint_of(1, 4, 5), Some(1));
		assert_eq!(sprint_of(1, 4, 0), None);
		assert_eq!(sprint_of(1, 0, 5), None);
		assert!(is_sprint_start(1, 4, 1));
		assert!(is_sprint_start(1, 4, 9));
		assert!(!is_sprint_start(1, 4, 8));
		assert!(!is_sprint_start(1, 0, 1));
	}

	#[test]
	fn rotation_and_succession() {
		// Selection order [2, 0, 2, 1]; distinct order [2, 0, 1].
		let producers = [2, 0, 2, 1];
		assert_eq!(distinct_producers(&producers), vec![2, 0, 1]);
		let expected_in_turn = [(1, 2), (4, 2), (5, 0), (9, 2), (13, 1), (17, 2), (21, 0)];
		for (block, who) in expected_in_turn {
			assert_eq!(in_turn_producer(1, 4, &producers, block), Some(who), "block {block}");
		}
		// Block 13: in turn 1 -> order [1, 2, 0].
		assert_eq!(authoring_order(1, 4, &producers, 13), vec![1, 2, 0]);
		assert_eq!(succession(1, 4, &producers, 13, 1), Some(0));
		assert_eq!(succession(1, 4, &producers, 13, 2), Some(1));
		assert_eq!(succession(1, 4, &producers, 13, 0), Some(2));
		assert_eq!(succession(1, 4, &producers, 13, 3), None);
		assert_eq!(in_turn_producer(1, 4, &[], 13), None);
	}

	#[test]
	fn delays_follow_bor() {
		assert_eq!(author_delay_ms(false, 0, 2_000, 6_000, 2_000), 2_000);
		assert_eq!(author_delay_ms(true, 0, 2_000, 6_000, 2_000), 6_000);
		assert_eq!(author_delay_ms(false, 3, 2_000, 6_000, 2_000), 8_000);
		assert_eq!(author_delay_ms(true, 2, 2_000, 6_000, 2_000), 10_000);
		assert_eq!(author_delay_ms(true, u32::MAX, 2_000, 6_000, u64::MAX), u64::MAX);
	}

	/// A span of validators with keys `100 + i` (ids `10 + i`) and the given stakes.
	fn test_span(
		start_block: BlockNumber,
		end_block: BlockNumber,
		stakes: &[Stake],
		producers: Vec<ValidatorIndex>,
	) -> Span<u64, u64> {
		let validators = (0u64..)
			.zip(stakes)
			.map(|(i, stake)| SpanValidator { id: 10 + i, stake: *stake, authority: 100 + i })
			.collect();
		Span {
			id: 1,
			start_block,
			end_block,
			sprint_length: 4,
			seed_block: 5,
			validators,
			producers,
		}
	}

	#[test]
	fn span_methods() {
		let span = test_span(33, 64, &[5, 5, 5], vec![1, 1, 0]);
		assert_eq!(span.in_turn_producer(33).map(|v| v.id), Some(11));
		assert_eq!(span.in_turn_producer(41).map(|v| v.id), Some(10));
		assert_eq!(span.in_turn_producer(32), None);
		assert_eq!(span.in_turn_producer(65), None);
		assert_eq!(span.succession_of(41, &101), Some(1));
		// 102 is no producer: a last-resort backup after both producers.
		assert_eq!(span.succession_of(41, &102), Some(2));
		assert_eq!(span.succession_of(41, &999), None);
		assert_eq!(span.succession_of(65, &101), None);
		assert_eq!(span.authoring_order(41), vec![0, 1, 2]);
		assert_eq!(span.authoring_order(65), Vec::<ValidatorIndex>::new());
		assert!(span.is_sprint_start(45) && !span.is_sprint_start(46));
	}

	#[test]
	fn a_span_with_one_drawn_producer_still_has_backups_by_stake() {
		// The draw picked validator 2 three times.
		let span = test_span(17, 48, &[5, 9, 7, 9], vec![2, 2, 2]);
		for block in [17, 30, 48] {
			// Producer first; then by stake, the tie between 1 and 3 broken by index.
			assert_eq!(span.authoring_order(block), vec![2, 1, 3, 0]);
		}
		assert_eq!(span.succession_of(17, &102), Some(0));
		assert_eq!(span.succession_of(17, &101), Some(1));
		assert_eq!(span.succession_of(17, &100), Some(3));
	}
}
