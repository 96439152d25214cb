//! `bttc-bench`: the project's benchmark, one command (`scripts/bench.sh`) for every figure.
//!
//! In one run, each load offered for `--duration` seconds at a paced rate from pre-signed
//! transactions in JSON-RPC batches (so the client is not what binds):
//! - native `transfer_keep_alive` to existing accounts and to new accounts, straight to a
//!   single-validator `dev` node;
//! - ERC20 `transfer` (an OpenZeppelin token) to existing and to new holders through
//!   `eth-rpc` on that node, and the same loads on anvil (`--block-time 2`, its default
//!   30 M gas blocks), gas limits from `eth_estimateGas`;
//! - finality lag on the 4-validator `local` network under a native load.
//!
//! Only successful work counts (events, receipt status). It records block times, the
//! proposer's block-end reasons and which budget the fullest block exhausted, and CPU and
//! memory of the processes under load, and writes `bench.json` and `bench.md` (the plots are
//! drawn from the JSON by `scripts/bench_plots.py`). The network comes from the shared
//! launcher, which takes the binaries beside this executable: a release build of the bench
//! measures release binaries.

mod erc20;
mod finality;
mod native;
mod pace;
mod report;
mod system;

use bttc_network::{Network, NetworkConfig};
use clap::Parser;
use report::{FinalityRun, LoadRun, Report};
use std::{path::PathBuf, process::Stdio, time::Duration};

#[derive(Parser, Debug)]
#[command(
	name = "bttc-bench",
	about = "Throughput and finality of BTTC, and ERC20 throughput of anvil beside it"
)]
struct Args {
	/// Seconds each load is offered.
	#[arg(long, default_value_t = 60)]
	duration: u64,
	/// Phases to run, comma-separated: native, erc20 (through eth-rpc), anvil, finality.
	#[arg(long, default_value = "native,erc20,anvil,finality", value_delimiter = ',')]
	phases: Vec<String>,
	/// Native transfers offered per second.
	#[arg(long, default_value_t = 2_500)]
	native_rate: u32,
	/// Accounts sending native transfers (each signs its own nonce sequence).
	#[arg(long, default_value_t = 2_000)]
	native_senders: u32,
	/// ERC20 transfers offered per second.
	#[arg(long, default_value_t = 1_000)]
	erc20_rate: u32,
	/// Accounts sending ERC20 transfers.
	#[arg(long, default_value_t = 500)]
	erc20_senders: u32,
	/// Native transfers per second offered while finality is measured.
	#[arg(long, default_value_t = 250)]
	finality_rate: u32,
	/// Concurrent submitters (JSON-RPC clients) per load.
	#[arg(long, default_value_t = 4)]
	workers: usize,
	/// Transactions per JSON-RPC batch.
	#[arg(long, default_value_t = 100)]
	batch: usize,
	/// Transactions submitted but not yet in a block, at most.
	#[arg(long, default_value_t = 4_000)]
	in_flight: u64,
	/// Data and logs of the networks (default: temporary directories).
	#[arg(long)]
	dir: Option<PathBuf>,
	/// Where `bench.json` and `bench.md` go.
	#[arg(long, default_value = "scripts/reports")]
	out: PathBuf,
}

#[tokio::main]
async fn main() {
	// Interrupted, the run is dropped, and with it every process it started.
	let interrupted = async {
		let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
			.map_err(|e| e.to_string())?;
		tokio::select! {
			_ = tokio::signal::ctrl_c() => {},
			_ = term.recv() => {},
		}
		Err::<(), String>("interrupted; the networks it started are stopped".into())
	};
	let outcome = tokio::select! {
		outcome = run(Args::parse()) => outcome,
		outcome = interrupted => outcome,
	};
	if let Err(e) = outcome {
		eprintln!("Error: {e}");
		std::process::exit(1);
	}
}

fn host() -> String {
	let cpu = std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|c| {
			c.lines().find_map(|l| {
				l.strip_prefix("model name")
					.map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
			})
		})
		.unwrap_or_else(|| "unknown CPU".into());
	let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
	let memory = std::fs::read_to_string("/proc/meminfo")
		.ok()
		.and_then(|m| {
			m.lines()
				.next()
				.and_then(|l| l.split_whitespace().nth(1))
				.and_then(|k| k.parse::<u64>().ok())
		})
		.map(|kib| format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0))
		.unwrap_or_default();
	format!("{cores} cores ({cpu}), {memory}")
}

