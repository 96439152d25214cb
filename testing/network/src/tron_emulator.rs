//! **TRON HTTP API emulation in front of anvil** — test support, not TRON.
//!
//! Serves the part of a TRON full node's HTTP API the validators use, over an anvil that
//! stands in for TRON, so the TRON code path (protobuf transactions built by the node, checked
//! and signed by the validator, broadcast, looked up) runs end to end:
//!
//! - `POST /jsonrpc`: passed through to anvil (TRON's Ethereum-compatible JSON-RPC).
//! - `POST /wallet/triggersmartcontract`: builds the unsigned `TriggerSmartContract`
//!   transaction (protobuf `raw_data` anchored on anvil's latest block, 60 s expiration).
//! - `POST /wallet/broadcasttransaction`: checks the transaction as a TRON node does (`txID`
//!   = SHA-256 of `raw_data`, the signature recovers the owner, not expired, not a duplicate),
//!   then executes the call on anvil **as the owner, by impersonation** (anvil cannot check a
//!   TRON signature itself), with gas = fee limit / energy price.
//! - `POST /wallet/gettransactioninfobyid`: the result from anvil's receipt, energy = gas,
//!   fee = gas × [`ENERGY_PRICE_SUN`].
//!
//! Every request is logged with the `[TRON emulation]` label.

use bttc_relayer::{tron, tron_api::hex};
use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use sp_core::{H160, H256};
use std::{
	collections::HashMap,
	io::Write,
	path::Path,
	sync::{Arc, Mutex},
};

/// Sun burnt per unit of energy (TRON's price since 2024), for the emulated fee.
pub const ENERGY_PRICE_SUN: u64 = 100;
/// Lifetime of the transactions it builds.
const EXPIRATION_MS: i64 = 60_000;
/// Largest request body.
const MAX_BODY: usize = 1 << 20;

struct State {
	anvil: String,
	/// TRON txid → anvil transaction hash.
	sent: Mutex<HashMap<H256, H256>>,
	log: Mutex<std::fs::File>,
}

/// A running emulator; stops when dropped.
pub struct TronApiEmulator {
	/// Its base URL (`/wallet/*`, `/jsonrpc`).
	pub url: String,
	task: tokio::task::JoinHandle<()>,
}

impl Drop for TronApiEmulator {
	fn drop(&mut self) {
		self.task.abort();
	}
}

impl TronApiEmulator {
	/// Serves the emulation on `port` in front of the anvil at `anvil`, logging to `log`.
	pub async fn start(anvil: &str, port: u16, log: &Path) -> Result<Self, String> {
		let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
			.await
			.map_err(|e| format!("TRON emulation port {port}: {e}"))?;
		let log = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
		let state = Arc::new(State {
			anvil: anvil.to_string(),
			sent: Mutex::default(),
			log: Mutex::new(log),
		});
		// Every owner's call is executed by impersonation.
		crate::rpc(anvil, "anvil_autoImpersonateAccount", json!([true]))
			.await
			.ok_or("anvil refused anvil_autoImpersonateAccount")?;
		state.note(&format!("TRON HTTP API emulation on :{port} in front of anvil at {anvil}"));
		let task = tokio::spawn(async move {
			loop {
				let Ok((stream, _)) = listener.accept().await else { continue };
				let state = state.clone();
				tokio::spawn(async move {
					let service = service_fn(move |request| {
						let state = state.clone();
						async move { Ok::<_, std::convert::Infallible>(state.handle(request).await) }
					});
					let _ = hyper::server::conn::http1::Builder::new()
						.serve_connection(TokioIo::new(stream), service)
						.await;
				});
			}
		});
		Ok(Self { url: format!("http://127.0.0.1:{port}"), task })
	}
}

fn reply(status: u16, body: Value) -> Response<Full<Bytes>> {
	let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
	*response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
	response
		.headers_mut()
		.insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
	response
}

/// TRON's error answers carry hex-encoded text.
fn tron_error(code: &str, message: &str) -> Value {
	json!({ "result": false, "code": code, "message": hex(message.as_bytes()) })
}

fn bytes_of(value: &Value) -> Option<Vec<u8>> {
	sp_core::bytes::from_hex(value.as_str()?).ok()
}

