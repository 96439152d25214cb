//! The bridge's deposits as the runtime, the validator duties and tools share them: the
//! `StateSynced` event validators attest, the root-chain messages it carries (the ABI layout
//! `RootChainManager.sol` writes), where a deposit record stands, and the runtime API the RPC
//! reads.
//!
//! - `StateSender.syncState` on a root chain emits `StateSynced(uint256 indexed id, address
//!   indexed contractAddress, bytes data)`; ids count 1, 2, 3, … per root chain.
//! - `RootChainManager` sends `data = abi.encode(bytes32 kind, bytes message)` with `kind`
//!   `keccak256("DEPOSIT")` (`message = abi.encode(address user, address rootToken, bytes
//!   depositData)`, `depositData = abi.encode(uint256 amount)` for ERC20) or
//!   `keccak256("MAP_TOKEN")` (`message = abi.encode(address rootToken, address childToken,
//!   bytes32 tokenType)`).

use crate::{BlockNumber, RootChainId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H160, H256, U256};
use sp_crypto_hashing::keccak_256;
use sp_runtime::BoundedVec;

/// Most bytes of `data` a state sync carries on chain. `RootChainManager`'s messages take
/// 256 bytes; a longer `data` (only a sender the root chain's governance registered can
/// send one) is attested by its length and hash and kept as a failed record.
pub const MAX_STATE_SYNC_DATA: u32 = 1_024;

/// `data` of a state sync as it is attested.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum StateSyncData {
	/// The bytes, at most [`MAX_STATE_SYNC_DATA`].
	Bytes(BoundedVec<u8, ConstU32<MAX_STATE_SYNC_DATA>>),
	/// Longer than [`MAX_STATE_SYNC_DATA`]: its length and `keccak256`.
	Oversized {
		/// Length in bytes.
		len: u64,
		/// `keccak256(data)`.
		hash: H256,
	},
}

impl StateSyncData {
	/// The attested form of `data`.
	pub fn from_bytes(data: &[u8]) -> Self {
		match BoundedVec::try_from(data.to_vec()) {
			Ok(bytes) => StateSyncData::Bytes(bytes),
			Err(_) => {
				StateSyncData::Oversized { len: data.len() as u64, hash: H256(keccak_256(data)) }
			}
		}
	}
}

/// `StateSynced(id, contractAddress, data)` of a root chain's `StateSender`.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct StateSynced {
	/// The root chain's state id (1, 2, 3, … per root chain).
	pub state_id: u64,
	/// The sidechain receiver named by the sender (the child chain manager).
	pub receiver: H160,
	/// The message.
	pub data: StateSyncData,
	/// The root-chain transaction that emitted it (what users look their deposit up by).
	pub root_tx_hash: H256,
}

/// `keccak256("DEPOSIT")`.
pub fn deposit_kind() -> H256 {
	H256(keccak_256(b"DEPOSIT"))
}

/// `keccak256("MAP_TOKEN")`.
pub fn map_token_kind() -> H256 {
	H256(keccak_256(b"MAP_TOKEN"))
}

/// A root-chain message, decoded.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BridgeMessage {
	/// Credit `deposit_data` of `root_token` to `user`.
	Deposit {
		/// Receiver on the sidechain.
		user: H160,
		/// The locked token on the root chain.
		root_token: H160,
		/// `abi.encode(uint256 amount)` for ERC20: handed to the child token as is.
		deposit_data: Vec<u8>,
	},
	/// The root chain mapped `root_token` to `child_token`.
	MapToken {
		/// Root token.
		root_token: H160,
		/// Child token the root chain names.
		child_token: H160,
		/// Token type (`keccak256("ERC20")`, …).
		token_type: H256,
	},
}

/// Why a state sync's `data` is not a message the bridge knows.
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
)]
pub enum MessageError {
	/// Not `abi.encode(bytes32, bytes)` with canonical offsets, lengths and padding.
	Malformed,
	/// The kind is neither `DEPOSIT` nor `MAP_TOKEN`.
	UnknownKind,
}

/// The 32-byte word at `offset`, if `data` holds it.
fn word_at(data: &[u8], offset: usize) -> Result<&[u8], MessageError> {
	let end = offset.checked_add(32).ok_or(MessageError::Malformed)?;
	data.get(offset..end).ok_or(MessageError::Malformed)
}

