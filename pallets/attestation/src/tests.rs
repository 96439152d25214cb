//! Unit tests of the attestation pallet. Every test ends with the pallet's `try_state`
//! invariants (`mock::test`), and `run_to_block` checks them after every block.

#![allow(clippy::unwrap_used, deprecated)]

use crate::{
	mock::*, Call, Contents, Error, Event, EventKey, ExpiryQueue, KeyStatus, Pending, PendingCount,
	Processed, ProcessedCount, Report, Slots, VoteSlot, Votes, REPORT_SIGNING_DOMAIN,
};
use bttc_primitives::RootChainId;
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::DispatchResultWithPostInfo,
	pallet_prelude::{InvalidTransaction, TransactionSource},
	unsigned::ValidateUnsigned,
};
use sp_core::H256;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	transaction_validity::TransactionValidity,
	DispatchError, RuntimeAppPublic,
};

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Attestation(e) = r.event { Some(e) } else { None })
		.collect()
}

fn staked(nonce: u64) -> MockEvent {
	MockEvent::Staked { validator_id: 7, amount: 1_000, nonce }
}

fn report_of(tx: u8, log_index: u64, event: MockEvent) -> Report<MockEvent> {
	Report {
		chain: RootChainId::Tron,
		tx_hash: H256::repeat_byte(tx),
		log_index,
		block_number: 1_234,
		event,
	}
}

fn index_of(authority: u64) -> u32 {
	Validators::get().iter().find(|v| v.0 == authority).map_or(u32::MAX, |v| v.1)
}

/// The lowest slot of `authority`'s validator that holds no vote.
fn free_slot(authority: u64) -> VoteSlot {
	let index = index_of(authority);
	(0..VOTE_SLOTS).find(|s| !Slots::<Test>::contains_key(index, s)).unwrap_or(VOTE_SLOTS)
}

fn valid_until() -> u32 {
	System::block_number() + LIFETIME
}

fn sign(authority: u64, report: &Report<MockEvent>, slot: VoteSlot, until: u32) -> TestSignature {
	UintAuthorityId(authority).sign(&Attestation::signing_payload(report, slot, until)).unwrap()
}

fn submit_in(
	authority: u64,
	report: &Report<MockEvent>,
	slot: VoteSlot,
	until: u32,
) -> DispatchResultWithPostInfo {
	Attestation::report(
		RuntimeOrigin::none(),
		report.clone(),
		slot,
		until,
		UintAuthorityId(authority),
		sign(authority, report, slot, until),
	)
}

/// Reports `report` as `authority`, in its first free slot, valid for `LIFETIME` blocks.
fn submit(authority: u64, report: &Report<MockEvent>) -> DispatchResultWithPostInfo {
	submit_in(authority, report, free_slot(authority), valid_until())
}

fn call_of(
	authority: u64,
	report: &Report<MockEvent>,
	slot: VoteSlot,
	until: u32,
	signature: TestSignature,
) -> Call<Test> {
	Call::report {
		report: report.clone(),
		slot,
		valid_until: until,
		authority: UintAuthorityId(authority),
		signature,
	}
}

fn validate_in(
	authority: u64,
	report: &Report<MockEvent>,
	slot: VoteSlot,
	until: u32,
) -> TransactionValidity {
	Attestation::validate_unsigned(
		TransactionSource::External,
		&call_of(authority, report, slot, until, sign(authority, report, slot, until)),
	)
}

fn validate(authority: u64, report: &Report<MockEvent>) -> TransactionValidity {
	validate_in(authority, report, free_slot(authority), valid_until())
}

fn err(e: Error<Test>) -> DispatchError {
	e.into()
}

fn pending(report: &Report<MockEvent>) -> crate::PendingKey<u32> {
	Pending::<Test>::get(report.key()).unwrap()
}

// ----- Threshold ------------------------------------------------------------------------------

