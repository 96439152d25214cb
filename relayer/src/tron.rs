//! TRON's encodings: addresses (base58check of `0x41 ‖ 20-byte account`; the 20 bytes are the
//! Ethereum-style address TRON's JSON-RPC and its EVM use), transactions as the protobuf
//! messages of java-tron's `Tron.proto` (with `prost`), transaction ids (SHA-256 of
//! `raw_data`) and their secp256k1 signatures (`r ‖ s ‖ v`, `v` 27/28).
//!
//! Checked against vectors made by `tronweb` (`scripts/reference/tron/`).

use crate::error::Error;
use prost::Message;
use sha2::{Digest, Sha256};
use sp_core::{ecdsa, H160};

/// First byte of every TRON mainnet/testnet address.
pub const ADDRESS_PREFIX: u8 = 0x41;

fn checksum(payload: &[u8]) -> [u8; 4] {
	let twice = Sha256::digest(Sha256::digest(payload));
	[twice[0], twice[1], twice[2], twice[3]]
}

/// Parses a base58check TRON address (`T…`) into its 20-byte account.
pub fn parse_address(address: &str) -> Result<H160, Error> {
	let invalid = || Error::TronAddress(address.to_string());
	let bytes = bs58::decode(address).into_vec().map_err(|_| invalid())?;
	if bytes.len() != 25 || bytes[0] != ADDRESS_PREFIX {
		return Err(invalid());
	}
	if checksum(&bytes[..21]) != bytes[21..] {
		return Err(invalid());
	}
	Ok(H160::from_slice(&bytes[1..21]))
}

/// Formats a 20-byte account as a base58check TRON address.
pub fn format_address(account: &H160) -> String {
	let mut bytes = Vec::with_capacity(25);
	bytes.push(ADDRESS_PREFIX);
	bytes.extend_from_slice(account.as_bytes());
	let check = checksum(&bytes);
	bytes.extend_from_slice(&check);
	bs58::encode(bytes).into_string()
}

/// The 21-byte form of a 20-byte account (`0x41 ‖ account`), as TRON's protobuf messages and
/// its HTTP API (`visible: false`) carry it.
pub fn account_bytes(account: &H160) -> [u8; 21] {
	let mut bytes = [ADDRESS_PREFIX; 21];
	bytes[1..].copy_from_slice(account.as_bytes());
	bytes
}

/// The 20-byte account of a 21-byte TRON address (`0x41 ‖ account`).
pub fn account_of(bytes: &[u8]) -> Option<H160> {
	match bytes {
		[ADDRESS_PREFIX, rest @ ..] if rest.len() == 20 => Some(H160::from_slice(rest)),
		_ => None,
	}
}

/// java-tron's protobuf messages (`core/Tron.proto`, `core/contract/smart_contract.proto`),
/// the fields a smart-contract call uses.
pub mod proto {
	/// `protocol.Transaction`.
	#[derive(Clone, PartialEq, prost::Message)]
	pub struct Transaction {
		/// `raw_data`: what the transaction id hashes and the signatures sign.
		#[prost(message, optional, tag = "1")]
		pub raw_data: Option<Raw>,
		/// One 65-byte signature per signer.
		#[prost(bytes = "vec", repeated, tag = "2")]
		pub signature: Vec<Vec<u8>>,
	}

	/// `protocol.Transaction.raw`.
	#[derive(Clone, PartialEq, prost::Message)]
	pub struct Raw {
		/// Bytes 6..8 of the reference block's number (big-endian).
		#[prost(bytes = "vec", tag = "1")]
		pub ref_block_bytes: Vec<u8>,
		/// Unused by the HTTP API's transactions.
		#[prost(int64, tag = "3")]
		pub ref_block_num: i64,
		/// Bytes 8..16 of the reference block's id.
		#[prost(bytes = "vec", tag = "4")]
		pub ref_block_hash: Vec<u8>,
		/// Unix milliseconds after which the transaction can no longer be included.
		#[prost(int64, tag = "8")]
		pub expiration: i64,
		/// Memo.
		#[prost(bytes = "vec", tag = "10")]
		pub data: Vec<u8>,
		/// The contract calls (exactly one in practice).
		#[prost(message, repeated, tag = "11")]
		pub contract: Vec<Contract>,
		/// Unix milliseconds of creation.
		#[prost(int64, tag = "14")]
		pub timestamp: i64,
		/// Most sun the call may burn for energy.
		#[prost(int64, tag = "18")]
		pub fee_limit: i64,
	}

