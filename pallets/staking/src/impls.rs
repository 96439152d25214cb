//! Logic of the staking pallet: applying `StakeManager` events in nonce order, binding session
//! keys, genesis, queries, the trait impls for the span and bridge pallets and the `try_state`
//! invariants.

use crate::{
	pallet::*,
	types::{
		BindError, GenesisValidatorOf, KeyOwnershipProofsOf, RefusalReason, SessionKeysOf,
		ValidatorRecord, ValidatorRecordOf,
	},
	weights::WeightInfo,
	LOG_TARGET,
};
use alloc::vec::Vec;
use bttc_primitives::{
	span::{Stake, ValidatorIndex},
	staking::{
		key_ownership_message, session_keys_binding_digest, signer_address, RootValidatorId,
		StakeNonce, StakingEvent, TokenAmount,
	},
	traits::{CheckpointSigners, OnAttested, ValidatorSetProvider, ValidatorStakes},
	RootChainId,
};
use codec::Encode;
use frame_support::{
	defensive,
	pallet_prelude::{Get, Weight},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Zero, RuntimeAppPublic};

/// Most deferred `Staked` events applied per block (each frees nothing, so a block's budget is
/// small; the rest follow in the next blocks).
pub const MAX_DEFERRED_PER_BLOCK: u32 = 4;

impl<T: Config> Pallet<T> {
	// ----- Queries ------------------------------------------------------------------------------

	/// The active validators (not unstaking, not jailed, keys bound, power > 0), sorted by id.
	pub fn active_validators() -> Vec<(RootValidatorId, ValidatorRecordOf<T>)> {
		let mut active: Vec<_> = Validators::<T>::iter().filter(|(_, r)| r.is_active()).collect();
		active.sort_by_key(|(id, _)| *id);
		active
	}

	/// The record of validator `id`, active or not.
	pub fn validator(id: RootValidatorId) -> Option<ValidatorRecordOf<T>> {
		Validators::<T>::get(id)
	}

	/// The GRANDPA key bound by validator `id` (whether or not it is active).
	pub fn finality_key(id: RootValidatorId) -> Option<T::FinalityId> {
		Validators::<T>::get(id)?.keys.map(|k| k.grandpa)
	}

	/// The validator that bound Aura key `key` (whether or not it is active).
	pub fn validator_of_aura(key: &T::AuraId) -> Option<RootValidatorId> {
		ValidatorByAura::<T>::get(key)
	}

	/// The validator whose root-chain signer address is `signer`.
	pub fn validator_of_signer(signer: &sp_core::H160) -> Option<RootValidatorId> {
		ValidatorBySigner::<T>::get(signer)
	}

	/// Sum of the power of the active validators.
	pub fn total_active_power() -> TokenAmount {
		TotalActivePower::<T>::get()
	}

	// ----- Binding session keys ------------------------------------------------------------------

	/// What validator `validator_id` signs with its signer key to bind `keys` as its
	/// `binding_nonce`-th binding on this chain:
	/// `session_keys_binding_digest(genesis hash, StakeChain, validator_id, binding_nonce,
	/// SCALE(keys))`. The genesis hash is frame_system's hash of block 0.
	pub fn binding_digest(
		validator_id: RootValidatorId,
		binding_nonce: u64,
		keys: &SessionKeysOf<T>,
	) -> [u8; 32] {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		// 32-byte hashes (H256 in every BTTC runtime) are used as they are; any other hash type
		// is reduced to 32 bytes by keccak-256 of its encoding.
		let genesis: [u8; 32] = <[u8; 32]>::try_from(genesis.as_ref())
			.unwrap_or_else(|_| sp_io::hashing::keccak_256(&genesis.encode()));
		session_keys_binding_digest(
			&genesis,
			T::StakeChain::get(),
			validator_id,
			binding_nonce,
			&keys.encode(),
		)
	}

