//! Submitting checkpoints to an Ethereum-like root chain's `RootChain` (Ethereum, BSC, anvil)
//! with `alloy`: `submitCheckpoint(data, sigs)` from the validator's signer key.
//!
//! A checkpoint is never submitted twice:
//! - the contract is read first: when its `nextStartBlock()` is past the checkpoint's start,
//!   the checkpoint is recorded (by anyone) and nothing is sent;
//! - a transaction is signed locally and **recorded on disk before it is broadcast**
//!   (`<state dir>/<chain>.checkpoint-tx.json`); after a restart the recorded transaction is
//!   looked up instead of sending a new one;
//! - a transaction still not mined after [`REPLACE_AFTER`] is replaced with the same nonce and
//!   fees raised by a quarter (never above the configured cap), so at most one of them lands.
//!
//! Fees: EIP-1559 where the chain's blocks carry a base fee (`2 × base + tip`, capped),
//! legacy gas price otherwise (capped). The gas limit is the node's estimate plus a fifth; a
//! checkpoint the root chain would refuse (too little signed power for its validator set, a
//! wrong start) fails the estimate, with the revert reason, and is not sent.

use crate::{
	client::Transport,
	config::ChainConfig,
	contracts::RootChain,
	error::Error,
	follower::write_durably,
	tron_api::{TronSubmitter, TronSubmitterConfig},
};
use alloy::{
	consensus::TxEnvelope,
	eips::{eip2718::Encodable2718, BlockNumberOrTag},
	network::{EthereumWallet, TransactionBuilder},
	primitives::{Address, Bytes, B256},
	providers::{Provider, RootProvider},
	rpc::{client::ClientBuilder, types::TransactionRequest},
	signers::local::PrivateKeySigner,
	sol_types::SolCall,
};
use bttc_primitives::RootChainId;
use sp_core::H256;
use std::{
	future::IntoFuture,
	path::PathBuf,
	time::{Duration, SystemTime, UNIX_EPOCH},
};

/// A transaction not mined after this long is replaced with higher fees.
pub const REPLACE_AFTER: Duration = Duration::from_secs(30);

const GWEI: u128 = 1_000_000_000;

/// What a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
	/// The root chain already records this checkpoint (or a later one).
	Recorded,
	/// A transaction was broadcast.
	Sent(H256),
	/// A transaction is in flight; wait for it.
	InFlight(H256),
}

/// The transaction in flight, as recorded on disk.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct InFlight {
	start: u64,
	tx_hash: B256,
	nonce: u64,
	/// EIP-1559 max fee, or the legacy gas price.
	max_fee_per_gas: u128,
	/// EIP-1559 tip (`None` for a legacy transaction).
	max_priority_fee_per_gas: Option<u128>,
	gas_limit: u64,
	sent_at: u64,
}

/// Where a root chain's checkpoints go and how they are paid.
#[derive(Clone, Debug)]
pub struct SubmitterConfig {
	/// The root chain.
	pub chain: RootChainId,
	/// Its JSON-RPC endpoint.
	pub url: String,
	/// Its `RootChain` contract.
	pub root_chain: Address,
	/// The validator's signer key (secp256k1 secret), which pays and submits.
	pub secret: [u8; 32],
	/// Most paid per gas, in gwei.
	pub max_fee_per_gas_gwei: u64,
	/// Tip per gas on EIP-1559 chains, in gwei.
	pub max_priority_fee_per_gas_gwei: u64,
	/// Where the transaction in flight is recorded.
	pub state_file: PathBuf,
}

/// Submits one root chain's checkpoints; see the module docs.
pub struct EthSubmitter {
	config: SubmitterConfig,
	provider: RootProvider,
	wallet: EthereumWallet,
	from: Address,
}

