//! Attestation of root-chain events (Heimdall's side-tx voting), as the runtime, the node's
//! validator duties and tools share it: the event enum, the report a validator signs, its
//! identity key, the signing payload, the threshold, and the runtime API the duties read.
//!
//! A validator's node observes an event on a root chain after its confirmation depth and
//! reports it, signed with the validator's `bttc` attestation key. The report names one of
//! the validator's **vote slots** (`0..max_slots`): a pending vote occupies its slot until
//! the event is attested or expires, so one validator can never have more than `max_slots`
//! votes pending, on chain or in the transaction pool. The signature expires at sidechain
//! block `valid_until`.

use crate::{
	span::{Stake, ValidatorIndex},
	staking::StakingEvent,
	BlockNumber, RootChainId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{crypto::KeyTypeId, H256};

/// Key type of the attestation key (`bttc`, sr25519).
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"bttc");

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

/// A root-chain fact the validators attest. One enum for every kind, so one attestation
/// path (reports, tallies, replay guard) serves them all.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum AttestedEvent {
	/// A `StakeManager` event of the stake chain.
	Staking(StakingEvent),
	/// A root chain's `RootChain` recorded a checkpoint (`NewHeaderBlock`).
	CheckpointAck(CheckpointAck),
	/// A root chain's `StateSender` sent a message to the sidechain (`StateSynced`).
	StateSynced(crate::bridge::StateSynced),
}

/// `NewHeaderBlock(proposer, headerBlockId, reward, start, end, root)` of a `RootChain`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct CheckpointAck {
	/// Header block id (1, 2, 3, … per root chain).
	pub header_block_id: u64,
	/// Signer address of the proposer named in the checkpoint.
	pub proposer: sp_core::H160,
	/// First block.
	pub start: u64,
	/// Last block.
	pub end: u64,
	/// Merkle root.
	pub root: H256,
}

impl AttestedEvent {
	/// A short description for logs, e.g. `Staked of validator 5 nonce 1`.
	pub fn describe(&self) -> alloc::string::String {
		match self {
			AttestedEvent::Staking(event) => alloc::format!(
				"{} of validator {} nonce {}",
				event.name(),
				event.validator_id(),
				event.nonce()
			),
			AttestedEvent::CheckpointAck(ack) => alloc::format!(
				"checkpoint {} (blocks {}..={})",
				ack.header_block_id,
				ack.start,
				ack.end
			),
			AttestedEvent::StateSynced(sync) => {
				alloc::format!("state sync {} to {:?}", sync.state_id, sync.receiver)
			}
		}
	}
}

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
	/// Index of the log in its block (the receipt's `logIndex`).
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
	/// Index of the log in its block.
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
		H256(sp_crypto_hashing::blake2_256(&self.encode()))
	}
}

/// One of a validator's vote slots, `0..max_slots`.
pub type VoteSlot = u32;

/// Domain tag at the start of every signed report payload (raw bytes, no length prefix), so a
/// report signature can never be mistaken for a signature of anything else made with the same
/// key.
pub const REPORT_SIGNING_DOMAIN: [u8; 26] = *b"BTTC/attestation/report/v2";

/// The exact bytes a validator signs to report `report` in vote slot `slot`, valid until
/// sidechain block `valid_until`, on the chain with genesis hash `genesis_hash`:
/// `REPORT_SIGNING_DOMAIN (raw) ‖ genesis_hash (SCALE of an H256: 32 raw bytes) ‖
/// SCALE(report) ‖ slot (u32 LE) ‖ valid_until (SCALE of the block number: u32 LE)`.
pub fn report_signing_payload<H: Encode, E: Encode, N: Encode>(
	genesis_hash: &H,
	report: &Report<E>,
	slot: VoteSlot,
	valid_until: N,
) -> Vec<u8> {
	(REPORT_SIGNING_DOMAIN, genesis_hash, report, slot, valid_until).encode()
}

/// Heimdall's threshold: an event is applied when `signed >= total * 2 / 3 + 1`. Computed
/// without overflow for every `total` (`floor(2t/3) = 2·(t/3) + floor(2·(t%3)/3)`).
pub fn threshold(total: Stake) -> Stake {
	let two_thirds =
		(total / 3).saturating_mul(2).saturating_add((total % 3).saturating_mul(2) / 3);
	two_thirds.saturating_add(1)
}