#[test]
fn exactly_two_thirds_plus_one_applies_and_one_less_does_not() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		// 100 + 100 = 200 < 201: pending, not applied.
		assert_ok!(submit(11, &r));
		assert_ok!(submit(12, &r));
		assert!(Applied::get().is_empty());
		assert_eq!(Attestation::tally(&r.key(), &r.content_hash()), 200);
		assert!(!Attestation::is_processed(&r.key()));
		// + 1 = 201: applied once.
		assert_ok!(submit(13, &r));
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(1))]);
		assert!(Attestation::is_processed(&r.key()));
		assert!(Pending::<Test>::get(r.key()).is_none());
		assert_eq!(PendingCount::<Test>::get(), 0);
		assert_eq!(ProcessedCount::<Test>::get(), 1);
		assert!(events().contains(&Event::Attested {
			key: r.key(),
			content: r.content_hash(),
			tally: 201,
			total_stake: 300,
		}));
		// Every voter's slot is free again.
		assert_eq!(Slots::<Test>::iter().count(), 0);
	});
}

#[test]
fn each_vote_is_charged_what_its_path_measured() {
	use crate::WeightInfo;
	type Weights = ();
	test(|| {
		let r = report_of(1, 0, staked(1));
		let charged = |result: DispatchResultWithPostInfo| result.unwrap().actual_weight.unwrap();
		// The first vote opens the key: `report_first`, not a later vote's `report`.
		assert_eq!(charged(submit(11, &r)), Weights::report_first());
		assert_ne!(Weights::report_first(), Weights::report(1));
		// A later vote: `report` of the key's voters.
		assert_eq!(charged(submit(12, &r)), Weights::report(2));
		// The vote that applies: `report_and_apply` plus the consumer's weight.
		assert_eq!(
			charged(submit(13, &r)),
			Weights::report_and_apply(3).saturating_add(APPLY_WEIGHT)
		);
		// A first vote that applies at once also pays for opening the key.
		Validators::set(vec![(11, 0, 1_000)]);
		let alone = report_of(2, 0, staked(2));
		assert_eq!(
			charged(submit(11, &alone)),
			Weights::report_and_apply(1)
				.saturating_add(Weights::report_first())
				.saturating_add(APPLY_WEIGHT)
		);
	});
}

#[test]
fn below_threshold_is_never_applied_even_with_every_other_vote_elsewhere() {
	test(|| {
		// 100 + 99 + 1 = 200 for one content, 100 for another: still not applied.
		let r = report_of(1, 0, staked(1));
		let other = report_of(1, 0, staked(2));
		assert_ok!(submit(11, &r));
		assert_ok!(submit(14, &r));
		assert_ok!(submit(13, &r));
		assert_ok!(submit(12, &other));
		assert!(Applied::get().is_empty());
		assert_eq!(Attestation::tally(&r.key(), &r.content_hash()), 200);
		assert_eq!(Attestation::tally(&r.key(), &other.content_hash()), 100);
		assert_eq!(pending(&r).contents, 2);
	});
}

#[test]
fn a_single_validator_above_threshold_applies_at_once() {
	test(|| {
		Validators::set(vec![(11, 0, 201), (12, 1, 99)]);
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		assert_eq!(Applied::get().len(), 1);
		assert_eq!(PendingCount::<Test>::get(), 0);
		assert_eq!(ExpiryQueue::<Test>::iter().count(), 0);
	});
}

// ----- Current stakes -------------------------------------------------------------------------

#[test]
fn a_vote_counts_at_the_voters_current_stake_not_its_stake_when_it_voted() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		assert_ok!(submit(12, &r));
		// Validator 11 leaves (stake 0): its vote no longer counts, and the total drops to 200
		// (threshold 134).
		Validators::mutate(|v| v[0].2 = 0);
		// 12 (100) + 13 (1) = 101 < 134; the stale weight would have given 201 >= 134.
		assert_ok!(submit(13, &r));
		assert!(Applied::get().is_empty(), "a vote counted at a stake its voter no longer has");
		assert_eq!(Attestation::tally(&r.key(), &r.content_hash()), 101);
		// 14 (99): 200 >= 134 with current stakes.
		assert_ok!(submit(14, &r));
		assert_eq!(Applied::get().len(), 1);
	});
}

#[test]
fn a_voter_whose_stake_grew_counts_its_new_stake() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(13, &r));
		assert_ok!(submit(12, &r));
		// 13 restakes from 1 to 101: total 400, threshold 267; 13 + 12 = 201.
		Validators::mutate(|v| v[2].2 = 101);
		assert!(Applied::get().is_empty());
		assert_ok!(submit(14, &r));
		// 101 + 100 + 99 = 300 >= 267.
		assert_eq!(Applied::get().len(), 1);
	});
}

