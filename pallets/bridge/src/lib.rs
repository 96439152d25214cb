//! # Bridge pallet: deposits by state sync (Heimdall's `clerk`, Bor's state receiver)
//!
//! A deposit on a root chain (`RootChainManager.depositFor`) locks the tokens and makes the
//! root chain's `StateSender` emit `StateSynced(id, receiver, data)`. Validators attest the
//! event (2/3 + 1 of stake, once per event: the attestation pallet); this pallet then
//!
//! 1. **sequences** it: each root chain's state ids are taken in order, 1, 2, 3, … (an id
//!    attested ahead of a missing one waits in [`Waiting`] until the gap is filled), and each
//!    gets the next id of one **global, gap-free sequence** over every root chain
//!    ([`Records`], [`NextRecordId`]);
//! 2. **executes** the queued records in sequence order at the first block of the next
//!    sprint ([`Config::Sprints`]), at most [`Config::MaxExecutionsPerBlock`] per block (the
//!    rest in the following blocks): a `DEPOSIT` calls the mapped child token's
//!    `deposit(user, depositData)` on the EVM from the bridge's depositor address
//!    ([`Config::ChildTokens`]); a `MAP_TOKEN` is confirmed when governance made the same
//!    mapping;
//! 3. **keeps** every record with its status ([`RecordStatus`]): executed records are never
//!    executed again; a failed record (token not mapped yet, child token reverted, malformed
//!    message, wrong receiver) stays visible with its reason, and anyone may
//!    [`Pallet::retry`] it, e.g. after governance mapped the token.
//!
//! ## Token mappings
//!
//! Root token ↔ child token, per root chain, one to one ([`ChildTokenOf`], [`RootTokenOf`]),
//! changed only by [`Config::MappingOrigin`] (governance). A root chain's `MAP_TOKEN`
//! message maps nothing by itself: it only confirms a mapping governance made.
//!
//! ## Bounds
//!
//! Every record and waiting state sync was attested by 2/3 + 1 of stake, which bounds how
//! fast they arrive; [`Config::MaxSequencedPerBlock`] bounds the work of sequencing and
//! [`Config::MaxExecutionsPerBlock`] that of execution in one block. A record's data is at
//! most [`bttc_primitives::bridge::MAX_STATE_SYNC_DATA`] bytes.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use bttc_primitives::{
	bridge::{FailureReason, RecordStatus, StateSyncData, StateSyncRecord, StateSynced},
	traits::{ChildTokens, SprintSchedule},
};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::bridge";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use bttc_primitives::RootChainId;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::{H160, H256};
	use sp_runtime::SaturatedConversion;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Child tokens on the EVM and the depositor address (which is also the receiver the
		/// root chains' state syncs must name: `RootChainManager.childChainManager`).
		type ChildTokens: ChildTokens;
		/// The producers' sprints: records are executed at a sprint's first block.
		type Sprints: SprintSchedule;
		/// May change token mappings (governance).
		type MappingOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Most records executed in one block.
		#[pallet::constant]
		type MaxExecutionsPerBlock: Get<u32>;
		/// Most waiting state syncs moved into the sequence in one block or attestation.
		#[pallet::constant]
		type MaxSequencedPerBlock: Get<u32>;
		/// Weights.
		type WeightInfo: WeightInfo;
	}

	/// Per root chain, the last state id taken into the sequence (0 before any).
	#[pallet::storage]
	pub type LastStateId<T> = StorageMap<_, Twox64Concat, RootChainId, u64, ValueQuery>;

	/// State syncs attested ahead of a missing earlier id of their root chain.
	#[pallet::storage]
	pub type Waiting<T> =
		StorageDoubleMap<_, Twox64Concat, RootChainId, Twox64Concat, u64, StateSynced, OptionQuery>;

	/// Number of [`Waiting`] state syncs per root chain.
	#[pallet::storage]
	pub type WaitingCount<T> = StorageMap<_, Twox64Concat, RootChainId, u32, ValueQuery>;

	/// The global sequence: every attested state sync of every root chain, by record id.
	#[pallet::storage]
	pub type Records<T> = StorageMap<_, Twox64Concat, u64, StateSyncRecord, OptionQuery>;

	/// Id of the next record (= number of records).
	#[pallet::storage]
	pub type NextRecordId<T> = StorageValue<_, u64, ValueQuery>;

	/// Every record below this id was attempted; the ones from it on are queued.
	#[pallet::storage]
	pub type ExecutionHead<T> = StorageValue<_, u64, ValueQuery>;

	/// Whether the last execution stopped at the per-block bound with records left: they
	/// are executed in the next block, sprint start or not.
	#[pallet::storage]
	pub type ExecutionUnfinished<T> = StorageValue<_, bool, ValueQuery>;

	/// Record ids by root chain, root transaction and state id (deposit status lookups).
	#[pallet::storage]
	pub type RecordsByRootTx<T> = StorageNMap<
		_,
		(NMapKey<Twox64Concat, RootChainId>, NMapKey<Identity, H256>, NMapKey<Twox64Concat, u64>),
		u64,
		OptionQuery,
	>;

	/// Child token of each root token, per root chain.
	#[pallet::storage]
	pub type ChildTokenOf<T> =
		StorageDoubleMap<_, Twox64Concat, RootChainId, Identity, H160, H160, OptionQuery>;

	/// Root token of each child token, per root chain (the inverse of [`ChildTokenOf`]).
	#[pallet::storage]
	pub type RootTokenOf<T> =
		StorageDoubleMap<_, Twox64Concat, RootChainId, Identity, H160, H160, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Token mappings: `(root chain, root token, child token)`.
		pub mappings: alloc::vec::Vec<(RootChainId, H160, H160)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (chain, root_token, child_token) in &self.mappings {
				if let Err(e) = Pallet::<T>::do_map_token(*chain, *root_token, *child_token) {
					panic!("bridge genesis: mapping {root_token:?} of {chain:?}: {e:?}");
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// State sync `state_id` of `chain` became record `record_id`, queued for the next
		/// sprint start.
		StateSyncQueued { chain: RootChainId, state_id: u64, record_id: u64 },
		/// State sync `state_id` of `chain` was attested before `expected`; it waits for it.
		StateSyncWaiting { chain: RootChainId, state_id: u64, expected: u64 },
		/// State sync `state_id` of `chain` was attested again under another root
		/// transaction: the id is already taken, the copy is not executed.
		DuplicateStateSync { chain: RootChainId, state_id: u64, root_tx_hash: H256 },
		/// Record `record_id` minted its deposit: `child_token.deposit(user, …)` succeeded.
		DepositExecuted { record_id: u64, chain: RootChainId, child_token: H160, user: H160 },
		/// Record `record_id`, a root chain's `MAP_TOKEN`, matches governance's mapping.
		MappingConfirmed { record_id: u64, chain: RootChainId, root_token: H160, child_token: H160 },
		/// Record `record_id` failed for `reason`; it is kept and can be retried.
		RecordFailed { record_id: u64, reason: FailureReason },
		/// Governance mapped `root_token` of `chain` to `child_token`.
		TokenMapped { chain: RootChainId, root_token: H160, child_token: H160 },
		/// Governance removed the mapping of `root_token` of `chain`.
		TokenUnmapped { chain: RootChainId, root_token: H160, child_token: H160 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The root token or the child token is already mapped on this root chain: unmap it
		/// first.
		AlreadyMapped,
		/// This root token is not mapped on this root chain.
		NotMapped,
		/// Tokens are never the zero address.
		ZeroAddress,
		/// No record with this id: ids are below `NextRecordId`.
		UnknownRecord,
		/// Only a failed record can be retried; a queued one runs at the next sprint start
		/// and an executed one never runs again.
		NotFailed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let now = now.saturated_into();
			Self::sequence_waiting().saturating_add(Self::execute_queued(now))
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Maps `root_token` of root chain `chain` to the EVM contract `child_token`, which
		/// must let the depositor (`BridgeApi::depositor`) call `deposit(address, bytes)`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::map_token())]
		pub fn map_token(
			origin: OriginFor<T>,
			chain: RootChainId,
			root_token: H160,
			child_token: H160,
		) -> DispatchResult {
			T::MappingOrigin::ensure_origin(origin)?;
			Self::do_map_token(chain, root_token, child_token)?;
			Self::deposit_event(Event::TokenMapped { chain, root_token, child_token });
			Ok(())
		}

		/// Removes the mapping of `root_token` of root chain `chain`. Deposits of it then fail
		/// (and stay retryable) until it is mapped again.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unmap_token())]
		pub fn unmap_token(
			origin: OriginFor<T>,
			chain: RootChainId,
			root_token: H160,
		) -> DispatchResult {
			T::MappingOrigin::ensure_origin(origin)?;
			let child_token =
				ChildTokenOf::<T>::take(chain, root_token).ok_or(Error::<T>::NotMapped)?;
			RootTokenOf::<T>::remove(chain, child_token);
			Self::deposit_event(Event::TokenUnmapped { chain, root_token, child_token });
			Ok(())
		}

		/// Executes failed record `record_id` again (any signed account; it pays the fee).
		/// The record stays failed, with one more attempt, if it fails again.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::retry().saturating_add(T::ChildTokens::max_deposit_weight()))]
		pub fn retry(origin: OriginFor<T>, record_id: u64) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let record = Records::<T>::get(record_id).ok_or(Error::<T>::UnknownRecord)?;
			ensure!(matches!(record.status, RecordStatus::Failed { .. }), Error::<T>::NotFailed);
			let now = frame_system::Pallet::<T>::block_number().saturated_into();
			let used = Self::execute(record, now);
			Ok(Some(T::WeightInfo::retry().saturating_add(used)).into())
		}
	}
}
