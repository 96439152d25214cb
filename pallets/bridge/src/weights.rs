//! Weights of the bridge pallet.
//!
//! Hand-estimated upper bounds from the storage accesses of each path (RocksDB costs via
//! `T::DbWeight`) plus a computation term (signature check, hashing, tally of up to
//! `MaxValidators` voters), pending a run of the benchmarks in `benchmarking.rs` on reference
//! hardware (`frame-omni-bencher v1 benchmark pallet --pallet pallet_bttc_bridge`), whose
//! output replaces this file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of the bridge pallet.
pub trait WeightInfo {
	/// `report` that records a vote without reaching the threshold.
	fn report() -> Weight;
	/// `report` that reaches the threshold and applies the event (without the consumer's
	/// weight, which `OnAttested` returns).
	fn report_and_apply() -> Weight;
	/// `on_initialize` looking at `n` expiry-queue entries.
	fn on_initialize(n: u32) -> Weight;
}

/// Weights for a runtime using `T::DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn report() -> Weight {
		// Processed, stake_of (~2), total_stake (~1), Pending, PendingCount, BlockHash(0),
		// QueueTail; writes Pending, PendingCount, QueueTail, ExpiryQueue.
		Weight::from_parts(80_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn report_and_apply() -> Weight {
		// As `report`, plus Processed, ProcessedCount writes and removal of the pending key.
		Weight::from_parts(90_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	fn on_initialize(n: u32) -> Weight {
		// QueueHead, QueueTail; per entry: ExpiryQueue, Pending (take), PendingCount.
		Weight::from_parts(3_000_000, 1_000)
			.saturating_add(Weight::from_parts(10_000_000, 40_000).saturating_mul(n.into()))
			.saturating_add(
				T::DbWeight::get().reads(2_u64.saturating_add(3_u64.saturating_mul(n.into()))),
			)
			.saturating_add(
				T::DbWeight::get().writes(1_u64.saturating_add(3_u64.saturating_mul(n.into()))),
			)
	}
}

/// Same estimates with RocksDB costs, for tests and runtimes without their own.
impl WeightInfo for () {
	fn report() -> Weight {
		Weight::from_parts(80_000_000, 40_000)
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
	fn report_and_apply() -> Weight {
		Weight::from_parts(90_000_000, 40_000)
			.saturating_add(RocksDbWeight::get().reads(9))
			.saturating_add(RocksDbWeight::get().writes(6))
	}
	fn on_initialize(n: u32) -> Weight {
		Weight::from_parts(3_000_000, 1_000)
			.saturating_add(Weight::from_parts(10_000_000, 40_000).saturating_mul(n.into()))
			.saturating_add(
				RocksDbWeight::get().reads(2_u64.saturating_add(3_u64.saturating_mul(n.into()))),
			)
			.saturating_add(
				RocksDbWeight::get().writes(1_u64.saturating_add(3_u64.saturating_mul(n.into()))),
			)
	}
}
