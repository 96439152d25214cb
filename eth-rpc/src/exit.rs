//! Exit payloads (`bttc_getExitPayload`): what `RootChainManager.exit` on a root chain takes to
//! release tokens burnt on BTTC, built from this chain's own blocks.
//!
//! `rlp([headerNumber, blockProof, blockNumber, blockTime, txRoot, receiptRoot, receipt,
//! receiptProof, branchMask, logIndex])` (`contracts/src/bridge/ExitPayload.sol`):
//!
//! - `receipt`: the burn's receipt in consensus encoding (`type ‖ rlp([status,
//!   cumulativeGasUsed, logsBloom, logs])`), as `pallet-revive` hashes it into the block's
//!   receipts root;
//! - `receiptProof`: the RLP list of the receipt-trie nodes from the root to it, the trie
//!   rebuilt here from the block's receipts and checked against the block's `receiptsRoot`;
//! - `branchMask`: `0x00 ‖ rlp(transactionIndex)`, the receipt's key;
//! - `blockProof`: the block's siblings in the checkpoint's Merkle tree (the node's
//!   `bttc_getInclusionProof`), concatenated;
//! - `logIndex`: the index, inside the receipt, of the `Burned(from, rootChainId, amount)` log
//!   naming the root chain the exit is for.

use crate::{error::Error, http};
use serde_json::Value;
use sp_core::{H160, H256};
use sp_crypto_hashing::keccak_256;

/// `keccak256("Burned(address,uint256,uint256)")`: the log an exit proves.
pub fn burned_topic() -> H256 {
	H256(keccak_256(b"Burned(address,uint256,uint256)"))
}

// ---- RLP -------------------------------------------------------------------------------

fn length_prefix(len: usize, short: u8, long: u8) -> Vec<u8> {
	if len < 56 {
		vec![short + len as u8]
	} else {
		let bytes = len.to_be_bytes();
		let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len() - 1);
		let mut out = vec![long + (bytes.len() - first) as u8];
		out.extend_from_slice(&bytes[first..]);
		out
	}
}

/// RLP of a byte string.
pub fn rlp_bytes(bytes: &[u8]) -> Vec<u8> {
	if bytes.len() == 1 && bytes[0] < 0x80 {
		return bytes.to_vec();
	}
	let mut out = length_prefix(bytes.len(), 0x80, 0xb7);
	out.extend_from_slice(bytes);
	out
}

/// RLP of a list whose items are already encoded.
pub fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
	let payload: usize = items.iter().map(Vec::len).sum();
	let mut out = length_prefix(payload, 0xc0, 0xf7);
	for item in items {
		out.extend_from_slice(item);
	}
	out
}

/// RLP of an unsigned integer (big-endian, no leading zeros; 0 is the empty string).
pub fn rlp_uint(value: u128) -> Vec<u8> {
	let bytes = value.to_be_bytes();
	let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
	rlp_bytes(&bytes[first..])
}

// ---- receipts ----------------------------------------------------------------------------

fn hex_field(value: &Value, what: &'static str, field: &'static str) -> Result<Vec<u8>, Error> {
	value
		.get(field)
		.and_then(Value::as_str)
		.and_then(|text| text.strip_prefix("0x"))
		.and_then(|digits| hex::decode(digits).ok())
		.ok_or(Error::BadBackendField { what, field })
}

/// A `0x` quantity field.
pub fn quantity_field(
	value: &Value,
	what: &'static str,
	field: &'static str,
) -> Result<u128, Error> {
	value
		.get(field)
		.and_then(Value::as_str)
		.and_then(|text| text.strip_prefix("0x"))
		.and_then(|digits| u128::from_str_radix(digits, 16).ok())
		.ok_or(Error::BadBackendField { what, field })
}

/// A 32-byte hash field.
pub fn hash_field(value: &Value, what: &'static str, field: &'static str) -> Result<H256, Error> {
	let bytes = hex_field(value, what, field)?;
	if bytes.len() != 32 {
		return Err(Error::BadBackendField { what, field });
	}
	Ok(H256::from_slice(&bytes))
}

