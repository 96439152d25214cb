//! The HTTP front: serves the public port, checks `eth_sendRawTransaction`, and forwards every
//! request (and WebSocket upgrade) unchanged to pallet-revive's eth-rpc on a loopback port.
//!
//! Limits: at most `max_connections` connections at once (more are answered 503 and
//! closed), batches of at most `max_batch_len` calls, and the raw transactions of a batch
//! checked [`CHECK_CONCURRENCY`] at a time. The `Host` header is checked here with the
//! node's own rule (only `localhost`, `127.0.0.1` and `[::1]` at the public port, unless
//! CORS allows every origin), since the backend only sees the front.

use crate::{
	error::Error,
	precheck::{self, ChainRules, SenderState},
};
use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{
	body::Incoming,
	header::{CONTENT_TYPE, HOST, UPGRADE},
	Request, Response, StatusCode,
};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::{TokioExecutor, TokioIo},
};
use serde_json::{json, Value};
use sp_core::U256;
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
	net::TcpListener,
	sync::{OnceCell, Semaphore},
};

/// Raw transactions of one batch checked at once.
pub const CHECK_CONCURRENCY: usize = 16;
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
}

/// Shared by every connection.
pub struct Front {
	backend: SocketAddr,
	client: Client<HttpConnector, ResponseBody>,
	/// The chain id never changes, so it is asked once.
	chain_id: OnceCell<u64>,
	limits: Limits,
	connections: Arc<Semaphore>,
}

impl Front {
	/// A front for the eth-rpc server at `backend`, enforcing `limits`.
	pub fn new(backend: SocketAddr, limits: Limits) -> Arc<Self> {
		Arc::new(Self {
			backend,
			client: Client::builder(TokioExecutor::new()).build_http(),
			chain_id: OnceCell::new(),
			connections: Arc::new(Semaphore::new(limits.max_connections)),
			limits,
		})
	}