	/// Every check of a binding, shared by `validate_unsigned` and the dispatchable: the
	/// validator exists, `signature` (`r ‖ s ‖ v`, `v` ∈ {0, 1, 27, 28}) recovers to its signer
	/// key over [`Self::binding_digest`] with its current binding nonce, each session key
	/// signed [`key_ownership_message`] of that digest, and no key is bound to another
	/// validator. Returns the validator's record.
	pub fn check_binding(
		validator_id: RootValidatorId,
		keys: &SessionKeysOf<T>,
		signature: &[u8; 65],
		proofs: &KeyOwnershipProofsOf<T>,
	) -> Result<ValidatorRecordOf<T>, BindError> {
		let record = Validators::<T>::get(validator_id).ok_or(BindError::UnknownValidator)?;
		let mut rsv = *signature;
		rsv[64] = match signature[64] {
			v @ (0 | 1) => v,
			v @ (27 | 28) => v.saturating_sub(27),
			_ => return Err(BindError::BadSignature),
		};
		let digest = Self::binding_digest(validator_id, record.binding_nonce, keys);
		let recovered = sp_io::crypto::secp256k1_ecdsa_recover(&rsv, &digest)
			.map_err(|_| BindError::BadSignature)?;
		if recovered != record.signer_pubkey {
			return Err(BindError::BadSignature);
		}
		let ownership = key_ownership_message(&digest);
		if !keys.aura.verify(&ownership, &proofs.aura)
			|| !keys.grandpa.verify(&ownership, &proofs.grandpa)
			|| !keys.attestation.verify(&ownership, &proofs.attestation)
		{
			return Err(BindError::KeyOwnershipUnproven);
		}
		let other = |owner: Option<RootValidatorId>| owner.is_some_and(|id| id != validator_id);
		if other(ValidatorByAura::<T>::get(&keys.aura))
			|| other(ValidatorByFinality::<T>::get(&keys.grandpa))
			|| other(ValidatorByAttestation::<T>::get(&keys.attestation))
		{
			return Err(BindError::KeysInUse);
		}
		Ok(record)
	}

	/// Binds `keys` to validator `validator_id` (already checked by [`Self::check_binding`]):
	/// releases its previous keys, indexes the new ones, bumps its binding nonce and keeps
	/// [`TotalActivePower`] exact.
	pub(crate) fn do_bind(
		validator_id: RootValidatorId,
		mut record: ValidatorRecordOf<T>,
		keys: SessionKeysOf<T>,
	) {
		let before = record.active_power();
		if let Some(old) = record.keys.take() {
			Self::unindex_keys(validator_id, &old);
		}
		ValidatorByAura::<T>::insert(&keys.aura, validator_id);
		ValidatorByFinality::<T>::insert(&keys.grandpa, validator_id);
		ValidatorByAttestation::<T>::insert(&keys.attestation, validator_id);
		record.keys = Some(keys.clone());
		record.binding_nonce = record.binding_nonce.saturating_add(1);
		Self::adjust_total(before, record.active_power());
		let binding_nonce = record.binding_nonce;
		Validators::<T>::insert(validator_id, record);
		Self::deposit_event(Event::SessionKeysBound { validator_id, keys, binding_nonce });
	}

	/// Removes the index entries of `keys` that point to `validator_id`.
	fn unindex_keys(validator_id: RootValidatorId, keys: &SessionKeysOf<T>) {
		if ValidatorByAura::<T>::get(&keys.aura) == Some(validator_id) {
			ValidatorByAura::<T>::remove(&keys.aura);
		}
		if ValidatorByFinality::<T>::get(&keys.grandpa) == Some(validator_id) {
			ValidatorByFinality::<T>::remove(&keys.grandpa);
		}
		if ValidatorByAttestation::<T>::get(&keys.attestation) == Some(validator_id) {
			ValidatorByAttestation::<T>::remove(&keys.attestation);
		}
	}

	// ----- Applying events -----------------------------------------------------------------------

	/// `TotalActivePower += after − before`, where `before`/`after` are a validator's active
	/// power before and after a change.
	fn adjust_total(before: TokenAmount, after: TokenAmount) {
		if before == after {
			return;
		}
		TotalActivePower::<T>::mutate(|total| {
			let without = total.checked_sub(before).unwrap_or_else(|| {
				defensive!("staking: total active power below a validator's power");
				0
			});
			*total = without.saturating_add(after);
		});
	}

	/// Applies, queues or ignores a `StakeManager` event of the stake chain, then applies the
	/// queued successors of an applied event. Returns the number of queued entries removed
	/// (drained or dropped), for the weight.
	pub(crate) fn process(event: StakingEvent) -> u32 {
		let validator_id = event.validator_id();
		let nonce = event.nonce();
		let record = Validators::<T>::get(validator_id);
		let current = record.as_ref().map_or(0, |r| r.nonce);
		let is_staked = matches!(event, StakingEvent::Staked { .. });
		let deferred = is_staked && DeferredStaked::<T>::contains_key(validator_id);
		if nonce <= current || (is_staked && record.is_some()) || deferred {
			Self::deposit_event(Event::StaleEventIgnored { validator_id, nonce });
			return 0;
		}
		if current.checked_add(1) == Some(nonce) && (record.is_some() || is_staked) {
			// A queued event with this nonce (a conflicting copy) can never apply now.
			let mut removed = u32::from(Self::take_queued(validator_id, nonce).is_some());
			removed = removed.saturating_add(Self::apply(validator_id, record, event));
			return removed.saturating_add(Self::drain(validator_id));
		}
		Self::enqueue(event);
		0
	}