/// A word as a `usize` (offsets, lengths), refusing values that do not fit.
fn word_usize(data: &[u8], offset: usize) -> Result<usize, MessageError> {
	let value = U256::from_big_endian(word_at(data, offset)?);
	if value > U256::from(u32::MAX) {
		return Err(MessageError::Malformed);
	}
	Ok(value.low_u64() as usize)
}

/// A word as an address: its first 12 bytes must be zero.
fn word_address(data: &[u8], offset: usize) -> Result<H160, MessageError> {
	let word = word_at(data, offset)?;
	if word[..12].iter().any(|b| *b != 0) {
		return Err(MessageError::Malformed);
	}
	Ok(H160::from_slice(&word[12..]))
}

/// The `bytes` whose head word (its offset, relative to `base`) is at `head`. Only the
/// canonical encoding is accepted: the offset is `expected_offset`, the padding is zero and
/// nothing follows.
fn dynamic_bytes(
	data: &[u8],
	head: usize,
	expected_offset: usize,
) -> Result<Vec<u8>, MessageError> {
	if word_usize(data, head)? != expected_offset {
		return Err(MessageError::Malformed);
	}
	let len = word_usize(data, expected_offset)?;
	let start = expected_offset + 32;
	let padded = len.div_ceil(32) * 32;
	if data.len() != start + padded {
		return Err(MessageError::Malformed);
	}
	if data[start + len..].iter().any(|b| *b != 0) {
		return Err(MessageError::Malformed);
	}
	Ok(data[start..start + len].to_vec())
}

/// Decodes a state sync's `data` as `RootChainManager` writes it (canonical ABI only).
pub fn decode_message(data: &[u8]) -> Result<BridgeMessage, MessageError> {
	let kind = H256::from_slice(word_at(data, 0)?);
	let message = dynamic_bytes(data, 32, 64)?;
	if kind == deposit_kind() {
		let user = word_address(&message, 0)?;
		let root_token = word_address(&message, 32)?;
		let deposit_data = dynamic_bytes(&message, 64, 96)?;
		Ok(BridgeMessage::Deposit { user, root_token, deposit_data })
	} else if kind == map_token_kind() {
		if message.len() != 96 {
			return Err(MessageError::Malformed);
		}
		Ok(BridgeMessage::MapToken {
			root_token: word_address(&message, 0)?,
			child_token: word_address(&message, 32)?,
			token_type: H256::from_slice(word_at(&message, 64)?),
		})
	} else {
		Err(MessageError::UnknownKind)
	}
}

/// ABI encoding of `(kind, message)` as `RootChainManager` writes it (tests, tools).
pub fn encode_message(message: &BridgeMessage) -> Vec<u8> {
	fn address_word(address: &H160) -> [u8; 32] {
		let mut word = [0u8; 32];
		word[12..].copy_from_slice(address.as_bytes());
		word
	}
	fn length_word(len: usize) -> [u8; 32] {
		U256::from(len).to_big_endian()
	}
	fn append_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
		out.extend_from_slice(&length_word(bytes.len()));
		out.extend_from_slice(bytes);
		out.resize(out.len() + (32 - bytes.len() % 32) % 32, 0);
	}
	let (kind, inner) = match message {
		BridgeMessage::Deposit { user, root_token, deposit_data } => {
			let mut inner = Vec::new();
			inner.extend_from_slice(&address_word(user));
			inner.extend_from_slice(&address_word(root_token));
			inner.extend_from_slice(&length_word(96));
			append_bytes(&mut inner, deposit_data);
			(deposit_kind(), inner)
		}
		BridgeMessage::MapToken { root_token, child_token, token_type } => {
			let mut inner = Vec::new();
			inner.extend_from_slice(&address_word(root_token));
			inner.extend_from_slice(&address_word(child_token));
			inner.extend_from_slice(token_type.as_bytes());
			(map_token_kind(), inner)
		}
	};
	let mut out = Vec::new();
	out.extend_from_slice(kind.as_bytes());
	out.extend_from_slice(&length_word(64));
	append_bytes(&mut out, &inner);
	out
}

/// Why a record was not executed. The record stays, and can be retried.
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
)]
pub enum FailureReason {
	/// The state sync is not addressed to this chain's child chain manager.
	WrongReceiver,
	/// `data` is longer than [`MAX_STATE_SYNC_DATA`].
	Oversized,
	/// `data` is not a bridge message.
	BadMessage(MessageError),
	/// Governance has not mapped the root token on this root chain.
	TokenNotMapped,
	/// A `MAP_TOKEN` message names a mapping governance did not make.
	MappingNotApproved,
	/// The child token refused the deposit (reverted, out of gas, or no contract there).
	ChildTokenFailed,
}

