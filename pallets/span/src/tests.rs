//! Unit tests of the span pallet. Every test that touches storage ends with the pallet's
//! `try_state` invariants (`mock::test`), and `run_to_block` checks them after every block.

#![allow(clippy::unwrap_used)]

use crate::{
	mock::*,
	selection::select_producers,
	types::{validate_params, EqualStake, ParamsError, StoredSpan, ValidatorSetProvider},
	CurrentSpanId, Error, Event, Excluded, OldestSpanId, Params, Spans,
};
use bttc_primitives::span::{SpanParams, SpanValidator, GENESIS_SPAN_SEED};
use bttc_primitives::traits::ForcedChangeError;
use frame_support::{assert_noop, assert_ok, pallet_prelude::BoundedVec};
use sp_runtime::DispatchError;

fn span_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Span(e) = r.event { Some(e) } else { None })
		.collect()
}

fn stakes() -> Vec<u128> {
	Validators::get().iter().map(|v| v.1).collect()
}

// ----- Genesis --------------------------------------------------------------------------------

#[test]
fn genesis_creates_span_zero_from_block_one() {
	test(|| {
		let span = Span::current_span().expect("span 0");
		assert_eq!((span.id, span.start_block, span.end_block), (0, 1, 16));
		assert_eq!(span.sprint_length, 4);
		assert_eq!(span.seed_block, 0);
		assert_eq!(span.validators.len(), 4);
		assert_eq!(span.validators[3], SpanValidator { id: 4, stake: 400, authority: 14 });
		let expected = select_producers(GENESIS_SPAN_SEED, &stakes(), 3).unwrap();
		assert_eq!(span.producers, expected);
		assert_eq!(Span::next_span(), None);
		assert_eq!(Params::<Test>::get(), DEV_PARAMS);
		assert_eq!(OldestSpanId::<Test>::get(), 0);
	});
}

#[test]
fn genesis_with_few_validators_selects_each_once() {
	Validators::set(vec![(7, 5, 70), (8, 5, 80)]);
	test(|| {
		let span = Span::current_span().unwrap();
		assert_eq!(span.producers, vec![0, 1]);
	});
	Validators::set(vec![(1, 100, 11), (2, 200, 12), (3, 300, 13), (4, 400, 14)]);
}

fn genesis_panic_message(params: SpanParams) -> String {
	let result = std::panic::catch_unwind(|| build_ext(params));
	let Err(payload) = result else { panic!("genesis with {params:?} should fail") };
	payload
		.downcast_ref::<String>()
		.cloned()
		.or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
		.unwrap_or_default()
}

#[test]
fn genesis_rejects_invalid_params() {
	let cases: Vec<(SpanParams, &str)> = vec![
		(SpanParams { sprint_length: 0, ..DEV_PARAMS }, "sprint_length is 0"),
		(
			SpanParams {
				sprint_length: 250,
				span_length: 500,
				first_span_length: 500,
				..DEV_PARAMS
			},
			"BlockHashCount",
		),
		(SpanParams { span_length: 4, ..DEV_PARAMS }, "span_length must be at least"),
		(SpanParams { span_length: 30, ..DEV_PARAMS }, "span_length must be a multiple"),
		(SpanParams { first_span_length: 4, ..DEV_PARAMS }, "first_span_length must be at least"),
		(
			SpanParams { first_span_length: 18, ..DEV_PARAMS },
			"first_span_length must be a multiple",
		),
		(SpanParams { producer_count: 0, ..DEV_PARAMS }, "producer_count is 0"),
		(SpanParams { producer_count: MAX_PRODUCERS + 1, ..DEV_PARAMS }, "MaxProducers"),
		(SpanParams { backup_multiplier_ms: 0, ..DEV_PARAMS }, "backup_multiplier_ms is 0"),
	];
	for (params, needle) in cases {
		let message = genesis_panic_message(params);
		assert!(message.contains(needle), "{params:?}: {message:?} lacks {needle:?}");
	}
}

