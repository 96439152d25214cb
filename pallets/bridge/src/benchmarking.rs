//! Benchmarks of the bridge pallet (frame_benchmarking v2): a mapping made and removed, a
//! record executed and retried, `n` state syncs sequenced.
//!
//! Execution is measured as the pallet's own work, with the largest deposit data a record
//! holds: the child token's EVM work is charged apart, by the weight `ChildTokens::deposit`
//! reports (in the runtime the benchmark's child token has no code, so that call returns at
//! once).

use super::*;
use crate::pallet::{
	ExecutionHead, LastStateId, Pallet as Bridge, Records, RootTokenOf, Waiting, WaitingCount,
};
use alloc::vec;
use bttc_primitives::{
	bridge::{encode_message, BridgeMessage, MAX_STATE_SYNC_DATA},
	RootChainId,
};
use frame_benchmarking::v2::*;
use frame_support::{pallet_prelude::Get, traits::EnsureOrigin};
use frame_system::RawOrigin;
use sp_core::{H160, H256};

const CHAIN: RootChainId = RootChainId::Tron;

fn root_token() -> H160 {
	H160::repeat_byte(0xb1)
}

fn child_token() -> H160 {
	H160::repeat_byte(0xc1)
}

/// A deposit of `root_token()` with the most deposit data that keeps the message within
/// [`MAX_STATE_SYNC_DATA`] (800 bytes), as state sync `state_id`.
fn deposit_sync<T: Config>(state_id: u64) -> Result<StateSynced, BenchmarkError> {
	let message = encode_message(&BridgeMessage::Deposit {
		user: H160::repeat_byte(0x42),
		root_token: root_token(),
		deposit_data: vec![7u8; 800],
	});
	let data = StateSyncData::from_bytes(&message);
	if !matches!(data, StateSyncData::Bytes(_)) || message.len() > MAX_STATE_SYNC_DATA as usize {
		return Err(BenchmarkError::Stop("the benchmark deposit is oversized"));
	}
	Ok(StateSynced {
		state_id,
		receiver: T::ChildTokens::depositor(),
		data,
		root_tx_hash: H256::from_low_u64_be(state_id),
	})
}

/// State sync 1 of `CHAIN` sequenced as the next record: its id.
fn queued<T: Config>() -> Result<u64, BenchmarkError> {
	let id = crate::pallet::NextRecordId::<T>::get();
	let next_state = LastStateId::<T>::get(CHAIN).saturating_add(1);
	Bridge::<T>::on_state_synced(CHAIN, deposit_sync::<T>(next_state)?);
	Records::<T>::contains_key(id).then_some(id).ok_or(BenchmarkError::Stop("not sequenced"))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn map_token() -> Result<(), BenchmarkError> {
		let origin =
			T::MappingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN, root_token(), child_token());
		assert_eq!(RootTokenOf::<T>::get(CHAIN, child_token()), Some(root_token()));
		Ok(())
	}

	#[benchmark]
	fn unmap_token() -> Result<(), BenchmarkError> {
		Bridge::<T>::do_map_token(CHAIN, root_token(), child_token())
			.map_err(|_| BenchmarkError::Stop("mapping refused"))?;
		let origin =
			T::MappingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, CHAIN, root_token());
		assert!(!RootTokenOf::<T>::contains_key(CHAIN, child_token()));
		Ok(())
	}

	/// A queued deposit executed: decoded, its mapping read, the child token called, the
	/// record rewritten.
	#[benchmark]
	fn execute() -> Result<(), BenchmarkError> {
		Bridge::<T>::do_map_token(CHAIN, root_token(), child_token())
			.map_err(|_| BenchmarkError::Stop("mapping refused"))?;
		let id = queued::<T>()?;
		let record = Records::<T>::get(id).ok_or(BenchmarkError::Stop("no record"))?;
		#[block]
		{
			Bridge::<T>::execute(record, 1);
		}
		let status = Records::<T>::get(id).map(|record| record.status);
		assert!(!matches!(status, Some(RecordStatus::Queued) | None));
		Ok(())
	}

	/// A deposit that failed (its token was not mapped yet) retried after the mapping.
	#[benchmark]
	fn retry() -> Result<(), BenchmarkError> {
		let id = queued::<T>()?;
		let record = Records::<T>::get(id).ok_or(BenchmarkError::Stop("no record"))?;
		Bridge::<T>::execute(record, 1);
		ExecutionHead::<T>::put(id.saturating_add(1));
		Bridge::<T>::do_map_token(CHAIN, root_token(), child_token())
			.map_err(|_| BenchmarkError::Stop("mapping refused"))?;
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);
		match Records::<T>::get(id).map(|record| record.status) {
			Some(RecordStatus::Failed { attempts, .. }) => assert_eq!(attempts, 2, "retried"),
			Some(RecordStatus::Executed { .. }) => {}
			_ => return Err(BenchmarkError::Stop("the retried record is queued or gone")),
		}
		Ok(())
	}

	/// An attested state sync that fills a gap: it and the `n - 1` waiting behind it are
	/// sequenced.
	#[benchmark]
	fn sequence(
		n: Linear<1, { T::MaxSequencedPerBlock::get().saturating_add(1) }>,
	) -> Result<(), BenchmarkError> {
		let first = LastStateId::<T>::get(CHAIN).saturating_add(1);
		for offset in 1..u64::from(n) {
			let state_id = first.saturating_add(offset);
			Waiting::<T>::insert(CHAIN, state_id, deposit_sync::<T>(state_id)?);
			WaitingCount::<T>::mutate(CHAIN, |count| *count = count.saturating_add(1));
		}
		let sync = deposit_sync::<T>(first)?;
		#[block]
		{
			Bridge::<T>::on_state_synced(CHAIN, sync);
		}
		assert_eq!(LastStateId::<T>::get(CHAIN), first.saturating_add(u64::from(n) - 1));
		Ok(())
	}

	impl_benchmark_test_suite!(Bridge, crate::mock::new_test_ext(), crate::mock::Test);
}