fn unix_now() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl EthSubmitter {
	/// A submitter for `config`.
	pub fn new(config: SubmitterConfig) -> Result<Self, Error> {
		let fail = |reason: String| Error::Submit { chain: format!("{:?}", config.chain), reason };
		let url = config.url.parse().map_err(|e| fail(format!("bad URL {}: {e}", config.url)))?;
		let provider = RootProvider::new(ClientBuilder::default().hyper_http(url));
		let signer = PrivateKeySigner::from_bytes(&B256::from(config.secret))
			.map_err(|e| fail(format!("bad signer key: {e}")))?;
		let from = signer.address();
		Ok(Self { provider, wallet: EthereumWallet::from(signer), from, config })
	}

	/// The submitting (and paying) address.
	pub fn address(&self) -> Address {
		self.from
	}

	fn fail(&self, reason: impl ToString) -> Error {
		Error::Submit { chain: format!("{:?}", self.config.chain), reason: reason.to_string() }
	}

	async fn timed<T, E: std::fmt::Display>(
		&self,
		what: &str,
		request: impl std::future::Future<Output = Result<T, E>>,
	) -> Result<T, Error> {
		crate::client::within_timeout(what, request).await.map_err(|message| self.fail(message))
	}

	/// The contract's `nextStartBlock()`: where the next checkpoint must start.
	pub async fn next_start(&self) -> Result<u64, Error> {
		let contract = RootChain::new(self.config.root_chain, &self.provider);
		let next =
			self.timed("nextStartBlock()", contract.nextStartBlock().call().into_future()).await?;
		u64::try_from(next).map_err(|_| self.fail(format!("nextStartBlock() = {next} overflows")))
	}

	fn load(&self) -> Result<Option<InFlight>, Error> {
		match std::fs::read_to_string(&self.config.state_file) {
			Ok(text) => serde_json::from_str::<Option<InFlight>>(&text)
				.map_err(|e| self.fail(format!("{}: {e}", self.config.state_file.display()))),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(self.fail(format!("{}: {e}", self.config.state_file.display()))),
		}
	}

	fn store(&self, in_flight: Option<&InFlight>) -> Result<(), Error> {
		let text = match in_flight {
			Some(tx) => serde_json::to_string(tx).map_err(|e| self.fail(e))?,
			None => "null".into(),
		};
		write_durably(&self.config.state_file, text.as_bytes())
			.map_err(|e| self.fail(format!("{}: {e}", self.config.state_file.display())))
	}

	/// Submits the checkpoint starting at `start` with `data` and sorted `sigs`, unless the
	/// root chain already has it or a transaction for it is in flight.
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
		let call =
			RootChain::submitCheckpointCall { data: Bytes::from(data), sigs: Bytes::from(sigs) };
		let mut request = TransactionRequest::default()
			.with_from(self.from)
			.with_to(self.config.root_chain)
			.with_input(call.abi_encode());

		let recorded = self.load()?.filter(|tx| tx.start == start);
		if let Some(tx) = &recorded {
			let receipt = self
				.timed(
					"eth_getTransactionReceipt",
					self.provider.get_transaction_receipt(tx.tx_hash).into_future(),
				)
				.await?;
			match receipt {
				Some(r) if r.status() => return Ok(Outcome::Recorded),
				Some(_) => {
					log::warn!(target: crate::LOG_TARGET, "{:?}: checkpoint transaction {:?} reverted; sending a new one", self.config.chain, tx.tx_hash);
				}
				None if unix_now().saturating_sub(tx.sent_at) < REPLACE_AFTER.as_secs() => {
					return Ok(Outcome::InFlight(H256(tx.tx_hash.0)));
				}
				None => {
					// Stuck: the same nonce with fees raised by a quarter, within the cap.
					let cap = u128::from(self.config.max_fee_per_gas_gwei).saturating_mul(GWEI);
					let bump = |fee: u128| fee.saturating_add(fee / 4).max(fee.saturating_add(1));
					if tx.max_fee_per_gas >= cap {
						log::warn!(target: crate::LOG_TARGET, "{:?}: checkpoint transaction {:?} is stuck at the fee cap ({} gwei); waiting", self.config.chain, tx.tx_hash, self.config.max_fee_per_gas_gwei);
						return Ok(Outcome::InFlight(H256(tx.tx_hash.0)));
					}
					request = request.with_nonce(tx.nonce).with_gas_limit(tx.gas_limit);
					request = match tx.max_priority_fee_per_gas {
						Some(tip) => request
							.with_max_fee_per_gas(bump(tx.max_fee_per_gas).min(cap))
							.with_max_priority_fee_per_gas(bump(tip).min(cap)),
						None => request.with_gas_price(bump(tx.max_fee_per_gas).min(cap)),
					};
					return self.sign_record_send(start, request, true).await;
				}
			}
		}

		let nonce = self
			.timed(
				"eth_getTransactionCount",
				self.provider.get_transaction_count(self.from).pending().into_future(),
			)
			.await?;
		let cap = u128::from(self.config.max_fee_per_gas_gwei).saturating_mul(GWEI);
		let latest = self
			.timed(
				"eth_getBlockByNumber",
				self.provider.get_block_by_number(BlockNumberOrTag::Latest).into_future(),
			)
			.await?
			.ok_or_else(|| self.fail("no latest block"))?;
		request = request.with_nonce(nonce);
		request = match latest.header.base_fee_per_gas {
			Some(base) => {
				let tip =
					u128::from(self.config.max_priority_fee_per_gas_gwei).saturating_mul(GWEI);
				let max_fee = u128::from(base).saturating_mul(2).saturating_add(tip);
				if max_fee > cap {
					return Err(self.fail(format!(
						"the base fee ({} gwei) is above the cap ({} gwei): not submitting",
						base as u128 / GWEI,
						self.config.max_fee_per_gas_gwei
					)));
				}
				request
					.with_max_fee_per_gas(max_fee)
					.with_max_priority_fee_per_gas(tip.min(max_fee))
			}
			None => {
				let price =
					self.timed("eth_gasPrice", self.provider.get_gas_price().into_future()).await?;
				if price > cap {
					return Err(self.fail(format!(
						"the gas price ({} gwei) is above the cap ({} gwei): not submitting",
						price / GWEI,
						self.config.max_fee_per_gas_gwei
					)));
				}
				request.with_gas_price(price)
			}
		};
		// The estimate runs the call: a checkpoint the root chain would refuse stops here.
		let gas = self
			.timed("eth_estimateGas", self.provider.estimate_gas(request.clone()).into_future())
			.await?;
		request = request.with_gas_limit(gas.saturating_add(gas / 5));
		self.sign_record_send(start, request, false).await
	}

	async fn sign_record_send(
		&self,
		start: u64,
		request: TransactionRequest,
		replacement: bool,
	) -> Result<Outcome, Error> {
		let chain_id =
			self.timed("eth_chainId", self.provider.get_chain_id().into_future()).await?;
		let request = request.with_chain_id(chain_id);
		let envelope: TxEnvelope = request
			.clone()
			.build(&self.wallet)
			.await
			.map_err(|e| self.fail(format!("signing: {e}")))?;
		let tx_hash = *envelope.tx_hash();
		let in_flight = InFlight {
			start,
			tx_hash,
			nonce: request.nonce.unwrap_or_default(),
			max_fee_per_gas: request.max_fee_per_gas.or(request.gas_price).unwrap_or_default(),
			max_priority_fee_per_gas: request.max_priority_fee_per_gas,
			gas_limit: request.gas.unwrap_or_default(),
			sent_at: unix_now(),
		};
		// Recorded first: a crash after the broadcast finds it instead of sending another.
		self.store(Some(&in_flight))?;
		let encoded = envelope.encoded_2718();
		match self
			.timed("eth_sendRawTransaction", self.provider.send_raw_transaction(&encoded))
			.await
		{
			Ok(_) => {}
			// A replacement that lost the race to the original, or a resend of a known one.
			Err(e)
				if e.to_string().contains("already known")
					|| e.to_string().contains("nonce too low") =>
			{
				log::debug!(target: crate::LOG_TARGET, "{:?}: {e}", self.config.chain);
			}
			Err(e) => return Err(e),
		}
		if replacement {
			log::info!(target: crate::LOG_TARGET, "{:?}: replaced a stuck checkpoint transaction with {tx_hash:?}", self.config.chain);
		}
		Ok(Outcome::Sent(H256(tx_hash.0)))
	}
}

