//! The one HTTP JSON-RPC client shape the front uses, towards the backend and the node.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{header::CONTENT_TYPE, Request};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use serde_json::Value;

/// A plain-HTTP client whose request bodies are whole byte buffers.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A new [`HttpClient`].
pub fn client() -> HttpClient {
	Client::builder(TokioExecutor::new()).build_http()
}

/// POSTs `body` as JSON to `url` and parses the answer as JSON. `Err` says what failed: the
/// connection, or an answer that is not JSON (with its HTTP status and text).
pub async fn post_json(client: &HttpClient, url: &str, body: &Value) -> Result<Value, String> {
	let request = Request::post(url)
		.header(CONTENT_TYPE, "application/json")
		.body(Full::new(Bytes::from(body.to_string())))
		.map_err(|err| err.to_string())?;
	let response = client.request(request).await.map_err(|err| err.to_string())?;
	let status = response.status();
	let body = response.into_body().collect().await.map_err(|err| err.to_string())?.to_bytes();
	serde_json::from_slice(&body)
		.map_err(|err| format!("HTTP {status}: {err}: {}", String::from_utf8_lossy(&body)))
}

/// Calls `method(params)` at the JSON-RPC server at `url`: its result, or what failed (the
/// connection, or the server's error message).
pub async fn call(
	client: &HttpClient,
	url: &str,
	method: &str,
	params: Value,
) -> Result<Value, String> {
	call_keeping_error(client, url, method, params).await.map_err(|error| {
		format!("{method}: {}", error.get("message").and_then(Value::as_str).unwrap_or("error"))
	})
}

/// Like [`call`], but a failure is a JSON-RPC error object to answer with: the server's own,
/// unchanged (a revert keeps its code and data), or an internal error (-32603) naming what
/// failed.
pub async fn call_keeping_error(
	client: &HttpClient,
	url: &str,
	method: &str,
	params: Value,
) -> Result<Value, Value> {
	let internal = |detail: String| serde_json::json!({"code": -32603, "message": detail});
	let request =
		serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
	let answer = post_json(client, url, &request).await.map_err(internal)?;
	if let Some(error) = answer.get("error") {
		return Err(error.clone());
	}
	answer
		.get("result")
		.cloned()
		.ok_or_else(|| internal(format!("{method}: no result in {answer}")))
}
