//! Unit tests of the staking pallet. Every test ends with the pallet's `try_state` invariants
//! (`mock::test`, `mock::test_with`).

#![allow(clippy::unwrap_used, deprecated)]

use crate::{
	mock::*, Call, DeferredStaked, Error, Event, KeyOwnershipProofsOf, LiveCount, QueuedCount,
	QueuedEvents, RefusalReason, RetryDeferred, SessionKeysOf, TotalActivePower,
	ValidatorByAttestation, ValidatorByAura, ValidatorByFinality, ValidatorBySigner, Validators,
};
use bttc_primitives::{
	span::Stake,
	staking::{key_ownership_message, session_keys_binding_digest, RootValidatorId, StakingEvent},
	traits::{OnAttested, ValidatorSetProvider, ValidatorStakes},
	RootChainId,
};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::DispatchResult,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::Hooks,
	unsigned::ValidateUnsigned,
	weights::Weight,
};
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	transaction_validity::TransactionValidity,
	DispatchError, RuntimeAppPublic,
};

// ----- Helpers --------------------------------------------------------------------------------

fn staking_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Staking(e) = r.event { Some(e) } else { None })
		.collect()
}

fn last_event() -> Event<Test> {
	staking_events().pop().expect("an event")
}

/// Hands `event` of the stake chain to the pallet as the bridge does.
fn attest(event: StakingEvent) -> Weight {
	attest_on(RootChainId::Tron, event)
}

fn attest_on(chain: RootChainId, event: StakingEvent) -> Weight {
	<Staking as OnAttested<StakingEvent>>::on_attested(chain, event)
}

/// Signature of signer account `account` binding `keys` to validator `id` at its current
/// binding nonce.
fn binding_signature(account: u8, id: RootValidatorId, keys: &SessionKeysOf<Test>) -> [u8; 65] {
	let nonce = Staking::validator(id).map_or(0, |r| r.binding_nonce);
	signer(account).sign_prehashed(&Staking::binding_digest(id, nonce, keys)).0
}

/// Each session key's signature over the key-ownership message of binding `keys` to `id` at
/// its current binding nonce.
fn proofs(id: RootValidatorId, keys: &SessionKeysOf<Test>) -> KeyOwnershipProofsOf<Test> {
	let nonce = Staking::validator(id).map_or(0, |r| r.binding_nonce);
	let message = key_ownership_message(&Staking::binding_digest(id, nonce, keys));
	crate::KeyOwnershipProofs {
		aura: keys.aura.sign(&message).unwrap(),
		grandpa: keys.grandpa.sign(&message).unwrap(),
		attestation: keys.attestation.sign(&message).unwrap(),
	}
}

fn bind_with(
	id: RootValidatorId,
	keys: SessionKeysOf<Test>,
	signature: [u8; 65],
) -> DispatchResult {
	let proofs = proofs(id, &keys);
	Staking::bind_session_keys(RuntimeOrigin::none(), id, keys, signature, proofs)
}

/// Binds `keys` to validator `id`, signed by account `account`.
fn bind(id: RootValidatorId, account: u8, keys: SessionKeysOf<Test>) -> DispatchResult {
	let signature = binding_signature(account, id, &keys);
	bind_with(id, keys, signature)
}

fn validate(
	id: RootValidatorId,
	keys: SessionKeysOf<Test>,
	signature: [u8; 65],
) -> TransactionValidity {
	let proofs = proofs(id, &keys);
	Staking::validate_unsigned(
		TransactionSource::External,
		&Call::bind_session_keys { validator_id: id, keys, signature, proofs },
	)
}

/// Stakes validator `id` (signer account `account`, `amount`) and binds keys numbered `id`.
fn stake_and_bind(id: RootValidatorId, account: u8, amount: u128) {
	attest(staked(id, account, amount));
	assert_ok!(bind(id, account, keys(id)));
}

fn err(e: Error<Test>) -> DispatchError {
	e.into()
}

/// Everything the pallet stores, for "changes nothing" checks.
fn snapshot() -> String {
	let mut validators: Vec<_> = Validators::<Test>::iter().collect();
	validators.sort_by_key(|(id, _)| *id);
	let mut signers: Vec<_> = ValidatorBySigner::<Test>::iter().collect();
	signers.sort();
	let mut aura: Vec<_> = ValidatorByAura::<Test>::iter().collect();
	aura.sort();
	let mut finality: Vec<_> = ValidatorByFinality::<Test>::iter().collect();
	finality.sort();
	let mut attestation: Vec<_> = ValidatorByAttestation::<Test>::iter().collect();
	attestation.sort();
	let mut queued: Vec<_> = QueuedEvents::<Test>::iter().collect();
	queued.sort_by_key(|(id, nonce, _)| (*id, *nonce));
	let mut counts: Vec<_> = QueuedCount::<Test>::iter().collect();
	counts.sort();
	format!(
		"{validators:?}{signers:?}{aura:?}{finality:?}{attestation:?}{queued:?}{counts:?}{}",
		TotalActivePower::<Test>::get()
	)
}

fn nonce_of(id: RootValidatorId) -> u64 {
	Staking::validator(id).unwrap().nonce
}

fn power_of(id: RootValidatorId) -> u128 {
	Staking::validator(id).unwrap().power
}

