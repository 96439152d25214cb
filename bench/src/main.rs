//! `bttc-bench`: the project's benchmark (work in progress; first load: native transfers).
//!
//! Starts a single-validator `dev` node through the shared launcher (release binaries when
//! this binary is a release build: the launcher takes the binaries beside it), funds
//! `--senders` accounts, signs every transfer up front and submits them in JSON-RPC batches
//! while keeping the node's pool fed, and counts only transfers whose `Balances::Transfer`
//! event is in a block. Writes a JSON summary and the per-block figures.

use bttc_network::{sign_extrinsic, submit_batch, ChainInfo, Network, NetworkConfig, Node};
use bttc_runtime::{AccountId, RuntimeCall, RuntimeEvent, BTT};
use clap::Parser;
use jsonrpsee::http_client::HttpClientBuilder;
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::IdentifyAccount, MultiAddress, MultiSigner};
use std::{
	collections::VecDeque,
	path::PathBuf,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

#[derive(Parser, Debug)]
#[command(name = "bttc-bench", about = "Sustained native-transfer throughput of a dev node")]
struct Args {
	/// Seconds of sustained load measured.
	#[arg(long, default_value_t = 60)]
	duration: u64,
	/// Accounts sending transfers (each signs its own nonce sequence).
	#[arg(long, default_value_t = 2_000)]
	senders: u32,
	/// Transfers submitted per second at most (the load offered).
	#[arg(long, default_value_t = 2_000)]
	rate: u32,
	/// Concurrent submitters (JSON-RPC clients).
	#[arg(long, default_value_t = 4)]
	workers: usize,
	/// Transfers submitted but not yet in a block, at most (keep below the pool's limits).
	#[arg(long, default_value_t = 4_000)]
	in_flight: u64,
	/// Transfers per JSON-RPC batch.
	#[arg(long, default_value_t = 100)]
	batch: usize,
	/// Data and logs of the network (default: a temporary directory).
	#[arg(long)]
	dir: Option<PathBuf>,
	/// Where the JSON summary goes.
	#[arg(long, default_value = "scripts/reports/bench.json")]
	out: PathBuf,
}

#[tokio::main]
async fn main() {
	if let Err(e) = run(Args::parse()).await {
		eprintln!("Error: {e}");
		std::process::exit(1);
	}
}

fn account(pair: &sr25519::Pair) -> AccountId {
	MultiSigner::from(pair.public()).into_account()
}

fn transfer(to: &AccountId, amount: u128) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: MultiAddress::Id(to.clone()),
		value: amount,
	})
}

/// Successful transfers in block `number`: its `Balances::Transfer` events (a failed
/// transfer emits none).
async fn transfers_in(node: &Node, number: u64) -> Result<u64, String> {
	let events = node.events_at(number).await.ok_or(format!("events of #{number} unreadable"))?;
	Ok(events
		.iter()
		.filter(|r| {
			matches!(r.event, RuntimeEvent::Balances(pallet_balances::Event::Transfer { .. }))
		})
		.count() as u64)
}

/// The timestamp (ms) block `number` carries (`Timestamp::Now`).
async fn timestamp_of(node: &Node, number: u64) -> Option<u64> {
	let hash = node.block_hash(number).await?;
	let key = bttc_network::storage_prefix("Timestamp", "Now");
	let value = node
		.call("state_getStorage", jsonrpsee::rpc_params![sp_core::bytes::to_hex(&key, false), hash])
		.await?;
	let bytes = sp_core::bytes::from_hex(value.as_str()?).ok()?;
	<u64 as codec::Decode>::decode(&mut &bytes[..]).ok()
}

/// The weight block `number` consumed by normal extrinsics: (ref_time, proof_size).
async fn normal_weight_of(node: &Node, number: u64) -> Option<(u64, u64)> {
	let hash = node.block_hash(number).await?;
	let key = bttc_network::storage_prefix("System", "BlockWeight");
	let value = node
		.call("state_getStorage", jsonrpsee::rpc_params![sp_core::bytes::to_hex(&key, false), hash])
		.await?;
	let bytes = sp_core::bytes::from_hex(value.as_str()?).ok()?;
	let consumed = <frame_system::ConsumedWeight as codec::Decode>::decode(&mut &bytes[..]).ok()?;
	let normal = consumed.get(frame_support::dispatch::DispatchClass::Normal);
	Some((normal.ref_time(), normal.proof_size()))
}

