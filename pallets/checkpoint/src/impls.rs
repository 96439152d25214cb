//! Logic of the checkpoint pallet: leaves, proposals, no-acks, signatures, acks, proposer
//! rotation, the runtime API's queries and the `try_state` invariants.

use crate::{
	pallet::*,
	proposer::{self, power_of, Member},
	types::{PendingCheckpoint, SignError, StreamParams, StreamState},
	weights::WeightInfo,
	AckedCheckpoint, BlockLeafSource, Checkpoint, CheckpointAck, CheckpointSigners,
	PendingCheckpointInfo, LOG_TARGET,
};
use alloc::vec::Vec;
use bttc_primitives::{
	attestation::threshold,
	checkpoint::{is_canonical_signature, merkle_root},
	staking::{signer_address, RootValidatorId},
	traits::OnAttested,
	BlockNumber, RootChainId,
};
use frame_support::pallet_prelude::{Get, Weight};
use sp_core::{H160, H256};
use sp_runtime::SaturatedConversion;

impl<T: Config> Pallet<T> {
	fn now() -> BlockNumber {
		frame_system::Pallet::<T>::block_number().saturated_into()
	}

	// ----- Streams ------------------------------------------------------------------------------

	/// Starts root chain `chain`'s stream at `params.first_block` with its first proposer.
	pub(crate) fn start_stream(chain: RootChainId, params: StreamParams) {
		Streams::<T>::insert(chain, params);
		let proposer = Self::rotate_proposer(chain);
		StreamStates::<T>::insert(
			chain,
			StreamState {
				next_start: params.first_block.into(),
				ack_count: 0,
				last_ack_at: Self::now(),
				next_id: 0,
				proposer,
			},
		);
	}

	/// One Tendermint rotation of `chain`'s proposers over the current active set; returns the
	/// new proposer (`None` without active validators).
	pub(crate) fn rotate_proposer(chain: RootChainId) -> Option<RootValidatorId> {
		let active: Vec<(RootValidatorId, i128, H160)> = T::Signers::active_signers()
			.into_iter()
			.map(|(id, stake, address)| (id, power_of(stake), address))
			.filter(|(_, power, _)| *power > 0)
			.collect();
		let known: Vec<Member<RootValidatorId>> = Priorities::<T>::iter_prefix(chain)
			.map(|(id, priority)| Member { id, address: H160::zero(), power: 0, priority })
			.collect();
		let mut members = proposer::update(known, &active);
		let chosen = proposer::rotate(&mut members).map(|i| members[i].id);
		let _ = Priorities::<T>::clear_prefix(chain, u32::MAX, None);
		for m in &members {
			Priorities::<T>::insert(chain, m.id, m.priority);
		}
		chosen
	}

	/// For each stream: a pending checkpoint past its buffer is dropped (no-ack, the proposer
	/// rotates); a stream without one proposes the next when it is due.
	pub(crate) fn run_streams(now: BlockNumber) -> Weight {
		let mut weight = T::DbWeight::get().reads(1);
		for (chain, params) in Streams::<T>::iter() {
			let Some(mut state) = StreamStates::<T>::get(chain) else { continue };
			weight = weight.saturating_add(T::DbWeight::get().reads(2));
			if let Some(pending) = Pending::<T>::get(chain) {
				if now < pending.proposed_at.saturating_add(params.buffer_blocks) {
					continue;
				}
				Self::drop_pending(chain);
				state.proposer = Self::rotate_proposer(chain);
				log::info!(target: LOG_TARGET, "{chain:?}: checkpoint {} not acknowledged in time", pending.id);
				Self::deposit_event(Event::NoAck { chain, id: pending.id });
				weight = weight.saturating_add(T::WeightInfo::no_ack(T::MaxValidators::get()));
			}
			if let Some((pending, length)) = Self::next_checkpoint(chain, &params, &mut state, now)
			{
				Self::deposit_event(Event::CheckpointProposed {
					chain,
					id: pending.id,
					start: pending.checkpoint.start,
					end: pending.checkpoint.end,
					root: pending.checkpoint.root_hash,
					proposer: pending.proposer_id,
				});
				Pending::<T>::insert(chain, pending);
				weight = weight.saturating_add(T::WeightInfo::propose(length));
			}
			StreamStates::<T>::insert(chain, state);
		}
		weight
	}

