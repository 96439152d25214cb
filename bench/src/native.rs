//! Native `transfer_keep_alive` load, straight to a node's Substrate JSON-RPC.

use crate::{
	pace::{self, Counters, Pace},
	report::{BlockFigures, LoadRun},
	system::Sampler,
};
use bttc_network::{sign_extrinsic, ChainInfo, Node};
use bttc_runtime::{AccountId, RuntimeCall, RuntimeEvent, BTT, EXISTENTIAL_DEPOSIT};
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::IdentifyAccount, MultiAddress, MultiSigner};
use std::{
	collections::VecDeque,
	sync::atomic::Ordering,
	time::{Duration, Instant},
};

/// The accounts endowed in the `dev` and `local` genesis that fund the senders.
const FUNDERS: [&str; 6] = ["//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie"];

fn account(pair: &sr25519::Pair) -> AccountId {
	MultiSigner::from(pair.public()).into_account()
}

fn transfer(to: &AccountId, amount: u128) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: MultiAddress::Id(to.clone()),
		value: amount,
	})
}

fn pair(uri: &str) -> Result<sr25519::Pair, String> {
	sr25519::Pair::from_string(uri, None).map_err(|e| format!("{uri}: {e:?}"))
}

/// Block `number`'s transfers: (successful — `Balances::Transfer` events; failed —
/// `System::ExtrinsicFailed` events).
pub async fn outcomes_in(node: &Node, number: u64) -> Result<(u64, u64), String> {
	let events = node.events_at(number).await.ok_or(format!("events of #{number} unreadable"))?;
	let mut outcome = (0, 0);
	for record in &events {
		match record.event {
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { .. }) => outcome.0 += 1,
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { .. }) => outcome.1 += 1,
			_ => {}
		}
	}
	Ok(outcome)
}

/// The timestamp (ms) block `number` carries (`Timestamp::Now`).
pub async fn timestamp_of(node: &Node, number: u64) -> Result<u64, String> {
	let missing = || format!("no timestamp at #{number}");
	let hash = node.block_hash(number).await.ok_or_else(missing)?;
	let key = bttc_network::storage_prefix("Timestamp", "Now");
	let value = node
		.call("state_getStorage", jsonrpsee::rpc_params![sp_core::bytes::to_hex(&key, false), hash])
		.await
		.ok_or_else(missing)?;
	let bytes =
		sp_core::bytes::from_hex(value.as_str().ok_or_else(missing)?).map_err(|_| missing())?;
	<u64 as codec::Decode>::decode(&mut &bytes[..]).map_err(|_| missing())
}

/// The weight block `number`'s normal extrinsics consumed: (ref_time, proof_size).
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

/// What the proposer logged for blocks `first..=last` ("Prepared block for proposing at N
/// (T ms) … end: <reason>"): how it ended them (`HitBlockWeightLimit`, `HitDeadline`,
/// `NoMoreTransactions`, …), counted, and how long it took to build each block, ms. Empty
/// when `log` is not the author's.
pub fn proposer_log(log: &std::path::Path, first: u64, last: u64) -> ProposerLog {
	let text = std::fs::read_to_string(log).unwrap_or_default();
	let mut found = ProposerLog::default();
	for line in text.lines() {
		let Some(rest) = line.split("Prepared block for proposing at ").nth(1) else { continue };
		let mut words = rest.split_whitespace();
		let number: u64 = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
		if number < first || number > last {
			continue;
		}
		if let Some(ms) =
			words.next().and_then(|t| t.strip_prefix('(')).and_then(|t| t.parse().ok())
		{
			found.build_ms.insert(number, ms);
		}
		if let Some(reason) = rest.split("end: ").nth(1).and_then(|r| r.split(';').next()) {
			*found.ends.entry(reason.trim().to_string()).or_default() += 1;
		}
	}
	found
}

/// What [`proposer_log`] read.
#[derive(Default)]
pub struct ProposerLog {
	pub ends: std::collections::BTreeMap<String, u64>,
	pub build_ms: std::collections::BTreeMap<u64, u64>,
}

impl ProposerLog {
	/// Fills `run`'s block-end counts and each block's build time.
	pub fn apply(self, run: &mut LoadRun) {
		run.block_ends = self.ends;
		for block in &mut run.blocks {
			block.build_ms = self.build_ms.get(&block.number).copied();
		}
	}
}

/// The normal class's share of ref_time and proof size in the fullest block of `run`.
pub async fn fullest_block(node: &Node, run: &LoadRun) -> Option<serde_json::Value> {
	let fullest = run.blocks.iter().max_by_key(|b| b.successful + b.failed)?;
	let (ref_time, proof_size) = normal_weight_of(node, fullest.number).await?;
	let limits = <bttc_runtime::configs::RuntimeBlockWeights as frame_support::traits::Get<
		frame_system::limits::BlockWeights,
	>>::get();
	let normal = limits
		.get(frame_support::dispatch::DispatchClass::Normal)
		.max_total
		.unwrap_or(limits.max_block);
	Some(serde_json::json!({
		"block": fullest.number,
		"transactions": fullest.successful + fullest.failed,
		// Weight charged (ms of reference time) beside the time the proposer took here.
		"normalWeightMs": ref_time / 1_000_000_000,
		"buildMs": fullest.build_ms,
		"normalRefTimeShare": (ref_time as f64 / normal.ref_time().max(1) as f64 * 1e3).round() / 1e3,
		"normalProofSizeShare": (proof_size as f64 / normal.proof_size().max(1) as f64 * 1e3).round() / 1e3,
	}))
}

