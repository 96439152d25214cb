//! Benchmarks of the attestation pallet (frame_benchmarking v2).

use super::*;
use crate::{
	pallet::{Pallet as Attestation, Pending, Processed},
	types::BenchmarkHelper,
};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::Get;
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::H256;
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

/// Records `votes` votes for `report` by validator indices that hold no stake (they count 0
/// but are read by every tally), each in its slot `slot`: a voter's reports of different
/// keys must sit in different slots, as the dispatchable requires.
fn prefill<T: Config>(report: &ReportOf<T>, votes: u32, slot: u32) {
	for i in 0..votes {
		Attestation::<T>::do_report(report.clone(), u32::MAX.saturating_sub(i), slot);
	}
}

fn signed_report<T: Config>(
	who: &T::AuthorityId,
	report: &ReportOf<T>,
) -> Result<(BlockNumberFor<T>, <T::AuthorityId as RuntimeAppPublic>::Signature), BenchmarkError> {
	let until =
		frame_system::Pallet::<T>::block_number().saturating_add(T::MaxReportLifetime::get());
	let signature = who
		.sign(&Attestation::<T>::signing_payload(report, 0, until))
		.ok_or(BenchmarkError::Stop("cannot sign with the benchmark key"))?;
	Ok((until, signature))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The first vote on a key (it opens the key: expiry queue, counters), not reaching the
	/// threshold.
	#[benchmark]
	fn report_first() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let _whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		let small = T::BenchmarkHelper::add_validator(1);
		let r = report_of::<T>(1);
		let (until, signature) = signed_report::<T>(&small, &r)?;
		#[extrinsic_call]
		report(RawOrigin::None, r.clone(), 0, until, small, signature);
		assert!(Pending::<T>::contains_key(r.key()));
		Ok(())
	}

	/// A vote that does not reach the threshold, on a key with `v` votes already (the tally
	/// reads them all). The first vote on a key is `report_first`.
	#[benchmark]
	fn report(
		v: Linear<1, { T::MaxVotersPerKey::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let _whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		let small = T::BenchmarkHelper::add_validator(1);
		let r = report_of::<T>(1);
		prefill::<T>(&r, v, 0);
		let (until, signature) = signed_report::<T>(&small, &r)?;
		#[extrinsic_call]
		_(RawOrigin::None, r.clone(), 0, until, small, signature);
		assert!(Pending::<T>::contains_key(r.key()));
		Ok(())
	}

	/// The vote that reaches the threshold on a key with `v` votes and applies the event (a
	/// first vote that applies at once is charged `report_first` on top).
	#[benchmark]
	fn report_and_apply(
		v: Linear<1, { T::MaxVotersPerKey::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		let r = report_of::<T>(1);
		prefill::<T>(&r, v, 0);
		let (until, signature) = signed_report::<T>(&whale, &r)?;
		#[extrinsic_call]
		report(RawOrigin::None, r.clone(), 0, until, whale, signature);
		assert!(Processed::<T>::contains_key(r.key()));
		Ok(())
	}

	/// Expiring `n` pending keys with `v` votes each.
	#[benchmark]
	fn on_initialize(
		n: Linear<0, { T::MaxExpiriesPerBlock::get() }>,
		v: Linear<1, { T::MaxVotersPerKey::get() }>,
	) -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::clear_validators();
		let _whale = T::BenchmarkHelper::add_validator(1_000_000_000);
		for i in 0..n {
			prefill::<T>(&report_of::<T>(i), v, i);
		}
		let now: BlockNumberFor<T> =
			frame_system::Pallet::<T>::block_number().saturating_add(ReportTtl::<T>::get());
		#[block]
		{
			Attestation::<T>::expire_reports(now);
		}
		assert_eq!(PendingCount::<T>::get(), 0);
		Ok(())
	}

	impl_benchmark_test_suite!(Attestation, crate::mock::new_test_ext(), crate::mock::Test);
}
