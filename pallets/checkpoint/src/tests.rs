//! Unit tests of the checkpoint pallet. Every test ends with the pallet's `try_state`
//! invariants, and `run_to_block` checks them after every block.

#![allow(clippy::unwrap_used, deprecated)]

use crate::{
	mock::*, Acknowledged, Call, CheckpointAck, Error, Event, Leaves, LeavesFrom, Pending,
	Priorities, Signatures, StreamParams, StreamStates, Streams,
};
use bttc_primitives::{
	checkpoint::{check_membership, merkle_proof, merkle_root, SECP256K1_HALF_N},
	RootChainId,
};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource},
	unsigned::ValidateUnsigned,
};
use sp_core::H256;
use sp_runtime::DispatchError;

const TRON: RootChainId = RootChainId::Tron;

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Checkpoint(e) = r.event { Some(e) } else { None })
		.collect()
}

fn pending() -> crate::PendingCheckpoint {
	Pending::<Test>::get(TRON).expect("a pending checkpoint")
}

/// `seed`'s signature of the pending checkpoint's digest, `v` 27 or 28.
fn signature_of(seed: u8) -> [u8; 65] {
	let digest = pending().checkpoint.digest(CHILD_CHAIN_ID);
	let mut signature = pair(seed).sign_prehashed(&digest).0;
	signature[64] += 27;
	signature
}

fn sign(seed: u8) -> sp_runtime::DispatchResult {
	let id = pending().id;
	Checkpoint::sign(RuntimeOrigin::none(), TRON, id, signature_of(seed))
}

fn validate(id: u64, signature: [u8; 65]) -> sp_runtime::transaction_validity::TransactionValidity {
	Checkpoint::validate_unsigned(
		TransactionSource::External,
		&Call::sign { chain: TRON, id, signature },
	)
}

fn err(e: Error<Test>) -> DispatchError {
	e.into()
}

fn ack_of(id: u64, start: u64, end: u64, root: H256) -> CheckpointAck {
	CheckpointAck { header_block_id: id, proposer: address(11), start, end, root }
}

fn leaves(start: u32, end: u32) -> Vec<H256> {
	(start..=end).map(|n| leaf_of(n).hash()).collect()
}

// ----- Leaves and proposals -----------------------------------------------------------------------

#[test]
fn every_block_stores_its_leaf_from_its_ethereum_view() {
	test(|| {
		run_to_block(3);
		for n in 1..=3 {
			assert_eq!(Leaves::<Test>::get(n), Some(leaf_of(n).hash()));
		}
	});
}

#[test]
fn a_checkpoint_is_proposed_once_avg_length_blocks_wait_with_their_merkle_root() {
	test(|| {
		// Leaves 1..=3 exist at block 4's start: not yet due (avg 4).
		run_to_block(4);
		assert!(Pending::<Test>::get(TRON).is_none());
		run_to_block(5);
		let p = pending();
		assert_eq!((p.checkpoint.start, p.checkpoint.end, p.id), (1, 4, 0));
		assert_eq!(p.checkpoint.root_hash, merkle_root(&leaves(1, 4)));
		assert_eq!(p.checkpoint.root_chain, TRON);
		assert_eq!(p.proposed_at, 5);
		// The proposer is the stream's, named by its signer address.
		let proposer = StreamStates::<Test>::get(TRON).unwrap().proposer.unwrap();
		assert_eq!(p.proposer_id, proposer);
		let seed = Validators::get().into_iter().find(|(id, _, _)| *id == proposer).unwrap().2;
		assert_eq!(p.checkpoint.proposer, address(seed));
		// Every block's proof verifies against the root the contracts will hold.
		for n in 1..=4u32 {
			let proof = merkle_proof(&leaves(1, 4), (n - 1) as usize).unwrap();
			assert!(check_membership(
				leaf_of(n).hash(),
				u64::from(n - 1),
				p.checkpoint.root_hash,
				&proof
			));
		}
	});
}

