//! The figures of a run, their summaries, and the Markdown report.

use crate::system::ProcessUsage;
use serde::Serialize;
use std::{collections::BTreeMap, fmt::Write as _};

/// One block of a load's window.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockFigures {
	pub number: u64,
	/// Transactions of the load that succeeded in it (by event or receipt status).
	pub successful: u64,
	/// Transactions of the load in it that failed.
	pub failed: u64,
	/// The block's timestamp, ms.
	pub timestamp_ms: u64,
	/// How long its proposer took to build it, ms (BTTC: from the author's log).
	pub build_ms: Option<u64>,
}

/// One load on one chain.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadRun {
	/// What was sent ("native transfers to existing accounts", …).
	pub load: String,
	/// Where ("BTTC dev, 1 validator", "anvil --block-time 2").
	pub chain: String,
	pub senders: u32,
	pub offered_per_second: u32,
	pub submitted: u64,
	pub refused: u64,
	pub first_refusal: Option<String>,
	/// Successful transactions in the window's blocks.
	pub successful: u64,
	/// Failed transactions in the window's blocks.
	pub failed: u64,
	/// The window in chain time: last block's timestamp minus the timestamp of the block
	/// before the first.
	pub seconds: f64,
	pub successful_per_second: f64,
	/// The lowest successful/s of any block after the first (how sustained the rate was).
	pub min_block_per_second: f64,
	pub block_time_mean: f64,
	pub block_time_max: f64,
	/// Gas limit each transaction carried (`eth_estimateGas` of its shape), and the gas a
	/// successful one used (EVM loads).
	pub gas_limit: Option<u64>,
	pub gas_used: Option<u64>,
	/// How the proposer ended each block (BTTC: from its log).
	pub block_ends: BTreeMap<String, u64>,
	/// Share of the normal class's budgets the fullest block used (BTTC).
	pub fullest_block: Option<serde_json::Value>,
	/// Seconds the submitters waited because `in_flight` transactions were submitted and not
	/// yet counted in a block. Expected when the chain takes less than is offered (blocks end
	/// `HitBlockWeightLimit`); with blocks ending `NoMoreTransactions`, the client bound the
	/// load.
	pub held_back_seconds: f64,
	/// CPU and memory of the processes serving the load.
	pub usage: BTreeMap<String, ProcessUsage>,
	pub blocks: Vec<BlockFigures>,
}

impl LoadRun {
	/// Fills the summary fields from `blocks`; `parent_timestamp_ms` is the timestamp of the
	/// block before the first.
	pub fn summarize(&mut self, parent_timestamp_ms: u64) {
		self.successful = self.blocks.iter().map(|b| b.successful).sum();
		self.failed = self.blocks.iter().map(|b| b.failed).sum();
		let mut previous = parent_timestamp_ms;
		let mut gaps = Vec::new();
		let mut lowest = f64::INFINITY;
		for (i, block) in self.blocks.iter().enumerate() {
			let gap = block.timestamp_ms.saturating_sub(previous) as f64 / 1e3;
			gaps.push(gap);
			if i > 0 && gap > 0.0 {
				lowest = lowest.min(block.successful as f64 / gap);
			}
			previous = block.timestamp_ms;
		}
		self.seconds = gaps.iter().sum();
		self.successful_per_second = self.successful as f64 / self.seconds.max(1e-3);
		self.min_block_per_second = if lowest.is_finite() { lowest } else { 0.0 };
		self.block_time_mean = self.seconds / gaps.len().max(1) as f64;
		self.block_time_max = gaps.iter().cloned().fold(0.0, f64::max);
	}
}

impl LoadRun {
	/// What bound the load, in words, from how the proposer ended its blocks (BTTC), how long
	/// submission was held back, and the processes' CPU.
	pub fn what_bound(&self) -> String {
		let blocks: u64 = self.block_ends.values().sum();
		let ended = |reason: &str| self.block_ends.get(reason).copied().unwrap_or(0);
		let held_back = self.held_back_seconds >= 0.1 * self.seconds.max(1.0);
		let mut verdict = if blocks == 0 {
			if held_back {
				format!(
					"the chain: it took less than was offered (submission held back {:.0} s)",
					self.held_back_seconds
				)
			} else {
				"the offered rate".to_string()
			}
		} else if 2 * ended("HitBlockWeightLimit") > blocks {
			format!(
				"weight: {} of {blocks} blocks ended `HitBlockWeightLimit`",
				ended("HitBlockWeightLimit")
			)
		} else if 2 * ended("HitDeadline") > blocks {
			format!(
				"the proposer's deadline: {} of {blocks} blocks ended `HitDeadline`",
				ended("HitDeadline")
			)
		} else if held_back {
			format!(
				"the client: blocks ran out of transactions while submission was held back {:.0} s",
				self.held_back_seconds
			)
		} else {
			"the offered rate: blocks ran out of transactions".to_string()
		};
		for (name, usage) in &self.usage {
			if usage.cpu_cores_mean >= 1.8 {
				let _ = write!(
					verdict,
					"; CPU: {name} used {:.2} cores on average",
					usage.cpu_cores_mean
				);
			}
		}
		verdict
	}
}