fn active_ids() -> Vec<RootValidatorId> {
	Staking::active_validators().into_iter().map(|(id, _)| id).collect()
}

// ----- Applying events ------------------------------------------------------------------------

#[test]
fn staked_creates_an_inactive_validator_until_keys_are_bound() {
	test(|| {
		attest(staked(1, 1, 1_000));
		let record = Staking::validator(1).unwrap();
		assert_eq!(record.signer, address(1));
		assert_eq!(record.signer_pubkey, pubkey_of(&signer(1)));
		assert_eq!(record.power, 1_000);
		assert_eq!(record.activation_epoch, 10);
		assert_eq!(record.deactivation_epoch, None);
		assert_eq!(record.nonce, 1);
		assert_eq!(record.keys, None);
		assert_eq!(record.binding_nonce, 0);
		assert_eq!(ValidatorBySigner::<Test>::get(address(1)), Some(1));
		assert_eq!(
			last_event(),
			Event::ValidatorStaked {
				validator_id: 1,
				signer: address(1),
				power: 1_000,
				activation_epoch: 10
			}
		);
		// No keys yet: not active.
		assert!(active_ids().is_empty());
		assert_eq!(Staking::total_active_power(), 0);
		assert_ok!(bind(1, 1, keys(1)));
		assert_eq!(active_ids(), vec![1]);
		assert_eq!(Staking::total_active_power(), 1_000);
	});
}

#[test]
fn out_of_order_events_wait_in_the_queue_and_apply_when_the_gap_fills() {
	test(|| {
		stake_and_bind(1, 1, 100);
		// Nonce 4 before 2 and 3: queued, nothing changes.
		attest(stake_update(1, 4, 400));
		assert_eq!(last_event(), Event::EventQueued { validator_id: 1, nonce: 4 });
		assert_eq!((nonce_of(1), power_of(1)), (1, 100));
		assert_eq!(QueuedCount::<Test>::get(1), 1);
		assert!(QueuedEvents::<Test>::contains_key(1, 4));
		assert_eq!(Staking::total_active_power(), 100);
		Staking::do_try_state().unwrap();

		// Nonce 3: still a gap.
		attest(stake_update(1, 3, 300));
		assert_eq!((nonce_of(1), power_of(1)), (1, 100));
		assert_eq!(QueuedCount::<Test>::get(1), 2);
		Staking::do_try_state().unwrap();

		// Nonce 2 fills the gap: 2, 3 and 4 apply in order.
		System::reset_events();
		attest(stake_update(1, 2, 200));
		assert_eq!(
			staking_events(),
			vec![
				Event::PowerChanged { validator_id: 1, nonce: 2, power: 200 },
				Event::PowerChanged { validator_id: 1, nonce: 3, power: 300 },
				Event::PowerChanged { validator_id: 1, nonce: 4, power: 400 },
			]
		);
		assert_eq!((nonce_of(1), power_of(1)), (4, 400));
		assert_eq!(QueuedCount::<Test>::get(1), 0);
		assert_eq!(QueuedEvents::<Test>::iter().count(), 0);
		assert_eq!(Staking::total_active_power(), 400);
	});
}

#[test]
fn draining_stops_at_the_next_gap() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(stake_update(1, 3, 300));
		attest(stake_update(1, 5, 500));
		attest(stake_update(1, 2, 200));
		// 2 and 3 applied; 5 waits for 4.
		assert_eq!((nonce_of(1), power_of(1)), (3, 300));
		assert_eq!(QueuedCount::<Test>::get(1), 1);
		assert!(QueuedEvents::<Test>::contains_key(1, 5));
		attest(stake_update(1, 4, 400));
		assert_eq!((nonce_of(1), power_of(1)), (5, 500));
		assert_eq!(Staking::total_active_power(), 500);
	});
}

#[test]
fn events_of_an_unknown_validator_wait_for_its_staked() {
	test(|| {
		attest(stake_update(5, 2, 700));
		assert_eq!(last_event(), Event::EventQueued { validator_id: 5, nonce: 2 });
		assert!(Staking::validator(5).is_none());
		attest(staked(5, 5, 100));
		assert_eq!((nonce_of(5), power_of(5)), (2, 700));
		assert_eq!(QueuedCount::<Test>::get(5), 0);
	});
}

#[test]
fn a_replayed_event_is_ignored_and_changes_nothing() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(stake_update(1, 2, 200));
		attest(stake_update(1, 3, 5));
		let before = snapshot();
		for replay in [staked(1, 1, 100), stake_update(1, 2, 200), stake_update(1, 3, 5)] {
			let nonce = replay.nonce();
			attest(replay);
			assert_eq!(last_event(), Event::StaleEventIgnored { validator_id: 1, nonce });
			assert_eq!(snapshot(), before);
		}
		// A Staked of a known id with a fresh nonce is ignored too.
		let mut restake = staked(1, 2, 9);
		if let StakingEvent::Staked { nonce, .. } = &mut restake {
			*nonce = 4;
		}
		attest(restake);
		assert_eq!(last_event(), Event::StaleEventIgnored { validator_id: 1, nonce: 4 });
		assert_eq!(snapshot(), before);
		assert_eq!(power_of(1), 5);
	});
}

