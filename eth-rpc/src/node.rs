//! The node's own JSON-RPC, where the front submits Ethereum transactions directly.
//!
//! An Ethereum transaction enters the chain as a bare `Revive::eth_transact(payload)`
//! extrinsic, which the runtime checks (signature, chain id, nonce, funds) and converts. The
//! front builds those extrinsics itself and hands a whole batch to the node's pool in one
//! `author_submitExtrinsic` batch, instead of one watched submission per transaction through
//! the eth-rpc server. The pallet and call indices are read from the node's metadata, once.

use crate::{
	error::Error,
	http::{self, HttpClient},
};
use codec::{Compact, Decode, Encode};
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
use serde_json::{json, Value};
use std::sync::Mutex;

/// Extrinsic format version of a bare extrinsic (what `UncheckedExtrinsic::new_bare` writes).
const BARE_EXTRINSIC_VERSION: u8 = 5;
/// The node's "invalid transaction" error: the runtime's validation refused it.
const INVALID_TRANSACTION: i64 = 1010;
/// The node's "extrinsic has invalid format" error: the call indices may have changed.
const BAD_FORMAT: i64 = 1001;
/// The pool already holds this transaction.
const ALREADY_IMPORTED: i64 = 1013;
/// A transaction with the same sender and nonce is in the pool with a higher priority.
const TOO_LOW_PRIORITY: i64 = 1014;

/// What the node's pool said when it refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
	/// The node's error code (1010 invalid, 1013 already imported, …).
	pub code: i64,
	/// Its message and, when given, its data ("Transaction is outdated", …).
	pub reason: String,
}

impl Refusal {
	/// Whether the sender's nonce or funds may be the reason (the runtime refused it).
	pub fn may_concern_the_sender(&self) -> bool {
		self.code == INVALID_TRANSACTION
	}

	/// The message a client reads, in geth's words where geth has them.
	pub fn message(&self) -> String {
		match self.code {
			ALREADY_IMPORTED => "already known".into(),
			TOO_LOW_PRIORITY => format!(
				"replacement transaction underpriced: {} (a transaction with this nonce is already waiting; raise its price to replace it)",
				self.reason
			),
			_ => format!("transaction refused by the node's pool: {}", self.reason),
		}
	}
}

/// A JSON-RPC client of the node, over HTTP (the node serves HTTP and WebSocket on one port).
pub struct Node {
	url: String,
	client: HttpClient,
	/// `[pallet index, call index]` of `Revive::eth_transact`, once read from the metadata.
	eth_transact: Mutex<Option<[u8; 2]>>,
}

impl Node {
	/// A client of the node at `node_rpc_url` (`ws://` or `http://`, as `--node-rpc-url`).
	pub fn new(node_rpc_url: &str) -> Result<Self, Error> {
		Ok(Self {
			url: http_url(node_rpc_url)?,
			client: http::client(),
			eth_transact: Mutex::new(None),
		})
	}

	/// Hands each raw Ethereum transaction to the node's pool, in one batch: per transaction,
	/// accepted or the pool's refusal. `Err` when the node could not be asked at all.
	pub async fn submit_eth_transactions(
		&self,
		raw_transactions: &[&[u8]],
	) -> Result<Vec<Result<(), Refusal>>, Error> {
		if raw_transactions.is_empty() {
			return Ok(Vec::new());
		}
		let prefix = self.eth_transact_indices().await?;
		let batch: Vec<Value> = raw_transactions
			.iter()
			.enumerate()
			.map(|(id, raw)| {
				let extrinsic = format!("0x{}", hex::encode(eth_transact_extrinsic(prefix, raw)));
				json!({"jsonrpc": "2.0", "id": id, "method": "author_submitExtrinsic", "params": [extrinsic]})
			})
			.collect();
		let answers = match self.call(&Value::Array(batch)).await? {
			Value::Array(answers) => answers,
			other => {
				return Err(Error::NodeAnswer {
					method: "author_submitExtrinsic",
					detail: format!("not a batch answer: {other}"),
				})
			}
		};
		let mut outcomes =
			vec![
				Err(Refusal { code: 0, reason: "the node did not answer for it".into() });
				raw_transactions.len()
			];
		for answer in answers {
			let Some(id) = answer.get("id").and_then(Value::as_u64) else { continue };
			let Some(outcome) = outcomes.get_mut(id as usize) else { continue };
			*outcome = match answer.get("error") {
				None => Ok(()),
				Some(error) => {
					let code = error.get("code").and_then(Value::as_i64).unwrap_or_default();
					let message = error.get("message").and_then(Value::as_str).unwrap_or("refused");
					let reason = match error.get("data") {
						Some(Value::String(data)) => format!("{message}: {data}"),
						Some(data) if !data.is_null() => format!("{message}: {data}"),
						_ => message.to_string(),
					};
					if code == BAD_FORMAT {
						// A runtime upgrade may have moved the call: read the metadata again.
						if let Ok(mut cached) = self.eth_transact.lock() {
							*cached = None;
						}
					}
					Err(Refusal { code, reason })
				}
			};
		}
		Ok(outcomes)
	}