	/// Applies the queued events following validator `validator_id`'s nonce while present.
	/// Returns the number of queued entries removed.
	fn drain(validator_id: RootValidatorId) -> u32 {
		let mut removed: u32 = 0;
		// The queue holds at most `MaxQueuedPerValidator` entries, so the loop ends sooner.
		for _ in 0..=T::MaxQueuedPerValidator::get() {
			let Some(record) = Validators::<T>::get(validator_id) else { break };
			let Some(next) = record.nonce.checked_add(1) else { break };
			let Some(event) = Self::take_queued(validator_id, next) else { break };
			removed = removed.saturating_add(1);
			if matches!(event, StakingEvent::Staked { .. }) {
				Self::deposit_event(Event::StaleEventIgnored { validator_id, nonce: next });
				break;
			}
			removed = removed.saturating_add(Self::apply(validator_id, Some(record), event));
		}
		removed
	}

	/// Removes and returns the queued event `(validator_id, nonce)`, keeping the count.
	fn take_queued(validator_id: RootValidatorId, nonce: StakeNonce) -> Option<StakingEvent> {
		let event = QueuedEvents::<T>::take(validator_id, nonce)?;
		QueuedCount::<T>::mutate_exists(validator_id, |count| {
			let left = count.unwrap_or(0).checked_sub(1).unwrap_or_else(|| {
				defensive!("staking: queued count below the queued events");
				0
			});
			*count = (left > 0).then_some(left);
		});
		Some(event)
	}

	/// Drops every queued event of `validator_id`; returns how many there were.
	fn clear_queue(validator_id: RootValidatorId) -> u32 {
		let count = QueuedCount::<T>::take(validator_id);
		if count == 0 {
			return 0;
		}
		let result =
			QueuedEvents::<T>::clear_prefix(validator_id, T::MaxQueuedPerValidator::get(), None);
		if result.maybe_cursor.is_some() {
			defensive!("staking: more queued events than MaxQueuedPerValidator");
		}
		count
	}

	/// Queues `event` until its predecessors arrive, unless a copy is queued or the queue is
	/// full.
	fn enqueue(event: StakingEvent) {
		let validator_id = event.validator_id();
		let nonce = event.nonce();
		if QueuedEvents::<T>::contains_key(validator_id, nonce) {
			Self::deposit_event(Event::DuplicateEventIgnored { validator_id, nonce });
			return;
		}
		let count = QueuedCount::<T>::get(validator_id);
		if count >= T::MaxQueuedPerValidator::get() {
			log::warn!(
				target: LOG_TARGET,
				"queue of validator {validator_id} is full; dropping its event with nonce {nonce}"
			);
			Self::deposit_event(Event::QueueFull { validator_id, nonce });
			return;
		}
		QueuedEvents::<T>::insert(validator_id, nonce, event);
		QueuedCount::<T>::insert(validator_id, count.saturating_add(1));
		Self::deposit_event(Event::EventQueued { validator_id, nonce });
	}

