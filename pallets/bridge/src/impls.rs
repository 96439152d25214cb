//! Sequencing, execution, mappings, reads and invariants.

use crate::{
	pallet::*, ChildTokens, FailureReason, RecordStatus, SprintSchedule, StateSyncData,
	StateSyncRecord, StateSynced, WeightInfo,
};
use alloc::vec::Vec;
use bttc_primitives::{
	bridge::{decode_message, BridgeMessage},
	traits::OnAttested,
	BlockNumber, RootChainId,
};
use frame_support::{ensure, pallet_prelude::*};
use sp_core::{H160, H256};
use sp_runtime::SaturatedConversion;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_map_token(
		chain: RootChainId,
		root_token: H160,
		child_token: H160,
	) -> Result<(), Error<T>> {
		ensure!(!root_token.is_zero() && !child_token.is_zero(), Error::<T>::ZeroAddress);
		ensure!(
			!ChildTokenOf::<T>::contains_key(chain, root_token)
				&& !RootTokenOf::<T>::contains_key(chain, child_token),
			Error::<T>::AlreadyMapped
		);
		ChildTokenOf::<T>::insert(chain, root_token, child_token);
		RootTokenOf::<T>::insert(chain, child_token, root_token);
		Ok(())
	}

	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	/// Takes an attested state sync of `chain`: into the sequence if it is the next id (with
	/// the waiting ones it unblocks, up to the per-block bound), into [`Waiting`] if an
	/// earlier id is missing, nowhere if its id is taken. Returns the number sequenced.
	pub(crate) fn on_state_synced(chain: RootChainId, sync: StateSynced) -> u32 {
		let last = LastStateId::<T>::get(chain);
		let id = sync.state_id;
		if id <= last || Waiting::<T>::contains_key(chain, id) {
			Self::deposit_event(Event::DuplicateStateSync {
				chain,
				state_id: id,
				root_tx_hash: sync.root_tx_hash,
			});
			return 0;
		}
		if id > last.saturating_add(1) {
			Waiting::<T>::insert(chain, id, sync);
			WaitingCount::<T>::mutate(chain, |count| *count = count.saturating_add(1));
			Self::deposit_event(Event::StateSyncWaiting {
				chain,
				state_id: id,
				expected: last.saturating_add(1),
			});
			return 0;
		}
		Self::sequence(chain, sync);
		1 + Self::sequence_waiting_of(chain, T::MaxSequencedPerBlock::get())
	}

	/// Appends `sync` (the next state id of `chain`) to the global sequence.
	fn sequence(chain: RootChainId, sync: StateSynced) {
		let record_id = NextRecordId::<T>::get();
		let state_id = sync.state_id;
		LastStateId::<T>::insert(chain, state_id);
		RecordsByRootTx::<T>::insert((chain, sync.root_tx_hash, state_id), record_id);
		Records::<T>::insert(
			record_id,
			StateSyncRecord {
				id: record_id,
				chain,
				event: sync,
				attested_at: Self::now(),
				status: RecordStatus::Queued,
			},
		);
		NextRecordId::<T>::put(record_id.saturating_add(1));
		Self::deposit_event(Event::StateSyncQueued { chain, state_id, record_id });
	}

	/// Moves the waiting state syncs of `chain` that now come next into the sequence, at most
	/// `max`. Returns how many.
	fn sequence_waiting_of(chain: RootChainId, max: u32) -> u32 {
		let mut moved = 0;
		while moved < max {
			let next = LastStateId::<T>::get(chain).saturating_add(1);
			let Some(sync) = Waiting::<T>::take(chain, next) else { break };
			WaitingCount::<T>::mutate(chain, |count| *count = count.saturating_sub(1));
			Self::sequence(chain, sync);
			moved += 1;
		}
		moved
	}

	/// Each block: waiting state syncs left ready by an attestation that hit the bound.
	pub(crate) fn sequence_waiting() -> Weight {
		let mut weight = T::DbWeight::get().reads(RootChainId::ALL.len() as u64);
		let mut budget = T::MaxSequencedPerBlock::get();
		for chain in RootChainId::ALL {
			if budget == 0 {
				break;
			}
			if WaitingCount::<T>::get(chain) == 0 {
				continue;
			}
			let moved = Self::sequence_waiting_of(chain, budget);
			budget -= moved;
			weight = weight.saturating_add(T::WeightInfo::sequence(moved));
		}
		weight
	}

	/// At a sprint start, or while an earlier execution is unfinished: executes queued
	/// records in sequence order, at most `MaxExecutionsPerBlock`.
	pub(crate) fn execute_queued(now: BlockNumber) -> Weight {
		let mut weight = T::DbWeight::get().reads(3);
		if !(ExecutionUnfinished::<T>::get() || T::Sprints::is_sprint_start(now)) {
			return weight;
		}
		let head = ExecutionHead::<T>::get();
		let tail = NextRecordId::<T>::get();
		if head >= tail {
			return weight;
		}
		let end = tail.min(head.saturating_add(T::MaxExecutionsPerBlock::get().into()));
		for id in head..end {
			// Present by the invariant `Records` holds every id below `NextRecordId`.
			if let Some(record) = Records::<T>::get(id) {
				weight = weight.saturating_add(Self::execute(record, now));
			}
		}
		ExecutionHead::<T>::put(end);
		ExecutionUnfinished::<T>::put(end < tail);
		weight.saturating_add(T::DbWeight::get().writes(2))
	}

	/// Executes `record` (queued or failed) and stores its new status. Returns the weight.
	pub(crate) fn execute(mut record: StateSyncRecord, now: BlockNumber) -> Weight {
		let attempts = match record.status {
			RecordStatus::Failed { attempts, .. } => attempts.saturating_add(1),
			_ => 1,
		};
		let (outcome, used) = Self::attempt(&record);
		record.status = match outcome {
			Ok(event) => {
				Self::deposit_event(event);
				RecordStatus::Executed { at: now }
			}
			Err(reason) => {
				log::info!(
					target: crate::LOG_TARGET,
					"record {} (state sync {} of {:?}) failed: {reason:?}",
					record.id,
					record.event.state_id,
					record.chain
				);
				Self::deposit_event(Event::RecordFailed { record_id: record.id, reason });
				RecordStatus::Failed { at: now, reason, attempts }
			}
		};
		Records::<T>::insert(record.id, record);
		T::WeightInfo::execute().saturating_add(used)
	}

	/// What `record` does, and the EVM weight it used.
	fn attempt(record: &StateSyncRecord) -> (Result<Event<T>, FailureReason>, Weight) {
		let chain = record.chain;
		if record.event.receiver != T::ChildTokens::depositor() {
			return (Err(FailureReason::WrongReceiver), Weight::zero());
		}
		let data = match &record.event.data {
			StateSyncData::Bytes(bytes) => bytes,
			StateSyncData::Oversized { .. } => {
				return (Err(FailureReason::Oversized), Weight::zero())
			}
		};
		match decode_message(data) {
			Err(e) => (Err(FailureReason::BadMessage(e)), Weight::zero()),
			Ok(BridgeMessage::Deposit { user, root_token, deposit_data }) => {
				let Some(child_token) = ChildTokenOf::<T>::get(chain, root_token) else {
					return (Err(FailureReason::TokenNotMapped), Weight::zero());
				};
				match T::ChildTokens::deposit(child_token, user, &deposit_data) {
					Ok(used) => (
						Ok(Event::DepositExecuted {
							record_id: record.id,
							chain,
							child_token,
							user,
						}),
						used,
					),
					Err(used) => (Err(FailureReason::ChildTokenFailed), used),
				}
			}
			Ok(BridgeMessage::MapToken { root_token, child_token, .. }) => {
				if ChildTokenOf::<T>::get(chain, root_token) == Some(child_token) {
					(
						Ok(Event::MappingConfirmed {
							record_id: record.id,
							chain,
							root_token,
							child_token,
						}),
						Weight::zero(),
					)
				} else {
					(Err(FailureReason::MappingNotApproved), Weight::zero())
				}
			}
		}
	}

	/// The records of `chain`'s root transaction `root_tx_hash`, at most `max`.
	pub fn records_by_root_tx(
		chain: RootChainId,
		root_tx_hash: H256,
		max: usize,
	) -> Vec<StateSyncRecord> {
		RecordsByRootTx::<T>::iter_prefix_values((chain, root_tx_hash))
			.take(max)
			.filter_map(Records::<T>::get)
			.collect()
	}

	/// `(last state id sequenced, state syncs waiting)` of `chain`.
	pub fn chain_progress(chain: RootChainId) -> (u64, u32) {
		(LastStateId::<T>::get(chain), WaitingCount::<T>::get(chain))
	}

	/// Invariants: the sequence is gap-free and indexed, execution never skips, waiting
	/// state syncs lie ahead of their chain's last id, mappings are one to one.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let next = NextRecordId::<T>::get();
		let head = ExecutionHead::<T>::get();
		ensure!(head <= next, "execution head is past the last record");
		let mut count = 0u64;
		for (id, record) in Records::<T>::iter() {
			count += 1;
			ensure!(id < next && record.id == id, "a record lies outside the sequence");
			let queued = matches!(record.status, RecordStatus::Queued);
			ensure!(
				queued == (id >= head),
				"a record before the head is queued, or one after it is not"
			);
			ensure!(
				record.event.state_id <= LastStateId::<T>::get(record.chain),
				"a record's state id is ahead of its chain's last id"
			);
			ensure!(
				RecordsByRootTx::<T>::get((
					record.chain,
					record.event.root_tx_hash,
					record.event.state_id
				)) == Some(id),
				"a record is missing from the root-transaction index"
			);
		}
		ensure!(count == next, "the sequence has a gap");
		ensure!(
			RecordsByRootTx::<T>::iter().count() as u64 == next,
			"the root-transaction index names records that do not exist"
		);
		for chain in RootChainId::ALL {
			let last = LastStateId::<T>::get(chain);
			let mut waiting = 0u32;
			for (id, sync) in Waiting::<T>::iter_prefix(chain) {
				waiting += 1;
				ensure!(
					id > last && sync.state_id == id,
					"a waiting state sync is not ahead of its chain"
				);
			}
			ensure!(waiting == WaitingCount::<T>::get(chain), "waiting count is wrong");
			for (root, child) in ChildTokenOf::<T>::iter_prefix(chain) {
				ensure!(
					RootTokenOf::<T>::get(chain, child) == Some(root),
					"mapping is not one to one"
				);
			}
			ensure!(
				ChildTokenOf::<T>::iter_prefix(chain).count()
					== RootTokenOf::<T>::iter_prefix(chain).count(),
				"mapping is not one to one"
			);
		}
		Ok(())
	}
}

impl<T: Config> OnAttested<StateSynced> for Pallet<T> {
	fn on_attested(chain: RootChainId, event: StateSynced) -> Weight {
		let sequenced = Self::on_state_synced(chain, event);
		T::WeightInfo::sequence(sequenced.max(1))
	}

	fn max_weight() -> Weight {
		T::WeightInfo::sequence(T::MaxSequencedPerBlock::get().saturating_add(1))
	}
}