	/// The Ethereum hashes of the `Revive::eth_transact` transactions in the node's pool.
	pub async fn pending_eth_transactions(&self) -> Result<Vec<sp_core::H256>, Error> {
		let indices = self.eth_transact_indices().await?;
		let extrinsics = self.result_without_params("author_pendingExtrinsics").await?;
		let extrinsics = extrinsics.as_array().ok_or_else(|| Error::NodeAnswer {
			method: "author_pendingExtrinsics",
			detail: format!("not a list: {extrinsics}"),
		})?;
		Ok(extrinsics
			.iter()
			.filter_map(|extrinsic| hex::decode(extrinsic.as_str()?.strip_prefix("0x")?).ok())
			.filter_map(|bytes| crate::pending::eth_transaction_hash(&bytes, indices))
			.collect())
	}

	async fn eth_transact_indices(&self) -> Result<[u8; 2], Error> {
		if let Some(indices) = self.eth_transact.lock().ok().and_then(|cached| *cached) {
			return Ok(indices);
		}
		let metadata = self.result_without_params("state_getMetadata").await?;
		let hex_text = metadata.as_str().ok_or_else(|| Error::NodeAnswer {
			method: "state_getMetadata",
			detail: format!("not a hex string: {metadata}"),
		})?;
		let bytes = hex::decode(hex_text.trim_start_matches("0x")).map_err(|err| {
			Error::NodeAnswer { method: "state_getMetadata", detail: err.to_string() }
		})?;
		let indices = eth_transact_indices(&bytes)?;
		if let Ok(mut cached) = self.eth_transact.lock() {
			*cached = Some(indices);
		}
		Ok(indices)
	}

	/// The node's result for `method(params)`, or what failed (the connection, or the node's
	/// error message).
	pub async fn result(&self, method: &str, params: Value) -> Result<Value, String> {
		http::call(&self.client, &self.url, method, params).await
	}

	/// The node's result for `method()`; `NodeAnswer` when it answered without one.
	async fn result_without_params(&self, method: &'static str) -> Result<Value, Error> {
		let answer =
			self.call(&json!({"jsonrpc": "2.0", "id": 0, "method": method, "params": []})).await?;
		answer
			.get("result")
			.cloned()
			.ok_or_else(|| Error::NodeAnswer { method, detail: format!("no result in {answer}") })
	}

	async fn call(&self, body: &Value) -> Result<Value, Error> {
		http::post_json(&self.client, &self.url, body).await.map_err(Error::Node)
	}
}

/// The node's URL for plain HTTP: `ws://` becomes `http://`. TLS is not spoken here: run
/// eth-rpc beside its node.
pub fn http_url(node_rpc_url: &str) -> Result<String, Error> {
	let (scheme, rest) = node_rpc_url
		.split_once("://")
		.ok_or_else(|| Error::UnsupportedNodeUrl(node_rpc_url.to_string()))?;
	match scheme.to_ascii_lowercase().as_str() {
		"ws" | "http" => Ok(format!("http://{rest}")),
		_ => Err(Error::UnsupportedNodeUrl(node_rpc_url.to_string())),
	}
}

/// The SCALE bytes of the bare extrinsic `Revive::eth_transact(raw)`, length-prefixed as
/// `author_submitExtrinsic` takes them.
pub fn eth_transact_extrinsic([pallet, call]: [u8; 2], raw: &[u8]) -> Vec<u8> {
	let mut body = vec![BARE_EXTRINSIC_VERSION, pallet, call];
	raw.encode_to(&mut body);
	let mut extrinsic = Compact(body.len() as u32).encode();
	extrinsic.extend(body);
	extrinsic
}