/// The consensus encoding of a receipt given as `eth_getTransactionReceipt` answers it, with
/// `cumulative` as its cumulative gas used: `pallet-revive-eth-rpc` answers
/// `cumulativeGasUsed` 0, while the runtime hashes the block's running sum of `gasUsed`
/// ([`encode_block_receipts`]).
pub fn encode_receipt(receipt: &Value, cumulative: u128) -> Result<Vec<u8>, Error> {
	const WHAT: &str = "receipt";
	let status = quantity_field(receipt, WHAT, "status")?;
	let bloom = hex_field(receipt, WHAT, "logsBloom")?;
	if bloom.len() != 256 {
		return Err(Error::BadBackendField { what: WHAT, field: "logsBloom" });
	}
	let logs = receipt
		.get("logs")
		.and_then(Value::as_array)
		.ok_or(Error::BadBackendField { what: WHAT, field: "logs" })?;
	let mut encoded_logs = Vec::with_capacity(logs.len());
	for log in logs {
		let address = hex_field(log, "log", "address")?;
		if address.len() != 20 {
			return Err(Error::BadBackendField { what: "log", field: "address" });
		}
		let topics = log
			.get("topics")
			.and_then(Value::as_array)
			.ok_or(Error::BadBackendField { what: "log", field: "topics" })?
			.iter()
			.map(|topic| {
				let bytes = topic
					.as_str()
					.and_then(|t| t.strip_prefix("0x"))
					.and_then(|t| hex::decode(t).ok())
					.filter(|b| b.len() == 32)
					.ok_or(Error::BadBackendField { what: "log", field: "topics" })?;
				Ok(rlp_bytes(&bytes))
			})
			.collect::<Result<Vec<_>, Error>>()?;
		let data = hex_field(log, "log", "data")?;
		encoded_logs.push(rlp_list(&[rlp_bytes(&address), rlp_list(&topics), rlp_bytes(&data)]));
	}
	let body = rlp_list(&[
		rlp_uint(u128::from(status == 1)),
		rlp_uint(cumulative),
		rlp_bytes(&bloom),
		rlp_list(&encoded_logs),
	]);
	let kind = match receipt.get("type") {
		None | Some(Value::Null) => 0,
		Some(_) => quantity_field(receipt, WHAT, "type")?,
	};
	Ok(if kind == 0 {
		body
	} else {
		let mut typed = vec![kind as u8];
		typed.extend_from_slice(&body);
		typed
	})
}

/// A block's receipts in transaction order. Their positions in it are their keys in the
/// receipt trie: `transactionIndex` counts every extrinsic of the block (the timestamp
/// inherent first), not only the Ethereum transactions the block builder hashes.
pub fn in_block_order(receipts: &[Value]) -> Vec<&Value> {
	let mut sorted: Vec<&Value> = receipts.iter().collect();
	sorted.sort_by_key(|r| quantity_field(r, "receipt", "transactionIndex").unwrap_or(u128::MAX));
	sorted
}

/// The consensus encodings of a block's receipts, given [`in_block_order`], each with the
/// running sum of `gasUsed` up to it as its cumulative gas used (what `pallet-revive`'s block
/// builder hashes into the receipts root).
pub fn encode_block_receipts(ordered: &[&Value]) -> Result<Vec<Vec<u8>>, Error> {
	let mut cumulative = 0u128;
	ordered
		.iter()
		.map(|receipt| {
			cumulative = cumulative.saturating_add(quantity_field(receipt, "receipt", "gasUsed")?);
			encode_receipt(receipt, cumulative)
		})
		.collect()
}

/// The receipt-trie key of transaction `index`: `rlp(index)`.
pub fn receipt_key(index: u64) -> Vec<u8> {
	rlp_uint(u128::from(index))
}

// ---- Merkle-Patricia trie ----------------------------------------------------------------

fn nibbles(key: &[u8]) -> Vec<u8> {
	key.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect()
}

/// Hex-prefix encoding of a path (`leaf`: terminator flag).
fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
	let flag = if leaf { 2 } else { 0 } + (path.len() % 2) as u8;
	let mut out = Vec::with_capacity(path.len() / 2 + 1);
	let rest = if path.len() % 2 == 1 {
		out.push((flag << 4) | path[0]);
		&path[1..]
	} else {
		out.push(flag << 4);
		path
	};
	out.extend(rest.chunks(2).map(|pair| (pair[0] << 4) | pair[1]));
	out
}

/// How a parent refers to a child node: inline if its encoding is shorter than 32 bytes,
/// else by its hash.
fn reference(encoded: &[u8]) -> Vec<u8> {
	if encoded.len() < 32 {
		encoded.to_vec()
	} else {
		rlp_bytes(&keccak_256(encoded))
	}
}

/// Builds the node over `entries` (sorted, distinct, no key a prefix of another) at `depth`
/// nibbles; returns its encoding, and appends to `proof` the encodings of the nodes on the
/// path to `target`, parents first.
fn build(
	entries: &[(Vec<u8>, Vec<u8>)],
	depth: usize,
	target: Option<&[u8]>,
	proof: &mut Vec<Vec<u8>>,
) -> Vec<u8> {
	// Where this node's encoding goes in `proof`, if the target lies below it.
	let slot = target.map(|_| {
		proof.push(Vec::new());
		proof.len() - 1
	});
	let encoded = if let [(key, value)] = entries {
		rlp_list(&[rlp_bytes(&hex_prefix(&key[depth..], true)), rlp_bytes(value)])
	} else {
		let first = &entries[0].0;
		let last = &entries[entries.len() - 1].0;
		let shared = first[depth..].iter().zip(&last[depth..]).take_while(|(a, b)| a == b).count();
		if shared > 0 {
			let child = build(entries, depth + shared, target, proof);
			rlp_list(&[
				rlp_bytes(&hex_prefix(&first[depth..depth + shared], false)),
				reference(&child),
			])
		} else {
			let mut items = Vec::with_capacity(17);
			let mut value = Vec::new();
			let mut rest = entries;
			if rest[0].0.len() == depth {
				value = rest[0].1.clone();
				rest = &rest[1..];
			}
			for nibble in 0..16u8 {
				let count = rest.iter().take_while(|(key, _)| key[depth] == nibble).count();
				let (group, after) = rest.split_at(count);
				rest = after;
				if group.is_empty() {
					items.push(rlp_bytes(&[]));
				} else {
					let below = target.filter(|t| t.len() > depth && t[depth] == nibble);
					items.push(reference(&build(group, depth + 1, below, proof)));
				}
			}
			items.push(rlp_bytes(&value));
			rlp_list(&items)
		}
	};
	if let Some(slot) = slot {
		proof[slot] = encoded.clone();
	}
	encoded
}