fn unix_millis() -> i64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |d| d.as_millis() as i64)
}

impl State {
	fn note(&self, line: &str) {
		if let Ok(mut log) = self.log.lock() {
			let _ = writeln!(log, "[TRON emulation] {line}");
		}
	}

	async fn handle(&self, request: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
		let path = request.uri().path().to_string();
		let body = match http_body_util::Limited::new(request.into_body(), MAX_BODY).collect().await
		{
			Ok(body) => body.to_bytes(),
			Err(e) => return reply(400, json!({ "Error": e.to_string() })),
		};
		if path == "/jsonrpc" {
			return self.forward(body).await;
		}
		let Ok(input) = serde_json::from_slice::<Value>(&body) else {
			return reply(400, json!({ "Error": "the body is not JSON" }));
		};
		let answer = match path.as_str() {
			"/wallet/triggersmartcontract" => self.trigger(&input).await,
			"/wallet/broadcasttransaction" => self.broadcast(&input).await,
			"/wallet/gettransactioninfobyid" => self.info(&input).await,
			other => {
				self.note(&format!("{other}: not emulated"));
				return reply(404, json!({ "Error": format!("{other} is not emulated") }));
			}
		};
		reply(200, answer)
	}

	async fn forward(&self, body: Bytes) -> Response<Full<Bytes>> {
		let client =
			hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
				.build_http::<Full<Bytes>>();
		let Ok(request) = Request::post(&self.anvil)
			.header("content-type", "application/json")
			.body(Full::new(body))
		else {
			return reply(500, json!({ "Error": "bad anvil URL" }));
		};
		match client.request(request).await {
			Ok(response) => match response.into_body().collect().await {
				Ok(body) => {
					let mut response = Response::new(Full::new(body.to_bytes()));
					response.headers_mut().insert(
						"content-type",
						hyper::header::HeaderValue::from_static("application/json"),
					);
					response
				}
				Err(e) => reply(502, json!({ "Error": e.to_string() })),
			},
			Err(e) => reply(502, json!({ "Error": e.to_string() })),
		}
	}

