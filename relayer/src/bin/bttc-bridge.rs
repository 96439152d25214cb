//! `bttc-bridge`: move ERC20 tokens and BTT between a root chain and BTTC.
//!
//! ```text
//! bttc-bridge deposit  --root-rpc URL --root-chain ethereum --manager 0x… --token 0x… --amount 100 --key 0x…
//! bttc-bridge withdraw --eth-rpc URL --root-chain ethereum --token 0x… --amount 40 --key 0x…
//! bttc-bridge withdraw --eth-rpc URL --root-chain ethereum --token native --amount 40 --key 0x…
//! bttc-bridge exit     --eth-rpc URL --root-rpc URL --root-chain ethereum --manager 0x… --tx 0x… --key 0x…
//! bttc-bridge status deposit  --node-rpc URL --root-chain ethereum --tx 0x…
//! bttc-bridge status withdraw --eth-rpc URL --root-chain ethereum --tx 0x… [--root-rpc URL --manager 0x…]
//! ```
//!
//! `deposit` approves the token's predicate when needed, calls `RootChainManager.depositFor`
//! and follows the deposit until BTTC minted it (`bttc_getDepositStatus` on a BTTC node).
//! `withdraw` burns the child token for one root chain (`withdraw(amount, rootChainId)`) and
//! follows the burn until a checkpoint acknowledged on that chain covers it
//! (`bttc_getWithdrawalStatus` on eth-rpc). `exit` fetches the exit payload
//! (`bttc_getExitPayload`) and sends `RootChainManager.exit`. Amounts are in whole tokens
//! (decimals read from the token). Native BTT is the child token `native` (the bridge contract
//! at `0x…1010`, 18 decimals): its deposit is the root chain's BTT token deposited like any
//! ERC20, and its withdrawal sends the amount as the call's value. Root chains are reached
//! over Ethereum JSON-RPC (Ethereum, BSC, and TRON's `/jsonrpc` endpoint for reads; a TRON
//! deposit or exit is sent from a TRON wallet, not by this command).

use alloy::{
	network::{Ethereum, EthereumWallet},
	primitives::{utils::parse_units, Address, Bytes, B256, U256},
	providers::{PendingTransactionBuilder, Provider, ProviderBuilder, RootProvider},
	rpc::{client::ClientBuilder, types::TransactionReceipt},
	signers::local::PrivateKeySigner,
	sol,
};
use clap::{Parser, Subcommand};
use serde_json::Value;
use std::time::{Duration, Instant};

sol! {
	#[sol(rpc)]
	interface IRootChainManager {
		function depositFor(address user, address rootToken, uint256 amount) external;
		function exit(bytes calldata inputData) external;
		function processedExits(bytes32 exitHash) external view returns (bool);
		function tokenToType(address rootToken) external view returns (bytes32);
		function typeToPredicate(bytes32 tokenType) external view returns (address);
	}

	#[sol(rpc)]
	interface IERC20 {
		function approve(address spender, uint256 amount) external returns (bool);
		function allowance(address owner, address spender) external view returns (uint256);
		function decimals() external view returns (uint8);
	}

	#[sol(rpc)]
	interface IChildToken {
		function withdraw(uint256 amount, uint256 rootChainId) external payable;
	}
}

