//! Checking a block header against the span schedule: seal, author, slot.

use crate::{
	digest::{find_pre_digest, seal_signature},
	error::Error,
	schedule::{authorize, BlockSchedule},
};
use bttc_primitives::BlockNumber;
use sp_application_crypto::RuntimeAppPublic;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_slots::Slot;
use sp_runtime::{
	traits::{Header as HeaderT, UniqueSaturatedInto},
	DigestItem,
};

/// A header whose seal, author and slot passed [`verify_header`].
#[derive(Debug)]
pub struct VerifiedHeader<H> {
	/// The header without its seal (what the runtime executes).
	pub pre_header: H,
	/// The removed seal, to be stored with the block.
	pub seal: DigestItem,
	/// Slot the block was authored in.
	pub slot: Slot,
	/// Its author.
	pub author: AuraId,
	/// The author's succession for this block: 0 in turn, `k` for the `k`-th backup.
	pub succession: u32,
}

/// How far (ms) a block's slot may start ahead of the local clock: the clock drift tolerated
/// between validators. Well under a slot, so a backup's block can never be accepted inside
/// the in-turn producer's slot (its earliest slot is at least one slot later).
pub const MAX_CLOCK_DRIFT_MS: u64 = 500;

/// Milliseconds since the Unix epoch on the local clock.
pub fn unix_time_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
		.unwrap_or(0)
}

