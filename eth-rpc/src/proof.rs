//! `eth_getProof`, which polkadot-sdk's server lacks: an account's balance, nonce, code hash
//! and storage slots, with the proofs that they are in the chain's state at a block.
//!
//! BTTC's state is a Substrate trie, not Ethereum's Merkle-Patricia trie, so the proofs are
//! Substrate trie proofs (polkadot-sdk's trie layout V1, BLAKE2-256 node hashes) against the
//! state root of the Substrate header of that block (`chain_getHeader`), not against the
//! Ethereum block's `stateRoot` field (`pallet-revive` puts the transactions root there):
//! - `accountProof` proves the account's three entries in the main trie: `System::Account`
//!   (balance, nonce), `Revive::OriginalAccount` (which Substrate account an Ethereum address
//!   is, or that none is mapped and the fallback `address ‖ 0xEE…` is), `Revive::AccountInfoOf`
//!   (contract or not, its storage trie and code hash), and for a contract its storage trie's
//!   root;
//! - `storageHash` is the root of the contract's storage (a child trie), and each
//!   `storageProof[].proof` proves the slot's entry there (key `blake2_256(slot)`) with the
//!   main-trie path to that root. An account without code has Ethereum's empty-trie root and
//!   empty slot proofs.

use sp_core::{H160, H256};
use sp_crypto_hashing::{blake2_128, blake2_256, keccak_256, twox_128};

/// Ethereum's root of an empty trie, `keccak256(rlp(""))`: the `storageHash` of an account
/// without storage.
pub const EMPTY_TRIE_ROOT: [u8; 32] = [
	0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
	0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
];

/// Where a default child trie's root lives in the main trie (polkadot-sdk's prefix).
const CHILD_STORAGE_PREFIX: &[u8] = b":child_storage:default:";

fn storage_prefix(pallet: &str, item: &str) -> Vec<u8> {
	[twox_128(pallet.as_bytes()), twox_128(item.as_bytes())].concat()
}

/// `Revive::OriginalAccount(address)` (an `Identity` map).
pub fn original_account_key(address: &H160) -> Vec<u8> {
	[storage_prefix("Revive", "OriginalAccount"), address.as_bytes().to_vec()].concat()
}

/// `Revive::AccountInfoOf(address)` (an `Identity` map).
pub fn account_info_key(address: &H160) -> Vec<u8> {
	[storage_prefix("Revive", "AccountInfoOf"), address.as_bytes().to_vec()].concat()
}

/// `System::Account(account)` (a `Blake2_128Concat` map).
pub fn system_account_key(account: &[u8; 32]) -> Vec<u8> {
	[storage_prefix("System", "Account"), blake2_128(account).to_vec(), account.to_vec()].concat()
}

/// The Substrate account of an Ethereum address no Substrate account is mapped to:
/// `address ‖ 0xEE × 12` (`pallet-revive`'s `AccountId32Mapper`).
pub fn fallback_account(address: &H160) -> [u8; 32] {
	let mut account = [0xEE; 32];
	account[..20].copy_from_slice(address.as_bytes());
	account
}

/// The main-trie key of a contract's storage root, which is also the child trie's name in
/// `state_getChildReadProof`.
pub fn child_trie_key(trie_id: &[u8]) -> Vec<u8> {
	[CHILD_STORAGE_PREFIX, trie_id].concat()
}

/// A storage slot's key in its contract's trie (`pallet-revive` hashes fixed 32-byte keys).
pub fn slot_key(slot: &[u8; 32]) -> [u8; 32] {
	blake2_256(slot)
}

/// Ethereum's code hash of an account without code, `keccak256("")`.
pub fn empty_code_hash() -> H256 {
	H256(keccak_256(&[]))
}

