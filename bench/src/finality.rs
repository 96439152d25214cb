//! Finality lag on every node: when a node first reports a block as its best, and when it
//! first reports it finalized, polled every 50 ms.

use crate::{pace, report::quantile};
use jsonrpsee::{core::client::ClientT, rpc_params};
use serde_json::Value;
use std::{
	collections::BTreeMap,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

const POLL: Duration = Duration::from_millis(50);

fn number_of(header: &Value) -> Option<u64> {
	u64::from_str_radix(header["number"].as_str()?.trim_start_matches("0x"), 16).ok()
}

/// Watches nodes until [`Watch::finish`].
pub struct Watch {
	stop: Arc<AtomicBool>,
	tasks: Vec<(String, tokio::task::JoinHandle<Vec<f64>>)>,
}

impl Watch {
	/// Starts watching the nodes (name, Substrate RPC URL).
	pub fn start(nodes: Vec<(String, String)>) -> Result<Self, String> {
		let stop = Arc::new(AtomicBool::new(false));
		let mut tasks = Vec::new();
		for (name, url) in nodes {
			let client = pace::client(&url)?;
			let stop = stop.clone();
			tasks.push((
				name,
				tokio::spawn(async move {
					let mut imported: BTreeMap<u64, Instant> = BTreeMap::new();
					let mut lags = Vec::new();
					let (mut best_seen, mut finalized_seen) = (None::<u64>, None::<u64>);
					while !stop.load(Ordering::Relaxed) {
						let now = Instant::now();
						if let Ok(header) =
							client.request::<Value, _>("chain_getHeader", rpc_params![]).await
						{
							if let Some(best) = number_of(&header) {
								// Blocks already best when watching began have no import time.
								if let Some(seen) = best_seen {
									for n in seen + 1..=best {
										imported.entry(n).or_insert(now);
									}
								}
								best_seen = Some(best_seen.map_or(best, |s| s.max(best)));
							}
						}
						let finalized = match client
							.request::<Value, _>("chain_getFinalizedHead", rpc_params![])
							.await
						{
							Ok(hash) => client
								.request::<Value, _>("chain_getHeader", rpc_params![hash])
								.await
								.ok()
								.and_then(|h| number_of(&h)),
							Err(_) => None,
						};
						if let Some(finalized) = finalized {
							if let Some(seen) = finalized_seen {
								for n in seen + 1..=finalized {
									if let Some(at) = imported.remove(&n) {
										lags.push(now.duration_since(at).as_secs_f64());
									}
								}
							}
							finalized_seen =
								Some(finalized_seen.map_or(finalized, |s| s.max(finalized)));
						}
						tokio::time::sleep(POLL.saturating_sub(now.elapsed())).await;
					}
					lags
				}),
			));
		}
		Ok(Self { stop, tasks })
	}

	/// Stops watching: every lag sample, and p50/p95 per node.
	pub async fn finish(self) -> (Vec<f64>, BTreeMap<String, (f64, f64)>) {
		self.stop.store(true, Ordering::Relaxed);
		let (mut all, mut per_node) = (Vec::new(), BTreeMap::new());
		for (name, task) in self.tasks {
			let lags = task.await.unwrap_or_default();
			per_node.insert(name, (quantile(&lags, 0.5), quantile(&lags, 0.95)));
			all.extend(lags);
		}
		(all, per_node)
	}
}