/// Finality lag of one node: import to finality, seconds.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinalityRun {
	pub validators: usize,
	/// Load offered meanwhile (native transfers/s).
	pub offered_per_second: u32,
	pub blocks: usize,
	pub p50: f64,
	pub p95: f64,
	pub max: f64,
	pub block_time_mean: f64,
	pub block_time_max: f64,
	/// Every (node, block, lag) sample, seconds.
	pub lags: Vec<f64>,
	pub per_node: BTreeMap<String, (f64, f64)>,
	pub usage: BTreeMap<String, ProcessUsage>,
}

/// `q`-quantile (0..=1) of `values` (nearest rank).
pub fn quantile(values: &[f64], q: f64) -> f64 {
	if values.is_empty() {
		return 0.0;
	}
	let mut sorted = values.to_vec();
	sorted.sort_by(f64::total_cmp);
	let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
	sorted[rank - 1]
}

/// The whole run.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
	pub started: String,
	pub host: String,
	pub profile: String,
	pub loads: Vec<LoadRun>,
	pub finality: Option<FinalityRun>,
	pub notes: Vec<String>,
}

fn usage_text(usage: &BTreeMap<String, ProcessUsage>) -> String {
	usage
		.iter()
		.map(|(name, u)| {
			format!(
				"{name} {:.2} cores mean / {:.2} max, {:.0} MiB",
				u.cpu_cores_mean, u.cpu_cores_max, u.rss_mib_max
			)
		})
		.collect::<Vec<_>>()
		.join("; ")
}

