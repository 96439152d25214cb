//! Unit tests of the bridge pallet. Every test ends with the pallet's `try_state` invariants,
//! and `run_to_block` checks them after every block.

#![allow(clippy::unwrap_used)]

use crate::{
	mock::*, ChildTokenOf, Error, Event, ExecutionHead, ExecutionUnfinished, FailureReason,
	LastStateId, NextRecordId, RecordStatus, Records, RecordsByRootTx, RootTokenOf, StateSyncData,
	Waiting, WaitingCount,
};
use bttc_primitives::{
	bridge::{BridgeMessage, MessageError, MAX_STATE_SYNC_DATA},
	traits::OnAttested,
	RootChainId,
};
use frame_support::{assert_noop, assert_ok};
use sp_core::{H160, H256};
use sp_runtime::DispatchError;

const TRON: RootChainId = RootChainId::Tron;
const BSC: RootChainId = RootChainId::Bsc;

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Bridge(e) = r.event { Some(e) } else { None })
		.collect()
}

fn attest(chain: RootChainId, sync: bttc_primitives::bridge::StateSynced) {
	<Bridge as OnAttested<_>>::on_attested(chain, sync);
}

fn status(record_id: u64) -> RecordStatus {
	Records::<Test>::get(record_id).expect("record exists").status
}

fn sequence() -> Vec<(RootChainId, u64)> {
	(0..NextRecordId::<Test>::get())
		.map(|id| {
			let record = Records::<Test>::get(id).unwrap();
			(record.chain, record.event.state_id)
		})
		.collect()
}

#[test]
fn a_deposit_is_queued_then_minted_once_at_the_next_sprint_start() {
	test(|| {
		attest(TRON, deposit_sync(1, user(1), 100));
		assert_eq!(status(0), RecordStatus::Queued);
		assert!(events().contains(&Event::StateSyncQueued {
			chain: TRON,
			state_id: 1,
			record_id: 0
		}));
		run_to_block(3);
		assert_eq!(minted(user(1)), 0, "not before the sprint start");
		run_to_block(4);
		assert_eq!(minted(user(1)), 100);
		assert_eq!(status(0), RecordStatus::Executed { at: 4 });
		assert!(events().contains(&Event::DepositExecuted {
			record_id: 0,
			chain: TRON,
			child_token: CHILD_TOKEN,
			user: user(1)
		}));
		run_to_block(12);
		assert_eq!(minted(user(1)), 100, "never executed again");
		assert_eq!(Calls::get().len(), 1);
	});
}

#[test]
fn state_ids_are_taken_in_order_and_wait_for_a_missing_one() {
	test(|| {
		attest(TRON, deposit_sync(3, user(3), 3));
		attest(TRON, deposit_sync(2, user(2), 2));
		assert_eq!(NextRecordId::<Test>::get(), 0);
		assert_eq!(WaitingCount::<Test>::get(TRON), 2);
		assert!(events().contains(&Event::StateSyncWaiting {
			chain: TRON,
			state_id: 3,
			expected: 1
		}));
		run_to_block(4);
		assert!(Calls::get().is_empty(), "nothing runs while id 1 is missing");
		attest(TRON, deposit_sync(1, user(1), 1));
		assert_eq!(sequence(), vec![(TRON, 1), (TRON, 2), (TRON, 3)]);
		assert_eq!(WaitingCount::<Test>::get(TRON), 0);
		assert_eq!(LastStateId::<Test>::get(TRON), 3);
		run_to_block(8);
		let users: Vec<H160> = Calls::get().into_iter().map(|(_, user, _)| user).collect();
		assert_eq!(users, vec![user(1), user(2), user(3)], "executed in sequence order");
	});
}

