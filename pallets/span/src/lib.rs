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
//! [`SpanParams`] are set at genesis and by Root through [`Pallet::set_params`]; both check
//! them ([`types::validate_params`]). New values apply to spans fixed afterwards; a span keeps
//! its own sprint length. The delays use the current `producer_delay_ms` and
//! `backup_multiplier_ms` and the runtime's block period [`Config::BlockPeriodMs`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
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
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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
		/// authority set to the span's validators, weighted by stake).
		type OnSpanStart: OnSpanStart<Self::ValidatorId, Self::AuthorityId>;
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
		/// Root changed the span parameters; they apply to spans fixed from now on.
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
		/// Sets the span parameters (Root only). They apply to spans fixed after this call; a
		/// span already fixed keeps its length and sprint length.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: SpanParams) -> DispatchResult {
			ensure_root(origin)?;
			Self::check_params(&params).map_err(Error::<T>::from)?;
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}

use bttc_primitives::BlockNumber;