/// A block's receipt trie.
pub struct ReceiptTrie {
	/// Sorted `(key nibbles, value)`.
	entries: Vec<(Vec<u8>, Vec<u8>)>,
}

impl ReceiptTrie {
	/// The trie of `receipts` (consensus encodings, in transaction order).
	pub fn new(receipts: Vec<Vec<u8>>) -> Self {
		let mut entries: Vec<(Vec<u8>, Vec<u8>)> = receipts
			.into_iter()
			.enumerate()
			.map(|(index, value)| (nibbles(&receipt_key(index as u64)), value))
			.collect();
		entries.sort();
		Self { entries }
	}

	/// The root hash (the empty trie's for no receipts).
	pub fn root(&self) -> H256 {
		if self.entries.is_empty() {
			return H256(keccak_256(&rlp_bytes(&[])));
		}
		H256(keccak_256(&build(&self.entries, 0, None, &mut Vec::new())))
	}

	/// The nodes from the root to transaction `index`'s receipt, and the receipt.
	pub fn proof(&self, index: u64) -> Option<(Vec<Vec<u8>>, Vec<u8>)> {
		let key = nibbles(&receipt_key(index));
		let value = self.entries.iter().find(|(k, _)| *k == key)?.1.clone();
		let mut proof = Vec::new();
		build(&self.entries, 0, Some(&key), &mut proof);
		// `build` reserves a slot per node it passes on the way down; only those on the
		// target's path were filled with the target below them.
		proof.retain(|node| !node.is_empty());
		Some((proof, value))
	}
}

// ---- the payload ---------------------------------------------------------------------------

/// The index, inside `receipt`, of the `Burned` log naming `root_chain_id` (emitted by any
/// contract: the root chain checks the emitter is a mapped child token).
pub fn burn_log_index(receipt: &Value, root_chain_id: u8) -> Option<(u64, H160)> {
	let mut chain_topic = [0u8; 32];
	chain_topic[31] = root_chain_id;
	let chain_topic = format!("0x{}", hex::encode(chain_topic));
	let burned = format!("{:?}", burned_topic());
	receipt.get("logs")?.as_array()?.iter().enumerate().find_map(|(index, log)| {
		let topics = log.get("topics")?.as_array()?;
		let matches = topics.len() == 3
			&& topics[0].as_str()?.eq_ignore_ascii_case(&burned)
			&& topics[2].as_str()?.eq_ignore_ascii_case(&chain_topic);
		let emitter = hex::decode(log.get("address")?.as_str()?.strip_prefix("0x")?).ok()?;
		(matches && emitter.len() == 20).then(|| (index as u64, H160::from_slice(&emitter)))
	})
}

/// The root chains named in a receipt's `Burned` logs (for a clear refusal).
pub fn burn_chains(receipt: &Value) -> Vec<u64> {
	let burned = format!("{:?}", burned_topic());
	let Some(logs) = receipt.get("logs").and_then(Value::as_array) else { return Vec::new() };
	logs.iter()
		.filter_map(|log| {
			let topics = log.get("topics")?.as_array()?;
			if topics.len() != 3 || !topics[0].as_str()?.eq_ignore_ascii_case(&burned) {
				return None;
			}
			u64::from_str_radix(topics[2].as_str()?.strip_prefix("0x")?.trim_start_matches('0'), 16)
				.ok()
				.or(Some(0))
		})
		.collect()
}

/// What goes into one exit payload.
pub struct ExitParts {
	/// `RootChain` header block id of the checkpoint covering the block.
	pub header_number: u64,
	/// The block's Merkle siblings in that checkpoint.
	pub block_proof: Vec<H256>,
	/// Block number.
	pub block_number: u64,
	/// Block timestamp.
	pub block_time: u64,
	/// Transactions root.
	pub tx_root: H256,
	/// Receipts root.
	pub receipt_root: H256,
	/// The receipt (consensus encoding).
	pub receipt: Vec<u8>,
	/// Receipt-trie nodes from the root.
	pub receipt_proof: Vec<Vec<u8>>,
	/// Transaction index in the block.
	pub tx_index: u64,
	/// Index of the `Burned` log inside the receipt.
	pub log_index: u64,
}

impl ExitParts {
	/// `0x00 ‖ rlp(transactionIndex)`.
	pub fn branch_mask(&self) -> Vec<u8> {
		let mut mask = vec![0u8];
		mask.extend(receipt_key(self.tx_index));
		mask
	}