#[test]
fn at_expiry_a_content_that_reaches_the_threshold_at_current_stakes_is_applied() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		assert_ok!(submit(12, &r));
		// Validator 14 leaves: total 201, threshold 135; 200 already voted.
		Validators::mutate(|v| v[3].2 = 0);
		assert!(Applied::get().is_empty());
		run_to_block(1 + TTL);
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(1))]);
		assert!(Attestation::is_processed(&r.key()));
		assert!(!events().iter().any(|e| matches!(e, Event::Expired { .. })));
	});
}

// ----- Replay ---------------------------------------------------------------------------------

#[test]
fn a_replayed_event_is_refused_and_not_applied_twice() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		for v in [11, 12, 13] {
			assert_ok!(submit(v, &r));
		}
		assert_eq!(Applied::get().len(), 1);
		// The remaining validator, and any validator again, are refused.
		assert_noop!(submit(14, &r), err(Error::AlreadyProcessed));
		assert_noop!(submit(11, &r), err(Error::AlreadyProcessed));
		assert_eq!(validate(14, &r), InvalidTransaction::Stale.into());
		// Even with different content (another block number) for the same key.
		let mut changed = r.clone();
		changed.block_number += 1;
		assert_noop!(submit(14, &changed), err(Error::AlreadyProcessed));
		// Still refused long after: processed keys never expire.
		run_to_block(1 + 5 * TTL);
		assert_noop!(submit(14, &r), err(Error::AlreadyProcessed));
		assert_eq!(Applied::get().len(), 1);
		assert_eq!(Processed::<Test>::get(r.key()), Some((1, r.content_hash())));
	});
}

#[test]
fn same_tx_other_log_index_or_chain_is_another_event() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let mut other_log = r.clone();
		other_log.log_index = 1;
		let mut other_chain = r.clone();
		other_chain.chain = RootChainId::Ethereum;
		let mut other_tx = r.clone();
		other_tx.tx_hash = H256::repeat_byte(2);
		let all = [&r, &other_log, &other_chain, &other_tx];
		// Two votes on each: four distinct keys pending, none mistaken for another.
		for report in all {
			assert_ok!(submit(11, report));
			assert_ok!(submit(12, report));
		}
		assert_eq!(PendingCount::<Test>::get(), 4);
		for report in all {
			assert_eq!(pending(report).voters, 2);
		}
		for report in all {
			assert_ok!(submit(13, report));
		}
		assert_eq!(Applied::get().len(), 4);
		assert_eq!(Applied::get()[2].0, RootChainId::Ethereum);
	});
}

// ----- Conflicts ------------------------------------------------------------------------------

#[test]
fn conflicting_contents_are_tallied_separately_and_only_the_winner_applies() {
	test(|| {
		let a = report_of(1, 0, staked(1));
		let b = report_of(1, 0, staked(2));
		assert_eq!(a.key(), b.key());
		assert_ok!(submit(14, &a));
		assert_ok!(submit(11, &b));
		assert!(events().contains(&Event::ConflictingReport {
			key: a.key(),
			content: b.content_hash(),
			contents: 2,
		}));
		assert_eq!(Attestation::tally(&a.key(), &a.content_hash()), 99);
		assert_eq!(Attestation::tally(&a.key(), &b.content_hash()), 100);
		// b: 100 + 100 = 200 — not enough.
		assert_ok!(submit(12, &b));
		assert!(Applied::get().is_empty());
		// b: + 1 = 201 — applied; a (99) is dropped with the key and 14's slot is freed.
		assert_ok!(submit(13, &b));
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(2))]);
		assert!(Pending::<Test>::get(a.key()).is_none());
		assert_eq!(Contents::<Test>::iter().count(), 0);
		assert_eq!(Slots::<Test>::iter_prefix(index_of(14)).count(), 0);
		assert_eq!(Processed::<Test>::get(a.key()).unwrap().1, b.content_hash());
		assert_noop!(submit(14, &a), err(Error::AlreadyProcessed));
	});
}

