//! Weights of the checkpoint pallet.
//!
//! Hand-estimated upper bounds from the storage accesses of each path (costs via
//! `T::DbWeight`) plus a computation term (secp256k1 recovery, keccak-256), pending a run of
//! the benchmarks in `benchmarking.rs` on reference hardware, whose output replaces this file.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// Weight functions of the checkpoint pallet.
pub trait WeightInfo {
	/// `sign` on a checkpoint with `v` signatures (the tally reads them).
	fn sign(v: u32) -> Weight;
	/// Proposing a checkpoint of `l` blocks (reads `l` leaves, hashes the tree).
	fn propose(l: u32) -> Weight;
	/// A no-ack dropping a checkpoint with `v` signatures and rotating the proposer.
	fn no_ack(v: u32) -> Weight;
	/// An ack of `l` blocks (checks the root against `l` leaves, rotates the proposer).
	fn on_ack(l: u32) -> Weight;
	/// Pruning `n` leaves.
	fn prune_leaves(n: u32) -> Weight;
}

fn sign(db: RuntimeDbWeight, v: u32) -> Weight {
	// Pending, Signatures (check), staking signer lookup (2), total stake, tally (v reads);
	// recovery ~50 µs, keccak.
	Weight::from_parts(70_000_000, 4_000)
		.saturating_add(Weight::from_parts(1_000_000, 100).saturating_mul(v.into()))
		.saturating_add(db.reads(5_u64.saturating_add(v.into())))
		.saturating_add(db.writes(1))
}

fn tree(db: RuntimeDbWeight, l: u32) -> Weight {
	// `l` leaf reads and ~2·l keccak-256 of 64 bytes.
	Weight::from_parts(10_000_000, 2_000)
		.saturating_add(Weight::from_parts(3_000_000, 40).saturating_mul(l.into()))
		.saturating_add(db.reads(l.into()))
}

fn rotation(db: RuntimeDbWeight) -> Weight {
	// Active set (up to 128 validators), priorities rewritten.
	Weight::from_parts(20_000_000, 8_000).saturating_add(db.reads_writes(130, 130))
}

fn propose(db: RuntimeDbWeight, l: u32) -> Weight {
	tree(db, l).saturating_add(db.reads_writes(4, 2))
}

fn no_ack(db: RuntimeDbWeight, v: u32) -> Weight {
	rotation(db).saturating_add(db.writes(1_u64.saturating_add(v.into())))
}

fn on_ack(db: RuntimeDbWeight, l: u32) -> Weight {
	tree(db, l).saturating_add(rotation(db)).saturating_add(db.reads_writes(4, 5))
}

fn prune_leaves(db: RuntimeDbWeight, n: u32) -> Weight {
	db.reads(4).saturating_add(db.writes(1_u64.saturating_add(n.into())))
}

/// Weights for a runtime using `T::DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn sign(v: u32) -> Weight {
		sign(T::DbWeight::get(), v)
	}
	fn propose(l: u32) -> Weight {
		propose(T::DbWeight::get(), l)
	}
	fn no_ack(v: u32) -> Weight {
		no_ack(T::DbWeight::get(), v)
	}
	fn on_ack(l: u32) -> Weight {
		on_ack(T::DbWeight::get(), l)
	}
	fn prune_leaves(n: u32) -> Weight {
		prune_leaves(T::DbWeight::get(), n)
	}
}

/// Same estimates with RocksDB costs, for tests and runtimes without their own.
impl WeightInfo for () {
	fn sign(v: u32) -> Weight {
		sign(RocksDbWeight::get(), v)
	}
	fn propose(l: u32) -> Weight {
		propose(RocksDbWeight::get(), l)
	}
	fn no_ack(v: u32) -> Weight {
		no_ack(RocksDbWeight::get(), v)
	}
	fn on_ack(l: u32) -> Weight {
		on_ack(RocksDbWeight::get(), l)
	}
	fn prune_leaves(n: u32) -> Weight {
		prune_leaves(RocksDbWeight::get(), n)
	}
}