#[test]
fn a_long_run_of_waiting_state_syncs_is_sequenced_over_several_blocks() {
	test(|| {
		for id in (2..=6).rev() {
			attest(TRON, deposit_sync(id, user(id as u8), 1));
		}
		attest(TRON, deposit_sync(1, user(1), 1));
		// 1 and then MAX_SEQUENCED (2) waiting ones with the attestation…
		assert_eq!(LastStateId::<Test>::get(TRON), 3);
		// …the rest, MAX_SEQUENCED per block.
		run_to_block(2);
		assert_eq!(LastStateId::<Test>::get(TRON), 5);
		run_to_block(3);
		assert_eq!(LastStateId::<Test>::get(TRON), 6);
		assert_eq!(sequence(), (1..=6).map(|id| (TRON, id)).collect::<Vec<_>>());
	});
}

#[test]
fn every_root_chain_feeds_one_gap_free_sequence() {
	test(|| {
		attest(TRON, deposit_sync(1, user(1), 1));
		attest(BSC, deposit_sync(1, user(2), 2));
		attest(TRON, deposit_sync(2, user(3), 3));
		assert_eq!(sequence(), vec![(TRON, 1), (BSC, 1), (TRON, 2)]);
		assert_eq!(LastStateId::<Test>::get(BSC), 1);
	});
}

#[test]
fn a_state_id_taken_or_waiting_is_not_taken_again() {
	test(|| {
		attest(TRON, deposit_sync(1, user(1), 1));
		let mut copy = deposit_sync(1, user(9), 1_000);
		copy.root_tx_hash = H256::repeat_byte(9);
		attest(TRON, copy.clone());
		attest(TRON, deposit_sync(3, user(3), 3));
		let mut waiting_copy = deposit_sync(3, user(9), 1_000);
		waiting_copy.root_tx_hash = H256::repeat_byte(8);
		attest(TRON, waiting_copy);
		assert_eq!(NextRecordId::<Test>::get(), 1);
		assert_eq!(WaitingCount::<Test>::get(TRON), 1);
		assert!(events().contains(&Event::DuplicateStateSync {
			chain: TRON,
			state_id: 1,
			root_tx_hash: H256::repeat_byte(9)
		}));
		assert_eq!(Waiting::<Test>::get(TRON, 3).unwrap().root_tx_hash, H256::from_low_u64_be(3));
		run_to_block(4);
		assert_eq!(minted(user(9)), 0);
	});
}

#[test]
fn execution_is_bounded_per_block_and_resumes_in_the_next_block() {
	test(|| {
		for id in 1..=5 {
			attest(TRON, deposit_sync(id, user(id as u8), 1));
		}
		run_to_block(4);
		assert_eq!(Calls::get().len(), MAX_EXECUTIONS as usize);
		assert_eq!(ExecutionHead::<Test>::get(), 3);
		assert!(ExecutionUnfinished::<Test>::get());
		run_to_block(5);
		assert_eq!(Calls::get().len(), 5, "the rest in the next block, not a sprint start");
		assert!(!ExecutionUnfinished::<Test>::get());
		run_to_block(9);
		assert_eq!(Calls::get().len(), 5);
	});
}

#[test]
fn an_unmapped_token_fails_visibly_and_succeeds_on_retry_after_governance_maps_it() {
	test(|| {
		let other_root = H160::repeat_byte(0x0b);
		let other_child = H160::repeat_byte(0x0e);
		let message = BridgeMessage::Deposit {
			user: user(1),
			root_token: other_root,
			deposit_data: sp_core::U256::from(7u64).to_big_endian().to_vec(),
		};
		attest(TRON, sync_of(1, &message));
		run_to_block(4);
		assert_eq!(
			status(0),
			RecordStatus::Failed { at: 4, reason: FailureReason::TokenNotMapped, attempts: 1 }
		);
		assert!(events().contains(&Event::RecordFailed {
			record_id: 0,
			reason: FailureReason::TokenNotMapped
		}));
		assert_noop!(Bridge::retry(RuntimeOrigin::none(), 0), DispatchError::BadOrigin);
		assert_ok!(Bridge::retry(RuntimeOrigin::signed(5), 0));
		assert_eq!(
			status(0),
			RecordStatus::Failed { at: 4, reason: FailureReason::TokenNotMapped, attempts: 2 }
		);
		assert_noop!(
			Bridge::map_token(RuntimeOrigin::signed(5), TRON, other_root, other_child),
			DispatchError::BadOrigin
		);
		assert_ok!(Bridge::map_token(RuntimeOrigin::root(), TRON, other_root, other_child));
		run_to_block(5);
		assert_ok!(Bridge::retry(RuntimeOrigin::signed(5), 0));
		assert_eq!(status(0), RecordStatus::Executed { at: 5 });
		assert_eq!(Minted::get().get(&(other_child, user(1))), Some(&7));
		assert_noop!(Bridge::retry(RuntimeOrigin::signed(5), 0), Error::<Test>::NotFailed);
		assert_eq!(Calls::get().len(), 1, "an executed record never runs again");
	});
}

