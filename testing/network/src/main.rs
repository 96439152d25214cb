//! `bttc-network`: starts a local BTTC network on loopback and keeps it running until Ctrl-C
//! (or until a block is finalized, with `--exit-after-finalized`).
//!
//! - three embedded root chains, anvils (real Ethereum nodes) with the BTTC root-chain
//!   contracts: the stake chain standing in for TRON (the dev validators staked, TRON's HTTP
//!   API emulated in front of it), and Ethereum-like and BSC-like mirror chains;
//! - 4 validators (alice, bob, charlie, dave) following them, attesting their events and
//!   checkpointing the sidechain to all three;
//! - an eth-rpc beside each validator.
//!
//! `scripts/local-network.sh` builds the binaries and runs this.

use bttc_network::{Network, NetworkConfig, Ports, RootChainConfig};
use clap::Parser;
use std::{path::PathBuf, time::Duration};

#[derive(Parser, Debug)]
#[command(name = "bttc-network", about = "A local BTTC network on loopback")]
struct Args {
	/// Data and logs (default: ~/.cache/bttc/network).
	#[arg(long, env = "BTTC_NETWORK_DIR")]
	dir: Option<PathBuf>,
	/// Start from genesis, removing the data of earlier runs.
	#[arg(long)]
	fresh: bool,
	/// First validator's JSON-RPC port (the others follow).
	#[arg(long, env = "BTTC_RPC_PORT", default_value_t = 9944)]
	rpc_port: u16,
	/// First validator's libp2p port.
	#[arg(long, env = "BTTC_P2P_PORT", default_value_t = 30333)]
	p2p_port: u16,
	/// First validator's Prometheus port.
	#[arg(long, env = "BTTC_PROMETHEUS_PORT", default_value_t = 9615)]
	prometheus_port: u16,
	/// First eth-rpc port.
	#[arg(long, env = "BTTC_ETH_RPC_PORT", default_value_t = 8545)]
	eth_rpc_port: u16,
	/// The stake chain's (anvil's) port; the Ethereum-like and BSC-like chains take the next
	/// two.
	#[arg(long, env = "BTTC_ROOT_RPC_PORT", default_value_t = 8645)]
	root_rpc_port: u16,
	/// Port of TRON's HTTP API emulated in front of the stake chain.
	#[arg(long, env = "BTTC_TRON_API_PORT", default_value_t = 8090)]
	tron_api_port: u16,
	/// No eth-rpc beside the validators.
	#[arg(long)]
	no_eth_rpc: bool,
	/// No root chains (the validators then attest and checkpoint nothing).
	#[arg(long)]
	no_root_chain: bool,
	/// One validator (alice) on the `dev` chain, without a root chain.
	#[arg(long)]
	dev: bool,
	/// Write the endpoints (JSON) to this file once everything answers.
	#[arg(long)]
	endpoints_file: Option<PathBuf>,
	/// Exit (stopping everything) once this block is finalized.
	#[arg(long)]
	exit_after_finalized: Option<u64>,
}

#[tokio::main]
async fn main() {
	if let Err(e) = run(Args::parse()).await {
		eprintln!("Error: {e}");
		std::process::exit(1);
	}
}