#[test]
fn genesis_without_staked_validators_creates_no_span_and_stays_idle() {
	for set in [vec![], vec![(1, 0, 11), (2, 0, 12)]] {
		Validators::set(set);
		new_test_ext().execute_with(|| {
			assert_eq!(CurrentSpanId::<Test>::get(), None);
			assert!(Span::current_span().is_none());
			assert!(Span::expected_authors(1).is_none());
			Span::do_on_initialize(1);
			assert_eq!(CurrentSpanId::<Test>::get(), None);
			Span::do_try_state().unwrap();
		});
	}
	Validators::set(vec![(1, 100, 11), (2, 200, 12), (3, 300, 13), (4, 400, 14)]);
}

#[test]
fn bttc_defaults_are_valid() {
	assert_eq!(validate_params(&SpanParams::BTTC, 11, 4096), Ok(()));
	assert_eq!(SpanParams::default(), SpanParams::BTTC);
	assert_eq!((SpanParams::BTTC.span_length, SpanParams::BTTC.sprint_length), (6_400, 64));
	assert_eq!((SpanParams::BTTC.producer_count, SpanParams::BTTC.first_span_length), (11, 256));
	assert_eq!(validate_params(&SpanParams::BTTC, 10, 4096), Err(ParamsError::TooManyProducers));
	assert_eq!(validate_params(&SpanParams::BTTC, 11, 64), Err(ParamsError::SprintTooLong));
}

// ----- set_params -----------------------------------------------------------------------------

#[test]
fn set_params_requires_root() {
	test(|| {
		run_to_block(1);
		let params = SpanParams { producer_count: 2, ..DEV_PARAMS };
		assert_noop!(Span::set_params(RuntimeOrigin::signed(1), params), DispatchError::BadOrigin);
		assert_noop!(Span::set_params(RuntimeOrigin::none(), params), DispatchError::BadOrigin);
		assert_ok!(Span::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Params::<Test>::get(), params);
		System::assert_last_event(Event::ParamsSet { params }.into());
	});
}

#[test]
fn set_params_validation_errors() {
	test(|| {
		run_to_block(1);
		let cases: Vec<(SpanParams, Error<Test>)> = vec![
			(SpanParams { sprint_length: 0, ..DEV_PARAMS }, Error::SprintLengthZero),
			(
				SpanParams {
					sprint_length: 300,
					span_length: 600,
					first_span_length: 600,
					..DEV_PARAMS
				},
				Error::SprintTooLong,
			),
			(SpanParams { span_length: 4, ..DEV_PARAMS }, Error::SpanTooShort),
			(SpanParams { span_length: 33, ..DEV_PARAMS }, Error::SpanNotMultipleOfSprint),
			(SpanParams { first_span_length: 0, ..DEV_PARAMS }, Error::FirstSpanTooShort),
			(
				SpanParams { first_span_length: 17, ..DEV_PARAMS },
				Error::FirstSpanNotMultipleOfSprint,
			),
			(SpanParams { producer_count: 0, ..DEV_PARAMS }, Error::ProducerCountZero),
			(
				SpanParams { producer_count: MAX_PRODUCERS + 1, ..DEV_PARAMS },
				Error::TooManyProducers,
			),
			(SpanParams { backup_multiplier_ms: 0, ..DEV_PARAMS }, Error::BackupMultiplierZero),
		];
		for (params, error) in cases {
			assert_noop!(Span::set_params(RuntimeOrigin::root(), params), error);
		}
		// The boundaries are accepted.
		let edge = SpanParams {
			sprint_length: 249,
			span_length: 498,
			first_span_length: 498,
			producer_count: MAX_PRODUCERS,
			..DEV_PARAMS
		};
		assert_ok!(Span::set_params(RuntimeOrigin::root(), edge));
	});
}

