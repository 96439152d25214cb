//! `eth-rpc`: the Ethereum JSON-RPC server in front of a BTTC node.
//!
//! It runs polkadot-sdk's `pallet-revive-eth-rpc` server (`eth_*`, `net_*`, `web3_*`, forwarding
//! to the node over its Substrate RPC, `--node-rpc-url`) on a loopback port, and serves the
//! public port (`--rpc-port`, default 8545) itself: every request and WebSocket message is
//! passed through unchanged, except `eth_sendRawTransaction`, which the front answers: it
//! checks chain id and price, hands the transaction (a whole batch in one call) straight to
//! the node's pool as `Revive::eth_transact`, and explains a refusal with geth's reason
//! (nonce, funds) instead of the pool's bare "Invalid Transaction". It also holds the receipts
//! of the newest blocks and answers `eth_getTransactionReceipt` and `eth_getBlockReceipts` for
//! them from memory (the server rebuilds a whole block for each receipt). It serves what the
//! server lacks: polling filters (`filters`, pending transactions from `pending`), the
//! WebSocket subscription `newPendingTransactions` (`websocket`), `eth_createAccessList` from the server's
//! prestate tracer (`access_list`), `eth_getProof` with the node's Substrate read proofs
//! (`proof`), and the bridge's `bttc_getExitPayload` and `bttc_getWithdrawalStatus` from the
//! block's receipts and the node's checkpoints (`exit`).
//!
//! The server's client is generated from the metadata of polkadot-sdk's reference revive
//! runtime, which BTTC's `Revive` pallet matches (same crate version, same call and runtime-API
//! shapes). Built here, not installed, so it always matches the workspace's polkadot-sdk line.

mod access_list;
mod error;
mod exit;
mod filters;
mod http;
mod node;
mod pending;
mod precheck;
mod proof;
mod proxy;
mod receipts;
mod websocket;

use anyhow::Context as _;
use std::net::{Ipv4Addr, SocketAddr};

const DEFAULT_RPC_PORT: u16 = 8545;
/// Most calls per batch when `--rpc-max-batch-request-len` is not given.
const DEFAULT_MAX_BATCH_LEN: u32 = 1_000;

/// The front's own option, beside the server's.
const ROOT_CHAIN_MANAGER: &str = "root-chain-manager";

fn main() -> anyhow::Result<()> {
	use clap::{CommandFactory, FromArgMatches};
	let matches = pallet_revive_eth_rpc::cli::CliCommand::command()
		.arg(
			clap::Arg::new(ROOT_CHAIN_MANAGER)
				.long(ROOT_CHAIN_MANAGER)
				.value_name("CHAIN:MANAGER:URL")
				.action(clap::ArgAction::Append)
				.help(
					"A root chain's RootChainManager and a JSON-RPC URL serving eth_call there \
					 (repeatable): bttc_getWithdrawalStatus then answers `exited` for burns exited \
					 on it",
				),
		)
		.get_matches();
	let root_managers = matches
		.get_many::<String>(ROOT_CHAIN_MANAGER)
		.into_iter()
		.flatten()
		.map(|text| exit::RootManager::parse(text))
		.collect::<Result<Vec<_>, _>>()
		.map_err(anyhow::Error::msg)?;
	let mut command = pallet_revive_eth_rpc::cli::CliCommand::from_arg_matches(&matches)?;
	let is_dev = command.shared_params.dev;
	let rpc = &mut command.rpc_params;
	anyhow::ensure!(
		rpc.experimental_rpc_endpoint.is_empty(),
		"--experimental-rpc-endpoint is not supported by BTTC's eth-rpc: use --rpc-port and --rpc-external"
	);
	let public_ip = if rpc.rpc_external || rpc.unsafe_rpc_external {
		Ipv4Addr::UNSPECIFIED
	} else {
		Ipv4Addr::LOCALHOST
	};
	let public = SocketAddr::from((public_ip, rpc.rpc_port.unwrap_or(DEFAULT_RPC_PORT)));
	let max_request_bytes =
		usize::try_from(rpc.rpc_max_request_size).unwrap_or(usize::MAX).saturating_mul(1024 * 1024);
	// Batches are bounded unless the operator says otherwise (geth's default is 1,000).
	let max_batch_len = *rpc.rpc_max_batch_request_len.get_or_insert(DEFAULT_MAX_BATCH_LEN);
	// The node's DNS-rebinding guard, on the public port: unless CORS allows every origin,
	// only requests addressed to localhost are served.
	let allowed_hosts = rpc.rpc_cors(is_dev)?.map(|_| {
		let port = public.port();
		vec![format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")]
	});
	let limits = proxy::Limits {
		max_request_bytes,
		max_connections: usize::try_from(rpc.rpc_max_connections).unwrap_or(usize::MAX),
		max_batch_len: usize::try_from(max_batch_len).unwrap_or(usize::MAX),
		allowed_hosts,
		allow_unprotected: command.allow_unprotected_txs,
	};

	// Bind the public port first, so a taken port fails at once and names itself.
	let listener = std::net::TcpListener::bind(public)
		.with_context(|| format!("cannot listen on {public} (--rpc-port)"))?;
	listener.set_nonblocking(true)?;
	// The inner server listens on a free loopback port only this process knows.
	let backend_port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port();
	rpc.rpc_port = Some(backend_port);
	rpc.rpc_external = false;
	rpc.unsafe_rpc_external = false;
	let backend = SocketAddr::from((Ipv4Addr::LOCALHOST, backend_port));
	let node = node::Node::new(&command.node_rpc_url)?;

	let front_runtime = tokio::runtime::Builder::new_multi_thread()
		.worker_threads(2)
		.thread_name("eth-rpc-front")
		.enable_all()
		.build()?;
	front_runtime.spawn(async move {
		match tokio::net::TcpListener::from_std(listener) {
			Ok(listener) => {
				proxy::Front::new(backend, node, limits, root_managers).serve(listener).await
			}
			Err(err) => {
				eprintln!("Error: cannot serve {public}: {err}");
				std::process::exit(1);
			}
		}
	});
	log::info!(target: "eth-rpc-front", "serving Ethereum JSON-RPC on {public}");
	// Returns when the server stops (Ctrl-C, SIGTERM, or a failure it reports).
	let result = pallet_revive_eth_rpc::cli::run(command);
	front_runtime.shutdown_background();
	result
}