#[test]
fn a_second_copy_of_a_queued_nonce_is_ignored() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(stake_update(1, 3, 300));
		let before = snapshot();
		attest(stake_update(1, 3, 999));
		assert_eq!(last_event(), Event::DuplicateEventIgnored { validator_id: 1, nonce: 3 });
		assert_eq!(snapshot(), before);
		attest(stake_update(1, 2, 200));
		assert_eq!(power_of(1), 300);
	});
}

#[test]
fn a_full_queue_drops_further_events() {
	test(|| {
		stake_and_bind(1, 1, 100);
		for nonce in 3..3 + u64::from(MAX_QUEUED) {
			attest(stake_update(1, nonce, u128::from(nonce) * 100));
		}
		assert_eq!(QueuedCount::<Test>::get(1), MAX_QUEUED);
		let before = snapshot();
		let dropped = 3 + u64::from(MAX_QUEUED);
		attest(stake_update(1, dropped, 1));
		assert_eq!(last_event(), Event::QueueFull { validator_id: 1, nonce: dropped });
		assert_eq!(snapshot(), before);
		// Filling the gap applies the queue; the dropped nonce is now a gap of its own.
		let weight = attest(stake_update(1, 2, 200));
		assert_eq!(nonce_of(1), dropped - 1);
		assert_eq!(QueuedCount::<Test>::get(1), 0);
		assert!(weight.all_lte(<Staking as OnAttested<StakingEvent>>::max_weight()));
		assert_eq!(weight, <Staking as OnAttested<StakingEvent>>::max_weight());
		attest(stake_update(1, dropped + 1, 1));
		assert_eq!(last_event(), Event::EventQueued { validator_id: 1, nonce: dropped + 1 });
	});
}

#[test]
fn events_of_other_chains_are_ignored() {
	test(|| {
		for chain in [RootChainId::Ethereum, RootChainId::Bsc] {
			attest_on(chain, staked(1, 1, 100));
			assert_eq!(
				last_event(),
				Event::ForeignChainEventIgnored { chain, validator_id: 1, nonce: 1 }
			);
		}
		assert!(Staking::validator(1).is_none());
		stake_and_bind(1, 1, 100);
		let before = snapshot();
		attest_on(RootChainId::Ethereum, stake_update(1, 2, 5));
		attest_on(RootChainId::Bsc, stake_update(1, 3, 5));
		assert_eq!(snapshot(), before);
	});
}

#[test]
fn power_changes_keep_the_total_exact() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(staked(2, 2, 50)); // no keys: inactive
		assert_eq!(Staking::total_active_power(), 100);
		attest(StakingEvent::Restaked { validator_id: 1, nonce: 2, new_power: 150 });
		assert_eq!(last_event(), Event::PowerChanged { validator_id: 1, nonce: 2, power: 150 });
		assert_eq!(Staking::total_active_power(), 150);
		attest(stake_update(2, 2, 80));
		assert_eq!(Staking::total_active_power(), 150);
		assert_ok!(bind(2, 2, keys(2)));
		assert_eq!(Staking::total_active_power(), 230);
		// Power 0 leaves the active set; power back brings it in.
		attest(stake_update(1, 3, 0));
		assert_eq!(Staking::total_active_power(), 80);
		assert_eq!(active_ids(), vec![2]);
		attest(stake_update(1, 4, 10));
		assert_eq!(Staking::total_active_power(), 90);
		assert_eq!(active_ids(), vec![1, 2]);
	});
}

#[test]
fn unstake_init_removes_the_validator_from_the_active_set_and_the_total() {
	test(|| {
		stake_and_bind(1, 1, 100);
		stake_and_bind(2, 2, 200);
		assert_eq!(Staking::total_active_power(), 300);
		attest(StakingEvent::UnstakeInit { validator_id: 1, nonce: 2, deactivation_epoch: 42 });
		assert_eq!(
			last_event(),
			Event::UnstakeInitiated { validator_id: 1, nonce: 2, deactivation_epoch: 42 }
		);
		let record = Staking::validator(1).unwrap();
		assert!(record.is_unstaking());
		assert_eq!(record.deactivation_epoch, Some(42));
		assert_eq!(Staking::total_active_power(), 200);
		assert_eq!(active_ids(), vec![2]);
		assert_eq!(
			<Staking as ValidatorStakes<UintAuthorityId>>::stake_of(&UintAuthorityId(301)),
			None
		);
		assert_eq!(<Staking as ValidatorStakes<UintAuthorityId>>::total_stake(), 200);
		// Power changes while unstaking do not count.
		attest(stake_update(1, 3, 1_000));
		assert_eq!(Staking::total_active_power(), 200);
		// Rebinding keys does not bring it back.
		assert_ok!(bind(1, 1, keys(11)));
		assert_eq!(active_ids(), vec![2]);
		assert_eq!(Staking::total_active_power(), 200);
	});
}