	/// The payload `RootChainManager.exit` takes.
	pub fn payload(&self) -> Vec<u8> {
		let block_proof: Vec<u8> = self.block_proof.iter().flat_map(|h| h.0).collect();
		// Each node goes in as the embedded list it is, not as a byte string.
		let proof_nodes = {
			let payload: Vec<u8> = self.receipt_proof.concat();
			let mut out = length_prefix(payload.len(), 0xc0, 0xf7);
			out.extend(payload);
			out
		};
		rlp_list(&[
			rlp_uint(u128::from(self.header_number)),
			rlp_bytes(&block_proof),
			rlp_uint(u128::from(self.block_number)),
			rlp_uint(u128::from(self.block_time)),
			rlp_bytes(self.tx_root.as_bytes()),
			rlp_bytes(self.receipt_root.as_bytes()),
			rlp_bytes(&self.receipt),
			rlp_bytes(&proof_nodes),
			rlp_bytes(&self.branch_mask()),
			rlp_uint(u128::from(self.log_index)),
		])
	}

	/// `keccak256(abi.encodePacked(blockNumber, branchMask, logIndex))`: the id under which
	/// `RootChainManager.processedExits` records the exit.
	pub fn exit_hash(&self) -> H256 {
		let mut packed = Vec::new();
		let mut word = [0u8; 32];
		word[24..].copy_from_slice(&self.block_number.to_be_bytes());
		packed.extend_from_slice(&word);
		packed.extend(self.branch_mask());
		word[24..].copy_from_slice(&self.log_index.to_be_bytes());
		packed.extend_from_slice(&word);
		H256(keccak_256(&packed))
	}
}

// ---- the front's methods ---------------------------------------------------------------

fn rpc_error(code: i64, message: String) -> Value {
	serde_json::json!({"code": code, "message": message})
}

/// `(transaction hash, root chain name, root chain id)` of a `bttc_*(txHash, rootChain)` call.
/// The root chains by name and BTTC id.
const ROOT_CHAINS: [(&str, u8); 3] = [("tron", 1), ("ethereum", 2), ("bsc", 3)];

/// A root chain's `RootChainManager` and a JSON-RPC endpoint serving `eth_call` on that chain
/// (`--root-chain-manager CHAIN:MANAGER:URL`; TRON's is its `/jsonrpc`). With it,
/// `bttc_getWithdrawalStatus` tells an exited burn from an exitable one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootManager {
	/// `tron`, `ethereum` or `bsc`.
	pub chain: &'static str,
	/// The `RootChainManager` address.
	pub manager: H160,
	/// The root chain's JSON-RPC URL.
	pub url: String,
}

impl RootManager {
	/// Parses `CHAIN:MANAGER:URL`, e.g. `ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3:http://127.0.0.1:8545`.
	pub fn parse(text: &str) -> Result<Self, String> {
		let refuse = |why: &str| {
			format!("--root-chain-manager `{text}`: {why} (expected CHAIN:MANAGER:URL, e.g. ethereum:0x5FbD…0aa3:http://127.0.0.1:8545)")
		};
		let mut parts = text.splitn(3, ':');
		let (Some(chain), Some(manager), Some(url)) = (parts.next(), parts.next(), parts.next())
		else {
			return Err(refuse("three parts are needed"));
		};
		let chain = ROOT_CHAINS
			.iter()
			.find(|(name, _)| name.eq_ignore_ascii_case(chain))
			.map(|(name, _)| *name)
			.ok_or_else(|| refuse("the chain is tron, ethereum or bsc"))?;
		let manager = manager
			.strip_prefix("0x")
			.filter(|digits| digits.len() == 40)
			.and_then(|digits| hex::decode(digits).ok())
			.map(|bytes| H160::from_slice(&bytes))
			.ok_or_else(|| refuse("the manager is a 0x-prefixed 20-byte address"))?;
		if !(url.starts_with("http://") || url.starts_with("https://")) {
			return Err(refuse("the URL is http:// or https://"));
		}
		Ok(Self { chain, manager, url: url.to_string() })
	}

	/// The `eth_call` of `processedExits(exitHash)`.
	pub fn processed_exits_call(&self, exit_hash: &H256) -> Value {
		let selector = &keccak_256(b"processedExits(bytes32)")[..4];
		serde_json::json!([
			{
				"to": format!("{:?}", self.manager),
				"data": format!("0x{}{}", hex::encode(selector), hex::encode(exit_hash.as_bytes())),
			},
			"latest"
		])
	}
}

/// Whether an `eth_call` answer is an ABI `true`.
fn abi_true(answer: &Value) -> Option<bool> {
	let digits = answer.as_str()?.strip_prefix("0x")?;
	let bytes = hex::decode(digits).ok().filter(|bytes| bytes.len() == 32)?;
	Some(bytes[31] == 1 && bytes[..31].iter().all(|b| *b == 0))
}

fn exit_params(call: &Value, method: &str) -> Result<(String, &'static str, u8), Value> {
	let invalid = |detail: &str| rpc_error(-32602, format!("invalid params: {method} {detail}"));
	let params = call.get("params").and_then(Value::as_array).cloned().unwrap_or_default();
	let [hash, chain] = params.as_slice() else {
		return Err(invalid("takes a transaction hash and a root chain (tron, ethereum, bsc)"));
	};
	let hash = hash
		.as_str()
		.filter(|text| {
			text.len() == 66 && text.starts_with("0x") && hex::decode(&text[2..]).is_ok()
		})
		.ok_or_else(|| invalid("needs a 0x-prefixed 32-byte transaction hash"))?
		.to_ascii_lowercase();
	let chain = match chain {
		Value::String(name) => name.to_ascii_lowercase(),
		Value::Number(id) => id.to_string(),
		_ => String::new(),
	};
	ROOT_CHAINS
		.iter()
		.find(|(name, id)| chain == *name || chain == id.to_string())
		.map(|(name, id)| (hash, *name, *id))
		.ok_or_else(|| invalid("names an unknown root chain: use tron, ethereum or bsc (1, 2, 3)"))
}