#[test]
fn a_reverting_child_token_fails_and_the_record_is_kept() {
	test(|| {
		Broken::set(vec![CHILD_TOKEN]);
		attest(TRON, deposit_sync(1, user(1), 100));
		attest(TRON, deposit_sync(2, user(2), 200));
		run_to_block(4);
		for id in 0..2 {
			assert!(matches!(
				status(id),
				RecordStatus::Failed { reason: FailureReason::ChildTokenFailed, .. }
			));
		}
		Broken::set(vec![]);
		assert_ok!(Bridge::retry(RuntimeOrigin::signed(5), 1));
		assert_eq!(minted(user(2)), 200);
		assert_eq!(minted(user(1)), 0, "only the record retried");
	});
}

#[test]
fn queued_and_unknown_records_cannot_be_retried() {
	test(|| {
		attest(TRON, deposit_sync(1, user(1), 100));
		assert_noop!(Bridge::retry(RuntimeOrigin::signed(5), 0), Error::<Test>::NotFailed);
		assert_noop!(Bridge::retry(RuntimeOrigin::signed(5), 1), Error::<Test>::UnknownRecord);
	});
}

#[test]
fn bad_receivers_messages_and_oversized_data_fail_with_their_reason() {
	test(|| {
		let mut wrong_receiver = deposit_sync(1, user(1), 1);
		wrong_receiver.receiver = H160::repeat_byte(0x99);
		attest(TRON, wrong_receiver);
		let mut malformed = deposit_sync(2, user(1), 1);
		malformed.data = StateSyncData::from_bytes(&[1, 2, 3]);
		attest(TRON, malformed);
		let mut oversized = deposit_sync(3, user(1), 1);
		oversized.data = StateSyncData::from_bytes(&vec![0u8; MAX_STATE_SYNC_DATA as usize + 1]);
		attest(TRON, oversized);
		run_to_block(4);
		let reasons: Vec<FailureReason> = (0..3)
			.map(|id| match status(id) {
				RecordStatus::Failed { reason, .. } => reason,
				other => panic!("record {id}: {other:?}"),
			})
			.collect();
		assert_eq!(
			reasons,
			vec![
				FailureReason::WrongReceiver,
				FailureReason::BadMessage(MessageError::Malformed),
				FailureReason::Oversized
			]
		);
		assert!(Calls::get().is_empty());
	});
}

#[test]
fn a_root_chains_map_token_only_confirms_governances_mapping() {
	test(|| {
		let token_type = H256::repeat_byte(0xee);
		attest(
			TRON,
			sync_of(
				1,
				&BridgeMessage::MapToken {
					root_token: ROOT_TOKEN,
					child_token: CHILD_TOKEN,
					token_type,
				},
			),
		);
		let rogue = H160::repeat_byte(0x66);
		attest(
			TRON,
			sync_of(
				2,
				&BridgeMessage::MapToken { root_token: rogue, child_token: rogue, token_type },
			),
		);
		run_to_block(4);
		assert_eq!(status(0), RecordStatus::Executed { at: 4 });
		assert!(matches!(
			status(1),
			RecordStatus::Failed { reason: FailureReason::MappingNotApproved, .. }
		));
		assert_eq!(ChildTokenOf::<Test>::get(TRON, rogue), None, "a message maps nothing");
	});
}