#[test]
fn new_params_apply_to_spans_fixed_afterwards() {
	test(|| {
		run_to_block(2);
		let params =
			SpanParams { span_length: 16, sprint_length: 2, producer_count: 2, ..DEV_PARAMS };
		assert_ok!(Span::set_params(RuntimeOrigin::root(), params));
		// Span 0 keeps its own length and sprint; span 1 (fixed at block 9) takes the new ones.
		run_to_block(9);
		let current = Span::current_span().unwrap();
		assert_eq!((current.end_block, current.sprint_length), (16, 4));
		let next = Span::next_span().unwrap();
		assert_eq!((next.start_block, next.end_block, next.sprint_length), (17, 32, 2));
		assert_eq!(next.producers.len(), 2);
		// Span 1 fixes span 2 at 33 - 2·2 = 29.
		run_to_block(28);
		assert_eq!(Span::next_span(), None);
		run_to_block(29);
		assert_eq!(Span::next_span().map(|s| (s.start_block, s.end_block)), Some((33, 48)));
	});
}

// ----- Span lifecycle -------------------------------------------------------------------------

#[test]
fn spans_roll_over_on_schedule() {
	test(|| {
		// Span 0: 1..=16, then 32-block spans.
		let expected = [(0u64, 1u32, 16u32), (1, 17, 48), (2, 49, 80), (3, 81, 112), (4, 113, 144)];
		for (id, start, end) in expected {
			run_to_block(start);
			let current = Span::current_span().unwrap();
			assert_eq!((current.id, current.start_block, current.end_block), (id, start, end));
			assert_eq!(CurrentSpanId::<Test>::get(), Some(id));
			if id > 0 {
				assert!(span_events().contains(&Event::SpanStarted { span_id: id }));
			}
			run_to_block(end);
			assert_eq!(Span::current_span().unwrap().id, id, "still span {id} at its last block");
		}
		// The runtime's hook heard of every span after span 0, at the span's first block.
		assert_eq!(StartedSpans::get(), vec![(1, 17, 17), (2, 49, 49), (3, 81, 81), (4, 113, 113)]);
	});
}

#[test]
fn next_span_is_fixed_at_least_one_sprint_early_from_an_old_block_hash() {
	test(|| {
		let mut fixed = Vec::new();
		for block in 1..=150u32 {
			run_to_block(block);
			for event in span_events() {
				if let Event::SpanFixed { span_id, start_block, seed_block, producers, .. } = event
				{
					let stored = Span::span_by_id(span_id).map(|s| s.producers);
					assert_eq!(stored, Some(producers.to_vec()), "stored as announced");
					fixed.push((span_id, block, start_block, seed_block, producers));
				}
			}
		}
		// Spans 1..=5 were fixed at 16+1-8 = 9, 48+1-8 = 41, 73, 105, 137.
		let blocks: Vec<(u64, u32)> = fixed.iter().map(|f| (f.0, f.1)).collect();
		assert_eq!(blocks, vec![(1, 9), (2, 41), (3, 73), (4, 105), (5, 137)]);
		for (span_id, at, start, seed_block, producers) in fixed {
			// Known at least one sprint (4 blocks) before the current span ends at start - 1.
			assert!(start - 1 - at >= DEV_PARAMS.sprint_length, "span {span_id}");
			// Seeded from the block one sprint before the fixing block.
			assert_eq!(seed_block, at - DEV_PARAMS.sprint_length);
			let expected = select_producers(hash_of(seed_block).0, &stakes(), 3).unwrap();
			assert_eq!(producers.to_vec(), expected, "span {span_id}");
		}
	});
}

#[test]
fn different_seeds_give_different_producers() {
	test(|| {
		run_to_block(150);
		let selections: Vec<Vec<u32>> =
			(2..=5).filter_map(Span::span_by_id).map(|s| s.producers).collect();
		assert_eq!(selections.len(), 4);
		// 4 spans of 3 draws from 4 validators: identical selections would mean the seed is
		// ignored (probability of all equal by chance < 1 %).
		assert!(selections.iter().any(|s| *s != selections[0]), "{selections:?}");
	});
}