#[test]
fn unstaked_removes_the_validator_its_indexes_and_its_queue() {
	test(|| {
		stake_and_bind(1, 1, 100);
		stake_and_bind(2, 2, 200);
		attest(StakingEvent::UnstakeInit { validator_id: 1, nonce: 2, deactivation_epoch: 42 });
		attest(stake_update(1, 5, 1));
		assert_eq!(QueuedCount::<Test>::get(1), 1);
		attest(StakingEvent::Unstaked { validator_id: 1, nonce: 3 });
		assert_eq!(last_event(), Event::ValidatorRemoved { validator_id: 1, nonce: 3 });
		assert!(Staking::validator(1).is_none());
		assert_eq!(Validators::<Test>::count(), 1);
		assert_eq!(ValidatorBySigner::<Test>::get(address(1)), None);
		assert_eq!(ValidatorByAura::<Test>::get(UintAuthorityId(101)), None);
		assert_eq!(ValidatorByFinality::<Test>::get(UintAuthorityId(201)), None);
		assert_eq!(ValidatorByAttestation::<Test>::get(UintAuthorityId(301)), None);
		assert_eq!(QueuedCount::<Test>::get(1), 0);
		assert_eq!(QueuedEvents::<Test>::iter_prefix(1).count(), 0);
		assert_eq!(Staking::total_active_power(), 200);
		// Its signer and keys are free again.
		attest(staked(3, 1, 10));
		assert_eq!(Staking::validator(3).unwrap().signer, address(1));
		assert_ok!(bind(3, 1, keys(1)));
		assert_eq!(Staking::total_active_power(), 210);
	});
}

#[test]
fn unstaked_while_draining_drops_the_rest_of_the_queue() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(StakingEvent::Unstaked { validator_id: 1, nonce: 3 });
		attest(stake_update(1, 4, 1));
		assert_eq!(QueuedCount::<Test>::get(1), 2);
		// Directly unstaked without UnstakeInit: removed from the total too.
		attest(stake_update(1, 2, 200));
		assert!(Staking::validator(1).is_none());
		assert_eq!(QueuedEvents::<Test>::iter().count(), 0);
		assert_eq!(QueuedCount::<Test>::get(1), 0);
		assert_eq!(Staking::total_active_power(), 0);
	});
}

#[test]
fn signer_change_reindexes_the_signer() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(signer_change(1, 2, 7));
		assert_eq!(
			last_event(),
			Event::SignerChanged {
				validator_id: 1,
				nonce: 2,
				old_signer: address(1),
				new_signer: address(7)
			}
		);
		let record = Staking::validator(1).unwrap();
		assert_eq!(record.signer, address(7));
		assert_eq!(record.signer_pubkey, pubkey_of(&signer(7)));
		assert_eq!(ValidatorBySigner::<Test>::get(address(1)), None);
		assert_eq!(ValidatorBySigner::<Test>::get(address(7)), Some(1));
		assert_eq!(Staking::validator_of_signer(&address(7)), Some(1));
		// Bound keys stay; the next binding is signed by the new signer only.
		assert_eq!(record.keys, Some(keys(1)));
		assert_noop!(bind(1, 1, keys(21)), err(Error::BadSignature));
		assert_ok!(bind(1, 7, keys(21)));
		// The old signer may be used by a new validator.
		attest(staked(2, 1, 10));
		assert_eq!(ValidatorBySigner::<Test>::get(address(1)), Some(2));
	});
}

#[test]
fn signer_change_to_a_used_or_mismatching_signer_is_refused_but_consumes_the_nonce() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(staked(2, 2, 100));
		let before = Staking::validator(1).unwrap();
		// Signer of validator 2.
		attest(signer_change(1, 2, 2));
		assert_eq!(
			last_event(),
			Event::SignerChangeRefused {
				validator_id: 1,
				nonce: 2,
				reason: RefusalReason::SignerInUse
			}
		);
		// Address not derived from the key.
		let mut mismatched = signer_change(1, 3, 8);
		if let StakingEvent::SignerChange { new_signer, .. } = &mut mismatched {
			*new_signer = address(9);
		}
		attest(mismatched);
		assert_eq!(
			last_event(),
			Event::SignerChangeRefused {
				validator_id: 1,
				nonce: 3,
				reason: RefusalReason::SignerMismatch
			}
		);
		let after = Staking::validator(1).unwrap();
		assert_eq!((after.signer, after.signer_pubkey), (before.signer, before.signer_pubkey));
		assert_eq!(after.nonce, 3);
		assert_eq!(ValidatorBySigner::<Test>::get(address(2)), Some(2));
		// Changing to its own signer is a no-op change, not a refusal.
		attest(signer_change(1, 4, 1));
		assert!(matches!(last_event(), Event::SignerChanged { .. }));
		assert_eq!(ValidatorBySigner::<Test>::get(address(1)), Some(1));
	});
}

/// Starts the next block, running the pallet's `on_initialize` (deferred `Staked` retries).
fn next_block() {
	let next = System::block_number() + 1;
	System::set_block_number(next);
	Staking::on_initialize(next);
	Staking::do_try_state().expect("try_state invariants hold after every block");
}