	/// The checkpoint `chain` should propose now, if it is due, with its length.
	fn next_checkpoint(
		chain: RootChainId,
		params: &StreamParams,
		state: &mut StreamState,
		now: BlockNumber,
	) -> Option<(PendingCheckpoint, u32)> {
		// Leaves exist up to the previous block (each block stores its own when finalized).
		let last = u64::from(now.checked_sub(1)?);
		let start = state.next_start;
		if last < start {
			return None;
		}
		let waiting = last.saturating_sub(start).saturating_add(1);
		let due = waiting >= u64::from(params.avg_length)
			|| (waiting >= u64::from(params.min_length)
				&& now >= state.last_ack_at.saturating_add(params.buffer_blocks));
		if !due {
			return None;
		}
		let length = waiting.min(u64::from(params.max_length).min(u64::from(T::MaxLength::get())));
		let end = start.saturating_add(length).saturating_sub(1);
		let Some(root_hash) = Self::root_of(start, end) else {
			log::error!(target: LOG_TARGET, "{chain:?}: leaves of blocks {start}..={end} are missing; the stream cannot propose");
			return None;
		};
		let (proposer_id, proposer) = Self::proposer_address(chain, state)?;
		let id = state.next_id;
		state.next_id = state.next_id.saturating_add(1);
		let checkpoint = Checkpoint {
			root_chain: chain,
			proposer,
			start,
			end,
			root_hash,
			account_root_hash: H256::zero(),
		};
		Some((
			PendingCheckpoint { id, checkpoint, proposer_id, proposed_at: now },
			u32::try_from(length).unwrap_or(u32::MAX),
		))
	}

	/// The stream's proposer and its signer address; a proposer that left the active set is
	/// replaced by the next one in rotation.
	fn proposer_address(
		chain: RootChainId,
		state: &mut StreamState,
	) -> Option<(RootValidatorId, H160)> {
		let active = T::Signers::active_signers();
		let find = |id: Option<RootValidatorId>| {
			let id = id?;
			active.iter().find(|(v, _, _)| *v == id).map(|(v, _, address)| (*v, *address))
		};
		if let Some(found) = find(state.proposer) {
			return Some(found);
		}
		state.proposer = Self::rotate_proposer(chain);
		find(state.proposer)
	}

	/// The Merkle root of blocks `start..=end` from the stored leaves (`None` if one is
	/// missing or the range is longer than `MaxLength`).
	pub fn root_of(start: u64, end: u64) -> Option<H256> {
		if end < start || end.saturating_sub(start) >= u64::from(T::MaxLength::get()) {
			return None;
		}
		let leaves = (start..=end)
			.map(|n| Leaves::<T>::get(BlockNumber::try_from(n).ok()?))
			.collect::<Option<Vec<H256>>>()?;
		Some(merkle_root(&leaves))
	}

	fn drop_pending(chain: RootChainId) {
		Pending::<T>::remove(chain);
		let _ = Signatures::<T>::clear_prefix(chain, u32::MAX, None);
	}

	// ----- Leaves -------------------------------------------------------------------------------

	/// Stores the leaf of block `now` from its Ethereum view.
	pub(crate) fn store_leaf(now: BlockNumber) {
		match T::BlockLeaves::current_leaf() {
			Some(leaf) => Leaves::<T>::insert(now, leaf.hash()),
			None => log::warn!(target: LOG_TARGET, "block {now} has no Ethereum view: no leaf"),
		}
	}

	/// Removes up to `MaxLeafPruning` leaves below every stream's next start.
	pub(crate) fn prune_leaves(now: BlockNumber) -> Weight {
		// Never past the current block: its leaf and the next ones are still to be stored.
		let floor = StreamStates::<T>::iter_values()
			.map(|s| BlockNumber::try_from(s.next_start).unwrap_or(BlockNumber::MAX))
			.min()
			.unwrap_or(now)
			.min(now);
		let mut from = LeavesFrom::<T>::get();
		let mut removed: u32 = 0;
		while from < floor && removed < T::MaxLeafPruning::get() {
			Leaves::<T>::remove(from);
			from = from.saturating_add(1);
			removed = removed.saturating_add(1);
		}
		if removed > 0 {
			LeavesFrom::<T>::put(from);
		}
		T::WeightInfo::prune_leaves(removed)
	}

	// ----- Signatures ---------------------------------------------------------------------------

