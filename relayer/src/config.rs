//! The root chains a validator follows, from a JSON file:
//!
//! ```json
//! { "chains": [ {
//!     "chain": "tron",                 // tron | ethereum | bsc
//!     "transport": "tron",             // tron (<rpcUrl>/jsonrpc) | ethereum
//!     "rpcUrl": "https://api.trongrid.io", // or "rpcUrls": [ … ]: endpoints that must agree
//!     "stakeManager": "T…",            // the stake chain's StakeManager (base58 for tron
//!                                      // transport, 0x-hex otherwise); optional
//!     "rootChain": "T…",               // this chain's RootChain (checkpoints); optional
//!     "stateSender": "T…",             // this chain's StateSender (deposits); optional
//!     "confirmations": 18,             // optional: tron 18, ethereum 6, bsc 15
//!     "maxFeePerGasGwei": 300,         // optional: cap on a checkpoint's gas price
//!     "maxPriorityFeePerGasGwei": 3,   // optional: tip of a checkpoint (EIP-1559 chains)
//!     "startBlock": 0,                 // optional: first block to read
//!     "emulation": "…"                 // optional: set when a stand-in serves the chain
//! } ] }
//! ```

use crate::{client::Transport, contracts::ContractKind, error::Error, tron};
use bttc_primitives::RootChainId;
use serde::Deserialize;
use sp_core::H160;
use std::path::Path;

/// Default confirmation depth of a root chain (design §4: TRON 18, Ethereum 6, BSC 15).
pub fn default_confirmations(chain: RootChainId) -> u64 {
	match chain {
		RootChainId::Tron => 18,
		RootChainId::Ethereum => 6,
		RootChainId::Bsc => 15,
	}
}

/// One followed root chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainConfig {
	/// Which root chain.
	pub chain: RootChainId,
	/// How it is reached.
	pub transport: Transport,
	/// Endpoints (at least one); with several, every range read must be identical on all.
	pub rpc_urls: Vec<String>,
	/// `StakeManager` address (20-byte account), on the stake chain.
	pub stake_manager: Option<H160>,
	/// `RootChain` address (checkpoints).
	pub root_chain: Option<H160>,
	/// `StateSender` address (deposits by state sync).
	pub state_sender: Option<H160>,
	/// Most a checkpoint pays per gas, in gwei.
	pub max_fee_per_gas_gwei: u64,
	/// Tip per gas of a checkpoint on EIP-1559 chains, in gwei.
	pub max_priority_fee_per_gas_gwei: u64,
	/// Most sun one checkpoint may burn on TRON.
	pub fee_limit_sun: u64,
	/// Blocks a log must be buried under before it is reported.
	pub confirmations: u64,
	/// First block to read on first start.
	pub start_block: u64,
	/// Set when a stand-in (e.g. anvil) serves the chain: printed in logs.
	pub emulation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawChain {
	chain: String,
	transport: Transport,
	rpc_url: Option<String>,
	#[serde(default)]
	rpc_urls: Vec<String>,
	stake_manager: Option<String>,
	root_chain: Option<String>,
	state_sender: Option<String>,
	max_fee_per_gas_gwei: Option<u64>,
	max_priority_fee_per_gas_gwei: Option<u64>,
	fee_limit_sun: Option<u64>,
	confirmations: Option<u64>,
	#[serde(default)]
	start_block: u64,
	emulation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
	chains: Vec<RawChain>,
}

fn chain_id(name: &str) -> Option<RootChainId> {
	match name {
		"tron" => Some(RootChainId::Tron),
		"ethereum" => Some(RootChainId::Ethereum),
		"bsc" => Some(RootChainId::Bsc),
		_ => None,
	}
}

/// Parses the config text; `path` names the file in errors.
pub fn parse(text: &str, path: &str) -> Result<Vec<ChainConfig>, Error> {
	let fail = |reason: String| Error::Config { path: path.to_string(), reason };
	let raw: RawConfig = serde_json::from_str(text).map_err(|e| fail(e.to_string()))?;
	let mut chains = Vec::new();
	for c in raw.chains {
		let chain = chain_id(&c.chain).ok_or_else(|| {
			fail(format!("unknown chain `{}`: use tron, ethereum or bsc", c.chain))
		})?;
		if chains.iter().any(|known: &ChainConfig| known.chain == chain) {
			return Err(fail(format!("chain `{}` listed twice", c.chain)));
		}
		let address = |text: &str| match c.transport {
			Transport::Tron if text.starts_with('T') => tron::parse_address(text),
			_ => crate::client::parse_fixed(text, "a 20-byte 0x address").map(H160),
		};
		let stake_manager = c.stake_manager.as_deref().map(address).transpose()?;
		let root_chain = c.root_chain.as_deref().map(address).transpose()?;
		let state_sender = c.state_sender.as_deref().map(address).transpose()?;
		if stake_manager.is_none() && root_chain.is_none() && state_sender.is_none() {
			return Err(fail(format!(
				"chain `{}` names no contract: give stakeManager, rootChain and/or stateSender",
				c.chain
			)));
		}
		let mut rpc_urls = c.rpc_urls;
		if let Some(url) = c.rpc_url {
			rpc_urls.insert(0, url);
		}
		if rpc_urls.is_empty() {
			return Err(fail(format!(
				"chain `{}` has no endpoint: give rpcUrl or rpcUrls",
				c.chain
			)));
		}
		let mut distinct = rpc_urls.clone();
		distinct.sort();
		distinct.dedup();
		if distinct.len() != rpc_urls.len() {
			return Err(fail(format!("chain `{}` lists an endpoint twice", c.chain)));
		}
		chains.push(ChainConfig {
			chain,
			transport: c.transport,
			rpc_urls,
			stake_manager,
			root_chain,
			state_sender,
			max_fee_per_gas_gwei: c.max_fee_per_gas_gwei.unwrap_or(300),
			max_priority_fee_per_gas_gwei: c.max_priority_fee_per_gas_gwei.unwrap_or(3),
			fee_limit_sun: c.fee_limit_sun.unwrap_or(300_000_000),
			confirmations: c.confirmations.unwrap_or_else(|| default_confirmations(chain)),
			start_block: c.start_block,
			emulation: c.emulation,
		});
	}
	Ok(chains)
}