#[test]
fn staked_with_a_signer_in_use_waits_until_the_signer_is_free() {
	test(|| {
		attest(staked(1, 1, 100));
		attest(stake_update(2, 2, 5)); // queued for id 2
		let before = Staking::validator(1);
		attest(staked(2, 1, 500));
		assert_eq!(
			last_event(),
			Event::StakedDeferred { validator_id: 2, reason: RefusalReason::SignerInUse }
		);
		assert!(Staking::validator(2).is_none());
		assert_eq!(Staking::validator(1), before);
		assert_eq!(QueuedCount::<Test>::get(2), 1, "its queued events wait with it");
		// A replay of the deferred event changes nothing.
		attest(staked(2, 1, 500));
		assert_eq!(DeferredStaked::<Test>::count(), 1);
		// Validator 1 moves to another signer: in the next block, 2 is added with its queue.
		attest(signer_change(1, 2, 3));
		assert!(RetryDeferred::<Test>::get());
		next_block();
		assert_eq!(
			Staking::validator(2).map(|r| (r.signer, r.nonce, r.power)),
			Some((address(1), 2, 5))
		);
		assert_eq!(DeferredStaked::<Test>::count(), 0);
		assert!(!RetryDeferred::<Test>::get());
	});
}

#[test]
fn staked_of_an_unstaked_validators_signer_applies_once_it_is_removed() {
	test(|| {
		attest(staked(1, 1, 100));
		attest(StakingEvent::UnstakeInit { validator_id: 1, nonce: 2, deactivation_epoch: 3 });
		attest(staked(2, 1, 100));
		assert!(Staking::validator(2).is_none());
		next_block();
		assert!(Staking::validator(2).is_none(), "the signer is still held by validator 1");
		attest(StakingEvent::Unstaked { validator_id: 1, nonce: 3 });
		next_block();
		assert_eq!(Staking::validator_of_signer(&address(1)), Some(2));
	});
}

#[test]
fn staked_with_a_mismatching_signer_is_refused() {
	test(|| {
		let mut event = staked(1, 1, 100);
		if let StakingEvent::Staked { signer, .. } = &mut event {
			*signer = address(2);
		}
		attest(event);
		assert_eq!(
			last_event(),
			Event::StakedRefused { validator_id: 1, reason: RefusalReason::SignerMismatch }
		);
		assert_eq!(Validators::<Test>::count(), 0);
		assert_eq!(ValidatorBySigner::<Test>::iter().count(), 0);
	});
}

#[test]
fn staked_beyond_max_validators_waits_until_a_validator_starts_unstaking() {
	test(|| {
		for id in 1..=u64::from(MAX_VALIDATORS) {
			attest(staked(id, id as u8, 100));
		}
		let id = u64::from(MAX_VALIDATORS) + 1;
		attest(staked(id, id as u8, 100));
		assert_eq!(
			last_event(),
			Event::StakedDeferred { validator_id: id, reason: RefusalReason::TooManyValidators }
		);
		assert_eq!(LiveCount::<Test>::get(), MAX_VALIDATORS);
		next_block();
		assert!(Staking::validator(id).is_none());
		// Validator 1 starts unstaking (its record stays until it claims): a live slot is free.
		attest(StakingEvent::UnstakeInit { validator_id: 1, nonce: 2, deactivation_epoch: 3 });
		next_block();
		assert!(Staking::validator(id).is_some(), "the deferred Staked was never retried");
		assert_eq!(LiveCount::<Test>::get(), MAX_VALIDATORS);
		assert_eq!(Validators::<Test>::count(), MAX_VALIDATORS + 1);
	});
}

#[test]
fn records_of_unstaking_validators_are_bounded_too() {
	test(|| {
		// 2 · MAX records: MAX unstaking and MAX live.
		for id in 1..=u64::from(2 * MAX_VALIDATORS) {
			attest(staked(id, id as u8, 100));
			if id <= u64::from(MAX_VALIDATORS) {
				attest(StakingEvent::UnstakeInit {
					validator_id: id,
					nonce: 2,
					deactivation_epoch: 3,
				});
			}
		}
		assert_eq!(Validators::<Test>::count(), 2 * MAX_VALIDATORS);
		let id = u64::from(2 * MAX_VALIDATORS) + 1;
		attest(staked(id, 50, 100));
		assert!(matches!(last_event(), Event::StakedDeferred { .. }));
		// One live validator starts unstaking: still 2 · MAX records, still deferred.
		attest(StakingEvent::UnstakeInit { validator_id: 5, nonce: 2, deactivation_epoch: 3 });
		next_block();
		assert!(Staking::validator(id).is_none());
		// One unstaking validator is removed: applied.
		attest(StakingEvent::Unstaked { validator_id: 1, nonce: 3 });
		next_block();
		assert!(Staking::validator(id).is_some());
	});
}

#[test]
fn max_weight_bounds_every_application() {
	test(|| {
		let max = <Staking as OnAttested<StakingEvent>>::max_weight();
		assert!(attest(staked(1, 1, 100)).all_lte(max));
		assert!(attest(stake_update(1, 5, 1)).all_lte(max));
		assert!(attest_on(RootChainId::Bsc, stake_update(1, 2, 1)).all_lte(max));
		assert!(attest(stake_update(1, 2, 1)).all_lte(max));
		assert!(attest(StakingEvent::Unstaked { validator_id: 1, nonce: 3 }).all_lte(max));
	});
}

// ----- Binding session keys -------------------------------------------------------------------