#[test]
fn mappings_are_one_to_one_per_root_chain_and_only_governance_changes_them() {
	test(|| {
		let root = H160::repeat_byte(1);
		let child = H160::repeat_byte(2);
		assert_noop!(
			Bridge::map_token(RuntimeOrigin::root(), TRON, ROOT_TOKEN, child),
			Error::<Test>::AlreadyMapped
		);
		assert_noop!(
			Bridge::map_token(RuntimeOrigin::root(), TRON, root, CHILD_TOKEN),
			Error::<Test>::AlreadyMapped
		);
		assert_noop!(
			Bridge::map_token(RuntimeOrigin::root(), TRON, H160::zero(), child),
			Error::<Test>::ZeroAddress
		);
		// Another root chain may map its own token to the same child token.
		assert_ok!(Bridge::map_token(RuntimeOrigin::root(), BSC, root, CHILD_TOKEN));
		assert_noop!(
			Bridge::unmap_token(RuntimeOrigin::signed(1), TRON, ROOT_TOKEN),
			DispatchError::BadOrigin
		);
		assert_ok!(Bridge::unmap_token(RuntimeOrigin::root(), TRON, ROOT_TOKEN));
		assert_eq!(RootTokenOf::<Test>::get(TRON, CHILD_TOKEN), None);
		assert_noop!(
			Bridge::unmap_token(RuntimeOrigin::root(), TRON, ROOT_TOKEN),
			Error::<Test>::NotMapped
		);
		attest(TRON, deposit_sync(1, user(1), 1));
		run_to_block(4);
		assert!(matches!(
			status(0),
			RecordStatus::Failed { reason: FailureReason::TokenNotMapped, .. }
		));
	});
}

#[test]
fn records_are_found_by_their_root_transaction() {
	test(|| {
		attest(TRON, deposit_sync(1, user(1), 1));
		attest(BSC, deposit_sync(1, user(2), 2));
		let found = Bridge::records_by_root_tx(BSC, H256::from_low_u64_be(1), 16);
		assert_eq!(found.len(), 1);
		assert_eq!((found[0].id, found[0].chain), (1, BSC));
		assert!(Bridge::records_by_root_tx(TRON, H256::repeat_byte(7), 16).is_empty());
		assert_eq!(Bridge::chain_progress(TRON), (1, 0));
	});
}

#[test]
fn try_state_catches_corrupted_state() {
	let corruptions: Vec<(&str, fn())> = vec![
		("gap in the sequence", || Records::<Test>::remove(0)),
		("head past the tail", || ExecutionHead::<Test>::put(9)),
		("queued record behind the head", || ExecutionHead::<Test>::put(1)),
		("waiting count", || WaitingCount::<Test>::insert(TRON, 5)),
		("waiting behind the last id", || {
			Waiting::<Test>::insert(TRON, 1, deposit_sync(1, user(1), 1));
			WaitingCount::<Test>::insert(TRON, 2);
		}),
		("index", || RecordsByRootTx::<Test>::remove((TRON, H256::from_low_u64_be(1), 1))),
		("mapping", || RootTokenOf::<Test>::remove(TRON, CHILD_TOKEN)),
		("state id ahead", || LastStateId::<Test>::insert(TRON, 0)),
	];
	for (what, corrupt) in corruptions {
		new_test_ext().execute_with(|| {
			attest(TRON, deposit_sync(1, user(1), 1));
			attest(TRON, deposit_sync(3, user(3), 3));
			Bridge::do_try_state().expect("consistent before corruption");
			corrupt();
			assert!(Bridge::do_try_state().is_err(), "{what}: corruption not caught");
		});
	}
}