	/// `protocol.Transaction.Contract`.
	#[derive(Clone, PartialEq, prost::Message)]
	pub struct Contract {
		/// `ContractType` (31 = `TriggerSmartContract`).
		#[prost(int32, tag = "1")]
		pub r#type: i32,
		/// The contract message, packed.
		#[prost(message, optional, tag = "2")]
		pub parameter: Option<Any>,
		/// Account permission used (0 = owner).
		#[prost(int32, tag = "5")]
		pub permission_id: i32,
	}

	/// `google.protobuf.Any`.
	#[derive(Clone, PartialEq, prost::Message)]
	pub struct Any {
		/// `type.googleapis.com/protocol.<Message>`.
		#[prost(string, tag = "1")]
		pub type_url: String,
		/// The message's bytes.
		#[prost(bytes = "vec", tag = "2")]
		pub value: Vec<u8>,
	}

	/// `protocol.TriggerSmartContract`.
	#[derive(Clone, PartialEq, prost::Message)]
	pub struct TriggerSmartContract {
		/// Caller (21 bytes).
		#[prost(bytes = "vec", tag = "1")]
		pub owner_address: Vec<u8>,
		/// Contract (21 bytes).
		#[prost(bytes = "vec", tag = "2")]
		pub contract_address: Vec<u8>,
		/// TRX sent, in sun.
		#[prost(int64, tag = "3")]
		pub call_value: i64,
		/// Calldata.
		#[prost(bytes = "vec", tag = "4")]
		pub data: Vec<u8>,
		/// TRC-10 tokens sent.
		#[prost(int64, tag = "5")]
		pub call_token_value: i64,
		/// TRC-10 token id.
		#[prost(int64, tag = "6")]
		pub token_id: i64,
	}
}

/// `ContractType.TriggerSmartContract`.
pub const TRIGGER_SMART_CONTRACT: i32 = 31;
/// The `Any` type URL of a `TriggerSmartContract`.
pub const TRIGGER_SMART_CONTRACT_URL: &str = "type.googleapis.com/protocol.TriggerSmartContract";

/// A smart-contract call as one transaction carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractCall {
	/// Caller.
	pub owner: H160,
	/// Contract.
	pub contract: H160,
	/// Calldata.
	pub data: Vec<u8>,
	/// TRX sent, in sun.
	pub call_value: i64,
	/// Most sun burnt for energy.
	pub fee_limit: i64,
}

/// Where a transaction is anchored and how long it lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
	/// Bytes 6..8 of the reference block's number.
	pub ref_block_bytes: [u8; 2],
	/// Bytes 8..16 of the reference block's id.
	pub ref_block_hash: [u8; 8],
	/// Unix milliseconds after which it cannot be included.
	pub expiration: i64,
	/// Unix milliseconds of creation.
	pub timestamp: i64,
}

impl Anchor {
	/// The anchor on reference block `number` with id (hash) `block_id`, created at
	/// `timestamp` and valid for `lifetime_ms`.
	pub fn on_block(number: u64, block_id: &[u8; 32], timestamp: i64, lifetime_ms: i64) -> Self {
		let number = number.to_be_bytes();
		let mut ref_block_hash = [0u8; 8];
		ref_block_hash.copy_from_slice(&block_id[8..16]);
		Self {
			ref_block_bytes: [number[6], number[7]],
			ref_block_hash,
			expiration: timestamp.saturating_add(lifetime_ms),
			timestamp,
		}
	}
}

/// The `raw_data` of a transaction making `call`, anchored at `anchor`.
pub fn trigger_smart_contract(call: &ContractCall, anchor: &Anchor) -> proto::Raw {
	let trigger = proto::TriggerSmartContract {
		owner_address: account_bytes(&call.owner).to_vec(),
		contract_address: account_bytes(&call.contract).to_vec(),
		call_value: call.call_value,
		data: call.data.clone(),
		call_token_value: 0,
		token_id: 0,
	};
	proto::Raw {
		ref_block_bytes: anchor.ref_block_bytes.to_vec(),
		ref_block_num: 0,
		ref_block_hash: anchor.ref_block_hash.to_vec(),
		expiration: anchor.expiration,
		data: Vec::new(),
		contract: vec![proto::Contract {
			r#type: TRIGGER_SMART_CONTRACT,
			parameter: Some(proto::Any {
				type_url: TRIGGER_SMART_CONTRACT_URL.into(),
				value: trigger.encode_to_vec(),
			}),
			permission_id: 0,
		}],
		timestamp: anchor.timestamp,
		fee_limit: call.fee_limit,
	}
}

