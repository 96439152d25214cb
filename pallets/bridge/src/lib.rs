//! # Bridge pallet: attestation of root-chain events (Heimdall's side-tx voting)
//!
//! Validators' nodes watch the root chains (TRON, Ethereum, BSC) and report the events they
//! observed after the chain's confirmation depth: `(chain, tx hash, log index, block number,
//! decoded event)` ([`Report`]). An event is **applied** — handed once to
//! [`Config::OnAttested`] — when validators holding at least `total * 2 / 3 + 1` of the total
//! stake ([`types::threshold`], Heimdall's integer formula) reported the **same content**
//! (the blake2-256 hash of the full SCALE-encoded report).
//!
//! ## Keys, contents, votes
//!
//! - The identity of an event is its [`EventKey`] `(chain, tx_hash, log_index)`.
//! - Each validator votes at most once per key, whatever the content. Distinct contents for
//!   one key are tallied separately (at most [`Config::MaxContentsPerKey`]); a second content
//!   emits [`Event::ConflictingReport`]. Only a content reaching the threshold is applied; the
//!   other contents of the key are then dropped.
//! - A tally records each voter's stake at the time of its report; the threshold is checked
//!   against the current [`ValidatorStakes::total_stake`] at each report.
//!
//! ## Replay guard
//!
//! An applied key is stored in [`Processed`] **forever** (key → sidechain block of
//! application). Reports of a processed key are refused by `validate_unsigned`
//! (`Stale`) and by the dispatchable ([`Error::AlreadyProcessed`]), so an event is applied at
//! most once in the chain's lifetime, even when a validator restarts and re-reports from an
//! old cursor. The map grows by one entry (~50 bytes) per event actually applied, i.e. per
//! real root-chain event that 2/3 + 1 of stake attested — the same growth as Heimdall's
//! store, and not inflatable by anyone below the threshold. A pruning horizon per chain can
//! be added later if the growth ever matters, at the cost of a weaker guarantee.
//!
//! ## Expiry and bounds
//!
//! A pending key expires [`Config::ReportTtl`] blocks after its first report: `on_initialize`
//! removes at most [`Config::MaxExpiriesPerBlock`] expired keys per block (FIFO queue, oldest
//! first; leftovers go in the next blocks) and emits [`Event::Expired`]. At most
//! [`Config::MaxPending`] keys are pending; a report of a new key beyond that is refused with
//! [`Error::TooManyPending`].
//!
//! ## Authentication
//!
//! Reports are unsigned extrinsics ([`Pallet::report`]) carrying a signature by the
//! validator's attestation key ([`Config::AuthorityId`], e.g. [`crypto::AuthorityId`], key
//! type `bttc`) over [`Pallet::signing_payload`]:
//! `b"BTTC/bridge/report/v1" ‖ genesis_hash ‖ SCALE(report)`. The genesis hash binds the
//! signature to this chain. `validate_unsigned` refuses non-validators, bad signatures,
//! processed keys and duplicate votes, and sets `provides = (tag, key, authority)` so the pool
//! keeps one report per validator and key. The dispatchable re-checks everything.
//!
//! (Future, in the staking pallet consuming `on_attested`: events with out-of-order nonces wait
//! for their predecessors.)

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

pub use types::{
	report_signing_payload, threshold, EventKey, OnAttested, Report, ReportError, ReportOf, Stake,
	ValidatorIndex, ValidatorStakes, REPORT_SIGNING_DOMAIN,
};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::bridge";

/// Key type of the attestation key.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bttc");

