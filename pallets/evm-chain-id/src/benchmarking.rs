//! Benchmarks of `pallet-bttc-evm-chain-id`: it has no dispatchables, so there is nothing to
//! measure; the module exists so the runtime's benchmark list stays uniform.

use crate::{Config, Pallet};
use frame_benchmarking::v2::*;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Reading the chain id, as `pallet-revive` does for every Ethereum transaction.
	#[benchmark]
	fn read_chain_id() {
		#[block]
		{
			let _ = <Pallet<T> as frame_support::traits::Get<u64>>::get();
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(1029), crate::mock::Test);
}