/// The single smart-contract call of `raw_data` bytes, and their anchor; refuses anything
/// else (another contract type, several contracts, a permission other than the owner's,
/// fields these messages do not know, a memo).
pub fn decode_call(raw: &[u8]) -> Result<(ContractCall, Anchor), String> {
	let decoded = proto::Raw::decode(raw).map_err(|e| format!("raw_data: {e}"))?;
	if decoded.encode_to_vec() != raw {
		return Err("raw_data carries fields a smart-contract call does not use".into());
	}
	let [contract] = &decoded.contract[..] else {
		return Err(format!("{} contracts, not one", decoded.contract.len()));
	};
	if contract.r#type != TRIGGER_SMART_CONTRACT || contract.permission_id != 0 {
		return Err(format!(
			"contract type {} with permission {}: not an owner's TriggerSmartContract",
			contract.r#type, contract.permission_id
		));
	}
	let any = contract.parameter.as_ref().ok_or("no contract parameter")?;
	if any.type_url != TRIGGER_SMART_CONTRACT_URL {
		return Err(format!("parameter of type {}", any.type_url));
	}
	let trigger = proto::TriggerSmartContract::decode(&any.value[..])
		.map_err(|e| format!("TriggerSmartContract: {e}"))?;
	if trigger.encode_to_vec() != any.value {
		return Err("TriggerSmartContract carries unknown fields".into());
	}
	if trigger.call_token_value != 0 || trigger.token_id != 0 || !decoded.data.is_empty() {
		return Err("TRC-10 tokens or a memo attached".into());
	}
	let owner = account_of(&trigger.owner_address).ok_or("owner is not a 0x41 address")?;
	let contract = account_of(&trigger.contract_address).ok_or("contract is not a 0x41 address")?;
	let ref_block_bytes: [u8; 2] =
		decoded.ref_block_bytes.try_into().map_err(|_| "ref_block_bytes is not 2 bytes")?;
	let ref_block_hash: [u8; 8] =
		decoded.ref_block_hash.try_into().map_err(|_| "ref_block_hash is not 8 bytes")?;
	Ok((
		ContractCall {
			owner,
			contract,
			data: trigger.data,
			call_value: trigger.call_value,
			fee_limit: decoded.fee_limit,
		},
		Anchor {
			ref_block_bytes,
			ref_block_hash,
			expiration: decoded.expiration,
			timestamp: decoded.timestamp,
		},
	))
}

/// The transaction id: SHA-256 of the `raw_data` bytes.
pub fn txid(raw: &[u8]) -> [u8; 32] {
	Sha256::digest(raw).into()
}

/// `signer`'s signature of transaction id `txid`: `r ‖ s ‖ v`, low `s`, `v` 27 or 28.
pub fn sign(signer: &ecdsa::Pair, txid: &[u8; 32]) -> [u8; 65] {
	let mut signature = signer.sign_prehashed(txid).0;
	signature[64] = signature[64].saturating_add(27);
	signature
}

