//! Bor's authoring schedule in slots.
//!
//! The runtime states, per block, who may author it and each author's delay after the parent
//! block ([`ExpectedAuthors`]). Time is counted in slots of the runtime's slot duration: an
//! author whose delay is `d` ms may seal the block in any slot at least `ceil(d / slot)` (and
//! at least one) after the parent's slot. With 2 s slots and BTTC's delays, the in-turn
//! producer uses the next slot and the `k`-th backup waits `k` more backup multipliers.

use crate::error::Error;
use bttc_primitives::{
	span::{ExpectedAuthors, ScheduledAuthor},
	staking::RootValidatorId,
	BlockNumber,
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_slots::Slot;

/// The schedule of one block, as the runtime states it at the parent.
pub type BlockSchedule = ExpectedAuthors<RootValidatorId, AuraId>;
/// One allowed author of a block.
pub type Author = ScheduledAuthor<RootValidatorId, AuraId>;

/// Slots an author must wait after the parent's slot: `ceil(delay_ms / slot_ms)`, at least 1.
pub fn delay_slots(delay_ms: u64, slot_ms: u64) -> Result<u64, Error> {
	if slot_ms == 0 {
		return Err(Error::ZeroSlotDuration);
	}
	Ok(delay_ms.div_ceil(slot_ms).max(1))
}

/// First slot in which `author` may seal a block whose parent is in `parent_slot`.
pub fn earliest_slot(parent_slot: Slot, author: &Author, slot_ms: u64) -> Result<Slot, Error> {
	Ok(Slot::from(u64::from(parent_slot).saturating_add(delay_slots(author.delay_ms, slot_ms)?)))
}

/// Checks that `author` may seal block `block` in `slot` after a parent in `parent_slot`;
/// returns its entry in the schedule.
pub fn authorize<'a>(
	schedule: &'a BlockSchedule,
	block: BlockNumber,
	author: &AuraId,
	parent_slot: Slot,
	slot: Slot,
	slot_ms: u64,
) -> Result<&'a Author, Error> {
	let entry = schedule.authors.iter().find(|a| &a.authority == author).ok_or_else(|| {
		Error::NotAProducer { block, span: schedule.span_id, author: author.clone() }
	})?;
	let earliest = earliest_slot(parent_slot, entry, slot_ms)?;
	if slot < earliest {
		return Err(Error::TooEarly {
			block,
			author: author.clone(),
			succession: entry.succession,
			slot,
			earliest,
		});
	}
	Ok(entry)
}

/// The first of `schedule`'s authors, in succession order, that `is_ours` accepts and whose
/// earliest slot has come: the claim this node may make for `slot`.
pub fn claimable(
	schedule: &BlockSchedule,
	parent_slot: Slot,
	slot: Slot,
	slot_ms: u64,
	is_ours: impl Fn(&AuraId) -> bool,
) -> Option<&Author> {
	schedule.authors.iter().find(|a| {
		is_ours(&a.authority)
			&& earliest_slot(parent_slot, a, slot_ms).is_ok_and(|earliest| slot >= earliest)
	})
}
