//! JSON-RPC client of a root chain: Ethereum and BSC nodes directly, TRON through its
//! full node's Ethereum-compatible `/jsonrpc` endpoint.

use crate::{abi::Log, error::Error};
use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use serde::Deserialize;
use sp_core::{H160, H256};
use std::time::Duration;

/// How a root chain is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
	/// Ethereum JSON-RPC at the URL (Ethereum, BSC, anvil).
	Ethereum,
	/// A TRON full node: JSON-RPC at `<url>/jsonrpc`.
	Tron,
}

/// A log with its position on the root chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootLog {
	/// Contract that emitted the log.
	pub address: H160,
	/// Topics, data and transaction.
	pub log: Log,
	/// Block containing it.
	pub block_number: u64,
	/// Hash of that block.
	pub block_hash: H256,
	/// Index of the log in its block.
	pub log_index: u64,
	/// Set by the node when the log's block left the canonical chain.
	pub removed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RpcLog {
	address: String,
	topics: Vec<String>,
	data: String,
	block_number: String,
	block_hash: String,
	transaction_hash: String,
	log_index: String,
	#[serde(default)]
	removed: bool,
}

/// A root chain's RPC endpoint.
pub struct RootChainClient {
	url: String,
	rpc: HttpClient,
}

fn parse_u64(value: &str, url: &str) -> Result<u64, Error> {
	u64::from_str_radix(value.trim_start_matches("0x"), 16).map_err(|_| Error::Rpc {
		url: url.to_string(),
		message: format!("bad quantity `{value}`"),
	})
}

/// Parses 0x-hex (TRON's node may omit the 0x) into exactly `N` bytes.
pub fn parse_fixed<const N: usize>(value: &str, expected: &'static str) -> Result<[u8; N], Error> {
	let hex = value.trim_start_matches("0x");
	let bytes = sp_core::bytes::from_hex(hex)
		.map_err(|_| Error::Hex { value: value.to_string(), expected })?;
	bytes.try_into().map_err(|_| Error::Hex { value: value.to_string(), expected })
}

/// A log's contract address: 20 bytes of hex, or TRON's 21 bytes with the `0x41` prefix.
pub fn parse_log_address(value: &str) -> Result<H160, Error> {
	let hex = value.trim_start_matches("0x");
	let bad = || Error::Hex { value: value.to_string(), expected: "a 20-byte log address" };
	let bytes = sp_core::bytes::from_hex(hex).map_err(|_| bad())?;
	match bytes.len() {
		20 => Ok(H160::from_slice(&bytes)),
		21 if bytes[0] == 0x41 => Ok(H160::from_slice(&bytes[1..])),
		_ => Err(bad()),
	}
}

impl RootChainClient {
	/// A client of the endpoint `url` reached over `transport`.
	pub fn new(url: &str, transport: Transport) -> Result<Self, Error> {
		let url = match transport {
			Transport::Ethereum => url.to_string(),
			Transport::Tron => format!("{}/jsonrpc", url.trim_end_matches('/')),
		};
		let rpc = HttpClientBuilder::default()
			.request_timeout(Duration::from_secs(30))
			.build(&url)
			.map_err(|e| Error::Rpc { url: url.clone(), message: e.to_string() })?;
		Ok(Self { url, rpc })
	}

	/// The endpoint URL.
	pub fn url(&self) -> &str {
		&self.url
	}

	fn rpc_error(&self, method: &str, error: impl std::fmt::Display) -> Error {
		Error::Rpc { url: self.url.clone(), message: format!("{method}: {error}") }
	}

	/// Number of the latest block.
	pub async fn block_number(&self) -> Result<u64, Error> {
		let value: String = self
			.rpc
			.request("eth_blockNumber", rpc_params![])
			.await
			.map_err(|e| self.rpc_error("eth_blockNumber", e))?;
		parse_u64(&value, &self.url)
	}

	/// Hash of block `number`, `None` if the chain is shorter.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>, Error> {
		let block: Option<serde_json::Value> = self
			.rpc
			.request("eth_getBlockByNumber", rpc_params![format!("0x{number:x}"), false])
			.await
			.map_err(|e| self.rpc_error("eth_getBlockByNumber", e))?;
		let Some(block) = block else { return Ok(None) };
		let hash = block["hash"]
			.as_str()
			.ok_or_else(|| self.rpc_error("eth_getBlockByNumber", "block without hash"))?;
		Ok(Some(H256(parse_fixed(hash, "a 32-byte block hash")?)))
	}

	/// Logs of `address` with a first topic in `topics`, in blocks `from..=to`.
	pub async fn logs(
		&self,
		from: u64,
		to: u64,
		address: H160,
		topics: &[H256],
	) -> Result<Vec<RootLog>, Error> {
		let filter = serde_json::json!({
			"fromBlock": format!("0x{from:x}"),
			"toBlock": format!("0x{to:x}"),
			"address": format!("{address:?}"),
			"topics": [topics.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>()],
		});
		let logs: Vec<RpcLog> = self
			.rpc
			.request("eth_getLogs", rpc_params![filter])
			.await
			.map_err(|e| self.rpc_error("eth_getLogs", e))?;
		logs.into_iter()
			.map(|l| {
				Ok(RootLog {
					address: parse_log_address(&l.address)?,
					log: Log {
						topics: l
							.topics
							.iter()
							.map(|t| parse_fixed(t, "a 32-byte topic").map(H256))
							.collect::<Result<_, _>>()?,
						data: sp_core::bytes::from_hex(l.data.trim_start_matches("0x")).map_err(
							|_| Error::Hex { value: l.data.clone(), expected: "log data" },
						)?,
						tx_hash: H256(parse_fixed(&l.transaction_hash, "a 32-byte tx hash")?),
					},
					block_number: parse_u64(&l.block_number, &self.url)?,
					block_hash: H256(parse_fixed(&l.block_hash, "a 32-byte block hash")?),
					log_index: parse_u64(&l.log_index, &self.url)?,
					removed: l.removed,
				})
			})
			.collect()
	}
}