fn network_dir(args: &Args, name: &str) -> (bttc_network::TempDir, PathBuf) {
	let temp = bttc_network::TempDir::new(name);
	let dir = args.dir.as_ref().map(|d| d.join(name)).unwrap_or_else(|| temp.0.clone());
	(temp, dir)
}

fn pace(args: &Args, rate: u32, duration: u64) -> pace::Pace {
	pace::Pace {
		rate,
		batch: args.batch,
		in_flight: args.in_flight,
		duration: Duration::from_secs(duration),
	}
}

/// A single-validator `dev` node with eth-rpc: native and ERC20 loads.
async fn bttc_loads(args: &Args, report: &mut Report) -> Result<(), String> {
	let (_temp, dir) = network_dir(args, "dev");
	let mut config = NetworkConfig::local(dir);
	config.chain = "dev".into();
	config.validators = vec!["alice"];
	config.root_chains = Vec::new();
	config.checkpoints = false;
	config.eth_rpc = args.phases.iter().any(|p| p == "erc20");
	config.fresh = true;
	let network = Network::start(config).await?;
	let node = &network.nodes[0];
	let chain_name = "BTTC dev, 1 validator".to_string();
	let mut processes = vec![("bttc-node".to_string(), node.pid())];
	if let Some(eth_rpc) = network.eth_rpcs.first() {
		processes.push(("eth-rpc".to_string(), eth_rpc.pid()));
	}
	if args.phases.iter().any(|p| p == "native") {
		let chain = node.chain_info().await?;
		for (set, recipients, label) in [
			("existing", native::Recipients::Existing, "native transfers to existing accounts"),
			("new", native::Recipients::New, "native transfers to new accounts"),
		] {
			let senders =
				native::fund_senders(node, &chain, set, args.native_senders, args.batch).await?;
			eprintln!("==> {} senders funded for {label}", senders.len());
			let mut run = native::run(
				node,
				&chain,
				&senders,
				recipients,
				pace(args, args.native_rate, args.duration),
				args.workers,
				processes.clone(),
				label,
			)
			.await?;
			run.chain = chain_name.clone();
			report.loads.push(run);
			// Let the pool drain before the next load.
			tokio::time::sleep(Duration::from_secs(10)).await;
		}
	}
	if let Some(eth_rpc) = network.eth_rpcs.first() {
		let endpoint = erc20::Endpoint::connect(&eth_rpc.url, 1).await?;
		let chain = format!("{chain_name}, through eth-rpc");
		// Let the pool drain between loads.
		let pause = Duration::from_secs(10);
		for mut run in erc20_loads(args, &endpoint, &processes, &chain, pause).await? {
			if let (Some(first), Some(last)) = (run.blocks.first(), run.blocks.last()) {
				native::proposer_log(&node.log, first.number, last.number).apply(&mut run);
				run.fullest_block = native::fullest_block(node, &run).await;
			}
			report.loads.push(run);
		}
	}
	Ok(())
}

/// The ERC20 loads on `endpoint`, to existing holders and then to new ones, each from senders
/// of its own, with `pause` after each.
async fn erc20_loads(
	args: &Args,
	endpoint: &erc20::Endpoint,
	processes: &[(String, u32)],
	chain: &str,
	pause: Duration,
) -> Result<Vec<LoadRun>, String> {
	let mut runs = Vec::new();
	for (set, new_holders, label) in [
		("existing", false, "ERC20 transfers to existing holders"),
		("new", true, "ERC20 transfers to new holders"),
	] {
		let setup = erc20::setup(endpoint, set, args.erc20_senders).await?;
		eprintln!(
			"==> token {} and {} senders ready for {label}",
			setup.token,
			setup.senders.len()
		);
		let mut run = erc20::run(
			endpoint,
			&setup,
			new_holders,
			pace(args, args.erc20_rate, args.duration),
			args.workers,
			processes.to_vec(),
			label,
		)
		.await?;
		run.chain = chain.to_string();
		runs.push(run);
		tokio::time::sleep(pause).await;
	}
	Ok(runs)
}

/// A stopped-on-drop process.
struct Process(std::process::Child);

