//! # Attestation pallet: root-chain events applied once 2/3 + 1 of stake reported them
//!
//! Heimdall's side-tx voting. Validators' nodes watch the root chains (TRON, Ethereum, BSC)
//! and report each event they observed after the chain's confirmation depth:
//! `(chain, tx hash, log index, block number, decoded event)` ([`Report`]). An event is
//! **applied** — handed once to [`Config::OnAttested`] — when the validators that reported
//! the **same content** (the blake2-256 hash of the SCALE-encoded report) hold at least
//! `total * 2 / 3 + 1` of the active stake ([`threshold`], Heimdall's integer formula).
//!
//! ## Keys, contents, votes
//!
//! - The identity of an event is its [`EventKey`] `(chain, tx_hash, log_index)`.
//! - Each validator votes at most once per key ([`Votes`]), whatever the content. Each vote
//!   stores its content ([`Contents`]) if new, so a key holds at most one content per voter:
//!   a few small validators cannot crowd the real content out.
//! - Tallies are made with **current** stakes ([`ValidatorStakes::stake_of_index`]): a voter
//!   that lost its stake or left the active set counts 0. The threshold uses the current
//!   total stake. A pending key is tallied at each vote and once more when it expires.
//!
//! ## Bounds per validator
//!
//! Reports cost no fee, so every bound is per validator: each has [`Config::VoteSlots`] vote
//! slots, and a report names a free one ([`Slots`]). A pending vote occupies its slot until
//! the key is applied or expires; the transaction pool keeps at most one report per
//! validator and slot (`provides` tag). A validator flooding the chain with invented keys
//! fills only its own slots, on chain and in the pool; everyone else reports as before.
//! Pending keys are thus at most `VoteSlots ×` the number of validators, each with at most
//! [`Config::MaxVotersPerKey`] votes.
//!
//! ## Replay guard
//!
//! An applied key is kept in [`Processed`] **forever** (key → sidechain block of application
//! and the content applied). Reports of a processed key are refused (`Stale` in the pool,
//! [`Error::AlreadyProcessed`] on dispatch), so an event is applied at most once in the
//! chain's lifetime, even when a validator re-reports after a restart. The map grows by one
//! entry (~80 bytes) per event that 2/3 + 1 of stake attested, like Heimdall's store.
//!
//! ## Expiry
//!
//! A pending key expires [`ReportTtl`] blocks after its first report (a chain parameter: set at
//! genesis and by [`Config::ParamsOrigin`] with [`Pallet::set_report_ttl`]; a change applies to
//! keys first reported afterwards). `on_initialize`
//! looks at most at [`Config::MaxExpiriesPerBlock`] keys per block (FIFO, oldest first): a key
//! whose content reaches the threshold with the current stakes is applied, any other is
//! dropped with its votes ([`Event::Expired`]), freeing the voters' slots. An expired event is
//! not lost: the validators' nodes keep every observed event until it is applied and report
//! it again.
//!
//! ## Authentication and expiry of signatures
//!
//! Reports are unsigned extrinsics ([`Pallet::report`]) signed by the validator's bound
//! attestation key ([`Config::AuthorityId`], key type `bttc`) over
//! [`report_signing_payload`]`(genesis hash, report, slot, valid_until)`. The signature is
//! valid until sidechain block `valid_until`, at most [`Config::MaxReportLifetime`] blocks
//! ahead, so a captured report cannot be replayed later. `validate_unsigned` refuses
//! non-validators, bad or expired signatures, processed keys, repeated votes and occupied
//! slots; the dispatchable checks everything again.

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
pub mod types;
pub mod weights;

pub use bttc_primitives::{
	attestation::{
		crypto, report_signing_payload, threshold, EventKey, KeyStatus, Report, VoteSlot,
		VoterInfo, KEY_TYPE, REPORT_SIGNING_DOMAIN,
	},
	span::{Stake, ValidatorIndex},
	traits::{OnAttested, ValidatorStakes},
};
pub use types::{PendingKey, ReportError, ReportOf, Vote};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::attestation";