	/// Every check of a signature, shared by `validate_unsigned` and the dispatchable: `id` is
	/// `chain`'s pending checkpoint, the signature is canonical, recovers to an active
	/// validator's signer, and that validator did not sign yet. Returns the validator and the
	/// signer address.
	pub fn check_signature(
		chain: RootChainId,
		id: u64,
		signature: &[u8; 65],
	) -> Result<(RootValidatorId, H160), SignError> {
		let pending =
			Pending::<T>::get(chain).filter(|p| p.id == id).ok_or(SignError::NotPending)?;
		if !is_canonical_signature(signature) {
			return Err(SignError::NonCanonical);
		}
		let digest = pending.checkpoint.digest(T::ChildChainId::get());
		let mut rsv = *signature;
		rsv[64] = rsv[64].saturating_sub(27);
		let public = sp_io::crypto::secp256k1_ecdsa_recover(&rsv, &digest)
			.map_err(|_| SignError::BadSignature)?;
		let signer = signer_address(&public);
		let (validator, stake) =
			T::Signers::signer_stake(&signer).ok_or(SignError::NotValidator)?;
		if stake == 0 {
			return Err(SignError::NotValidator);
		}
		if Signatures::<T>::contains_key(chain, validator) {
			return Err(SignError::AlreadySigned);
		}
		Ok((validator, signer))
	}

	/// Records `validator`'s signature (already checked) and says when the checkpoint becomes
	/// ready.
	pub(crate) fn do_sign(
		chain: RootChainId,
		id: u64,
		validator: RootValidatorId,
		signature: [u8; 65],
		signer: H160,
	) {
		let needed = threshold(T::Signers::total_stake());
		let before = Self::signed_stake(chain);
		Signatures::<T>::insert(chain, validator, (signature, signer));
		let signed = Self::signed_stake(chain);
		Self::deposit_event(Event::CheckpointSigned {
			chain,
			id,
			validator,
			signed,
			threshold: needed,
		});
		if before < needed && signed >= needed {
			Self::deposit_event(Event::CheckpointReady { chain, id });
		}
	}

	/// Stake of the validators that signed `chain`'s pending checkpoint, at current stakes.
	pub fn signed_stake(chain: RootChainId) -> u128 {
		Signatures::<T>::iter_key_prefix(chain)
			.fold(0u128, |sum, validator| sum.saturating_add(T::Signers::stake_of(validator)))
	}

	/// The signatures of `chain`'s pending checkpoint `id`, sorted by signer address: the
	/// `sigs` of `RootChain.submitCheckpoint`.
	pub fn sorted_signatures(chain: RootChainId, id: u64) -> Vec<[u8; 65]> {
		if Pending::<T>::get(chain).is_none_or(|p| p.id != id) {
			return Vec::new();
		}
		let mut signatures: Vec<([u8; 65], H160)> =
			Signatures::<T>::iter_prefix_values(chain).collect();
		signatures.sort_by_key(|(_, signer)| *signer);
		signatures.into_iter().map(|(signature, _)| signature).collect()
	}

	// ----- Acks ---------------------------------------------------------------------------------

	/// Applies root chain `chain`'s attested `NewHeaderBlock`: the stream follows the root
	/// chain to `end + 1`, the pending checkpoint is closed, the proposer rotates.
	pub fn on_ack(chain: RootChainId, ack: CheckpointAck) -> Weight {
		let Some(mut state) = StreamStates::<T>::get(chain) else {
			log::warn!(target: LOG_TARGET, "ack of header block {} for {chain:?}, which has no stream", ack.header_block_id);
			return T::DbWeight::get().reads(1);
		};
		if ack.start < state.next_start {
			Self::deposit_event(Event::StaleAckIgnored {
				chain,
				header_block_id: ack.header_block_id,
				start: ack.start,
			});
			return T::DbWeight::get().reads(1);
		}
		if ack.start > state.next_start {
			log::warn!(target: LOG_TARGET, "{chain:?}: header block {} starts at {}, the stream expected {}; following the root chain", ack.header_block_id, ack.start, state.next_start);
		}
		let matches_pending = Pending::<T>::get(chain).is_some_and(|p| {
			p.checkpoint.start == ack.start
				&& p.checkpoint.end == ack.end
				&& p.checkpoint.root_hash == ack.root
		});
		let root_matches_blocks = Self::root_of(ack.start, ack.end) == Some(ack.root);
		if !root_matches_blocks {
			log::error!(target: LOG_TARGET, "{chain:?}: header block {} commits a root these blocks do not produce", ack.header_block_id);
		}
		Self::drop_pending(chain);
		let now = Self::now();
		state.next_start = ack.end.saturating_add(1);
		state.ack_count = state.ack_count.saturating_add(1);
		state.last_ack_at = now;
		state.proposer = Self::rotate_proposer(chain);
		StreamStates::<T>::insert(chain, state);
		Acknowledged::<T>::insert(
			chain,
			ack.header_block_id,
			AckedCheckpoint {
				header_block_id: ack.header_block_id,
				checkpoint: Checkpoint {
					root_chain: chain,
					proposer: ack.proposer,
					start: ack.start,
					end: ack.end,
					root_hash: ack.root,
					account_root_hash: H256::zero(),
				},
				acked_at: now,
			},
		);
		if let Some(old) = ack.header_block_id.checked_sub(u64::from(T::MaxHistory::get())) {
			Acknowledged::<T>::remove(chain, old);
		}
		Self::deposit_event(Event::CheckpointAcknowledged {
			chain,
			header_block_id: ack.header_block_id,
			start: ack.start,
			end: ack.end,
			root: ack.root,
			matches_pending,
			root_matches_blocks,
		});
		let length = ack.end.saturating_sub(ack.start).saturating_add(1);
		T::WeightInfo::on_ack(u32::try_from(length).unwrap_or(u32::MAX).min(T::MaxLength::get()))
	}

