//! A TRON full node's HTTP API (`/wallet/*`) and checkpoints submitted through it.
//!
//! A checkpoint goes to TRON as tronweb sends a contract call: `/wallet/triggersmartcontract`
//! builds the unsigned transaction, the submitter **checks** it (its `raw_data` decoded as
//! protobuf must be exactly the call asked for, with the fee limit asked for, and its `txID`
//! the SHA-256 of those bytes), signs the id with the validator's signer key and sends it to
//! `/wallet/broadcasttransaction`; `/wallet/gettransactioninfobyid` says how it ended.
//!
//! Never twice: the contract's `nextStartBlock()` is read first (through the node's
//! `/jsonrpc`), and the transaction is recorded on disk before it is broadcast; after a
//! restart the recorded one is looked up. TRON transactions have no nonce but expire: a
//! recorded transaction not included by its expiration can never be, and only then is a new
//! one sent.

use crate::{
	client::REQUEST_TIMEOUT,
	contracts::RootChain,
	error::Error,
	follower::write_durably,
	submit::Outcome,
	tron::{self, ContractCall},
};
use alloy::{
	primitives::{Address, Bytes as AbiBytes},
	providers::RootProvider,
	rpc::client::ClientBuilder,
	sol_types::SolCall,
};
use bttc_primitives::RootChainId;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use serde_json::{json, Value};
use sp_core::{ecdsa, Pair, H160, H256};
use std::{
	future::IntoFuture,
	path::PathBuf,
	time::{SystemTime, UNIX_EPOCH},
};

/// Largest answer read from the node.
const MAX_RESPONSE_BYTES: usize = 4 << 20;

/// A TRON full node's HTTP API.
pub struct TronHttp {
	base: String,
	client: Client<HttpConnector, Full<Bytes>>,
}

/// TRON's error messages are hex-encoded text; decodes them when they are.
fn message_text(message: &Value) -> String {
	let Some(text) = message.as_str() else { return message.to_string() };
	sp_core::bytes::from_hex(text)
		.ok()
		.and_then(|bytes| String::from_utf8(bytes).ok())
		.unwrap_or_else(|| text.to_string())
}

impl TronHttp {
	/// The API at `base` (e.g. `http://127.0.0.1:8090`).
	pub fn new(base: &str) -> Self {
		Self {
			base: base.trim_end_matches('/').to_string(),
			client: Client::builder(TokioExecutor::new()).build_http(),
		}
	}

	fn fail(&self, path: &str, message: impl std::fmt::Display) -> Error {
		Error::Rpc { url: format!("{}{path}", self.base), message: message.to_string() }
	}

	/// POSTs `body` to `path` and returns the JSON answer.
	pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
		let request = hyper::Request::post(format!("{}{path}", self.base))
			.header("content-type", "application/json")
			.body(Full::new(Bytes::from(body.to_string())))
			.map_err(|e| self.fail(path, e))?;
		let exchange = async {
			let response = self.client.request(request).await.map_err(|e| self.fail(path, e))?;
			let status = response.status();
			let body = http_body_util::Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
				.collect()
				.await
				.map_err(|e| self.fail(path, e))?
				.to_bytes();
			if !status.is_success() {
				return Err(
					self.fail(path, format!("HTTP {status}: {}", String::from_utf8_lossy(&body)))
				);
			}
			serde_json::from_slice(&body).map_err(|e| self.fail(path, format!("not JSON: {e}")))
		};
		tokio::time::timeout(REQUEST_TIMEOUT, exchange)
			.await
			.map_err(|_| self.fail(path, format!("no answer within {REQUEST_TIMEOUT:?}")))?
	}
}

/// How a TRON transaction ended, from `/wallet/gettransactioninfobyid`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxStatus {
	/// Not in a block (yet).
	Unknown,
	/// Executed successfully in block `block`, burning `fee` sun.
	Success {
		/// Block number.
		block: u64,
		/// Sun burnt.
		fee: u64,
		/// Energy used.
		energy: u64,
	},
	/// Included but failed (reverted, out of energy, …).
	Failed(String),
}

