//! `bttc-network`: starts a local BTTC network on loopback and keeps it running until Ctrl-C
//! (or until a block is finalized, with `--exit-after-finalized`).
//!
//! - an embedded root chain: anvil (a real Ethereum node, standing in for TRON) with the BTTC
//!   root-chain contracts deployed and the dev validators staked;
//! - 4 validators (alice, bob, charlie, dave) following it;
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
	/// The root chain's (anvil's) port.
	#[arg(long, env = "BTTC_ROOT_RPC_PORT", default_value_t = 8645)]
	root_rpc_port: u16,
	/// No eth-rpc beside the validators.
	#[arg(long)]
	no_eth_rpc: bool,
	/// No root chain (the validators then attest nothing).
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
	config.root_chain = (!args.no_root_chain && !args.dev)
		.then(|| RootChainConfig { port: Some(args.root_rpc_port), ..Default::default() });
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
		"starting the root chain and {} validators in {}",
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
			"rootChain": network.root_chain.as_ref().map(|r| r.url.clone()),
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
	if let Some(root) = &network.root_chain {
		println!("  root chain (anvil, chain id 31337, standing in for TRON): {}", root.url);
		println!("    contract addresses: {}", root.deployment_file.display());
	}
	if let Some(file) = &network.root_chains_file {
		println!("    validators follow its StakeManager: {}", file.display());
	}
	println!("  logs:  {}/<name>.log", network.logs().display());
	println!("  data:  {}/<name>  (kept across runs; --fresh starts over)", network.dir.display());
	println!("Press Ctrl-C to stop.");
	println!();
}
