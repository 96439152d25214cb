//! Types of the checkpoint pallet: a stream's parameters and state, the pending checkpoint,
//! and why a signature is refused.

use bttc_primitives::{checkpoint::Checkpoint, staking::RootValidatorId, BlockNumber};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// How one root chain's checkpoints are cut and timed (blocks of 2 s).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Serialize,
	Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StreamParams {
	/// First block the stream checkpoints (the `RootChain`'s `firstBlock`; at least 1).
	pub first_block: BlockNumber,
	/// Blocks a checkpoint waits for its ack before the next proposer takes over (no-ack);
	/// also how long after an ack a shorter-than-average checkpoint may be proposed.
	pub buffer_blocks: BlockNumber,
	/// Shortest checkpoint.
	pub min_length: BlockNumber,
	/// A checkpoint is proposed as soon as this many blocks are waiting.
	pub avg_length: BlockNumber,
	/// Longest checkpoint.
	pub max_length: BlockNumber,
}

impl StreamParams {
	/// BTTC's mainnet values: buffer 1,000 s (500 blocks), average 256, maximum 1,024.
	pub const BTTC: Self = Self {
		first_block: 1,
		buffer_blocks: 500,
		min_length: 1,
		avg_length: 256,
		max_length: 1_024,
	};
}

/// Why stream parameters are refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamsError {
	/// `first_block` is 0 (the genesis block has no Ethereum view).
	FirstBlockZero,
	/// Not `1 <= min_length <= avg_length <= max_length <= MaxLength`.
	BadLengths,
	/// `buffer_blocks` is 0.
	NoBuffer,
}

impl StreamParams {
	/// Checks the parameters against the runtime's `max_length` bound.
	pub fn validate(&self, max_length: u32) -> Result<(), ParamsError> {
		if self.first_block == 0 {
			return Err(ParamsError::FirstBlockZero);
		}
		if self.min_length == 0
			|| self.min_length > self.avg_length
			|| self.avg_length > self.max_length
			|| self.max_length > max_length
		{
			return Err(ParamsError::BadLengths);
		}
		if self.buffer_blocks == 0 {
			return Err(ParamsError::NoBuffer);
		}
		Ok(())
	}
}

/// Where a stream stands.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct StreamState {
	/// The first block of the next checkpoint (the root chain's `nextStartBlock()`).
	pub next_start: u64,
	/// Checkpoints acknowledged so far.
	pub ack_count: u64,
	/// Sidechain block of the last ack (or of the stream's start).
	pub last_ack_at: BlockNumber,
	/// Id of the next proposal.
	pub next_id: u64,
	/// Validator whose turn it is to propose (and submit).
	pub proposer: Option<RootValidatorId>,
}

/// A checkpoint waiting for signatures and its ack.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct PendingCheckpoint {
	/// Proposal id in the stream.
	pub id: u64,
	/// The checkpoint.
	pub checkpoint: Checkpoint,
	/// The proposer's validator id.
	pub proposer_id: RootValidatorId,
	/// Block it was proposed at.
	pub proposed_at: BlockNumber,
}

/// Why a checkpoint signature is refused; shared by `validate_unsigned` and the dispatchable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SignError {
	/// No pending checkpoint with this id on this root chain.
	NotPending,
	/// `v` not 27/28, or a high `s`: `RootChain.sol` would not count it.
	NonCanonical,
	/// The signature does not recover to a key.
	BadSignature,
	/// The recovered signer is not an active validator's signer.
	NotValidator,
	/// This validator already signed this checkpoint.
	AlreadySigned,
}

impl SignError {
	/// Stable code used in `InvalidTransaction::Custom`.
	pub fn code(self) -> u8 {
		match self {
			SignError::NotPending => 1,
			SignError::NonCanonical => 2,
			SignError::BadSignature => 3,
			SignError::NotValidator => 4,
			SignError::AlreadySigned => 5,
		}
	}
}

/// What the benchmarks need from the runtime: validators whose signer keys they can sign with.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Replaces the active validators with `count` validators of equal stake whose signer
	/// keys this helper holds.
	fn set_signers(count: u32);
	/// Signer `index`'s signature of `digest`: 65 bytes `r ‖ s ‖ v`, `v` 27 or 28, low `s`.
	fn sign(index: u32, digest: &[u8; 32]) -> [u8; 65];
}
