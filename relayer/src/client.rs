//! JSON-RPC client of a root chain (reads): Ethereum and BSC nodes directly, TRON through its
//! full node's Ethereum-compatible `/jsonrpc` endpoint. Built on an `alloy` provider over HTTP.

use crate::{contracts::Log, error::Error};
use alloy::{
	eips::BlockNumberOrTag,
	primitives::{Address, B256},
	providers::{Provider, RootProvider},
	rpc::{client::ClientBuilder, types::Filter},
};
use sp_core::{H160, H256};
use std::{
	future::{Future, IntoFuture},
	time::Duration,
};

/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// `request`, given at most [`REQUEST_TIMEOUT`]; a failure or a timeout becomes a message
/// starting with `what`.
pub async fn within_timeout<T, E: std::fmt::Display>(
	what: &str,
	request: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
	match tokio::time::timeout(REQUEST_TIMEOUT, request).await {
		Ok(Ok(value)) => Ok(value),
		Ok(Err(e)) => Err(format!("{what}: {e}")),
		Err(_) => Err(format!("{what}: no answer within {REQUEST_TIMEOUT:?}")),
	}
}

/// How a root chain is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
	/// Ethereum JSON-RPC at the URL (Ethereum, BSC, anvil).
	Ethereum,
	/// A TRON full node: JSON-RPC at `<url>/jsonrpc` for reads, its HTTP API at `<url>` for
	/// transactions.
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

/// Parses 0x-hex (TRON's node may omit the 0x) into exactly `N` bytes.
pub fn parse_fixed<const N: usize>(value: &str, expected: &'static str) -> Result<[u8; N], Error> {
	let hex = value.trim_start_matches("0x");
	let bytes = sp_core::bytes::from_hex(hex)
		.map_err(|_| Error::Hex { value: value.to_string(), expected })?;
	bytes.try_into().map_err(|_| Error::Hex { value: value.to_string(), expected })
}

/// A root chain's JSON-RPC endpoint.
pub struct RootChainClient {
	url: String,
	provider: RootProvider,
}

impl RootChainClient {
	/// A client of the endpoint `url` reached over `transport`.
	pub fn new(url: &str, transport: Transport) -> Result<Self, Error> {
		let url = match transport {
			Transport::Ethereum => url.to_string(),
			Transport::Tron => format!("{}/jsonrpc", url.trim_end_matches('/')),
		};
		let parsed = url
			.parse()
			.map_err(|e| Error::Rpc { url: url.clone(), message: format!("bad URL: {e}") })?;
		let provider = RootProvider::new(ClientBuilder::default().hyper_http(parsed));
		Ok(Self { url, provider })
	}

	/// The endpoint URL.
	pub fn url(&self) -> &str {
		&self.url
	}

	/// The alloy provider (reads).
	pub fn provider(&self) -> &RootProvider {
		&self.provider
	}

	async fn call<T, E: std::fmt::Display>(
		&self,
		method: &str,
		request: impl Future<Output = Result<T, E>>,
	) -> Result<T, Error> {
		within_timeout(method, request)
			.await
			.map_err(|message| Error::Rpc { url: self.url.clone(), message })
	}

	/// Number of the latest block.
	pub async fn block_number(&self) -> Result<u64, Error> {
		self.call("eth_blockNumber", self.provider.get_block_number().into_future()).await
	}

	/// Hash of block `number`, `None` if the chain is shorter.
	pub async fn block_hash(&self, number: u64) -> Result<Option<H256>, Error> {
		let block = self
			.call(
				"eth_getBlockByNumber",
				self.provider.get_block_by_number(BlockNumberOrTag::Number(number)).into_future(),
			)
			.await?;
		Ok(block.map(|b| H256(b.header.hash.0)))
	}

	/// Logs of the contracts `addresses` with a first topic in `topics`, in blocks `from..=to`.
	pub async fn logs(
		&self,
		from: u64,
		to: u64,
		addresses: &[H160],
		topics: &[H256],
	) -> Result<Vec<RootLog>, Error> {
		let filter = Filter::new()
			.from_block(from)
			.to_block(to)
			.address(addresses.iter().map(|a| Address::from(a.0)).collect::<Vec<_>>())
			.event_signature(topics.iter().map(|t| B256::from(t.0)).collect::<Vec<_>>());
		let logs = self.call("eth_getLogs", self.provider.get_logs(&filter)).await?;
		let missing = |what: &str| Error::Rpc {
			url: self.url.clone(),
			message: format!("eth_getLogs: a log without its {what}"),
		};
		logs.into_iter()
			.map(|l| {
				Ok(RootLog {
					address: H160(l.inner.address.0 .0),
					log: Log {
						topics: l.inner.data.topics().iter().map(|t| H256(t.0)).collect(),
						data: l.inner.data.data.to_vec(),
						tx_hash: H256(
							l.transaction_hash.ok_or_else(|| missing("transaction hash"))?.0,
						),
					},
					block_number: l.block_number.ok_or_else(|| missing("block number"))?,
					block_hash: H256(l.block_hash.ok_or_else(|| missing("block hash"))?.0),
					log_index: l.log_index.ok_or_else(|| missing("log index"))?,
					removed: l.removed,
				})
			})
			.collect()
	}
}
