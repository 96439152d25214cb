//! Offering a load: pre-signed transactions submitted by concurrent JSON-RPC clients in
//! batches, paced to a rate, holding back while too many wait for a block.

use jsonrpsee::{
	core::{client::ClientT, params::BatchRequestBuilder},
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use std::{
	collections::VecDeque,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};

/// A JSON-RPC client for loads: large batches, patient answers.
pub fn client(url: &str) -> Result<HttpClient, String> {
	HttpClientBuilder::default()
		.max_request_size(u32::MAX)
		.max_response_size(u32::MAX)
		.request_timeout(Duration::from_secs(60))
		.build(url)
		.map_err(|e| format!("{url}: {e}"))
}

/// `method(payload)` for every payload in one JSON-RPC batch: each call's error, if any.
pub async fn submit(
	client: &HttpClient,
	method: &str,
	payloads: &[String],
) -> Result<Vec<Option<String>>, String> {
	let mut batch = BatchRequestBuilder::new();
	for payload in payloads {
		batch.insert(method, rpc_params![payload]).map_err(|e| e.to_string())?;
	}
	let answers =
		client.batch_request::<serde_json::Value>(batch).await.map_err(|e| e.to_string())?;
	Ok(answers.into_iter().map(|a| a.err().map(|e| e.message().to_string())).collect())
}

/// What the submitters did, shared with the task that counts inclusions.
#[derive(Clone, Default)]
pub struct Counters {
	pub submitted: Arc<AtomicU64>,
	/// Calls the endpoint answered with an error (refused before reaching a block).
	pub refused: Arc<AtomicU64>,
	/// Transactions of the load in blocks so far, successful or not (the counting task adds
	/// to it).
	pub included: Arc<AtomicU64>,
	/// Milliseconds the submitters slept because too many transactions were in flight (summed
	/// over submitters, divided by their number when reported).
	pub held_back_ms: Arc<AtomicU64>,
	/// The first refusal's message, to say why in the report.
	pub first_refusal: Arc<Mutex<Option<String>>>,
}

/// How the load is offered.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
	/// Transactions per second offered, across all submitters.
	pub rate: u32,
	/// Transactions per JSON-RPC batch.
	pub batch: usize,
	/// Submitted but not yet counted in a block, at most: a pool past its limits drops
	/// transactions, and a sender's later nonces would then never apply.
	pub in_flight: u64,
	/// How long transactions are offered.
	pub duration: Duration,
}

/// Starts one submitter per queue (a queue holds whole senders, so each sender's nonces
/// arrive in order); they stop after `pace.duration` from `began` or when their queue is
/// empty.
pub fn start(
	url: &str,
	method: &'static str,
	queues: Vec<VecDeque<String>>,
	pace: Pace,
	counters: &Counters,
	began: Instant,
) -> Result<Vec<tokio::task::JoinHandle<Result<(), String>>>, String> {
	let workers = queues.len().max(1);
	let mut tasks = Vec::new();
	for mut queue in queues {
		let client = client(url)?;
		let counters = counters.clone();
		let rate = f64::from(pace.rate) / workers as f64;
		tasks.push(tokio::spawn(async move {
			let mut sent = 0u64;
			while began.elapsed() < pace.duration && !queue.is_empty() {
				let due = (began.elapsed().as_secs_f64() * rate) as u64;
				let waiting = counters
					.submitted
					.load(Ordering::Relaxed)
					.saturating_sub(counters.included.load(Ordering::Relaxed))
					.saturating_sub(counters.refused.load(Ordering::Relaxed));
				if sent >= due || waiting >= pace.in_flight {
					if sent < due {
						counters.held_back_ms.fetch_add(20, Ordering::Relaxed);
					}
					tokio::time::sleep(Duration::from_millis(20)).await;
					continue;
				}
				let take = (pace.batch as u64).min(due - sent) as usize;
				let chunk: Vec<String> = queue.drain(..take.min(queue.len())).collect();
				sent += chunk.len() as u64;
				counters.submitted.fetch_add(chunk.len() as u64, Ordering::Relaxed);
				let answers = submit(&client, method, &chunk).await?;
				for error in answers.into_iter().flatten() {
					counters.refused.fetch_add(1, Ordering::Relaxed);
					if let Ok(mut first) = counters.first_refusal.lock() {
						first.get_or_insert(error);
					}
				}
			}
			Ok(())
		}));
	}
	Ok(tasks)
}