impl Drop for Process {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

/// The ERC20 loads on anvil, beside BTTC's: its interval mining at the same 2 s.
async fn anvil_loads(args: &Args, report: &mut Report) -> Result<(), String> {
	let port = bttc_network::free_port();
	let anvil = Process(
		std::process::Command::new(bttc_network::foundry("anvil"))
			.args(["--block-time", "2", "--port", &port.to_string(), "--balance", "1000000"])
			.stdin(Stdio::null())
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.map_err(|e| format!("cannot start anvil: {e}"))?,
	);
	let url = format!("http://127.0.0.1:{port}");
	bttc_network::wait_for("anvil", Duration::from_secs(30), || async {
		bttc_network::rpc(&url, "eth_chainId", serde_json::json!([])).await
	})
	.await;
	// Full blocks raise anvil's EIP-1559 base fee 12.5 % a block; a price 1,000 × the
	// starting one stays above it for the whole run.
	let endpoint = erc20::Endpoint::connect(&url, 1_000).await?;
	let processes = vec![("anvil".to_string(), anvil.0.id())];
	let chain = "anvil --block-time 2 (30 M gas blocks)";
	report.loads.extend(erc20_loads(args, &endpoint, &processes, chain, Duration::ZERO).await?);
	Ok(())
}

/// Finality lag on the 4 validators of `local` under a native load.
async fn finality(args: &Args, report: &mut Report) -> Result<(), String> {
	let (_temp, dir) = network_dir(args, "local");
	let mut config = NetworkConfig::local_stake_chain_only(dir);
	config.fresh = true;
	let network = Network::start(config).await?;
	let node = &network.nodes[0];
	let chain = node.chain_info().await?;
	let senders = native::fund_senders(node, &chain, "finality", 500, args.batch).await?;
	let processes: Vec<(String, u32)> =
		network.nodes.iter().map(|n| (n.spec.name.to_string(), n.pid())).collect();
	let watch = finality::Watch::start(
		network.nodes.iter().map(|n| (n.spec.name.to_string(), n.spec.rpc_url())).collect(),
	)?;
	let load: LoadRun = native::run(
		node,
		&chain,
		&senders,
		native::Recipients::Existing,
		pace(args, args.finality_rate, args.duration),
		args.workers,
		processes,
		"native transfers (finality)",
	)
	.await?;
	let (lags, per_node) = watch.finish().await;
	report.finality = Some(FinalityRun {
		validators: network.nodes.len(),
		offered_per_second: args.finality_rate,
		blocks: load.blocks.len(),
		p50: report::quantile(&lags, 0.5),
		p95: report::quantile(&lags, 0.95),
		max: report::quantile(&lags, 1.0),
		block_time_mean: load.block_time_mean,
		block_time_max: load.block_time_max,
		lags,
		per_node,
		usage: load.usage.clone(),
	});
	report.notes.push(format!(
		"Finality load: {} successful native transfers/s of {} offered on `local` ({} failed, {} refused).",
		load.successful_per_second.round(),
		args.finality_rate,
		load.failed,
		load.refused
	));
	Ok(())
}

async fn run(args: Args) -> Result<(), String> {
	let mut report = Report {
		started: std::process::Command::new("date")
			.args(["-u", "+%Y-%m-%d %H:%M UTC"])
			.output()
			.ok()
			.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
			.unwrap_or_default(),
		host: host(),
		profile: if cfg!(debug_assertions) { "debug".into() } else { "release".into() },
		..Default::default()
	};
	let has = |phase: &str| args.phases.iter().any(|p| p == phase);
	let result = async {
		if has("native") || has("erc20") {
			bttc_loads(&args, &mut report).await?;
		}
		if has("anvil") {
			anvil_loads(&args, &mut report).await?;
		}
		if has("finality") {
			finality(&args, &mut report).await?;
		}
		Ok::<(), String>(())
	}
	.await;
	if let Err(e) = &result {
		report.notes.push(format!("The run stopped early: {e}"));
	}
	std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
	let json = args.out.join("bench.json");
	std::fs::write(&json, serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?)
		.map_err(|e| format!("{}: {e}", json.display()))?;
	let md = args.out.join("bench.md");
	std::fs::write(&md, report.markdown()).map_err(|e| format!("{}: {e}", md.display()))?;
	eprintln!("==> report: {} and {}", md.display(), json.display());
	result
}