#[test]
fn after_a_long_wait_a_checkpoint_covers_at_most_max_length() {
	test(|| {
		// As if block 99 had just been acknowledged at block 100.
		StreamStates::<Test>::mutate(TRON, |s| {
			let s = s.as_mut().unwrap();
			(s.next_start, s.last_ack_at) = (100, 100);
		});
		run_to_block(103);
		assert!(Pending::<Test>::get(TRON).is_none(), "blocks before next_start do not count");
		run_to_block(104);
		assert_eq!((pending().checkpoint.start, pending().checkpoint.end), (100, 103));
		// Not acknowledged: at the no-ack 10 blocks wait, the next proposal takes max_length (8).
		run_to_block(104 + TRON_PARAMS.buffer_blocks);
		assert_eq!((pending().checkpoint.start, pending().checkpoint.end), (100, 107));
	});
}

#[test]
fn without_its_leaves_a_stream_does_not_propose() {
	test(|| {
		HasEthView::set(false);
		run_to_block(10);
		assert!(Pending::<Test>::get(TRON).is_none());
		HasEthView::set(true);
	});
}

// ----- Signatures ---------------------------------------------------------------------------------

#[test]
fn exactly_two_thirds_plus_one_of_stake_makes_a_checkpoint_ready() {
	test(|| {
		run_to_block(5);
		// 100 + 100 = 200 < 201.
		assert_ok!(sign(11));
		assert_ok!(sign(12));
		assert!(!events().iter().any(|e| matches!(e, Event::CheckpointReady { .. })));
		assert_eq!(Checkpoint::signed_stake(TRON), 200 * TOKEN);
		// + 1 = 201: ready, once.
		assert_ok!(sign(13));
		assert!(events().contains(&Event::CheckpointReady { chain: TRON, id: 0 }));
		assert_ok!(sign(14));
		let ready = events().iter().filter(|e| matches!(e, Event::CheckpointReady { .. })).count();
		assert_eq!(ready, 1);
		// Sorted by signer address, as RootChain.sol requires.
		let sorted = Checkpoint::sorted_signatures(TRON, 0);
		assert_eq!(sorted.len(), 4);
		let mut addresses: Vec<_> =
			[11, 12, 13, 14].iter().map(|s| (address(*s), signature_of(*s))).collect();
		addresses.sort_by_key(|(a, _)| *a);
		assert_eq!(sorted, addresses.into_iter().map(|(_, s)| s).collect::<Vec<_>>());
		assert!(Checkpoint::sorted_signatures(TRON, 1).is_empty());
	});
}