/// How the proposer ended each block from `first` to before `end`, counted: the
/// `end: <reason>` of its "Prepared block for proposing at N" log lines (`HitBlockWeightLimit`,
/// `HitDeadline`, `NoMoreTransactions`, …).
fn fill_reasons(log: &std::path::Path, first: u64, end: u64) -> serde_json::Value {
	let text = std::fs::read_to_string(log).unwrap_or_default();
	let mut counts = std::collections::BTreeMap::<String, u64>::new();
	for line in text.lines() {
		let Some(rest) = line.split("Prepared block for proposing at ").nth(1) else { continue };
		let number: u64 = rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
		if number < first || number >= end {
			continue;
		}
		if let Some(reason) = rest.split("end: ").nth(1).and_then(|r| r.split(';').next()) {
			*counts.entry(reason.trim().to_string()).or_default() += 1;
		}
	}
	serde_json::json!(counts)
}

async fn run(args: Args) -> Result<(), String> {
	let temp = bttc_network::TempDir::new("bttc-bench");
	let dir = args.dir.clone().unwrap_or_else(|| temp.0.clone());
	let mut config = NetworkConfig::local(dir);
	config.chain = "dev".into();
	config.validators = vec!["alice"];
	config.root_chains = Vec::new();
	config.eth_rpc = false;
	config.fresh = true;
	let network = Network::start(config).await?;
	let node = &network.nodes[0];
	let chain: ChainInfo = node.chain_info().await?;

	// Fund the senders from the six endowed development accounts, a round of at most
	// `--batch` transfers per funder at a time: one account's long nonce chain would overflow
	// the pool's future queue.
	let funders: Vec<sr25519::Pair> =
		["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"]
			.iter()
			.map(|uri| sr25519::Pair::from_string(uri, None))
			.collect::<Result<_, _>>()
			.map_err(|e| format!("{e:?}"))?;
	let senders: Vec<sr25519::Pair> = (0..args.senders)
		.map(|i| sr25519::Pair::from_string(&format!("//Alice//bench//{i}"), None))
		.collect::<Result<_, _>>()
		.map_err(|e| format!("{e:?}"))?;
	let mut nonces = Vec::new();
	for funder in &funders {
		nonces.push(node.next_nonce(&account(funder)).await?);
	}
	let mut next = node.best_number().await.ok_or("no best block")? + 1;
	let deadline = Instant::now() + Duration::from_secs(180);
	let mut funded = 0u64;
	for round in senders.chunks(args.batch * funders.len()) {
		let mut signed = Vec::new();
		for (i, sender) in round.iter().enumerate() {
			let f = i % funders.len();
			signed.push(sign_extrinsic(
				&funders[f],
				transfer(&account(sender), 100 * BTT),
				nonces[f],
				&chain,
			));
			nonces[f] += 1;
		}
		for answer in node.submit_batch(&signed).await? {
			answer.map_err(|e| format!("funding refused: {e}"))?;
		}
		let target = funded + round.len() as u64;
		while funded < target {
			if Instant::now() > deadline {
				return Err(format!("only {funded} of {} senders funded in 180 s", args.senders));
			}
			let best = node.best_number().await.unwrap_or(next - 1);
			while next <= best {
				funded += transfers_in(node, next).await?;
				next += 1;
			}
			tokio::time::sleep(Duration::from_millis(300)).await;
		}
	}
	eprintln!("==> {} senders funded by #{}", args.senders, next - 1);

	// Every transfer signed up front: sender i sends to sender i+1 (existing accounts). Each
	// worker owns whole senders, so a sender's nonces reach the pool in order.
	let per_sender =
		(u64::from(args.rate) * (args.duration + 30)).div_ceil(u64::from(args.senders));
	let workers = args.workers.max(1);
	let mut queues: Vec<VecDeque<Vec<u8>>> = vec![VecDeque::new(); workers];
	for n in 0..per_sender as u32 {
		for (i, sender) in senders.iter().enumerate() {
			let to = account(&senders[(i + 1) % senders.len()]);
			queues[i % workers].push_back(sign_extrinsic(
				sender,
				transfer(&to, BTT / 1_000),
				n,
				&chain,
			));
		}
	}
	eprintln!("==> {} transfers signed", queues.iter().map(VecDeque::len).sum::<usize>());

	// Each worker offers `rate / workers` transfers per second in batches; the main task counts
	// successful transfers block by block.
	let first_block = node.best_number().await.ok_or("no best block")? + 1;
	let began = Instant::now();
	let submitted = Arc::new(AtomicU64::new(0));
	let refused = Arc::new(AtomicU64::new(0));
	// Transfers in blocks so far: workers hold back while `--in-flight` wait in the pool (a
	// pool past its limits drops transactions, and a sender's later nonces then never apply).
	let included = Arc::new(AtomicU64::new(0));
	let stop = Duration::from_secs(args.duration);
	let mut tasks = Vec::new();
	for mut queue in queues {
		let client = HttpClientBuilder::default()
			.max_request_size(u32::MAX)
			.build(node.spec.rpc_url())
			.map_err(|e| e.to_string())?;
		let (submitted, refused, included) = (submitted.clone(), refused.clone(), included.clone());
		let in_flight = args.in_flight;
		let rate = f64::from(args.rate) / workers as f64;
		let batch = args.batch;
		tasks.push(tokio::spawn(async move {
			let mut sent = 0u64;
			while began.elapsed() < stop && !queue.is_empty() {
				let due = (began.elapsed().as_secs_f64() * rate) as u64;
				let waiting = submitted
					.load(Ordering::Relaxed)
					.saturating_sub(included.load(Ordering::Relaxed));
				if sent >= due || waiting >= in_flight {
					tokio::time::sleep(Duration::from_millis(20)).await;
					continue;
				}
				let take = (batch as u64).min(due - sent) as usize;
				let chunk: Vec<Vec<u8>> = queue.drain(..take.min(queue.len())).collect();
				sent += chunk.len() as u64;
				submitted.fetch_add(chunk.len() as u64, Ordering::Relaxed);
				let answers = submit_batch(&client, &chunk).await?;
				refused.fetch_add(
					answers.iter().filter(|a| a.is_err()).count() as u64,
					Ordering::Relaxed,
				);
			}
			Ok::<(), String>(())
		}));
	}
	let mut per_block: Vec<(u64, u64)> = Vec::new();
	let mut next = first_block;
	while began.elapsed() < stop {
		let best = node.best_number().await.unwrap_or(next.saturating_sub(1));
		while next <= best {
			let transfers = transfers_in(node, next).await?;
			included.fetch_add(transfers, Ordering::Relaxed);
			per_block.push((next, transfers));
			next += 1;
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	for task in tasks {
		task.await.map_err(|e| e.to_string())??;
	}
	let (submitted, refused) = (submitted.load(Ordering::Relaxed), refused.load(Ordering::Relaxed));
	let seconds = began.elapsed().as_secs_f64();
	let fill = fill_reasons(&node.log, first_block, next);
	let mut stamps = Vec::new();
	for (number, _) in &per_block {
		stamps.push(timestamp_of(node, *number).await.ok_or(format!("no timestamp at #{number}"))?);
	}
	let gaps: Vec<f64> =
		stamps.windows(2).map(|w| (w[1].saturating_sub(w[0])) as f64 / 1e3).collect();
	let block_time = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
	let block_time_max = gaps.iter().cloned().fold(0.0, f64::max);
	// Which budget the block builder ran into: normal extrinsics' share of the block's
	// ref_time and proof size, in the fullest block.
	let limits = <bttc_runtime::configs::RuntimeBlockWeights as frame_support::traits::Get<
		frame_system::limits::BlockWeights,
	>>::get();
	let normal_max = limits
		.get(frame_support::dispatch::DispatchClass::Normal)
		.max_total
		.unwrap_or(limits.max_block);
	let mut fullest = (0u64, 0u64, 0u64);
	for (number, transfers) in &per_block {
		if *transfers >= fullest.0 {
			let (r, p) =
				normal_weight_of(node, *number).await.ok_or(format!("no weight at #{number}"))?;
			fullest = (*transfers, r, p);
		}
	}
	let ref_time_share = fullest.1 as f64 / normal_max.ref_time().max(1) as f64;
	let proof_share = fullest.2 as f64 / normal_max.proof_size().max(1) as f64;
	let included: u64 = per_block.iter().map(|(_, n)| n).sum();
	let tps = included as f64 / seconds;
	let summary = serde_json::json!({
		"load": "native transfer_keep_alive between existing accounts",
		"senders": args.senders,
		"offeredPerSecond": args.rate,
		"seconds": seconds,
		"submitted": submitted,
		"refusedByPool": refused,
		"successful": included,
		"successfulPerSecond": tps,
		"blockEnds": fill,
		"blockTimeMean": block_time,
		"blockTimeMax": block_time_max,
		"fullestBlock": {"transfers": fullest.0, "normalRefTimeShare": ref_time_share, "normalProofSizeShare": proof_share},
		"blocks": per_block.iter().zip(&stamps).map(|((b, n), t)| serde_json::json!({"block": b, "transfers": n, "timestampMs": t})).collect::<Vec<_>>(),
	});
	if let Some(parent) = args.out.parent() {
		std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
	}
	std::fs::write(&args.out, serde_json::to_string_pretty(&summary).unwrap_or_default())
		.map_err(|e| format!("{}: {e}", args.out.display()))?;
	eprintln!(
		"==> {included} successful transfers in {seconds:.1} s: {tps:.0}/s ({submitted} submitted, {refused} refused); block time {block_time:.2} s (max {block_time_max:.2}); block ends {fill}; fullest block {} transfers: {:.0} % of normal ref_time, {:.0} % of normal proof size; {}",
		fullest.0,
		ref_time_share * 100.0,
		proof_share * 100.0,
		args.out.display()
	);
	drop(network);
	Ok(())
}