	/// Accepts connections on `listener` until the process ends.
	pub async fn serve(self: Arc<Self>, listener: TcpListener) {
		loop {
			let (stream, peer) = match listener.accept().await {
				Ok(accepted) => accepted,
				Err(err) => {
					log::warn!(target: LOG_TARGET, "accept failed: {err}");
					continue;
				}
			};
			let Ok(permit) = self.connections.clone().try_acquire_owned() else {
				log::debug!(target: LOG_TARGET, "refused {peer}: {} connections open", self.limits.max_connections);
				tokio::spawn(refuse_connection(stream));
				continue;
			};
			let front = self.clone();
			tokio::spawn(async move {
				let _permit = permit;
				let service = hyper::service::service_fn(move |request| {
					let front = front.clone();
					async move { Ok::<_, std::convert::Infallible>(front.handle(request).await) }
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

	async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Response<ResponseBody> {
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
		// Only a body naming the method is parsed: every other call passes through untouched.
		if parts.method == hyper::Method::POST && mentions_send_raw_transaction(&body) {
			if let Ok(payload) = serde_json::from_slice::<Value>(&body) {
				if let Some(answer) = self.precheck_payload(&payload).await {
					let mut response = json_response(&answer);
					// A refusal carries no data, so a browser may always read it.
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

	/// `Some(answer)` when the payload carries a raw transaction the checks refuse. In a
	/// batch, refused elements are answered here and the rest go to the backend as one batch.
	async fn precheck_payload(&self, payload: &Value) -> Option<Value> {
		match payload {
			Value::Object(_) => {
				let refusal = self.precheck_call(payload).await?;
				Some(error_object(payload.get("id"), &refusal))
			}
			Value::Array(calls) => {
				if calls.len() > self.limits.max_batch_len {
					let error =
						Error::BatchTooLarge { len: calls.len(), max: self.limits.max_batch_len };
					return Some(error_object(None, &error));
				}
				// Checked concurrently, answers kept in the batch's order.
				let checks: Vec<_> = calls.iter().map(|call| self.precheck_call(call)).collect();
				let refusals: Vec<Option<Error>> =
					futures::stream::iter(checks).buffered(CHECK_CONCURRENCY).collect().await;
				let passed: Vec<Value> = calls
					.iter()
					.zip(&refusals)
					.filter(|(_, refusal)| refusal.is_none())
					.map(|(call, _)| call.clone())
					.collect();
				if refusals.iter().all(Option::is_none) {
					return None;
				}
				let mut forwarded = Vec::new();
				if !passed.is_empty() {
					let expects_answer = passed.iter().any(|call| call.get("id").is_some());
					match self.call_backend_raw(&Value::Array(passed)).await {
						Ok(Value::Array(answers)) => forwarded = answers,
						Ok(single) => forwarded.push(single),
						// Only notifications were forwarded: nothing comes back.
						Err(_) if !expects_answer => {}
						Err(err) => forwarded.push(error_object(None, &err)),
					}
				}
				// Answers in the batch's order; notifications (no id) get none.
				let mut answers = Vec::with_capacity(calls.len());
				for (call, refusal) in calls.iter().zip(refusals) {
					let Some(id) = call.get("id") else { continue };
					match refusal {
						Some(refusal) => answers.push(error_object(Some(id), &refusal)),
						None => {
							if let Some(at) = forwarded.iter().position(|a| a.get("id") == Some(id))
							{
								answers.push(forwarded.remove(at));
							}
						}
					}
				}
				answers.extend(forwarded);
				Some(Value::Array(answers))
			}
			_ => None,
		}
	}

	/// The reason a single call is refused, if it is an `eth_sendRawTransaction` that fails.
	async fn precheck_call(&self, call: &Value) -> Option<Error> {
		if !is_send_raw_transaction(call) {
			return None;
		}
		let raw = match raw_transaction_param(call) {
			Ok(raw) => raw,
			Err(err) => return Some(err),
		};
		let result = async {
			let tx = precheck::decode(&raw)?;
			let (chain_id, gas_price) =
				tokio::try_join!(self.chain_id(), self.call_u256("eth_gasPrice", json!([])))?;
			let rules = ChainRules { chain_id, gas_price };
			precheck::check_against_chain(&tx, rules)?;
			let sender = format!("{:?}", tx.sender);
			let (next_nonce, balance) = tokio::try_join!(
				self.call_u256("eth_getTransactionCount", json!([sender, "pending"])),
				self.call_u256("eth_getBalance", json!([sender, "latest"])),
			)?;
			precheck::check_against_sender(&tx, SenderState { next_nonce, balance })
		}
		.await;
		match result {
			Ok(()) => None,
			// A failing state query must not block a transaction the node may accept: it goes
			// on unchecked, and the node's own validation still applies.
			Err(err @ (Error::Backend(_) | Error::BackendAnswer { .. })) => {
				log::warn!(target: LOG_TARGET, "raw transaction forwarded unchecked: {err}");
				None
			}
			Err(refusal) => {
				log::debug!(target: LOG_TARGET, "refused a raw transaction: {refusal}");
				Some(refusal)
			}
		}
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
		let request = Request::post(format!("http://{}/", self.backend))
			.header(CONTENT_TYPE, "application/json")
			.body(Full::new(Bytes::from(call.to_string())))
			.map_err(|err| Error::Backend(err.to_string()))?;
		let response =
			self.client.request(request).await.map_err(|err| Error::Backend(err.to_string()))?;
		let body = response
			.into_body()
			.collect()
			.await
			.map_err(|err| Error::Backend(err.to_string()))?
			.to_bytes();
		serde_json::from_slice(&body).map_err(|err| Error::Backend(err.to_string()))
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
	async fn upgrade(&self, mut request: Request<Incoming>) -> Response<ResponseBody> {
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
		tokio::spawn(async move {
			match tokio::try_join!(client_upgrade, backend_upgrade) {
				Ok((client, backend)) => {
					let _ = tokio::io::copy_bidirectional(
						&mut TokioIo::new(client),
						&mut TokioIo::new(backend),
					)
					.await;
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

/// Answers a connection beyond the limit with 503 and closes it.
async fn refuse_connection(mut stream: tokio::net::TcpStream) {
	use tokio::io::AsyncWriteExt;
	let body = "too many connections: retry shortly";
	let answer = format!(
		"HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\nconnection: close\r\nretry-after: 1\r\n\r\n{body}",
		body.len()
	);
	let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(answer.as_bytes())).await;
	let _ = stream.shutdown().await;
}

/// Whether `body` contains the method name at all; a cheap filter before JSON parsing.
fn mentions_send_raw_transaction(body: &[u8]) -> bool {
	const METHOD: &[u8] = b"eth_sendRawTransaction";
	body.windows(METHOD.len()).any(|window| window == METHOD)
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

	/// A backend answering the state queries of the checks (chain 19901, 1 gwei, nonce 0, a
	/// large balance) after 50 ms each, and `"ok"` to anything else.
	async fn fake_backend() -> (SocketAddr, Arc<Load>) {
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let address = listener.local_addr().unwrap();
		let load = Arc::new(Load::default());
		let served = load.clone();
		tokio::spawn(async move {
			loop {
				let (stream, _) = listener.accept().await.unwrap();
				let load = served.clone();
				tokio::spawn(async move {
					let service = hyper::service::service_fn(move |request: Request<Incoming>| {
						let load = load.clone();
						async move {
							let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
							load.most.fetch_max(now, Ordering::SeqCst);
							let body = request.into_body().collect().await.unwrap().to_bytes();
							let call: Value = serde_json::from_slice(&body).unwrap();
							tokio::time::sleep(Duration::from_millis(50)).await;
							let answer = |call: &Value| {
								let result = match call["method"].as_str() {
									Some("eth_chainId") => json!("0x4dbd"),
									Some("eth_gasPrice") => json!("0x3b9aca00"),
									Some("eth_getTransactionCount") => json!("0x0"),
									Some("eth_getBalance") => json!("0xffffffffffffffffffffffff"),
									_ => json!("ok"),
								};
								json!({"jsonrpc": "2.0", "id": call["id"], "result": result})
							};
							let answer = match &call {
								Value::Array(calls) => {
									Value::Array(calls.iter().map(answer).collect())
								}
								single => answer(single),
							};
							load.now.fetch_sub(1, Ordering::SeqCst);
							Ok::<_, std::convert::Infallible>(json_response(&answer))
						}
					});
					let _ = hyper::server::conn::http1::Builder::new()
						.serve_connection(TokioIo::new(stream), service)
						.await;
				});
			}
		});
		(address, load)
	}

	async fn front(backend: SocketAddr, limits: Limits) -> SocketAddr {
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let address = listener.local_addr().unwrap();
		tokio::spawn(Front::new(backend, limits).serve(listener));
		address
	}

	fn limits() -> Limits {
		Limits {
			max_request_bytes: 1 << 20,
			max_connections: 4,
			max_batch_len: 100,
			allowed_hosts: Some(vec!["localhost:8545".into(), "127.0.0.1:8545".into()]),
		}
	}

	/// POSTs `body` with `Host: host`; returns the status line and the body.
	async fn post(front: SocketAddr, host: &str, body: &Value) -> (String, String) {
		let mut stream = tokio::net::TcpStream::connect(front).await.unwrap();
		let body = body.to_string();
		let request = format!(
			"POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
			body.len()
		);
		stream.write_all(request.as_bytes()).await.unwrap();
		let mut answer = String::new();
		stream.read_to_string(&mut answer).await.unwrap();
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
	async fn the_raw_transactions_of_a_batch_are_checked_concurrently_and_answered_in_order() {
		let (backend, load) = fake_backend().await;
		let front = front(backend, limits()).await;
		// Every third one is for another chain: refused by the front, in its place.
		let batch: Vec<Value> = (0..30u64)
			.map(|i| {
				let chain = if i % 3 == 0 { 1 } else { 19901 };
				raw_tx_call(i, &eip1559(chain, i, 1_000_000_000, 0))
			})
			.collect();
		let (_, body) = post(front, "localhost:8545", &Value::Array(batch)).await;
		let answers: Vec<Value> = serde_json::from_str(&body).unwrap();
		assert_eq!(answers.len(), 30);
		for (i, answer) in answers.iter().enumerate() {
			assert_eq!(answer["id"], i as u64, "{answers:?}");
			let refused = answer["error"]["message"]
				.as_str()
				.is_some_and(|m| m.starts_with("invalid chain id"));
			assert_eq!(refused, i % 3 == 0, "{answer}");
		}
		let most = load.most.load(Ordering::SeqCst);
		assert!(
			most > 1,
			"the checks ran one after another (at most {most} backend calls at once)"
		);
	}

	#[tokio::test]
	async fn connections_beyond_the_limit_are_answered_503() {
		let (backend, _) = fake_backend().await;
		let front = front(backend, limits()).await;
		// Four idle connections hold every permit.
		let mut held = Vec::new();
		for _ in 0..4 {
			held.push(tokio::net::TcpStream::connect(front).await.unwrap());
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
		let call = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []});
		let (status, body) = post(front, "localhost:8545", &call).await;
		assert!(status.contains("503"), "{status} {body}");
		// Once they close, requests are served again.
		drop(held);
		tokio::time::sleep(Duration::from_millis(200)).await;
		assert!(post(front, "localhost:8545", &call).await.0.contains("200"));
	}
}