#[test]
fn history_is_pruned_beyond_max_span_history() {
	test(|| {
		run_to_block(16 + 32 * 6 + 1); // First block of span 7.
		assert_eq!(CurrentSpanId::<Test>::get(), Some(7));
		assert_eq!(OldestSpanId::<Test>::get(), 7 - u64::from(MAX_HISTORY));
		let mut ids: Vec<u64> = Spans::<Test>::iter_keys().collect();
		ids.sort();
		assert_eq!(ids, vec![4, 5, 6, 7]);
		assert_eq!(Span::span_by_id(3), None);
		// Blocks of pruned spans have no span; kept ones do.
		assert_eq!(Span::span_of(100), None);
		assert_eq!(Span::span_of(113).map(|s| s.id), Some(4));
		assert_eq!(Span::span_of(16 + 32 * 6).map(|s| s.id), Some(6));
	});
}

#[test]
fn span_of_finds_current_next_and_past_spans() {
	test(|| {
		run_to_block(45); // Span 1 (17..=48) current, span 2 fixed at 41.
		assert_eq!(Span::span_of(0), None);
		assert_eq!(Span::span_of(1).map(|s| s.id), Some(0));
		assert_eq!(Span::span_of(16).map(|s| s.id), Some(0));
		assert_eq!(Span::span_of(17).map(|s| s.id), Some(1));
		assert_eq!(Span::span_of(48).map(|s| s.id), Some(1));
		assert_eq!(Span::span_of(49).map(|s| s.id), Some(2));
		assert_eq!(Span::span_of(80).map(|s| s.id), Some(2));
		assert_eq!(Span::span_of(81), None);
	});
}

#[test]
fn validator_set_changes_apply_to_the_next_fixed_span() {
	test(|| {
		run_to_block(8);
		// Before the fixing block 9: the change is in span 1's snapshot.
		Validators::set(vec![(5, 10, 15), (6, 20, 16)]);
		run_to_block(9);
		let next = Span::next_span().unwrap();
		assert_eq!(next.validators.iter().map(|v| v.id).collect::<Vec<_>>(), vec![5, 6]);
		assert_eq!(next.producers, vec![0, 1]);
		// After fixing: no effect on span 1, picked up by span 2.
		Validators::set(vec![(7, 10, 17)]);
		run_to_block(40);
		assert_eq!(Span::current_span().unwrap().validators.len(), 2);
		run_to_block(41);
		assert_eq!(Span::next_span().unwrap().validators[0].id, 7);
		Validators::set(vec![(1, 100, 11), (2, 200, 12), (3, 300, 13), (4, 400, 14)]);
	});
}

#[test]
fn snapshot_skips_zero_stake_and_duplicates_and_keeps_highest_stakes() {
	test(|| {
		// Zero stake (1), repeated id (2 again), repeated key (3 reuses 12), then 40 validators
		// with stakes 1..=40 (MaxValidators is 32).
		let mut set = vec![(1, 0, 11), (2, 50, 12), (2, 90, 99), (3, 70, 12), (4, 80, 14)];
		set.extend((0..40u64).map(|i| (100 + i, u128::from(i) + 1, 100 + i)));
		Validators::set(set);
		run_to_block(9);
		let next = Span::next_span().unwrap();
		assert_eq!(next.validators.len(), 32);
		let ids: Vec<u64> = next.validators.iter().map(|v| v.id).collect();
		assert!(!ids.contains(&1), "zero stake dropped");
		assert!(!ids.contains(&3), "repeated key dropped");
		assert_eq!(next.validators.iter().filter(|v| v.id == 2).count(), 1);
		// Provider order kept; the first entry of a repeated id wins.
		assert_eq!(next.validators[0], SpanValidator { id: 2, stake: 50, authority: 12 });
		assert_eq!(next.validators[1], SpanValidator { id: 4, stake: 80, authority: 14 });
		// 42 candidates with stake: the 10 lowest (stakes 1..=10) are left out.
		assert!(next.validators.iter().all(|v| v.stake >= 11), "{:?}", next.validators);
		assert!(ids.contains(&110), "stake 11 kept");
		Validators::set(vec![(1, 100, 11), (2, 200, 12), (3, 300, 13), (4, 400, 14)]);
	});
}

