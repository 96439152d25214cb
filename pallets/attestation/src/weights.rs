//! Weights of the attestation pallet.
//!
//! Hand-estimated upper bounds from the storage accesses of each path (costs via
//! `T::DbWeight`) plus a computation term (signature check, hashing), pending a run of the
//! benchmarks in `benchmarking.rs` on reference hardware, whose output replaces this file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of the attestation pallet.
pub trait WeightInfo {
	/// `report` that records a vote on a key with `v` votes without reaching the threshold
	/// (the tally reads `v` votes and stakes).
	fn report(v: u32) -> Weight;
	/// `report` that reaches the threshold on a key with `v` votes and applies the event
	/// (without the consumer's weight, which `OnAttested` returns).
	fn report_and_apply(v: u32) -> Weight;
	/// `on_initialize` looking at `n` expiry-queue entries of keys with up to `v` votes each.
	fn on_initialize(n: u32, v: u32) -> Weight;
}

fn report_weight(db: frame_support::weights::RuntimeDbWeight, v: u32) -> Weight {
	// Processed, BlockHash(0), stake_of (2), Votes, Slots, Pending, Contents, total stake,
	// and per vote: Votes entry + stake (2); writes Pending, Contents, Votes, Slots, queue (3).
	Weight::from_parts(80_000_000, 8_000)
		.saturating_add(Weight::from_parts(2_000_000, 200).saturating_mul(v.into()))
		.saturating_add(db.reads(9_u64.saturating_add(2_u64.saturating_mul(v.into()))))
		.saturating_add(db.writes(7))
}

fn apply_weight(db: frame_support::weights::RuntimeDbWeight, v: u32) -> Weight {
	// As `report`, then per vote its Votes and Slots removal; Contents (≤ v), Pending, queue,
	// PendingCount, Processed, ProcessedCount.
	report_weight(db, v)
		.saturating_add(Weight::from_parts(10_000_000, 1_000))
		.saturating_add(db.reads(2))
		.saturating_add(db.writes(6_u64.saturating_add(3_u64.saturating_mul(v.into()))))
}

fn on_initialize_weight(db: frame_support::weights::RuntimeDbWeight, n: u32, v: u32) -> Weight {
	// QueueHead, QueueTail; per entry: the queue entry, a tally of up to `v` votes per content
	// (at most `v` contents), and the removal of its votes, slots and contents.
	let per_entry = Weight::from_parts(10_000_000, 2_000)
		.saturating_add(Weight::from_parts(2_000_000, 200).saturating_mul(v.into()))
		.saturating_add(db.reads(3_u64.saturating_add(3_u64.saturating_mul(v.into()))))
		.saturating_add(db.writes(3_u64.saturating_add(3_u64.saturating_mul(v.into()))));
	Weight::from_parts(3_000_000, 1_000)
		.saturating_add(db.reads(2))
		.saturating_add(db.writes(1))
		.saturating_add(per_entry.saturating_mul(n.into()))
}

/// Weights for a runtime using `T::DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn report(v: u32) -> Weight {
		report_weight(T::DbWeight::get(), v)
	}
	fn report_and_apply(v: u32) -> Weight {
		apply_weight(T::DbWeight::get(), v)
	}
	fn on_initialize(n: u32, v: u32) -> Weight {
		on_initialize_weight(T::DbWeight::get(), n, v)
	}
}

/// Same estimates with RocksDB costs, for tests and runtimes without their own.
impl WeightInfo for () {
	fn report(v: u32) -> Weight {
		report_weight(RocksDbWeight::get(), v)
	}
	fn report_and_apply(v: u32) -> Weight {
		apply_weight(RocksDbWeight::get(), v)
	}
	fn on_initialize(n: u32, v: u32) -> Weight {
		on_initialize_weight(RocksDbWeight::get(), n, v)
	}
}