impl Report {
	/// The report as Markdown (plots are written beside it by `scripts/bench_plots.py`).
	pub fn markdown(&self) -> String {
		let mut md = String::new();
		let _ = writeln!(md, "# BTTC benchmark\n");
		let _ = writeln!(
			md,
			"Run {} on {} with {} binaries, by `scripts/bench.sh` (`bttc-bench`). Only successful work is counted: native transfers by their `Balances::Transfer` event, EVM transactions by receipt status 1. Rates are successful transactions over the chain time of the blocks in the load window (timestamps of the blocks).\n",
			self.started, self.host, self.profile
		);
		let _ = writeln!(md, "## Throughput\n");
		let _ = writeln!(
			md,
			"| load | chain | offered/s | successful | failed in blocks | refused | window (s) | **successful/s** | lowest block/s | block time mean / max (s) | gas limit / used per tx | block ends |"
		);
		let _ = writeln!(md, "|---|---|---|---|---|---|---|---|---|---|---|---|");
		for l in &self.loads {
			let gas = match (l.gas_limit, l.gas_used) {
				(Some(limit), Some(used)) => format!("{limit} / {used}"),
				(Some(limit), None) => format!("{limit} / –"),
				_ => "–".into(),
			};
			let ends = if l.block_ends.is_empty() {
				"–".into()
			} else {
				l.block_ends.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
			};
			let _ = writeln!(
				md,
				"| {} | {} | {} | {} | {} | {} | {:.1} | **{:.0}** | {:.0} | {:.2} / {:.2} | {} | {} |",
				l.load,
				l.chain,
				l.offered_per_second,
				l.successful,
				l.failed,
				l.refused,
				l.seconds,
				l.successful_per_second,
				l.min_block_per_second,
				l.block_time_mean,
				l.block_time_max,
				gas,
				ends
			);
		}
		let _ = writeln!(
			md,
			"\n![successful transactions per second, block by block](bench-tps.png)\n"
		);
		let _ = writeln!(md, "### What bound each load\n");
		for l in &self.loads {
			let mut line = format!("- **{}, {}**: bound by {};", l.load, l.chain, l.what_bound());
			if let Some(fullest) = &l.fullest_block {
				let _ = write!(line, " fullest block {fullest};");
			}
			let built: Vec<u64> = l.blocks.iter().filter_map(|b| b.build_ms).collect();
			if let Some(max) = built.iter().max() {
				let _ = write!(
					line,
					" proposer built a block in {:.0} ms mean / {max} ms max;",
					built.iter().sum::<u64>() as f64 / built.len() as f64
				);
			}
			if l.held_back_seconds >= 0.5 {
				let _ = write!(
					line,
					" submission held back {:.0} s by the in-flight limit;",
					l.held_back_seconds
				);
			}
			if let Some(refusal) = &l.first_refusal {
				let _ = write!(line, " first refusal \"{refusal}\";");
			}
			let _ = write!(line, " {}.", usage_text(&l.usage));
			let _ = writeln!(md, "{line}");
		}
		if let Some(f) = &self.finality {
			let _ = writeln!(md, "\n## Finality\n");
			let _ = writeln!(
				md,
				"{} validators on chain `local`, {} native transfers/s offered meanwhile; lag = time a node first reports a block finalized − time it first reports the block as its best (sampled every 50 ms on every node), over {} blocks.\n",
				f.validators, f.offered_per_second, f.blocks
			);
			let _ = writeln!(md, "| | p50 (s) | p95 (s) | max (s) | block time mean / max (s) |");
			let _ = writeln!(md, "|---|---|---|---|---|");
			let _ = writeln!(
				md,
				"| all nodes | **{:.2}** | **{:.2}** | {:.2} | {:.2} / {:.2} |",
				f.p50, f.p95, f.max, f.block_time_mean, f.block_time_max
			);
			for (node, (p50, p95)) in &f.per_node {
				let _ = writeln!(md, "| {node} | {p50:.2} | {p95:.2} | | |");
			}
			let _ = writeln!(md, "\nResources: {}.\n", usage_text(&f.usage));
			let _ = writeln!(md, "![finality lag histogram](bench-finality.png)");
		}
		if !self.notes.is_empty() {
			let _ = writeln!(md, "\n## Notes\n");
			for note in &self.notes {
				let _ = writeln!(md, "- {note}");
			}
		}
		md
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn block(number: u64, successful: u64, timestamp_ms: u64) -> BlockFigures {
		BlockFigures { number, successful, failed: 0, timestamp_ms, build_ms: None }
	}

	#[test]
	fn rates_come_from_block_timestamps() {
		let mut run = LoadRun {
			blocks: vec![block(11, 900, 12_000), block(12, 1_000, 14_000), block(13, 500, 17_000)],
			..Default::default()
		};
		run.summarize(10_000);
		assert_eq!(run.successful, 2_400);
		assert_eq!(run.seconds, 7.0);
		assert!((run.successful_per_second - 2_400.0 / 7.0).abs() < 1e-9);
		// The first block is the ramp-up; the slowest after it is 500 in 3 s.
		assert!((run.min_block_per_second - 500.0 / 3.0).abs() < 1e-9);
		assert_eq!(run.block_time_max, 3.0);
	}

	#[test]
	fn what_bound_a_load_is_read_from_block_ends_and_held_back_time() {
		let mut run = LoadRun { seconds: 60.0, ..Default::default() };
		assert_eq!(run.what_bound(), "the offered rate");
		run.held_back_seconds = 40.0;
		assert!(run.what_bound().starts_with("the chain"), "{}", run.what_bound());
		run.block_ends =
			[("HitBlockWeightLimit".to_string(), 29), ("NoMoreTransactions".into(), 1)]
				.into_iter()
				.collect();
		assert!(run.what_bound().starts_with("weight: 29 of 30"), "{}", run.what_bound());
		run.block_ends = [("NoMoreTransactions".to_string(), 30)].into_iter().collect();
		assert!(run.what_bound().starts_with("the client"), "{}", run.what_bound());
		run.held_back_seconds = 0.0;
		assert!(run.what_bound().starts_with("the offered rate"), "{}", run.what_bound());
		run.usage.insert(
			"bttc-node".into(),
			ProcessUsage { cpu_cores_mean: 1.9, cpu_cores_max: 2.0, rss_mib_max: 1.0 },
		);
		assert!(run.what_bound().ends_with("CPU: bttc-node used 1.90 cores on average"));
	}

	#[test]
	fn quantiles_are_nearest_rank() {
		let values: Vec<f64> = (1..=20).map(f64::from).collect();
		assert_eq!(quantile(&values, 0.5), 10.0);
		assert_eq!(quantile(&values, 0.95), 19.0);
		assert_eq!(quantile(&values, 1.0), 20.0);
		assert_eq!(quantile(&[], 0.5), 0.0);
	}
}
