//! Benchmarks of the span pallet (frame_benchmarking v2).

use super::*;
use crate::{
	pallet::{CurrentSpanId, Excluded, OldestSpanId, Pallet as Span, Params, Spans},
	types::ValidatorSetProvider,
};
use alloc::vec::Vec;
use bttc_primitives::span::{SpanId, SpanParams};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::Get;
use frame_support::{pallet_prelude::BoundedVec, traits::EnsureOrigin};

/// Valid parameters with `producer_count` producers and the smallest spans.
fn params<T: Config>(producer_count: u32) -> SpanParams {
	SpanParams {
		span_length: 2,
		sprint_length: 1,
		producer_count: producer_count.max(1),
		first_span_length: 2,
		producer_delay_ms: 2_000,
		backup_multiplier_ms: 1_000,
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = params::<T>(T::MaxProducers::get());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// Excluding `v` of the current span's `v + 1` validators and forcing the finality set.
	#[benchmark]
	fn force_finality_recovery(
		v: Linear<1, { T::MaxValidators::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		let origin =
			T::EmergencyOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		T::ValidatorSet::set_validators_for_benchmark(v.saturating_add(1));
		let (validators, producers) =
			Span::<T>::select([7; 32], 1).map_err(|_| BenchmarkError::Stop("no validators"))?;
		let id = CurrentSpanId::<T>::get().ok_or(BenchmarkError::Stop("no genesis span"))?;
		let mut current = Spans::<T>::get(id).ok_or(BenchmarkError::Stop("no genesis span"))?;
		let excluded: Vec<T::ValidatorId> =
			validators.iter().take(v as usize).map(|v| v.id.clone()).collect();
		current.validators = validators;
		current.producers = producers;
		let at = current.start_block.max(1);
		Spans::<T>::insert(id, current);
		frame_system::Pallet::<T>::set_block_number(at.saturating_add(1).into());
		let excluded = BoundedVec::truncate_from(excluded);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, excluded, at, 0);
		assert_eq!(Excluded::<T>::get().len(), v as usize);
		Ok(())
	}

	/// Readmitting `v` excluded validators.
	#[benchmark]
	fn readmit(v: Linear<1, { T::MaxValidators::get() }>) -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		T::ValidatorSet::set_validators_for_benchmark(v);
		let (validators, _) =
			Span::<T>::select([7; 32], 1).map_err(|_| BenchmarkError::Stop("no validators"))?;
		let ids: Vec<T::ValidatorId> = validators.iter().map(|v| v.id.clone()).collect();
		let set: alloc::collections::BTreeSet<T::ValidatorId> = ids.iter().cloned().collect();
		Excluded::<T>::put(
			frame_support::BoundedBTreeSet::try_from(set)
				.map_err(|_| BenchmarkError::Stop("more validators than MaxValidators"))?,
		);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, BoundedVec::truncate_from(ids));
		assert!(Excluded::<T>::get().is_empty());
		Ok(())
	}

	#[benchmark]
	fn on_initialize_idle() {
		let current = CurrentSpanId::<T>::get().and_then(Spans::<T>::get);
		// A block inside the current span before its fixing block: nothing to do.
		let n = current.map(|s| s.start_block).unwrap_or(1);
		#[block]
		{
			Span::<T>::do_on_initialize(n.into());
		}
	}

	/// Fixing the next span from `v` validators, drawing `p` producers (`p < v` so the draws
	/// run rather than the select-everyone shortcut).
	#[benchmark]
	fn fix_next_span(
		v: Linear<2, { T::MaxValidators::get() }>,
		p: Linear<1, { T::MaxProducers::get() }>,
	) -> Result<(), BenchmarkError> {
		T::ValidatorSet::set_validators_for_benchmark(v);
		Params::<T>::put(params::<T>(p.min(v.saturating_sub(1))));
		let current = CurrentSpanId::<T>::get()
			.and_then(Spans::<T>::get)
			.ok_or(BenchmarkError::Stop("no genesis span"))?;
		let next_id: SpanId = current.id.saturating_add(1);
		Spans::<T>::remove(next_id);
		let now = current.fix_next_at();
		#[block]
		{
			Span::<T>::fix_next_span(&current, now);
		}
		assert!(Spans::<T>::contains_key(next_id));
		Ok(())
	}

	/// Rolling over and pruning `k` past spans.
	#[benchmark]
	fn rollover(k: Linear<0, 8>) -> Result<(), BenchmarkError> {
		let current = CurrentSpanId::<T>::get()
			.and_then(Spans::<T>::get)
			.ok_or(BenchmarkError::Stop("no genesis span"))?;
		// Store `MaxSpanHistory + k` past copies so `k` of them are pruned.
		let history = SpanId::from(T::MaxSpanHistory::get()).saturating_add(k.into());
		let base = current.id;
		let mut span = current;
		for i in 0..=history {
			let id = base.saturating_add(i);
			span.id = id;
			Spans::<T>::insert(id, span.clone());
		}
		OldestSpanId::<T>::put(base);
		let next_id = base.saturating_add(history).saturating_add(1);
		span.id = next_id;
		Spans::<T>::insert(next_id, span);
		#[block]
		{
			Span::<T>::rollover_to(next_id);
		}
		assert_eq!(CurrentSpanId::<T>::get(), Some(next_id));
		assert_eq!(
			OldestSpanId::<T>::get(),
			next_id.saturating_sub(T::MaxSpanHistory::get().into())
		);
		Ok(())
	}

	impl_benchmark_test_suite!(Span, crate::mock::new_test_ext(), crate::mock::Test);
}
