//! Weights of the span pallet.
//!
//! Hand-estimated upper bounds from the storage accesses of each path (RocksDB costs via
//! `T::DbWeight`) plus a computation term, pending a run of the benchmarks in
//! `benchmarking.rs` on reference hardware (`frame-omni-bencher v1 benchmark pallet
//! --pallet pallet_bttc_span`), whose output replaces this file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of the span pallet.
pub trait WeightInfo {
	/// `set_params`.
	fn set_params() -> Weight;
	/// `on_initialize` when nothing happens (reads the current span id, span and next span).
	fn on_initialize_idle() -> Weight;
	/// Fixing the next span with `v` validators in the snapshot and `p` producers.
	fn fix_next_span(v: u32, p: u32) -> Weight;
	/// Rolling over to the next span, pruning `k` old spans.
	fn rollover(k: u32) -> Weight;
	/// `force_finality_recovery` excluding `v` validators.
	fn force_finality_recovery(v: u32) -> Weight;
	/// `readmit` of `v` validators.
	fn readmit(v: u32) -> Weight;
}

/// Weights for a runtime using `T::DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 1_500).saturating_add(T::DbWeight::get().writes(1))
	}
	fn on_initialize_idle() -> Weight {
		// CurrentSpanId, Spans(current), Spans(next) existence.
		Weight::from_parts(5_000_000, 10_000).saturating_add(T::DbWeight::get().reads(3))
	}
	fn fix_next_span(v: u32, p: u32) -> Weight {
		// Params, BlockHash, validator provider (estimated 1 read per validator), Spans write.
		Weight::from_parts(20_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_500_000, 200).saturating_mul(v.into()))
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64.saturating_add(v.into())))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn rollover(k: u32) -> Weight {
		// CurrentSpanId, OldestSpanId, one Spans removal per pruned span.
		Weight::from_parts(8_000_000, 1_000)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2_u64.saturating_add(k.into())))
	}
	fn force_finality_recovery(v: u32) -> Weight {
		// Block number, CurrentSpanId, Spans(current), Params, Excluded; the runtime's GRANDPA
		// change (authorities, PendingChange, NextForced, CurrentSetId).
		Weight::from_parts(30_000_000, 20_000)
			.saturating_add(Weight::from_parts(1_000_000, 100).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn readmit(v: u32) -> Weight {
		Weight::from_parts(10_000_000, 5_000)
			.saturating_add(Weight::from_parts(500_000, 100).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
}

/// Same estimates with RocksDB costs, for tests and runtimes without their own.
impl WeightInfo for () {
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 1_500).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(5_000_000, 10_000).saturating_add(RocksDbWeight::get().reads(3))
	}
	fn fix_next_span(v: u32, p: u32) -> Weight {
		Weight::from_parts(20_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_500_000, 200).saturating_mul(v.into()))
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(p.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64.saturating_add(v.into())))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn rollover(k: u32) -> Weight {
		Weight::from_parts(8_000_000, 1_000)
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(2_u64.saturating_add(k.into())))
	}
	fn force_finality_recovery(v: u32) -> Weight {
		// Block number, CurrentSpanId, Spans(current), Params, Excluded; the runtime's GRANDPA
		// change (authorities, PendingChange, NextForced, CurrentSetId).
		Weight::from_parts(30_000_000, 20_000)
			.saturating_add(Weight::from_parts(1_000_000, 100).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
	fn readmit(v: u32) -> Weight {
		Weight::from_parts(10_000_000, 5_000)
			.saturating_add(Weight::from_parts(500_000, 100).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
}