/// The attestation key: sr25519 under key type `bttc`.
pub mod crypto {
	use super::KEY_TYPE;
	use sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, KEY_TYPE);

	/// A validator's attestation public key.
	pub type AuthorityId = Public;
	/// A signature by an attestation key.
	pub type AuthoritySignature = Signature;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::types::PendingEntry;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::RuntimeAppPublic;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Attestation key of a validator ([`crypto::AuthorityId`] in the runtime).
		type AuthorityId: Member
			+ Parameter
			+ RuntimeAppPublic<Signature: Parameter>
			+ MaxEncodedLen
			+ Ord;
		/// The decoded root-chain event (defined by the consuming pallet).
		type RootChainEvent: Parameter + Member + MaxEncodedLen;
		/// Active validators and their stakes.
		type ValidatorStakes: ValidatorStakes<Self::AuthorityId>;
		/// Receives each attested event, once.
		type OnAttested: OnAttested<Self::RootChainEvent>;
		/// Blocks after its first report at which a pending key expires.
		#[pallet::constant]
		type ReportTtl: Get<BlockNumberFor<Self>>;
		/// Most keys pending at once.
		#[pallet::constant]
		type MaxPending: Get<u32>;
		/// Most validators voting on one key (at least the size of the validator set).
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Most distinct contents tallied for one key.
		#[pallet::constant]
		type MaxContentsPerKey: Get<u32>;
		/// Most expired keys removed per block.
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

	/// Keys with reports that did not reach the threshold yet.
	#[pallet::storage]
	pub type Pending<T: Config> =
		StorageMap<_, Blake2_128Concat, EventKey, PendingEntry<T>, OptionQuery>;

	/// Number of entries in [`Pending`].
	#[pallet::storage]
	pub type PendingCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Applied keys, with the sidechain block they were applied in. Kept forever: the replay
	/// guard.
	#[pallet::storage]
	pub type Processed<T: Config> =
		StorageMap<_, Blake2_128Concat, EventKey, BlockNumberFor<T>, OptionQuery>;

	/// Number of entries in [`Processed`].
	#[pallet::storage]
	pub type ProcessedCount<T> = StorageValue<_, u64, ValueQuery>;

	/// Expiry queue: sequence number → (expiry block, key), in order of first report. Entries
	/// of keys that were applied are removed, leaving holes that `on_initialize` skips.
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
		/// Validator `validator` reported `content` for `key`; that content now has `tally` of
		/// the stake needed (`threshold`).
		Reported {
			key: EventKey,
			content: H256,
			validator: ValidatorIndex,
			tally: Stake,
			threshold: Stake,
		},
		/// `content` reached the threshold for `key` and was applied; the key is now
		/// processed.
		Attested { key: EventKey, content: H256, tally: Stake, total_stake: Stake },
		/// A report for `key` disagrees with an earlier one: `contents` distinct contents are
		/// now pending for it.
		ConflictingReport { key: EventKey, content: H256, contents: u32 },
		/// `key` did not reach the threshold within `ReportTtl` blocks; its reports were
		/// dropped.
		Expired { key: EventKey, contents: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This event was already attested and applied; it is never applied again. The
		/// listener should move its cursor past it.
		AlreadyProcessed,
		/// The signer is not an active validator with stake; only validators' attestation keys
		/// may report.
		NotValidator,
		/// The signature does not verify: sign `Pallet::signing_payload(report)` with the
		/// attestation key given in the call.
		BadSignature,
		/// This validator already reported this event (with this or another content); each
		/// validator votes once per event.
		DuplicateReport,
		/// `MaxPending` events are already pending: wait for them to be attested or to expire.
		TooManyPending,
		/// `MaxContentsPerKey` conflicting contents are already pending for this event: wait
		/// for one of them to be attested or for the event to expire.
		TooManyContents,
		/// More voters than `MaxValidators` for this event; raise `MaxValidators` to the size
		/// of the validator set.
		TooManyVoters,
	}

	impl<T> From<ReportError> for Error<T> {
		fn from(e: ReportError) -> Self {
			match e {
				ReportError::AlreadyProcessed => Error::AlreadyProcessed,
				ReportError::NotValidator => Error::NotValidator,
				ReportError::BadSignature => Error::BadSignature,
				ReportError::DuplicateReport => Error::DuplicateReport,
				ReportError::TooManyPending => Error::TooManyPending,
				ReportError::TooManyContents => Error::TooManyContents,
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
		/// `authority`, signed over [`Pallet::signing_payload`]. Unsigned; fee-free. Applies
		/// the event when its content reaches `total * 2 / 3 + 1` of stake.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::report_and_apply().saturating_add(T::OnAttested::max_weight()))]
		pub fn report(
			origin: OriginFor<T>,
			report: ReportOf<T>,
			authority: T::AuthorityId,
			signature: <T::AuthorityId as RuntimeAppPublic>::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let (index, stake) =
				Self::check_report(&report, &authority, &signature).map_err(Error::<T>::from)?;
			let weight = Self::do_report(report, index, stake).map_err(Error::<T>::from)?;
			Ok(Some(weight).into())
		}
	}

	// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]` (removal after April
	// 2027); it is what the transaction pool and the node-side listener use today.
	#[pallet::validate_unsigned]
	#[allow(deprecated)]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::report { report, authority, signature } = call else {
				return InvalidTransaction::Call.into();
			};
			Self::check_report(report, authority, signature).map_err(|e| match e {
				ReportError::AlreadyProcessed => InvalidTransaction::Stale,
				ReportError::BadSignature => InvalidTransaction::BadProof,
				other => InvalidTransaction::Custom(other.code()),
			})?;
			let longevity: u64 =
				TryInto::<u64>::try_into(T::ReportTtl::get()).unwrap_or(u64::MAX).max(1);
			ValidTransaction::with_tag_prefix("BttcBridgeReport")
				.priority(T::UnsignedPriority::get())
				.and_provides((report.key(), authority.clone()))
				.longevity(longevity)
				.propagate(true)
				.build()
		}
	}
}

use sp_core::H256;