fn field_error(method: &str, error: Error) -> Value {
	rpc_error(-32603, format!("{method}: {error}"))
}

impl crate::proxy::Front {
	/// The successful receipt of `tx_hash` and its `Burned` log for root chain `chain_id`:
	/// `(receipt, log index, child token, block number, transaction index)`.
	async fn burn(
		&self,
		method: &str,
		tx_hash: &str,
		chain_name: &str,
		chain_id: u8,
	) -> Result<(Value, u64, H160, u64, u64), Value> {
		let receipt =
			self.backend_answer("eth_getTransactionReceipt", serde_json::json!([tx_hash])).await?;
		if receipt.is_null() {
			return Err(rpc_error(
				-32000,
				format!("{method}: no transaction {tx_hash} in a block yet: wait for its receipt"),
			));
		}
		if quantity_field(&receipt, "receipt", "status").map_err(|e| field_error(method, e))? != 1 {
			return Err(rpc_error(
				-32000,
				format!("{method}: transaction {tx_hash} reverted: it burnt nothing"),
			));
		}
		let Some((log_index, token)) = burn_log_index(&receipt, chain_id) else {
			let others = burn_chains(&receipt);
			let detail = if others.is_empty() {
				"it emitted no Burned(address,uint256,uint256) log: burn with the child token's withdraw(amount, rootChainId)".to_string()
			} else {
				format!("its burn names root chain {others:?}, not {chain_name} ({chain_id}): a burn exits only on the chain it names")
			};
			return Err(rpc_error(
				-32000,
				format!("{method}: transaction {tx_hash} is not a burn for {chain_name}: {detail}"),
			));
		};
		let block = quantity_field(&receipt, "receipt", "blockNumber")
			.map_err(|e| field_error(method, e))?;
		let index = quantity_field(&receipt, "receipt", "transactionIndex")
			.map_err(|e| field_error(method, e))?;
		Ok((receipt, log_index, token, block as u64, index as u64))
	}

	/// `bttc_getExitPayload(txHash, rootChain)`: see the module docs.
	pub(crate) async fn exit_payload(&self, call: &Value) -> Result<Value, Value> {
		let (tx_hash, chain_name, chain_id) = exit_params(call, "bttc_getExitPayload")?;
		let burn = self.burn("bttc_getExitPayload", &tx_hash, chain_name, chain_id).await?;
		self.exit_payload_of(&tx_hash, chain_name, burn).await
	}

