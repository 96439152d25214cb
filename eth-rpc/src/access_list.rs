//! `eth_createAccessList`, which polkadot-sdk's server lacks: the accounts and storage slots a
//! transaction touches, from the server's `prestateTracer` run of it (`debug_traceCall`).
//!
//! As geth does, the list leaves out the sender, the recipient (or the created contract) and
//! precompiles, which every transaction touches anyway. On BTTC an access list changes no
//! cost: `pallet-revive` prices storage access by weight, with no warm or cold slots, so the
//! list is for tools that want to know what a call reads and writes; its `gasUsed` is
//! `eth_estimateGas` of the transaction carrying the list.

use serde_json::{json, Value};
use sp_core::H160;
use sp_crypto_hashing::keccak_256;
use std::collections::{BTreeMap, BTreeSet};

/// Addresses up to this one are precompiles or reserved for them (Ethereum's at 0x01–0x11,
/// `pallet-revive`'s below 0x10000).
const HIGHEST_PRECOMPILE: u64 = 0xffff;

/// The access list of a `prestateTracer` trace (address → `{ balance, nonce, code, storage }`),
/// without the `excluded` addresses and precompiles, sorted by address and slot.
pub fn from_prestate(prestate: &Value, excluded: &[H160]) -> Value {
	let mut list: BTreeMap<H160, BTreeSet<String>> = BTreeMap::new();
	for (address, account) in prestate.as_object().into_iter().flatten() {
		let Some(address) = parse_address(address) else { continue };
		if excluded.contains(&address) || is_precompile(&address) {
			continue;
		}
		let slots = list.entry(address).or_default();
		for slot in account.get("storage").and_then(Value::as_object).into_iter().flatten() {
			slots.insert(slot.0.to_lowercase());
		}
	}
	Value::Array(
		list.into_iter()
			.map(|(address, slots)| json!({"address": address, "storageKeys": slots}))
			.collect(),
	)
}

/// The address a contract created by `sender` with `nonce` gets (CREATE):
/// `keccak256(rlp([sender, nonce]))[12..]`.
pub fn created_address(sender: &H160, nonce: u64) -> H160 {
	let nonce_bytes: Vec<u8> =
		nonce.to_be_bytes().into_iter().skip_while(|byte| *byte == 0).collect();
	let mut payload = Vec::with_capacity(30);
	payload.push(0x80 + 20);
	payload.extend_from_slice(sender.as_bytes());
	match nonce_bytes.as_slice() {
		[] => payload.push(0x80),
		[single] if *single < 0x80 => payload.push(*single),
		bytes => {
			payload.push(0x80 + bytes.len() as u8);
			payload.extend_from_slice(bytes);
		}
	}
	let mut encoded = vec![0xc0 + payload.len() as u8];
	encoded.extend_from_slice(&payload);
	H160::from_slice(&keccak_256(&encoded)[12..])
}

/// A `0x`-prefixed 20-byte hex address.
pub fn parse_address(text: &str) -> Option<H160> {
	let bytes = hex::decode(text.strip_prefix("0x")?).ok()?;
	(bytes.len() == 20).then(|| H160::from_slice(&bytes))
}

fn is_precompile(address: &H160) -> bool {
	address.as_bytes()[..12].iter().all(|byte| *byte == 0)
		&& u64::from_be_bytes(address.as_bytes()[12..].try_into().unwrap_or([0xff; 8]))
			<= HIGHEST_PRECOMPILE
}

#[cfg(test)]
mod tests {
	use super::*;

	fn address(text: &str) -> H160 {
		parse_address(text).expect("test address")
	}

	#[test]
	fn the_list_names_touched_accounts_and_slots_but_not_sender_recipient_or_precompiles() {
		let sender = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
		let router = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
		let token = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
		let pair = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
		let prestate = json!({
			sender: {"balance": "0x10", "nonce": 3},
			router: {"balance": "0x0", "code": "0x60", "storage": {"0x00": "0x01"}},
			token: {"balance": "0x0", "code": "0x60", "storage": {
				"0x0000000000000000000000000000000000000000000000000000000000000002": "0x05",
				"0x0000000000000000000000000000000000000000000000000000000000000001": "0x07",
			}},
			pair: {"balance": "0x0", "code": "0x60"},
			"0x0000000000000000000000000000000000000001": {"balance": "0x0"},
			"0x000000000000000000000000000000000000ffff": {"balance": "0x0"},
			"not an address": {"balance": "0x0"},
		});
		let list = from_prestate(&prestate, &[address(sender), address(router)]);
		assert_eq!(
			list,
			json!([
				{"address": pair, "storageKeys": []},
				{"address": token, "storageKeys": [
					"0x0000000000000000000000000000000000000000000000000000000000000001",
					"0x0000000000000000000000000000000000000000000000000000000000000002",
				]},
			])
		);
	}

	#[test]
	fn created_addresses_follow_ethereums_create_rule() {
		// Foundry's first development account deploys its first contracts at these addresses
		// on every Ethereum chain.
		let deployer = address("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
		assert_eq!(
			created_address(&deployer, 0),
			address("0x5fbdb2315678afecb367f032d93f642f64180aa3")
		);
		assert_eq!(
			created_address(&deployer, 1),
			address("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512")
		);
		assert_eq!(
			created_address(&deployer, 2),
			address("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0")
		);
		// Nonces of one byte at or above 0x80, and of more bytes, take a length prefix
		// (figures from Foundry's `cast compute-address`).
		for (nonce, expected) in [
			(127, "0x5fc748f1feb28d7b76fa1c6b07d8ba2d5535177c"),
			(128, "0xb82008565fdc7e44609fa118a4a681e92581e680"),
			(256, "0x3c1cb427d20f15563ada8c249e71db76d7183b6c"),
			(70_000, "0x3808bbf68110240e59b12334b301d8f31ab36363"),
		] {
			assert_eq!(created_address(&deployer, nonce), address(expected), "nonce {nonce}");
		}
	}
}