/// Verifies that `header` was sealed by a producer allowed by `schedule` (the runtime's
/// `expected_authors` at the parent), not before that producer's delay after `parent_slot`,
/// not in a slot that starts more than [`MAX_CLOCK_DRIFT_MS`] after `now_ms` (the local
/// clock), and with a valid signature.
pub fn verify_header<H: HeaderT>(
	mut header: H,
	parent_slot: Slot,
	schedule: &BlockSchedule,
	now_ms: u64,
	slot_ms: u64,
) -> Result<VerifiedHeader<H>, Error> {
	let block: BlockNumber = (*header.number()).unique_saturated_into();
	let seal = header.digest_mut().pop().ok_or(Error::Unsealed)?;
	let signature = seal_signature(&seal)?;
	let pre_digest = find_pre_digest(&header)?;
	let slot_start_ms = u64::from(pre_digest.slot).saturating_mul(slot_ms);
	if slot_start_ms > now_ms.saturating_add(MAX_CLOCK_DRIFT_MS) {
		return Err(Error::FromTheFuture {
			slot: pre_digest.slot,
			ahead_ms: slot_start_ms.saturating_sub(now_ms),
		});
	}
	let entry =
		authorize(schedule, block, &pre_digest.author, parent_slot, pre_digest.slot, slot_ms)?;
	let succession = entry.succession;
	if !pre_digest.author.verify(&header.hash().as_ref(), &signature) {
		return Err(Error::BadSignature { block, author: pre_digest.author });
	}
	Ok(VerifiedHeader {
		pre_header: header,
		seal,
		slot: pre_digest.slot,
		author: pre_digest.author,
		succession,
	})
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;
	use crate::{
		digest::{pre_digests, seal},
		schedule::{claimable, delay_slots},
	};
	use bttc_primitives::span::{author_delay_ms, ScheduledAuthor};
	use sp_core::{sr25519, Pair};
	use sp_keyring::Sr25519Keyring;
	use sp_runtime::{generic, traits::BlakeTwo256, Digest};

	type Header = generic::Header<u32, BlakeTwo256>;

	const SLOT_MS: u64 = 2_000;
	const PARENT_SLOT: u64 = 1_000;

	fn aura(key: Sr25519Keyring) -> AuraId {
		key.public().into()
	}

	/// Schedule of a block in the middle of a sprint: Alice in turn, Bob then Charlie as
	/// backups, 2 s period and 2 s backup multiplier (the local chain's parameters).
	fn schedule(sprint_start: bool) -> BlockSchedule {
		let authors = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
			.into_iter()
			.enumerate()
			.map(|(succession, key)| {
				let succession = succession as u32;
				ScheduledAuthor {
					validator: u64::from(succession) + 1,
					authority: aura(key),
					succession,
					delay_ms: author_delay_ms(sprint_start, succession, 2_000, 6_000, 2_000),
				}
			})
			.collect();
		BlockSchedule { span_id: 3, sprint: 1, sprint_start, authors }
	}

	/// Block 42 in `slot`, sealed by `signer` while naming `author`.
	fn sealed_header(slot: u64, author: Sr25519Keyring, signer: &sr25519::Pair) -> Header {
		let mut header = Header::new(
			42,
			Default::default(),
			Default::default(),
			Default::default(),
			Digest { logs: pre_digests(Slot::from(slot), &aura(author)) },
		);
		let signature = signer.sign(header.hash().as_ref());
		header.digest_mut().push(seal(&signature.into()));
		header
	}

	/// Verifies at the start of local slot `slot_now`.
	fn verify(header: Header, slot_now: u64) -> Result<VerifiedHeader<Header>, Error> {
		verify_at(header, slot_now * SLOT_MS)
	}

	fn verify_at(header: Header, now_ms: u64) -> Result<VerifiedHeader<Header>, Error> {
		verify_header(header, PARENT_SLOT.into(), &schedule(false), now_ms, SLOT_MS)
	}

	#[test]
	fn in_turn_producer_in_the_next_slot_is_accepted() {
		let header =
			sealed_header(PARENT_SLOT + 1, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		let verified = verify(header.clone(), PARENT_SLOT + 1).expect("in turn, on time");
		assert_eq!(verified.author, aura(Sr25519Keyring::Alice));
		assert_eq!(verified.succession, 0);
		assert_eq!(verified.slot, Slot::from(PARENT_SLOT + 1));
		// The seal is removed and returned; the rest of the header is untouched.
		assert_eq!(verified.pre_header.digest().logs().len(), 2);
		assert_eq!(Some(&verified.seal), header.digest().logs().last());
	}

	#[test]
	fn backups_are_accepted_only_after_their_delay() {
		// Bob (succession 1) waits 2 s + 2 s = 2 slots, Charlie 2 s + 4 s = 3 slots.
		let early =
			sealed_header(PARENT_SLOT + 1, Sr25519Keyring::Bob, &Sr25519Keyring::Bob.pair());
		assert!(matches!(
			verify(early, PARENT_SLOT + 5),
			Err(Error::TooEarly { succession: 1, earliest, .. }) if earliest == Slot::from(PARENT_SLOT + 2)
		));
		let on_time =
			sealed_header(PARENT_SLOT + 2, Sr25519Keyring::Bob, &Sr25519Keyring::Bob.pair());
		assert_eq!(verify(on_time, PARENT_SLOT + 5).expect("after delay").succession, 1);

		let early = sealed_header(
			PARENT_SLOT + 2,
			Sr25519Keyring::Charlie,
			&Sr25519Keyring::Charlie.pair(),
		);
		assert!(matches!(
			verify(early, PARENT_SLOT + 5),
			Err(Error::TooEarly { succession: 2, .. })
		));
		let late = sealed_header(
			PARENT_SLOT + 4,
			Sr25519Keyring::Charlie,
			&Sr25519Keyring::Charlie.pair(),
		);
		assert_eq!(verify(late, PARENT_SLOT + 5).expect("after delay").succession, 2);
	}

	#[test]
	fn block_by_a_non_producer_is_rejected() {
		let header =
			sealed_header(PARENT_SLOT + 5, Sr25519Keyring::Dave, &Sr25519Keyring::Dave.pair());
		assert!(matches!(
			verify(header, PARENT_SLOT + 5),
			Err(Error::NotAProducer { block: 42, span: 3, author }) if author == aura(Sr25519Keyring::Dave)
		));
	}

	#[test]
	fn seal_by_another_key_than_the_declared_author_is_rejected() {
		// Dave signs a header claiming to be Alice, the in-turn producer.
		let header =
			sealed_header(PARENT_SLOT + 1, Sr25519Keyring::Alice, &Sr25519Keyring::Dave.pair());
		assert!(matches!(verify(header, PARENT_SLOT + 1), Err(Error::BadSignature { .. })));
	}

	#[test]
	fn tampered_unsealed_and_future_headers_are_rejected() {
		let mut header =
			sealed_header(PARENT_SLOT + 1, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		header.set_state_root([7u8; 32].into());
		assert!(matches!(verify(header, PARENT_SLOT + 1), Err(Error::BadSignature { .. })));

		let mut header =
			sealed_header(PARENT_SLOT + 1, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		header.digest_mut().pop();
		assert!(matches!(verify(header, PARENT_SLOT + 1), Err(Error::BadSeal)));
		let mut header =
			sealed_header(PARENT_SLOT + 1, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		header.digest_mut().logs.clear();
		assert!(matches!(verify(header, PARENT_SLOT + 1), Err(Error::Unsealed)));

		let header =
			sealed_header(PARENT_SLOT + 3, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		assert!(matches!(verify(header, PARENT_SLOT + 2), Err(Error::FromTheFuture { .. })));
	}

	#[test]
	fn a_backups_block_is_refused_inside_the_in_turn_producers_slot() {
		// Bob (first backup) may seal from slot P + 2. His block for P + 2, received while the
		// local clock is 1 s into P + 1 (Alice's slot), is from the future: refused.
		let header =
			sealed_header(PARENT_SLOT + 2, Sr25519Keyring::Bob, &Sr25519Keyring::Bob.pair());
		let inside_in_turn_slot = (PARENT_SLOT + 1) * SLOT_MS + 1_000;
		assert!(matches!(
			verify_at(header.clone(), inside_in_turn_slot),
			Err(Error::FromTheFuture { ahead_ms: 1_000, .. })
		));
		// Within the drift of P + 2's start (clocks differ a little), or after it: accepted.
		let drift = (PARENT_SLOT + 2) * SLOT_MS - MAX_CLOCK_DRIFT_MS;
		assert_eq!(verify_at(header.clone(), drift).expect("within drift").succession, 1);
		// The drift is well under a slot, so no backup ever lands in the in-turn slot.
		const { assert!(MAX_CLOCK_DRIFT_MS < SLOT_MS / 2) };
	}

	#[test]
	fn sprint_start_waits_the_producer_delay() {
		// Producer delay 6 s = 3 slots for the in-turn producer at a sprint start.
		let header =
			sealed_header(PARENT_SLOT + 2, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		let result = verify_header(
			header,
			PARENT_SLOT.into(),
			&schedule(true),
			(PARENT_SLOT + 9) * SLOT_MS,
			SLOT_MS,
		);
		assert!(matches!(result, Err(Error::TooEarly { succession: 0, .. })));
		let header =
			sealed_header(PARENT_SLOT + 3, Sr25519Keyring::Alice, &Sr25519Keyring::Alice.pair());
		let result = verify_header(
			header,
			PARENT_SLOT.into(),
			&schedule(true),
			(PARENT_SLOT + 9) * SLOT_MS,
			SLOT_MS,
		);
		assert!(result.is_ok());
	}

	#[test]
	fn delays_round_up_to_whole_slots_and_at_least_one() {
		assert_eq!(delay_slots(2_000, 2_000).ok(), Some(1));
		assert_eq!(delay_slots(2_001, 2_000).ok(), Some(2));
		assert_eq!(delay_slots(0, 2_000).ok(), Some(1));
		assert_eq!(delay_slots(6_000, 2_000).ok(), Some(3));
		assert!(matches!(delay_slots(2_000, 0), Err(Error::ZeroSlotDuration)));
	}

	#[test]
	fn a_node_claims_the_earliest_of_its_keys_whose_delay_passed() {
		let schedule = schedule(false);
		let ours = |keys: &'static [Sr25519Keyring]| {
			move |id: &AuraId| keys.iter().any(|k| &aura(*k) == id)
		};
		let parent = Slot::from(PARENT_SLOT);
		let claim = |slot: u64, keys| {
			claimable(&schedule, parent, Slot::from(slot), SLOT_MS, ours(keys))
				.map(|a| a.succession)
		};
		assert_eq!(claim(PARENT_SLOT + 1, &[Sr25519Keyring::Alice]), Some(0));
		// Bob waits while Alice may still author, then takes over.
		assert_eq!(claim(PARENT_SLOT + 1, &[Sr25519Keyring::Bob]), None);
		assert_eq!(claim(PARENT_SLOT + 2, &[Sr25519Keyring::Bob]), Some(1));
		assert_eq!(claim(PARENT_SLOT + 2, &[Sr25519Keyring::Charlie]), None);
		assert_eq!(claim(PARENT_SLOT + 3, &[Sr25519Keyring::Charlie]), Some(2));
		// A non-producer never claims.
		assert_eq!(claim(PARENT_SLOT + 50, &[Sr25519Keyring::Dave]), None);
		// With several keys, the lowest succession wins.
		assert_eq!(
			claim(PARENT_SLOT + 9, &[Sr25519Keyring::Charlie, Sr25519Keyring::Bob]),
			Some(1)
		);
	}
}