	/// The exit payload of burn `tx_hash` for `chain_name`, whose [`Self::burn`] is `burn`.
	async fn exit_payload_of(
		&self,
		tx_hash: &str,
		chain_name: &str,
		(_, log_index, child_token, block_number, tx_index): (Value, u64, H160, u64, u64),
	) -> Result<Value, Value> {
		const METHOD: &str = "bttc_getExitPayload";
		let inclusion = self
			.node
			.result("bttc_getInclusionProof", serde_json::json!([chain_name, block_number]))
			.await
			.map_err(|e| {
				rpc_error(
					-32000,
					format!(
						"{METHOD}: block {block_number} is not exitable on {chain_name} yet: {e}"
					),
				)
			})?;
		let number = format!("0x{block_number:x}");
		let (block, receipts) = tokio::try_join!(
			self.backend_answer("eth_getBlockByNumber", serde_json::json!([number, false])),
			self.backend_answer("eth_getBlockReceipts", serde_json::json!([number])),
		)?;
		let receipts = receipts.as_array().ok_or_else(|| {
			rpc_error(-32603, format!("{METHOD}: no receipts for block {block_number}"))
		})?;
		let ordered = in_block_order(receipts);
		let encoded = encode_block_receipts(&ordered).map_err(|e| field_error(METHOD, e))?;
		// The burn's key in the receipt trie: its position among the block's receipts.
		let tx_index = ordered
			.iter()
			.position(|r| {
				r.get("transactionHash")
					.and_then(Value::as_str)
					.is_some_and(|h| h.eq_ignore_ascii_case(&tx_hash))
			})
			.ok_or_else(|| field_error(METHOD, Error::ReceiptNotInBlock(tx_index)))?
			as u64;
		let trie = ReceiptTrie::new(encoded);
		let receipt_root =
			hash_field(&block, "block", "receiptsRoot").map_err(|e| field_error(METHOD, e))?;
		let tx_root =
			hash_field(&block, "block", "transactionsRoot").map_err(|e| field_error(METHOD, e))?;
		let block_time = quantity_field(&block, "block", "timestamp")
			.map_err(|e| field_error(METHOD, e))? as u64;
		let computed = trie.root();
		if computed != receipt_root {
			return Err(field_error(
				METHOD,
				Error::ReceiptsRootMismatch {
					block: block_number,
					computed,
					expected: receipt_root,
				},
			));
		}
		let (receipt_proof, receipt) = trie
			.proof(tx_index)
			.ok_or_else(|| field_error(METHOD, Error::ReceiptNotInBlock(tx_index)))?;
		// The checkpoint's leaf of this block must be the block the receipts came from.
		let mut leaf = [0u8; 128];
		leaf[24..32].copy_from_slice(&block_number.to_be_bytes());
		leaf[56..64].copy_from_slice(&block_time.to_be_bytes());
		leaf[64..96].copy_from_slice(tx_root.as_bytes());
		leaf[96..].copy_from_slice(receipt_root.as_bytes());
		let leaf = H256(keccak_256(&leaf));
		let proven_leaf = hash_field(&inclusion, "inclusion proof", "leaf")
			.map_err(|e| field_error(METHOD, e))?;
		if leaf != proven_leaf {
			return Err(rpc_error(
				-32603,
				format!("{METHOD}: block {block_number}'s header gives leaf {leaf:?}, the checkpoint holds {proven_leaf:?}"),
			));
		}
		let block_proof = inclusion
			.get("proof")
			.and_then(Value::as_array)
			.ok_or_else(|| {
				rpc_error(-32603, format!("{METHOD}: the node's inclusion proof has no `proof`"))
			})?
			.iter()
			.map(|hash| {
				hash.as_str()
					.and_then(|t| t.strip_prefix("0x"))
					.and_then(|t| hex::decode(t).ok())
					.filter(|b| b.len() == 32)
					.map(|b| H256::from_slice(&b))
					.ok_or_else(|| {
						rpc_error(
							-32603,
							format!("{METHOD}: the node's inclusion proof is malformed"),
						)
					})
			})
			.collect::<Result<Vec<_>, _>>()?;
		let header_number = inclusion
			.pointer("/checkpoint/headerBlockId")
			.and_then(Value::as_u64)
			.ok_or_else(|| {
				rpc_error(
					-32603,
					format!("{METHOD}: the node's inclusion proof has no header block id"),
				)
			})?;
		let parts = ExitParts {
			header_number,
			block_proof,
			block_number,
			block_time,
			tx_root,
			receipt_root,
			receipt,
			receipt_proof,
			tx_index,
			log_index,
		};
		Ok(serde_json::json!({
			"payload": format!("0x{}", hex::encode(parts.payload())),
			"rootChain": chain_name,
			"headerBlockId": header_number,
			"blockNumber": block_number,
			"transactionIndex": tx_index,
			"logIndex": log_index,
			"childToken": child_token,
			"exitHash": parts.exit_hash(),
		}))
	}

	/// `bttc_getWithdrawalStatus(txHash, rootChain)`: `checkpointWaiting` (burnt; no checkpoint
	/// of that root chain covers its block yet), `checkpointPending` (a proposed checkpoint
	/// covers it and waits for signatures or its ack), `exitable` (an acknowledged one covers
	/// it: `bttc_getExitPayload` answers) or `exited` (the root chain's
	/// `RootChainManager.processedExits(exitHash)` is set). `exited` is told apart only for
	/// root chains given with `--root-chain-manager`; elsewhere an exited burn reads `exitable`.
	pub(crate) async fn withdrawal_status(&self, call: &Value) -> Result<Value, Value> {
		const METHOD: &str = "bttc_getWithdrawalStatus";
		let (tx_hash, chain_name, chain_id) = exit_params(call, METHOD)?;
		let burn = self.burn(METHOD, &tx_hash, chain_name, chain_id).await?;
		let (_, log_index, child_token, block_number, _) = burn;
		let node = |method: &'static str, params: Value| async move {
			self.node
				.result(method, params)
				.await
				.map_err(|e| rpc_error(-32603, format!("{METHOD}: the node's {method}: {e}")))
		};
		let mut status = serde_json::json!({
			"rootChain": chain_name,
			"blockNumber": block_number,
			"logIndex": log_index,
			"childToken": child_token,
		});
		let covering =
			node("bttc_getCheckpointCovering", serde_json::json!([chain_name, block_number]))
				.await?;
		if !covering.is_null() {
			status["status"] = "exitable".into();
			status["checkpoint"] = covering;
			if let Some(root) = self.root_managers.iter().find(|root| root.chain == chain_name) {
				let exit = self.exit_payload_of(&tx_hash, chain_name, burn).await?;
				let exit_hash: H256 = serde_json::from_value(exit["exitHash"].clone())
					.map_err(|e| rpc_error(-32603, format!("{METHOD}: exit hash: {e}")))?;
				let answer = http::call(
					&self.client,
					&root.url,
					"eth_call",
					root.processed_exits_call(&exit_hash),
				)
				.await
				.map_err(|e| {
					rpc_error(-32603, format!("{METHOD}: {chain_name}'s processedExits: {e}"))
				})?;
				let exited = abi_true(&answer).ok_or_else(|| {
					rpc_error(
						-32603,
						format!("{METHOD}: {chain_name}'s processedExits answered {answer}"),
					)
				})?;
				if exited {
					status["status"] = "exited".into();
				}
				status["exitHash"] = exit["exitHash"].clone();
			}
			return Ok(status);
		}
		let pending = node("bttc_getPendingCheckpoint", serde_json::json!([chain_name])).await?;
		let in_pending = |p: &Value| {
			let start = p.get("start").and_then(Value::as_u64).unwrap_or(u64::MAX);
			let end = p.get("end").and_then(Value::as_u64).unwrap_or(0);
			(start..=end).contains(&block_number)
		};
		if !pending.is_null() && in_pending(&pending) {
			status["status"] = "checkpointPending".into();
			status["checkpoint"] = pending;
		} else {
			status["status"] = "checkpointWaiting".into();
			status["latestCheckpoint"] =
				node("bttc_getLatestCheckpoint", serde_json::json!([chain_name])).await?;
		}
		Ok(status)
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;
	use serde_json::json;