	async fn trigger(&self, input: &Value) -> Value {
		let fail = |message: &str| json!({ "result": { "code": "OTHER_ERROR", "message": hex(message.as_bytes()) } });
		let (Some(owner), Some(contract), Some(data)) = (
			bytes_of(&input["owner_address"]).and_then(|b| tron::account_of(&b)),
			bytes_of(&input["contract_address"]).and_then(|b| tron::account_of(&b)),
			bytes_of(&input["data"]),
		) else {
			return fail("owner_address, contract_address (41… hex) and data are required");
		};
		let call = tron::ContractCall {
			owner,
			contract,
			data,
			call_value: input["call_value"].as_i64().unwrap_or(0),
			fee_limit: input["fee_limit"].as_i64().unwrap_or(0),
		};
		let Some(block) =
			crate::rpc(&self.anvil, "eth_getBlockByNumber", json!(["latest", false])).await
		else {
			return fail("anvil did not answer");
		};
		let number = block["number"]
			.as_str()
			.and_then(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
			.unwrap_or_default();
		let id: [u8; 32] =
			bytes_of(&block["hash"]).and_then(|b| b.try_into().ok()).unwrap_or_default();
		let anchor = tron::Anchor::on_block(number, &id, unix_millis(), EXPIRATION_MS);
		let raw = prost::Message::encode_to_vec(&tron::trigger_smart_contract(&call, &anchor));
		let tx_id = tron::txid(&raw);
		self.note(&format!(
			"triggersmartcontract {:?} → {:?}: txID {}",
			call.owner,
			call.contract,
			hex(&tx_id)
		));
		json!({
			"result": { "result": true },
			"transaction": {
				"visible": false,
				"txID": hex(&tx_id),
				"raw_data": {
					"contract": [{
						"parameter": {
							"value": {
								"data": hex(&call.data),
								"owner_address": hex(&tron::account_bytes(&call.owner)),
								"contract_address": hex(&tron::account_bytes(&call.contract)),
							},
							"type_url": tron::TRIGGER_SMART_CONTRACT_URL,
						},
						"type": "TriggerSmartContract",
					}],
					"ref_block_bytes": hex(&anchor.ref_block_bytes),
					"ref_block_hash": hex(&anchor.ref_block_hash),
					"expiration": anchor.expiration,
					"fee_limit": call.fee_limit,
					"timestamp": anchor.timestamp,
				},
				"raw_data_hex": hex(&raw),
			}
		})
	}

	async fn broadcast(&self, input: &Value) -> Value {
		let Some(raw) = bytes_of(&input["raw_data_hex"]) else {
			return tron_error("OTHER_ERROR", "raw_data_hex is required");
		};
		let (call, anchor) = match tron::decode_call(&raw) {
			Ok(decoded) => decoded,
			Err(e) => return tron_error("OTHER_ERROR", &e),
		};
		let tx_id = tron::txid(&raw);
		if bytes_of(&input["txID"]).as_deref() != Some(&tx_id[..]) {
			return tron_error("OTHER_ERROR", "txID is not the SHA-256 of raw_data");
		}
		let signature: Option<[u8; 65]> =
			bytes_of(&input["signature"][0]).and_then(|b| b.try_into().ok());
		let Some(signature) = signature else {
			return tron_error("SIGERROR", "one 65-byte signature is required");
		};
		if tron::recover(&tx_id, &signature) != Some(call.owner) {
			return tron_error("SIGERROR", "the signature is not the owner's");
		}
		if anchor.expiration <= unix_millis() {
			return tron_error("TRANSACTION_EXPIRATION_ERROR", "transaction expired");
		}
		let tx_id = H256(tx_id);
		if self.sent.lock().map(|s| s.contains_key(&tx_id)).unwrap_or(true) {
			return tron_error("DUP_TRANSACTION_ERROR", "dup transaction");
		}
		let gas = (call.fee_limit.max(0) as u64 / ENERGY_PRICE_SUN).clamp(21_000, 30_000_000);
		let sent = crate::rpc(
			&self.anvil,
			"eth_sendTransaction",
			json!([{
				"from": format!("{:?}", call.owner),
				"to": format!("{:?}", call.contract),
				"data": format!("0x{}", hex(&call.data)),
				"value": format!("0x{:x}", call.call_value.max(0)),
				"gas": format!("0x{gas:x}"),
			}]),
		)
		.await;
		let Some(hash) =
			sent.as_ref().and_then(bytes_of).and_then(|b| <[u8; 32]>::try_from(b).ok())
		else {
			return tron_error("OTHER_ERROR", "anvil refused the call");
		};
		if let Ok(mut map) = self.sent.lock() {
			map.insert(tx_id, H256(hash));
		}
		self.note(&format!(
			"broadcasttransaction {:?} by {} to {}: executed on anvil as {:?}",
			tx_id,
			tron::format_address(&call.owner),
			tron::format_address(&call.contract),
			H256(hash)
		));
		json!({ "result": true, "txid": hex(tx_id.as_bytes()) })
	}

	async fn info(&self, input: &Value) -> Value {
		let Some(tx_id) = bytes_of(&input["value"]).and_then(|b| <[u8; 32]>::try_from(b).ok())
		else {
			return json!({});
		};
		let Some(hash) = self.sent.lock().ok().and_then(|s| s.get(&H256(tx_id)).copied()) else {
			return json!({});
		};
		let receipt =
			crate::rpc(&self.anvil, "eth_getTransactionReceipt", json!([format!("{hash:?}")]))
				.await;
		let Some(receipt) = receipt.filter(|r| !r.is_null()) else { return json!({}) };
		let number = |key: &str| {
			receipt[key]
				.as_str()
				.and_then(|n| u64::from_str_radix(n.trim_start_matches("0x"), 16).ok())
				.unwrap_or_default()
		};
		let energy = number("gasUsed");
		let success = receipt["status"].as_str() == Some("0x1");
		json!({
			"id": hex(&tx_id),
			"blockNumber": number("blockNumber"),
			"fee": energy * ENERGY_PRICE_SUN,
			"contract_address": hex(&tron::account_bytes(&H160::from_slice(
				&bytes_of(&receipt["to"]).unwrap_or_else(|| vec![0; 20])
			))),
			"receipt": {
				"energy_usage_total": energy,
				"result": if success { "SUCCESS" } else { "REVERT" },
			},
		})
	}
}
