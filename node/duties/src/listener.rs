//! The root-chain listener of one chain: confirmed `StakeManager` events into the journal,
//! then the cursor. It never returns: a root chain that cannot be reached, a follower that
//! cannot start, or a journal that cannot be written is logged and retried with backoff.

use crate::{
	journal::{Journal, JournalReport},
	LOG_TARGET,
};
use bttc_primitives::attestation::Report;
use bttc_relayer::{
	client::RootChainClient,
	config::ChainConfig,
	follower::{CursorFile, Follower, ObservedEvent},
};
use std::{
	path::PathBuf,
	sync::{Arc, Mutex},
	time::Duration,
};

/// How often the listener asks the root chain for new blocks.
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// Longest wait between two attempts after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The report of an observed event.
pub fn report_of(observed: ObservedEvent) -> JournalReport {
	Report {
		chain: observed.chain,
		tx_hash: observed.tx_hash,
		log_index: observed.log_index,
		block_number: observed.block_number,
		event: observed.event,
	}
}

fn follower(
	chain: &ChainConfig,
	cursor: &std::path::Path,
) -> Result<Follower, bttc_relayer::Error> {
	let endpoints = chain
		.rpc_urls
		.iter()
		.map(|url| RootChainClient::new(url, chain.transport))
		.collect::<Result<Vec<_>, _>>()?;
	Follower::new(
		chain.chain,
		endpoints,
		chain.contracts(),
		chain.confirmations,
		CursorFile::new(cursor.to_path_buf()),
		chain.start_block,
	)
}

/// Doubles a wait up to [`MAX_BACKOFF`].
fn next_backoff(current: Duration) -> Duration {
	current.saturating_mul(2).min(MAX_BACKOFF)
}

/// Follows `chain` forever, adding what it observes to `journal`.
pub async fn run(chain: ChainConfig, cursor: PathBuf, journal: Arc<Mutex<Journal>>) {
	let name = format!("{:?}", chain.chain);
	let mut backoff = POLL_INTERVAL;
	let mut follower = loop {
		match follower(&chain, &cursor) {
			Ok(follower) => break follower,
			Err(e) => {
				log::warn!(target: LOG_TARGET, "{name} listener cannot start: {e}; retrying in {backoff:?}");
				tokio::time::sleep(backoff).await;
				backoff = next_backoff(backoff);
			}
		}
	};
	log::info!(
		target: LOG_TARGET,
		"👂 Following {name} contracts {:?} at {} from block {} ({} confirmations){}",
		chain.contracts().iter().map(|(address, kind)| format!("{kind:?} {address:?}")).collect::<Vec<_>>(),
		chain.rpc_urls.join(", "),
		follower.next_block(),
		chain.confirmations,
		chain.emulation.as_ref().map(|e| format!(" — EMULATION: {e}")).unwrap_or_default(),
	);
	let mut backoff = POLL_INTERVAL;
	let mut failing = false;
	loop {
		let polled = follower
			.poll(|e| log::warn!(target: LOG_TARGET, "{name}: skipping a root-chain log: {e}"))
			.await;
		let batch = match polled {
			Ok(Some(batch)) => batch,
			Ok(None) => {
				tokio::time::sleep(POLL_INTERVAL).await;
				continue;
			}
			Err(e) => {
				// The first failure of a streak is a warning; a root chain may be down for
				// hours, so the rest are debug.
				if failing {
					log::debug!(target: LOG_TARGET, "{name} listener: {e}; retrying in {backoff:?}");
				} else {
					log::warn!(target: LOG_TARGET, "{name} listener: {e}; retrying in {backoff:?}");
					failing = true;
				}
				tokio::time::sleep(backoff).await;
				backoff = next_backoff(backoff);
				continue;
			}
		};
		if failing {
			log::info!(target: LOG_TARGET, "{name} reachable again");
			failing = false;
			backoff = POLL_INTERVAL;
		}
		let observed: Vec<String> = batch
			.events
			.iter()
			.map(|e| {
				format!(
					"{} (tx {:?}, log {}, block {})",
					e.event.describe(),
					e.tx_hash,
					e.log_index,
					e.block_number
				)
			})
			.collect();
		let reports: Vec<JournalReport> = batch.events.into_iter().map(report_of).collect();
		// Kept first, then the cursor: a crash in between reads the range again.
		// A panic elsewhere while holding the lock leaves the journal itself intact.
		let kept = journal.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).add(reports);
		if let Err(e) = kept {
			log::error!(target: LOG_TARGET, "{name}: cannot keep observed events ({e}); staying at block {}", follower.next_block());
			tokio::time::sleep(backoff).await;
			backoff = next_backoff(backoff);
			continue;
		}
		for line in &observed {
			log::info!(target: LOG_TARGET, "👀 Observed {name} {line}");
		}
		if let Err(e) = follower.commit(batch.next_block) {
			log::warn!(target: LOG_TARGET, "{name}: cannot store the cursor ({e}); the range will be read again");
		}
	}
}
