//! The journal: every root-chain event this node observed and that is not applied on the
//! sidechain yet, kept on disk. An event enters the journal before the listener's cursor
//! moves past it, and leaves only when the sidechain applied its key (at a finalized block),
//! so a restart, a crash, an expired vote or a full pool never loses it.
//!
//! File format (JSON, rewritten atomically and synced on every change):
//! `{"version": 1, "reports": ["0x<SCALE of Report<AttestedEvent>>", …]}`.

use crate::error::Error;
use bttc_primitives::attestation::{AttestedEvent, EventKey, Report};
use bttc_relayer::follower::write_durably;
use codec::{Decode, Encode};
use std::{
	collections::BTreeMap,
	path::{Path, PathBuf},
};

/// Format version of the journal file.
const VERSION: u64 = 1;

/// A report as the journal keeps it.
pub type JournalReport = Report<AttestedEvent>;

/// Observed events not applied yet, by key, persisted at `path`.
pub struct Journal {
	path: PathBuf,
	reports: BTreeMap<EventKey, JournalReport>,
}

impl Journal {
	/// Opens the journal at `path`, empty if the file does not exist.
	pub fn open(path: PathBuf) -> Result<Self, Error> {
		let reports = match std::fs::read_to_string(&path) {
			Ok(text) => parse(&text)
				.map_err(|reason| Error::Journal { path: path.display().to_string(), reason })?,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
			Err(e) => {
				return Err(Error::Journal {
					path: path.display().to_string(),
					reason: e.to_string(),
				})
			}
		};
		Ok(Self { path, reports })
	}

	/// Where the journal is kept.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// Adds the reports not in the journal yet and persists; returns how many were new.
	pub fn add(
		&mut self,
		reports: impl IntoIterator<Item = JournalReport>,
	) -> Result<usize, Error> {
		let mut added = 0;
		for report in reports {
			if let std::collections::btree_map::Entry::Vacant(slot) =
				self.reports.entry(report.key())
			{
				slot.insert(report);
				added += 1;
			}
		}
		if added > 0 {
			self.persist()?;
		}
		Ok(added)
	}

	/// Removes `keys` (applied on chain) and persists; returns how many were removed.
	pub fn remove(&mut self, keys: &[EventKey]) -> Result<usize, Error> {
		let removed = keys.iter().filter(|key| self.reports.remove(key).is_some()).count();
		if removed > 0 {
			self.persist()?;
		}
		Ok(removed)
	}

	/// The reports, in key order.
	pub fn reports(&self) -> impl Iterator<Item = &JournalReport> {
		self.reports.values()
	}

	/// Number of reports kept.
	pub fn len(&self) -> usize {
		self.reports.len()
	}

	/// Whether the journal is empty.
	pub fn is_empty(&self) -> bool {
		self.reports.is_empty()
	}

	fn persist(&self) -> Result<(), Error> {
		let reports: Vec<String> = self
			.reports
			.values()
			.map(|r| format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&r.encode())))
			.collect();
		let text = serde_json::json!({ "version": VERSION, "reports": reports }).to_string();
		write_durably(&self.path, text.as_bytes()).map_err(|e| Error::Journal {
			path: self.path.display().to_string(),
			reason: e.to_string(),
		})
	}
}

fn parse(text: &str) -> Result<BTreeMap<EventKey, JournalReport>, String> {
	let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
	match value["version"].as_u64() {
		Some(VERSION) => {}
		other => return Err(format!("unknown journal version {other:?} (expected {VERSION})")),
	}
	let entries = value["reports"].as_array().ok_or("no `reports` array")?;
	let mut reports = BTreeMap::new();
	for (i, entry) in entries.iter().enumerate() {
		let hex = entry.as_str().ok_or_else(|| format!("report {i} is not a string"))?;
		let bytes = sp_core::bytes::from_hex(hex).map_err(|e| format!("report {i}: {e:?}"))?;
		let report = JournalReport::decode(&mut &bytes[..])
			.map_err(|e| format!("report {i} does not decode: {e}"))?;
		reports.insert(report.key(), report);
	}
	Ok(reports)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;
	use bttc_primitives::{staking::StakingEvent, RootChainId};
	use sp_core::H256;

	fn report(tx: u8) -> JournalReport {
		Report {
			chain: RootChainId::Tron,
			tx_hash: H256::repeat_byte(tx),
			log_index: 0,
			block_number: 7,
			event: AttestedEvent::Staking(StakingEvent::Unstaked { validator_id: 1, nonce: 2 }),
		}
	}

	fn temp(name: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("bttc-journal-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		dir.join("journal.json")
	}

	#[test]
	fn what_is_added_survives_a_reopen_until_removed() {
		let path = temp("reopen");
		let mut journal = Journal::open(path.clone()).unwrap();
		assert_eq!(journal.add([report(1), report(2), report(1)]).unwrap(), 2);
		assert_eq!(journal.add([report(2)]).unwrap(), 0);
		let reopened = Journal::open(path.clone()).unwrap();
		assert_eq!(reopened.reports().cloned().collect::<Vec<_>>(), vec![report(1), report(2)]);
		let mut journal = reopened;
		assert_eq!(journal.remove(&[report(1).key(), report(9).key()]).unwrap(), 1);
		let reopened = Journal::open(path.clone()).unwrap();
		assert_eq!(reopened.reports().cloned().collect::<Vec<_>>(), vec![report(2)]);
		let _ = std::fs::remove_dir_all(path.parent().unwrap());
	}

	#[test]
	fn a_damaged_journal_is_an_error_naming_the_file() {
		let path = temp("damaged");
		std::fs::create_dir_all(path.parent().unwrap()).unwrap();
		for text in
			["not json", r#"{"version":9,"reports":[]}"#, r#"{"version":1,"reports":["0x00"]}"#]
		{
			std::fs::write(&path, text).unwrap();
			let err = Journal::open(path.clone()).err().unwrap().to_string();
			assert!(err.contains("journal.json"), "{err}");
		}
		let _ = std::fs::remove_dir_all(path.parent().unwrap());
	}
}