/// `[pallet index, call index]` of `Revive::eth_transact` in SCALE-encoded runtime metadata.
pub fn eth_transact_indices(metadata: &[u8]) -> Result<[u8; 2], Error> {
	let bad = |detail: String| Error::NodeAnswer { method: "state_getMetadata", detail };
	let prefixed = RuntimeMetadataPrefixed::decode(&mut &metadata[..])
		.map_err(|err| bad(format!("cannot decode the metadata: {err}")))?;
	macro_rules! find {
		($metadata:expr) => {{
			let metadata = $metadata;
			let pallet =
				metadata
					.pallets
					.iter()
					.find(|p| p.name == "Revive")
					.ok_or_else(|| {
						bad("the runtime has no Revive pallet: this node does not run EVM contracts".into())
					})?;
			let calls = pallet.calls.as_ref().ok_or_else(|| bad("Revive has no calls".into()))?;
			let call_index = match metadata.types.resolve(calls.ty.id).map(|ty| &ty.type_def) {
				Some(scale_info::TypeDef::Variant(variants)) => {
					variants.variants.iter().find(|v| v.name == "eth_transact").map(|v| v.index)
				}
				_ => None,
			}
			.ok_or_else(|| bad("Revive has no eth_transact call".into()))?;
			[pallet.index, call_index]
		}};
	}
	Ok(match prefixed.1 {
		RuntimeMetadata::V14(metadata) => find!(metadata),
		RuntimeMetadata::V15(metadata) => find!(metadata),
		RuntimeMetadata::V16(metadata) => find!(metadata),
		_ => return Err(bad("metadata older than V14".into())),
	})
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
	use super::*;
	use frame_metadata::v14::{
		ExtrinsicMetadata, PalletCallMetadata, PalletMetadata, RuntimeMetadataV14,
	};
	use scale_info::meta_type;

	/// The shape of pallet-revive's calls that matters here.
	#[derive(scale_info::TypeInfo)]
	#[allow(non_camel_case_types, dead_code)]
	enum ReviveCall {
		#[codec(index = 3)]
		call { dest: [u8; 20] },
		#[codec(index = 0)]
		eth_transact { payload: Vec<u8> },
	}

	#[derive(scale_info::TypeInfo)]
	#[allow(non_camel_case_types, dead_code)]
	enum OtherCall {
		#[codec(index = 0)]
		remark { remark: Vec<u8> },
	}

	/// Metadata (V14) of a runtime with `System` at 0 and, if `revive_at` is given, `Revive`.
	pub(crate) fn metadata(revive_at: Option<u8>) -> Vec<u8> {
		let pallet = |name: &'static str, index, calls| PalletMetadata {
			name,
			storage: None,
			calls: Some(PalletCallMetadata { ty: calls }),
			event: None,
			constants: vec![],
			error: None,
			index,
		};
		let mut pallets = vec![pallet("System", 0, meta_type::<OtherCall>())];
		if let Some(index) = revive_at {
			pallets.push(pallet("Revive", index, meta_type::<ReviveCall>()));
		}
		let extrinsic =
			ExtrinsicMetadata { ty: meta_type::<()>(), version: 4, signed_extensions: vec![] };
		RuntimeMetadataPrefixed::from(RuntimeMetadataV14::new(
			pallets,
			extrinsic,
			meta_type::<()>(),
		))
		.encode()
	}

	#[test]
	fn finds_eth_transact_in_the_metadata_and_says_when_revive_is_missing() {
		assert_eq!(eth_transact_indices(&metadata(Some(10))).unwrap(), [10, 0]);
		assert_eq!(eth_transact_indices(&metadata(Some(42))).unwrap(), [42, 0]);
		let err = eth_transact_indices(&metadata(None)).unwrap_err();
		assert!(err.to_string().contains("no Revive pallet"), "{err}");
		assert!(eth_transact_indices(&[1, 2, 3]).is_err());
	}

	#[test]
	fn the_extrinsic_is_a_length_prefixed_bare_call_with_the_payload() {
		let raw = vec![0xab; 40];
		let extrinsic = eth_transact_extrinsic([10, 0], &raw);
		// Compact(44), version 5 bare, pallet, call, Compact(40), the payload.
		assert_eq!(&extrinsic[..5], &[44 << 2, 5, 10, 0, 40 << 2]);
		assert_eq!(&extrinsic[5..], &raw[..]);
		// Longer payloads take multi-byte compact lengths.
		let long = eth_transact_extrinsic([10, 0], &vec![1; 300]);
		assert_eq!(<Vec<u8>>::decode(&mut &long[..]).unwrap().len(), 3 + 2 + 300);
	}

	#[test]
	fn node_urls_become_http_and_tls_is_refused_with_a_reason() {
		assert_eq!(http_url("ws://127.0.0.1:9944").unwrap(), "http://127.0.0.1:9944");
		assert_eq!(http_url("http://node:9944/").unwrap(), "http://node:9944/");
		let err = http_url("wss://node:443").unwrap_err();
		assert!(err.to_string().contains("ws://"), "{err}");
		assert!(http_url("127.0.0.1:9944").is_err());
	}
}