#[test]
fn binding_digest_is_the_shared_primitive_over_the_genesis_hash() {
	test(|| {
		attest(staked(1, 1, 100));
		let genesis = System::block_hash(0);
		assert_ne!(genesis, Default::default());
		assert_eq!(
			Staking::binding_digest(1, 0, &keys(1)),
			session_keys_binding_digest(&genesis.0, RootChainId::Tron, 1, 0, &keys(1).encode())
		);
	});
}

#[test]
fn binding_keys_with_a_valid_signature_works() {
	test(|| {
		attest(staked(1, 1, 100));
		assert_ok!(bind(1, 1, keys(1)));
		assert_eq!(
			last_event(),
			Event::SessionKeysBound { validator_id: 1, keys: keys(1), binding_nonce: 1 }
		);
		let record = Staking::validator(1).unwrap();
		assert_eq!(record.keys, Some(keys(1)));
		assert_eq!(record.binding_nonce, 1);
		assert_eq!(Staking::validator_of_aura(&UintAuthorityId(101)), Some(1));
		assert_eq!(ValidatorByFinality::<Test>::get(UintAuthorityId(201)), Some(1));
		assert_eq!(ValidatorByAttestation::<Test>::get(UintAuthorityId(301)), Some(1));
		assert_eq!(Staking::finality_key(1), Some(UintAuthorityId(201)));
		assert_eq!(Staking::total_active_power(), 100);
		// Ethereum-style v (27/28) is accepted too.
		let mut signature = binding_signature(1, 1, &keys(2));
		signature[64] += 27;
		assert_ok!(bind_with(1, keys(2), signature));
		assert_eq!(Staking::validator(1).unwrap().binding_nonce, 2);
	});
}

#[test]
fn rebinding_releases_the_old_keys() {
	test(|| {
		stake_and_bind(1, 1, 100);
		assert_ok!(bind(1, 1, keys(5)));
		assert_eq!(Staking::validator_of_aura(&UintAuthorityId(101)), None);
		assert_eq!(ValidatorByFinality::<Test>::get(UintAuthorityId(201)), None);
		assert_eq!(ValidatorByAttestation::<Test>::get(UintAuthorityId(301)), None);
		assert_eq!(Staking::validator_of_aura(&UintAuthorityId(105)), Some(1));
		assert_eq!(Staking::total_active_power(), 100);
		// Rebinding the same keys is allowed (and moves the nonce).
		assert_ok!(bind(1, 1, keys(5)));
		assert_eq!(Staking::validator(1).unwrap().binding_nonce, 3);
		// Another validator may now take the released keys.
		attest(staked(2, 2, 50));
		assert_ok!(bind(2, 2, keys(1)));
		assert_eq!(Staking::total_active_power(), 150);
	});
}

#[test]
fn a_signature_by_another_key_is_refused() {
	test(|| {
		attest(staked(1, 1, 100));
		attest(staked(2, 2, 100));
		let before = snapshot();
		// Validator 2's signer signing for validator 1.
		assert_noop!(bind(1, 2, keys(1)), err(Error::BadSignature));
		// Signed for other keys.
		let signature = binding_signature(1, 1, &keys(9));
		assert_noop!(bind_with(1, keys(1), signature), err(Error::BadSignature));
		// Invalid v.
		let mut signature = binding_signature(1, 1, &keys(1));
		signature[64] += 2;
		assert_noop!(bind_with(1, keys(1), signature), err(Error::BadSignature));
		// Garbage.
		assert_noop!(bind_with(1, keys(1), [0; 65]), err(Error::BadSignature));
		assert_noop!(bind(3, 1, keys(1)), err(Error::UnknownValidator));
		assert_eq!(snapshot(), before);
	});
}

#[test]
fn binding_keys_without_proof_of_holding_them_is_refused() {
	test(|| {
		attest(staked(1, 1, 100));
		let keys = keys(1);
		let signature = binding_signature(1, 1, &keys);
		let good = proofs(1, &keys);
		let digest = Staking::binding_digest(1, 0, &keys);
		let bind = |proofs: KeyOwnershipProofsOf<Test>| {
			Staking::bind_session_keys(RuntimeOrigin::none(), 1, keys.clone(), signature, proofs)
		};
		let before = snapshot();
		// Someone else's keys: a proof by another key, for each of the three.
		let foreign = |n: u64| UintAuthorityId(n).sign(&key_ownership_message(&digest)).unwrap();
		let refused = [
			crate::KeyOwnershipProofs { aura: foreign(999), ..good.clone() },
			crate::KeyOwnershipProofs { grandpa: foreign(999), ..good.clone() },
			crate::KeyOwnershipProofs { attestation: foreign(999), ..good.clone() },
			// Signed over the bare digest, without the key-ownership domain.
			crate::KeyOwnershipProofs { aura: TestSignature(101, digest.to_vec()), ..good.clone() },
		];
		for proofs in refused {
			assert_noop!(bind(proofs.clone()), err(Error::KeyOwnershipUnproven));
			assert_eq!(
				Staking::validate_unsigned(
					TransactionSource::External,
					&Call::bind_session_keys {
						validator_id: 1,
						keys: keys.clone(),
						signature,
						proofs
					},
				),
				Err(InvalidTransaction::Custom(4).into())
			);
		}
		assert_eq!(snapshot(), before);
		assert_ok!(bind(good));
	});
}