#[derive(Parser)]
#[command(name = "bttc-bridge", version, about = "Deposit to and withdraw from BTTC")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Lock tokens on a root chain and wait until BTTC mints them.
	Deposit {
		/// The root chain's JSON-RPC URL.
		#[arg(long)]
		root_rpc: String,
		/// tron, ethereum or bsc.
		#[arg(long)]
		root_chain: String,
		/// The root chain's `RootChainManager`.
		#[arg(long)]
		manager: Address,
		/// The root token.
		#[arg(long)]
		token: Address,
		/// Amount in whole tokens (e.g. 1.5).
		#[arg(long)]
		amount: String,
		/// Receiver on BTTC (default: the sender).
		#[arg(long)]
		to: Option<Address>,
		/// Sender's private key (hex).
		#[arg(long, env = "BTTC_BRIDGE_KEY", hide_env_values = true)]
		key: PrivateKeySigner,
		/// A BTTC node's RPC URL, to follow the deposit.
		#[arg(long, default_value = "http://127.0.0.1:9944")]
		node_rpc: String,
		/// Give up following after this many seconds.
		#[arg(long, default_value_t = 600)]
		timeout: u64,
	},
	/// Burn child tokens on BTTC for one root chain and wait until the burn can exit there.
	Withdraw {
		/// BTTC's Ethereum JSON-RPC URL (eth-rpc).
		#[arg(long, default_value = "http://127.0.0.1:8545")]
		eth_rpc: String,
		/// The root chain to exit on: tron, ethereum or bsc.
		#[arg(long)]
		root_chain: String,
		/// The child token on BTTC, or `native` for BTT (the bridge contract at 0x…1010).
		#[arg(long, value_parser = child_token)]
		token: Address,
		/// Amount in whole tokens.
		#[arg(long)]
		amount: String,
		/// Holder's private key (hex).
		#[arg(long, env = "BTTC_BRIDGE_KEY", hide_env_values = true)]
		key: PrivateKeySigner,
		/// Give up following after this many seconds.
		#[arg(long, default_value_t = 600)]
		timeout: u64,
	},
	/// Release on the root chain the tokens of an exitable burn.
	Exit {
		/// BTTC's Ethereum JSON-RPC URL (eth-rpc).
		#[arg(long, default_value = "http://127.0.0.1:8545")]
		eth_rpc: String,
		/// The root chain's JSON-RPC URL.
		#[arg(long)]
		root_rpc: String,
		/// tron, ethereum or bsc.
		#[arg(long)]
		root_chain: String,
		/// The root chain's `RootChainManager`.
		#[arg(long)]
		manager: Address,
		/// The burn transaction on BTTC.
		#[arg(long)]
		tx: B256,
		/// Sender's private key (hex); anyone may send an exit, the tokens go to the burner.
		#[arg(long, env = "BTTC_BRIDGE_KEY", hide_env_values = true)]
		key: PrivateKeySigner,
	},
	/// Where a deposit or a withdrawal stands.
	#[command(subcommand)]
	Status(Status),
}

#[derive(Subcommand)]
enum Status {
	/// A deposit, by its root transaction.
	Deposit {
		/// A BTTC node's RPC URL.
		#[arg(long, default_value = "http://127.0.0.1:9944")]
		node_rpc: String,
		/// tron, ethereum or bsc.
		#[arg(long)]
		root_chain: String,
		/// The root transaction.
		#[arg(long)]
		tx: B256,
	},
	/// A withdrawal, by its burn transaction.
	Withdraw {
		/// BTTC's Ethereum JSON-RPC URL (eth-rpc).
		#[arg(long, default_value = "http://127.0.0.1:8545")]
		eth_rpc: String,
		/// tron, ethereum or bsc.
		#[arg(long)]
		root_chain: String,
		/// The burn transaction.
		#[arg(long)]
		tx: B256,
		/// The root chain's JSON-RPC URL, to tell whether the exit was made.
		#[arg(long, requires = "manager")]
		root_rpc: Option<String>,
		/// The root chain's `RootChainManager`.
		#[arg(long, requires = "root_rpc")]
		manager: Option<Address>,
	},
}

/// BTTC's number of a root chain.
/// The native BTT bridge contract on BTTC (`NativeBTT.sol`).
const NATIVE_BTT: Address = alloy::primitives::address!("0000000000000000000000000000000000001010");

/// A child token's address, `native` naming [`NATIVE_BTT`].
fn child_token(text: &str) -> Result<Address, String> {
	if text.eq_ignore_ascii_case("native") {
		return Ok(NATIVE_BTT);
	}
	text.parse().map_err(|e| format!("`{text}` is neither `native` nor an address: {e}"))
}