async fn run(args: Args) -> Result<(), String> {
	let dir = args.dir.clone().unwrap_or_else(|| {
		PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/bttc/network")
	});
	let mut config = NetworkConfig::local(dir);
	config.fresh = args.fresh;
	config.eth_rpc = !args.no_eth_rpc;
	config.root_chains = if args.no_root_chain || args.dev {
		Vec::new()
	} else {
		RootChainConfig::local_set(
			bttc_runtime::genesis_config_presets::LOCAL_EVM_CHAIN_ID,
			Some(args.root_rpc_port),
			Some(args.tron_api_port),
		)
	};
	if args.dev {
		config.chain = "dev".into();
		config.validators = vec!["alice"];
	}
	config.ports = Ports {
		rpc: Some(args.rpc_port),
		p2p: Some(args.p2p_port),
		prometheus: Some(args.prometheus_port),
		eth_rpc: Some(args.eth_rpc_port),
	};
	eprintln!(
		"starting the root chains and {} validators in {}",
		config.validators.len(),
		config.dir.display()
	);
	let mut network = Network::start(config).await?;
	print_summary(&network);
	if let Some(file) = &args.endpoints_file {
		let endpoints = serde_json::json!({
			"nodes": network.specs.iter().map(|s| serde_json::json!({
				"name": s.name, "rpc": s.rpc_url(), "ws": s.ws_url(),
			})).collect::<Vec<_>>(),
			"ethRpc": network.eth_rpcs.iter().map(|e| e.url.clone()).collect::<Vec<_>>(),
			"rootChain": network.stake_chain().map(|r| r.url.clone()),
			"rootChains": network.root_chains.iter().map(|r| serde_json::json!({
				"name": r.name,
				"url": r.url,
				"tronApi": r.tron_api.as_ref().map(|api| api.url.clone()),
				"deployment": r.deployment_file,
			})).collect::<Vec<_>>(),
			"logs": network.logs(),
		});
		std::fs::write(file, endpoints.to_string())
			.map_err(|e| format!("{}: {e}", file.display()))?;
	}

	let mut ticker = tokio::time::interval(Duration::from_secs(10));
	let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
		.map_err(|e| e.to_string())?;
	loop {
		tokio::select! {
			_ = tokio::signal::ctrl_c() => break,
			_ = terminate.recv() => break,
			_ = ticker.tick() => {
				if let Some(name) = network.first_exited() {
					return Err(format!("{name} exited; see {}", network.logs().display()));
				}
				let alice = &network.nodes[0];
				let best = alice.best_number().await;
				let finalized = alice.finalized().await.map(|(n, _)| n);
				if let (Some(best), Some(finalized)) = (best, finalized) {
					eprintln!("==> {}: best #{best}, finalized #{finalized}", alice.spec.name);
					if args.exit_after_finalized.is_some_and(|target| finalized >= target) {
						eprintln!("==> block #{finalized} finalized: stopping");
						break;
					}
				}
			}
		}
	}
	eprintln!("stopping every process");
	Ok(())
}

fn print_summary(network: &Network) {
	println!();
	println!(
		"BTTC network `{}`: {} validator(s), 2 s blocks, GRANDPA finality",
		network.chain,
		network.nodes.len()
	);
	for (i, spec) in network.specs.iter().enumerate() {
		let eth = network
			.eth_rpcs
			.get(i)
			.map(|e| format!("  Ethereum RPC {}", e.url))
			.unwrap_or_default();
		let metrics = spec.prometheus_port.map(|p| format!("  metrics :{p}")).unwrap_or_default();
		println!(
			"  {:<8} RPC ws/http://127.0.0.1:{}{eth}  p2p {}{metrics}",
			spec.name, spec.rpc_port, spec.p2p_port
		);
	}
	println!(
		"  Ethereum accounts: Foundry's dev keys (mnemonic test ... junk), 1,000,000 BTT each"
	);
	for root in &network.root_chains {
		let chain_id = root.deployment["network"]["chainId"].as_u64().unwrap_or_default();
		println!(
			"  root chain {} (anvil, chain id {chain_id}, standing in for {}): {}",
			root.name, root.name, root.url
		);
		if let Some(api) = &root.tron_api {
			println!("    TRON HTTP API (emulated in front of anvil): {}", api.url);
		}
		println!("    contract addresses: {}", root.deployment_file.display());
	}
	if let Some(file) = &network.root_chains_file {
		println!(
			"  validators follow StakeManager and every RootChain, and checkpoint to all: {}",
			file.display()
		);
	}
	println!("  logs:  {}/<name>.log", network.logs().display());
	println!("  data:  {}/<name>  (kept across runs; --fresh starts over)", network.dir.display());
	println!("Press Ctrl-C to stop.");
	println!();
}