	/// Applies `event`, whose nonce is the next one of validator `validator_id` (`record` is
	/// its record, `None` only for `Staked`). Returns the number of queued or deferred entries
	/// handled, for the weight.
	fn apply(
		validator_id: RootValidatorId,
		record: Option<ValidatorRecordOf<T>>,
		event: StakingEvent,
	) -> u32 {
		let Some(mut record) = record else {
			if !matches!(event, StakingEvent::Staked { .. }) {
				defensive!("staking: applying a non-Staked event to an unknown validator");
				Self::deposit_event(Event::StaleEventIgnored {
					validator_id,
					nonce: event.nonce(),
				});
				return 0;
			}
			return Self::apply_staked(event);
		};
		let before = record.active_power();
		match event {
			StakingEvent::Staked { nonce, .. } => {
				defensive!("staking: applying Staked to a known validator");
				Self::deposit_event(Event::StaleEventIgnored { validator_id, nonce });
				0
			}
			StakingEvent::Restaked { nonce, new_power, .. }
			| StakingEvent::StakeUpdate { nonce, new_power, .. } => {
				record.nonce = nonce;
				record.power = new_power;
				Self::adjust_total(before, record.active_power());
				Validators::<T>::insert(validator_id, record);
				Self::deposit_event(Event::PowerChanged { validator_id, nonce, power: new_power });
				0
			}
			StakingEvent::SignerChange { nonce, new_signer, signer_pubkey, .. } => {
				record.nonce = nonce;
				let owner = ValidatorBySigner::<T>::get(new_signer);
				let refusal = if signer_address(&signer_pubkey) != new_signer {
					Some(RefusalReason::SignerMismatch)
				} else if owner.is_some_and(|id| id != validator_id) {
					Some(RefusalReason::SignerInUse)
				} else {
					None
				};
				let old_signer = record.signer;
				if refusal.is_none() {
					ValidatorBySigner::<T>::remove(old_signer);
					ValidatorBySigner::<T>::insert(new_signer, validator_id);
					record.signer = new_signer;
					record.signer_pubkey = signer_pubkey;
				}
				Validators::<T>::insert(validator_id, record);
				match refusal {
					None => {
						Self::deposit_event(Event::SignerChanged {
							validator_id,
							nonce,
							old_signer,
							new_signer,
						});
						// The old signer is free: a `Staked` waiting for it may apply now.
						Self::note_slot_freed();
						0
					}
					Some(reason) => {
						log::warn!(
							target: LOG_TARGET,
							"SignerChange of validator {validator_id} refused: {reason:?}"
						);
						Self::deposit_event(Event::SignerChangeRefused {
							validator_id,
							nonce,
							reason,
						});
						0
					}
				}
			}
			StakingEvent::UnstakeInit { nonce, deactivation_epoch, .. } => {
				if !record.is_unstaking() {
					Self::decrement_live();
				}
				record.nonce = nonce;
				record.deactivation_epoch = Some(deactivation_epoch);
				Self::adjust_total(before, record.active_power());
				Validators::<T>::insert(validator_id, record);
				Self::deposit_event(Event::UnstakeInitiated {
					validator_id,
					nonce,
					deactivation_epoch,
				});
				// A live slot is free: a `Staked` waiting for one may apply now.
				Self::note_slot_freed();
				0
			}
			StakingEvent::Unstaked { nonce, .. } => {
				Self::adjust_total(before, 0);
				if !record.is_unstaking() {
					Self::decrement_live();
				}
				if ValidatorBySigner::<T>::get(record.signer) == Some(validator_id) {
					ValidatorBySigner::<T>::remove(record.signer);
				}
				if let Some(keys) = &record.keys {
					Self::unindex_keys(validator_id, keys);
				}
				Validators::<T>::remove(validator_id);
				let dropped = Self::clear_queue(validator_id);
				Self::deposit_event(Event::ValidatorRemoved { validator_id, nonce });
				// Its record and signer are free.
				Self::note_slot_freed();
				dropped
			}
		}
	}

	fn decrement_live() {
		LiveCount::<T>::mutate(|live| {
			if live.is_zero() {
				defensive!("staking: live count underflow");
			}
			*live = live.saturating_sub(1);
		});
	}

	/// Why `Staked` with `signer` and `signer_pubkey` cannot apply now, if it cannot:
	/// `SignerMismatch` for good, `SignerInUse` or `TooManyValidators` until a validator
	/// leaves or changes signer.
	fn staked_refusal(
		signer: sp_core::H160,
		signer_pubkey: &bttc_primitives::staking::SignerPubkey,
	) -> Option<RefusalReason> {
		if signer_address(signer_pubkey) != signer {
			Some(RefusalReason::SignerMismatch)
		} else if ValidatorBySigner::<T>::contains_key(signer) {
			Some(RefusalReason::SignerInUse)
		} else if LiveCount::<T>::get() >= T::MaxValidators::get()
			|| Validators::<T>::count() >= T::MaxValidators::get().saturating_mul(2)
		{
			Some(RefusalReason::TooManyValidators)
		} else {
			None
		}
	}