/// Where a record stands.
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
)]
pub enum RecordStatus {
	/// Attested and sequenced; executed at the next sprint start.
	Queued,
	/// Executed at sidechain block `at`.
	Executed {
		/// Sidechain block.
		at: BlockNumber,
	},
	/// Failed at sidechain block `at` for `reason`, after `attempts` attempts; anyone may retry.
	Failed {
		/// Sidechain block of the last attempt.
		at: BlockNumber,
		/// Why.
		reason: FailureReason,
		/// Attempts so far.
		attempts: u32,
	},
}

/// A state sync in the global sequence.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct StateSyncRecord {
	/// Position in the global sequence (0, 1, 2, … over every root chain).
	pub id: u64,
	/// Root chain.
	pub chain: RootChainId,
	/// The root chain's state sync.
	pub event: StateSynced,
	/// Sidechain block at which it was attested.
	pub attested_at: BlockNumber,
	/// Where it stands.
	pub status: RecordStatus,
}

sp_api::decl_runtime_apis! {
	/// The bridge state the RPC reads.
	pub trait BridgeApi {
		/// The records of root chain `chain`'s transaction `root_tx_hash` (at most 16).
		fn records_by_root_tx(chain: RootChainId, root_tx_hash: H256) -> Vec<StateSyncRecord>;
		/// Record `id` of the global sequence.
		fn record(id: u64) -> Option<StateSyncRecord>;
		/// The child token mapped to `root_token` of `chain`.
		fn child_token(chain: RootChainId, root_token: H160) -> Option<H160>;
		/// The root token of `chain` mapped to `child_token`.
		fn root_token(chain: RootChainId, child_token: H160) -> Option<H160>;
		/// Last state id of `chain` taken into the sequence, and how many later ones wait for
		/// a missing one.
		fn chain_progress(chain: RootChainId) -> (u64, u32);
		/// The EVM address deposits are made from: child tokens must let it mint.
		fn depositor() -> H160;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn deposit() -> BridgeMessage {
		BridgeMessage::Deposit {
			user: H160::repeat_byte(0x11),
			root_token: H160::repeat_byte(0x22),
			deposit_data: U256::from(100u64).to_big_endian().to_vec(),
		}
	}

	#[test]
	fn messages_round_trip_in_root_chain_managers_layout() {
		let encoded = encode_message(&deposit());
		// kind, offset, length, then user, token, offset, length, amount
		assert_eq!(encoded.len(), 32 * 8);
		assert_eq!(decode_message(&encoded), Ok(deposit()));
		let map = BridgeMessage::MapToken {
			root_token: H160::repeat_byte(1),
			child_token: H160::repeat_byte(2),
			token_type: H256(keccak_256(b"ERC20")),
		};
		assert_eq!(decode_message(&encode_message(&map)), Ok(map));
	}

	#[test]
	fn non_canonical_and_truncated_messages_are_refused_without_panics() {
		let good = encode_message(&deposit());
		for cut in 0..good.len() {
			assert_eq!(decode_message(&good[..cut]), Err(MessageError::Malformed), "cut {cut}");
		}
		let mut trailing = good.clone();
		trailing.extend_from_slice(&[0; 32]);
		assert_eq!(decode_message(&trailing), Err(MessageError::Malformed));
		let mut dirty_address = good.clone();
		dirty_address[3 * 32] = 1; // upper bytes of `user`
		assert_eq!(decode_message(&dirty_address), Err(MessageError::Malformed));
		let mut huge_offset = good.clone();
		huge_offset[32..64].copy_from_slice(&[0xff; 32]);
		assert_eq!(decode_message(&huge_offset), Err(MessageError::Malformed));
		let mut other_kind = good;
		other_kind[0] ^= 1;
		assert_eq!(decode_message(&other_kind), Err(MessageError::UnknownKind));
	}

	#[test]
	fn data_longer_than_the_bound_is_kept_as_its_hash() {
		let long = alloc::vec![7u8; MAX_STATE_SYNC_DATA as usize + 1];
		assert_eq!(
			StateSyncData::from_bytes(&long),
			StateSyncData::Oversized { len: long.len() as u64, hash: H256(keccak_256(&long)) }
		);
		assert!(matches!(StateSyncData::from_bytes(&[1, 2]), StateSyncData::Bytes(_)));
	}
}