#[test]
fn empty_validator_set_carries_the_current_span_over() {
	test(|| {
		run_to_block(8);
		Validators::set(vec![(1, 0, 11)]);
		run_to_block(9);
		assert!(span_events().contains(&Event::ValidatorSetEmpty { span_id: 1 }));
		let (current, next) = (Span::current_span().unwrap(), Span::next_span().unwrap());
		assert_eq!(next.validators, current.validators);
		assert_eq!(next.producers, current.producers);
		run_to_block(60);
		Validators::set(vec![(1, 100, 11), (2, 200, 12), (3, 300, 13), (4, 400, 14)]);
	});
}

// ----- Schedule -------------------------------------------------------------------------------

/// Replaces span 1 (17..=48, sprint 4) by one with producers [2, 0, 2, 1] (distinct order
/// [2, 0, 1]) over validators with keys 11, 12, 13, 14, then moves into it.
fn install_crafted_span() {
	run_to_block(16);
	let span = StoredSpan::<Test> {
		id: 1,
		start_block: 17,
		end_block: 48,
		sprint_length: 4,
		seed_block: 5,
		validators: BoundedVec::truncate_from(
			(1..=4u64).map(|i| SpanValidator { id: i, stake: 10, authority: 10 + i }).collect(),
		),
		producers: BoundedVec::truncate_from(vec![2, 0, 2, 1]),
		producer_delay_ms: DEV_PARAMS.producer_delay_ms,
		backup_multiplier_ms: DEV_PARAMS.backup_multiplier_ms,
	};
	Spans::<Test>::insert(1, span);
	run_to_block(17);
}

#[test]
fn sprint_schedule_rotates_through_the_selection_sequence() {
	test(|| {
		install_crafted_span();
		// (block, in-turn key): sprints of 4 blocks from 17, producers[s % 4] = 13, 11, 13, 12.
		let table: [(u32, u64); 12] = [
			(17, 13),
			(20, 13),
			(21, 11),
			(24, 11),
			(25, 13),
			(28, 13),
			(29, 12),
			(32, 12),
			(33, 13),
			(37, 11),
			(41, 13),
			(48, 12),
		];
		for (block, key) in table {
			assert_eq!(Span::in_turn_author(block), Some(key), "block {block}");
			let expected = Span::expected_authors(block).unwrap();
			assert_eq!(expected.authors[0].authority, key, "block {block}");
			assert_eq!(expected.sprint, (block - 17) / 4);
			assert_eq!(expected.span_id, 1);
		}
	});
}

