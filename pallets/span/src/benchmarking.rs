//! Benchmarks of the span pallet (frame_benchmarking v2).

use super::*;
use crate::{
	pallet::{CurrentSpanId, OldestSpanId, Pallet as Span, Params, Spans},
	types::ValidatorSetProvider,
};
use bttc_primitives::span::{SpanId, SpanParams};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::Get;
use frame_system::RawOrigin;

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
	fn set_params() {
		let params = params::<T>(T::MaxProducers::get());
		#[extrinsic_call]
		_(RawOrigin::Root, params);
		assert_eq!(Params::<T>::get(), params);
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