impl Counters {
	/// Seconds each submitter waited, on average, because too many were in flight.
	pub fn held_back_seconds(&self, workers: usize) -> f64 {
		self.held_back_ms.load(Ordering::Relaxed) as f64 / 1e3 / workers.max(1) as f64
	}
}

/// Waits for the submitters; the first failure of any.
pub async fn join(tasks: Vec<tokio::task::JoinHandle<Result<(), String>>>) -> Result<(), String> {
	for task in tasks {
		task.await.map_err(|e| e.to_string())??;
	}
	Ok(())
}

/// Counts a load's blocks from `first`: while it is offered (`pace.duration` from `began`),
/// adding each block's transactions to `counters.included` so the submitters can pace
/// themselves; then stops `sampler` and waits for the submitters; then counts the blocks not
/// read yet. The window ends at the block that was best when the offering stopped (read then,
/// beside the counting, which may lag behind the chain), so blocks made after it do not
/// stretch the window. `best` reads the best block number, `count` one block's figures (and
/// anything else the load reads from a block).
#[allow(clippy::too_many_arguments)]
pub async fn count_blocks<X, B, BF, C, CF>(
	first: u64,
	began: Instant,
	pace: Pace,
	counters: &Counters,
	submitters: Vec<tokio::task::JoinHandle<Result<(), String>>>,
	sampler: crate::system::Sampler,
	best: B,
	mut count: C,
) -> Result<(Vec<(crate::report::BlockFigures, X)>, crate::system::Usage), String>
where
	B: Fn() -> BF,
	BF: std::future::Future<Output = Option<u64>>,
	C: FnMut(u64) -> CF,
	CF: std::future::Future<Output = Result<(crate::report::BlockFigures, X), String>>,
{
	let mut blocks = Vec::new();
	let mut next = first;
	let counting = async {
		while began.elapsed() < pace.duration {
			let best = best().await.unwrap_or(next.saturating_sub(1));
			while next <= best {
				let block = count(next).await?;
				counters.included.fetch_add(block.0.successful + block.0.failed, Ordering::Relaxed);
				blocks.push(block);
				next += 1;
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		Ok::<_, String>(())
	};
	let best_when_offering_stopped = async {
		tokio::time::sleep(pace.duration.saturating_sub(began.elapsed())).await;
		best().await
	};
	let (counted, last) = tokio::join!(counting, best_when_offering_stopped);
	counted?;
	let usage = sampler.finish().await;
	join(submitters).await?;
	let last = match last {
		Some(last) => last,
		None => best().await.unwrap_or(next.saturating_sub(1)),
	};
	blocks.retain(|(block, _)| block.number <= last);
	while next <= last {
		blocks.push(count(next).await?);
		next += 1;
	}
	Ok((blocks, usage))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::report::BlockFigures;

	/// A chain making a block every 50 ms, read by a counter taking 120 ms per block: the
	/// window still ends at the block that was best when the 500 ms offering stopped.
	#[tokio::test]
	async fn the_window_ends_at_the_best_block_when_offering_stops_even_if_counting_lags() {
		let began = Instant::now();
		let pace = Pace { rate: 1, batch: 1, in_flight: 1, duration: Duration::from_millis(500) };
		let chain_best = || async move { Some(began.elapsed().as_millis() as u64 / 50) };
		let (blocks, _) = count_blocks(
			1,
			began,
			pace,
			&Counters::default(),
			Vec::new(),
			crate::system::Sampler::start(Vec::new()),
			chain_best,
			|number| async move {
				tokio::time::sleep(Duration::from_millis(120)).await;
				let figures = BlockFigures {
					number,
					successful: 1,
					failed: 0,
					timestamp_ms: 0,
					build_ms: None,
				};
				Ok::<_, String>((figures, ()))
			},
		)
		.await
		.unwrap_or_else(|e| panic!("{e}"));
		let numbers: Vec<u64> = blocks.iter().map(|(b, _)| b.number).collect();
		let last = *numbers.last().unwrap_or(&0);
		// Best at 500 ms is block 10; counting ended well after block 20 existed.
		assert!((10..=11).contains(&last), "window ended at block {last}: {numbers:?}");
		assert_eq!(numbers, (1..=last).collect::<Vec<_>>(), "every block once, in order");
	}
}