	/// Adds a validator for `Staked` (a `Staked` event), defers it while its signer or a slot
	/// is taken, or refuses it for good. Returns the number of queued entries dropped.
	fn apply_staked(event: StakingEvent) -> u32 {
		let StakingEvent::Staked {
			validator_id,
			signer,
			nonce,
			activation_epoch,
			amount,
			signer_pubkey,
		} = event
		else {
			return 0;
		};
		match Self::staked_refusal(signer, &signer_pubkey) {
			None => {}
			Some(reason @ RefusalReason::SignerMismatch) => {
				return Self::refuse_staked(validator_id, reason)
			}
			Some(reason) => {
				if DeferredStaked::<T>::count() >= T::MaxValidators::get() {
					// Only if more than `MaxValidators` stakes wait at once, which the root
					// chain's validator threshold (at most `MaxValidators`) rules out.
					return Self::refuse_staked(validator_id, RefusalReason::TooManyValidators);
				}
				log::info!(
					target: LOG_TARGET,
					"Staked of validator {validator_id} deferred: {reason:?}"
				);
				DeferredStaked::<T>::insert(validator_id, event);
				Self::deposit_event(Event::StakedDeferred { validator_id, reason });
				return 0;
			}
		}
		let record = ValidatorRecord {
			signer,
			signer_pubkey,
			power: amount,
			activation_epoch,
			deactivation_epoch: None,
			jailed: false,
			nonce,
			keys: None,
			binding_nonce: 0,
		};
		ValidatorBySigner::<T>::insert(signer, validator_id);
		Validators::<T>::insert(validator_id, record);
		LiveCount::<T>::mutate(|live| *live = live.saturating_add(1));
		Self::deposit_event(Event::ValidatorStaked {
			validator_id,
			signer,
			power: amount,
			activation_epoch,
		});
		0
	}

	/// Refuses `Staked` of `validator_id` for good: its queued events can never apply.
	fn refuse_staked(validator_id: RootValidatorId, reason: RefusalReason) -> u32 {
		log::warn!(target: LOG_TARGET, "Staked of validator {validator_id} refused: {reason:?}");
		let dropped = Self::clear_queue(validator_id);
		Self::deposit_event(Event::StakedRefused { validator_id, reason });
		dropped
	}

	/// A validator left or changed signer: deferred `Staked` events are retried from the next
	/// block's `on_initialize`.
	fn note_slot_freed() {
		if DeferredStaked::<T>::count() > 0 {
			RetryDeferred::<T>::put(true);
		}
	}

	/// In `on_initialize`, when a slot was freed: applies up to `MAX_DEFERRED_PER_BLOCK`
	/// deferred `Staked` events that can apply now, lowest id first, each followed by its
	/// queued events; the rest wait for the next block. Returns the weight used.
	pub(crate) fn retry_deferred() -> Weight {
		if !RetryDeferred::<T>::get() {
			return T::DbWeight::get().reads(1);
		}
		let mut waiting: Vec<(RootValidatorId, StakingEvent)> =
			DeferredStaked::<T>::iter().take(T::MaxValidators::get() as usize).collect();
		waiting.sort_by_key(|(id, _)| *id);
		let scanned = u32::try_from(waiting.len()).unwrap_or(u32::MAX);
		let mut applied: u32 = 0;
		let mut drained: u32 = 0;
		for (validator_id, event) in waiting {
			if applied >= MAX_DEFERRED_PER_BLOCK {
				break;
			}
			let StakingEvent::Staked { signer, signer_pubkey, .. } = &event else {
				defensive!("staking: a deferred event that is not Staked");
				DeferredStaked::<T>::remove(validator_id);
				continue;
			};
			if Self::staked_refusal(*signer, signer_pubkey).is_some() {
				continue;
			}
			DeferredStaked::<T>::remove(validator_id);
			applied = applied.saturating_add(1);
			drained = drained.saturating_add(Self::apply_staked(event));
			drained = drained.saturating_add(Self::drain(validator_id));
		}
		// More may apply next block if the budget ran out; otherwise wait for the next freed
		// slot (a drained `UnstakeInit` sets the flag again).
		if applied < MAX_DEFERRED_PER_BLOCK {
			RetryDeferred::<T>::kill();
		}
		T::WeightInfo::on_attested(drained.min(Self::max_handled()))
			.saturating_mul(u64::from(applied.max(1)))
			.saturating_add(
				T::DbWeight::get().reads_writes(u64::from(scanned).saturating_add(1), 1),
			)
	}

	// ----- Genesis ---------------------------------------------------------------------------------