	#[test]
	fn rlp_matches_the_yellow_papers_examples() {
		assert_eq!(rlp_bytes(b"dog"), vec![0x83, b'd', b'o', b'g']);
		assert_eq!(rlp_bytes(&[]), vec![0x80]);
		assert_eq!(rlp_uint(0), vec![0x80]);
		assert_eq!(rlp_uint(15), vec![0x0f]);
		assert_eq!(rlp_uint(1024), vec![0x82, 0x04, 0x00]);
		assert_eq!(rlp_list(&[]), vec![0xc0]);
		assert_eq!(
			rlp_list(&[rlp_bytes(b"cat"), rlp_bytes(b"dog")]),
			vec![0xc8, 0x83, b'c', b'a', b't', 0x83, b'd', b'o', b'g']
		);
		let long = vec![b'a'; 56];
		assert_eq!(&rlp_bytes(&long)[..2], &[0xb8, 56]);
	}

	#[test]
	fn the_empty_trie_has_ethereums_empty_root() {
		assert_eq!(
			format!("{:?}", ReceiptTrie::new(vec![]).root()),
			"0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
		);
	}

	/// Follows `proof` from `root` along `key` as `MerklePatriciaProof.sol` does, returning
	/// the value found.
	fn walk(root: H256, key: &[u8], proof: &[Vec<u8>]) -> Option<Vec<u8>> {
		fn decode_list(data: &[u8]) -> Vec<Vec<u8>> {
			// Minimal decoder for the node shapes this trie makes: returns each item's full
			// encoding.
			fn item_len(data: &[u8]) -> (usize, usize) {
				let b = data[0];
				match b {
					0x00..=0x7f => (0, 1),
					0x80..=0xb7 => (1, (b - 0x80) as usize),
					0xb8..=0xbf => {
						let n = (b - 0xb7) as usize;
						let len = data[1..1 + n].iter().fold(0usize, |a, x| a * 256 + *x as usize);
						(1 + n, len)
					}
					0xc0..=0xf7 => (1, (b - 0xc0) as usize),
					_ => {
						let n = (b - 0xf7) as usize;
						let len = data[1..1 + n].iter().fold(0usize, |a, x| a * 256 + *x as usize);
						(1 + n, len)
					}
				}
			}
			let (head, len) = item_len(data);
			let mut rest = &data[head..head + len];
			let mut items = Vec::new();
			while !rest.is_empty() {
				let (h, l) = item_len(rest);
				items.push(rest[..h + l].to_vec());
				rest = &rest[h + l..];
			}
			items
		}
		fn payload(item: &[u8]) -> Vec<u8> {
			match item[0] {
				0x00..=0x7f => item.to_vec(),
				0x80..=0xb7 => item[1..].to_vec(),
				b => item[1 + (b - 0xb7) as usize..].to_vec(),
			}
		}
		let key = nibbles(key);
		let mut expected = root;
		let mut pos = 0;
		for node in proof {
			if H256(keccak_256(node)) != expected {
				return None;
			}
			let items = decode_list(node);
			if items.len() == 17 {
				let child = payload(&items[key[pos] as usize]);
				pos += 1;
				expected = H256::from_slice(&child);
			} else {
				let path = nibbles(&payload(&items[0]));
				let skip = if path[0] % 2 == 1 { 1 } else { 2 };
				let segment = &path[skip..];
				if key[pos..pos + segment.len()] != *segment {
					return None;
				}
				pos += segment.len();
				if path[0] >= 2 {
					return (pos == key.len()).then(|| payload(&items[1]));
				}
				expected = H256::from_slice(&payload(&items[1]));
			}
		}
		None
	}

	fn receipt(index: u64) -> Vec<u8> {
		// Receipt-sized values (a bloom alone is 256 bytes), distinct per index.
		let mut value = vec![0x02];
		value.extend(rlp_list(&[
			rlp_uint(1),
			rlp_uint(21_000 * (index as u128 + 1)),
			rlp_bytes(&[index as u8; 256]),
		]));
		value
	}

	#[test]
	fn every_receipt_is_proven_against_the_root_for_many_block_sizes() {
		for count in [1u64, 2, 3, 16, 17, 128, 130, 300] {
			let trie = ReceiptTrie::new((0..count).map(receipt).collect());
			let root = trie.root();
			for index in 0..count {
				let (proof, value) = trie.proof(index).unwrap();
				assert_eq!(value, receipt(index));
				assert_eq!(
					walk(root, &receipt_key(index), &proof),
					Some(receipt(index)),
					"{count} receipts, index {index}"
				);
			}
			assert!(trie.proof(count).is_none());
		}
	}