/// Waits until `count` more transfers have succeeded after block `after`; the last block
/// read.
async fn wait_transfers(
	node: &Node,
	after: u64,
	count: u64,
	timeout: Duration,
) -> Result<u64, String> {
	let deadline = Instant::now() + timeout;
	let (mut next, mut seen) = (after + 1, 0);
	while seen < count {
		if Instant::now() > deadline {
			return Err(format!("only {seen} of {count} funding transfers in {timeout:?}"));
		}
		let best = node.best_number().await.unwrap_or(next - 1);
		while next <= best {
			seen += outcomes_in(node, next).await?.0;
			next += 1;
		}
		tokio::time::sleep(Duration::from_millis(300)).await;
	}
	Ok(next - 1)
}

/// `count` sender accounts (`//Alice//bench//<set>//<i>`), each given 100 BTT by the six endowed
/// accounts in rounds of at most `batch` transfers per funder (one account's long nonce
/// chain would overflow the pool's future queue).
pub async fn fund_senders(
	node: &Node,
	chain: &ChainInfo,
	set: &str,
	count: u32,
	batch: usize,
) -> Result<Vec<sr25519::Pair>, String> {
	let funders: Vec<sr25519::Pair> =
		FUNDERS.iter().map(|uri| pair(uri)).collect::<Result<_, _>>()?;
	let senders: Vec<sr25519::Pair> = (0..count)
		.map(|i| pair(&format!("//Alice//bench//{set}//{i}")))
		.collect::<Result<_, _>>()?;
	let mut nonces = Vec::new();
	for funder in &funders {
		nonces.push(node.next_nonce(&account(funder)).await?);
	}
	for round in senders.chunks(batch * funders.len()) {
		let after = node.best_number().await.ok_or("no best block")?;
		let mut signed = Vec::new();
		for (i, sender) in round.iter().enumerate() {
			let f = i % funders.len();
			signed.push(sign_extrinsic(
				&funders[f],
				transfer(&account(sender), 100 * BTT),
				nonces[f],
				chain,
			));
			nonces[f] += 1;
		}
		for answer in node.submit_batch(&signed).await? {
			answer.map_err(|e| format!("a funding transfer was refused: {e}"))?;
		}
		wait_transfers(node, after, round.len() as u64, Duration::from_secs(120)).await?;
	}
	Ok(senders)
}

/// Where the transfers go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipients {
	/// Sender i pays sender i+1: accounts that exist.
	Existing,
	/// Every transfer creates a new account (the existential deposit).
	New,
}

/// Offers `pace` transfers from fresh `senders` (nonces from 0) to `node`, counts the
/// successful ones block by block, and samples `processes` meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn run(
	node: &Node,
	chain: &ChainInfo,
	senders: &[sr25519::Pair],
	recipients: Recipients,
	pace: Pace,
	workers: usize,
	processes: Vec<(String, u32)>,
	label: &str,
) -> Result<LoadRun, String> {
	let per_sender = u64::from(pace.rate)
		.saturating_mul(pace.duration.as_secs() + 30)
		.div_ceil(senders.len().max(1) as u64) as u32;
	let workers = workers.max(1);
	let mut queues: Vec<VecDeque<String>> = vec![VecDeque::new(); workers];
	for n in 0..per_sender {
		for (i, sender) in senders.iter().enumerate() {
			let (to, amount) = match recipients {
				Recipients::Existing => (account(&senders[(i + 1) % senders.len()]), BTT / 1_000),
				Recipients::New => {
					let seed = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(
						&codec::Encode::encode(&(i as u64, n, "bttc-bench new")),
					)
					.0;
					(AccountId::from(seed), EXISTENTIAL_DEPOSIT)
				}
			};
			let signed = sign_extrinsic(sender, transfer(&to, amount), n, chain);
			queues[i % workers].push_back(sp_core::bytes::to_hex(&signed, false));
		}
	}
	eprintln!("==> {label}: {} transfers signed", queues.iter().map(VecDeque::len).sum::<usize>());

	let first_block = node.best_number().await.ok_or("no best block")? + 1;
	let parent_timestamp = timestamp_of(node, first_block - 1).await?;
	let counters = Counters::default();
	let sampler = Sampler::start(processes);
	let began = Instant::now();
	let tasks = pace::start(
		&node.spec.rpc_url(),
		"author_submitExtrinsic",
		queues,
		pace,
		&counters,
		began,
	)?;
	let (blocks, usage) = pace::count_blocks(
		first_block,
		began,
		pace,
		&counters,
		tasks,
		sampler,
		|| node.best_number(),
		|number| async move {
			let (successful, failed) = outcomes_in(node, number).await?;
			let timestamp_ms = timestamp_of(node, number).await?;
			Ok((BlockFigures { number, successful, failed, timestamp_ms, build_ms: None }, ()))
		},
	)
	.await?;
	let last = blocks.last().map_or(first_block, |(b, _)| b.number);
	let blocks: Vec<BlockFigures> = blocks.into_iter().map(|(b, _)| b).collect();
	let mut run = LoadRun {
		load: label.to_string(),
		chain: String::new(),
		senders: senders.len() as u32,
		offered_per_second: pace.rate,
		submitted: counters.submitted.load(Ordering::Relaxed),
		refused: counters.refused.load(Ordering::Relaxed),
		first_refusal: counters.first_refusal.lock().ok().and_then(|f| f.clone()),
		held_back_seconds: counters.held_back_seconds(workers),
		usage,
		blocks,
		..Default::default()
	};
	run.summarize(parent_timestamp);
	proposer_log(&node.log, first_block, last).apply(&mut run);
	run.fullest_block = fullest_block(node, &run).await;
	eprintln!(
		"==> {label}: {} successful in {:.1} s: {:.0}/s ({} submitted, {} refused, {} failed)",
		run.successful,
		run.seconds,
		run.successful_per_second,
		run.submitted,
		run.refused,
		run.failed
	);
	Ok(run)
}