#[test]
fn replaying_an_old_binding_is_refused() {
	test(|| {
		attest(staked(1, 1, 100));
		let first = binding_signature(1, 1, &keys(1));
		assert_ok!(bind_with(1, keys(1), first));
		// The same call again: the binding nonce moved.
		assert_noop!(bind_with(1, keys(1), first), err(Error::BadSignature));
		assert_ok!(bind(1, 1, keys(2)));
		// Replaying the first binding would restore the old keys: refused.
		assert_noop!(bind_with(1, keys(1), first), err(Error::BadSignature));
		assert_eq!(Staking::validator(1).unwrap().keys, Some(keys(2)));
	});
}

#[test]
fn keys_bound_to_another_validator_are_refused() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(staked(2, 2, 100));
		let taken = keys(1);
		let fresh = keys(2);
		for clash in [
			SessionKeysOf::<Test> { aura: taken.aura.clone(), ..fresh.clone() },
			SessionKeysOf::<Test> { grandpa: taken.grandpa, ..fresh.clone() },
			SessionKeysOf::<Test> { attestation: taken.attestation, ..fresh.clone() },
		] {
			assert_noop!(bind(2, 2, clash), err(Error::KeysInUse));
		}
		assert_ok!(bind(2, 2, fresh));
	});
}

