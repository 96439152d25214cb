//! Types of the bridge pallet: the report of a root-chain event, its identity key, the
//! per-key tallies and the traits through which the pallet reads stakes and hands attested
//! events to their consumer.

use crate::pallet::Config;
pub use bttc_primitives::span::{Stake, ValidatorIndex};
use bttc_primitives::RootChainId;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::{BoundedVec, Weight},
	CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_core::H256;

/// Domain tag at the start of every signed report payload (raw bytes, no length prefix), so a
/// report signature can never be mistaken for a signature of anything else made with the same
/// key.
pub const REPORT_SIGNING_DOMAIN: [u8; 21] = *b"BTTC/bridge/report/v1";

/// Identity of a root-chain event: at most one event per key is ever applied.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct EventKey {
	/// Root chain the event was emitted on.
	pub chain: RootChainId,
	/// Hash of the root-chain transaction that emitted the log.
	pub tx_hash: H256,
	/// Index of the log in the block (as in the receipt's `logIndex`).
	pub log_index: u64,
}

/// What a validator reports it observed on a root chain.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Report<E> {
	/// Root chain the event was emitted on.
	pub chain: RootChainId,
	/// Hash of the root-chain transaction that emitted the log.
	pub tx_hash: H256,
	/// Index of the log in the block.
	pub log_index: u64,
	/// Root-chain block number containing the transaction.
	pub block_number: u64,
	/// The decoded event.
	pub event: E,
}

impl<E: Encode> Report<E> {
	/// The identity key `(chain, tx_hash, log_index)`.
	pub fn key(&self) -> EventKey {
		EventKey { chain: self.chain, tx_hash: self.tx_hash, log_index: self.log_index }
	}

	/// Hash of the full report (blake2-256 of its SCALE encoding): validators agree on an
	/// event when they report the same content hash.
	pub fn content_hash(&self) -> H256 {
		H256(sp_io::hashing::blake2_256(&self.encode()))
	}
}

/// The exact bytes a validator signs for `report` on the chain with genesis hash
/// `genesis_hash`:
/// `REPORT_SIGNING_DOMAIN (21 raw bytes) ‖ genesis_hash (SCALE: the 32 raw bytes of an H256) ‖
/// SCALE(report)`.
/// The node-side listener signs these bytes with its attestation key.
pub fn report_signing_payload<H: Encode, E: Encode>(
	genesis_hash: &H,
	report: &Report<E>,
) -> alloc::vec::Vec<u8> {
	(REPORT_SIGNING_DOMAIN, genesis_hash, report).encode()
}

/// Report type of a runtime.
pub type ReportOf<T> = Report<<T as Config>::RootChainEvent>;

/// Validators allowed to attest and their stakes (implemented by the staking pallet).
pub trait ValidatorStakes<AuthorityId> {
	/// The validator index and stake of the validator whose attestation key is `who`; `None`
	/// if `who` is not an active validator.
	fn stake_of(who: &AuthorityId) -> Option<(ValidatorIndex, Stake)>;
	/// Total stake of the active validators.
	fn total_stake() -> Stake;
}

/// Consumer of attested events (the staking pallet, the state-sync pallet...).
pub trait OnAttested<E> {
	/// Applies the attested `event` of root chain `chain`; returns the weight it consumed.
	/// Called once per event key, ever.
	fn on_attested(chain: RootChainId, event: E) -> Weight;
	/// Upper bound of the weight of `on_attested`, charged up front by `report`.
	fn max_weight() -> Weight {
		Weight::zero()
	}
}

impl<E> OnAttested<E> for () {
	fn on_attested(_chain: RootChainId, _event: E) -> Weight {
		Weight::zero()
	}
}

/// Heimdall's threshold: an event is applied when `signed >= total * 2 / 3 + 1`. Computed
/// without overflow for every `total` (`floor(2t/3) = 2·(t/3) + floor(2·(t%3)/3)`).
pub fn threshold(total: Stake) -> Stake {
	let two_thirds =
		(total / 3).saturating_mul(2).saturating_add((total % 3).saturating_mul(2) / 3);
	two_thirds.saturating_add(1)
}

/// Votes for one content of a key.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct ContentTally<T: Config> {
	/// `report.content_hash()`.
	pub content: H256,
	/// The reported content.
	pub report: ReportOf<T>,
	/// Sum of the stakes in `voters`.
	pub stake: Stake,
	/// Validators that reported this content, with their stake when they reported.
	pub voters: BoundedVec<(ValidatorIndex, Stake), T::MaxValidators>,
}

/// Pending (not yet attested) reports of one key.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound(T: Config))]
pub struct PendingEntry<T: Config> {
	/// Block of the first report; the entry expires at `first_seen + ReportTtl`.
	pub first_seen: BlockNumberFor<T>,
	/// Position of this key in the expiry queue.
	pub queue_seq: u64,
	/// One tally per distinct content, in order of first report.
	pub contents: BoundedVec<ContentTally<T>, T::MaxContentsPerKey>,
}

impl<T: Config> PendingEntry<T> {
	/// Whether validator `index` already reported any content of this key.
	pub fn has_voted(&self, index: ValidatorIndex) -> bool {
		self.contents.iter().any(|c| c.voters.iter().any(|(v, _)| *v == index))
	}
}

/// Why a report is refused; shared by `validate_unsigned` and the dispatchable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReportError {
	/// The key was already attested and applied.
	AlreadyProcessed,
	/// The signer is not an active validator (or has no stake).
	NotValidator,
	/// The signature does not verify.
	BadSignature,
	/// The validator already reported this key.
	DuplicateReport,
	/// `MaxPending` keys are already pending.
	TooManyPending,
	/// `MaxContentsPerKey` distinct contents are already pending for this key.
	TooManyContents,
	/// More voters than `MaxValidators` on this key.
	TooManyVoters,
}

impl ReportError {
	/// Stable code used in `InvalidTransaction::Custom`.
	pub fn code(self) -> u8 {
		match self {
			ReportError::AlreadyProcessed => 1,
			ReportError::NotValidator => 2,
			ReportError::BadSignature => 3,
			ReportError::DuplicateReport => 4,
			ReportError::TooManyPending => 5,
			ReportError::TooManyContents => 6,
			ReportError::TooManyVoters => 7,
		}
	}
}

/// Makes validators and events for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AuthorityId, E> {
	/// Registers a new validator with `stake` and returns its attestation key, whose private
	/// key is in the keystore (e.g. `RuntimeAppPublic::generate_pair`).
	fn add_validator(stake: Stake) -> AuthorityId;
	/// Removes every validator added by `add_validator`.
	fn clear_validators();
	/// An event to report.
	fn event(i: u32) -> E;
}