#[test]
fn the_first_content_can_win_over_a_later_conflicting_one() {
	test(|| {
		let a = report_of(1, 0, staked(1));
		let b = report_of(1, 0, staked(2));
		assert_ok!(submit(11, &a));
		assert_ok!(submit(14, &b));
		assert_ok!(submit(12, &a));
		assert!(Applied::get().is_empty());
		assert_ok!(submit(13, &a));
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(1))]);
	});
}

#[test]
fn small_validators_with_bogus_contents_cannot_crowd_out_the_real_one() {
	test(|| {
		// Four tiny validators (stake 1 each) each report a different invented content first.
		Validators::set(vec![
			(11, 0, 100),
			(12, 1, 100),
			(13, 2, 100),
			(21, 3, 1),
			(22, 4, 1),
			(23, 5, 1),
			(24, 6, 1),
		]);
		let real = report_of(1, 0, staked(1));
		for (i, tiny) in [21u64, 22, 23, 24].into_iter().enumerate() {
			assert_ok!(submit(tiny, &report_of(1, 0, staked(100 + i as u64))));
		}
		assert_eq!(pending(&real).contents, 4);
		// The honest validators' real content is still taken and applied.
		for honest in [11, 12, 13] {
			assert_ok!(submit(honest, &real));
		}
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(1))]);
	});
}

// ----- Authentication ------------------------------------------------------------------------

#[test]
fn non_validator_is_refused_by_validate_unsigned_and_dispatch() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_eq!(validate_in(99, &r, 0, valid_until()), InvalidTransaction::Custom(2).into());
		assert_noop!(submit_in(99, &r, 0, valid_until()), err(Error::NotValidator));
		// A validator with zero stake is not an active validator.
		Validators::mutate(|v| v.push((15, 4, 0)));
		assert_noop!(submit(15, &r), err(Error::NotValidator));
		assert_eq!(validate(15, &r), InvalidTransaction::Custom(2).into());
		assert!(Pending::<Test>::get(r.key()).is_none());
	});
}

#[test]
fn bad_signature_is_refused() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let until = valid_until();
		let refused = |signature: TestSignature| {
			assert_eq!(
				Attestation::validate_unsigned(
					TransactionSource::External,
					&call_of(11, &r, 0, until, signature.clone())
				),
				InvalidTransaction::BadProof.into()
			);
			assert_noop!(
				Attestation::report(
					RuntimeOrigin::none(),
					r.clone(),
					0,
					until,
					UintAuthorityId(11),
					signature
				),
				err(Error::BadSignature)
			);
		};
		let mut other = r.clone();
		other.block_number += 1;
		// Over another report, another slot, another expiry; by another key; over the bare
		// report without domain and genesis hash.
		refused(sign(11, &other, 0, until));
		refused(sign(11, &r, 1, until));
		refused(sign(11, &r, 0, until - 1));
		refused(sign(12, &r, 0, until));
		refused(TestSignature(11, r.encode()));
	});
}

#[test]
fn signing_payload_is_domain_genesis_report_slot_and_expiry() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let genesis = System::block_hash(0);
		let mut expected = REPORT_SIGNING_DOMAIN.to_vec();
		expected.extend_from_slice(genesis.as_ref());
		expected.extend_from_slice(&r.encode());
		expected.extend_from_slice(&3u32.to_le_bytes());
		expected.extend_from_slice(&9u32.to_le_bytes());
		assert_eq!(Attestation::signing_payload(&r, 3, 9), expected);
		assert_eq!(&expected[..26], b"BTTC/attestation/report/v2");
	});
}

#[test]
fn an_expired_signature_is_refused_and_a_far_expiry_too() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		// Signed at block 1 until block 3, submitted at block 4: a replay of an old report.
		let old = sign(11, &r, 0, 3);
		run_to_block(4);
		assert_eq!(
			Attestation::validate_unsigned(
				TransactionSource::External,
				&call_of(11, &r, 0, 3, old.clone())
			),
			InvalidTransaction::Stale.into()
		);
		assert_noop!(
			Attestation::report(RuntimeOrigin::none(), r.clone(), 0, 3, UintAuthorityId(11), old),
			err(Error::SignatureExpired)
		);
		// Valid until the current block is still fine; beyond the lifetime is not.
		assert_noop!(submit_in(11, &r, 0, 4 + LIFETIME + 1), err(Error::ValidityTooLong));
		assert_eq!(validate_in(11, &r, 0, 4 + LIFETIME + 1), InvalidTransaction::Custom(6).into());
		assert_ok!(submit_in(11, &r, 0, 4));
	});
}

