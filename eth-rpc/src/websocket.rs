//! The front's WebSocket relay: every message passes between client and server unchanged,
//! except `eth_subscribe("newPendingTransactions")` and its `eth_unsubscribe`, which
//! polkadot-sdk's server lacks and the front serves from its pending feed
//! ([`crate::pending`]).

use crate::proxy::Front;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::{
	collections::HashMap,
	sync::{atomic::Ordering, Arc},
	time::Duration,
};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::{
	tungstenite::{protocol::Role, Message},
	WebSocketStream,
};

const LOG_TARGET: &str = "eth-rpc-front";
/// `newPendingTransactions` subscriptions one connection may hold.
pub const MAX_PENDING_SUBSCRIPTIONS: usize = 4;
/// How often a subscription looks for new pending hashes.
const NOTIFY_INTERVAL: Duration = Duration::from_millis(250);
/// Messages queued towards a client before a slow client holds the relay back.
const CLIENT_QUEUE: usize = 1024;

/// Relays one upgraded connection between `client` and `backend` until either side closes.
pub async fn relay<C, B>(front: Arc<Front>, client: C, backend: B)
where
	C: AsyncRead + AsyncWrite + Unpin + Send + 'static,
	B: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
	let client = WebSocketStream::from_raw_socket(client, Role::Server, None).await;
	let backend = WebSocketStream::from_raw_socket(backend, Role::Client, None).await;
	let (mut client_tx, mut client_rx) = client.split();
	let (mut backend_tx, mut backend_rx) = backend.split();
	let (to_client, mut queued) = tokio::sync::mpsc::channel::<Message>(CLIENT_QUEUE);
	let writer = tokio::spawn(async move {
		while let Some(message) = queued.recv().await {
			if client_tx.send(message).await.is_err() {
				break;
			}
		}
	});
	let from_backend = to_client.clone();
	let reader = tokio::spawn(async move {
		while let Some(Ok(message)) = backend_rx.next().await {
			if from_backend.send(message).await.is_err() {
				break;
			}
		}
	});
	let mut subscriptions = Subscriptions { front: front.clone(), tasks: HashMap::new() };
	while let Some(Ok(message)) = client_rx.next().await {
		if let Message::Text(text) = &message {
			if let Some(answer) = subscriptions.answer(text.as_str(), &to_client) {
				if to_client.send(Message::text(answer.to_string())).await.is_err() {
					break;
				}
				continue;
			}
		}
		let closing = matches!(message, Message::Close(_));
		if backend_tx.send(message).await.is_err() || closing {
			break;
		}
	}
	log::debug!(target: LOG_TARGET, "WebSocket connection closed ({} pending subscriptions ended)", subscriptions.tasks.len());
	drop(subscriptions);
	reader.abort();
	drop(to_client);
	let _ = writer.await;
}

/// One connection's `newPendingTransactions` subscriptions; dropping it ends them.
struct Subscriptions {
	front: Arc<Front>,
	tasks: HashMap<String, tokio::task::JoinHandle<()>>,
}

impl Subscriptions {
	/// The answer to `text` when it is a call the front serves here; `None` to pass it on.
	fn answer(
		&mut self,
		text: &str,
		to_client: &tokio::sync::mpsc::Sender<Message>,
	) -> Option<Value> {
		if !text.contains("newPendingTransactions") && !text.contains("eth_unsubscribe") {
			return None;
		}
		let call: Value = serde_json::from_str(text).ok()?;
		let id = call.get("id").cloned().unwrap_or(Value::Null);
		let params = call.get("params").and_then(Value::as_array);
		let first = params.and_then(|params| params.first()).and_then(Value::as_str);
		match call.get("method").and_then(Value::as_str)? {
			"eth_subscribe" if first == Some("newPendingTransactions") => {
				if self.tasks.len() >= MAX_PENDING_SUBSCRIPTIONS {
					return Some(json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32000,
						"message": format!("too many newPendingTransactions subscriptions on this connection (at most {MAX_PENDING_SUBSCRIPTIONS}): unsubscribe one first")}}));
				}
				let subscription = format!("0x{:032x}", rand_id());
				let task = tokio::spawn(notify(
					self.front.clone(),
					subscription.clone(),
					to_client.clone(),
				));
				self.front.pending_subscriptions.fetch_add(1, Ordering::Relaxed);
				self.tasks.insert(subscription.clone(), task);
				Some(json!({"jsonrpc": "2.0", "id": id, "result": subscription}))
			}
			"eth_unsubscribe" => {
				let task = self.tasks.remove(first?)?;
				task.abort();
				self.front.pending_subscriptions.fetch_sub(1, Ordering::Relaxed);
				Some(json!({"jsonrpc": "2.0", "id": id, "result": true}))
			}
			_ => None,
		}
	}
}

impl Drop for Subscriptions {
	fn drop(&mut self) {
		for (_, task) in self.tasks.drain() {
			task.abort();
			self.front.pending_subscriptions.fetch_sub(1, Ordering::Relaxed);
		}
	}
}

/// Sends each hash the pending feed records from now on to the client as a notification.
async fn notify(
	front: Arc<Front>,
	subscription: String,
	to_client: tokio::sync::mpsc::Sender<Message>,
) {
	let mut cursor = front.pending.head();
	loop {
		tokio::time::sleep(NOTIFY_INTERVAL).await;
		let head = front.pending.head();
		if head <= cursor {
			continue;
		}
		for hash in front.pending.range(cursor + 1, head) {
			let notification = json!({"jsonrpc": "2.0", "method": "eth_subscription",
				"params": {"subscription": subscription, "result": hash}});
			if to_client.send(Message::text(notification.to_string())).await.is_err() {
				return;
			}
		}
		cursor = head;
	}
}

/// A subscription id nobody can guess.
fn rand_id() -> u128 {
	use std::hash::{BuildHasher, Hasher};
	let state = std::collections::hash_map::RandomState::new();
	let (mut first, mut second) = (state.build_hasher(), state.build_hasher());
	first.write_u8(1);
	second.write_u8(2);
	(u128::from(first.finish()) << 64) | u128::from(second.finish())
}