#[test]
fn backup_succession_and_delays_are_as_specified() {
	test(|| {
		install_crafted_span();
		let period = BLOCK_PERIOD_MS;
		let (producer_delay, backup) =
			(DEV_PARAMS.producer_delay_ms, DEV_PARAMS.backup_multiplier_ms);
		// (block, author key, succession, delay): distinct order [13, 11, 12]; key 14 is a
		// validator but no producer: a last-resort backup after them.
		let table: Vec<(u32, u64, Option<u32>, Option<u64>)> = vec![
			// Sprint 0, in turn 13; block 17 starts the sprint.
			(17, 13, Some(0), Some(producer_delay)),
			(17, 11, Some(1), Some(producer_delay + backup)),
			(17, 12, Some(2), Some(producer_delay + 2 * backup)),
			(18, 13, Some(0), Some(period)),
			(18, 11, Some(1), Some(period + backup)),
			(18, 12, Some(2), Some(period + 2 * backup)),
			(17, 14, Some(3), Some(producer_delay + 3 * backup)),
			(18, 14, Some(3), Some(period + 3 * backup)),
			(17, 99, None, None),
			// Sprint 1, in turn 11: 12 is next, 13 wraps around.
			(21, 11, Some(0), Some(producer_delay)),
			(22, 12, Some(1), Some(period + backup)),
			(23, 13, Some(2), Some(period + 2 * backup)),
			// Sprint 3, in turn 12: 13 wraps to first, then 11.
			(29, 12, Some(0), Some(producer_delay)),
			(29, 13, Some(1), Some(producer_delay + backup)),
			(32, 11, Some(2), Some(period + 2 * backup)),
			// Outside any stored span.
			(81, 13, None, None),
		];
		for (block, key, succession, delay) in table {
			assert_eq!(Span::succession_of(block, &key), succession, "block {block} key {key}");
			assert_eq!(Span::author_delay_of(block, &key), delay, "block {block} key {key}");
		}
		// The runtime-API view lists the same order and delays.
		let expected = Span::expected_authors(29).unwrap();
		assert!(expected.sprint_start);
		let view: Vec<(u64, u64, u32, u64)> = expected
			.authors
			.iter()
			.map(|a| (a.validator, a.authority, a.succession, a.delay_ms))
			.collect();
		assert_eq!(
			view,
			vec![
				(2, 12, 0, producer_delay),
				(3, 13, 1, producer_delay + backup),
				(1, 11, 2, producer_delay + 2 * backup),
				(4, 14, 3, producer_delay + 3 * backup)
			]
		);
		assert_eq!(Span::expected_authors(81), None);
	});
}

#[test]
fn expected_authors_of_the_next_span_are_known_from_the_parent_state() {
	test(|| {
		// At block 16 (last of span 0) the author of block 17 must be known.
		run_to_block(16);
		let next = Span::next_span().unwrap();
		let expected = Span::expected_authors(17).unwrap();
		assert_eq!(expected.span_id, 1);
		let in_turn = next.validators[next.producers[0] as usize].authority;
		assert_eq!(expected.authors[0].authority, in_turn);
		assert_eq!(expected.authors[0].delay_ms, DEV_PARAMS.producer_delay_ms);
	});
}

// ----- Finality recovery ----------------------------------------------------------------------

fn ids(v: &[u64]) -> BoundedVec<u64, frame_support::traits::ConstU32<32>> {
	BoundedVec::truncate_from(v.to_vec())
}

const EMERGENCY: u64 = 99;

#[test]
fn finality_recovery_needs_the_emergency_origin() {
	test(|| {
		run_to_block(5);
		for origin in [RuntimeOrigin::signed(1), RuntimeOrigin::none(), RuntimeOrigin::root()] {
			assert_noop!(
				Span::force_finality_recovery(origin, ids(&[3, 4]), 3, 0),
				DispatchError::BadOrigin
			);
		}
		assert!(ForcedChanges::get().is_empty());
		assert!(Excluded::<Test>::get().is_empty());
	});
}

#[test]
fn finality_recovery_forces_the_other_validators_and_records_the_exclusion() {
	test(|| {
		run_to_block(5);
		assert_ok!(Span::force_finality_recovery(
			RuntimeOrigin::signed(EMERGENCY),
			ids(&[3, 4]),
			3,
			2
		));
		assert_eq!(ForcedChanges::get(), vec![(vec![1, 2], 3, 2)]);
		assert_eq!(Span::excluded(), vec![3, 4]);
		assert!(span_events().contains(&Event::FinalityRecoveryForced {
			excluded: BoundedVec::truncate_from(vec![3, 4]),
			voters: 2,
			best_finalized: 3,
			enacted_at: 7,
		}));
		// Span 1 is fixed at block 9 without them; the hook of its start hears the exclusion.
		run_to_block(17);
		let span1 = Span::current_span().unwrap();
		assert_eq!(span1.validators.iter().map(|v| v.id).collect::<Vec<_>>(), vec![1, 2]);
		assert_eq!(ExcludedAtStart::get().last(), Some(&vec![3, 4]));
	});
}

