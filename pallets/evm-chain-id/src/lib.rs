//! # EVM chain id
//!
//! The EIP-155 chain id of a BTTC chain. Ethereum wallets sign it into every transaction, so
//! it must differ between networks (BTTC mainnet uses 199, its testnet 1029) and be fixed for a
//! chain's lifetime: it is set once, by the chain spec's genesis, and has no dispatchable to
//! change it. A chain id of 0 is refused at genesis (EIP-155 signatures need a real id). A
//! genesis that leaves it out gets [`Config::DefaultChainId`] (the runtime sets its dev id), so
//! the runtime's default genesis and empty test storage still have a valid id.
//!
//! The runtime hands [`Pallet`] to `pallet_revive::Config::ChainId`, which reads it through
//! [`Get<u64>`](frame_support::traits::Get); `eth_chainId` and transaction validation follow.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::BlockNumberFor;

	/// The in-code storage version; a change of storage layout raises it, with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The chain id used when genesis does not set one; must not be 0.
		#[pallet::constant]
		type DefaultChainId: Get<u64>;
	}

	/// The EIP-155 chain id; written only at genesis.
	#[pallet::storage]
	pub type ChainId<T: Config> = StorageValue<_, u64, ValueQuery, T::DefaultChainId>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The chain id; must not be 0.
		pub chain_id: u64,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { chain_id: T::DefaultChainId::get(), _config: Default::default() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// Genesis is built off-chain from the chain spec: refusing here stops a node
			// operator from starting a chain whose Ethereum signatures would not be replay-safe.
			assert!(self.chain_id != 0, "evmChainId.chainId must be set in the chain spec (EIP-155 needs a non-zero chain id)");
			ChainId::<T>::put(self.chain_id);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::DefaultChainId::get() != 0, "DefaultChainId must not be 0");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}