/// Shortest report TTL governance may set (blocks).
pub const MIN_REPORT_TTL: u32 = 4;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::RuntimeAppPublic;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Attestation key of a validator ([`crypto::AuthorityId`] in the runtime).
		type AuthorityId: Member
			+ Parameter
			+ RuntimeAppPublic<Signature: Parameter>
			+ MaxEncodedLen
			+ Ord;
		/// The decoded root-chain event
		/// ([`bttc_primitives::attestation::AttestedEvent`] in the runtime).
		type RootChainEvent: Parameter + Member + MaxEncodedLen;
		/// Active validators and their current stakes.
		type ValidatorStakes: ValidatorStakes<Self::AuthorityId>;
		/// Receives each attested event, once.
		type OnAttested: OnAttested<Self::RootChainEvent>;
		/// May change the chain parameters of this pallet (governance).
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// [`ReportTtl`] until genesis or governance sets it.
		#[pallet::constant]
		type DefaultReportTtl: Get<BlockNumberFor<Self>>;
		/// Most blocks a report's signature may stay valid (`valid_until − now`).
		#[pallet::constant]
		type MaxReportLifetime: Get<BlockNumberFor<Self>>;
		/// Vote slots per validator: the most votes one validator can have pending.
		#[pallet::constant]
		type VoteSlots: Get<u32>;
		/// Most votes on one key (at least the size of the validator set).
		#[pallet::constant]
		type MaxVotersPerKey: Get<u32>;
		/// Most expired keys looked at per block.
		#[pallet::constant]
		type MaxExpiriesPerBlock: Get<u32>;
		/// Transaction-pool priority of reports.
		#[pallet::constant]
		type UnsignedPriority: Get<TransactionPriority>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Validators and events for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: types::BenchmarkHelper<Self::AuthorityId, Self::RootChainEvent>;
	}

	/// Blocks after its first report at which a pending key expires (at least
	/// [`MIN_REPORT_TTL`]).
	#[pallet::storage]
	pub type ReportTtl<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultReportTtl>;

	/// Keys with votes that did not reach the threshold yet.
	#[pallet::storage]
	pub type Pending<T: Config> =
		StorageMap<_, Blake2_128Concat, EventKey, PendingKey<BlockNumberFor<T>>, OptionQuery>;

	/// Number of entries in [`Pending`].
	#[pallet::storage]
	pub type PendingCount<T> = StorageValue<_, u32, ValueQuery>;

	/// The distinct contents reported for a pending key: content hash → report.
	#[pallet::storage]
	pub type Contents<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, EventKey, Identity, H256, ReportOf<T>, OptionQuery>;

	/// The votes on a pending key: validator → the content it reported and its slot.
	#[pallet::storage]
	pub type Votes<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		EventKey,
		Twox64Concat,
		ValidatorIndex,
		Vote,
		OptionQuery,
	>;

	/// Occupied vote slots: validator → slot → the pending key its vote is on.
	#[pallet::storage]
	pub type Slots<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		ValidatorIndex,
		Twox64Concat,
		VoteSlot,
		EventKey,
		OptionQuery,
	>;

	/// Applied keys: the sidechain block they were applied in and the content applied. Kept
	/// forever: the replay guard.
	#[pallet::storage]
	pub type Processed<T: Config> =
		StorageMap<_, Blake2_128Concat, EventKey, (BlockNumberFor<T>, H256), OptionQuery>;

	/// Number of entries in [`Processed`].
	#[pallet::storage]
	pub type ProcessedCount<T> = StorageValue<_, u64, ValueQuery>;

	/// Expiry queue: sequence number → (expiry block, key), in order of first report. Entries
	/// of applied keys are removed, leaving holes that `on_initialize` skips.
	#[pallet::storage]
	pub type ExpiryQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (BlockNumberFor<T>, EventKey), OptionQuery>;

	/// First sequence number of the expiry queue still to look at.
	#[pallet::storage]
	pub type QueueHead<T> = StorageValue<_, u64, ValueQuery>;

	/// Sequence number of the next key added to the expiry queue.
	#[pallet::storage]
	pub type QueueTail<T> = StorageValue<_, u64, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Validator `validator` reported `content` for `key` in vote slot `slot`; that
		/// content now has `tally` of the `threshold` needed, at current stakes.
		Reported {
			key: EventKey,
			content: H256,
			validator: ValidatorIndex,
			slot: VoteSlot,
			tally: Stake,
			threshold: Stake,
		},
		/// `content` reached the threshold for `key` and was applied; the key is now
		/// processed.
		Attested { key: EventKey, content: H256, tally: Stake, total_stake: Stake },
		/// A report for `key` disagrees with an earlier one: `contents` distinct contents are
		/// now pending for it.
		ConflictingReport { key: EventKey, content: H256, contents: u32 },
		/// `key` did not reach the threshold within `ReportTtl` blocks; its `voters` votes on
		/// `contents` contents were dropped and their slots freed.
		Expired { key: EventKey, contents: u32, voters: u32 },
		/// Governance set the report TTL.
		ReportTtlSet { blocks: BlockNumberFor<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This event was already attested and applied; it is never applied again. The
		/// validator's node should stop reporting it.
		AlreadyProcessed,
		/// The signer is not the bound attestation key of an active validator with stake.
		NotValidator,
		/// The signature does not verify: sign
		/// `report_signing_payload(genesis hash, report, slot, valid_until)` with the
		/// attestation key given in the call.
		BadSignature,
		/// This validator already voted on this event (with this or another content); each
		/// validator votes once per event.
		DuplicateReport,
		/// The report's `valid_until` is in the past: sign it again with a later one.
		SignatureExpired,
		/// `valid_until` lies more than `MaxReportLifetime` blocks ahead: use a nearer block.
		ValidityTooLong,
		/// The vote slot is not below `VoteSlots`: pick a slot in `0..VoteSlots`.
		BadSlot,
		/// The vote slot holds another pending vote of this validator: pick a free slot
		/// (`AttestationApi::voter`), or wait until one of its pending events is attested or
		/// expires.
		SlotInUse,
		/// `MaxVotersPerKey` validators already voted on this event.
		TooManyVoters,
		/// The report TTL must be at least `MIN_REPORT_TTL` (4) blocks: validators need a few
		/// blocks to report the same event.
		TtlTooShort,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// [`ReportTtl`]; `DefaultReportTtl` if `None`.
		pub report_ttl: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(ttl) = self.report_ttl {
				assert!(
					ttl >= MIN_REPORT_TTL.into(),
					"attestation genesis: reportTtl must be at least {MIN_REPORT_TTL} blocks"
				);
				ReportTtl::<T>::put(ttl);
			}
		}
	}

	impl<T> From<ReportError> for Error<T> {
		fn from(e: ReportError) -> Self {
			match e {
				ReportError::AlreadyProcessed => Error::AlreadyProcessed,
				ReportError::NotValidator => Error::NotValidator,
				ReportError::BadSignature => Error::BadSignature,
				ReportError::DuplicateReport => Error::DuplicateReport,
				ReportError::SignatureExpired => Error::SignatureExpired,
				ReportError::ValidityTooLong => Error::ValidityTooLong,
				ReportError::BadSlot => Error::BadSlot,
				ReportError::SlotInUse => Error::SlotInUse,
				ReportError::TooManyVoters => Error::TooManyVoters,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			Self::expire_reports(n)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Reports a root-chain event observed by the validator with attestation key
		/// `authority`, in its vote slot `slot`, signed over
		/// [`report_signing_payload`]`(genesis hash, report, slot, valid_until)`. Unsigned and
		/// fee-free: bounded by the validator's vote slots. Applies the event when its
		/// content reaches `total * 2 / 3 + 1` of the current stake.
		#[pallet::call_index(0)]
		#[pallet::weight(
			T::WeightInfo::report_and_apply(T::MaxVotersPerKey::get())
				.saturating_add(T::WeightInfo::report_first())
				.saturating_add(T::OnAttested::max_weight())
		)]
		pub fn report(
			origin: OriginFor<T>,
			report: ReportOf<T>,
			slot: VoteSlot,
			valid_until: BlockNumberFor<T>,
			authority: T::AuthorityId,
			signature: <T::AuthorityId as RuntimeAppPublic>::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let index = Self::check_report(&report, slot, valid_until, &authority, &signature)
				.map_err(Error::<T>::from)?;
			let weight = Self::do_report(report, index, slot);
			Ok(Some(weight).into())
		}

		/// Sets the report TTL to `blocks` (at least [`MIN_REPORT_TTL`]). Keys already pending
		/// keep their expiry.
		#[pallet::call_index(1)]
		#[pallet::weight(T::DbWeight::get().writes(1))]
		pub fn set_report_ttl(origin: OriginFor<T>, blocks: BlockNumberFor<T>) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			ensure!(blocks >= MIN_REPORT_TTL.into(), Error::<T>::TtlTooShort);
			ReportTtl::<T>::put(blocks);
			Self::deposit_event(Event::ReportTtlSet { blocks });
			Ok(())
		}
	}

	// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]` (removal after April
	// 2027); it is what the transaction pool and the validator duties use today.
	#[pallet::validate_unsigned]
	#[allow(deprecated)]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::report { report, slot, valid_until, authority, signature } = call else {
				return InvalidTransaction::Call.into();
			};
			let index = Self::check_report(report, *slot, *valid_until, authority, signature)
				.map_err(ReportError::invalid_transaction)?;
			Ok(Self::pool_validity(report, index, *slot, *valid_until))
		}
	}
}
