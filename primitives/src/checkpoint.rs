//! Checkpoints: Merkle roots of ranges of sidechain blocks, signed by 2/3 + 1 of the stake and
//! submitted to a root chain's `RootChain` contract. Shared by the runtime (the checkpoint
//! pallet computes roots and verifies signatures), the node (the signer checks roots against
//! its own blocks, the submitter encodes `submitCheckpoint`) and the RPC (roots and inclusion
//! proofs).
//!
//! - **Leaf** of a block: `keccak256(abi.encodePacked(uint256 number, uint256 time, bytes32
//!   txRoot, bytes32 receiptRoot))`, from the block's Ethereum view (what eth-rpc serves), as
//!   Bor's `GetRootHash`.
//! - **Root** of blocks `start..=end`: their leaves, padded with zero leaves to the next power
//!   of two; each node `keccak256(left ‖ right)`. One leaf is its own root.
//! - **Proof** of block `n`: the siblings bottom-up, checked by `Merkle.checkMembership(leaf,
//!   n − start, root, proof)`.
//! - **Data** of a checkpoint: `abi.encode(address proposer, uint256 start, uint256 end,
//!   bytes32 rootHash, bytes32 accountHash, uint256 childChainId)`; validators sign
//!   `keccak256(0x01 ‖ data)` with their root-chain signer keys (raw digest, `v` = 27 or 28,
//!   low `s`), as `RootChain.sol` checks it.

use crate::RootChainId;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{H160, H256};
use sp_crypto_hashing::keccak_256;

/// Half the secp256k1 group order: a signature with a larger `s` is a malleated copy, which
/// `RootChain.sol` (EIP-2) refuses.
pub const SECP256K1_HALF_N: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// A checkpoint of sidechain blocks `start..=end` for one root chain.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Checkpoint {
	/// Root chain the checkpoint is for.
	pub root_chain: RootChainId,
	/// Root-chain signer address of the proposer (it submits, and is paid the bonus).
	pub proposer: H160,
	/// First block.
	pub start: u64,
	/// Last block (inclusive).
	pub end: u64,
	/// Merkle root of the blocks' leaves.
	pub root_hash: H256,
	/// Root of the account (fee) state; zero until BTTC commits one.
	pub account_root_hash: H256,
}

/// A 32-byte big-endian ABI word of `value`.
fn word(value: u64) -> [u8; 32] {
	let mut out = [0u8; 32];
	out[24..].copy_from_slice(&value.to_be_bytes());
	out
}

impl Checkpoint {
	/// `abi.encode(proposer, start, end, rootHash, accountHash, childChainId)`: the `data`
	/// argument of `RootChain.submitCheckpoint` (6 words).
	pub fn abi_data(&self, child_chain_id: u64) -> Vec<u8> {
		let mut data = Vec::with_capacity(6 * 32);
		let mut proposer = [0u8; 32];
		proposer[12..].copy_from_slice(self.proposer.as_bytes());
		data.extend_from_slice(&proposer);
		data.extend_from_slice(&word(self.start));
		data.extend_from_slice(&word(self.end));
		data.extend_from_slice(self.root_hash.as_bytes());
		data.extend_from_slice(self.account_root_hash.as_bytes());
		data.extend_from_slice(&word(child_chain_id));
		data
	}

	/// `keccak256(0x01 ‖ data)`: what the validators sign.
	pub fn digest(&self, child_chain_id: u64) -> [u8; 32] {
		let mut message = Vec::with_capacity(1 + 6 * 32);
		message.push(0x01);
		message.extend_from_slice(&self.abi_data(child_chain_id));
		keccak_256(&message)
	}

	/// Number of blocks covered.
	pub fn len(&self) -> u64 {
		self.end.saturating_sub(self.start).saturating_add(1)
	}

	/// Whether it covers no block (never for a valid checkpoint).
	pub fn is_empty(&self) -> bool {
		self.end < self.start
	}
}

/// What a block contributes to a checkpoint: its Ethereum view.
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
pub struct BlockLeaf {
	/// Block number.
	pub number: u64,
	/// Block timestamp (seconds, as the Ethereum view has it).
	pub timestamp: u64,
	/// Transactions root.
	pub transactions_root: H256,
	/// Receipts root.
	pub receipts_root: H256,
}