#[test]
fn binding_is_unsigned_only() {
	test(|| {
		attest(staked(1, 1, 100));
		let signature = binding_signature(1, 1, &keys(1));
		assert_noop!(
			Staking::bind_session_keys(
				RuntimeOrigin::signed(1),
				1,
				keys(1),
				signature,
				proofs(1, &keys(1))
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn validate_unsigned_accepts_and_refuses_the_same_cases() {
	test(|| {
		stake_and_bind(1, 1, 100);
		attest(staked(2, 2, 100));
		let signature = binding_signature(2, 2, &keys(2));
		let valid = validate(2, keys(2), signature).unwrap();
		assert_eq!(valid.provides, vec![(b"bttc-bind", 2u64, 0u64).encode()]);
		assert_eq!(valid.priority, 1 << 20);
		assert_eq!(valid.longevity, crate::BIND_LONGEVITY);
		assert!(valid.propagate);

		let bad_proof = TransactionValidityError::Invalid(InvalidTransaction::BadProof);
		// Another key.
		let by_other = binding_signature(1, 2, &keys(2));
		assert_eq!(validate(2, keys(2), by_other), Err(bad_proof));
		// Unknown validator.
		assert_eq!(
			validate(3, keys(3), binding_signature(2, 3, &keys(3))),
			Err(InvalidTransaction::Custom(1).into())
		);
		// Keys of validator 1.
		let clash = SessionKeysOf::<Test> { grandpa: UintAuthorityId(201), ..keys(2) };
		assert_eq!(
			validate(2, clash.clone(), binding_signature(2, 2, &clash)),
			Err(InvalidTransaction::Custom(3).into())
		);
		// After the binding, the same transaction is a replay.
		assert_ok!(bind_with(2, keys(2), signature));
		assert_eq!(validate(2, keys(2), signature), Err(bad_proof));
		let next = validate(2, keys(3), binding_signature(2, 2, &keys(3))).unwrap();
		assert_eq!(next.provides, vec![(b"bttc-bind", 2u64, 1u64).encode()]);
	});
}

// ----- Trait impls and queries ----------------------------------------------------------------

#[test]
fn validator_set_and_stakes_list_active_validators_only() {
	test(|| {
		stake_and_bind(3, 3, 300);
		stake_and_bind(1, 1, 100);
		attest(staked(2, 2, 200)); // no keys
		stake_and_bind(4, 4, 400);
		attest(StakingEvent::UnstakeInit { validator_id: 4, nonce: 2, deactivation_epoch: 9 });
		attest(staked(5, 5, 500)); // 4 is unstaking: 5 takes its live slot, without keys
		assert_eq!(Validators::<Test>::count(), 5);

		let set =
			<Staking as ValidatorSetProvider<RootValidatorId, UintAuthorityId>>::active_validators(
			);
		assert_eq!(set, vec![(1, 100, UintAuthorityId(101)), (3, 300, UintAuthorityId(103))]);
		assert_eq!(active_ids(), vec![1, 3]);

		let stake_of = <Staking as ValidatorStakes<UintAuthorityId>>::stake_of;
		assert_eq!(stake_of(&UintAuthorityId(301)), Some((1, 100)));
		assert_eq!(stake_of(&UintAuthorityId(303)), Some((3, 300)));
		assert_eq!(stake_of(&UintAuthorityId(304)), None); // unstaking
		assert_eq!(stake_of(&UintAuthorityId(302)), None); // never bound
		assert_eq!(stake_of(&UintAuthorityId(999)), None);
		assert_eq!(<Staking as ValidatorStakes<UintAuthorityId>>::total_stake(), 400 as Stake);
		let stake_of_index = <Staking as ValidatorStakes<UintAuthorityId>>::stake_of_index;
		assert_eq!((stake_of_index(1), stake_of_index(3)), (100, 300));
		assert_eq!((stake_of_index(2), stake_of_index(4), stake_of_index(9)), (0, 0, 0));
		assert_eq!(Staking::finality_key(4), Some(UintAuthorityId(204)));
		assert_eq!(Staking::finality_key(2), None);
	});
}

#[test]
fn stake_of_needs_an_id_that_fits_a_validator_index() {
	test(|| {
		let id = u64::from(u32::MAX) + 1;
		stake_and_bind(id, 1, 100);
		assert_eq!(active_ids(), vec![id]);
		assert_eq!(
			<Staking as ValidatorStakes<UintAuthorityId>>::stake_of(&keys(id).attestation),
			None
		);
		assert_eq!(<Staking as ValidatorStakes<UintAuthorityId>>::total_stake(), 100);
	});
}

// ----- Genesis --------------------------------------------------------------------------------

#[test]
fn genesis_validators_are_bound_and_active() {
	test_with(vec![genesis_validator(2, 2, 200), genesis_validator(1, 1, 100)], || {
		assert_eq!(active_ids(), vec![1, 2]);
		assert_eq!(Staking::total_active_power(), 300);
		let record = Staking::validator(1).unwrap();
		assert_eq!(record.signer, address(1));
		assert_eq!(record.keys, Some(keys(1)));
		assert_eq!((record.nonce, record.binding_nonce), (1, 0));
		// Events continue from the genesis nonce.
		attest(stake_update(1, 2, 150));
		assert_eq!(Staking::total_active_power(), 350);
		// Bindings start at binding nonce 0.
		assert_ok!(bind(1, 1, keys(11)));
	});
}

#[test]
fn genesis_config_json_round_trips() {
	let config =
		crate::GenesisConfig::<Test> { validators: vec![genesis_validator(1, 1, 10u128.pow(24))] };
	let json = serde_json::to_value(&config).unwrap();
	let pubkey = format!("0x{}", hex_of(&pubkey_of(&signer(1))));
	assert_eq!(
		json,
		serde_json::json!({
			"validators": [{
				"id": 1,
				"signerPubkey": pubkey,
				"power": "1000000000000000000000000",
				"nonce": 1,
				"keys": { "aura": 101, "grandpa": 201, "attestation": 301 }
			}]
		})
	);
	let back: crate::GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(back.validators, config.validators);
	// A power written as a JSON number is accepted.
	let mut json = serde_json::to_value(&config).unwrap();
	json["validators"][0]["power"] = serde_json::json!(5);
	let back: crate::GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(back.validators[0].power, 5);
	// A short key is refused.
	let mut json = serde_json::to_value(&config).unwrap();
	json["validators"][0]["signerPubkey"] = serde_json::json!("0x1234");
	assert!(serde_json::from_value::<crate::GenesisConfig<Test>>(json).is_err());
}

fn hex_of(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[should_panic(
	expected = "staking genesis: validator 2: signer key already used by another validator"
)]
fn genesis_with_a_repeated_signer_panics() {
	build_ext(vec![genesis_validator(1, 1, 100), genesis_validator(2, 1, 100)]);
}

#[test]
#[should_panic(expected = "staking genesis: validator 1: id repeated")]
fn genesis_with_a_repeated_id_panics() {
	build_ext(vec![genesis_validator(1, 1, 100), genesis_validator(1, 2, 100)]);
}

#[test]
#[should_panic(expected = "staking genesis: validator 2: aura key already used")]
fn genesis_with_a_repeated_key_panics() {
	let mut second = genesis_validator(2, 2, 100);
	second.keys.aura = keys(1).aura;
	build_ext(vec![genesis_validator(1, 1, 100), second]);
}

#[cfg(feature = "runtime-benchmarks")]
#[test]
fn benchmark_validator_set_is_active_and_consistent() {
	test(|| {
		stake_and_bind(9, 9, 900);
		<Staking as ValidatorSetProvider<RootValidatorId, UintAuthorityId>>::set_validators_for_benchmark(3);
		let set =
			<Staking as ValidatorSetProvider<RootValidatorId, UintAuthorityId>>::active_validators(
			);
		assert_eq!(
			set.iter().map(|v| (v.0, v.1)).collect::<Vec<_>>(),
			vec![(1, 1_000), (2, 2_000), (3, 3_000)]
		);
		assert_eq!(Staking::total_active_power(), 6_000);
	});
}

// ----- Invariants -----------------------------------------------------------------------------

#[test]
fn try_state_catches_corrupted_state() {
	let corruptions: Vec<(&str, fn())> = vec![
		("total", || TotalActivePower::<Test>::put(1)),
		("live count", || LiveCount::<Test>::put(0)),
		("signer index", || ValidatorBySigner::<Test>::remove(address(1))),
		("aura index", || ValidatorByAura::<Test>::insert(UintAuthorityId(999), 1)),
		("queue count", || QueuedCount::<Test>::insert(1, 5)),
		("deferred known", || DeferredStaked::<Test>::insert(1, staked(1, 1, 100))),
		("deferred other", || DeferredStaked::<Test>::insert(7, stake_update(7, 2, 1))),
	];
	for (what, corrupt) in corruptions {
		build_ext(vec![genesis_validator(1, 1, 100)]).execute_with(|| {
			attest(stake_update(1, 3, 5)); // queued
			Staking::do_try_state().expect("consistent before corruption");
			corrupt();
			assert!(Staking::do_try_state().is_err(), "{what}: corruption not caught");
		});
	}
}