fn chain_id(name: &str) -> Result<u64, String> {
	match name.to_ascii_lowercase().as_str() {
		"tron" => Ok(1),
		"ethereum" => Ok(2),
		"bsc" => Ok(3),
		_ => Err(format!("unknown root chain `{name}`: use tron, ethereum or bsc")),
	}
}

fn url<T: std::str::FromStr>(text: &str) -> Result<T, String>
where
	T::Err: std::fmt::Display,
{
	text.parse().map_err(|e| format!("`{text}` is not a URL: {e}"))
}

/// A read-only client of `endpoint`.
fn reader(endpoint: &str) -> Result<RootProvider, String> {
	Ok(RootProvider::new(ClientBuilder::default().hyper_http(url(endpoint)?)))
}

async fn raw(
	provider: &RootProvider,
	method: &'static str,
	params: Value,
) -> Result<Value, String> {
	provider
		.raw_request::<_, Value>(method.into(), params)
		.await
		.map_err(|e| format!("{method}: {e}"))
}

/// Prints `line` when it differs from the last one printed, with the time since `start`.
fn progress(last: &mut String, start: Instant, line: String) {
	if *last != line {
		eprintln!("[{:>4} s] {line}", start.elapsed().as_secs());
		*last = line;
	}
}

/// The receipt of a sent transaction once mined; an error naming `what` if it could not be
/// sent, was lost, or reverted.
async fn confirmed(
	sent: Result<PendingTransactionBuilder<Ethereum>, alloy::contract::Error>,
	what: &str,
) -> Result<TransactionReceipt, String> {
	let receipt = sent
		.map_err(|e| format!("{what}: {e}"))?
		.get_receipt()
		.await
		.map_err(|e| format!("{what}: {e}"))?;
	if !receipt.status() {
		return Err(format!("{what} reverted in {}", receipt.transaction_hash));
	}
	Ok(receipt)
}

async fn amount_of(provider: &impl Provider, token: Address, amount: &str) -> Result<U256, String> {
	let decimals = if token == NATIVE_BTT {
		18
	} else {
		IERC20::new(token, provider)
			.decimals()
			.call()
			.await
			.map_err(|e| format!("token {token}: decimals(): {e}"))?
	};
	let value = parse_units(amount, decimals)
		.map_err(|e| format!("amount `{amount}`: {e}"))?
		.get_absolute();
	if value.is_zero() {
		return Err("the amount must be above 0".into());
	}
	Ok(value)
}

async fn deposit(
	root_rpc: &str,
	root_chain: &str,
	manager: Address,
	token: Address,
	amount: &str,
	to: Option<Address>,
	key: PrivateKeySigner,
	node_rpc: &str,
	timeout: u64,
) -> Result<(), String> {
	chain_id(root_chain)?;
	let sender = key.address();
	let provider =
		ProviderBuilder::new().wallet(EthereumWallet::from(key)).connect_hyper_http(url(root_rpc)?);
	let value = amount_of(&provider, token, amount).await?;
	let manager_contract = IRootChainManager::new(manager, &provider);
	let token_type = manager_contract
		.tokenToType(token)
		.call()
		.await
		.map_err(|e| format!("RootChainManager {manager}: {e}"))?;
	let predicate =
		manager_contract.typeToPredicate(token_type).call().await.map_err(|e| e.to_string())?;
	if predicate == Address::ZERO {
		return Err(format!("token {token} is not mapped on this root chain's RootChainManager"));
	}
	let erc20 = IERC20::new(token, &provider);
	if erc20.allowance(sender, predicate).call().await.map_err(|e| e.to_string())? < value {
		let receipt = confirmed(erc20.approve(predicate, value).send().await, "approve").await?;
		eprintln!("approved the predicate {predicate} in {}", receipt.transaction_hash);
	}
	let sent = manager_contract.depositFor(to.unwrap_or(sender), token, value).send().await;
	let receipt = confirmed(sent, "depositFor").await?;
	let root_tx = receipt.transaction_hash;
	eprintln!(
		"deposit sent: root transaction {root_tx} in block {}",
		receipt.block_number.unwrap_or_default()
	);
	follow_deposit(node_rpc, root_chain, root_tx, timeout).await
}