impl BlockLeaf {
	/// `keccak256(abi.encodePacked(uint256 number, uint256 time, bytes32 txRoot,
	/// bytes32 receiptRoot))`.
	pub fn hash(&self) -> H256 {
		let mut packed = [0u8; 128];
		packed[..32].copy_from_slice(&word(self.number));
		packed[32..64].copy_from_slice(&word(self.timestamp));
		packed[64..96].copy_from_slice(self.transactions_root.as_bytes());
		packed[96..].copy_from_slice(self.receipts_root.as_bytes());
		H256(keccak_256(&packed))
	}
}

fn hash_pair(left: &H256, right: &H256) -> H256 {
	let mut both = [0u8; 64];
	both[..32].copy_from_slice(left.as_bytes());
	both[32..].copy_from_slice(right.as_bytes());
	H256(keccak_256(&both))
}

/// The leaves padded with zero leaves to the next power of two (one leaf stays one).
fn padded(leaves: &[H256]) -> Vec<H256> {
	let mut level = leaves.to_vec();
	level.resize(leaves.len().max(1).next_power_of_two(), H256::zero());
	level
}

/// The Merkle root of `leaves` (zero for no leaf).
pub fn merkle_root(leaves: &[H256]) -> H256 {
	if leaves.is_empty() {
		return H256::zero();
	}
	let mut level = padded(leaves);
	while level.len() > 1 {
		level = level.chunks(2).map(|pair| hash_pair(&pair[0], &pair[1])).collect();
	}
	level[0]
}

/// The inclusion proof of leaf `index`: its siblings bottom-up (`None` if out of range).
pub fn merkle_proof(leaves: &[H256], index: usize) -> Option<Vec<H256>> {
	if index >= leaves.len() {
		return None;
	}
	let mut level = padded(leaves);
	let mut position = index;
	let mut proof = Vec::new();
	while level.len() > 1 {
		proof.push(level[position ^ 1]);
		level = level.chunks(2).map(|pair| hash_pair(&pair[0], &pair[1])).collect();
		position /= 2;
	}
	Some(proof)
}

/// `Merkle.checkMembership(leaf, index, root, proof)`, as the contracts check it.
pub fn check_membership(leaf: H256, index: u64, root: H256, proof: &[H256]) -> bool {
	let height = proof.len();
	if height >= 64 || index >= (1u64 << height) {
		return false;
	}
	let mut computed = leaf;
	let mut index = index;
	for sibling in proof {
		computed = if index & 1 == 0 {
			hash_pair(&computed, sibling)
		} else {
			hash_pair(sibling, &computed)
		};
		index >>= 1;
	}
	computed == root
}

/// Whether a 65-byte `r ‖ s ‖ v` signature has the form `RootChain.sol` counts: `v` 27 or
/// 28 and `s` at most half the group order.
pub fn is_canonical_signature(signature: &[u8; 65]) -> bool {
	matches!(signature[64], 27 | 28) && signature[32..64] <= SECP256K1_HALF_N[..]
}

sp_api::decl_runtime_apis! {
	/// The checkpoint state the node's duties and RPC read.
	pub trait CheckpointApi {
		/// The sidechain's chain id as the root chains' `RootChain` contracts know it.
		fn child_chain_id() -> u64;
		/// The checkpoint of each root chain waiting for signatures or its ack: its id, the
		/// checkpoint, the stake that signed it, the stake needed, and whether it is ready.
		fn pending() -> Vec<PendingCheckpointInfo>;
		/// The signatures collected for root chain `chain`'s pending checkpoint `id`, sorted by
		/// signer address (what `submitCheckpoint` takes).
		fn signatures(chain: RootChainId, id: u64) -> Vec<[u8; 65]>;
		/// The acknowledged checkpoints of `chain` still kept, oldest first.
		fn acknowledged(chain: RootChainId) -> Vec<AckedCheckpoint>;
		/// The leaf of block `number` as this state stores it (blocks not yet acknowledged on
		/// every root chain; `None` otherwise).
		fn leaf(number: u32) -> Option<H256>;
		/// The Merkle root of blocks `start..=end` from this state's leaves (`None` if one is
		/// missing or the range is longer than the runtime's longest checkpoint).
		fn root_hash(start: u64, end: u64) -> Option<H256>;
	}
}

