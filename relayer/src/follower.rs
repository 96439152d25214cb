//! Following a root chain's contracts (`StakeManager` on the stake chain, `RootChain` on every
//! root chain): only blocks at least `confirmations` deep are read, so reorganisations
//! shallower than that are never seen. With several endpoints, a range is accepted only when
//! every endpoint returns the same logs for it. Logs of any other contract are refused.
//!
//! Reading is two steps, so nothing observed is lost: [`Follower::poll`] returns the events
//! of the next confirmed range without moving; the caller keeps them durably (the validator
//! duties' journal), then calls [`Follower::commit`], which stores the cursor (fsync) and
//! moves on. A crash in between re-reads the range; the journal and the sidechain's replay
//! guard drop the duplicates.

use crate::{
	client::{RootChainClient, RootLog},
	contracts::{decode_log, topics, ContractKind},
	error::Error,
};
use bttc_primitives::{attestation::AttestedEvent, RootChainId};
use sp_core::{H160, H256};
use std::{io::Write, path::PathBuf};

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
	pub event: AttestedEvent,
}

/// The events of one confirmed range, not yet committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
	/// Its events, in chain order.
	pub events: Vec<ObservedEvent>,
	/// The block after the range: pass it to [`Follower::commit`] once the events are kept.
	pub next_block: u64,
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

	/// Stores `next_block` durably: writes a temporary file, syncs it, renames it over the
	/// cursor and syncs the directory.
	pub fn store(&self, next_block: u64) -> Result<(), Error> {
		let text = serde_json::json!({ "nextBlock": next_block }).to_string();
		write_durably(&self.path, text.as_bytes()).map_err(|e| self.error(e))
	}
}

/// Replaces the file at `path` with `bytes` so that a crash leaves either the old or the new
/// content, and the new content survives a power cut once this returns.
pub fn write_durably(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
	let dir = path.parent().unwrap_or_else(|| std::path::Path::new("."));
	std::fs::create_dir_all(dir)?;
	let tmp = path.with_extension("tmp");
	{
		let mut file = std::fs::File::create(&tmp)?;
		file.write_all(bytes)?;
		file.sync_all()?;
	}
	std::fs::rename(&tmp, path)?;
	std::fs::File::open(dir)?.sync_all()
}

/// Follows one root chain's contracts.
pub struct Follower {
	chain: RootChainId,
	endpoints: Vec<RootChainClient>,
	contracts: Vec<(H160, ContractKind)>,
	confirmations: u64,
	cursor: CursorFile,
	next_block: u64,
}

impl Follower {
	/// Starts at the stored cursor, or at `start_block` on first start. `endpoints` (at least
	/// one) must agree on every range read; `contracts` (at least one) are the contracts whose
	/// events are read.
	pub fn new(
		chain: RootChainId,
		endpoints: Vec<RootChainClient>,
		contracts: Vec<(H160, ContractKind)>,
		confirmations: u64,
		cursor: CursorFile,
		start_block: u64,
	) -> Result<Self, Error> {
		let fail =
			|reason: &str| Error::Config { path: format!("{chain:?}"), reason: reason.into() };
		if endpoints.is_empty() {
			return Err(fail("no RPC endpoint: give rpcUrl or rpcUrls"));
		}
		if contracts.is_empty() {
			return Err(fail("no contract to follow: give stakeManager and/or rootChain"));
		}
		let next_block = cursor.load()?.unwrap_or(start_block).max(start_block);
		Ok(Self { chain, endpoints, contracts, confirmations, cursor, next_block })
	}

	/// Next root-chain block to read.
	pub fn next_block(&self) -> u64 {
		self.next_block
	}

	/// The root chain this follows.
	pub fn chain(&self) -> RootChainId {
		self.chain
	}

	/// The URLs of the endpoints.
	pub fn urls(&self) -> Vec<&str> {
		self.endpoints.iter().map(|e| e.url()).collect()
	}

	/// Reads the confirmed blocks not read yet (at most [`MAX_BLOCK_RANGE`]) and returns their
	/// events in chain order, without moving: call [`Self::commit`] with
	/// `next_block` once they are kept. Logs that do not decode, or that another contract
	/// emitted, are reported through `on_malformed` and skipped. `None` when no new block is
	/// confirmed.
	pub async fn poll(&self, mut on_malformed: impl FnMut(Error)) -> Result<Option<Batch>, Error> {
		// The lowest head of all endpoints: a range is read only once every endpoint has it.
		let mut head = u64::MAX;
		for endpoint in &self.endpoints {
			head = head.min(endpoint.block_number().await?);
		}
		let Some(confirmed) = head.checked_sub(self.confirmations) else { return Ok(None) };
		if self.next_block > confirmed {
			return Ok(None);
		}
		let to = confirmed.min(self.next_block.saturating_add(MAX_BLOCK_RANGE - 1));
		let logs = self.agreed_logs(self.next_block, to).await?;
		let mut events = Vec::new();
		for log in logs.into_iter().filter(|l| !l.removed) {
			let Some(kind) = self.kind_of(&log.address) else {
				on_malformed(Error::ForeignLog {
					address: format!("{:?}", log.address),
					expected: format!(
						"{:?}",
						self.contracts.iter().map(|(a, _)| *a).collect::<Vec<_>>()
					),
					tx_hash: format!("{:?}", log.log.tx_hash),
				});
				continue;
			};
			match decode_log(kind, &log.log) {
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
		Ok(Some(Batch { events, next_block: to.saturating_add(1) }))
	}

	fn kind_of(&self, address: &H160) -> Option<ContractKind> {
		self.contracts.iter().find(|(a, _)| a == address).map(|(_, kind)| *kind)
	}

	/// The logs of `from..=to`, identical on every endpoint.
	async fn agreed_logs(&self, from: u64, to: u64) -> Result<Vec<RootLog>, Error> {
		let addresses: Vec<H160> = self.contracts.iter().map(|(a, _)| *a).collect();
		let mut wanted: Vec<H256> =
			self.contracts.iter().flat_map(|(_, kind)| topics(*kind)).collect();
		wanted.sort();
		wanted.dedup();
		let mut agreed: Option<(Vec<RootLog>, &str)> = None;
		for endpoint in &self.endpoints {
			let mut logs = endpoint.logs(from, to, &addresses, &wanted).await?;
			logs.sort_by_key(|l| (l.block_number, l.log_index));
			if let Some((first, first_url)) = &agreed {
				if *first != logs {
					return Err(Error::EndpointsDisagree {
						chain: format!("{:?}", self.chain),
						from,
						to,
						first: format!("{first_url}: {} logs", first.len()),
						other: format!("{}: {} logs", endpoint.url(), logs.len()),
					});
				}
			} else {
				agreed = Some((logs, endpoint.url()));
			}
		}
		Ok(agreed.map(|(logs, _)| logs).unwrap_or_default())
	}

	/// Stores `next_block` (from the last [`Batch`]) durably and moves there. Call it only
	/// after the batch's events are kept.
	pub fn commit(&mut self, next_block: u64) -> Result<(), Error> {
		self.cursor.store(next_block)?;
		self.next_block = next_block;
		Ok(())
	}
}