#[test]
fn an_exclusion_after_the_next_span_is_fixed_still_reaches_its_start() {
	test(|| {
		run_to_block(12);
		assert!(Span::next_span().unwrap().validators.iter().any(|v| v.id == 4));
		assert_ok!(Span::force_finality_recovery(
			RuntimeOrigin::signed(EMERGENCY),
			ids(&[4]),
			10,
			0
		));
		run_to_block(17);
		assert_eq!(ExcludedAtStart::get().last(), Some(&vec![4]));
		run_to_block(41);
		assert!(Span::next_span().unwrap().validators.iter().all(|v| v.id != 4));
	});
}

#[test]
fn finality_recovery_refuses_bad_requests_and_writes_nothing() {
	test(|| {
		run_to_block(5);
		let emergency = || RuntimeOrigin::signed(EMERGENCY);
		assert_noop!(
			Span::force_finality_recovery(emergency(), ids(&[7]), 3, 0),
			Error::<Test>::NotInCurrentSpan
		);
		assert_noop!(
			Span::force_finality_recovery(emergency(), ids(&[1, 2, 3, 4]), 3, 0),
			Error::<Test>::NoVoterLeft
		);
		assert_noop!(
			Span::force_finality_recovery(emergency(), ids(&[4]), 5, 0),
			Error::<Test>::FinalizedNotInPast
		);
		assert_noop!(
			Span::force_finality_recovery(emergency(), ids(&[4]), 3, 33),
			Error::<Test>::DelayTooLong
		);
		for (refusal, error) in [
			(ForcedChangeError::ChangePending, Error::<Test>::ChangePending),
			(ForcedChangeError::TooSoon, Error::<Test>::ForcedChangeTooSoon),
			(ForcedChangeError::NoVoterLeft, Error::<Test>::NoVoterLeft),
			(ForcedChangeError::Unsupported, Error::<Test>::ForcedChangeUnsupported),
		] {
			ForceError::set(Some(refusal));
			assert_noop!(Span::force_finality_recovery(emergency(), ids(&[4]), 3, 0), error);
		}
		ForceError::set(None);
		assert!(Excluded::<Test>::get().is_empty());
		// Together with an earlier exclusion nobody would be left: refused by the pallet itself.
		assert_ok!(Span::force_finality_recovery(emergency(), ids(&[1, 2]), 3, 0));
		assert_noop!(
			Span::force_finality_recovery(emergency(), ids(&[3, 4]), 3, 0),
			Error::<Test>::NoVoterLeft
		);
		assert_eq!(ForcedChanges::get().len(), 1);
	});
}

#[test]
fn readmitted_validators_are_drawn_again() {
	test(|| {
		run_to_block(5);
		assert_ok!(Span::force_finality_recovery(
			RuntimeOrigin::signed(EMERGENCY),
			ids(&[3, 4]),
			3,
			0
		));
		assert_noop!(Span::readmit(RuntimeOrigin::signed(1), ids(&[3])), DispatchError::BadOrigin);
		assert_noop!(Span::readmit(RuntimeOrigin::root(), ids(&[1])), Error::<Test>::NotExcluded);
		assert_ok!(Span::readmit(RuntimeOrigin::root(), ids(&[3])));
		assert_eq!(Span::excluded(), vec![4]);
		run_to_block(9);
		let next = Span::next_span().unwrap();
		assert_eq!(next.validators.iter().map(|v| v.id).collect::<Vec<_>>(), vec![1, 2, 3]);
	});
}

// ----- Storage migration v0 → v1 -------------------------------------------------------------

#[test]
fn a_params_change_does_not_retime_spans_already_fixed() {
	test(|| {
		run_to_block(5);
		let before = Span::expected_authors(8).unwrap();
		let slower =
			SpanParams { producer_delay_ms: 9_000, backup_multiplier_ms: 3_000, ..DEV_PARAMS };
		assert_ok!(Span::set_params(RuntimeOrigin::root(), slower));
		assert_eq!(Span::expected_authors(8).unwrap(), before);
		// Span 1 is fixed at block 9, after the change: its first block waits the new delay.
		run_to_block(17);
		assert_eq!(Span::expected_authors(17).unwrap().authors[0].delay_ms, 9_000);
	});
}