/// A pending checkpoint, as the runtime API reports it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PendingCheckpointInfo {
	/// Sequence number of the proposal in its stream (a new one after every ack or no-ack).
	pub id: u64,
	/// The checkpoint.
	pub checkpoint: Checkpoint,
	/// Sidechain block it was proposed at.
	pub proposed_at: u32,
	/// Stake of the validators whose signatures were collected, at current stakes.
	pub signed_stake: u128,
	/// Stake needed (`total * 2 / 3 + 1`).
	pub threshold: u128,
	/// Validator ids that signed.
	pub signers: Vec<u64>,
}

/// A checkpoint the root chain acknowledged (`NewHeaderBlock`).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct AckedCheckpoint {
	/// `RootChain`'s header block id.
	pub header_block_id: u64,
	/// The checkpoint as the root chain recorded it.
	pub checkpoint: Checkpoint,
	/// Sidechain block the ack was applied at.
	pub acked_at: u32,
}

#[cfg(test)]
mod tests {
	use super::*;

	fn leaves(n: u8) -> Vec<H256> {
		(1..=n).map(H256::repeat_byte).collect()
	}

	#[test]
	fn one_leaf_is_its_own_root_and_needs_no_proof() {
		let one = leaves(1);
		assert_eq!(merkle_root(&one), one[0]);
		assert_eq!(merkle_proof(&one, 0), Some(alloc::vec![]));
		assert!(check_membership(one[0], 0, one[0], &[]));
		assert_eq!(merkle_root(&[]), H256::zero());
	}

	#[test]
	fn roots_pad_with_zero_leaves_to_a_power_of_two() {
		let three = leaves(3);
		let expected =
			hash_pair(&hash_pair(&three[0], &three[1]), &hash_pair(&three[2], &H256::zero()));
		assert_eq!(merkle_root(&three), expected);
	}

	#[test]
	fn every_proof_verifies_at_its_index_only() {
		for n in 1..=9u8 {
			let l = leaves(n);
			let root = merkle_root(&l);
			for i in 0..l.len() {
				let proof = merkle_proof(&l, i).unwrap_or_default();
				assert!(check_membership(l[i], i as u64, root, &proof), "n {n} i {i}");
				if l.len() > 1 {
					let other = (i + 1) % l.len();
					assert!(!check_membership(l[i], other as u64, root, &proof), "n {n} i {i}");
				}
			}
			assert_eq!(merkle_proof(&l, l.len()), None);
		}
	}

	#[test]
	fn abi_data_is_six_words_in_the_contracts_order() {
		let checkpoint = Checkpoint {
			root_chain: RootChainId::Tron,
			proposer: H160::repeat_byte(0xaa),
			start: 1,
			end: 256,
			root_hash: H256::repeat_byte(0xbb),
			account_root_hash: H256::zero(),
		};
		let data = checkpoint.abi_data(199);
		assert_eq!(data.len(), 192);
		assert_eq!(&data[..12], &[0u8; 12]);
		assert_eq!(&data[12..32], &[0xaa; 20]);
		assert_eq!(data[63], 1);
		assert_eq!(&data[94..96], &[1, 0]);
		assert_eq!(&data[96..128], &[0xbb; 32]);
		assert_eq!(data[191], 199);
		assert_eq!(checkpoint.len(), 256);
		let mut message = alloc::vec![1u8];
		message.extend_from_slice(&data);
		assert_eq!(checkpoint.digest(199), keccak_256(&message));
		assert_ne!(checkpoint.digest(199), checkpoint.digest(19902));
	}

	#[test]
	fn canonical_signatures_have_v_27_or_28_and_a_low_s() {
		let mut signature = [0u8; 65];
		signature[64] = 27;
		assert!(is_canonical_signature(&signature));
		signature[64] = 1;
		assert!(!is_canonical_signature(&signature));
		signature[64] = 28;
		signature[32..64].copy_from_slice(&SECP256K1_HALF_N);
		assert!(is_canonical_signature(&signature));
		signature[63] += 1;
		assert!(!is_canonical_signature(&signature));
	}
}
