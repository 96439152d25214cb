//! The HTTP front: serves the public port, answers `eth_sendRawTransaction` itself, and
//! forwards every other request (and WebSocket upgrade) unchanged to pallet-revive's eth-rpc
//! on a loopback port.
//!
//! A raw transaction is decoded and its signer recovered here, checked against the chain id
//! and gas price (both cached), and handed straight to the node's pool; a batch's
//! transactions go to the node in one call. Only when the pool refuses one are the sender's
//! nonce and balance read, to say why in geth's words.
//!
//! Receipts of the newest blocks are held by the front ([`crate::receipts`]):
//! `eth_getTransactionReceipt` and `eth_getBlockReceipts` for them are answered from memory,
//! in a batch beside the calls that are forwarded.
//!
//! Limits: at most `max_connections` connections at once, and at most a quarter of them
//! ([`per_client_connections`]) from one IP address, so that one client cannot hold every
//! connection (more are answered 503 and closed), batches of at most `max_batch_len` calls, and the refusals of a batch explained
//! [`CHECK_CONCURRENCY`] at a time. The `Host` header is checked here with the node's own
//! rule (only `localhost`, `127.0.0.1` and `[::1]` at the public port, unless CORS allows
//! every origin), since the backend only sees the front.

use crate::{
	access_list,
	error::Error,
	filters::{self, FilterError, Filters, Kind},
	http::{self, HttpClient},
	node::{Node, Refusal},
	pending::{self, PendingFeed},
	precheck::{self, ChainRules, DecodedTransaction, SenderState},
	proof,
	receipts::RecentReceipts,
	websocket,
};
use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{
	body::Incoming,
	header::{CONTENT_TYPE, HOST, UPGRADE},
	Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use sp_core::{H160, H256, U256};
use sp_crypto_hashing::keccak_256;
use std::{
	collections::HashMap,
	net::{IpAddr, SocketAddr},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::{
	net::TcpListener,
	sync::{OnceCell, Semaphore},
};

/// Refused raw transactions of one batch explained at once (two state queries each).
pub const CHECK_CONCURRENCY: usize = 16;
/// How long a read gas price is used: it changes at most once a block (2 s).
const GAS_PRICE_FRESH_FOR: Duration = Duration::from_secs(1);
/// Time a client has to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

const LOG_TARGET: &str = "eth-rpc-front";

type ResponseBody = Full<Bytes>;

/// What the front enforces.
#[derive(Clone, Debug)]
pub struct Limits {
	/// Largest request body.
	pub max_request_bytes: usize,
	/// Most connections served at once.
	pub max_connections: usize,
	/// Most calls in one batch.
	pub max_batch_len: usize,
	/// `Host` values accepted (`None`: any).
	pub allowed_hosts: Option<Vec<String>>,
	/// Whether pre-EIP-155 transactions are taken (`--allow-unprotected-txs`).
	pub allow_unprotected: bool,
}

/// Shared by every connection.
pub struct Front {
	backend: SocketAddr,
	pub(crate) client: HttpClient,
	/// Where raw transactions go.
	pub(crate) node: Node,
	/// The chain id never changes, so it is asked once.
	chain_id: OnceCell<u64>,
	/// The last gas price read, and when.
	gas_price: Mutex<Option<(U256, Instant)>>,
	limits: Limits,
	connections: Arc<Semaphore>,
	/// Open connections per client address (entries removed at zero).
	per_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
	receipts: Arc<RecentReceipts>,
	filters: Filters,
	/// Hashes of transactions that entered the pool, for pending-transaction filters and
	/// `newPendingTransactions` subscriptions.
	pub(crate) pending: PendingFeed,
	/// Open `newPendingTransactions` subscriptions (the pool is read while there are any).
	pub(crate) pending_subscriptions: std::sync::atomic::AtomicUsize,
	/// Root chains whose exits `bttc_getWithdrawalStatus` looks up.
	pub(crate) root_managers: Vec<crate::exit::RootManager>,
}

/// Connections one IP address may hold: a quarter of `max_connections`, at least one.
pub fn per_client_connections(max_connections: usize) -> usize {
	(max_connections / 4).max(1)
}

/// One connection counted against its client's share; uncounted when dropped.
struct ClientConnection {
	per_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
	ip: IpAddr,
}

impl ClientConnection {
	/// Counts a connection from `ip`, unless it already holds `share`.
	fn open(
		per_client: &Arc<Mutex<HashMap<IpAddr, usize>>>,
		ip: IpAddr,
		share: usize,
	) -> Option<Self> {
		let mut counts = per_client.lock().ok()?;
		let count = counts.entry(ip).or_default();
		if *count >= share {
			return None;
		}
		*count += 1;
		Some(Self { per_client: per_client.clone(), ip })
	}
}

impl Drop for ClientConnection {
	fn drop(&mut self) {
		if let Ok(mut counts) = self.per_client.lock() {
			if let Some(count) = counts.get_mut(&self.ip) {
				*count = count.saturating_sub(1);
				if *count == 0 {
					counts.remove(&self.ip);
				}
			}
		}
	}
}

impl Front {
	/// Adds the node pool's Ethereum transactions to the pending feed, while any
	/// pending-transaction filter is installed.
	async fn read_pool_for_pending_filters(&self) {
		// The newest block whose transactions were fed.
		let mut fed_block = 0;
		loop {
			tokio::time::sleep(pending::POOL_READ_INTERVAL).await;
			if !self.pending_wanted() {
				fed_block = self.receipts.newest().map_or(fed_block, |(number, _)| number);
				continue;
			}
			match self.node.pending_eth_transactions().await {
				Ok(hashes) => self.pending.record(hashes),
				Err(err) => log::debug!(target: LOG_TARGET, "the pool was not read: {err}"),
			}
			// A transaction can enter the pool and a block between two reads of the pool:
			// the new blocks' transactions are fed too (the feed reports each hash once).
			let (newest, included) = self.receipts.transactions_after(fed_block);
			self.pending.record(included);
			fed_block = newest;
		}
	}

	/// Whether a pending-transaction filter or subscription reads the pending feed; only then
	/// is it fed (a filter or subscription reads from its own start, so nothing is lost).
	fn pending_wanted(&self) -> bool {
		self.pending_subscriptions.load(std::sync::atomic::Ordering::Relaxed) > 0
			|| self.filters.has_pending()
	}

	/// A front for the eth-rpc server at `backend`, submitting raw transactions to `node`,
	/// enforcing `limits`, looking exits up on the root chains of `root_managers`.
	pub fn new(
		backend: SocketAddr,
		node: Node,
		limits: Limits,
		root_managers: Vec<crate::exit::RootManager>,
	) -> Arc<Self> {
		Arc::new(Self {
			backend,
			client: http::client(),
			node,
			chain_id: OnceCell::new(),
			gas_price: Mutex::new(None),
			connections: Arc::new(Semaphore::new(limits.max_connections)),
			limits,
			per_client: Arc::default(),
			receipts: Arc::default(),
			filters: Filters::default(),
			pending: PendingFeed::default(),
			pending_subscriptions: Default::default(),
			root_managers,
		})
	}

	/// Accepts connections on `listener` until the process ends, following the backend's
	/// newest receipts meanwhile.
	pub async fn serve(self: Arc<Self>, listener: TcpListener) {
		let receipts = self.receipts.clone();
		let (client, url) = (self.client.clone(), format!("http://{}/", self.backend));
		tokio::spawn(async move { receipts.follow(client, url).await });
		let front = self.clone();
		tokio::spawn(async move { front.read_pool_for_pending_filters().await });
		loop {
			let (stream, peer) = match listener.accept().await {
				Ok(accepted) => accepted,
				Err(err) => {
					log::warn!(target: LOG_TARGET, "accept failed: {err}");
					continue;
				}
			};
			let share = per_client_connections(self.limits.max_connections);
			let Some(client) = ClientConnection::open(&self.per_client, peer.ip(), share) else {
				log::debug!(target: LOG_TARGET, "refused {peer}: its address holds {share} connections");
				tokio::spawn(refuse_connection(
					stream,
					"too many connections from your address: retry shortly",
				));
				continue;
			};
			let Ok(permit) = self.connections.clone().try_acquire_owned() else {
				log::debug!(target: LOG_TARGET, "refused {peer}: {} connections open", self.limits.max_connections);
				tokio::spawn(refuse_connection(stream, "too many connections: retry shortly"));
				continue;
			};
			let front = self.clone();
			tokio::spawn(async move {
				let _held = (permit, client);
				let service = hyper::service::service_fn(move |request| {
					let front = front.clone();
					async move {
						Ok::<_, std::convert::Infallible>(front.handle(request, peer.ip()).await)
					}
				});
				if let Err(err) = hyper::server::conn::http1::Builder::new()
					.timer(hyper_util::rt::TokioTimer::new())
					.header_read_timeout(HEADER_READ_TIMEOUT)
					.serve_connection(TokioIo::new(stream), service)
					.with_upgrades()
					.await
				{
					log::debug!(target: LOG_TARGET, "connection from {peer} ended: {err}");
				}
			});
		}
	}

	/// Whether the request's `Host` is one the node would serve (DNS-rebinding guard).
	fn host_allowed(&self, request: &Request<Incoming>) -> bool {
		let Some(allowed) = &self.limits.allowed_hosts else { return true };
		let host = request.headers().get(HOST).and_then(|h| h.to_str().ok());
		host.is_some_and(|host| allowed.iter().any(|a| a.eq_ignore_ascii_case(host)))
	}

	async fn handle(
		self: Arc<Self>,
		request: Request<Incoming>,
		client: IpAddr,
	) -> Response<ResponseBody> {
		if !self.host_allowed(&request) {
			return plain(StatusCode::FORBIDDEN, "Provided Host header is not whitelisted.\n");
		}
		if request.headers().contains_key(UPGRADE) {
			return self.upgrade(request).await;
		}
		let origin = request.headers().get(hyper::header::ORIGIN).cloned();
		let (parts, body) = request.into_parts();
		let body = match Limited::new(body, self.limits.max_request_bytes).collect().await {
			Ok(collected) => collected.to_bytes(),
			Err(err) => return plain(StatusCode::PAYLOAD_TOO_LARGE, &err.to_string()),
		};
		// Only a body naming a method the front answers is parsed: every other call passes
		// through untouched.
		if parts.method == hyper::Method::POST && mentions_answered_method(&body) {
			if let Ok(payload) = serde_json::from_slice::<Value>(&body) {
				if let Some(answer) = self.answer_payload(&payload, client).await {
					let mut response = if answer.is_null() {
						plain(StatusCode::OK, "")
					} else {
						json_response(&answer)
					};
					// A browser sent this only if the backend's answer to its preflight allowed
					// the origin; the answer holds only what the backend would also answer.
					if let Some(origin) = origin {
						response
							.headers_mut()
							.insert(hyper::header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
					}
					return response;
				}
			}
		}
		self.forward(parts, body).await
	}

	/// Answers the payload's `eth_sendRawTransaction` calls and the receipts it holds itself,
	/// and forwards the other calls of a batch to the backend as one batch; `None` when the
	/// front answers no call of the payload (it is then forwarded whole). `Value::Null` means
	/// "no answer" (only notifications).
	async fn answer_payload(&self, payload: &Value, client: IpAddr) -> Option<Value> {
		match payload {
			Value::Object(_) => {
				if let Some(answer) = self.held_answer(payload) {
					return Some(answer);
				}
				if is_front_call(payload) {
					let answer = self.front_answer(payload, client).await;
					return Some(if payload.get("id").is_some() { answer } else { Value::Null });
				}
				if !is_send_raw_transaction(payload) {
					return None;
				}
				let outcome = self.send_raw_transactions(&[payload]).await.pop()?;
				Some(payload.get("id").map_or(Value::Null, |id| answer_object(id, outcome)))
			}
			Value::Array(calls) => {
				if calls.len() > self.limits.max_batch_len {
					let error =
						Error::BatchTooLarge { len: calls.len(), max: self.limits.max_batch_len };
					return Some(error_object(None, &error));
				}
				let mut held: Vec<Option<Value>> =
					calls.iter().map(|call| self.held_answer(call)).collect();
				for (call, held) in calls.iter().zip(held.iter_mut()) {
					if held.is_none() && is_front_call(call) {
						*held = Some(self.front_answer(call, client).await);
					}
				}
				let (raw, others): (Vec<&Value>, Vec<&Value>) = calls
					.iter()
					.zip(&held)
					.filter(|(_, held)| held.is_none())
					.map(|(call, _)| call)
					.partition(|call| is_send_raw_transaction(call));
				if others.len() == calls.len() {
					return None;
				}
				let (outcomes, mut forwarded) =
					tokio::join!(self.send_raw_transactions(&raw), self.forward_batch(&others));
				// Answers in the batch's order; notifications (no id) get none.
				let mut outcomes = outcomes.into_iter();
				let mut answers = Vec::with_capacity(calls.len());
				for (call, held) in calls.iter().zip(held) {
					if let Some(answer) = held {
						// Notifications (no id) get no answer.
						if call.get("id").is_some() {
							answers.push(answer);
						}
					} else if is_send_raw_transaction(call) {
						let outcome = outcomes.next();
						if let (Some(id), Some(outcome)) = (call.get("id"), outcome) {
							answers.push(answer_object(id, outcome));
						}
					} else if let Some(id) = call.get("id") {
						if let Some(at) = forwarded.iter().position(|a| a.get("id") == Some(id)) {
							answers.push(forwarded.remove(at));
						}
					}
				}
				answers.extend(forwarded);
				Some(if answers.is_empty() { Value::Null } else { Value::Array(answers) })
			}
			_ => None,
		}
	}

	/// The answer to a call the front serves itself: a polling filter's or an access list's.
	async fn front_answer(&self, call: &Value, client: IpAddr) -> Value {
		let outcome = match call.get("method").and_then(Value::as_str) {
			Some(CREATE_ACCESS_LIST) => self.create_access_list(call).await,
			Some(GET_PROOF) => self.get_proof(call).await,
			Some(GET_EXIT_PAYLOAD) => self.exit_payload(call).await,
			Some(GET_WITHDRAWAL_STATUS) => self.withdrawal_status(call).await,
			_ => return self.filter_answer(call, client).await,
		};
		let id = call.get("id").cloned().unwrap_or(Value::Null);
		match outcome {
			Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
			Err(error) => json!({"jsonrpc": "2.0", "id": id, "error": error}),
		}
	}

	/// `eth_createAccessList(tx, block?)` (see [`crate::access_list`]): the result, or the
	/// JSON-RPC error object to answer (the backend's own, when it refused the call).
	async fn create_access_list(&self, call: &Value) -> Result<Value, Value> {
		let invalid = |detail: &str| json!({"code": -32602, "message": format!("invalid params: eth_createAccessList {detail}")});
		let params = call.get("params").and_then(Value::as_array).cloned().unwrap_or_default();
		let (tx, block) = match params.as_slice() {
			[tx @ Value::Object(_)] => (tx.clone(), json!("latest")),
			[tx @ Value::Object(_), block] => (tx.clone(), block.clone()),
			_ => return Err(invalid("takes a transaction object and an optional block")),
		};
		let address_field = |field: &str| match tx.get(field) {
			None | Some(Value::Null) => Ok(None),
			Some(value) => {
				value.as_str().and_then(access_list::parse_address).map(Some).ok_or_else(|| {
					invalid(&format!("`{field}` is not a 0x-prefixed 20-byte address"))
				})
			}
		};
		let (from, to) = (address_field("from")?, address_field("to")?);
		let trace = self
			.backend_answer("debug_traceCall", json!([tx, block, {"tracer": "prestateTracer"}]))
			.await?;
		let mut excluded: Vec<H160> = from.into_iter().chain(to).collect();
		if let (None, Some(sender)) = (to, from) {
			// A deployment: the new contract is left out as geth leaves it out.
			let nonce = match tx.get("nonce") {
				Some(nonce) => nonce.clone(),
				None => {
					self.backend_answer("eth_getTransactionCount", json!([sender, block])).await?
				}
			};
			let nonce = nonce
				.as_str()
				.and_then(|text| u64::from_str_radix(text.trim_start_matches("0x"), 16).ok())
				.ok_or_else(|| invalid("`nonce` is not a hex quantity"))?;
			excluded.push(access_list::created_address(&sender, nonce));
		}
		let list = access_list::from_prestate(&trace, &excluded);
		let mut with_list = tx;
		with_list["accessList"] = list.clone();
		let gas_used = self.backend_answer("eth_estimateGas", json!([with_list, block])).await?;
		Ok(json!({"accessList": list, "gasUsed": gas_used}))
	}

	/// `eth_getProof(address, slots, block)` (see [`crate::proof`]): the account and its slots
	/// as the backend reads them, with Substrate trie proofs from the node at the same block.
	async fn get_proof(&self, call: &Value) -> Result<Value, Value> {
		let invalid = |detail: &str| json!({"code": -32602, "message": format!("invalid params: eth_getProof {detail}")});
		let params = call.get("params").and_then(Value::as_array).cloned().unwrap_or_default();
		let (address, slots, block) = match params.as_slice() {
			[address, slots] => (address, slots, json!("latest")),
			[address, slots, block] => (address, slots, block.clone()),
			_ => return Err(invalid("takes an address, an array of storage slots and a block")),
		};
		let address = address
			.as_str()
			.and_then(access_list::parse_address)
			.ok_or_else(|| invalid("address is not a 0x-prefixed 20-byte address"))?;
		let slots = slots
			.as_array()
			.ok_or_else(|| invalid("slots must be an array"))?
			.iter()
			.map(|slot| {
				let text = slot.as_str().ok_or_else(|| invalid("slots must be hex strings"))?;
				let parsed = proof::parse_slot(text).ok_or_else(|| {
					invalid(&format!("slot {text} is not up to 32 bytes of 0x-prefixed hex"))
				})?;
				Ok((text, parsed))
			})
			.collect::<Result<Vec<_>, Value>>()?;
		if slots.len() > MAX_PROOF_SLOTS {
			return Err(invalid(&format!(
				"asks for {} slots; at most {MAX_PROOF_SLOTS}",
				slots.len()
			)));
		}
		// The block, by tag, number or hash, as the backend names it; then the node's hash of it.
		let by_hash = block.as_str().is_some_and(|text| text.len() == 66);
		let method = if by_hash { "eth_getBlockByHash" } else { "eth_getBlockByNumber" };
		let eth_block = self.backend_answer(method, json!([block, false])).await?;
		let number = eth_block.get("number").cloned().ok_or_else(
			|| json!({"code": -32000, "message": format!("eth_getProof: block {block} not found")}),
		)?;
		let node = |method: &'static str, params: Value| async move {
			self.node.result(method, params).await.map_err(
				|err| json!({"code": -32603, "message": format!("eth_getProof: the node's {method}: {err}")}),
			)
		};
		// A block the node does not have would make every proof below silently the best
		// block's: refuse it.
		let at = node("chain_getBlockHash", json!([number])).await?;
		if !at.is_string() {
			return Err(json!({"code": -32000,
				"message": format!("eth_getProof: the node has no block {number} yet: retry shortly")}));
		}
		let storage = |key: Vec<u8>| {
			let at = at.clone();
			async move {
				let value = node("state_getStorage", json!([hex_0x(&key), at])).await?;
				let bytes =
					value.as_str().and_then(|text| hex::decode(text.strip_prefix("0x")?).ok());
				Ok::<_, Value>(bytes)
			}
		};
		let original_key = proof::original_account_key(&address);
		let info_key = proof::account_info_key(&address);
		let (original, info) =
			tokio::try_join!(storage(original_key.clone()), storage(info_key.clone()))?;
		let account = match original {
			Some(bytes) if bytes.len() == 32 => bytes.try_into().unwrap_or([0; 32]),
			_ => proof::fallback_account(&address),
		};
		let contract = info.as_deref().and_then(proof::contract_of);
		let mut keys = vec![original_key, proof::system_account_key(&account), info_key];
		let (storage_hash, code_hash) = match &contract {
			Some((trie_id, code_hash)) => {
				let root_key = proof::child_trie_key(trie_id);
				keys.push(root_key.clone());
				let root = storage(root_key).await?.unwrap_or_default();
				(format!("0x{}", hex::encode(root)), *code_hash)
			}
			None => (hex_0x(&proof::EMPTY_TRIE_ROOT), proof::empty_code_hash()),
		};
		let keys: Vec<String> = keys.iter().map(|key| hex_0x(key)).collect();
		let account_proof = node("state_getReadProof", json!([keys, at])).await?["proof"].clone();
		let (balance, nonce) = tokio::join!(
			self.backend_answer("eth_getBalance", json!([address, number])),
			self.backend_answer("eth_getTransactionCount", json!([address, number])),
		);
		let mut storage_proof = Vec::with_capacity(slots.len());
		for (text, slot) in slots {
			let value = self
				.backend_answer("eth_getStorageAt", json!([address, hex_0x(&slot), number]))
				.await?;
			let slot_proof = match &contract {
				Some((trie_id, _)) => {
					let child = hex_0x(&proof::child_trie_key(trie_id));
					let key = hex_0x(&proof::slot_key(&slot));
					node("state_getChildReadProof", json!([child, [key], at])).await?["proof"]
						.clone()
				}
				None => json!([]),
			};
			storage_proof
				.push(json!({"key": text, "value": quantity(&value), "proof": slot_proof}));
		}
		Ok(json!({
			"address": address,
			"balance": balance?,
			"nonce": nonce?,
			"codeHash": code_hash,
			"storageHash": storage_hash,
			"accountProof": account_proof,
			"storageProof": storage_proof,
			"substrateBlockHash": at,
		}))
	}

	/// The backend's result for one call, or the error object to answer (see
	/// [`http::call_keeping_error`]).
	pub(crate) async fn backend_answer(&self, method: &str, params: Value) -> Result<Value, Value> {
		let url = format!("http://{}/", self.backend);
		http::call_keeping_error(&self.client, &url, method, params).await
	}

	/// The answer to a polling-filter call (see [`crate::filters`]).
	async fn filter_answer(&self, call: &Value, client: IpAddr) -> Value {
		let id = call.get("id").cloned().unwrap_or(Value::Null);
		let params = call.get("params").and_then(Value::as_array).cloned().unwrap_or_default();
		let method = call.get("method").and_then(Value::as_str).unwrap_or_default();
		let outcome = match method {
			"eth_newBlockFilter" => self.install_filter(client, Kind::Blocks).await,
			"eth_newPendingTransactionFilter" => self
				.filters
				.install(client, Kind::PendingTransactions, self.pending.head())
				.map(Value::String),
			"eth_newFilter" => match params.as_slice() {
				[filter] => self.install_filter(client, Kind::Logs(filter.clone())).await,
				_ => {
					Err(FilterError::InvalidParams("eth_newFilter takes one filter object".into()))
				}
			},
			"eth_uninstallFilter" => match params.as_slice() {
				[Value::String(filter)] => Ok(json!(self.filters.uninstall(client, filter))),
				_ => {
					Err(FilterError::InvalidParams("eth_uninstallFilter takes a filter id".into()))
				}
			},
			"eth_getFilterChanges" => match params.as_slice() {
				[Value::String(filter)] => self.filter_changes(client, filter).await,
				_ => {
					Err(FilterError::InvalidParams("eth_getFilterChanges takes a filter id".into()))
				}
			},
			"eth_getFilterLogs" => match params.as_slice() {
				[Value::String(filter)] => match self.filters.kind(client, filter) {
					Ok(Kind::Logs(object)) => {
						self.backend_result("eth_getLogs", json!([object])).await
					}
					Ok(Kind::Blocks | Kind::PendingTransactions) | Err(_) => {
						Err(FilterError::NotFound)
					}
				},
				_ => Err(FilterError::InvalidParams("eth_getFilterLogs takes a filter id".into())),
			},
			_ => Err(FilterError::InvalidParams(format!("{method} is not a filter method"))),
		};
		match outcome {
			Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
			Err(error) => json!({"jsonrpc": "2.0", "id": id,
				"error": {"code": error.code(), "message": error.to_string()}}),
		}
	}

	async fn install_filter(&self, client: IpAddr, kind: Kind) -> Result<Value, FilterError> {
		let best = self.best_block().await?;
		self.filters.install(client, kind, best).map(Value::String)
	}

	/// What a filter reports since its last poll: block hashes, or logs.
	async fn filter_changes(&self, client: IpAddr, filter: &str) -> Result<Value, FilterError> {
		let best = match self.filters.kind(client, filter)? {
			Kind::PendingTransactions => self.pending.head(),
			Kind::Blocks | Kind::Logs(_) => self.best_block().await?,
		};
		let (kind, range) = self.filters.poll(client, filter, best)?;
		let Some(range) = range else { return Ok(json!([])) };
		let changes = match kind {
			Kind::PendingTransactions => json!(self.pending.range(range.from, range.to)),
			Kind::Logs(object) => {
				self.backend_result("eth_getLogs", json!([filters::logs_query(&object, &range)]))
					.await?
			}
			Kind::Blocks => {
				let calls: Vec<Value> = (range.from..=range.to)
					.map(|number| {
						json!({"jsonrpc": "2.0", "id": number,
						"method": "eth_getBlockByNumber", "params": [format!("0x{number:x}"), false]})
					})
					.collect();
				let answers = self
					.call_backend_raw(&Value::Array(calls))
					.await
					.map_err(|err| FilterError::Backend(err.to_string()))?;
				let mut answers = answers.as_array().cloned().unwrap_or_default();
				answers.sort_by_key(|answer| answer["id"].as_u64());
				let hashes: Vec<Value> = answers
					.iter()
					.filter_map(|answer| answer["result"].get("hash").cloned())
					.collect();
				// A block the backend cannot give yet is asked for again at the next poll.
				if hashes.len() as u64 != range.to - range.from + 1 {
					return Err(FilterError::Backend(format!(
						"blocks {}..={} are not all available yet: poll again",
						range.from, range.to
					)));
				}
				Value::Array(hashes)
			}
		};
		self.filters.reported(client, filter, range.to);
		Ok(changes)
	}

	async fn best_block(&self) -> Result<u64, FilterError> {
		let best = self
			.call_u256("eth_blockNumber", json!([]))
			.await
			.map_err(|err| FilterError::Backend(err.to_string()))?;
		u64::try_from(best).map_err(|_| FilterError::Backend(format!("best block {best}")))
	}

	/// The backend's result for one call; its error passed on.
	async fn backend_result(&self, method: &str, params: Value) -> Result<Value, FilterError> {
		let url = format!("http://{}/", self.backend);
		http::call(&self.client, &url, method, params).await.map_err(FilterError::Backend)
	}

	/// The answer to a receipt call (with an id) from the receipts held, if they hold it.
	fn held_answer(&self, call: &Value) -> Option<Value> {
		let id = call.get("id")?;
		let params = call.get("params")?.as_array().filter(|params| params.len() == 1)?;
		let result = match call.get("method")?.as_str()? {
			"eth_getTransactionReceipt" => self.receipts.receipt(params[0].as_str()?)?,
			"eth_getBlockReceipts" => self.receipts.block_receipts(&params[0])?,
			_ => return None,
		};
		Some(json!({"jsonrpc": "2.0", "id": id, "result": result}))
	}

	/// The backend's answers to `calls`, sent as one batch.
	async fn forward_batch(&self, calls: &[&Value]) -> Vec<Value> {
		if calls.is_empty() {
			return Vec::new();
		}
		let expects_answer = calls.iter().any(|call| call.get("id").is_some());
		let batch = Value::Array(calls.iter().map(|call| (*call).clone()).collect());
		match self.call_backend_raw(&batch).await {
			Ok(Value::Array(answers)) => answers,
			Ok(single) => vec![single],
			// Only notifications were forwarded: nothing comes back.
			Err(_) if !expects_answer => Vec::new(),
			Err(err) => vec![error_object(None, &err)],
		}
	}

	/// Checks each raw transaction (decoding, signature, chain id, price), hands those that
	/// pass to the node's pool in one batch, and explains the pool's refusals from the
	/// sender's state. Per call: the transaction hash, or why it was refused.
	async fn send_raw_transactions(&self, calls: &[&Value]) -> Vec<Result<String, Error>> {
		let count = calls.len();
		let params: Vec<Result<Vec<u8>, Error>> =
			calls.iter().map(|call| raw_transaction_param(call)).collect();
		// Recovering signers costs ~0.1 ms each: off the async workers.
		let decoded = tokio::task::spawn_blocking(move || {
			params
				.into_iter()
				.map(|raw| -> Result<(Vec<u8>, DecodedTransaction), Error> {
					let raw = raw?;
					let tx = precheck::decode(&raw)?;
					Ok((raw, tx))
				})
				.collect::<Vec<Result<(Vec<u8>, DecodedTransaction), Error>>>()
		})
		.await
		.unwrap_or_else(|err| {
			(0..count).map(|_| Err(Error::MalformedTransaction(err.to_string()))).collect()
		});

		let mut outcomes: Vec<Option<Result<String, Error>>> = (0..count).map(|_| None).collect();
		let mut candidates = Vec::new();
		for (at, decoded) in decoded.into_iter().enumerate() {
			match decoded {
				Ok((raw, tx)) => candidates.push((at, raw, tx)),
				Err(err) => outcomes[at] = Some(Err(err)),
			}
		}
		let chain_refusals = |rules: Option<ChainRules>| -> Vec<Option<Error>> {
			candidates
				.iter()
				.map(|(_, _, tx)| {
					rules.and_then(|rules| precheck::check_against_chain(tx, rules).err())
				})
				.collect()
		};
		let mut refusals = chain_refusals(self.chain_rules(false).await);
		// The price is cached for a moment: an underpriced verdict is confirmed afresh.
		if refusals.iter().any(|r| matches!(r, Some(Error::Underpriced { .. }))) {
			refusals = chain_refusals(self.chain_rules(true).await);
		}
		let mut to_submit = Vec::new();
		for ((at, raw, tx), refusal) in candidates.into_iter().zip(refusals) {
			match refusal {
				Some(refusal) => {
					log::debug!(target: LOG_TARGET, "refused a raw transaction: {refusal}");
					outcomes[at] = Some(Err(refusal));
				}
				None => to_submit.push((at, raw, tx)),
			}
		}

		let raw: Vec<&[u8]> = to_submit.iter().map(|(_, raw, _)| raw.as_slice()).collect();
		let record_pending = self.pending_wanted();
		match self.node.submit_eth_transactions(&raw).await {
			Err(err) => {
				log::warn!(target: LOG_TARGET, "raw transactions not submitted: {err}");
				for (at, _, _) in &to_submit {
					outcomes[*at] = Some(Err(err.clone()));
				}
			}
			Ok(results) => {
				// Owned items: a closure over borrowed ones makes the spawned future's type
				// higher-ranked, which the compiler cannot prove `Send`.
				let submitted: Vec<(usize, Vec<u8>, DecodedTransaction, Result<(), Refusal>)> =
					to_submit
						.into_iter()
						.zip(results)
						.map(|((at, raw, tx), result)| (at, raw, tx, result))
						.collect();
				let answered: Vec<(usize, Result<String, Error>)> = futures::stream::iter(
					submitted.into_iter().map(|(at, raw, tx, result)| async move {
						let outcome = match result {
							Ok(()) => {
								let hash = keccak_256(&raw);
								if record_pending {
									self.pending.record([H256(hash)]);
								}
								Ok(format!("0x{}", hex::encode(hash)))
							}
							Err(refusal) => Err(self.explain(&tx, refusal).await),
						};
						(at, outcome)
					}),
				)
				.buffered(CHECK_CONCURRENCY)
				.collect()
				.await;
				for (at, outcome) in answered {
					outcomes[at] = Some(outcome);
				}
			}
		}
		outcomes
			.into_iter()
			.map(|outcome| outcome.unwrap_or_else(|| Err(Error::Refused("not answered".into()))))
			.collect()
	}

	/// Why the pool refused `tx`: the checks against the sender's state (nonce, funds) when
	/// they find the reason, else the pool's own words.
	async fn explain(&self, tx: &DecodedTransaction, refusal: Refusal) -> Error {
		log::debug!(target: LOG_TARGET, "the pool refused {:?}'s nonce {}: {}", tx.sender, tx.nonce, refusal.reason);
		if refusal.may_concern_the_sender() {
			let sender = format!("{:?}", tx.sender);
			let state = tokio::try_join!(
				self.call_u256("eth_getTransactionCount", json!([sender, "pending"])),
				self.call_u256("eth_getBalance", json!([sender, "latest"])),
			);
			match state {
				Ok((next_nonce, balance)) => {
					if let Err(precise) =
						precheck::check_against_sender(tx, SenderState { next_nonce, balance })
					{
						return precise;
					}
					// Funds suffice for gas × price + value, so an unpayable fee means the
					// limit does not cover the fee the transaction needs.
					if refusal.reason.contains(UNPAYABLE_FEE) {
						return Error::GasLimitTooLow { gas: tx.gas };
					}
				}
				Err(err) => {
					log::debug!(target: LOG_TARGET, "the sender's state is unknown, the pool's words stand: {err}")
				}
			}
		}
		Error::Refused(refusal.message())
	}

	/// Chain id and gas price, or `None` when the backend cannot say (the node's own
	/// validation still applies). `fresh` reads the price again even if cached.
	async fn chain_rules(&self, fresh: bool) -> Option<ChainRules> {
		let rules = async {
			let chain_id = self.chain_id().await?;
			let gas_price = self.gas_price(fresh).await?;
			let allow_unprotected = self.limits.allow_unprotected;
			Ok::<_, Error>(ChainRules { chain_id, gas_price, allow_unprotected })
		};
		rules
			.await
			.inspect_err(
				|err| log::warn!(target: LOG_TARGET, "chain id and price not checked, left to the node: {err}"),
			)
			.ok()
	}

	/// `eth_gasPrice`, read at most once per [`GAS_PRICE_FRESH_FOR`] unless `fresh`.
	async fn gas_price(&self, fresh: bool) -> Result<U256, Error> {
		if !fresh {
			if let Some((price, read_at)) = self.gas_price.lock().ok().and_then(|cached| *cached) {
				if read_at.elapsed() < GAS_PRICE_FRESH_FOR {
					return Ok(price);
				}
			}
		}
		let price = self.call_u256("eth_gasPrice", json!([])).await?;
		if let Ok(mut cached) = self.gas_price.lock() {
			*cached = Some((price, Instant::now()));
		}
		Ok(price)
	}

	async fn chain_id(&self) -> Result<u64, Error> {
		self.chain_id
			.get_or_try_init(|| async {
				let id = self.call_u256("eth_chainId", json!([])).await?;
				u64::try_from(id).map_err(|_| Error::BackendAnswer {
					method: "eth_chainId",
					detail: format!("{id} does not fit in 64 bits"),
				})
			})
			.await
			.copied()
	}

	async fn call_u256(&self, method: &'static str, params: Value) -> Result<U256, Error> {
		let answer = self
			.call_backend_raw(
				&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
			)
			.await?;
		let result = answer.get("result").and_then(Value::as_str).ok_or_else(|| {
			Error::BackendAnswer { method, detail: format!("no hex result in {answer}") }
		})?;
		U256::from_str_radix(result.trim_start_matches("0x"), 16)
			.map_err(|err| Error::BackendAnswer { method, detail: format!("{result}: {err}") })
	}

	async fn call_backend_raw(&self, call: &Value) -> Result<Value, Error> {
		let url = format!("http://{}/", self.backend);
		http::post_json(&self.client, &url, call).await.map_err(Error::Backend)
	}

	/// Passes a request through unchanged; only the target address differs.
	async fn forward(
		&self,
		mut parts: hyper::http::request::Parts,
		body: Bytes,
	) -> Response<ResponseBody> {
		let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
		parts.uri = match format!("http://{}{path}", self.backend).parse() {
			Ok(uri) => uri,
			Err(err) => return plain(StatusCode::BAD_REQUEST, &err.to_string()),
		};
		// The front checked the client's Host; the backend sees its own address.
		set_backend_host(&mut parts.headers, self.backend);
		match self.client.request(Request::from_parts(parts, Full::new(body))).await {
			Ok(response) => {
				let (parts, body) = response.into_parts();
				match body.collect().await {
					Ok(collected) => Response::from_parts(parts, Full::new(collected.to_bytes())),
					Err(err) => backend_down(&err.to_string()),
				}
			}
			Err(err) => backend_down(&err.to_string()),
		}
	}

	/// Hands a WebSocket upgrade to the backend, then splices the two connections. WebSocket
	/// calls are not checked (wallets and libraries send transactions over HTTP).
	async fn upgrade(self: &Arc<Self>, mut request: Request<Incoming>) -> Response<ResponseBody> {
		let backend = match tokio::net::TcpStream::connect(self.backend).await {
			Ok(stream) => stream,
			Err(err) => return backend_down(&err.to_string()),
		};
		let (mut sender, connection) =
			match hyper::client::conn::http1::handshake(TokioIo::new(backend)).await {
				Ok(pair) => pair,
				Err(err) => return backend_down(&err.to_string()),
			};
		tokio::spawn(connection.with_upgrades());
		let client_upgrade = hyper::upgrade::on(&mut request);
		let mut forwarded = Request::builder().method(request.method()).uri(request.uri());
		let mut headers = request.headers().clone();
		set_backend_host(&mut headers, self.backend);
		for (name, value) in &headers {
			forwarded = forwarded.header(name, value);
		}
		let forwarded = match forwarded.body(Full::new(Bytes::new())) {
			Ok(forwarded) => forwarded,
			Err(err) => return plain(StatusCode::BAD_REQUEST, &err.to_string()),
		};
		let mut response = match sender.send_request(forwarded).await {
			Ok(response) => response,
			Err(err) => return backend_down(&err.to_string()),
		};
		if response.status() != StatusCode::SWITCHING_PROTOCOLS {
			let (parts, body) = response.into_parts();
			let body = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
			return Response::from_parts(parts, Full::new(body));
		}
		let backend_upgrade = hyper::upgrade::on(&mut response);
		let front = self.clone();
		tokio::spawn(async move {
			match tokio::try_join!(client_upgrade, backend_upgrade) {
				Ok((client, backend)) => {
					websocket::relay(front, TokioIo::new(client), TokioIo::new(backend)).await
				}
				Err(err) => log::debug!(target: LOG_TARGET, "WebSocket upgrade failed: {err}"),
			}
		});
		let mut answer = Response::builder().status(StatusCode::SWITCHING_PROTOCOLS);
		for (name, value) in response.headers() {
			answer = answer.header(name, value);
		}
		answer.body(Full::new(Bytes::new())).unwrap_or_else(|_| backend_down("bad upgrade answer"))
	}
}

/// Points `Host` at the backend (whose own host filter allows its loopback address).
fn set_backend_host(headers: &mut hyper::HeaderMap, backend: SocketAddr) {
	if let Ok(value) = hyper::header::HeaderValue::from_str(&backend.to_string()) {
		headers.insert(HOST, value);
	}
}

/// Answers a connection beyond a limit with 503 and `body`, and closes it.
async fn refuse_connection(mut stream: tokio::net::TcpStream, body: &str) {
	use tokio::io::AsyncWriteExt;
	let answer = format!(
		"HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\nconnection: close\r\nretry-after: 1\r\n\r\n{body}",
		body.len()
	);
	let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(answer.as_bytes())).await;
	let _ = stream.shutdown().await;
}

/// The polling-filter methods the front serves.
const FILTER_METHODS: [&str; 6] = [
	"eth_newFilter",
	"eth_newBlockFilter",
	"eth_newPendingTransactionFilter",
	"eth_getFilterChanges",
	"eth_getFilterLogs",
	"eth_uninstallFilter",
];

/// The pool's words for a fee the sender cannot pay (`InvalidTransaction::Payment`).
const UNPAYABLE_FEE: &str = "Inability to pay some fees";

/// Served by the front from the backend's `prestateTracer` (see [`crate::access_list`]).
const CREATE_ACCESS_LIST: &str = "eth_createAccessList";
/// Served by the front from the node's read proofs (see [`crate::proof`]).
const GET_PROOF: &str = "eth_getProof";
/// Served by the front from the backend's receipts and the node's checkpoints (see
/// [`crate::exit`]).
const GET_EXIT_PAYLOAD: &str = "bttc_getExitPayload";
/// Served by the front: where a burn stands on its way out.
const GET_WITHDRAWAL_STATUS: &str = "bttc_getWithdrawalStatus";
/// Most slots one `eth_getProof` proves (each costs the node a proof).
const MAX_PROOF_SLOTS: usize = 64;

fn hex_0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// A 32-byte storage word as an Ethereum quantity (`0x0`, `0x5`), as geth answers slot values.
fn quantity(word: &Value) -> Value {
	match word.as_str().map(|text| text.trim_start_matches("0x").trim_start_matches('0')) {
		Some("") => json!("0x0"),
		Some(digits) => json!(format!("0x{digits}")),
		None => word.clone(),
	}
}

/// Whether `body` names a method the front may answer; a cheap filter before JSON parsing.
fn mentions_answered_method(body: &[u8]) -> bool {
	[
		"eth_sendRawTransaction",
		"eth_getTransactionReceipt",
		"eth_getBlockReceipts",
		CREATE_ACCESS_LIST,
		GET_PROOF,
		GET_EXIT_PAYLOAD,
		GET_WITHDRAWAL_STATUS,
	]
	.iter()
	.chain(FILTER_METHODS.iter())
	.any(|method| body.windows(method.len()).any(|window| window == method.as_bytes()))
}

/// A call the front answers itself from the backend's answers: a polling filter's or
/// `eth_createAccessList`.
fn is_front_call(call: &Value) -> bool {
	call.get("method").and_then(Value::as_str).is_some_and(|method| {
		FILTER_METHODS.contains(&method)
			|| [CREATE_ACCESS_LIST, GET_PROOF, GET_EXIT_PAYLOAD, GET_WITHDRAWAL_STATUS]
				.contains(&method)
	})
}

fn is_send_raw_transaction(call: &Value) -> bool {
	call.get("method").and_then(Value::as_str) == Some("eth_sendRawTransaction")
}

fn raw_transaction_param(call: &Value) -> Result<Vec<u8>, Error> {
	let hex_text = call
		.get("params")
		.and_then(Value::as_array)
		.filter(|params| params.len() == 1)
		.and_then(|params| params[0].as_str())
		.and_then(|text| text.strip_prefix("0x"))
		.ok_or(Error::InvalidParams)?;
	hex::decode(hex_text).map_err(|_| Error::InvalidParams)
}

/// A call's answer: its result (the transaction hash) or its error.
fn answer_object(id: &Value, outcome: Result<String, Error>) -> Value {
	match outcome {
		Ok(hash) => json!({"jsonrpc": "2.0", "id": id, "result": hash}),
		Err(error) => error_object(Some(id), &error),
	}
}

fn error_object(id: Option<&Value>, error: &Error) -> Value {
	json!({
		"jsonrpc": "2.0",
		"id": id.cloned().unwrap_or(Value::Null),
		"error": {"code": error.code(), "message": error.to_string()},
	})
}

fn json_response(body: &Value) -> Response<ResponseBody> {
	let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
	response
		.headers_mut()
		.insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
	response
}

fn plain(status: StatusCode, text: &str) -> Response<ResponseBody> {
	let mut response = Response::new(Full::new(Bytes::from(text.to_owned())));
	*response.status_mut() = status;
	response
}

/// 502 with a JSON-RPC error body, so a readiness probe keeps waiting and a client sees why.
fn backend_down(detail: &str) -> Response<ResponseBody> {
	let mut response = json_response(&error_object(None, &Error::Backend(detail.to_owned())));
	*response.status_mut() = StatusCode::BAD_GATEWAY;
	response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;
	use crate::precheck::test_tx::eip1559;
	use std::sync::atomic::{AtomicUsize, Ordering};
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	/// Requests in flight at the fake backend, now and at most.
	#[derive(Default)]
	struct Load {
		now: AtomicUsize,
		most: AtomicUsize,
	}

	/// An HTTP JSON-RPC server on a free loopback port, answering each request's JSON with
	/// `answer`'s.
	async fn fake_server<F, A>(answer: F) -> SocketAddr
	where
		F: Fn(Value) -> A + Clone + Send + Sync + 'static,
		A: std::future::Future<Output = Value> + Send,
	{
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let address = listener.local_addr().unwrap();
		tokio::spawn(async move {
			loop {
				let (stream, _) = listener.accept().await.unwrap();
				let answer = answer.clone();
				tokio::spawn(async move {
					let service = hyper::service::service_fn(move |request: Request<Incoming>| {
						let answer = answer.clone();
						async move {
							let body = request.into_body().collect().await.unwrap().to_bytes();
							let call: Value = serde_json::from_slice(&body).unwrap();
							Ok::<_, std::convert::Infallible>(json_response(&answer(call).await))
						}
					});
					let _ = hyper::server::conn::http1::Builder::new()
						.serve_connection(TokioIo::new(stream), service)
						.await;
				});
			}
		});
		address
	}

	/// A backend answering the state queries of the checks (chain 19901, 1 gwei, next nonce
	/// 3, a large balance) after 50 ms each, and `"ok"` to anything else.
	async fn fake_backend() -> (SocketAddr, Arc<Load>) {
		let load = Arc::new(Load::default());
		let served = load.clone();
		let address = fake_server(move |call| {
			let load = served.clone();
			async move {
				let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
				load.most.fetch_max(now, Ordering::SeqCst);
				tokio::time::sleep(Duration::from_millis(50)).await;
				let answer = |call: &Value| {
					let result = match call["method"].as_str() {
						Some("eth_chainId") => json!("0x4dbd"),
						Some("eth_gasPrice") => json!("0x3b9aca00"),
						Some("eth_getTransactionCount") => json!("0x3"),
						Some("eth_getBalance") => json!("0xffffffffffffffffffffffff"),
						_ => json!("ok"),
					};
					json!({"jsonrpc": "2.0", "id": call["id"], "result": result})
				};
				let answer = match &call {
					Value::Array(calls) => Value::Array(calls.iter().map(answer).collect()),
					single => answer(single),
				};
				load.now.fetch_sub(1, Ordering::SeqCst);
				answer
			}
		})
		.await;
		(address, load)
	}

	/// What the fake node received: each `author_submitExtrinsic` batch's Ethereum payloads.
	type Submitted = Arc<Mutex<Vec<Vec<Vec<u8>>>>>;

	/// One `author_submitExtrinsic` call's answer from the fake node's pool, by nonce.
	fn pool_answer(call: &Value, payloads: &mut Vec<Vec<u8>>) -> Value {
		assert_eq!(call["method"], "author_submitExtrinsic");
		let text = call["params"][0].as_str().unwrap();
		let bytes = hex::decode(&text[2..]).unwrap();
		let body = <Vec<u8> as codec::Decode>::decode(&mut &bytes[..]).unwrap();
		assert_eq!(&body[..3], &[5, 10, 0], "bare Revive::eth_transact");
		let payload = <Vec<u8> as codec::Decode>::decode(&mut &body[3..]).unwrap();
		let nonce = precheck::decode(&payload).unwrap().nonce.as_u64();
		payloads.push(payload);
		let refusal = |code: i64, message: &str, data: &str| {
			json!({"jsonrpc": "2.0", "id": call["id"], "error":
				{"code": code, "message": message, "data": data}})
		};
		match nonce {
			0..=2 => refusal(1010, "Invalid Transaction", "Transaction is outdated"),
			7 => refusal(
				1010,
				"Invalid Transaction",
				"Inability to pay some fees (e.g. account balance too low)",
			),
			8 => refusal(1013, "Transaction Already Imported", ""),
			9 => refusal(1010, "Invalid Transaction", "Transaction call is not expected"),
			_ => json!({"jsonrpc": "2.0", "id": call["id"], "result": "0x1234"}),
		}
	}

	/// A node whose runtime has `Revive` at index 10 and whose pool takes a transaction with
	/// nonce 3 to 6, refuses nonces below 3 as outdated and 7 as unpayable (as the runtime
	/// would say it), and already holds nonce 8.
	async fn fake_node() -> (String, Submitted) {
		let submitted = Submitted::default();
		let seen = submitted.clone();
		let address = fake_server(move |call| {
			let seen = seen.clone();
			async move {
				if call["method"] == "state_getMetadata" {
					let metadata = crate::node::tests::metadata(Some(10));
					return json!({"jsonrpc": "2.0", "id": call["id"],
						"result": format!("0x{}", hex::encode(metadata))});
				}
				let mut payloads = Vec::new();
				let answers: Vec<Value> = call
					.as_array()
					.unwrap()
					.iter()
					.map(|call| pool_answer(call, &mut payloads))
					.collect();
				seen.lock().unwrap().push(payloads);
				Value::Array(answers)
			}
		})
		.await;
		(format!("ws://{address}"), submitted)
	}

	async fn front(backend: SocketAddr, limits: Limits) -> SocketAddr {
		front_to_node(backend, "ws://127.0.0.1:1", limits).await
	}

	async fn front_to_node(backend: SocketAddr, node: &str, limits: Limits) -> SocketAddr {
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let address = listener.local_addr().unwrap();
		let node = Node::new(node).unwrap();
		tokio::spawn(Front::new(backend, node, limits, Vec::new()).serve(listener));
		address
	}

	fn limits() -> Limits {
		Limits {
			max_request_bytes: 1 << 20,
			// A quarter per address: 4 for a test's sequential requests from 127.0.0.1, whose
			// closed connections may still count for a moment.
			max_connections: 16,
			max_batch_len: 100,
			allowed_hosts: Some(vec!["localhost:8545".into(), "127.0.0.1:8545".into()]),
			allow_unprotected: false,
		}
	}

	/// POSTs `body` with `Host: host`; returns the status line and the body.
	async fn post(front: SocketAddr, host: &str, body: &Value) -> (String, String) {
		let stream = tokio::net::TcpStream::connect(front).await.unwrap();
		let answer = post_on(stream, host, body).await;
		let status = answer.lines().next().unwrap_or_default().to_string();
		let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
		(status, body)
	}

	fn raw_tx_call(id: u64, raw: &[u8]) -> Value {
		json!({"jsonrpc": "2.0", "id": id, "method": "eth_sendRawTransaction",
			"params": [format!("0x{}", hex::encode(raw))]})
	}

	#[tokio::test]
	async fn a_host_the_node_would_refuse_is_refused_and_the_allowed_ones_pass() {
		let (backend, _) = fake_backend().await;
		let front = front(backend, limits()).await;
		let call = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []});
		let (status, _) = post(front, "attacker.example:8545", &call).await;
		assert!(status.contains("403"), "{status}");
		let (status, body) = post(front, "localhost:8545", &call).await;
		assert!(status.contains("200"), "{status}");
		assert!(body.contains("\"ok\""), "{body}");
		// With CORS open to every origin, any host passes, as on the node.
		let open = front_with(backend, Limits { allowed_hosts: None, ..limits() }).await;
		assert!(post(open, "anything:1", &call).await.0.contains("200"));
	}

	async fn front_with(backend: SocketAddr, limits: Limits) -> SocketAddr {
		front(backend, limits).await
	}

	#[tokio::test]
	async fn a_batch_over_the_limit_is_refused() {
		let (backend, _) = fake_backend().await;
		let front = front(backend, limits()).await;
		let raw = eip1559(19901, 0, 1_000_000_000, 0);
		let batch: Vec<Value> = (0..101).map(|i| raw_tx_call(i, &raw)).collect();
		let (_, body) = post(front, "localhost:8545", &Value::Array(batch)).await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert_eq!(answer["error"]["code"], -32600, "{answer}");
		assert!(answer["error"]["message"].as_str().unwrap().contains("at most 100"), "{answer}");
	}

	#[tokio::test]
	async fn a_batchs_raw_transactions_go_to_the_node_in_one_call_and_are_answered_in_order() {
		let (backend, _) = fake_backend().await;
		let (node, submitted) = fake_node().await;
		let front = front_to_node(backend, &node, limits()).await;
		// Every third one is for another chain: refused by the front, in its place. Other
		// calls of the batch go to the backend.
		let mut batch = Vec::new();
		let mut sent = Vec::new();
		for i in 0..30u64 {
			let chain = if i % 3 == 0 { 1 } else { 19901 };
			let raw = eip1559(chain, 3 + i % 4, 1_000_000_000, 0);
			batch.push(raw_tx_call(i, &raw));
			sent.push(raw);
		}
		batch.insert(
			5,
			json!({"jsonrpc": "2.0", "id": "block", "method": "eth_blockNumber", "params": []}),
		);
		let (_, body) = post(front, "localhost:8545", &Value::Array(batch)).await;
		let answers: Vec<Value> = serde_json::from_str(&body).unwrap();
		assert_eq!(answers.len(), 31);
		assert_eq!(answers[5], json!({"jsonrpc": "2.0", "id": "block", "result": "ok"}));
		let answers: Vec<&Value> = answers.iter().filter(|a| a["id"] != "block").collect();
		for (i, answer) in answers.iter().enumerate() {
			assert_eq!(answer["id"], i as u64, "{answers:?}");
			if i % 3 == 0 {
				let message = answer["error"]["message"].as_str().unwrap();
				assert!(message.starts_with("invalid chain id"), "{answer}");
			} else {
				let hash = format!("0x{}", hex::encode(keccak_256(&sent[i])));
				assert_eq!(answer["result"], hash, "{answer}");
			}
		}
		// One call to the node, with the 20 that passed, in order.
		let submitted = submitted.lock().unwrap();
		assert_eq!(submitted.len(), 1, "one author_submitExtrinsic batch");
		let expected: Vec<Vec<u8>> =
			sent.iter().enumerate().filter(|(i, _)| i % 3 != 0).map(|(_, r)| r.clone()).collect();
		assert_eq!(submitted[0], expected);
	}

	#[tokio::test]
	async fn a_pool_refusal_is_explained_from_the_senders_state_or_passed_on() {
		let (backend, _) = fake_backend().await;
		let (node, _) = fake_node().await;
		let front = front_to_node(backend, &node, limits()).await;
		let message = |answer: &Value| answer["error"]["message"].as_str().unwrap().to_string();
		// The pool says "outdated"; the sender's next nonce (3) says which nonce to use.
		let (_, body) =
			post(front, "localhost:8545", &raw_tx_call(1, &eip1559(19901, 1, 1_000_000_000, 0)))
				.await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert!(message(&answer).starts_with("nonce too low"), "{answer}");
		assert!(message(&answer).contains("use nonce 3"), "{answer}");
		assert_eq!(answer["error"]["code"], -32000);
		// Nonce and funds look fine, yet the fee is unpayable: the gas limit is too low.
		let (_, body) =
			post(front, "localhost:8545", &raw_tx_call(2, &eip1559(19901, 7, 1_000_000_000, 0)))
				.await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert!(message(&answer).starts_with("intrinsic gas too low: gas limit 21000"), "{answer}");
		assert!(message(&answer).contains("eth_estimateGas"), "{answer}");
		// Any other refusal the checks cannot explain: the pool's own words.
		let (_, body) =
			post(front, "localhost:8545", &raw_tx_call(5, &eip1559(19901, 9, 1_000_000_000, 0)))
				.await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert_eq!(
			message(&answer),
			"transaction refused by the node's pool: Invalid Transaction: Transaction call is not expected"
		);
		let (_, body) =
			post(front, "localhost:8545", &raw_tx_call(3, &eip1559(19901, 8, 1_000_000_000, 0)))
				.await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert_eq!(message(&answer), "already known", "{answer}");
		// Underpriced never reaches the node.
		let (_, body) =
			post(front, "localhost:8545", &raw_tx_call(4, &eip1559(19901, 4, 999_999_999, 0)))
				.await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert!(message(&answer).starts_with("transaction underpriced"), "{answer}");
	}

	#[tokio::test]
	async fn the_refusals_of_a_batch_are_explained_concurrently_and_in_order() {
		let (backend, load) = fake_backend().await;
		let (node, _) = fake_node().await;
		let front = front_to_node(backend, &node, limits()).await;
		// Nonces 0..2 are outdated at the pool: each refusal is explained from the backend.
		let batch: Vec<Value> =
			(0..30u64).map(|i| raw_tx_call(i, &eip1559(19901, i % 3, 1_000_000_000, 0))).collect();
		let (_, body) = post(front, "localhost:8545", &Value::Array(batch)).await;
		let answers: Vec<Value> = serde_json::from_str(&body).unwrap();
		assert_eq!(answers.len(), 30);
		for (i, answer) in answers.iter().enumerate() {
			assert_eq!(answer["id"], i as u64, "{answers:?}");
			let message = answer["error"]["message"].as_str().unwrap();
			assert!(message.starts_with("nonce too low"), "{answer}");
		}
		let most = load.most.load(Ordering::SeqCst);
		assert!(
			most > 2,
			"the refusals were explained one after another (at most {most} backend calls at once)"
		);
	}

	#[tokio::test]
	async fn a_node_that_cannot_be_reached_is_named() {
		let (backend, _) = fake_backend().await;
		let front = front(backend, limits()).await;
		let (_, body) =
			post(front, "localhost:8545", &raw_tx_call(1, &eip1559(19901, 3, 1_000_000_000, 0)))
				.await;
		let answer: Value = serde_json::from_str(&body).unwrap();
		assert_eq!(answer["error"]["code"], -32603, "{answer}");
		assert!(
			answer["error"]["message"].as_str().unwrap().contains("node is not reachable"),
			"{answer}"
		);
	}

	/// An idle connection to `front` from loopback address `from` (127.0.0.0/8).
	async fn connect_from(front: SocketAddr, from: [u8; 4]) -> tokio::net::TcpStream {
		let socket = tokio::net::TcpSocket::new_v4().unwrap();
		socket.bind(SocketAddr::from((from, 0))).unwrap();
		socket.connect(front).await.unwrap()
	}

	/// POSTs `body` from loopback address `from`; returns the whole answer.
	async fn post_from(front: SocketAddr, from: [u8; 4], body: &Value) -> String {
		post_on(connect_from(front, from).await, "localhost:8545", body).await
	}

	/// POSTs `body` with `Host: host` on `stream` and reads the whole answer.
	async fn post_on(mut stream: tokio::net::TcpStream, host: &str, body: &Value) -> String {
		let body = body.to_string();
		let request = format!(
			"POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
			body.len()
		);
		stream.write_all(request.as_bytes()).await.unwrap();
		let mut answer = String::new();
		stream.read_to_string(&mut answer).await.unwrap();
		answer
	}

	#[tokio::test]
	async fn one_address_holds_at_most_its_share_of_connections_and_all_at_most_the_limit() {
		let (backend, _) = fake_backend().await;
		// At most 4 connections, 1 per address.
		let front = front(backend, Limits { max_connections: 4, ..limits() }).await;
		assert_eq!(per_client_connections(4), 1);
		let call = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []});
		let mut held = vec![connect_from(front, [127, 0, 0, 1]).await];
		tokio::time::sleep(Duration::from_millis(100)).await;
		let answer = post_from(front, [127, 0, 0, 1], &call).await;
		assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
		assert!(answer.contains("too many connections from your address"), "{answer}");
		// Another client is served meanwhile.
		assert!(post_from(front, [127, 0, 0, 2], &call).await.contains("\"ok\""));
		// Four clients hold every connection: a fifth is refused.
		for from in [[127, 0, 0, 2], [127, 0, 0, 3], [127, 0, 0, 4]] {
			held.push(connect_from(front, from).await);
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
		let answer = post_from(front, [127, 0, 0, 5], &call).await;
		assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
		assert!(answer.contains("too many connections: retry"), "{answer}");
		// Once they close, requests are served again.
		drop(held);
		tokio::time::sleep(Duration::from_millis(200)).await;
		assert!(post_from(front, [127, 0, 0, 1], &call).await.contains("\"ok\""));
		assert!(post(front, "localhost:8545", &call).await.0.contains("200"));
	}

	/// A backend whose chain is `chain` (block hashes from 0 up; a hash's letters name its
	/// fork), each block holding two transactions named after it; it counts the receipt calls
	/// it answers.
	async fn fake_chain(chain: Arc<Mutex<Vec<String>>>) -> (SocketAddr, Arc<AtomicUsize>) {
		let receipt_calls = Arc::new(AtomicUsize::new(0));
		let counted = receipt_calls.clone();
		let hash = |name: &str| format!("0x{:0>64}", name);
		let address = fake_server(move |call| {
			let (chain, counted) = (chain.clone(), counted.clone());
			async move {
				let chain = chain.lock().unwrap().clone();
				let number = |value: &Value| {
					u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16)
						.unwrap() as usize
				};
				let answer = |call: &Value| {
					let result = match call["method"].as_str().unwrap() {
						"eth_blockNumber" => json!(format!("0x{:x}", chain.len() - 1)),
						"eth_getBlockByNumber" => {
							let n = number(&call["params"][0]);
							json!({"hash": hash(&chain[n]),
								"parentHash": hash(if n == 0 { "0" } else { &chain[n - 1] })})
						}
						"eth_getBlockReceipts" => {
							counted.fetch_add(1, Ordering::SeqCst);
							let wanted = call["params"][0].as_str().unwrap().to_string();
							let name = chain.iter().find(|name| hash(name) == wanted).unwrap();
							json!((0..2)
								.map(|i| json!({"blockHash": hash(name),
									"transactionHash": hash(&format!("{name}{i}"))}))
								.collect::<Vec<_>>())
						}
						"eth_getTransactionReceipt" => {
							counted.fetch_add(1, Ordering::SeqCst);
							Value::Null
						}
						// One log per block of the range (whole chain without bounds).
						"eth_getLogs" => {
							let query = &call["params"][0];
							let bound = |field: &str, default: usize| {
								query.get(field).map_or(default, |value| number(value))
							};
							let (from, to) =
								(bound("fromBlock", 0), bound("toBlock", chain.len() - 1));
							json!((from..=to)
								.map(|n| json!({"blockNumber": format!("0x{n:x}"),
									"address": query["address"]}))
								.collect::<Vec<_>>())
						}
						other => panic!("unexpected {other}"),
					};
					json!({"jsonrpc": "2.0", "id": call["id"], "result": result})
				};
				match &call {
					Value::Array(calls) => Value::Array(calls.iter().map(answer).collect()),
					single => answer(single),
				}
			}
		})
		.await;
		(address, receipt_calls)
	}

	fn receipt_call(id: u64, tx: &str) -> Value {
		json!({"jsonrpc": "2.0", "id": id, "method": "eth_getTransactionReceipt",
			"params": [format!("0x{:0>64}", tx)]})
	}

	#[tokio::test]
	async fn receipts_of_the_newest_blocks_are_answered_from_memory_beside_forwarded_calls() {
		let chain = Arc::new(Mutex::new(vec!["a0".into(), "a1".into(), "a2".into()]));
		let (backend, receipt_calls) = fake_chain(chain).await;
		let front =
			Front::new(backend, Node::new("ws://127.0.0.1:1").unwrap(), limits(), Vec::new());
		let url = format!("http://{backend}/");
		front.receipts.catch_up(&front.client, &url).await.unwrap();
		assert_eq!(receipt_calls.swap(0, Ordering::SeqCst), 3, "each block's receipts read once");

		// Held receipts come from memory, in the batch's order; a transaction not in a held
		// block goes to the backend.
		let batch = json!([receipt_call(1, "a21"), receipt_call(2, "unknown"),
			receipt_call(3, "a00"),
			{"jsonrpc": "2.0", "id": 4, "method": "eth_getBlockReceipts", "params": ["0x1"]}]);
		let answers = front.answer_payload(&batch, LOCALHOST).await.unwrap();
		let ids: Vec<&Value> = answers.as_array().unwrap().iter().map(|a| &a["id"]).collect();
		assert_eq!(ids, [1, 2, 3, 4]);
		assert_eq!(answers[0]["result"]["transactionHash"], format!("0x{:0>64}", "a21"));
		assert!(answers[1]["result"].is_null(), "{answers}");
		assert_eq!(answers[3]["result"].as_array().unwrap().len(), 2);
		assert_eq!(receipt_calls.load(Ordering::SeqCst), 1, "only the unknown one forwarded");
		// A payload the front answers no part of passes through whole.
		assert!(front.answer_payload(&receipt_call(5, "unknown"), LOCALHOST).await.is_none());
	}

	#[tokio::test]
	async fn a_reorganisation_is_followed_and_the_replaced_blocks_receipts_are_dropped() {
		let chain = Arc::new(Mutex::new(vec!["a0".into(), "a1".into(), "a2".into()]));
		let (backend, _) = fake_chain(chain.clone()).await;
		let front =
			Front::new(backend, Node::new("ws://127.0.0.1:1").unwrap(), limits(), Vec::new());
		let url = format!("http://{backend}/");
		front.receipts.catch_up(&front.client, &url).await.unwrap();
		let held = |tx: &str| front.receipts.receipt(&format!("0x{:0>64}", tx)).is_some();
		assert!(held("a20"));
		// Block 2 is replaced by b2, and b3 is built on it.
		*chain.lock().unwrap() = vec!["a0".into(), "a1".into(), "b2".into(), "b3".into()];
		front.receipts.catch_up(&front.client, &url).await.unwrap();
		assert!(!held("a20"), "the replaced block's receipts are gone");
		assert!(held("b20") && held("b31") && held("a11"));
		// A shorter chain drops the blocks above its best.
		*chain.lock().unwrap() = vec!["a0".into(), "a1".into(), "c2".into()];
		front.receipts.catch_up(&front.client, &url).await.unwrap();
		assert!(!held("b31") && !held("b20") && held("c20"));
	}

	const LOCALHOST: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

	fn filter_call(method: &str, params: Value) -> Value {
		json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params})
	}

	#[tokio::test]
	async fn polling_filters_report_new_blocks_and_logs_once_to_their_own_client() {
		let chain = Arc::new(Mutex::new(vec!["a0".into(), "a1".into(), "a2".into()]));
		let (backend, _) = fake_chain(chain.clone()).await;
		let front =
			Front::new(backend, Node::new("ws://127.0.0.1:1").unwrap(), limits(), Vec::new());
		let ask = |method: &'static str, params: Value| {
			let front = front.clone();
			async move { front.answer_payload(&filter_call(method, params), LOCALHOST).await.unwrap() }
		};
		let blocks = ask("eth_newBlockFilter", json!([])).await["result"].clone();
		let logs = ask("eth_newFilter", json!([{"address": "0xab", "topics": [null]}])).await
			["result"]
			.clone();
		assert_eq!(ask("eth_getFilterChanges", json!([blocks])).await["result"], json!([]));
		chain.lock().unwrap().extend(["a3".to_string(), "a4".to_string()]);
		let changes = ask("eth_getFilterChanges", json!([blocks])).await;
		assert_eq!(
			changes["result"],
			json!([format!("0x{:0>64}", "a3"), format!("0x{:0>64}", "a4")]),
			"{changes}"
		);
		assert_eq!(ask("eth_getFilterChanges", json!([blocks])).await["result"], json!([]));
		// The log filter reports the logs of blocks 3 and 4 (made after it), with its address.
		let changes = ask("eth_getFilterChanges", json!([logs])).await["result"].clone();
		let numbers: Vec<&Value> =
			changes.as_array().unwrap().iter().map(|l| &l["blockNumber"]).collect();
		assert_eq!(numbers, ["0x3", "0x4"]);
		assert_eq!(changes[0]["address"], "0xab");
		// eth_getFilterLogs: every log the filter matches, from genesis.
		let all = ask("eth_getFilterLogs", json!([logs])).await["result"].clone();
		assert_eq!(all.as_array().unwrap().len(), 5);
		// Another address cannot see or remove them.
		let theirs = front
			.answer_payload(
				&filter_call("eth_getFilterChanges", json!([blocks])),
				"127.0.0.2".parse().unwrap(),
			)
			.await
			.unwrap();
		assert_eq!(theirs["error"]["message"], "filter not found", "{theirs}");
		assert_eq!(ask("eth_uninstallFilter", json!([blocks])).await["result"], true);
		let gone = ask("eth_getFilterChanges", json!([blocks])).await;
		assert_eq!(gone["error"]["code"], -32000, "{gone}");
		let bad = ask("eth_newFilter", json!([])).await;
		assert_eq!(bad["error"]["code"], -32602, "{bad}");
	}

	#[tokio::test]
	async fn an_access_list_comes_from_the_prestate_trace_and_its_gas_from_the_estimate() {
		let sender = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
		let token = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
		// The contract the sender's deployment at nonce 0 creates (Ethereum's CREATE rule).
		let created = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
		let seen = Arc::new(Mutex::new(Vec::<Value>::new()));
		let backend = fake_server({
			let seen = seen.clone();
			move |call: Value| {
				let seen = seen.clone();
				async move {
					seen.lock().unwrap().push(call.clone());
					let result = match call["method"].as_str().unwrap() {
						"debug_traceCall" => json!({
							sender: {"balance": "0x10"},
							created: {"balance": "0x0", "storage": {"0x01": "0x00"}},
							token: {"balance": "0x0", "code": "0x60", "storage": {"0x02": "0x05"}},
						}),
						"eth_getTransactionCount" => json!("0x0"),
						"eth_estimateGas" if call["params"][0]["data"] == "0xbad" => {
							return json!({"jsonrpc": "2.0", "id": call["id"],
								"error": {"code": 3, "message": "execution reverted", "data": "0x12"}});
						}
						"eth_estimateGas" => json!("0x5208"),
						other => panic!("unexpected {other}"),
					};
					json!({"jsonrpc": "2.0", "id": call["id"], "result": result})
				}
			}
		})
		.await;
		let front =
			Front::new(backend, Node::new("ws://127.0.0.1:1").unwrap(), limits(), Vec::new());
		let ask = |params: Value| {
			let front = front.clone();
			async move {
				let call = json!({"jsonrpc": "2.0", "id": 7, "method": "eth_createAccessList", "params": params});
				front.answer_payload(&call, LOCALHOST).await.unwrap()
			}
		};
		let answer = ask(json!([{"from": sender, "data": "0x60"}])).await;
		assert_eq!(
			answer["result"],
			json!({"accessList": [{"address": token, "storageKeys": ["0x02"]}], "gasUsed": "0x5208"}),
			"{answer}"
		);
		// The estimate was asked for the transaction carrying the list, at the latest block.
		let estimate =
			seen.lock().unwrap().iter().find(|c| c["method"] == "eth_estimateGas").cloned();
		let estimate = estimate.expect("eth_estimateGas was called");
		assert_eq!(estimate["params"][0]["accessList"], answer["result"]["accessList"]);
		assert_eq!(estimate["params"][1], "latest");
		// A revert is answered with the backend's own error (code 3 and its data).
		let answer = ask(json!([{"from": sender, "to": token, "data": "0xbad"}, "0x5"])).await;
		assert_eq!(
			answer["error"],
			json!({"code": 3, "message": "execution reverted", "data": "0x12"})
		);
		// Bad params are refused before the backend is asked.
		let asked = seen.lock().unwrap().len();
		assert_eq!(ask(json!(["0x1"])).await["error"]["code"], -32602);
		let answer = ask(json!([{"from": "0x12", "to": token}])).await;
		assert!(answer["error"]["message"].as_str().unwrap().contains("`from`"), "{answer}");
		assert_eq!(seen.lock().unwrap().len(), asked);
	}

	#[tokio::test]
	async fn a_pending_filter_reports_each_transaction_the_pool_took_once() {
		let (backend, _) = fake_backend().await;
		let (node, _) = fake_node().await;
		let front = front_to_node(backend, &node, limits()).await;
		let ask = |method: &'static str, params: Value| async move {
			let call = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
			let (_, body) = post(front, "localhost:8545", &call).await;
			serde_json::from_str::<Value>(&body).unwrap()
		};
		let filter = ask("eth_newPendingTransactionFilter", json!([])).await["result"].clone();
		assert!(filter.is_string(), "{filter}");
		assert_eq!(ask("eth_getFilterChanges", json!([filter])).await["result"], json!([]));
		// Accepted (nonce 5) and refused (nonce 8, "already known") transactions.
		let accepted = eip1559(19901, 5, 1_000_000_000, 0);
		let (_, body) = post(front, "localhost:8545", &raw_tx_call(2, &accepted)).await;
		let hash = serde_json::from_str::<Value>(&body).unwrap()["result"].clone();
		assert_eq!(hash, format!("0x{}", hex::encode(keccak_256(&accepted))));
		post(front, "localhost:8545", &raw_tx_call(3, &eip1559(19901, 8, 1_000_000_000, 0))).await;
		assert_eq!(ask("eth_getFilterChanges", json!([filter])).await["result"], json!([hash]));
		assert_eq!(ask("eth_getFilterChanges", json!([filter])).await["result"], json!([]));
		// A pending filter has no logs.
		assert_eq!(ask("eth_getFilterLogs", json!([filter])).await["error"]["code"], -32000);
	}
}
