//! CPU and memory of the processes under load, sampled from `/proc` once a second.

use serde::Serialize;
use std::{
	collections::BTreeMap,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

/// Linux's clock ticks per second for `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on
/// every Linux architecture this runs on).
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

/// One process's figures over a sampling window.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessUsage {
	/// Mean CPU use, in cores (1.0 = one core busy all the time).
	pub cpu_cores_mean: f64,
	/// Highest one-second CPU use, in cores.
	pub cpu_cores_max: f64,
	/// Largest resident set, MiB.
	pub rss_mib_max: f64,
}

/// CPU time (ticks) and resident set (KiB) of `pid`, if it still runs.
fn read(pid: u32) -> Option<(u64, u64)> {
	let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis
	// start at field 3, so utime and stime (fields 14 and 15) are the 12th and 13th there.
	let after = stat.rsplit_once(')')?.1;
	let fields: Vec<&str> = after.split_whitespace().collect();
	let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
	let rss_kib = status
		.lines()
		.find_map(|l| l.strip_prefix("VmRSS:"))
		.and_then(|v| v.split_whitespace().next())
		.and_then(|v| v.parse().ok())
		.unwrap_or(0);
	Some((ticks, rss_kib))
}

/// CPU and memory figures per process name.
pub type Usage = BTreeMap<String, ProcessUsage>;

/// Samples the named processes until dropped or [`Sampler::finish`]ed.
pub struct Sampler {
	stop: Arc<AtomicBool>,
	task: tokio::task::JoinHandle<BTreeMap<String, ProcessUsage>>,
}

impl Sampler {
	/// Starts sampling `processes` (name, pid) every second.
	pub fn start(processes: Vec<(String, u32)>) -> Self {
		let stop = Arc::new(AtomicBool::new(false));
		let flag = stop.clone();
		let task = tokio::spawn(async move {
			let mut usage: BTreeMap<String, (ProcessUsage, f64)> = BTreeMap::new();
			let began = Instant::now();
			let mut last: BTreeMap<String, (u64, Instant)> = BTreeMap::new();
			let mut first: BTreeMap<String, u64> = BTreeMap::new();
			while !flag.load(Ordering::Relaxed) {
				for (name, pid) in &processes {
					let Some((ticks, rss_kib)) = read(*pid) else { continue };
					let now = Instant::now();
					first.entry(name.clone()).or_insert(ticks);
					let entry = usage.entry(name.clone()).or_default();
					if let Some((previous, at)) = last.get(name) {
						let seconds = now.duration_since(*at).as_secs_f64().max(1e-3);
						let cores = ticks.saturating_sub(*previous) as f64
							/ CLOCK_TICKS_PER_SECOND
							/ seconds;
						entry.0.cpu_cores_max = entry.0.cpu_cores_max.max(cores);
					}
					entry.0.rss_mib_max = entry.0.rss_mib_max.max(rss_kib as f64 / 1024.0);
					let total = ticks.saturating_sub(first[name]) as f64 / CLOCK_TICKS_PER_SECOND;
					entry.1 = total;
					last.insert(name.clone(), (ticks, now));
				}
				tokio::time::sleep(Duration::from_secs(1)).await;
			}
			let seconds = began.elapsed().as_secs_f64().max(1e-3);
			usage
				.into_iter()
				.map(|(name, (mut figures, cpu_seconds))| {
					figures.cpu_cores_mean = cpu_seconds / seconds;
					(name, figures)
				})
				.collect()
		});
		Self { stop, task }
	}

	/// Stops sampling; the figures per process.
	pub async fn finish(self) -> Usage {
		self.stop.store(true, Ordering::Relaxed);
		self.task.await.unwrap_or_default()
	}
}