/// The account that signed transaction id `txid` (`v` 27/28 or 0/1).
pub fn recover(txid: &[u8; 32], signature: &[u8; 65]) -> Option<H160> {
	let mut rsv = *signature;
	if rsv[64] >= 27 {
		rsv[64] -= 27;
	}
	let public = sp_io::crypto::secp256k1_ecdsa_recover(&rsv, txid).ok()?;
	Some(bttc_primitives::staking::signer_address(&public))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;
	use sp_core::Pair;

	#[test]
	fn usdt_contract_address_round_trips() {
		// The USDT TRC-20 contract: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t = 41a614f8…d13c.
		let account = parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").unwrap();
		assert_eq!(format!("{account:?}"), "0xa614f803b6fd780986a42c78ec9c7f77e6ded13c");
		assert_eq!(format_address(&account), "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
	}

	#[test]
	fn bad_checksum_prefix_or_length_is_refused() {
		assert!(parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u").is_err());
		assert!(parse_address("0xa614f803b6fd780986a42c78ec9c7f77e6ded13c").is_err());
		assert!(parse_address("").is_err());
		// A valid base58check payload with another prefix (Bitcoin's 0x00).
		let mut bytes = vec![0u8; 21];
		let check = checksum(&bytes);
		bytes.extend_from_slice(&check);
		assert!(parse_address(&bs58::encode(bytes).into_string()).is_err());
	}

	/// `tronweb`'s vectors (`scripts/reference/tron/vectors.js`).
	fn vectors() -> serde_json::Value {
		let text = include_str!("../tests/data/tron_vectors.json");
		serde_json::from_str(text).unwrap()
	}

	fn bytes(value: &serde_json::Value) -> Vec<u8> {
		sp_core::bytes::from_hex(value.as_str().unwrap()).unwrap()
	}

	fn account(hex41: &serde_json::Value) -> H160 {
		account_of(&bytes(hex41)).unwrap()
	}

	#[test]
	fn addresses_match_tronweb() {
		let vectors = vectors();
		let addresses = vectors["addresses"].as_array().unwrap();
		assert!(addresses.len() >= 4);
		for a in addresses {
			let evm: H160 = a["evm"].as_str().unwrap().parse().unwrap();
			assert_eq!(format_address(&evm), a["base58"].as_str().unwrap());
			assert_eq!(parse_address(a["base58"].as_str().unwrap()).unwrap(), evm);
			assert_eq!(account_bytes(&evm).to_vec(), bytes(&a["hex"]));
			if let Some(secret) = a["privateKey"].as_str() {
				let pair = ecdsa::Pair::from_seed_slice(&sp_core::bytes::from_hex(secret).unwrap())
					.unwrap();
				let digest = [9u8; 32];
				assert_eq!(recover(&digest, &sign(&pair, &digest)), Some(evm));
			}
		}
	}

	#[test]
	fn transactions_txids_and_signatures_match_tronweb() {
		let vectors = vectors();
		let transactions = vectors["transactions"].as_array().unwrap();
		assert!(transactions.len() >= 3);
		for t in transactions {
			let (inputs, outputs) = (&t["inputs"], &t["outputs"]);
			let name = t["name"].as_str().unwrap();
			let call = ContractCall {
				owner: account(&inputs["ownerAddress"]),
				contract: account(&inputs["contractAddress"]),
				data: bytes(&inputs["data"]),
				call_value: inputs["callValue"].as_i64().unwrap(),
				fee_limit: inputs["feeLimit"].as_i64().unwrap(),
			};
			let anchor = Anchor {
				ref_block_bytes: bytes(&inputs["refBlockBytes"]).try_into().unwrap(),
				ref_block_hash: bytes(&inputs["refBlockHash"]).try_into().unwrap(),
				expiration: inputs["expiration"].as_i64().unwrap(),
				timestamp: inputs["timestamp"].as_i64().unwrap(),
			};
			let raw = trigger_smart_contract(&call, &anchor).encode_to_vec();
			assert_eq!(raw, bytes(&outputs["rawDataHex"]), "{name}: raw_data");
			assert_eq!(decode_call(&raw).unwrap(), (call.clone(), anchor), "{name}: decoded");
			let id = txid(&raw);
			assert_eq!(id.to_vec(), bytes(&outputs["txID"]), "{name}: txID");
			let secret = sp_core::bytes::from_hex(inputs["privateKey"].as_str().unwrap()).unwrap();
			let pair = ecdsa::Pair::from_seed_slice(&secret).unwrap();
			// RFC 6979 on both sides: the same signature, byte for byte (tronweb prints `v`
			// in upper case).
			let signature = sign(&pair, &id);
			assert_eq!(signature.to_vec(), bytes(&outputs["signature"]), "{name}: signature");
			assert_eq!(recover(&id, &signature), Some(call.owner), "{name}: signer");
			let whole = proto::Transaction {
				raw_data: Some(proto::Raw::decode(&raw[..]).unwrap()),
				signature: vec![signature.to_vec()],
			};
			assert_eq!(
				whole.encode_to_vec(),
				bytes(&outputs["transactionHex"]),
				"{name}: Transaction"
			);
		}
	}

	#[test]
	fn a_raw_data_with_anything_but_one_owner_call_is_refused() {
		let call = ContractCall {
			owner: H160::repeat_byte(1),
			contract: H160::repeat_byte(2),
			data: vec![0xab; 36],
			call_value: 0,
			fee_limit: 1_000_000,
		};
		let anchor = Anchor::on_block(0x1234_5678, &[7u8; 32], 1_700_000_000_000, 60_000);
		assert_eq!(anchor.ref_block_bytes, [0x56, 0x78]);
		let good = trigger_smart_contract(&call, &anchor);
		assert!(decode_call(&good.encode_to_vec()).is_ok());
		let mut two = good.clone();
		two.contract.push(two.contract[0].clone());
		assert!(decode_call(&two.encode_to_vec()).is_err());
		let mut other_permission = good.clone();
		other_permission.contract[0].permission_id = 2;
		assert!(decode_call(&other_permission.encode_to_vec()).is_err());
		let mut memo = good.clone();
		memo.data = b"hi".to_vec();
		assert!(decode_call(&memo.encode_to_vec()).is_err());
		let mut unknown = good.encode_to_vec();
		unknown.extend_from_slice(&[0x48, 0x01]); // field 9 (auths), varint
		assert!(decode_call(&unknown).is_err());
	}
}