	/// Adds the genesis validators with their keys bound. Fails, with the offending validator
	/// id, on a repeated id, signer or key, or more than `MaxValidators` validators.
	pub(crate) fn build_genesis(
		validators: &[GenesisValidatorOf<T>],
	) -> Result<(), (RootValidatorId, &'static str)> {
		for v in validators {
			let id = v.id;
			if Validators::<T>::contains_key(id) {
				return Err((id, "id repeated"));
			}
			if Validators::<T>::count() >= T::MaxValidators::get() {
				return Err((id, "more validators than MaxValidators"));
			}
			let signer = signer_address(&v.signer_pubkey);
			if ValidatorBySigner::<T>::contains_key(signer) {
				return Err((id, "signer key already used by another validator"));
			}
			if ValidatorByAura::<T>::contains_key(&v.keys.aura) {
				return Err((id, "aura key already used by another validator"));
			}
			if ValidatorByFinality::<T>::contains_key(&v.keys.grandpa) {
				return Err((id, "grandpa key already used by another validator"));
			}
			if ValidatorByAttestation::<T>::contains_key(&v.keys.attestation) {
				return Err((id, "attestation key already used by another validator"));
			}
			let record = ValidatorRecord {
				signer,
				signer_pubkey: v.signer_pubkey,
				power: v.power,
				activation_epoch: 0,
				deactivation_epoch: None,
				jailed: false,
				nonce: v.nonce,
				keys: Some(v.keys.clone()),
				binding_nonce: 0,
			};
			ValidatorBySigner::<T>::insert(signer, id);
			ValidatorByAura::<T>::insert(&v.keys.aura, id);
			ValidatorByFinality::<T>::insert(&v.keys.grandpa, id);
			ValidatorByAttestation::<T>::insert(&v.keys.attestation, id);
			Self::adjust_total(0, record.active_power());
			Validators::<T>::insert(id, record);
			LiveCount::<T>::mutate(|live| *live = live.saturating_add(1));
		}
		Ok(())
	}

	// ----- Benchmarks ----------------------------------------------------------------------------

	/// A key of type `K` made from `(index, tag)`: decoded from its encoding padded with
	/// zeros. Any fixed-size key type decodes from it.
	#[cfg(feature = "runtime-benchmarks")]
	pub(crate) fn benchmark_key<K: codec::Decode>(index: u32, tag: &[u8; 4]) -> Option<K> {
		let seed = (index, *tag).encode();
		K::decode(&mut sp_runtime::traits::TrailingZeroInput::new(&seed)).ok()
	}

	/// Benchmarks: session keys numbered `index`.
	#[cfg(feature = "runtime-benchmarks")]
	pub(crate) fn benchmark_keys(index: u32) -> Option<SessionKeysOf<T>> {
		Some(crate::types::SessionKeys {
			aura: Self::benchmark_key(index, b"aura")?,
			grandpa: Self::benchmark_key(index, b"gran")?,
			attestation: Self::benchmark_key(index, b"atts")?,
		})
	}

	/// Benchmarks: inserts validator `id` with `power`, signer key `signer_pubkey` and, if
	/// given, bound `keys`, keeping the indexes and the total exact.
	#[cfg(feature = "runtime-benchmarks")]
	pub(crate) fn benchmark_insert_validator(
		id: RootValidatorId,
		power: TokenAmount,
		signer_pubkey: bttc_primitives::staking::SignerPubkey,
		keys: Option<SessionKeysOf<T>>,
	) {
		let signer = signer_address(&signer_pubkey);
		let record = ValidatorRecord {
			signer,
			signer_pubkey,
			power,
			activation_epoch: 0,
			deactivation_epoch: None,
			jailed: false,
			nonce: 1,
			keys: None,
			binding_nonce: 0,
		};
		ValidatorBySigner::<T>::insert(signer, id);
		Validators::<T>::insert(id, record.clone());
		LiveCount::<T>::mutate(|live| *live = live.saturating_add(1));
		if let Some(keys) = keys {
			Self::do_bind(id, record, keys);
		}
	}

