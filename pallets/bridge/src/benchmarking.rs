//! Benchmarks of the bridge pallet (frame_benchmarking v2).

use super::*;
use crate::{
	pallet::{Pallet as Bridge, Pending, Processed},
	types::{BenchmarkHelper, Report},
};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::Get;
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{traits::Saturating, RuntimeAppPublic};

fn report_of<T: Config>(i: u32) -> ReportOf<T> {
	let mut tx = [0u8; 32];
	tx[..4].copy_from_slice(&i.to_le_bytes());
	Report {
		chain: bttc_primitives::RootChainId::Tron,
		tx_hash: H256(tx),
		log_index: u64::from(i),
		block_number: 1,
		event: T::BenchmarkHelper::event(i),
	}
}

/// Records `votes` votes by fake validator indices (stake 1 each) for `report`.
fn prefill<T: Config>(report: &ReportOf<T>, votes: u32) -> Result<(), BenchmarkError> {
	for i in 0..votes {
		Bridge::<T>::do_report(report.clone(), u32::MAX.saturating_sub(i), 1)
			.map_err(|_| BenchmarkError::Stop("prefill failed"))?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A vote that does not reach the threshold, on a key with `MaxValidators - 2` votes.
	#[benchmark]
	fn report() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let _whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		let small = T::BenchmarkHelper::add_validator(1);
		let r = report_of::<T>(1);
		prefill::<T>(&r, T::MaxValidators::get().saturating_sub(2))?;
		let sig =
			small.sign(&Bridge::<T>::signing_payload(&r)).ok_or(BenchmarkError::Stop("sign"))?;
		#[extrinsic_call]
		_(RawOrigin::None, r.clone(), small, sig);
		assert!(Pending::<T>::contains_key(r.key()));
		Ok(())
	}

	/// The vote that reaches the threshold and applies the event.
	#[benchmark]
	fn report_and_apply() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		let r = report_of::<T>(1);
		prefill::<T>(&r, T::MaxValidators::get().saturating_sub(1))?;
		let sig =
			whale.sign(&Bridge::<T>::signing_payload(&r)).ok_or(BenchmarkError::Stop("sign"))?;
		#[extrinsic_call]
		report(RawOrigin::None, r.clone(), whale, sig);
		assert!(Processed::<T>::contains_key(r.key()));
		Ok(())
	}

	/// Expiring `n` pending keys.
	#[benchmark]
	fn on_initialize(
		n: Linear<0, { T::MaxExpiriesPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let _whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		let n = n.min(T::MaxPending::get());
		for i in 0..n {
			prefill::<T>(&report_of::<T>(i), 1)?;
		}
		let now: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number().saturating_add(T::ReportTtl::get());
		#[block]
		{
			Bridge::<T>::expire_reports(now);
		}
		assert_eq!(PendingCount::<T>::get(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Bridge, crate::mock::new_test_ext(), crate::mock::Test);
}