/// Where an event stands on chain, as seen by one validator.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum KeyStatus {
	/// Attested and applied at sidechain block `at` with content `content`; never again.
	Applied {
		/// Sidechain block of application.
		at: BlockNumber,
		/// Content hash that reached the threshold.
		content: H256,
	},
	/// Pending, and this validator voted `content` in `slot`.
	Voted {
		/// Content hash of the validator's vote.
		content: H256,
		/// Slot its vote occupies.
		slot: VoteSlot,
	},
	/// Not applied and no vote of this validator pending: it may report.
	Open,
}

/// What a validator's node needs to report: its index, current stake and vote slots.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VoterInfo {
	/// The validator's index (its root-chain validator id).
	pub index: ValidatorIndex,
	/// Its current stake (> 0: it is active).
	pub stake: Stake,
	/// Number of vote slots per validator.
	pub max_slots: u32,
	/// Occupied slots and the event each holds.
	pub occupied: Vec<(VoteSlot, EventKey)>,
	/// Most blocks a report's `valid_until` may lie ahead of the block that includes it.
	pub max_lifetime: BlockNumber,
}

impl VoterInfo {
	/// The free slots, lowest first.
	pub fn free_slots(&self) -> impl Iterator<Item = VoteSlot> + '_ {
		(0..self.max_slots).filter(|slot| !self.occupied.iter().any(|(s, _)| s == slot))
	}
}

sp_api::decl_runtime_apis! {
	/// The attestation state the validator duties read.
	pub trait AttestationApi {
		/// The voter behind attestation key `authority`; `None` unless it is the bound key of
		/// an active validator.
		fn voter(authority: crypto::AuthorityId) -> Option<VoterInfo>;
		/// The status of each of `keys` for validator `voter` (at most 256 keys are
		/// answered; the rest are left out).
		fn key_status(voter: ValidatorIndex, keys: Vec<EventKey>) -> Vec<KeyStatus>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn threshold_is_heimdalls_integer_formula() {
		for total in [0u128, 1, 2, 3, 4, 5, 299, 300, 301, 1_000, u128::MAX / 2] {
			assert_eq!(threshold(total), total * 2 / 3 + 1, "total {total}");
		}
		let max = u128::MAX;
		assert_eq!(threshold(max), (max / 3) * 2 + (max % 3) * 2 / 3 + 1);
	}

	fn report(log_index: u64) -> Report<u8> {
		Report {
			chain: RootChainId::Tron,
			tx_hash: H256::repeat_byte(1),
			log_index,
			block_number: 9,
			event: 7,
		}
	}

	#[test]
	fn signing_payload_covers_every_field() {
		let genesis = H256::repeat_byte(3);
		let base = report_signing_payload(&genesis, &report(0), 1, 100u32);
		assert!(base.starts_with(b"BTTC/attestation/report/v2"));
		assert_ne!(base, report_signing_payload(&H256::repeat_byte(4), &report(0), 1, 100u32));
		assert_ne!(base, report_signing_payload(&genesis, &report(1), 1, 100u32));
		assert_ne!(base, report_signing_payload(&genesis, &report(0), 2, 100u32));
		assert_ne!(base, report_signing_payload(&genesis, &report(0), 1, 101u32));
	}

	#[test]
	fn keys_differ_by_chain_tx_and_log_index() {
		let a = report(0);
		let mut other_chain = a.clone();
		other_chain.chain = RootChainId::Bsc;
		let mut other_tx = a.clone();
		other_tx.tx_hash = H256::repeat_byte(2);
		let keys = [a.key(), other_chain.key(), other_tx.key(), report(1).key()];
		for (i, x) in keys.iter().enumerate() {
			for y in &keys[i + 1..] {
				assert_ne!(x, y);
			}
		}
		// The block number is content, not identity.
		let mut later = a.clone();
		later.block_number = 10;
		assert_eq!(later.key(), a.key());
		assert_ne!(later.content_hash(), a.content_hash());
	}

	#[test]
	fn free_slots_skip_occupied_ones() {
		let info = VoterInfo {
			index: 1,
			stake: 5,
			max_slots: 4,
			occupied: alloc::vec![(0, report(0).key()), (2, report(1).key())],
			max_lifetime: 10,
		};
		assert_eq!(info.free_slots().collect::<Vec<_>>(), alloc::vec![1, 3]);
	}
}