	/// Benchmarks of other pallets (through the runtime): adds an active validator with
	/// `power` and signer key `signer_pubkey`, bound to benchmark session keys whose attestation
	/// key is `attestation` if given, under the next free id; returns the id.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn benchmark_add_validator(
		power: TokenAmount,
		signer_pubkey: bttc_primitives::staking::SignerPubkey,
		attestation: Option<T::AttestationId>,
	) -> RootValidatorId {
		let id = Validators::<T>::iter_keys().max().unwrap_or(0).saturating_add(1);
		let index = u32::try_from(id).unwrap_or(u32::MAX);
		let keys = Self::benchmark_keys(index).map(|mut keys| {
			if let Some(attestation) = attestation {
				keys.attestation = attestation;
			}
			keys
		});
		Self::benchmark_insert_validator(id, power, signer_pubkey, keys);
		id
	}

	/// Benchmarks: removes every validator, index entry and queued event.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn benchmark_clear() {
		let _ = Validators::<T>::clear(u32::MAX, None);
		let _ = ValidatorBySigner::<T>::clear(u32::MAX, None);
		let _ = ValidatorByAura::<T>::clear(u32::MAX, None);
		let _ = ValidatorByFinality::<T>::clear(u32::MAX, None);
		let _ = ValidatorByAttestation::<T>::clear(u32::MAX, None);
		let _ = QueuedEvents::<T>::clear(u32::MAX, None);
		let _ = QueuedCount::<T>::clear(u32::MAX, None);
		let _ = DeferredStaked::<T>::clear(u32::MAX, None);
		TotalActivePower::<T>::kill();
		LiveCount::<T>::kill();
	}

	// ----- Invariants ----------------------------------------------------------------------------

	/// Invariants: [`TotalActivePower`] is the sum of the active validators' power; every index
	/// entry points to a record with that signer or key, and every record's signer and keys are
	/// indexed to it (so no two records share a signer or a key); [`QueuedCount`] matches
	/// [`QueuedEvents`], within `MaxQueuedPerValidator`, and every queued event is stored under
	/// its own validator and nonce, above that validator's nonce; at most `MaxValidators`
	/// validators.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::ensure;

		let mut total: TokenAmount = 0;
		let mut records: u32 = 0;
		let mut live: u32 = 0;
		for (id, record) in Validators::<T>::iter() {
			records = records.saturating_add(1);
			if !record.is_unstaking() {
				live = live.saturating_add(1);
			}
			ensure!(
				!DeferredStaked::<T>::contains_key(id),
				"a deferred Staked of a known validator"
			);
			total = total.checked_add(record.active_power()).ok_or("active power overflows")?;
			ensure!(
				record.signer == signer_address(&record.signer_pubkey),
				"signer is not the address of the signer key"
			);
			ensure!(
				ValidatorBySigner::<T>::get(record.signer) == Some(id),
				"a validator's signer is not indexed to it"
			);
			if let Some(keys) = &record.keys {
				ensure!(
					ValidatorByAura::<T>::get(&keys.aura) == Some(id),
					"a validator's aura key is not indexed to it"
				);
				ensure!(
					ValidatorByFinality::<T>::get(&keys.grandpa) == Some(id),
					"a validator's grandpa key is not indexed to it"
				);
				ensure!(
					ValidatorByAttestation::<T>::get(&keys.attestation) == Some(id),
					"a validator's attestation key is not indexed to it"
				);
			}
		}
		ensure!(total == TotalActivePower::<T>::get(), "TotalActivePower differs from the sum");
		ensure!(records == Validators::<T>::count(), "validator counter differs from the map");
		ensure!(live == LiveCount::<T>::get(), "LiveCount differs from the live validators");
		ensure!(live <= T::MaxValidators::get(), "more live validators than MaxValidators");
		ensure!(
			records <= T::MaxValidators::get().saturating_mul(2),
			"more records than 2 · MaxValidators"
		);
		let mut deferred: u32 = 0;
		for (id, event) in DeferredStaked::<T>::iter() {
			deferred = deferred.saturating_add(1);
			ensure!(
				matches!(event, StakingEvent::Staked { .. }) && event.validator_id() == id,
				"a deferred event that is not its validator's Staked"
			);
		}
		ensure!(deferred == DeferredStaked::<T>::count(), "deferred counter differs from the map");
		ensure!(deferred <= T::MaxValidators::get(), "more deferred Staked than MaxValidators");

		for (signer, id) in ValidatorBySigner::<T>::iter() {
			let record = Validators::<T>::get(id).ok_or("signer index points to no validator")?;
			ensure!(record.signer == signer, "signer index points to another signer's validator");
		}
		for (key, id) in ValidatorByAura::<T>::iter() {
			let keys = Validators::<T>::get(id).and_then(|r| r.keys);
			ensure!(keys.is_some_and(|k| k.aura == key), "aura index points to other keys");
		}
		for (key, id) in ValidatorByFinality::<T>::iter() {
			let keys = Validators::<T>::get(id).and_then(|r| r.keys);
			ensure!(keys.is_some_and(|k| k.grandpa == key), "grandpa index points to other keys");
		}
		for (key, id) in ValidatorByAttestation::<T>::iter() {
			let keys = Validators::<T>::get(id).and_then(|r| r.keys);
			ensure!(
				keys.is_some_and(|k| k.attestation == key),
				"attestation index points to other keys"
			);
		}

		let mut counts: BTreeMap<RootValidatorId, u32> = BTreeMap::new();
		for (id, nonce, event) in QueuedEvents::<T>::iter() {
			ensure!(
				event.validator_id() == id && event.nonce() == nonce,
				"queued event stored under another validator or nonce"
			);
			let current = Validators::<T>::get(id).map_or(0, |r| r.nonce);
			ensure!(nonce > current, "queued event at or below its validator's nonce");
			let count = counts.entry(id).or_default();
			*count = count.saturating_add(1);
		}
		for (id, count) in QueuedCount::<T>::iter() {
			ensure!(count > 0, "zero QueuedCount stored");
			ensure!(counts.remove(&id) == Some(count), "QueuedCount differs from the queue");
			ensure!(count <= T::MaxQueuedPerValidator::get(), "queue above MaxQueuedPerValidator");
		}
		ensure!(counts.is_empty(), "queued events without a QueuedCount");
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Most queued entries one application handles: the validator's own queue.
	fn max_handled() -> u32 {
		T::MaxQueuedPerValidator::get()
	}
}

