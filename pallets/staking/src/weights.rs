//! Weights of the staking pallet.
//!
//! Hand-estimated upper bounds from the storage accesses of each path (RocksDB costs via
//! `T::DbWeight`) plus a computation term (secp256k1 public-key recovery, keccak-256, SCALE
//! encoding), pending a run of the benchmarks in `benchmarking.rs` on reference hardware
//! (`frame-omni-bencher v1 benchmark pallet --pallet pallet_bttc_staking`), whose output
//! replaces this file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of the staking pallet.
pub trait WeightInfo {
	/// `bind_session_keys` replacing bound keys of an active validator.
	fn bind_session_keys() -> Weight;
	/// `on_attested` applying one event and then removing `n` queued events (applied in
	/// order, or dropped with the validator).
	fn on_attested(n: u32) -> Weight;
}

/// Weights for a runtime using `T::DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn bind_session_keys() -> Weight {
		// Validators, BlockHash(0), 3 key indexes (checks), 3 old key indexes, TotalActivePower;
		// writes 3 removals + 3 inserts, Validators, TotalActivePower. Recovery ≈ 50 µs.
		Weight::from_parts(90_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn on_attested(n: u32) -> Weight {
		// Validators (+ counter), QueuedEvents, QueuedCount, ValidatorBySigner (2),
		// TotalActivePower; writes the same plus an event. Per queued event: the same again.
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(Weight::from_parts(30_000_000, 8_000).saturating_mul(n.into()))
			.saturating_add(
				T::DbWeight::get().reads(7_u64.saturating_add(6_u64.saturating_mul(n.into()))),
			)
			.saturating_add(
				T::DbWeight::get().writes(6_u64.saturating_add(6_u64.saturating_mul(n.into()))),
			)
	}
}

/// Same estimates with RocksDB costs, for tests and runtimes without their own.
impl WeightInfo for () {
	fn bind_session_keys() -> Weight {
		Weight::from_parts(90_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(9))
			.saturating_add(RocksDbWeight::get().writes(8))
	}
	fn on_attested(n: u32) -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(Weight::from_parts(30_000_000, 8_000).saturating_mul(n.into()))
			.saturating_add(
				RocksDbWeight::get().reads(7_u64.saturating_add(6_u64.saturating_mul(n.into()))),
			)
			.saturating_add(
				RocksDbWeight::get().writes(6_u64.saturating_add(6_u64.saturating_mul(n.into()))),
			)
	}
}
