//! `bttc-bench-bridge`: bridge latency on the 4-validator `local` network with two root
//! chains (the TRON stand-in and the Ethereum-like anvil), with the `local` parameters
//! (root-chain confirmations 2, 1 s anvil blocks, sprints of 4 blocks, a checkpoint once 6
//! blocks wait).
//!
//! Per round and root chain: a deposit (`depositFor`, its receipt → the child balance shown
//! by `eth_call` through eth-rpc), then a burn (`withdraw(amount, chain)`, its receipt → the
//! first `bttc_getExitPayload` answer), then the exit on the root chain. Only rounds whose
//! every step succeeded count: the deposit's balance, the exit's receipt and the released
//! balance are checked. Writes `bridge-bench.json` and `bridge-bench.md`.

use bttc_network::{bridge::*, Network, NetworkConfig, TempDir};
use clap::Parser;
use serde::Serialize;
use std::{
	path::PathBuf,
	time::{Duration, Instant},
};

#[derive(Parser, Debug)]
#[command(name = "bttc-bench-bridge", about = "Deposit and withdrawal latency of the BTTC bridge")]
struct Args {
	/// Rounds per root chain.
	#[arg(long, default_value_t = 5)]
	rounds: u32,
	/// Data and logs of the network (default: a temporary directory).
	#[arg(long)]
	dir: Option<PathBuf>,
	/// Where `bridge-bench.json` and `bridge-bench.md` go.
	#[arg(long, default_value = "scripts/reports")]
	out: PathBuf,
}

#[derive(Serialize, Default)]
struct ChainFigures {
	root_chain: String,
	/// Seconds from the deposit's root receipt to the balance on BTTC.
	deposit_seconds: Vec<f64>,
	/// Seconds from the burn's receipt to the first exit payload.
	exit_provable_seconds: Vec<f64>,
	/// Seconds from the burn block's timestamp to the first exit payload.
	exit_provable_from_block_seconds: Vec<f64>,
}

#[derive(Serialize)]
struct BridgeReport {
	date: String,
	binaries: String,
	rounds: u32,
	chains: Vec<ChainFigures>,
}

