//! Logic of the bridge pallet: checking and tallying reports, applying attested events,
//! expiry, and the `try_state` invariants.

use crate::{
	pallet::*,
	types::{
		report_signing_payload, threshold, ContentTally, OnAttested, PendingEntry, ReportError,
		ReportOf, Stake, ValidatorIndex, ValidatorStakes,
	},
	weights::WeightInfo,
	EventKey, LOG_TARGET,
};
use alloc::vec::Vec;
use frame_support::{
	defensive,
	pallet_prelude::{BoundedVec, Get, Weight},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, Zero},
	RuntimeAppPublic,
};

impl<T: Config> Pallet<T> {
	/// The exact bytes the validator must sign for `report` on this chain (see
	/// [`report_signing_payload`]): `REPORT_SIGNING_DOMAIN ‖ genesis hash ‖ SCALE(report)`.
	/// The genesis hash is frame_system's hash of block 0.
	pub fn signing_payload(report: &ReportOf<T>) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		report_signing_payload(&genesis, report)
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
	/// processed, signed by an active validator's key, first vote of that validator on the
	/// key, room in the bounds. Returns the validator's index and stake.
	pub fn check_report(
		report: &ReportOf<T>,
		authority: &T::AuthorityId,
		signature: &<T::AuthorityId as RuntimeAppPublic>::Signature,
	) -> Result<(ValidatorIndex, Stake), ReportError> {
		let key = report.key();
		if Processed::<T>::contains_key(key) {
			return Err(ReportError::AlreadyProcessed);
		}
		let (index, stake) = match T::ValidatorStakes::stake_of(authority) {
			Some((index, stake)) if stake > 0 => (index, stake),
			_ => return Err(ReportError::NotValidator),
		};
		if !authority.verify(&Self::signing_payload(report), signature) {
			return Err(ReportError::BadSignature);
		}
		match Pending::<T>::get(key) {
			Some(entry) => {
				if entry.has_voted(index) {
					return Err(ReportError::DuplicateReport);
				}
				let content = report.content_hash();
				let known = entry.contents.iter().any(|c| c.content == content);
				if !known && entry.contents.len() >= T::MaxContentsPerKey::get() as usize {
					return Err(ReportError::TooManyContents);
				}
			}
			None => {
				// A report that attests on its own never becomes pending.
				if PendingCount::<T>::get() >= T::MaxPending::get()
					&& stake < Self::current_threshold()
				{
					return Err(ReportError::TooManyPending);
				}
			}
		}
		Ok((index, stake))
	}

	/// Records the vote of validator `index` with `stake` for `report` (already checked by
	/// [`Self::check_report`]) and applies the event if its content reaches the threshold.
	/// Returns the weight consumed.
	pub(crate) fn do_report(
		report: ReportOf<T>,
		index: ValidatorIndex,
		stake: Stake,
	) -> Result<Weight, ReportError> {
		let key = report.key();
		let content = report.content_hash();
		let total = T::ValidatorStakes::total_stake();
		let needed = threshold(total);
		let now = frame_system::Pallet::<T>::block_number();

		let (mut entry, is_new) = match Pending::<T>::get(key) {
			Some(entry) => (entry, false),
			None => {
				if PendingCount::<T>::get() >= T::MaxPending::get() && stake < needed {
					return Err(ReportError::TooManyPending);
				}
				(PendingEntry { first_seen: now, queue_seq: 0, contents: BoundedVec::new() }, true)
			}
		};
		if entry.has_voted(index) {
			return Err(ReportError::DuplicateReport);
		}

		let mut conflicting = false;
		let tally = match entry.contents.iter_mut().find(|c| c.content == content) {
			Some(c) => {
				c.voters.try_push((index, stake)).map_err(|_| ReportError::TooManyVoters)?;
				c.stake = c.stake.saturating_add(stake);
				c.stake
			}
			None => {
				let mut voters = BoundedVec::new();
				voters.try_push((index, stake)).map_err(|_| ReportError::TooManyVoters)?;
				entry
					.contents
					.try_push(ContentTally { content, report: report.clone(), stake, voters })
					.map_err(|_| ReportError::TooManyContents)?;
				conflicting = entry.contents.len() > 1;
				stake
			}
		};

		Self::deposit_event(Event::Reported {
			key,
			content,
			validator: index,
			tally,
			threshold: needed,
		});
		if conflicting {
			let contents = u32::try_from(entry.contents.len()).unwrap_or(u32::MAX);
			Self::deposit_event(Event::ConflictingReport { key, content, contents });
		}

		if tally >= needed {
			if !is_new {
				Pending::<T>::remove(key);
				ExpiryQueue::<T>::remove(entry.queue_seq);
				Self::decrement_pending();
			}
			Processed::<T>::insert(key, now);
			ProcessedCount::<T>::mutate(|c| *c = c.saturating_add(1));
			Self::deposit_event(Event::Attested { key, content, tally, total_stake: total });
			log::debug!(target: LOG_TARGET, "attested {key:?} with {tally} of {total}");
			let used = T::OnAttested::on_attested(key.chain, report.event);
			return Ok(T::WeightInfo::report_and_apply().saturating_add(used));
		}

		if is_new {
			let seq = QueueTail::<T>::get();
			QueueTail::<T>::put(seq.saturating_add(1));
			let expires_at = now.saturating_add(T::ReportTtl::get());
			ExpiryQueue::<T>::insert(seq, (expires_at, key));
			entry.queue_seq = seq;
			PendingCount::<T>::mutate(|c| *c = c.saturating_add(1));
		}
		Pending::<T>::insert(key, entry);
		Ok(T::WeightInfo::report())
	}