	#[test]
	fn an_altered_receipt_changes_the_root() {
		let receipts: Vec<Vec<u8>> = (0..5).map(receipt).collect();
		let root = ReceiptTrie::new(receipts.clone()).root();
		let mut altered = receipts;
		altered[3][10] ^= 1;
		assert_ne!(ReceiptTrie::new(altered).root(), root);
	}

	#[test]
	fn the_burned_log_for_the_asked_chain_is_found() {
		let word = |n: u8| {
			let mut w = [0u8; 32];
			w[31] = n;
			format!("0x{}", hex::encode(w))
		};
		let receipt = json!({"logs": [
			{"address": "0x00000000000000000000000000000000000000aa", "topics": [
				format!("0x{}", hex::encode(keccak_256(b"Transfer(address,address,uint256)"))), word(1), word(0)], "data": "0x"},
			{"address": "0x00000000000000000000000000000000000000aa", "topics": [
				format!("{:?}", burned_topic()), word(1), word(2)], "data": "0x"},
		]});
		assert_eq!(burn_log_index(&receipt, 2), Some((1, H160::from_low_u64_be(0xaa))));
		assert_eq!(burn_log_index(&receipt, 3), None);
		assert_eq!(burn_chains(&receipt), vec![2]);
	}

	#[test]
	fn root_managers_parse_and_refuse_what_is_not_chain_manager_url() {
		let manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
		let root =
			RootManager::parse(&format!("Ethereum:{manager}:http://127.0.0.1:8545")).unwrap();
		assert_eq!(root.chain, "ethereum");
		assert_eq!(root.url, "http://127.0.0.1:8545");
		assert_eq!(format!("{:?}", root.manager), manager.to_lowercase());
		for bad in [
			format!("polygon:{manager}:http://x"),
			format!("tron:{manager}"),
			"tron:0x12:http://x".to_string(),
			format!("tron:{manager}:ws://x"),
		] {
			assert!(RootManager::parse(&bad).unwrap_err().contains("CHAIN:MANAGER:URL"), "{bad}");
		}
		let call = root.processed_exits_call(&H256::repeat_byte(0xab));
		let data = call[0]["data"].as_str().unwrap();
		// keccak256("processedExits(bytes32)")[..4], then the hash.
		assert_eq!(&data[..10], "0x607f2d42");
		assert!(data.ends_with(&"ab".repeat(32)));
		assert_eq!(abi_true(&json!(format!("0x{}01", "00".repeat(31)))), Some(true));
		assert_eq!(abi_true(&json!(format!("0x{}", "00".repeat(32)))), Some(false));
		assert_eq!(abi_true(&json!("0x01")), None);
	}

	#[test]
	fn exit_params_name_the_chain_by_name_or_id_and_refuse_others() {
		let hash = format!("0x{}", "ab".repeat(32));
		let call = |chain: Value| json!({"params": [hash, chain]});
		assert_eq!(exit_params(&call(json!("BSC")), "m").unwrap().1, "bsc");
		assert_eq!(exit_params(&call(json!(2)), "m").unwrap().2, 2);
		assert!(exit_params(&call(json!("polygon")), "m").is_err());
		assert!(exit_params(&json!({"params": ["0x12", "tron"]}), "m").is_err());
		assert!(exit_params(&json!({"params": [hash]}), "m").is_err());
	}

	#[test]
	fn receipts_encode_as_ethereum_consensus_receipts() {
		let bloom = format!("0x{}", "00".repeat(256));
		let legacy = json!({"status": "0x1", "cumulativeGasUsed": "0x0", "logsBloom": bloom, "logs": [], "type": "0x0"});
		let encoded = encode_receipt(&legacy, 21_000).unwrap();
		assert_eq!(encoded[0], 0xf9, "a legacy receipt is a bare list");
		let typed = json!({"status": "0x0", "cumulativeGasUsed": "0x0", "logsBloom": bloom, "logs": [], "type": "0x2"});
		let encoded = encode_receipt(&typed, 21_000).unwrap();
		assert_eq!(encoded[0], 0x02);
		assert_eq!(encoded[4], 0x80, "a failed receipt's status is the empty string");
		assert_eq!(
			&encoded[5..8],
			&[0x82, 0x52, 0x08],
			"the cumulative gas given, not the answer's"
		);
		assert!(matches!(
			encode_receipt(&json!({"status": "0x1"}), 0),
			Err(Error::BadBackendField { field: "logsBloom", .. })
		));
		// Cumulative gas is the running sum of gasUsed in transaction order.
		let receipt = |index: u8, gas: u32| {
			json!({"status": "0x1", "gasUsed": format!("0x{gas:x}"), "transactionIndex": format!("0x{index:x}"),
				"cumulativeGasUsed": "0x0", "logsBloom": bloom, "logs": [], "type": "0x2"})
		};
		let block =
			encode_block_receipts(&in_block_order(&[receipt(1, 30_000), receipt(0, 21_000)]))
				.unwrap();
		assert_eq!(block[0], encode_receipt(&receipt(0, 21_000), 21_000).unwrap());
		assert_eq!(block[1], encode_receipt(&receipt(1, 30_000), 51_000).unwrap());
	}
}