/// The submitter of one root chain, by how it is reached.
pub enum Submitter {
	/// Ethereum, BSC (JSON-RPC).
	Ethereum(EthSubmitter),
	/// TRON (HTTP API).
	Tron(TronSubmitter),
}

impl Submitter {
	/// The submitter of `chain`'s checkpoints from its first endpoint, paid by `secret`, with
	/// its transaction in flight recorded under `state_dir`; `None` if the chain has no
	/// `RootChain`.
	pub fn for_chain(
		chain: &ChainConfig,
		secret: [u8; 32],
		state_dir: &std::path::Path,
	) -> Result<Option<Self>, Error> {
		let (Some(root_chain), Some(url)) = (chain.root_chain, chain.rpc_urls.first()) else {
			return Ok(None);
		};
		let state_file =
			state_dir.join(format!("{:?}.checkpoint-tx.json", chain.chain).to_lowercase());
		Ok(Some(match chain.transport {
			Transport::Ethereum => Submitter::Ethereum(EthSubmitter::new(SubmitterConfig {
				chain: chain.chain,
				url: url.clone(),
				root_chain: Address::from(root_chain.0),
				secret,
				max_fee_per_gas_gwei: chain.max_fee_per_gas_gwei,
				max_priority_fee_per_gas_gwei: chain.max_priority_fee_per_gas_gwei,
				state_file,
			})?),
			Transport::Tron => Submitter::Tron(TronSubmitter::new(TronSubmitterConfig {
				chain: chain.chain,
				url: url.clone(),
				root_chain,
				secret,
				fee_limit_sun: chain.fee_limit_sun,
				state_file,
			})?),
		}))
	}

	/// The root chain's `nextStartBlock()`.
	pub async fn next_start(&self) -> Result<u64, Error> {
		match self {
			Submitter::Ethereum(s) => s.next_start().await,
			Submitter::Tron(s) => s.next_start().await,
		}
	}

	/// Submits the checkpoint starting at `start` with ABI `data` and concatenated sorted
	/// `sigs`, never twice (see [`EthSubmitter::submit`], [`TronSubmitter::submit`]).
	pub async fn submit(&self, start: u64, data: Vec<u8>, sigs: Vec<u8>) -> Result<Outcome, Error> {
		match self {
			Submitter::Ethereum(s) => s.submit(start, data, sigs).await,
			Submitter::Tron(s) => s.submit(start, data, sigs).await,
		}
	}
}
