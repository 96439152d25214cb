//! Unit tests of the bridge pallet. Every test ends with the pallet's `try_state` invariants
//! (`mock::test`), and `run_to_block` checks them after every block.

#![allow(clippy::unwrap_used, deprecated)]

use crate::{
	mock::*,
	types::{threshold, EventKey, Report, REPORT_SIGNING_DOMAIN},
	Call, Error, Event, ExpiryQueue, Pending, PendingCount, Processed, ProcessedCount,
};
use bttc_primitives::RootChainId;
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::DispatchResultWithPostInfo,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	unsigned::ValidateUnsigned,
};
use sp_core::H256;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	transaction_validity::TransactionValidity,
	DispatchError, RuntimeAppPublic,
};

fn bridge_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Bridge(e) = r.event { Some(e) } else { None })
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

fn sign(authority: u64, report: &Report<MockEvent>) -> TestSignature {
	UintAuthorityId(authority).sign(&Bridge::signing_payload(report)).unwrap()
}

fn submit(authority: u64, report: &Report<MockEvent>) -> DispatchResultWithPostInfo {
	Bridge::report(
		RuntimeOrigin::none(),
		report.clone(),
		UintAuthorityId(authority),
		sign(authority, report),
	)
}

fn call(authority: u64, report: &Report<MockEvent>, signature: TestSignature) -> Call<Test> {
	Call::report { report: report.clone(), authority: UintAuthorityId(authority), signature }
}

fn validate(authority: u64, report: &Report<MockEvent>) -> TransactionValidity {
	Bridge::validate_unsigned(
		TransactionSource::External,
		&call(authority, report, sign(authority, report)),
	)
}

fn err(e: Error<Test>) -> DispatchError {
	e.into()
}

// ----- Threshold ------------------------------------------------------------------------------

#[test]
fn threshold_is_heimdalls_integer_formula() {
	for total in [0u128, 1, 2, 3, 4, 5, 299, 300, 301, 1_000, u128::MAX / 2] {
		assert_eq!(threshold(total), total * 2 / 3 + 1, "total {total}");
	}
	assert_eq!(threshold(300), 201);
	// No overflow at the top of the range: floor(2 * MAX / 3) + 1.
	let max = u128::MAX;
	assert_eq!(threshold(max), (max / 3) * 2 + (max % 3) * 2 / 3 + 1);
}

#[test]
fn exactly_two_thirds_plus_one_applies_and_one_less_does_not() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		// 100 + 100 = 200 < 201: pending, not applied.
		assert_ok!(submit(11, &r));
		assert_ok!(submit(12, &r));
		assert!(Applied::get().is_empty());
		assert_eq!(Pending::<Test>::get(r.key()).unwrap().contents[0].stake, 200);
		assert!(!Bridge::is_processed(&r.key()));
		// + 1 = 201: applied once.
		assert_ok!(submit(13, &r));
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(1))]);
		assert!(Bridge::is_processed(&r.key()));
		assert!(Pending::<Test>::get(r.key()).is_none());
		assert_eq!(PendingCount::<Test>::get(), 0);
		assert_eq!(ProcessedCount::<Test>::get(), 1);
		assert!(bridge_events().contains(&Event::Attested {
			key: r.key(),
			content: r.content_hash(),
			tally: 201,
			total_stake: 300,
		}));
	});
}

#[test]
fn below_threshold_is_never_applied_even_with_every_other_vote_elsewhere() {
	test(|| {
		// 100 + 99 + 1 = 200 for one content after 12 votes elsewhere: still not applied.
		let r = report_of(1, 0, staked(1));
		let other = report_of(1, 0, staked(2));
		assert_ok!(submit(11, &r));
		assert_ok!(submit(14, &r));
		assert_ok!(submit(13, &r));
		assert_ok!(submit(12, &other));
		assert!(Applied::get().is_empty());
		let entry = Pending::<Test>::get(r.key()).unwrap();
		assert_eq!(entry.contents[0].stake, 200);
		assert_eq!(entry.contents[1].stake, 100);
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
		assert_eq!(Processed::<Test>::get(r.key()), Some(1));
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
		for v in [11, 12, 13] {
			assert_ok!(submit(v, &r));
			assert_ok!(submit(v, &other_log));
			assert_ok!(submit(v, &other_chain));
		}
		assert_eq!(Applied::get().len(), 3);
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
		assert!(bridge_events().contains(&Event::ConflictingReport {
			key: a.key(),
			content: b.content_hash(),
			contents: 2,
		}));
		let entry = Pending::<Test>::get(a.key()).unwrap();
		assert_eq!(entry.contents.len(), 2);
		assert_eq!((entry.contents[0].stake, entry.contents[1].stake), (99, 100));
		// b: 100 + 100 = 200 — not enough.
		assert_ok!(submit(12, &b));
		assert!(Applied::get().is_empty());
		// b: + 1 = 201 — applied; a (99) is dropped with the key.
		assert_ok!(submit(13, &b));
		assert_eq!(Applied::get(), vec![(RootChainId::Tron, staked(2))]);
		assert!(Pending::<Test>::get(a.key()).is_none());
		assert_eq!(PendingCount::<Test>::get(), 0);
		// a is refused now.
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
fn too_many_contents_for_a_key_is_refused() {
	test(|| {
		let a = report_of(1, 0, staked(1));
		let b = report_of(1, 0, staked(2));
		let c = report_of(1, 0, staked(3));
		assert_ok!(submit(11, &a));
		assert_ok!(submit(12, &b));
		assert_noop!(submit(14, &c), err(Error::TooManyContents));
		assert_eq!(validate(14, &c), InvalidTransaction::Custom(6).into());
		// A known content is still accepted.
		assert_ok!(submit(14, &a));
	});
}

// ----- Authentication ------------------------------------------------------------------------

#[test]
fn non_validator_is_refused_by_validate_unsigned_and_dispatch() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_eq!(validate(99, &r), InvalidTransaction::Custom(2).into());
		assert_noop!(submit(99, &r), err(Error::NotValidator));
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
		let mut other = r.clone();
		other.block_number += 1;
		// Signature over another report.
		let wrong = sign(11, &other);
		let result =
			Bridge::validate_unsigned(TransactionSource::External, &call(11, &r, wrong.clone()));
		assert_eq!(result, InvalidTransaction::BadProof.into());
		assert_noop!(
			Bridge::report(RuntimeOrigin::none(), r.clone(), UintAuthorityId(11), wrong),
			err(Error::BadSignature)
		);
		// Signature by another validator's key.
		let by_12 = sign(12, &r);
		assert_noop!(
			Bridge::report(RuntimeOrigin::none(), r.clone(), UintAuthorityId(11), by_12),
			err(Error::BadSignature)
		);
		// Signature over the bare report, without domain and genesis hash.
		let bare = TestSignature(11, r.encode());
		assert_noop!(
			Bridge::report(RuntimeOrigin::none(), r.clone(), UintAuthorityId(11), bare),
			err(Error::BadSignature)
		);
	});
}