	// ----- Runtime API --------------------------------------------------------------------------

	/// Every stream's pending checkpoint with its signatures' stake.
	pub fn pending_info() -> Vec<PendingCheckpointInfo> {
		let needed = threshold(T::Signers::total_stake());
		Pending::<T>::iter()
			.map(|(chain, p)| PendingCheckpointInfo {
				id: p.id,
				checkpoint: p.checkpoint,
				proposed_at: p.proposed_at,
				signed_stake: Self::signed_stake(chain),
				threshold: needed,
				signers: Signatures::<T>::iter_key_prefix(chain).collect(),
			})
			.collect()
	}

	/// The acknowledged checkpoints of `chain` still kept, oldest first.
	pub fn acknowledged(chain: RootChainId) -> Vec<AckedCheckpoint> {
		let mut acked: Vec<AckedCheckpoint> =
			Acknowledged::<T>::iter_prefix_values(chain).collect();
		acked.sort_by_key(|a| a.header_block_id);
		acked
	}

	// ----- Invariants ---------------------------------------------------------------------------

	/// Invariants: every stream has parameters and a state, and no other root chain does; a
	/// pending checkpoint starts at its stream's next start, covers at most `max_length`
	/// blocks, has an id below the stream's next id, and names its proposer's signer;
	/// signatures exist only for pending checkpoints, at most `MaxValidators` each;
	/// priorities exist only for streams; no leaf is stored below `LeavesFrom`; at most
	/// `MaxHistory` acks are kept per stream.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		for (chain, params) in Streams::<T>::iter() {
			let state = StreamStates::<T>::get(chain).ok_or("a stream without state")?;
			ensure!(params.validate(T::MaxLength::get()).is_ok(), "invalid stream parameters");
			if let Some(pending) = Pending::<T>::get(chain) {
				ensure!(
					pending.checkpoint.start == state.next_start,
					"pending checkpoint does not start at the stream's next start"
				);
				ensure!(
					pending.checkpoint.len() <= u64::from(params.max_length),
					"pending checkpoint longer than max_length"
				);
				ensure!(pending.id < state.next_id, "pending id not below the stream's next id");
				ensure!(
					pending.checkpoint.root_chain == chain,
					"pending checkpoint of another root chain"
				);
			}
			let acked = Acknowledged::<T>::iter_prefix(chain).count();
			ensure!(acked <= T::MaxHistory::get() as usize, "more acks kept than MaxHistory");
		}
		for (chain, _) in StreamStates::<T>::iter() {
			ensure!(Streams::<T>::contains_key(chain), "a stream state without parameters");
		}
		for (chain, _) in Pending::<T>::iter() {
			ensure!(Streams::<T>::contains_key(chain), "a pending checkpoint without a stream");
		}
		let mut chains: Vec<RootChainId> = Signatures::<T>::iter_keys().map(|(c, _)| c).collect();
		chains.dedup();
		for chain in chains {
			ensure!(Pending::<T>::contains_key(chain), "signatures without a pending checkpoint");
			let count = Signatures::<T>::iter_prefix(chain).count();
			ensure!(
				count <= T::MaxValidators::get() as usize,
				"more signatures than MaxValidators"
			);
		}
		for (chain, _, _) in Priorities::<T>::iter() {
			ensure!(
				Streams::<T>::contains_key(chain),
				"priorities of a root chain without a stream"
			);
		}
		let from = LeavesFrom::<T>::get();
		for block in Leaves::<T>::iter_keys() {
			ensure!(block >= from, "a leaf below LeavesFrom");
		}
		Ok(())
	}
}

impl<T: Config> OnAttested<CheckpointAck> for Pallet<T> {
	fn on_attested(chain: RootChainId, ack: CheckpointAck) -> Weight {
		Self::on_ack(chain, ack)
	}

	fn max_weight() -> Weight {
		T::WeightInfo::on_ack(T::MaxLength::get())
	}
}