#[test]
fn forged_duplicated_non_validator_and_stale_set_signatures_are_refused() {
	test(|| {
		run_to_block(5);
		let id = pending().id;
		// A key that is no validator's signer.
		assert_noop!(sign(99), err(Error::NotValidator));
		assert_eq!(validate(id, signature_of(99)), InvalidTransaction::Custom(4).into());
		// A signature over another digest (another child chain) recovers to someone else.
		let mut other = pending().checkpoint;
		other.end += 1;
		let mut forged = pair(11).sign_prehashed(&other.digest(CHILD_CHAIN_ID)).0;
		forged[64] += 27;
		assert_noop!(
			Checkpoint::sign(RuntimeOrigin::none(), TRON, id, forged),
			err(Error::NotValidator)
		);
		// Twice by one validator.
		assert_ok!(sign(11));
		assert_noop!(sign(11), err(Error::AlreadySigned));
		assert_eq!(validate(id, signature_of(11)), InvalidTransaction::Custom(5).into());
		// A validator that left the set (stake 0): its key is stale.
		Validators::mutate(|v| v[1].1 = 0);
		assert_noop!(sign(12), err(Error::NotValidator));
		// Another id, or no pending checkpoint.
		assert_noop!(
			Checkpoint::sign(RuntimeOrigin::none(), TRON, id + 1, signature_of(13)),
			err(Error::NotPending)
		);
		assert_eq!(validate(id + 1, signature_of(13)), InvalidTransaction::Stale.into());
		assert_noop!(
			Checkpoint::sign(RuntimeOrigin::none(), RootChainId::Bsc, id, signature_of(13)),
			err(Error::NotPending)
		);
		// Signed origin.
		assert_noop!(
			Checkpoint::sign(RuntimeOrigin::signed(1), TRON, id, signature_of(13)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn non_canonical_signatures_are_refused_as_the_root_chain_would() {
	test(|| {
		run_to_block(5);
		let id = pending().id;
		// v as recovery id (0/1) instead of 27/28.
		let mut raw = signature_of(11);
		raw[64] -= 27;
		assert_noop!(
			Checkpoint::sign(RuntimeOrigin::none(), TRON, id, raw),
			err(Error::NonCanonical)
		);
		assert_eq!(validate(id, raw), InvalidTransaction::BadProof.into());
		// The malleated twin (n − s, v flipped) recovers the same key but has a high s.
		let good = signature_of(11);
		let mut twin = good;
		use sp_core::U256;
		let order = U256::from_big_endian(&SECP256K1_HALF_N) * U256::from(2u8) + U256::one();
		let low_s = U256::from_big_endian(&good[32..64]);
		let high: U256 = order - low_s;
		let high_s: [u8; 32] = high.to_big_endian();
		twin[32..64].copy_from_slice(&high_s);
		twin[64] = if good[64] == 27 { 28 } else { 27 };
		assert_noop!(
			Checkpoint::sign(RuntimeOrigin::none(), TRON, id, twin),
			err(Error::NonCanonical)
		);
		assert_ok!(Checkpoint::sign(RuntimeOrigin::none(), TRON, id, good));
	});
}

#[test]
fn validate_unsigned_keeps_one_signature_per_validator_and_checkpoint() {
	test(|| {
		run_to_block(5);
		let valid = validate(0, signature_of(11)).unwrap();
		assert_eq!(valid.priority, 1 << 20);
		assert_eq!(valid.longevity, u64::from(TRON_PARAMS.buffer_blocks));
		assert_ne!(valid.provides, validate(0, signature_of(12)).unwrap().provides);
	});
}

const TRON_PARAMS: StreamParams = crate::mock::TRON;

// ----- Acks and no-acks -----------------------------------------------------------------------------

#[test]
fn an_ack_moves_the_stream_rotates_the_proposer_and_is_kept() {
	test(|| {
		run_to_block(5);
		let p = pending();
		for seed in [11, 12, 13] {
			assert_ok!(sign(seed));
		}
		Checkpoint::on_ack(TRON, ack_of(1, 1, 4, p.checkpoint.root_hash));
		let after = StreamStates::<Test>::get(TRON).unwrap();
		assert_eq!((after.next_start, after.ack_count, after.last_ack_at), (5, 1, 5));
		assert_ne!(after.proposer, None);
		assert!(Pending::<Test>::get(TRON).is_none());
		assert_eq!(Signatures::<Test>::iter_prefix(TRON).count(), 0);
		assert!(events().contains(&Event::CheckpointAcknowledged {
			chain: TRON,
			header_block_id: 1,
			start: 1,
			end: 4,
			root: p.checkpoint.root_hash,
			matches_pending: true,
			root_matches_blocks: true,
		}));
		assert_eq!(Checkpoint::acknowledged(TRON)[0].checkpoint.end, 4);
		// The next checkpoint starts at 5, once 4 more blocks wait.
		run_to_block(9);
		assert_eq!((pending().checkpoint.start, pending().checkpoint.end), (5, 8));
		assert_eq!(pending().id, 1);
	});
}

#[test]
fn proposers_follow_the_weighted_round_robin_across_acks() {
	test(|| {
		// Equal stakes: each validator proposes once in four rounds.
		Validators::set(vec![
			(1, 10 * TOKEN, 11),
			(2, 10 * TOKEN, 12),
			(3, 10 * TOKEN, 13),
			(4, 10 * TOKEN, 14),
		]);
		Priorities::<Test>::remove_all(None);
		run_to_block(1);
		let first = Checkpoint::rotate_proposer(TRON).unwrap();
		StreamStates::<Test>::mutate(TRON, |s| s.as_mut().unwrap().proposer = Some(first));
		let mut proposers = vec![first];
		let mut next = 1u64;
		for round in 0..7u64 {
			run_to_block(System::block_number() + 4);
			let p = pending();
			assert_eq!(p.proposer_id, *proposers.last().unwrap());
			Checkpoint::on_ack(
				TRON,
				ack_of(round + 1, next, p.checkpoint.end, p.checkpoint.root_hash),
			);
			next = p.checkpoint.end + 1;
			proposers.push(StreamStates::<Test>::get(TRON).unwrap().proposer.unwrap());
		}
		// Equal priorities go to the lower signer address: a round robin in address order.
		let mut by_address: Vec<u64> = vec![1, 2, 3, 4];
		by_address.sort_by_key(|id| address(10 + *id as u8));
		let expected: Vec<u64> = by_address.iter().chain(by_address.iter()).copied().collect();
		assert_eq!(proposers, expected);
	});
}

#[test]
fn an_unacknowledged_checkpoint_gives_way_to_the_next_proposer_after_the_buffer() {
	test(|| {
		run_to_block(5);
		let first = pending();
		run_to_block(5 + TRON_PARAMS.buffer_blocks - 1);
		assert_eq!(pending().id, first.id, "dropped before its buffer ran out");
		assert_ok!(sign(11));
		run_to_block(5 + TRON_PARAMS.buffer_blocks);
		assert!(events().contains(&Event::NoAck { chain: TRON, id: first.id }));
		let second = pending();
		assert_eq!(second.id, first.id + 1);
		assert_eq!(second.checkpoint.start, 1);
		assert_ne!(second.proposer_id, first.proposer_id, "the proposer did not rotate");
		assert_ne!(second.checkpoint.proposer, first.checkpoint.proposer);
		// The old signatures do not count for the new checkpoint.
		assert_eq!(Checkpoint::signed_stake(TRON), 0);
		assert_ok!(sign(11));
	});
}

#[test]
fn the_root_chain_is_followed_even_when_its_checkpoint_differs() {
	test(|| {
		run_to_block(5);
		// The root chain recorded 1..=3 with a root of other blocks (say, a late submission
		// of an older proposal): the stream follows, and flags the root.
		Checkpoint::on_ack(TRON, ack_of(1, 1, 3, H256::repeat_byte(9)));
		assert_eq!(StreamStates::<Test>::get(TRON).unwrap().next_start, 4);
		assert!(events().contains(&Event::CheckpointAcknowledged {
			chain: TRON,
			header_block_id: 1,
			start: 1,
			end: 3,
			root: H256::repeat_byte(9),
			matches_pending: false,
			root_matches_blocks: false,
		}));
		// An ack of blocks already acknowledged is ignored.
		Checkpoint::on_ack(TRON, ack_of(1, 1, 3, H256::repeat_byte(9)));
		assert!(events().contains(&Event::StaleAckIgnored {
			chain: TRON,
			header_block_id: 1,
			start: 1
		}));
		assert_eq!(StreamStates::<Test>::get(TRON).unwrap().ack_count, 1);
		// An ack for a root chain without a stream changes nothing.
		Checkpoint::on_ack(RootChainId::Bsc, ack_of(1, 1, 3, H256::zero()));
		assert!(StreamStates::<Test>::get(RootChainId::Bsc).is_none());
	});
}

#[test]
fn only_the_last_acks_are_kept_and_leaves_are_pruned_behind_the_stream() {
	test(|| {
		run_to_block(1);
		let mut next = 1u64;
		for id in 1..=5u64 {
			run_to_block(System::block_number() + 4);
			let p = pending();
			Checkpoint::on_ack(TRON, ack_of(id, next, p.checkpoint.end, p.checkpoint.root_hash));
			next = p.checkpoint.end + 1;
		}
		let kept: Vec<u64> =
			Checkpoint::acknowledged(TRON).iter().map(|a| a.header_block_id).collect();
		assert_eq!(kept, vec![3, 4, 5]);
		// Pruning (4 leaves a block) catches up with the stream's next start, never beyond.
		run_to_block(System::block_number() + 10);
		assert_eq!(u64::from(LeavesFrom::<Test>::get()), next);
		assert!(Leaves::<Test>::get(next as u32 - 1).is_none());
		assert!(Leaves::<Test>::get(next as u32).is_some());
	});
}

// ----- Parameters -----------------------------------------------------------------------------------

#[test]
fn governance_adds_and_changes_streams_with_valid_parameters_only() {
	test(|| {
		let bsc = StreamParams { first_block: 10, ..TRON_PARAMS };
		assert_noop!(
			Checkpoint::set_stream(RuntimeOrigin::signed(1), RootChainId::Bsc, bsc),
			DispatchError::BadOrigin
		);
		for bad in [
			StreamParams { first_block: 0, ..bsc },
			StreamParams { min_length: 5, avg_length: 4, ..bsc },
			StreamParams { max_length: MAX_LENGTH + 1, ..bsc },
			StreamParams { buffer_blocks: 0, ..bsc },
		] {
			assert_noop!(
				Checkpoint::set_stream(RuntimeOrigin::root(), RootChainId::Bsc, bad),
				err(Error::BadParams)
			);
		}
		assert_ok!(Checkpoint::set_stream(RuntimeOrigin::root(), RootChainId::Bsc, bsc));
		assert_eq!(StreamStates::<Test>::get(RootChainId::Bsc).unwrap().next_start, 10);
		// Changing an existing stream keeps where it stands.
		run_to_block(5);
		assert_ok!(Checkpoint::set_stream(
			RuntimeOrigin::root(),
			TRON,
			StreamParams { avg_length: 2, ..TRON_PARAMS }
		));
		assert_eq!(Streams::<Test>::get(TRON).unwrap().avg_length, 2);
		assert_eq!(pending().checkpoint.start, 1);
	});
}

// ----- Invariants -----------------------------------------------------------------------------------

#[test]
fn try_state_catches_corrupted_state() {
	let corruptions: Vec<(&str, fn())> = vec![
		("pending start", || {
			Pending::<Test>::mutate(TRON, |p| p.as_mut().unwrap().checkpoint.start = 2)
		}),
		("pending id", || Pending::<Test>::mutate(TRON, |p| p.as_mut().unwrap().id = 9)),
		("orphan signature", || {
			Signatures::<Test>::insert(RootChainId::Bsc, 1, ([0; 65], address(11)))
		}),
		("leaf below cursor", || LeavesFrom::<Test>::put(3)),
		("state without stream", || Streams::<Test>::remove(TRON)),
		("priorities without stream", || Priorities::<Test>::insert(RootChainId::Ethereum, 1, 0)),
		("history", || {
			for id in 10..20u64 {
				let acked = bttc_primitives::checkpoint::AckedCheckpoint {
					header_block_id: id,
					checkpoint: pending().checkpoint,
					acked_at: 1,
				};
				Acknowledged::<Test>::insert(TRON, id, acked);
			}
		}),
	];
	for (what, corrupt) in corruptions {
		new_test_ext().execute_with(|| {
			run_to_block(5);
			Checkpoint::do_try_state().expect("consistent before corruption");
			corrupt();
			assert!(Checkpoint::do_try_state().is_err(), "{what}: corruption not caught");
		});
	}
}