#[test]
fn signed_origin_is_refused() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let until = valid_until();
		assert_noop!(
			Attestation::report(
				RuntimeOrigin::signed(1),
				r.clone(),
				0,
				until,
				UintAuthorityId(11),
				sign(11, &r, 0, until)
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn duplicate_vote_is_refused_even_with_other_content_or_slot() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		assert_noop!(submit(11, &r), err(Error::DuplicateReport));
		assert_eq!(validate(11, &r), InvalidTransaction::Custom(4).into());
		let other = report_of(1, 0, staked(2));
		assert_noop!(submit(11, &other), err(Error::DuplicateReport));
		assert_eq!(Attestation::tally(&r.key(), &r.content_hash()), 100);
		assert_eq!(pending(&r).voters, 1);
	});
}

#[test]
fn validate_unsigned_sets_tags_priority_and_longevity() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let valid = validate_in(11, &r, 2, valid_until()).unwrap();
		assert_eq!(valid.priority, 1 << 20);
		// Until the signature expires: blocks 1..=1 + LIFETIME.
		assert_eq!(valid.longevity, u64::from(LIFETIME) + 1);
		assert!(valid.propagate);
		assert!(valid.requires.is_empty());
		assert_eq!(valid.provides.len(), 2);
		let (key_tag, slot_tag) = (&valid.provides[0], &valid.provides[1]);
		// Same validator and key in another slot: same key tag (the pool keeps one vote).
		let other_slot = validate_in(11, &r, 3, valid_until()).unwrap();
		assert_eq!(&other_slot.provides[0], key_tag);
		assert_ne!(&other_slot.provides[1], slot_tag);
		// Same validator and slot for another key: same slot tag (one report per slot).
		let other_key = validate_in(11, &report_of(2, 0, staked(1)), 2, valid_until()).unwrap();
		assert_ne!(&other_key.provides[0], key_tag);
		assert_eq!(&other_key.provides[1], slot_tag);
		// Another validator: other tags.
		let other_validator = validate_in(12, &r, 2, valid_until()).unwrap();
		assert_ne!(&other_validator.provides[0], key_tag);
		assert_ne!(&other_validator.provides[1], slot_tag);
	});
}

#[test]
fn refusals_map_to_pool_errors_and_only_report_is_unsigned() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		// Each refusal of check_report, as the pool sees it.
		assert_eq!(
			validate_in(11, &r, VOTE_SLOTS, valid_until()),
			InvalidTransaction::Custom(7).into()
		);
		assert_ok!(submit_in(11, &r, 0, valid_until()));
		assert_eq!(
			validate_in(11, &report_of(2, 0, staked(1)), 0, valid_until()),
			InvalidTransaction::Custom(8).into()
		);
		// Calls other than `report` are not unsigned transactions: the pool refuses them.
		let set_ttl = Call::<Test>::set_report_ttl { blocks: 50 };
		assert_eq!(
			Attestation::validate_unsigned(TransactionSource::External, &set_ttl),
			InvalidTransaction::Call.into()
		);
		// An unknown call index does not decode as a call of this pallet.
		let mut unknown = call_of(11, &r, 0, 1, sign(11, &r, 0, 1)).encode();
		assert_eq!(unknown[0], 0, "report is call index 0");
		unknown[0] = 9;
		assert!(<Call<Test> as codec::Decode>::decode(&mut &unknown[..]).is_err());
	});
}

// ----- Vote slots: bounds per validator --------------------------------------------------------

