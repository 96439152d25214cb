//! Following a root chain's `StakeManager` logs: only blocks at least `confirmations` deep
//! are read, so reorganisations shallower than that are never seen; progress is kept in a
//! cursor file so a restarted node neither misses nor (thanks to the sidechain's replay
//! guard) re-applies an event.

use crate::{
	abi::{decode_staking_log, staking_topics},
	client::RootChainClient,
	error::Error,
};
use bttc_primitives::{staking::StakingEvent, RootChainId};
use sp_core::{H160, H256};
use std::path::PathBuf;

/// Most blocks asked for in one `eth_getLogs` (public endpoints cap the range).
pub const MAX_BLOCK_RANGE: u64 = 2_000;

/// A confirmed root-chain event, ready to be reported for attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedEvent {
	/// Root chain.
	pub chain: RootChainId,
	/// Transaction that emitted it.
	pub tx_hash: H256,
	/// Index of the log in its block.
	pub log_index: u64,
	/// Block containing it.
	pub block_number: u64,
	/// The decoded event.
	pub event: StakingEvent,
}

/// Where the follower keeps the next block to read.
pub struct CursorFile {
	path: PathBuf,
}

impl CursorFile {
	/// A cursor stored at `path` (its directory is created on first write).
	pub fn new(path: PathBuf) -> Self {
		Self { path }
	}

	fn error(&self, reason: impl std::fmt::Display) -> Error {
		Error::Cursor { path: self.path.display().to_string(), reason: reason.to_string() }
	}

	/// The stored next block, `None` if nothing was stored yet.
	pub fn load(&self) -> Result<Option<u64>, Error> {
		match std::fs::read_to_string(&self.path) {
			Ok(text) => {
				let value: serde_json::Value =
					serde_json::from_str(&text).map_err(|e| self.error(e))?;
				value["nextBlock"]
					.as_u64()
					.map(Some)
					.ok_or_else(|| self.error("no `nextBlock` number"))
			}
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(self.error(e)),
		}
	}

	/// Stores `next_block` atomically (write a temporary file, then rename it).
	pub fn store(&self, next_block: u64) -> Result<(), Error> {
		if let Some(dir) = self.path.parent() {
			std::fs::create_dir_all(dir).map_err(|e| self.error(e))?;
		}
		let tmp = self.path.with_extension("tmp");
		let text = serde_json::json!({ "nextBlock": next_block }).to_string();
		std::fs::write(&tmp, text).map_err(|e| self.error(e))?;
		std::fs::rename(&tmp, &self.path).map_err(|e| self.error(e))
	}
}

/// Follows one root chain's staking events.
pub struct Follower {
	chain: RootChainId,
	client: RootChainClient,
	stake_manager: H160,
	confirmations: u64,
	cursor: CursorFile,
	next_block: u64,
}

impl Follower {
	/// Starts at the stored cursor moved back by `rewind` blocks (to re-report what may have
	/// been lost with the transaction pool of a stopped node; the sidechain refuses
	/// duplicates), or at `start_block` on first start.
	pub fn new(
		chain: RootChainId,
		client: RootChainClient,
		stake_manager: H160,
		confirmations: u64,
		cursor: CursorFile,
		start_block: u64,
		rewind: u64,
	) -> Result<Self, Error> {
		let next_block = match cursor.load()? {
			Some(stored) => stored.saturating_sub(rewind).max(start_block),
			None => start_block,
		};
		Ok(Self { chain, client, stake_manager, confirmations, cursor, next_block })
	}

	/// Next root-chain block to read.
	pub fn next_block(&self) -> u64 {
		self.next_block
	}

	/// The root chain this follows.
	pub fn chain(&self) -> RootChainId {
		self.chain
	}

	/// Reads the confirmed blocks not read yet (at most [`MAX_BLOCK_RANGE`]) and returns
	/// their staking events in chain order; advances and stores the cursor. Logs that do not
	/// decode are reported through `on_malformed` and skipped.
	pub async fn poll(
		&mut self,
		mut on_malformed: impl FnMut(Error),
	) -> Result<Vec<ObservedEvent>, Error> {
		let head = self.client.block_number().await?;
		let Some(confirmed) = head.checked_sub(self.confirmations) else { return Ok(Vec::new()) };
		if self.next_block > confirmed {
			return Ok(Vec::new());
		}
		let to = confirmed.min(self.next_block.saturating_add(MAX_BLOCK_RANGE - 1));
		let logs =
			self.client.logs(self.next_block, to, self.stake_manager, &staking_topics()).await?;
		let mut events = Vec::new();
		for log in logs.into_iter().filter(|l| !l.removed) {
			match decode_staking_log(&log.log) {
				Ok(Some(event)) => events.push(ObservedEvent {
					chain: self.chain,
					tx_hash: log.log.tx_hash,
					log_index: log.log_index,
					block_number: log.block_number,
					event,
				}),
				Ok(None) => {}
				Err(e) => on_malformed(e),
			}
		}
		events.sort_by_key(|e| (e.block_number, e.log_index));
		self.next_block = to.saturating_add(1);
		self.cursor.store(self.next_block)?;
		Ok(events)
	}
}