#[test]
fn migration_to_v1_keeps_every_span_gives_it_the_delays_in_force_and_runs_once() {
	use crate::migrations::v1::{v0, MigrateV0ToV1};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		run_to_block(20);
		// Storage as version 0 wrote it.
		let stored: Vec<StoredSpan<Test>> = Spans::<Test>::iter_values().collect();
		assert!(stored.len() >= 2);
		for span in &stored {
			v0::Spans::<Test>::insert(span.id, v0::StoredSpanOf::<Test>::from(span));
		}
		StorageVersion::new(0).put::<Span>();
		Params::<Test>::mutate(|p| p.producer_delay_ms = 6_000);

		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Span::on_chain_storage_version(), StorageVersion::new(1));
		for before in &stored {
			let after = Spans::<Test>::get(before.id).unwrap();
			assert_eq!(
				(after.start_block, after.end_block, &after.validators, &after.producers),
				(before.start_block, before.end_block, &before.validators, &before.producers)
			);
			assert_eq!((after.producer_delay_ms, after.backup_multiplier_ms), (6_000, 1_000));
		}
		assert!(span_events()
			.contains(&Event::StorageMigrated { version: 1, spans: stored.len() as u32 }));
		Span::do_try_state().unwrap();

		// Once only: at version 1 it does nothing.
		System::reset_events();
		Params::<Test>::mutate(|p| p.producer_delay_ms = 7_000);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert!(span_events().is_empty());
		assert_eq!(Spans::<Test>::get(stored[0].id).unwrap().producer_delay_ms, 6_000);
	});
}

#[test]
fn genesis_stores_the_in_code_storage_version() {
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	test(|| assert_eq!(Span::on_chain_storage_version(), StorageVersion::new(1)));
}

// ----- Invariants are not vacuous ---------------------------------------------------------------

#[test]
fn try_state_detects_broken_invariants() {
	new_test_ext().execute_with(|| {
		run_to_block(10);
		assert_ok!(Span::do_try_state());
		let next = Spans::<Test>::get(1).unwrap();

		let mut gap = next.clone();
		gap.start_block += 1;
		Spans::<Test>::insert(1, gap);
		assert!(Span::do_try_state().is_err(), "non-contiguous spans");

		let mut stray = next.clone();
		stray.producers = BoundedVec::truncate_from(vec![0, 9]);
		Spans::<Test>::insert(1, stray);
		assert!(Span::do_try_state().is_err(), "producer outside the snapshot");

		Spans::<Test>::insert(1, next.clone());
		assert_ok!(Span::do_try_state());
		Spans::<Test>::remove(1);
		assert!(Span::do_try_state().is_err(), "next span missing after its fixing block");

		Spans::<Test>::insert(1, next.clone());
		let everyone: Vec<u64> = next.validators.iter().map(|v| v.id).collect();
		Excluded::<Test>::put(
			frame_support::BoundedBTreeSet::try_from(
				everyone.into_iter().collect::<std::collections::BTreeSet<_>>(),
			)
			.unwrap(),
		);
		assert!(Span::do_try_state().is_err(), "nobody left to finalize the next span");
		Excluded::<Test>::kill();
		assert_ok!(Span::do_try_state());

		let mut wrong_id = next;
		wrong_id.id = 5;
		Spans::<Test>::insert(2, wrong_id);
		assert!(Span::do_try_state().is_err(), "gap / wrong id");
	});
}

#[test]
fn equal_stake_adapter_gives_every_key_stake_one() {
	frame_support::parameter_types! {
		pub Keys: Vec<u64> = vec![7, 9];
	}
	assert_eq!(
		<EqualStake<Keys> as ValidatorSetProvider<u64, u64>>::active_validators(),
		vec![(7, 1, 7), (9, 1, 9)]
	);
}
