//! Types of the attestation pallet: a pending key, a vote, the report type of a runtime and
//! why a report is refused.

use crate::pallet::Config;
use bttc_primitives::attestation::{Report, VoteSlot};
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

/// Report type of a runtime.
pub type ReportOf<T> = Report<<T as Config>::RootChainEvent>;

/// A key with votes that did not reach the threshold yet.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct PendingKey<BlockNumber> {
	/// Block of the first report.
	pub first_seen: BlockNumber,
	/// Block at which the key expires (`first_seen + ReportTtl` of then).
	pub expires_at: BlockNumber,
	/// Position of the key in the expiry queue.
	pub queue_seq: u64,
	/// Number of votes ([`crate::Votes`] entries) on the key.
	pub voters: u32,
	/// Number of distinct contents ([`crate::Contents`] entries) of the key.
	pub contents: u32,
}

/// One validator's vote on a pending key.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Vote {
	/// Content hash the validator reported.
	pub content: H256,
	/// The vote slot it occupies until the key is applied or expires.
	pub slot: VoteSlot,
}

/// Why a report is refused; shared by `validate_unsigned` and the dispatchable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReportError {
	/// The key was already attested and applied.
	AlreadyProcessed,
	/// The signer is not an active validator's bound attestation key (or has no stake).
	NotValidator,
	/// The signature does not verify.
	BadSignature,
	/// The validator already voted on this key.
	DuplicateReport,
	/// `valid_until` is in the past.
	SignatureExpired,
	/// `valid_until` is further ahead than `MaxReportLifetime`.
	ValidityTooLong,
	/// The slot is not below `VoteSlots`.
	BadSlot,
	/// The slot holds another pending vote of the validator.
	SlotInUse,
	/// `MaxVotersPerKey` validators already voted on the key.
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
			ReportError::SignatureExpired => 5,
			ReportError::ValidityTooLong => 6,
			ReportError::BadSlot => 7,
			ReportError::SlotInUse => 8,
			ReportError::TooManyVoters => 9,
		}
	}

	/// How the transaction pool is told: an applied key or an expired signature is `Stale`
	/// (never valid again), a bad signature `BadProof`, the rest `Custom(code)`.
	pub fn invalid_transaction(self) -> TransactionValidityError {
		match self {
			ReportError::AlreadyProcessed | ReportError::SignatureExpired => {
				InvalidTransaction::Stale.into()
			}
			ReportError::BadSignature => InvalidTransaction::BadProof.into(),
			other => InvalidTransaction::Custom(other.code()).into(),
		}
	}
}

/// Makes validators and events for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AuthorityId, E> {
	/// Registers a new validator with `stake` and returns its attestation key, whose private
	/// key is in the keystore (e.g. `RuntimeAppPublic::generate_pair`).
	fn add_validator(stake: bttc_primitives::span::Stake) -> AuthorityId;
	/// Removes every validator added by `add_validator`.
	fn clear_validators();
	/// An event to report.
	fn event(i: u32) -> E;
}