#[test]
fn signing_payload_is_domain_genesis_report() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let genesis = System::block_hash(0);
		let mut expected = REPORT_SIGNING_DOMAIN.to_vec();
		expected.extend_from_slice(genesis.as_ref());
		expected.extend_from_slice(&r.encode());
		assert_eq!(Bridge::signing_payload(&r), expected);
		assert_eq!(&expected[..21], b"BTTC/bridge/report/v1");
	});
}

#[test]
fn signed_origin_is_refused() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_noop!(
			Bridge::report(RuntimeOrigin::signed(1), r.clone(), UintAuthorityId(11), sign(11, &r)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn duplicate_vote_is_refused_even_with_other_content() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		assert_noop!(submit(11, &r), err(Error::DuplicateReport));
		assert_eq!(validate(11, &r), InvalidTransaction::Custom(4).into());
		let other = report_of(1, 0, staked(2));
		assert_noop!(submit(11, &other), err(Error::DuplicateReport));
		assert_eq!(Pending::<Test>::get(r.key()).unwrap().contents[0].stake, 100);
	});
}

#[test]
fn validate_unsigned_sets_tags_priority_and_longevity() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		let valid = validate(11, &r).unwrap();
		assert_eq!(valid.priority, 1 << 20);
		assert_eq!(valid.longevity, u64::from(TTL));
		assert!(valid.propagate);
		assert_eq!(valid.provides.len(), 1);
		assert!(valid.requires.is_empty());
		// Same validator and key → same tag (the pool keeps one); other validator → other tag.
		let mut changed = r.clone();
		changed.block_number += 1;
		assert_eq!(validate(11, &changed).unwrap().provides, valid.provides);
		assert_ne!(validate(12, &r).unwrap().provides, valid.provides);
	});
}

// ----- Expiry ---------------------------------------------------------------------------------

#[test]
fn pending_reports_expire_after_ttl() {
	test(|| {
		let r = report_of(1, 0, staked(1));
		assert_ok!(submit(11, &r));
		run_to_block(TTL);
		assert!(Pending::<Test>::get(r.key()).is_some());
		run_to_block(1 + TTL);
		assert!(Pending::<Test>::get(r.key()).is_none());
		assert_eq!(PendingCount::<Test>::get(), 0);
		assert!(bridge_events().contains(&Event::Expired { key: r.key(), contents: 1 }));
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
		// The second key is applied: its queue slot becomes a hole.
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
		let expired =
			bridge_events().into_iter().filter(|e| matches!(e, Event::Expired { .. })).count();
		assert_eq!(expired, 3);
	});
}

// ----- Bounds ---------------------------------------------------------------------------------

#[test]
fn max_pending_full_refuses_new_keys_with_a_clear_error() {
	test(|| {
		for i in 0..MAX_PENDING as u8 {
			assert_ok!(submit(11, &report_of(i, 0, staked(1))));
		}
		let extra = report_of(200, 0, staked(1));
		assert_noop!(submit(11, &extra), err(Error::TooManyPending));
		assert_eq!(validate(11, &extra), InvalidTransaction::Custom(5).into());
		// Existing keys still take votes and can be attested, which frees a slot.
		let first = report_of(0, 0, staked(1));
		assert_ok!(submit(12, &first));
		assert_ok!(submit(13, &first));
		assert_eq!(PendingCount::<Test>::get(), MAX_PENDING - 1);
		assert_ok!(submit(11, &extra));
	});
}

#[test]
fn keys_are_distinct_per_chain_tx_and_log() {
	let a = EventKey { chain: RootChainId::Tron, tx_hash: H256::zero(), log_index: 0 };
	let b = EventKey { log_index: 1, ..a };
	let c = EventKey { chain: RootChainId::Bsc, ..a };
	assert_ne!(a, b);
	assert_ne!(a, c);
}

#[test]
fn unknown_call_is_invalid_transaction() {
	// Only `report` exists; a sanity check of the error mapping of validate_unsigned.
	test(|| {
		let r = report_of(1, 0, staked(1));
		let res = Bridge::validate_unsigned(TransactionSource::Local, &call(99, &r, sign(99, &r)));
		assert!(matches!(
			res,
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(2)))
		));
	});
}