#[test]
fn a_validator_filling_its_slots_blocks_only_itself() {
	test(|| {
		// Validator 14 invents events until its slots are full.
		for i in 0..VOTE_SLOTS as u8 {
			assert_ok!(submit(14, &report_of(100 + i, 0, staked(1))));
		}
		let invented = report_of(200, 0, staked(1));
		for slot in 0..VOTE_SLOTS {
			assert_noop!(submit_in(14, &invented, slot, valid_until()), err(Error::SlotInUse));
		}
		assert_noop!(submit_in(14, &invented, VOTE_SLOTS, valid_until()), err(Error::BadSlot));
		// Everyone else reports a real event as before, and it is applied.
		let real = report_of(1, 0, staked(1));
		for v in [11, 12, 13] {
			assert_ok!(submit(v, &real));
		}
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(1))]);
		// The invented keys expire and free 14's slots.
		run_to_block(1 + TTL + VOTE_SLOTS / MAX_EXPIRIES);
		assert_eq!(Slots::<Test>::iter_prefix(index_of(14)).count(), 0);
		assert_ok!(submit(14, &invented));
	});
}

#[test]
fn pending_keys_are_bounded_by_slots_per_validator_not_a_global_pool() {
	test(|| {
		// Every validator fills its own slots; each can, whatever the others did.
		for (v, base) in [(11u64, 10u8), (12, 20), (13, 30), (14, 40)] {
			for i in 0..VOTE_SLOTS as u8 {
				assert_ok!(submit(v, &report_of(base + i, 0, staked(1))));
			}
		}
		assert_eq!(PendingCount::<Test>::get(), 4 * VOTE_SLOTS);
		// A vote on an existing key needs a free slot too.
		assert_noop!(
			submit_in(11, &report_of(20, 0, staked(1)), 0, valid_until()),
			err(Error::SlotInUse)
		);
	});
}

#[test]
fn too_many_voters_on_a_key_is_refused() {
	test(|| {
		// MAX_VOTERS tiny validators vote; the next one is refused.
		let tiny: Vec<_> = (0..=MAX_VOTERS).map(|i| (100 + u64::from(i), 10 + i, 1)).collect();
		let mut all = Validators::get();
		all.extend(tiny.iter().copied());
		Validators::set(all);
		let r = report_of(1, 0, staked(1));
		for (key, _, _) in &tiny[..MAX_VOTERS as usize] {
			assert_ok!(submit(*key, &r));
		}
		let last = tiny[MAX_VOTERS as usize].0;
		assert_noop!(submit(last, &r), err(Error::TooManyVoters));
		assert_eq!(validate(last, &r), InvalidTransaction::Custom(9).into());
	});
}

// ----- Expiry ---------------------------------------------------------------------------------

#[test]
fn pending_reports_expire_after_ttl_and_free_their_slots() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		assert_ok!(submit(12, &report_of(1, 0, staked(9))));
		run_to_block(TTL);
		assert!(Pending::<Test>::get(r.key()).is_some());
		run_to_block(1 + TTL);
		assert!(Pending::<Test>::get(r.key()).is_none());
		assert_eq!(PendingCount::<Test>::get(), 0);
		assert!(events().contains(&Event::Expired { key: r.key(), contents: 2, voters: 2 }));
		assert_eq!(Slots::<Test>::iter().count(), 0);
		assert_eq!(Votes::<Test>::iter().count(), 0);
		// Not processed: a fresh round of reports can still attest it.
		for v in [11, 12, 13] {
			assert_ok!(submit(v, &r));
		}
		assert_eq!(Applied::get().len(), 1);
	});
}

#[test]
fn expiry_is_bounded_per_block_and_skips_applied_keys() {
	test(|| {
		let reports: Vec<_> = (0..4u8).map(|i| report_of(i, 0, staked(u64::from(i)))).collect();
		for r in &reports {
			assert_ok!(submit(11, r));
		}
		assert_eq!(PendingCount::<Test>::get(), 4);
		// The second key is applied: its queue entry becomes a hole.
		assert_ok!(submit(12, &reports[1]));
		assert_ok!(submit(13, &reports[1]));
		assert_eq!(PendingCount::<Test>::get(), 3);
		// At 1 + TTL: 2 steps (key 0, hole of key 1).
		run_to_block(1 + TTL);
		assert_eq!(PendingCount::<Test>::get(), 2);
		assert!(Pending::<Test>::get(reports[0].key()).is_none());
		// Next block: keys 2 and 3.
		run_to_block(2 + TTL);
		assert_eq!(PendingCount::<Test>::get(), 0);
		let expired = events().into_iter().filter(|e| matches!(e, Event::Expired { .. })).count();
		assert_eq!(expired, 3);
	});
}