/// Where a TRON chain's checkpoints go and how they are paid.
#[derive(Clone, Debug)]
pub struct TronSubmitterConfig {
	/// The root chain (normally [`RootChainId::Tron`]).
	pub chain: RootChainId,
	/// The full node's HTTP API; its JSON-RPC is at `<url>/jsonrpc`.
	pub url: String,
	/// Its `RootChain` contract.
	pub root_chain: H160,
	/// The validator's signer key, which owns and pays the call.
	pub secret: [u8; 32],
	/// Most sun one checkpoint may burn.
	pub fee_limit_sun: u64,
	/// Where the transaction in flight is recorded.
	pub state_file: PathBuf,
}

/// The TRON transaction in flight, as recorded on disk.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct InFlight {
	start: u64,
	tx_id: H256,
	/// Unix milliseconds after which it can no longer be included.
	expiration: i64,
}

/// Submits one TRON chain's checkpoints; see the module docs.
pub struct TronSubmitter {
	config: TronSubmitterConfig,
	http: TronHttp,
	provider: RootProvider,
	signer: ecdsa::Pair,
	owner: H160,
}

fn unix_millis() -> i64 {
	SystemTime::now()
		.duration_since(UNIX_EPOCH)
		.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl TronSubmitter {
	/// A submitter for `config`.
	pub fn new(config: TronSubmitterConfig) -> Result<Self, Error> {
		let fail = |reason: String| Error::Submit { chain: format!("{:?}", config.chain), reason };
		let jsonrpc = format!("{}/jsonrpc", config.url.trim_end_matches('/'));
		let url = jsonrpc.parse().map_err(|e| fail(format!("bad URL {jsonrpc}: {e}")))?;
		let provider = RootProvider::new(ClientBuilder::default().hyper_http(url));
		let signer = ecdsa::Pair::from_seed_slice(&config.secret)
			.map_err(|_| fail("bad signer key".into()))?;
		let digest = [0u8; 32];
		let owner = tron::recover(&digest, &tron::sign(&signer, &digest))
			.ok_or(fail("bad signer key".into()))?;
		Ok(Self { http: TronHttp::new(&config.url), provider, signer, owner, config })
	}

	/// The submitting (and paying) account.
	pub fn address(&self) -> H160 {
		self.owner
	}

	fn fail(&self, reason: impl ToString) -> Error {
		Error::Submit { chain: format!("{:?}", self.config.chain), reason: reason.to_string() }
	}

	/// The contract's `nextStartBlock()`.
	pub async fn next_start(&self) -> Result<u64, Error> {
		let contract = RootChain::new(Address::from(self.config.root_chain.0), &self.provider);
		let next =
			tokio::time::timeout(REQUEST_TIMEOUT, contract.nextStartBlock().call().into_future())
				.await
				.map_err(|_| self.fail("nextStartBlock(): no answer"))?
				.map_err(|e| self.fail(format!("nextStartBlock(): {e}")))?;
		u64::try_from(next).map_err(|_| self.fail(format!("nextStartBlock() = {next} overflows")))
	}

	/// How transaction `tx_id` ended.
	pub async fn status(&self, tx_id: &H256) -> Result<TxStatus, Error> {
		let info = self
			.http
			.post("/wallet/gettransactioninfobyid", &json!({ "value": hex(tx_id.as_bytes()) }))
			.await?;
		if info.get("id").is_none() {
			return Ok(TxStatus::Unknown);
		}
		let receipt = &info["receipt"];
		match receipt["result"].as_str() {
			Some("SUCCESS") => Ok(TxStatus::Success {
				block: info["blockNumber"].as_u64().unwrap_or_default(),
				fee: info["fee"].as_u64().unwrap_or_default(),
				energy: receipt["energy_usage_total"].as_u64().unwrap_or_default(),
			}),
			other => Ok(TxStatus::Failed(format!(
				"{} {}",
				other.unwrap_or("no result"),
				message_text(&info["resMessage"])
			))),
		}
	}

	fn load(&self) -> Result<Option<InFlight>, Error> {
		match std::fs::read_to_string(&self.config.state_file) {
			Ok(text) => serde_json::from_str(&text)
				.map_err(|e| self.fail(format!("{}: {e}", self.config.state_file.display()))),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(self.fail(format!("{}: {e}", self.config.state_file.display()))),
		}
	}

	fn store(&self, in_flight: Option<&InFlight>) -> Result<(), Error> {
		let text = serde_json::to_string(&in_flight).map_err(|e| self.fail(e))?;
		write_durably(&self.config.state_file, text.as_bytes())
			.map_err(|e| self.fail(format!("{}: {e}", self.config.state_file.display())))
	}

	/// Submits the checkpoint starting at `start`, unless TRON already has it or a
	/// transaction for it may still be included.
	pub async fn submit(&self, start: u64, data: Vec<u8>, sigs: Vec<u8>) -> Result<Outcome, Error> {
		let next = self.next_start().await?;
		if next > start {
			self.store(None)?;
			return Ok(Outcome::Recorded);
		}
		if next < start {
			return Err(self.fail(format!(
				"the root chain expects a checkpoint from block {next} first, not {start}"
			)));
		}
		if let Some(recorded) = self.load()?.filter(|tx| tx.start == start) {
			match self.status(&recorded.tx_id).await? {
				TxStatus::Success { .. } => return Ok(Outcome::Recorded),
				TxStatus::Failed(why) => {
					log::warn!(target: crate::LOG_TARGET, "{:?}: checkpoint transaction {:?} failed ({why}); sending a new one", self.config.chain, recorded.tx_id);
				}
				// Still includable: wait (a second one could land too).
				TxStatus::Unknown if unix_millis() <= recorded.expiration => {
					return Ok(Outcome::InFlight(recorded.tx_id));
				}
				TxStatus::Unknown => {
					log::info!(target: crate::LOG_TARGET, "{:?}: checkpoint transaction {:?} expired unincluded; sending a new one", self.config.chain, recorded.tx_id);
				}
			}
		}

		let call = ContractCall {
			owner: self.owner,
			contract: self.config.root_chain,
			data: RootChain::submitCheckpointCall {
				data: AbiBytes::from(data),
				sigs: AbiBytes::from(sigs),
			}
			.abi_encode(),
			call_value: 0,
			fee_limit: i64::try_from(self.config.fee_limit_sun).unwrap_or(i64::MAX),
		};
		let built = self
			.http
			.post(
				"/wallet/triggersmartcontract",
				&json!({
					"owner_address": hex(&tron::account_bytes(&call.owner)),
					"contract_address": hex(&tron::account_bytes(&call.contract)),
					"data": hex(&call.data),
					"call_value": 0,
					"fee_limit": call.fee_limit,
					"visible": false,
				}),
			)
			.await?;
		if built["result"]["result"].as_bool() != Some(true) {
			return Err(self.fail(format!(
				"triggersmartcontract refused: {} {}",
				built["result"]["code"],
				message_text(&built["result"]["message"])
			)));
		}
		let mut transaction = built["transaction"].clone();
		let raw_hex = transaction["raw_data_hex"].as_str().ok_or(self.fail("no raw_data_hex"))?;
		let raw =
			sp_core::bytes::from_hex(raw_hex).map_err(|_| self.fail("raw_data_hex is not hex"))?;
		// The node built it; this node signs only what it asked for.
		let (got, anchor) = tron::decode_call(&raw)
			.map_err(|e| self.fail(format!("the node's transaction: {e}")))?;
		if got != call {
			return Err(self.fail("the node's transaction is not the call asked for"));
		}
		let tx_id = tron::txid(&raw);
		if transaction["txID"].as_str().map(|t| t.to_lowercase()) != Some(hex(&tx_id)) {
			return Err(self.fail("the node's txID is not the SHA-256 of its raw_data"));
		}
		let signature = tron::sign(&self.signer, &tx_id);
		transaction["signature"] = json!([hex(&signature)]);
		let tx_id = H256(tx_id);
		// Recorded first: a crash after the broadcast finds it instead of sending another.
		self.store(Some(&InFlight { start, tx_id, expiration: anchor.expiration }))?;
		let answer = self.http.post("/wallet/broadcasttransaction", &transaction).await?;
		if answer["result"].as_bool() != Some(true)
			&& answer["code"].as_str() != Some("DUP_TRANSACTION_ERROR")
		{
			// Refused outright: nothing is in flight.
			self.store(None)?;
			return Err(self.fail(format!(
				"broadcasttransaction refused: {} {}",
				answer["code"],
				message_text(&answer["message"])
			)));
		}
		Ok(Outcome::Sent(tx_id))
	}
}

/// Lower-case hex without `0x`, as TRON's API takes it.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