/// A contract's storage trie id and code hash, read from its SCALE-encoded `AccountInfo`
/// (`account_type: Contract(ContractInfo { trie_id, code_hash, .. })` comes first); `None`
/// for an externally owned account or bytes that are not a contract's.
pub fn contract_of(account_info: &[u8]) -> Option<(Vec<u8>, H256)> {
	use codec::Decode;
	let (&variant, mut rest) = account_info.split_first()?;
	// `AccountType::Contract` is the enum's first variant.
	if variant != 0 {
		return None;
	}
	let trie_id = Vec::<u8>::decode(&mut rest).ok()?;
	let code_hash = H256::decode(&mut rest).ok()?;
	Some((trie_id, code_hash))
}

/// A slot given as up to 32 bytes of 0x-prefixed hex, left-padded as Ethereum clients do.
pub fn parse_slot(text: &str) -> Option<[u8; 32]> {
	let digits = text.strip_prefix("0x")?;
	if digits.is_empty() || digits.len() > 64 {
		return None;
	}
	let bytes = hex::decode(format!("{digits:0>64}")).ok()?;
	bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	#[test]
	fn keys_are_polkadot_sdks_storage_keys() {
		// The well-known prefix of `System::Account`.
		let key = system_account_key(&[1; 32]);
		assert_eq!(
			hex::encode(&key[..32]),
			"26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
		);
		assert_eq!(&key[32..48], &blake2_128(&[1; 32]));
		assert_eq!(&key[48..], &[1; 32]);
		let address = H160::repeat_byte(0xab);
		assert_eq!(&account_info_key(&address)[32..], address.as_bytes());
		assert_eq!(&account_info_key(&address)[..16], &twox_128(b"Revive"));
		assert_ne!(account_info_key(&address), original_account_key(&address));
		assert_eq!(fallback_account(&address)[..20], *address.as_bytes());
		assert_eq!(fallback_account(&address)[20..], [0xEE; 12]);
		assert_eq!(child_trie_key(b"id"), b":child_storage:default:id".to_vec());
	}

	#[test]
	fn a_contracts_trie_id_and_code_hash_are_read_and_an_eoa_has_none() {
		// Contract(ContractInfo { trie_id, code_hash, storage_bytes, .. }), then dust.
		let mut contract = vec![0u8];
		contract.extend(vec![7u8; 36].encode());
		contract.extend(H256::repeat_byte(9).encode());
		contract.extend(100u32.encode());
		assert_eq!(contract_of(&contract), Some((vec![7; 36], H256::repeat_byte(9))));
		// EOA, dust 0.
		assert_eq!(contract_of(&[1, 0, 0, 0, 0]), None);
		assert_eq!(contract_of(&[0, 0xff]), None);
		assert_eq!(contract_of(&[]), None);
	}

	#[test]
	fn slots_are_left_padded_and_bad_ones_refused() {
		let mut one = [0u8; 32];
		one[31] = 1;
		assert_eq!(parse_slot("0x1"), Some(one));
		assert_eq!(parse_slot(&format!("0x{}", "00".repeat(31) + "01")), Some(one));
		assert_eq!(parse_slot("0x"), None);
		assert_eq!(parse_slot("1"), None);
		assert_eq!(parse_slot(&format!("0x{}", "0".repeat(65))), None);
		assert_eq!(parse_slot("0xzz"), None);
		assert_eq!(hex::encode(EMPTY_TRIE_ROOT), hex::encode(keccak_256(&[0x80])));
	}

	/// Decodes a JSON array of 0x-hex trie nodes into a storage proof.
	fn storage_proof(nodes: &serde_json::Value) -> sp_state_machine::StorageProof {
		sp_state_machine::StorageProof::new(
			nodes
				.as_array()
				.expect("proof nodes")
				.iter()
				.map(|node| hex::decode(&node.as_str().expect("hex node")[2..]).expect("hex node")),
		)
	}

	fn bytes32(value: &serde_json::Value) -> [u8; 32] {
		let text = value.as_str().expect("hex");
		parse_slot(text).expect("32 bytes")
	}

	/// The answers a dev node's eth-rpc gave (testdata/eth-get-proof.json) verify against the
	/// state root of the Substrate header they name, with polkadot-sdk's own proof checker:
	/// the contract's account entries, its code hash, its storage root and a slot's value; the
	/// EOA's balance entry and nonce.
	#[test]
	fn answers_of_a_live_node_verify_against_its_state_root() {
		use sp_core::{storage::ChildInfo, Blake2Hasher};
		use sp_state_machine::{read_child_proof_check, read_proof_check};
		let fixture: serde_json::Value =
			serde_json::from_str(include_str!("../testdata/eth-get-proof.json")).expect("fixture");
		let root = H256(bytes32(&fixture["stateRoot"]));
		let contract = &fixture["contract"];
		let address: H160 =
			crate::access_list::parse_address(contract["address"].as_str().expect("address"))
				.expect("address");
		let proof = storage_proof(&contract["accountProof"]);
		let keys = [original_account_key(&address), account_info_key(&address)];
		let read = read_proof_check::<Blake2Hasher, _>(root, proof.clone(), &keys).expect("proof");
		assert_eq!(read[&keys[0]], None, "a contract maps to no Substrate account");
		let info = read[&keys[1]].clone().expect("the contract's AccountInfo is proven");
		let (trie_id, code_hash) = contract_of(&info).expect("a contract");
		assert_eq!(code_hash, H256(bytes32(&contract["codeHash"])));
		assert_eq!(code_hash, H256(bytes32(&fixture["codeKeccak"])), "keccak256 of eth_getCode");
		let root_key = child_trie_key(&trie_id);
		let read = read_proof_check::<Blake2Hasher, _>(root, proof, [&root_key]).expect("proof");
		let storage_root = read[&root_key].clone().expect("the storage root is proven");
		assert_eq!(storage_root, bytes32(&contract["storageHash"]).to_vec());

		let slot = &contract["storageProof"][0];
		let key = slot_key(&bytes32(&slot["key"]));
		let read = read_child_proof_check::<Blake2Hasher, _>(
			root,
			storage_proof(&slot["proof"]),
			&ChildInfo::new_default(&trie_id),
			[&key],
		)
		.expect("slot proof");
		let value = read[key.as_slice()].clone().expect("the slot is proven");
		assert_eq!(value, bytes32(&fixture["balanceOf"]).to_vec(), "the slot holds balanceOf");
		assert_eq!(
			parse_slot(slot["value"].as_str().expect("value")),
			Some(bytes32(&fixture["balanceOf"]))
		);

		// A proof does not verify against another root.
		let mut other = root;
		other.0[0] ^= 1;
		assert!(read_proof_check::<Blake2Hasher, _>(
			other,
			storage_proof(&contract["accountProof"]),
			&keys
		)
		.is_err());

		// The EOA: its System::Account entry (nonce first) under the fallback account.
		let account = &fixture["account"];
		let address =
			crate::access_list::parse_address(account["address"].as_str().expect("address"))
				.expect("address");
		let key = system_account_key(&fallback_account(&address));
		let read = read_proof_check::<Blake2Hasher, _>(
			root,
			storage_proof(&account["accountProof"]),
			[&key, &account_info_key(&address)],
		)
		.expect("proof");
		let entry = read[&key].clone().expect("the account is proven");
		let nonce = u32::from_le_bytes(entry[..4].try_into().expect("nonce"));
		assert_eq!(format!("0x{nonce:x}"), account["nonce"].as_str().expect("nonce"));
		assert_eq!(
			contract_of(&read[&account_info_key(&address)].clone().unwrap_or_default()),
			None
		);
		assert_eq!(account["storageHash"].as_str(), Some(hex_of(&EMPTY_TRIE_ROOT).as_str()));
		assert_eq!(account["codeHash"].as_str(), Some(hex_of(&empty_code_hash().0).as_str()));
	}

	fn hex_of(bytes: &[u8]) -> String {
		format!("0x{}", hex::encode(bytes))
	}
}
