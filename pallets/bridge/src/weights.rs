//! Weights of `pallet_bttc_bridge`.
//!
//! **Estimated, not measured yet**: storage reads and writes at the runtime's database costs
//! plus a fixed computation allowance per item (25 µs, above what the comparable measured
//! functions of the checkpoint and attestation pallets take). Its benchmarks have not been
//! run yet. The EVM work of a deposit is not in these: the runtime's `ChildTokens` charges it
//! (its gas limit).

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::Weight};

/// Weight functions of `pallet_bttc_bridge`: one per benchmark, of the same name and components.
pub trait WeightInfo {
	fn map_token() -> Weight;
	fn unmap_token() -> Weight;
	fn retry() -> Weight;
	fn execute() -> Weight;
	fn sequence(n: u32) -> Weight;
}

/// Computation allowance per item: 25 µs.
const ITEM_REF_TIME: u64 = 25_000_000;
/// Proof size allowance per record read: its maximal encoded length (~1.2 KB) and the map
/// overhead.
const RECORD_PROOF_SIZE: u64 = 1_300;

/// Estimated weights with the runtime's database costs (`T::DbWeight`).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// `ChildTokenOf`, `RootTokenOf`: r:2 w:2
	fn map_token() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, 200).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	/// `ChildTokenOf`, `RootTokenOf`: r:1 w:2
	fn unmap_token() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, 200).saturating_add(T::DbWeight::get().reads_writes(1, 2))
	}
	/// `Records`: r:1, then `execute`.
	fn retry() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, RECORD_PROOF_SIZE)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(Self::execute())
	}
	/// `Records` r:1 w:1, `ChildTokenOf` r:1, events.
	fn execute() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, RECORD_PROOF_SIZE)
			.saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	/// Per state sync: `LastStateId`, `Waiting`, `WaitingCount` r:3 w:3, `NextRecordId` r:1
	/// w:1, `Records` and `RecordsByRootTx` w:2.
	fn sequence(n: u32) -> Weight {
		let n = u64::from(n);
		Weight::from_parts(ITEM_REF_TIME.saturating_mul(n), RECORD_PROOF_SIZE.saturating_mul(n))
			.saturating_add(T::DbWeight::get().reads_writes(4 * n, 6 * n))
	}
}

impl WeightInfo for () {
	fn map_token() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, 0)
	}
	fn unmap_token() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, 0)
	}
	fn retry() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, 0)
	}
	fn execute() -> Weight {
		Weight::from_parts(ITEM_REF_TIME, 0)
	}
	fn sequence(n: u32) -> Weight {
		Weight::from_parts(ITEM_REF_TIME.saturating_mul(n.into()), 0)
	}
}