impl ChainConfig {
	/// The contracts to follow on this chain, with their kind.
	pub fn contracts(&self) -> Vec<(H160, ContractKind)> {
		let mut contracts = Vec::new();
		if let Some(address) = self.stake_manager {
			contracts.push((address, ContractKind::StakeManager));
		}
		if let Some(address) = self.root_chain {
			contracts.push((address, ContractKind::RootChain));
		}
		if let Some(address) = self.state_sender {
			contracts.push((address, ContractKind::StateSender));
		}
		contracts
	}
}

/// Reads and parses the config file at `path`.
pub fn load(path: &Path) -> Result<Vec<ChainConfig>, Error> {
	let shown = path.display().to_string();
	let text = std::fs::read_to_string(path)
		.map_err(|e| Error::Config { path: shown.clone(), reason: e.to_string() })?;
	parse(&text, &shown)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;

	#[test]
	fn defaults_and_tron_addresses() {
		let chains = parse(
			r#"{"chains":[
				{"chain":"tron","transport":"tron","rpcUrl":"http://t","stakeManager":"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
				{"chain":"bsc","transport":"ethereum","rpcUrl":"http://b","stakeManager":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c","confirmations":2,"startBlock":9}
			]}"#,
			"test.json",
		)
		.unwrap();
		assert_eq!(chains[0].confirmations, 18);
		assert_eq!(chains[0].stake_manager, chains[1].stake_manager);
		assert_eq!(chains[0].root_chain, None);
		assert_eq!(chains[0].max_fee_per_gas_gwei, 300);
		assert_eq!((chains[1].confirmations, chains[1].start_block), (2, 9));
		assert_eq!(chains[0].rpc_urls, vec!["http://t".to_string()]);
	}

	#[test]
	fn a_state_sender_alone_is_followed_for_deposits() {
		let chains = parse(
			r#"{"chains":[{"chain":"ethereum","transport":"ethereum","rpcUrl":"http://e","stateSender":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c"}]}"#,
			"test.json",
		)
		.unwrap();
		assert_eq!(
			chains[0].contracts(),
			vec![(chains[0].state_sender.unwrap(), ContractKind::StateSender)]
		);
	}

	#[test]
	fn several_endpoints_per_chain() {
		let chains = parse(
			r#"{"chains":[{"chain":"bsc","transport":"ethereum","rpcUrl":"http://a","rpcUrls":["http://b","http://c"],"stakeManager":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c"}]}"#,
			"test.json",
		)
		.unwrap();
		assert_eq!(chains[0].rpc_urls, vec!["http://a", "http://b", "http://c"]);
		let err = |text: &str| parse(text, "c.json").unwrap_err().to_string();
		assert!(err(
			r#"{"chains":[{"chain":"bsc","transport":"ethereum","stakeManager":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c"}]}"#
		)
		.contains("no endpoint"));
		assert!(err(
			r#"{"chains":[{"chain":"bsc","transport":"ethereum","rpcUrls":["http://a","http://a"],"stakeManager":"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c"}]}"#
		)
		.contains("twice"));
		assert!(err(r#"{"chains":[{"chain":"bsc","transport":"ethereum","rpcUrl":"http://a"}]}"#)
			.contains("names no contract"));
	}

	#[test]
	fn mistakes_are_named() {
		let err = |text: &str| parse(text, "c.json").unwrap_err().to_string();
		assert!(err(
			r#"{"chains":[{"chain":"doge","transport":"ethereum","rpcUrl":"x","stakeManager":"0x00"}]}"#
		)
		.contains("unknown chain `doge`"));
		assert!(err(
			r#"{"chains":[{"chain":"bsc","transport":"ethereum","rpcUrl":"x","stakeManager":"0x1234"}]}"#
		)
		.contains("20-byte"));
		assert!(err(
			r#"{"chains":[{"chain":"bsc","transport":"carrier-pigeon","rpcUrl":"x","stakeManager":"0x00"}]}"#
		)
		.contains("c.json"));
	}
}
