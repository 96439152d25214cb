//! # Span pallet (Heimdall's `bor` module)
//!
//! Keeps the **spans** of the BTTC sidechain: ranges of blocks, each with a snapshot of the
//! validator set (id, stake, authoring key) and the **producers** selected for it. Only a
//! span's producers author its blocks; the node's consensus client reads the schedule
//! through [`bttc_primitives::span::SpanApi`], which the runtime implements with the plain
//! functions of this pallet ([`Pallet::current_span`], [`Pallet::next_span`],
//! [`Pallet::span_of`], [`Pallet::expected_authors`], [`Pallet::params`]).
//!
//! ## Lifecycle
//!
//! - **Genesis**: span 0 covers blocks `1..=first_span_length`, selected from the validator
//!   set of [`Config::ValidatorSet`] at genesis with the fixed seed
//!   [`GENESIS_SPAN_SEED`](bttc_primitives::span::GENESIS_SPAN_SEED). The pallet must come
//!   after the pallet providing the validators in the runtime, so that their genesis is built
//!   first.
//! - **Fixing the next span**: in `on_initialize` of block `F` = the first block of the current
//!   span's second-to-last sprint (`end + 1 − 2 · sprint_length`, see
//!   [`StoredSpan::fix_next_at`]), span `id + 1` is fixed for blocks
//!   `end + 1 ..= end + span_length`, from the validator set and stakes at that moment. It is
//!   thus known `2 · sprint_length − 1` blocks, i.e. more than one sprint, before it starts.
//! - **Seed**: the 32 bytes of the hash of block `F − sprint_length` (`sprint_length` of the
//!   current span; block 0, the genesis hash, if that is below 0), i.e. a block one sprint
//!   older than the fixing block. (Should the next span ever be fixed late, at a block
//!   `n > F`, the seed block is `n − sprint_length`.) The seed block is recorded in the span. The runtime cannot know which blocks GRANDPA has
//!   finalized — finality is agreed among the voters off-chain and justifications are not
//!   part of the state — so it uses the oldest block that is both still in frame_system's
//!   `BlockHash` window and, in normal operation, long finalized (GRANDPA finalizes within a
//!   few blocks, a BTTC sprint is 64). If the seed block were reverted, block `F` would be
//!   reverted with it, so every fork stays self-consistent. Like Heimdall, the seed is a block
//!   hash, which its author could grind a little; a VRF would remove that.
//! - **Rollover**: in `on_initialize` of block `end + 1` the next span becomes current, and
//!   [`Config::OnSpanStart`] is told; spans more than [`Config::MaxSpanHistory`] behind the
//!   current one are pruned.
//! - **Empty validator set**: if no validator has stake > 0 when the next span is fixed, the
//!   next span keeps the current span's validators and producers and
//!   [`Event::ValidatorSetEmpty`] is emitted, so the chain keeps producing blocks.
//!
//! ## Selection and schedule
//!
//! Producers are drawn by stake with replacement ([`selection`]): with at most
//! `producer_count` eligible validators, each is selected once. The schedule rules (sprint,
//! in-turn producer, succession of backups, delays) are in [`bttc_primitives::span`] and are
//! shared with the node.
//!
//! ## Parameters
//!
//! [`SpanParams`] are set at genesis and by governance ([`Config::ParamsOrigin`]) through
//! [`Pallet::set_params`]; both check them ([`types::validate_params`]). New values apply to
//! spans fixed afterwards: a span keeps its own length, sprint length, producer delay and
//! backup multiplier (the delays also use the runtime's block period
//! [`Config::BlockPeriodMs`]).
//!
//! ## Finality recovery
//!
//! [`Pallet::force_finality_recovery`] ([`Config::EmergencyOrigin`]) records validators as
//! gone for good ([`Excluded`]) and has [`Config::OnSpanStart`] force the finality set to the
//! current span's other validators; excluded validators are not drawn in later spans and are
//! left out at every span start until [`Pallet::readmit`] ([`Config::ParamsOrigin`]).
//!
//! ## Storage versions
//!
//! 0: the first layout. 1: spans keep their author delays ([`migrations::v1`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod selection;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use bttc_primitives::span::SpanParams;
pub use types::{EqualStake, OnSpanStart, StoredSpan, ValidatorSetProvider};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::span";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use bttc_primitives::span::SpanId;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version; a change of storage layout raises it, with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Identity of a validator in the staking layer.
		type ValidatorId: Parameter + Member + MaxEncodedLen + Ord;
		/// Block-authoring key of a validator (Aura's sr25519 `AuthorityId` in the runtime):
		/// the node maps a span producer to the key that must seal its blocks.
		type AuthorityId: Parameter + Member + MaxEncodedLen + Ord;
		/// Source of the active validators, their stakes and authoring keys.
		type ValidatorSet: ValidatorSetProvider<Self::ValidatorId, Self::AuthorityId>;
		/// Target block time in ms (Bor's `period`): the delay of a block that does not start
		/// a sprint.
		#[pallet::constant]
		type BlockPeriodMs: Get<u64>;
		/// Most validators in a span's snapshot; beyond it the lowest stakes are left out.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Most producers per span (upper bound of `producer_count`).
		#[pallet::constant]
		type MaxProducers: Get<u32>;
		/// Past spans kept in storage behind the current one.
		#[pallet::constant]
		type MaxSpanHistory: Get<u32>;
		/// Told at the first block of every span after span 0 (the runtime moves the GRANDPA
		/// authority set to the span's validators, weighted by stake); forces that set when
		/// governance recovers from a finality stall.
		type OnSpanStart: OnSpanStart<Self::ValidatorId, Self::AuthorityId>;
		/// Who may change the span parameters and readmit excluded validators (governance).
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Who may exclude validators and force the finality set (governance's emergency
		/// track, with its higher threshold).
		type EmergencyOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Span parameters applied to spans fixed from now on.
	#[pallet::storage]
	pub type Params<T> = StorageValue<_, SpanParams, ValueQuery>;

	/// Spans by id: up to `MaxSpanHistory` past spans, the current one and, once fixed, the
	/// next one.
	#[pallet::storage]
	pub type Spans<T: Config> = StorageMap<_, Twox64Concat, SpanId, StoredSpan<T>, OptionQuery>;

	/// Id of the span containing the current block (`None` only before genesis is built).
	#[pallet::storage]
	pub type CurrentSpanId<T> = StorageValue<_, SpanId, OptionQuery>;

	/// Id of the oldest span still stored.
	#[pallet::storage]
	pub type OldestSpanId<T> = StorageValue<_, SpanId, ValueQuery>;

	/// Validators governance declared gone for good: left out of the producers of spans fixed
	/// from now on and of the finality set, until governance readmits them.
	#[pallet::storage]
	pub type Excluded<T: Config> =
		StorageValue<_, BoundedBTreeSet<T::ValidatorId, T::MaxValidators>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Span parameters; BTTC's by default, dev and local chains use small values.
		pub params: SpanParams,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Err(e) = Pallet::<T>::check_params(&self.params) {
				panic!("span genesis: invalid params: {}", e.describe());
			}
			Params::<T>::put(self.params);
			// Without validators (e.g. the default genesis config) there is no span 0 and the
			// pallet stays idle; a chain spec meant to produce blocks always has validators.
			if let Err(reason) = Pallet::<T>::create_genesis_span(&self.params) {
				log::warn!(target: "runtime::span", "span genesis: no span 0 created: {reason}");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance changed the span parameters; they apply to spans fixed from now on.
		ParamsSet { params: SpanParams },
		/// A span was fixed with its producers (validator indices in the span's snapshot).
		SpanFixed {
			span_id: SpanId,
			start_block: BlockNumber,
			end_block: BlockNumber,
			seed_block: BlockNumber,
			producers: BoundedVec<u32, T::MaxProducers>,
		},
		/// A span became current.
		SpanStarted { span_id: SpanId },
		/// No validator had stake when span `span_id` was fixed: it reuses the previous
		/// span's validators and producers.
		ValidatorSetEmpty { span_id: SpanId },
		/// Governance excluded `excluded` and forced the finality set to the other validators
		/// of the current span (`voters` of them), enacted at block `enacted_at`, counting
		/// block `best_finalized` as finalized.
		FinalityRecoveryForced {
			excluded: BoundedVec<T::ValidatorId, T::MaxValidators>,
			voters: u32,
			best_finalized: BlockNumber,
			enacted_at: BlockNumber,
		},
		/// Governance readmitted excluded validators: they may be drawn again in spans fixed
		/// from now on and vote from the next span's start.
		ValidatorsReadmitted { validators: BoundedVec<T::ValidatorId, T::MaxValidators> },
		/// A runtime upgrade moved the pallet's storage to `version`, rewriting `spans` spans.
		StorageMigrated { version: u16, spans: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `sprint_length` is 0: use at least 1 block per sprint.
		SprintLengthZero,
		/// `sprint_length` must be below frame_system's `BlockHashCount`, so the seed block's
		/// hash is still stored when the next span is fixed.
		SprintTooLong,
		/// `span_length` must be at least `2 * sprint_length`.
		SpanTooShort,
		/// `span_length` must be a multiple of `sprint_length`.
		SpanNotMultipleOfSprint,
		/// `first_span_length` must be at least `2 * sprint_length`.
		FirstSpanTooShort,
		/// `first_span_length` must be a multiple of `sprint_length`.
		FirstSpanNotMultipleOfSprint,
		/// `producer_count` is 0: select at least 1 producer.
		ProducerCountZero,
		/// `producer_count` must not exceed the `MaxProducers` constant.
		TooManyProducers,
		/// `backup_multiplier_ms` is 0: backups would compete with the in-turn producer; use a
		/// positive value.
		BackupMultiplierZero,
		/// A validator to exclude is not in the current span: name validators of
		/// `Span::current_span`.
		NotInCurrentSpan,
		/// Excluding these validators leaves no validator with a finality key: keep at least
		/// one live validator.
		NoVoterLeft,
		/// `best_finalized` is not below the current block: give the last block the chain
		/// finalized (`chain_getFinalizedHead`).
		FinalizedNotInPast,
		/// `delay` is longer than a span: enact the forced change sooner.
		DelayTooLong,
		/// An authority set change is pending: retry once it is enacted (after its delay).
		ChangePending,
		/// The previous forced change was too recent: retry after twice its delay.
		ForcedChangeTooSoon,
		/// The runtime cannot force a finality change.
		ForcedChangeUnsupported,
		/// A validator to readmit is not excluded.
		NotExcluded,
		/// No current span (the chain has no validators).
		NoCurrentSpan,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::do_on_initialize(n)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the span parameters (`ParamsOrigin`: governance). They apply to spans fixed
		/// after this call; a span already fixed keeps its length and sprint length.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: SpanParams) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			Self::check_params(&params).map_err(Error::<T>::from)?;
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Recovers from a finality stall (`EmergencyOrigin`: governance's emergency track).
		///
		/// When more than a third of the finality weight is gone for good, GRANDPA cannot
		/// finalize, and the span hook's changes, which take effect only once finalized, never
		/// apply. This call records `excluded` as gone (they are left out of the producers of
		/// spans fixed from now on and of the finality set) and forces the finality set to the
		/// current span's other validators, weighted by stake, `delay` blocks from now,
		/// counting `best_finalized` (the last block the chain finalized) as finalized.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::force_finality_recovery(excluded.len() as u32))]
		pub fn force_finality_recovery(
			origin: OriginFor<T>,
			excluded: BoundedVec<T::ValidatorId, T::MaxValidators>,
			best_finalized: BlockNumber,
			delay: BlockNumber,
		) -> DispatchResult {
			T::EmergencyOrigin::ensure_origin(origin)?;
			let outcome = Self::do_force_finality_recovery(&excluded, best_finalized, delay)?;
			Self::deposit_event(Event::FinalityRecoveryForced {
				excluded,
				voters: outcome.voters,
				best_finalized,
				enacted_at: outcome.enacted_at,
			});
			Ok(())
		}

		/// Readmits excluded validators (`ParamsOrigin`): they may be drawn as producers of
		/// spans fixed from now on and join the finality set at the next span start.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::readmit(validators.len() as u32))]
		pub fn readmit(
			origin: OriginFor<T>,
			validators: BoundedVec<T::ValidatorId, T::MaxValidators>,
		) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			let mut excluded = Excluded::<T>::get();
			ensure!(validators.iter().all(|v| excluded.contains(v)), Error::<T>::NotExcluded);
			for validator in validators.iter() {
				excluded.remove(validator);
			}
			Excluded::<T>::put(excluded);
			Self::deposit_event(Event::ValidatorsReadmitted { validators });
			Ok(())
		}
	}
}

use bttc_primitives::BlockNumber;