// ----- Runtime API ----------------------------------------------------------------------------

#[test]
fn voter_info_and_key_status_tell_a_node_what_to_report() {
	test(|| {
		let applied = report_of(1, 0, staked(1));
		let voted = report_of(2, 0, staked(1));
		let open = report_of(3, 0, staked(1));
		for v in [11, 12, 13] {
			assert_ok!(submit(v, &applied));
		}
		assert_ok!(submit_in(11, &voted, 2, valid_until()));
		let info = Attestation::voter_info(&UintAuthorityId(11)).unwrap();
		assert_eq!((info.index, info.stake, info.max_slots), (0, 100, VOTE_SLOTS));
		assert_eq!(info.occupied, vec![(2, voted.key())]);
		assert_eq!(info.free_slots().collect::<Vec<_>>(), vec![0, 1, 3]);
		assert_eq!(info.max_lifetime, LIFETIME);
		assert_eq!(
			Attestation::key_status(0, &[applied.key(), voted.key(), open.key()]),
			vec![
				KeyStatus::Applied { at: 1, content: applied.content_hash() },
				KeyStatus::Voted { content: voted.content_hash(), slot: 2 },
				KeyStatus::Open,
			]
		);
		// A key nobody voted on, for another validator: open.
		assert_eq!(Attestation::key_status(1, &[voted.key()]), vec![KeyStatus::Open]);
		assert_eq!(Attestation::voter_info(&UintAuthorityId(99)), None);
	});
}

// ----- Invariants -----------------------------------------------------------------------------

#[test]
fn try_state_catches_corrupted_state() {
	let corruptions: Vec<(&str, fn(EventKey))> = vec![
		("count", |_| PendingCount::<Test>::put(7)),
		("slot", |key| {
			let (voter, vote) = Votes::<Test>::iter_prefix(key).next().unwrap();
			Slots::<Test>::remove(voter, vote.slot);
		}),
		("vote", |key| Votes::<Test>::remove(key, 0)),
		("content", |key| {
			let content = Contents::<Test>::iter_key_prefix(key).next().unwrap();
			Contents::<Test>::remove(key, content);
		}),
		("processed", |key| Processed::<Test>::insert(key, (1, H256::zero()))),
		("queue", |key| {
			let seq = Pending::<Test>::get(key).unwrap().queue_seq;
			ExpiryQueue::<Test>::remove(seq);
		}),
	];
	for (what, corrupt) in corruptions {
		new_test_ext().execute_with(|| {
			let r = report_of(1, 0, staked(1));
			assert_ok!(submit(11, &r));
			assert_ok!(submit(12, &report_of(1, 0, staked(2))));
			Attestation::do_try_state().expect("consistent before corruption");
			corrupt(r.key());
			assert!(Attestation::do_try_state().is_err(), "{what}: corruption not caught");
		});
	}
}

// ----- Parameters -----------------------------------------------------------------------------

#[test]
fn governance_sets_the_report_ttl_for_keys_reported_afterwards() {
	test(|| {
		let early = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &early));
		assert_noop!(
			Attestation::set_report_ttl(RuntimeOrigin::signed(11), 50),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Attestation::set_report_ttl(RuntimeOrigin::root(), crate::MIN_REPORT_TTL - 1),
			err(Error::TtlTooShort)
		);
		assert_ok!(Attestation::set_report_ttl(RuntimeOrigin::root(), 2 * TTL));
		assert!(events().contains(&Event::ReportTtlSet { blocks: 2 * TTL }));
		let late = report_of(2, 0, staked(1));
		assert_ok!(submit(11, &late));
		// The early key keeps its TTL, the late one gets the new one.
		assert_eq!(pending(&early).expires_at, 1 + TTL);
		assert_eq!(pending(&late).expires_at, 1 + 2 * TTL);
		run_to_block(1 + TTL);
		assert!(Pending::<Test>::get(early.key()).is_none());
		assert!(Pending::<Test>::get(late.key()).is_some());
	});
}
