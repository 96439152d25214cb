//! Logic of the attestation pallet: checking reports, tallying votes at current stakes,
//! applying attested events, expiry, the queries of the runtime API and the `try_state`
//! invariants.

use crate::{
	pallet::*,
	types::{PendingKey, ReportError, ReportOf, Vote},
	weights::WeightInfo,
	EventKey, KeyStatus, OnAttested, Stake, ValidatorIndex, ValidatorStakes, VoteSlot, VoterInfo,
	LOG_TARGET,
};
use alloc::vec::Vec;
use bttc_primitives::attestation::{report_signing_payload, threshold};
use frame_support::{
	defensive,
	pallet_prelude::{Get, ValidTransaction, Weight},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
	RuntimeAppPublic, SaturatedConversion,
};

/// Most keys [`Pallet::key_status`] answers in one call.
pub const MAX_STATUS_KEYS: usize = 256;

impl<T: Config> Pallet<T> {
	/// The exact bytes the validator signs for `report` in `slot`, valid until
	/// `valid_until`, on this chain: [`report_signing_payload`] with frame_system's hash of
	/// block 0 as the genesis hash.
	pub fn signing_payload(
		report: &ReportOf<T>,
		slot: VoteSlot,
		valid_until: BlockNumberFor<T>,
	) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		report_signing_payload(&genesis, report, slot, valid_until)
	}

	/// Whether `key` was already attested and applied.
	pub fn is_processed(key: &EventKey) -> bool {
		Processed::<T>::contains_key(key)
	}

	/// Stake needed to attest an event with the current total stake.
	pub fn current_threshold() -> Stake {
		threshold(T::ValidatorStakes::total_stake())
	}

	/// Every check of a report, shared by `validate_unsigned` and the dispatchable: not
	/// processed, signature not expired and not valid for too long, signed by an active
	/// validator's bound key, a slot in range and free, the validator's first vote on the key.
	/// Returns the validator's index.
	pub fn check_report(
		report: &ReportOf<T>,
		slot: VoteSlot,
		valid_until: BlockNumberFor<T>,
		authority: &T::AuthorityId,
		signature: &<T::AuthorityId as RuntimeAppPublic>::Signature,
	) -> Result<ValidatorIndex, ReportError> {
		let key = report.key();
		if Processed::<T>::contains_key(key) {
			return Err(ReportError::AlreadyProcessed);
		}
		let now = frame_system::Pallet::<T>::block_number();
		if valid_until < now {
			return Err(ReportError::SignatureExpired);
		}
		if valid_until > now.saturating_add(T::MaxReportLifetime::get()) {
			return Err(ReportError::ValidityTooLong);
		}
		let index = match T::ValidatorStakes::stake_of(authority) {
			Some((index, stake)) if stake > 0 => index,
			_ => return Err(ReportError::NotValidator),
		};
		if slot >= T::VoteSlots::get() {
			return Err(ReportError::BadSlot);
		}
		if !authority.verify(&Self::signing_payload(report, slot, valid_until), signature) {
			return Err(ReportError::BadSignature);
		}
		if Votes::<T>::contains_key(key, index) {
			return Err(ReportError::DuplicateReport);
		}
		if Slots::<T>::contains_key(index, slot) {
			return Err(ReportError::SlotInUse);
		}
		if Pending::<T>::get(key).is_some_and(|p| p.voters >= T::MaxVotersPerKey::get()) {
			return Err(ReportError::TooManyVoters);
		}
		Ok(index)
	}

	/// How the pool keeps a checked report: one per validator and key, one per validator and
	/// slot, until its signature expires.
	pub(crate) fn pool_validity(
		report: &ReportOf<T>,
		index: ValidatorIndex,
		slot: VoteSlot,
		valid_until: BlockNumberFor<T>,
	) -> ValidTransaction {
		let now = frame_system::Pallet::<T>::block_number();
		let longevity: u64 =
			valid_until.saturating_sub(now).saturated_into::<u64>().saturating_add(1);
		ValidTransaction {
			priority: T::UnsignedPriority::get(),
			requires: Vec::new(),
			provides: alloc::vec![
				codec::Encode::encode(&(b"bttc-attest-key", report.key(), index)),
				codec::Encode::encode(&(b"bttc-attest-slot", index, slot)),
			],
			longevity,
			propagate: true,
		}
	}

	/// Records validator `index`'s vote for `report` in `slot` (already checked by
	/// [`Self::check_report`]) and applies the event if its content reaches the threshold at
	/// current stakes. Returns the weight consumed.
	pub(crate) fn do_report(report: ReportOf<T>, index: ValidatorIndex, slot: VoteSlot) -> Weight {
		let key = report.key();
		let content = report.content_hash();
		let now = frame_system::Pallet::<T>::block_number();

		let existing = Pending::<T>::get(key);
		let opened = existing.is_none();
		let mut entry = existing.unwrap_or_else(|| {
			let seq = QueueTail::<T>::get();
			QueueTail::<T>::put(seq.saturating_add(1));
			let expires_at = now.saturating_add(ReportTtl::<T>::get());
			ExpiryQueue::<T>::insert(seq, (expires_at, key));
			PendingCount::<T>::mutate(|c| *c = c.saturating_add(1));
			PendingKey { first_seen: now, expires_at, queue_seq: seq, voters: 0, contents: 0 }
		});
		let new_content = !Contents::<T>::contains_key(key, content);
		if new_content {
			Contents::<T>::insert(key, content, report);
			entry.contents = entry.contents.saturating_add(1);
		}
		Votes::<T>::insert(key, index, Vote { content, slot });
		Slots::<T>::insert(index, slot, key);
		entry.voters = entry.voters.saturating_add(1);
		let (voters, contents) = (entry.voters, entry.contents);
		Pending::<T>::insert(key, entry);

		let total = T::ValidatorStakes::total_stake();
		let needed = threshold(total);
		let tally = Self::tally(&key, &content);
		Self::deposit_event(Event::Reported {
			key,
			content,
			validator: index,
			slot,
			tally,
			threshold: needed,
		});
		if new_content && contents > 1 {
			Self::deposit_event(Event::ConflictingReport { key, content, contents });
		}
		// Opening a key costs what `report_first` measured; the benchmarks of later votes
		// start from an open key.
		let opening = if opened { T::WeightInfo::report_first() } else { Weight::zero() };
		if tally >= needed {
			let used = Self::apply(key, content, tally, total);
			return T::WeightInfo::report_and_apply(voters)
				.saturating_add(opening)
				.saturating_add(used);
		}
		if opened {
			return opening;
		}
		T::WeightInfo::report(voters)
	}

	/// Sum of the current stakes of the validators that voted `content` on `key`.
	pub fn tally(key: &EventKey, content: &H256) -> Stake {
		Votes::<T>::iter_prefix(key)
			.filter(|(_, vote)| vote.content == *content)
			.fold(0, |sum: Stake, (voter, _)| {
				sum.saturating_add(T::ValidatorStakes::stake_of_index(voter))
			})
	}

	/// Marks `key` processed with `content`, removes its votes and contents (freeing the
	/// voters' slots) and hands the event to `OnAttested`. Returns the consumer's weight.
	fn apply(key: EventKey, content: H256, tally: Stake, total: Stake) -> Weight {
		let report = Contents::<T>::get(key, content);
		Self::clear_key(key);
		let now = frame_system::Pallet::<T>::block_number();
		Processed::<T>::insert(key, (now, content));
		ProcessedCount::<T>::mutate(|c| *c = c.saturating_add(1));
		Self::deposit_event(Event::Attested { key, content, tally, total_stake: total });
		log::debug!(target: LOG_TARGET, "attested {key:?} with {tally} of {total}");
		match report {
			Some(report) => T::OnAttested::on_attested(key.chain, report.event),
			None => {
				defensive!("attestation: attested content without its report");
				Weight::zero()
			}
		}
	}

	/// Removes a pending key with its votes and contents, freeing the voters' slots. Returns
	/// `(voters, contents)` removed.
	fn clear_key(key: EventKey) -> (u32, u32) {
		let mut voters: u32 = 0;
		for (voter, vote) in Votes::<T>::drain_prefix(key) {
			voters = voters.saturating_add(1);
			if Slots::<T>::get(voter, vote.slot) == Some(key) {
				Slots::<T>::remove(voter, vote.slot);
			} else {
				defensive!("attestation: a vote's slot holds another key");
			}
		}
		let mut contents: u32 = 0;
		for _ in Contents::<T>::drain_prefix(key) {
			contents = contents.saturating_add(1);
		}
		if let Some(entry) = Pending::<T>::take(key) {
			ExpiryQueue::<T>::remove(entry.queue_seq);
			PendingCount::<T>::mutate(|c| {
				if c.is_zero() {
					defensive!("attestation: pending count underflow");
				}
				*c = c.saturating_sub(1);
			});
		}
		(voters, contents)
	}

	/// Looks at up to `MaxExpiriesPerBlock` keys whose TTL ran out at or before `now`, in
	/// order of first report (after a TTL decrease, a later key may wait for an earlier one): a key with a content at the threshold (current stakes) is applied, any other is
	/// dropped. Holes left in the queue by applied keys are skipped and count as steps.
	pub(crate) fn expire_reports(now: BlockNumberFor<T>) -> Weight {
		let start = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		let max = T::MaxExpiriesPerBlock::get();
		let mut head = start;
		let mut steps: u32 = 0;
		let mut used = Weight::zero();
		let mut most_voters: u32 = 0;
		while head < tail && steps < max {
			if let Some((expires_at, key)) = ExpiryQueue::<T>::get(head) {
				if expires_at > now {
					break;
				}
				let voters = Pending::<T>::get(key).map_or(0, |entry| entry.voters);
				most_voters = most_voters.max(voters);
				used = used.saturating_add(Self::expire(key));
			}
			head = head.saturating_add(1);
			steps = steps.saturating_add(1);
		}
		if head != start {
			QueueHead::<T>::put(head);
		}
		T::WeightInfo::on_initialize(steps, most_voters).saturating_add(used)
	}

	/// The end of a pending key's TTL: the last tally with current stakes, then apply or drop.
	/// Returns the consumer's weight if applied.
	fn expire(key: EventKey) -> Weight {
		let total = T::ValidatorStakes::total_stake();
		let needed = threshold(total);
		let winner = Contents::<T>::iter_key_prefix(key)
			.map(|content| (content, Self::tally(&key, &content)))
			.find(|(_, tally)| *tally >= needed);
		if let Some((content, tally)) = winner {
			return Self::apply(key, content, tally, total);
		}
		let (voters, contents) = Self::clear_key(key);
		Self::deposit_event(Event::Expired { key, contents, voters });
		Weight::zero()
	}

	// ----- Runtime API ---------------------------------------------------------------------------

	/// The voter behind attestation key `authority`, with its slots; `None` unless it is an
	/// active validator's bound key.
	pub fn voter_info(authority: &T::AuthorityId) -> Option<VoterInfo> {
		let (index, stake) = T::ValidatorStakes::stake_of(authority)?;
		if stake == 0 {
			return None;
		}
		Some(VoterInfo {
			index,
			stake,
			max_slots: T::VoteSlots::get(),
			occupied: Slots::<T>::iter_prefix(index).collect(),
			max_lifetime: T::MaxReportLifetime::get().saturated_into(),
		})
	}

	/// The status of each of `keys` (at most [`MAX_STATUS_KEYS`]) for validator `voter`.
	pub fn key_status(voter: ValidatorIndex, keys: &[EventKey]) -> Vec<KeyStatus> {
		keys.iter()
			.take(MAX_STATUS_KEYS)
			.map(|key| {
				if let Some((at, content)) = Processed::<T>::get(key) {
					KeyStatus::Applied { at: at.saturated_into(), content }
				} else if let Some(vote) = Votes::<T>::get(key, voter) {
					KeyStatus::Voted { content: vote.content, slot: vote.slot }
				} else {
					KeyStatus::Open
				}
			})
			.collect()
	}

	// ----- Invariants ----------------------------------------------------------------------------

	/// Invariants: [`PendingCount`] counts [`Pending`]; every pending key has as many
	/// [`Votes`] and [`Contents`] as its entry says (at least one each, votes within
	/// `MaxVotersPerKey`), each content stored under its own key and hash, each vote on a
	/// stored content and holding its slot in [`Slots`]; every occupied slot is below
	/// `VoteSlots` and belongs to a vote; no processed key is pending; votes and contents
	/// exist only for pending keys; the expiry queue holds exactly the pending keys, within
	/// `[QueueHead, QueueTail)`.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		let head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		ensure!(head <= tail, "expiry queue head after its tail");
		let mut count: u32 = 0;
		for (key, entry) in Pending::<T>::iter() {
			count = count.saturating_add(1);
			ensure!(!Processed::<T>::contains_key(key), "a processed key is still pending");
			let mut contents: u32 = 0;
			for (content, report) in Contents::<T>::iter_prefix(key) {
				contents = contents.saturating_add(1);
				ensure!(report.key() == key, "content stored under another key");
				ensure!(report.content_hash() == content, "content hash mismatch");
			}
			let mut voters: u32 = 0;
			for (voter, vote) in Votes::<T>::iter_prefix(key) {
				voters = voters.saturating_add(1);
				ensure!(
					Contents::<T>::contains_key(key, vote.content),
					"a vote on a content that is not stored"
				);
				ensure!(
					Slots::<T>::get(voter, vote.slot) == Some(key),
					"a vote does not hold its slot"
				);
			}
			ensure!(voters > 0 && voters == entry.voters, "pending key's vote count is wrong");
			ensure!(
				contents > 0 && contents == entry.contents,
				"pending key's content count is wrong"
			);
			ensure!(voters <= T::MaxVotersPerKey::get(), "more votes than MaxVotersPerKey");
			ensure!(
				entry.queue_seq >= head && entry.queue_seq < tail,
				"pending key outside the expiry queue window"
			);
			ensure!(entry.expires_at > entry.first_seen, "pending key expires before it was seen");
			ensure!(
				ExpiryQueue::<T>::get(entry.queue_seq) == Some((entry.expires_at, key)),
				"pending key missing from the expiry queue"
			);
		}
		ensure!(count == PendingCount::<T>::get(), "PendingCount differs from the pending keys");
		for (voter, slot, key) in Slots::<T>::iter() {
			ensure!(slot < T::VoteSlots::get(), "an occupied slot above VoteSlots");
			ensure!(
				Votes::<T>::get(key, voter).is_some_and(|v| v.slot == slot),
				"an occupied slot without its vote"
			);
		}
		for (key, _, _) in Votes::<T>::iter() {
			ensure!(Pending::<T>::contains_key(key), "a vote on a key that is not pending");
		}
		for (key, _, _) in Contents::<T>::iter() {
			ensure!(Pending::<T>::contains_key(key), "a content of a key that is not pending");
		}
		let queued = ExpiryQueue::<T>::iter_keys().count();
		ensure!(queued == count as usize, "expiry queue holds keys that are not pending");
		Ok(())
	}
}