impl<T: Config> OnAttested<StakingEvent> for Pallet<T> {
	fn on_attested(chain: RootChainId, event: StakingEvent) -> Weight {
		if chain != T::StakeChain::get() {
			Self::deposit_event(Event::ForeignChainEventIgnored {
				chain,
				validator_id: event.validator_id(),
				nonce: event.nonce(),
			});
			return T::WeightInfo::on_attested(0);
		}
		let handled = Self::process(event);
		T::WeightInfo::on_attested(handled.min(Self::max_handled()))
	}

	/// One event applied and up to `MaxQueuedPerValidator` queued events drained or dropped.
	fn max_weight() -> Weight {
		T::WeightInfo::on_attested(Self::max_handled())
	}
}

impl<T: Config> ValidatorSetProvider<RootValidatorId, T::AuraId> for Pallet<T> {
	/// The active validators as `(id, power, Aura key)`, sorted by id.
	fn active_validators() -> Vec<(RootValidatorId, Stake, T::AuraId)> {
		Pallet::<T>::active_validators()
			.into_iter()
			.filter_map(|(id, r)| r.keys.map(|k| (id, r.power, k.aura)))
			.collect()
	}

	/// Replaces the validators with `count` active ones (ids `1..=count`, power `id · 1000`).
	#[cfg(feature = "runtime-benchmarks")]
	fn set_validators_for_benchmark(count: u32) {
		Self::benchmark_clear();
		for i in 0..count {
			let Some(keys) = Self::benchmark_keys(i) else { return };
			let mut pubkey = [0u8; 64];
			pubkey[..4].copy_from_slice(&i.to_le_bytes());
			let id = RootValidatorId::from(i).saturating_add(1);
			Self::benchmark_insert_validator(
				id,
				TokenAmount::from(id).saturating_mul(1_000),
				pubkey,
				Some(keys),
			);
		}
	}
}

impl<T: Config> ValidatorStakes<T::AttestationId> for Pallet<T> {
	/// `(validator id, power)` of the active validator with attestation key `who`; `None` if
	/// there is none or its id does not fit a `u32`.
	fn stake_of(who: &T::AttestationId) -> Option<(ValidatorIndex, Stake)> {
		let id = ValidatorByAttestation::<T>::get(who)?;
		let record = Validators::<T>::get(id)?;
		if !record.is_active() {
			return None;
		}
		Some((ValidatorIndex::try_from(id).ok()?, record.power))
	}

	fn stake_of_index(index: ValidatorIndex) -> Stake {
		Validators::<T>::get(RootValidatorId::from(index)).map_or(0, |r| r.active_power())
	}

	fn total_stake() -> Stake {
		TotalActivePower::<T>::get()
	}
}

impl<T: Config> CheckpointSigners for Pallet<T> {
	/// `(id, power, signer address)` of the active validators, sorted by id.
	fn active_signers() -> Vec<(RootValidatorId, Stake, sp_core::H160)> {
		Pallet::<T>::active_validators()
			.into_iter()
			.map(|(id, r)| (id, r.power, r.signer))
			.collect()
	}

	fn signer_stake(signer: &sp_core::H160) -> Option<(RootValidatorId, Stake)> {
		let id = ValidatorBySigner::<T>::get(signer)?;
		let record = Validators::<T>::get(id)?;
		record.is_active().then_some((id, record.power))
	}

	fn stake_of(id: RootValidatorId) -> Stake {
		Validators::<T>::get(id).map_or(0, |r| r.active_power())
	}

	fn total_stake() -> Stake {
		TotalActivePower::<T>::get()
	}
}