	fn decrement_pending() {
		PendingCount::<T>::mutate(|c| {
			if c.is_zero() {
				defensive!("bridge: pending count underflow");
			}
			*c = c.saturating_sub(1);
		});
	}

	/// Removes up to `MaxExpiriesPerBlock` keys whose TTL ran out at or before `now`, oldest
	/// first. Holes left in the queue by applied keys are skipped and count as steps.
	pub(crate) fn expire_reports(now: BlockNumberFor<T>) -> Weight {
		let start = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		let max = T::MaxExpiriesPerBlock::get();
		let mut head = start;
		let mut steps: u32 = 0;
		while head < tail && steps < max {
			match ExpiryQueue::<T>::get(head) {
				None => {}
				Some((expires_at, key)) => {
					if expires_at > now {
						break;
					}
					ExpiryQueue::<T>::remove(head);
					match Pending::<T>::take(key) {
						Some(entry) if entry.queue_seq == head => {
							Self::decrement_pending();
							let contents = u32::try_from(entry.contents.len()).unwrap_or(u32::MAX);
							Self::deposit_event(Event::Expired { key, contents });
						}
						Some(other) => {
							defensive!("bridge: expiry queue entry points to a newer pending key");
							Pending::<T>::insert(key, other);
						}
						None => {
							defensive!("bridge: expiry queue entry without a pending key");
						}
					}
				}
			}
			head = head.saturating_add(1);
			steps = steps.saturating_add(1);
		}
		if head != start {
			QueueHead::<T>::put(head);
		}
		T::WeightInfo::on_initialize(steps)
	}

	/// Invariants: pending count matches and is within `MaxPending`; every pending key has
	/// 1..=`MaxContentsPerKey` distinct contents whose report has that key and hash, whose
	/// tally equals the sum of the recorded stakes; a validator votes once per key; no
	/// processed key is pending; the expiry queue holds exactly the pending keys, within
	/// `[QueueHead, QueueTail)`.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeSet;
		use frame_support::ensure;
		let head = QueueHead::<T>::get();
		let tail = QueueTail::<T>::get();
		ensure!(head <= tail, "expiry queue head after its tail");
		let mut count: u32 = 0;
		for (key, entry) in Pending::<T>::iter() {
			count = count.saturating_add(1);
			ensure!(!Processed::<T>::contains_key(key), "a processed key is still pending");
			ensure!(!entry.contents.is_empty(), "pending key without contents");
			let mut voters = BTreeSet::new();
			let mut contents = BTreeSet::new();
			for c in entry.contents.iter() {
				ensure!(c.report.key() == key, "content stored under another key");
				ensure!(c.report.content_hash() == c.content, "content hash mismatch");
				ensure!(contents.insert(c.content), "content tallied twice for a key");
				ensure!(!c.voters.is_empty(), "content without voters");
				let sum = c.voters.iter().fold(0u128, |a, (_, s)| a.saturating_add(*s));
				ensure!(sum == c.stake, "tally differs from the sum of the recorded stakes");
				for (v, _) in c.voters.iter() {
					ensure!(voters.insert(*v), "a validator voted twice on a key");
				}
			}
			ensure!(
				entry.queue_seq >= head && entry.queue_seq < tail,
				"pending key outside the expiry queue window"
			);
			let expires_at = entry.first_seen.saturating_add(T::ReportTtl::get());
			ensure!(
				ExpiryQueue::<T>::get(entry.queue_seq) == Some((expires_at, key)),
				"pending key missing from the expiry queue"
			);
		}
		ensure!(count == PendingCount::<T>::get(), "PendingCount differs from the pending keys");
		ensure!(count <= T::MaxPending::get(), "more pending keys than MaxPending");
		let queued = ExpiryQueue::<T>::iter_keys().count();
		ensure!(queued == count as usize, "expiry queue holds keys that are not pending");
		Ok(())
	}
}
