//! Benchmarks of the checkpoint pallet (frame_benchmarking v2): a signature on a checkpoint
//! with `v` signatures, a proposal and an ack of `l` blocks, a no-ack, leaf pruning.

use super::*;
use crate::{
	pallet::{Leaves, Pallet as Checkpoint, Pending, Signatures, StreamStates, Streams},
	types::BenchmarkHelper,
};
use bttc_primitives::{BlockNumber, RootChainId};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::Get;
use frame_system::RawOrigin;
use sp_core::H256;

const CHAIN: RootChainId = RootChainId::Tron;

fn set_block<T: Config>(n: BlockNumber) {
	frame_system::Pallet::<T>::set_block_number(n.into());
}

/// One stream (`CHAIN`) from block 1 cutting checkpoints of exactly `length` blocks, no-ack
/// after 10 blocks, with `validators` signers and the leaves of blocks `1..=length`.
fn stream_of<T: Config>(length: u32, validators: u32) {
	let _ = Streams::<T>::clear(u32::MAX, None);
	let _ = StreamStates::<T>::clear(u32::MAX, None);
	let _ = Pending::<T>::clear(u32::MAX, None);
	let _ = Signatures::<T>::clear(u32::MAX, None);
	T::BenchmarkHelper::set_signers(validators);
	set_block::<T>(0);
	let params = StreamParams {
		first_block: 1,
		buffer_blocks: 10,
		min_length: length,
		avg_length: length,
		max_length: length,
	};
	Checkpoint::<T>::start_stream(CHAIN, params);
	for n in 1..=length {
		Leaves::<T>::insert(n, H256::repeat_byte(n as u8));
	}
}

/// `stream_of`, then the checkpoint of blocks `1..=length` proposed at block `length + 1`.
fn pending_of<T: Config>(length: u32, validators: u32) -> Result<u64, BenchmarkError> {
	stream_of::<T>(length, validators);
	let now = length.saturating_add(1);
	set_block::<T>(now);
	Checkpoint::<T>::run_streams(now);
	Pending::<T>::get(CHAIN).map(|p| p.id).ok_or(BenchmarkError::Stop("no checkpoint proposed"))
}

/// Signs the pending checkpoint by signers `0..count`, checked as the dispatchable does.
fn presign<T: Config>(id: u64, count: u32) -> Result<(), BenchmarkError> {
	let pending = Pending::<T>::get(CHAIN).ok_or(BenchmarkError::Stop("nothing pending"))?;
	let digest = pending.checkpoint.digest(T::ChildChainId::get());
	for i in 0..count {
		let signature = T::BenchmarkHelper::sign(i, &digest);
		let (validator, signer) = Checkpoint::<T>::check_signature(CHAIN, id, &signature)
			.map_err(|_| BenchmarkError::Stop("a benchmark signature was refused"))?;
		Checkpoint::<T>::do_sign(CHAIN, id, validator, signature, signer);
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A signature on a checkpoint `v` validators signed already (the tally reads them all).
	#[benchmark]
	fn sign(
		v: Linear<0, { T::MaxValidators::get().saturating_sub(1) }>,
	) -> Result<(), BenchmarkError> {
		let validators = T::MaxValidators::get();
		let id = pending_of::<T>(4, validators)?;
		presign::<T>(id, v)?;
		let digest = Pending::<T>::get(CHAIN)
			.ok_or(BenchmarkError::Stop("nothing pending"))?
			.checkpoint
			.digest(T::ChildChainId::get());
		let signature = T::BenchmarkHelper::sign(validators.saturating_sub(1), &digest);
		#[extrinsic_call]
		_(RawOrigin::None, CHAIN, id, signature);
		assert_eq!(Signatures::<T>::iter_prefix(CHAIN).count() as u32, v.saturating_add(1));
		Ok(())
	}

	/// Proposing a checkpoint of `l` blocks.
	#[benchmark]
	fn propose(l: Linear<1, { T::MaxLength::get() }>) -> Result<(), BenchmarkError> {
		stream_of::<T>(l, T::MaxValidators::get());
		let now = l.saturating_add(1);
		set_block::<T>(now);
		#[block]
		{
			Checkpoint::<T>::run_streams(now);
		}
		assert!(Pending::<T>::contains_key(CHAIN));
		Ok(())
	}

	/// Dropping a checkpoint with `v` signatures after its buffer (and proposing the next).
	#[benchmark]
	fn no_ack(v: Linear<0, { T::MaxValidators::get() }>) -> Result<(), BenchmarkError> {
		let length = 4;
		let id = pending_of::<T>(length, T::MaxValidators::get())?;
		presign::<T>(id, v)?;
		let now = length.saturating_add(1).saturating_add(10);
		set_block::<T>(now);
		#[block]
		{
			Checkpoint::<T>::run_streams(now);
		}
		assert!(Pending::<T>::get(CHAIN).is_some_and(|p| p.id != id));
		Ok(())
	}

	/// The ack of a checkpoint of `l` blocks (its root checked against the leaves).
	#[benchmark]
	fn on_ack(l: Linear<1, { T::MaxLength::get() }>) -> Result<(), BenchmarkError> {
		pending_of::<T>(l, T::MaxValidators::get())?;
		let checkpoint =
			Pending::<T>::get(CHAIN).ok_or(BenchmarkError::Stop("nothing pending"))?.checkpoint;
		let ack = CheckpointAck {
			header_block_id: 1,
			proposer: checkpoint.proposer,
			start: checkpoint.start,
			end: checkpoint.end,
			root: checkpoint.root_hash,
		};
		#[block]
		{
			Checkpoint::<T>::on_ack(CHAIN, ack);
		}
		assert!(!Pending::<T>::contains_key(CHAIN));
		Ok(())
	}

	/// Pruning `n` leaves below every stream's next start.
	#[benchmark]
	fn prune_leaves(n: Linear<0, { T::MaxLeafPruning::get() }>) -> Result<(), BenchmarkError> {
		let length = T::MaxLeafPruning::get().saturating_add(1);
		stream_of::<T>(length, 1);
		let mut state = StreamStates::<T>::get(CHAIN).ok_or(BenchmarkError::Stop("no stream"))?;
		state.next_start = u64::from(n);
		StreamStates::<T>::insert(CHAIN, state);
		let now = length.saturating_add(1);
		set_block::<T>(now);
		#[block]
		{
			Checkpoint::<T>::prune_leaves(now);
		}
		assert_eq!(crate::pallet::LeavesFrom::<T>::get(), n);
		Ok(())
	}

	impl_benchmark_test_suite!(Checkpoint, crate::mock::new_test_ext(), crate::mock::Test);
}
