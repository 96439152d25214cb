//! The chain id as a `Get<u64>` and the pallet's invariants.

use crate::{ChainId, Config, Pallet};
use frame_support::traits::Get;

impl<T: Config> Get<u64> for Pallet<T> {
	fn get() -> u64 {
		ChainId::<T>::get()
	}
}

impl<T: Config> Pallet<T> {
	/// Invariant: a chain always has a non-zero chain id (genesis refuses 0, nothing writes it
	/// afterwards). Public so runtime tests check it on every preset.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		frame_support::ensure!(ChainId::<T>::get() != 0, "EVM chain id is 0");
		Ok(())
	}
}