async fn follow_deposit(
	node_rpc: &str,
	root_chain: &str,
	root_tx: B256,
	timeout: u64,
) -> Result<(), String> {
	let node = reader(node_rpc)?;
	let start = Instant::now();
	let mut last = String::new();
	while start.elapsed() < Duration::from_secs(timeout) {
		let records =
			raw(&node, "bttc_getDepositStatus", serde_json::json!([root_chain, root_tx])).await?;
		match records.as_array().and_then(|r| r.first()) {
			None => progress(
				&mut last,
				start,
				"waiting for the root chain's confirmations and for 2/3 + 1 of stake to attest the state sync".into(),
			),
			Some(record) => match record["status"].as_str() {
				Some("executed") => {
					eprintln!(
						"[{:>4} s] minted on BTTC at block {} (record {})",
						start.elapsed().as_secs(),
						record["at"],
						record["recordId"]
					);
					return Ok(());
				},
				Some("failed") => {
					return Err(format!(
						"the deposit failed on BTTC: {} (record {}); it is kept and can be retried with Bridge::retry({}) once fixed",
						record["failure"], record["recordId"], record["recordId"]
					))
				},
				_ => progress(
					&mut last,
					start,
					format!("attested as record {}; minted at the next sprint start", record["recordId"]),
				),
			},
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	Err(format!(
		"not minted within {timeout} s; follow it with `bttc-bridge status deposit --tx {root_tx}`"
	))
}

async fn withdraw(
	eth_rpc: &str,
	root_chain: &str,
	token: Address,
	amount: &str,
	key: PrivateKeySigner,
	timeout: u64,
) -> Result<(), String> {
	let chain = chain_id(root_chain)?;
	let provider =
		ProviderBuilder::new().wallet(EthereumWallet::from(key)).connect_hyper_http(url(eth_rpc)?);
	let value = amount_of(&provider, token, amount).await?;
	// Native BTT leaves with the call's value.
	let paid = if token == NATIVE_BTT { value } else { U256::ZERO };
	let gas_price = provider.get_gas_price().await.map_err(|e| format!("eth_gasPrice: {e}"))?;
	let sent = IChildToken::new(token, &provider)
		.withdraw(value, U256::from(chain))
		.value(paid)
		.gas_price(gas_price)
		.send()
		.await;
	let receipt = confirmed(sent, "the burn (withdraw)").await?;
	let burn = receipt.transaction_hash;
	eprintln!(
		"burnt for {root_chain} in {burn} (block {})",
		receipt.block_number.unwrap_or_default()
	);
	let reader = reader(eth_rpc)?;
	let start = Instant::now();
	let mut last = String::new();
	while start.elapsed() < Duration::from_secs(timeout) {
		let status =
			raw(&reader, "bttc_getWithdrawalStatus", serde_json::json!([burn, root_chain])).await?;
		match status["status"].as_str() {
			Some("exitable") => {
				eprintln!(
					"[{:>4} s] exitable: checkpoint {} on {root_chain} covers it; run `bttc-bridge exit --tx {burn} …`",
					start.elapsed().as_secs(),
					status["checkpoint"]["headerBlockId"]
				);
				println!("{burn}");
				return Ok(());
			}
			Some("checkpointPending") => progress(
				&mut last,
				start,
				format!(
					"checkpoint of blocks {}..={} proposed; waiting for signatures and its ack on {root_chain}",
					status["checkpoint"]["start"], status["checkpoint"]["end"]
				),
			),
			_ => progress(
				&mut last,
				start,
				format!(
					"waiting for a checkpoint to {root_chain} to cover block {}",
					status["blockNumber"]
				),
			),
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	Err(format!(
		"not exitable within {timeout} s; follow it with `bttc-bridge status withdraw --tx {burn}`"
	))
}

async fn exit(
	eth_rpc: &str,
	root_rpc: &str,
	root_chain: &str,
	manager: Address,
	tx: B256,
	key: PrivateKeySigner,
) -> Result<(), String> {
	chain_id(root_chain)?;
	let exit =
		raw(&reader(eth_rpc)?, "bttc_getExitPayload", serde_json::json!([tx, root_chain])).await?;
	let payload: Bytes =
		serde_json::from_value(exit["payload"].clone()).map_err(|e| format!("payload: {e}"))?;
	let exit_hash: B256 =
		serde_json::from_value(exit["exitHash"].clone()).map_err(|e| format!("exitHash: {e}"))?;
	let provider =
		ProviderBuilder::new().wallet(EthereumWallet::from(key)).connect_hyper_http(url(root_rpc)?);
	let manager_contract = IRootChainManager::new(manager, &provider);
	if manager_contract.processedExits(exit_hash).call().await.map_err(|e| e.to_string())? {
		eprintln!("already exited (exit hash {exit_hash})");
		return Ok(());
	}
	let receipt = confirmed(manager_contract.exit(payload).send().await, "exit").await?;
	eprintln!("exited in {} (checkpoint {})", receipt.transaction_hash, exit["headerBlockId"]);
	Ok(())
}

async fn run(cli: Cli) -> Result<(), String> {
	match cli.command {
		Command::Deposit {
			root_rpc,
			root_chain,
			manager,
			token,
			amount,
			to,
			key,
			node_rpc,
			timeout,
		} => {
			deposit(&root_rpc, &root_chain, manager, token, &amount, to, key, &node_rpc, timeout)
				.await
		}
		Command::Withdraw { eth_rpc, root_chain, token, amount, key, timeout } => {
			withdraw(&eth_rpc, &root_chain, token, &amount, key, timeout).await
		}
		Command::Exit { eth_rpc, root_rpc, root_chain, manager, tx, key } => {
			exit(&eth_rpc, &root_rpc, &root_chain, manager, tx, key).await
		}
		Command::Status(Status::Deposit { node_rpc, root_chain, tx }) => {
			chain_id(&root_chain)?;
			let records = raw(
				&reader(&node_rpc)?,
				"bttc_getDepositStatus",
				serde_json::json!([root_chain, tx]),
			)
			.await?;
			if records.as_array().is_none_or(|r| r.is_empty()) {
				println!("not attested yet: waiting for confirmations and 2/3 + 1 of stake");
			} else {
				println!("{}", serde_json::to_string_pretty(&records).unwrap_or_default());
			}
			Ok(())
		}
		Command::Status(Status::Withdraw { eth_rpc, root_chain, tx, root_rpc, manager }) => {
			chain_id(&root_chain)?;
			let eth = reader(&eth_rpc)?;
			let mut status =
				raw(&eth, "bttc_getWithdrawalStatus", serde_json::json!([tx, root_chain])).await?;
			let exitable = status["status"] == "exitable";
			if let (Some(root_rpc), Some(manager), true) = (root_rpc, manager, exitable) {
				let exit =
					raw(&eth, "bttc_getExitPayload", serde_json::json!([tx, root_chain])).await?;
				let exit_hash: B256 =
					serde_json::from_value(exit["exitHash"].clone()).map_err(|e| e.to_string())?;
				let root = reader(&root_rpc)?;
				if IRootChainManager::new(manager, &root)
					.processedExits(exit_hash)
					.call()
					.await
					.map_err(|e| e.to_string())?
				{
					status["status"] = "exited".into();
				}
			}
			println!("{}", serde_json::to_string_pretty(&status).unwrap_or_default());
			Ok(())
		}
	}
}

fn main() {
	let cli = Cli::parse();
	let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => {
			eprintln!("Error: {e}");
			std::process::exit(1);
		}
	};
	if let Err(e) = runtime.block_on(run(cli)) {
		eprintln!("Error: {e}");
		std::process::exit(1);
	}
}