/// Polls `check` every 200 ms until it answers, for at most `limit`: the seconds it took.
async fn time_until<F, Fut>(what: &str, limit: Duration, mut check: F) -> Result<f64, String>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = bool>,
{
	let start = Instant::now();
	while start.elapsed() < limit {
		if check().await {
			return Ok(start.elapsed().as_secs_f64());
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	Err(format!("{what}: not within {limit:?}"))
}

fn percentile(values: &[f64], p: f64) -> f64 {
	if values.is_empty() {
		return f64::NAN;
	}
	let mut sorted = values.to_vec();
	sorted.sort_by(|a, b| a.total_cmp(b));
	sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn run(args: Args) -> Result<BridgeReport, String> {
	let temp = TempDir::new("bench-bridge");
	let dir = args.dir.clone().unwrap_or_else(|| temp.0.clone());
	let mut config = NetworkConfig::local(dir.clone());
	config.root_chains.truncate(2);
	eprintln!("starting the local network in {}", dir.display());
	let net = Network::start(config).await?;
	let eth_rpc = net.eth_rpcs[0].url.clone();
	let sides = [
		BridgeSide::set_up(net.root_chain("tron").ok_or("no tron")?, 1, &eth_rpc),
		BridgeSide::set_up(net.root_chain("ethereum").ok_or("no ethereum")?, 2, &eth_rpc),
	];
	net.map_by_governance(&sides).await;
	let mut figures: Vec<ChainFigures> = sides
		.iter()
		.map(|s| ChainFigures { root_chain: s.name.into(), ..Default::default() })
		.collect();
	for round in 0..args.rounds {
		for (side, figures) in sides.iter().zip(&mut figures) {
			let before = side.child_balance(&eth_rpc);
			side.deposit(10 * TOKEN);
			let deposit = time_until("deposit minted", Duration::from_secs(300), || async {
				side.child_balance(&eth_rpc) == before + 10 * TOKEN
			})
			.await?;
			let burn = side.withdraw(&eth_rpc, 5 * TOKEN);
			let burn_tx = burn["transactionHash"].as_str().ok_or("burn without hash")?.to_string();
			let number = burn["blockNumber"].clone();
			let provable = time_until("burn exit-provable", Duration::from_secs(600), || async {
				burn_rpc(&eth_rpc, "bttc_getExitPayload", &burn_tx, side.name).await.is_ok()
			})
			.await?;
			let now_unix = std::time::SystemTime::now()
				.duration_since(std::time::UNIX_EPOCH)
				.map_err(|e| e.to_string())?
				.as_secs_f64();
			let block =
				rpc_outcome(&eth_rpc, "eth_getBlockByNumber", vec![number, false.into()]).await?;
			let block_time = block["timestamp"]
				.as_str()
				.and_then(|t| u64::from_str_radix(t.trim_start_matches("0x"), 16).ok())
				.ok_or("block without timestamp")?;
			let exit = burn_rpc(&eth_rpc, "bttc_getExitPayload", &burn_tx, side.name).await?;
			let root_before = side.root_balance();
			side.exit(exit["payload"].as_str().ok_or("no payload")?)?;
			if side.root_balance() != root_before + 5 * TOKEN {
				return Err(format!(
					"round {round} on {}: the exit did not release 5 tokens",
					side.name
				));
			}
			eprintln!(
				"round {round} {}: deposit {deposit:.1} s, exit-provable {provable:.1} s after the burn's receipt",
				side.name
			);
			figures.deposit_seconds.push(deposit);
			figures.exit_provable_seconds.push(provable);
			figures.exit_provable_from_block_seconds.push(now_unix - block_time as f64);
		}
	}
	let binaries = std::env::current_exe()
		.ok()
		.and_then(|p| p.parent().map(|d| d.display().to_string()))
		.unwrap_or_default();
	Ok(BridgeReport { date: today(), binaries, rounds: args.rounds, chains: figures })
}

fn today() -> String {
	std::process::Command::new("date")
		.arg("-u")
		.arg("+%Y-%m-%d")
		.output()
		.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
		.unwrap_or_default()
}

fn markdown(report: &BridgeReport) -> String {
	let mut out = format!(
		"# Bridge latency\n\nMeasured {} by `scripts/bench-bridge.sh` (`bttc-bench-bridge`, binaries in `{}`) on the \
		 4-validator `local` network with two anvil root chains: {} rounds per chain, each a deposit of 10 tokens, \
		 a burn of 5 and its exit, every step checked (balances on both sides, receipts).\n\n\
		 | root chain | deposit → balance on BTTC, p50 / max | burn receipt → exit-provable, p50 / max | burn block time → exit-provable, p50 / max |\n\
		 |---|---:|---:|---:|\n",
		report.date, report.binaries, report.rounds
	);
	for chain in &report.chains {
		out.push_str(&format!(
			"| {} | {:.1} s / {:.1} s | {:.1} s / {:.1} s | {:.1} s / {:.1} s |\n",
			chain.root_chain,
			percentile(&chain.deposit_seconds, 0.5),
			percentile(&chain.deposit_seconds, 1.0),
			percentile(&chain.exit_provable_seconds, 0.5),
			percentile(&chain.exit_provable_seconds, 1.0),
			percentile(&chain.exit_provable_from_block_seconds, 0.5),
			percentile(&chain.exit_provable_from_block_seconds, 1.0),
		));
	}
	out.push_str(
		"\nWhat binds: a deposit waits for 2 root-chain confirmations (1 s blocks), the validators' \
		 attestation (2/3 + 1 of stake; reports every 2 s) and the next sprint start (4 blocks); a burn waits \
		 for a checkpoint proposed once 6 blocks wait after the last one, its signatures, its submission, \
		 2 confirmations of `NewHeaderBlock` and their attestation. The goal is exit-provable within 2 minutes \
		 of the burn's block.\n",
	);
	out
}

#[tokio::main]
async fn main() {
	let args = Args::parse();
	let out = args.out.clone();
	match run(args).await {
		Ok(report) => {
			let json = serde_json::to_string_pretty(&report).unwrap_or_default();
			let written = std::fs::create_dir_all(&out)
				.and_then(|_| std::fs::write(out.join("bridge-bench.json"), json))
				.and_then(|_| std::fs::write(out.join("bridge-bench.md"), markdown(&report)));
			if let Err(e) = written {
				eprintln!("Error: cannot write the report to {}: {e}", out.display());
				std::process::exit(1);
			}
			print!("{}", markdown(&report));
		}
		Err(e) => {
			eprintln!("Error: {e}");
			std::process::exit(1);
		}
	}
}
