//! Polling filters, served by the front: `eth_newFilter`, `eth_newBlockFilter`,
//! `eth_newPendingTransactionFilter`, `eth_getFilterChanges`, `eth_getFilterLogs` and
//! `eth_uninstallFilter`, as geth serves them.
//! Libraries that watch events over HTTP (ethers' `contract.on`, web3.js, indexers) poll these.
//!
//! A filter remembers the next block it has not reported; each poll reads the backend's best
//! block and reports blocks (their hashes) or logs (`eth_getLogs` over that range with the
//! filter's address and topics) from there, at most [`MAX_BLOCKS_PER_POLL`] blocks at a time
//! so that a rarely polled filter catches up over several polls instead of losing anything.
//!
//! Bounds: a filter belongs to the client address that installed it (another address is told
//! it does not exist), one address holds at most [`MAX_FILTERS_PER_CLIENT`], and a filter not
//! polled for [`FILTER_EXPIRES_AFTER`] is removed, as geth does after five minutes.

use serde_json::{json, Value};
use std::{
	collections::HashMap,
	hash::{BuildHasher, Hasher},
	net::IpAddr,
	sync::Mutex,
	time::{Duration, Instant},
};

/// Filters one client address may hold at once.
pub const MAX_FILTERS_PER_CLIENT: usize = 32;
/// A filter not polled for this long is removed.
pub const FILTER_EXPIRES_AFTER: Duration = Duration::from_secs(300);
/// Most blocks one poll reports.
pub const MAX_BLOCKS_PER_POLL: u64 = 256;

/// What a filter reports.
#[derive(Clone, Debug)]
pub enum Kind {
	/// Hashes of new blocks.
	Blocks,
	/// Logs matching the filter object given to `eth_newFilter`.
	Logs(Value),
	/// Hashes of transactions that entered the pool ([`crate::pending`]); the filter's
	/// cursor counts the feed's sequence numbers instead of blocks.
	PendingTransactions,
}

#[derive(Clone, Debug)]
struct Installed {
	client: IpAddr,
	kind: Kind,
	/// The first block not reported yet.
	next_block: u64,
	last_poll: Instant,
}

/// A filter call's failure, answered as a JSON-RPC error.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
	#[error("filter not found")]
	NotFound,
	#[error("too many filters from your address ({MAX_FILTERS_PER_CLIENT}): uninstall some with eth_uninstallFilter, or stop polling them and they expire after 5 minutes")]
	TooMany,
	#[error("invalid params: {0}")]
	InvalidParams(String),
	#[error("{0}")]
	Backend(String),
}

impl FilterError {
	/// JSON-RPC error code, as geth answers.
	pub fn code(&self) -> i64 {
		match self {
			Self::InvalidParams(_) => -32602,
			Self::Backend(_) => -32603,
			Self::NotFound | Self::TooMany => -32000,
		}
	}
}

/// The range a poll covers: `from..=to`, or nothing.
#[derive(Debug, PartialEq, Eq)]
pub struct Range {
	pub from: u64,
	pub to: u64,
}

/// Every installed filter.
#[derive(Default)]
pub struct Filters {
	installed: Mutex<HashMap<String, Installed>>,
	/// Keys the ids: ids are not guessable, and never repeat within a process.
	ids: std::collections::hash_map::RandomState,
	counter: std::sync::atomic::AtomicU64,
}

/// A block number from a filter's `fromBlock`/`toBlock`; `None` for tags and absent fields.
fn block_number(value: Option<&Value>) -> Option<u64> {
	u64::from_str_radix(value?.as_str()?.strip_prefix("0x")?, 16).ok()
}

impl Filters {
	fn new_id(&self) -> String {
		let count = self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
		let mut hasher = self.ids.build_hasher();
		hasher.write_u64(count);
		format!("0x{:016x}{count:x}", hasher.finish())
	}

	fn sweep(installed: &mut HashMap<String, Installed>) {
		installed.retain(|_, filter| filter.last_poll.elapsed() < FILTER_EXPIRES_AFTER);
	}

	/// Installs a filter for `client` reporting from block `best + 1`; its id.
	pub fn install(&self, client: IpAddr, kind: Kind, best: u64) -> Result<String, FilterError> {
		if let Kind::Logs(filter) = &kind {
			if !filter.is_object() {
				return Err(FilterError::InvalidParams(
					"eth_newFilter takes one filter object".into(),
				));
			}
			if filter.get("blockHash").is_some_and(|hash| !hash.is_null()) {
				return Err(FilterError::InvalidParams(
					"eth_newFilter does not take blockHash: use eth_getLogs for one block".into(),
				));
			}
		}
		let mut installed = self.installed.lock().map_err(|_| FilterError::NotFound)?;
		Self::sweep(&mut installed);
		if installed.values().filter(|filter| filter.client == client).count()
			>= MAX_FILTERS_PER_CLIENT
		{
			return Err(FilterError::TooMany);
		}
		let id = self.new_id();
		installed.insert(
			id.clone(),
			Installed { client, kind, next_block: best + 1, last_poll: Instant::now() },
		);
		Ok(id)
	}

	/// Whether any pending-transaction filter is installed (the node's pool is read only then).
	pub fn has_pending(&self) -> bool {
		self.installed.lock().is_ok_and(|installed| {
			installed.values().any(|filter| {
				matches!(filter.kind, Kind::PendingTransactions)
					&& filter.last_poll.elapsed() < FILTER_EXPIRES_AFTER
			})
		})
	}

	/// Removes `client`'s filter `id`; whether it existed.
	pub fn uninstall(&self, client: IpAddr, id: &str) -> bool {
		let Ok(mut installed) = self.installed.lock() else { return false };
		Self::sweep(&mut installed);
		match installed.get(id) {
			Some(filter) if filter.client == client => installed.remove(id).is_some(),
			_ => false,
		}
	}

	/// The kind of `client`'s filter `id`, marking it polled.
	pub fn kind(&self, client: IpAddr, id: &str) -> Result<Kind, FilterError> {
		let mut installed = self.installed.lock().map_err(|_| FilterError::NotFound)?;
		Self::sweep(&mut installed);
		match installed.get_mut(id) {
			Some(filter) if filter.client == client => {
				filter.last_poll = Instant::now();
				Ok(filter.kind.clone())
			}
			_ => Err(FilterError::NotFound),
		}
	}

	/// The blocks a poll of `client`'s filter `id` reports when the best block is `best`, and
	/// the filter's kind. `None` range: nothing new. The filter moves past them only when
	/// [`Self::reported`] says they were answered, so a failed backend query loses nothing.
	pub fn poll(
		&self,
		client: IpAddr,
		id: &str,
		best: u64,
	) -> Result<(Kind, Option<Range>), FilterError> {
		let mut installed = self.installed.lock().map_err(|_| FilterError::NotFound)?;
		Self::sweep(&mut installed);
		let filter = match installed.get_mut(id) {
			Some(filter) if filter.client == client => filter,
			_ => return Err(FilterError::NotFound),
		};
		filter.last_poll = Instant::now();
		let (mut from, mut to) = (filter.next_block, best);
		if let Kind::Logs(object) = &filter.kind {
			if let Some(first) = block_number(object.get("fromBlock")) {
				from = from.max(first);
			}
			if let Some(last) = block_number(object.get("toBlock")) {
				to = to.min(last);
			}
		}
		if from > to {
			return Ok((filter.kind.clone(), None));
		}
		let to = to.min(from + MAX_BLOCKS_PER_POLL - 1);
		Ok((filter.kind.clone(), Some(Range { from, to })))
	}

	/// Records that `client`'s filter `id` reported every block up to `to`.
	pub fn reported(&self, client: IpAddr, id: &str, to: u64) {
		let Ok(mut installed) = self.installed.lock() else { return };
		if let Some(filter) = installed.get_mut(id).filter(|filter| filter.client == client) {
			filter.next_block = filter.next_block.max(to + 1);
		}
	}
}

/// The `eth_getLogs` filter object for a log filter's poll over `range`.
pub fn logs_query(filter: &Value, range: &Range) -> Value {
	let mut query = json!({
		"fromBlock": format!("0x{:x}", range.from),
		"toBlock": format!("0x{:x}", range.to),
	});
	for field in ["address", "topics"] {
		if let Some(value) = filter.get(field).filter(|value| !value.is_null()) {
			query[field] = value.clone();
		}
	}
	query
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
	const MALLORY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

	/// A poll whose blocks were answered: the filter moves past them.
	fn answered(filters: &Filters, id: &str, best: u64) -> Option<Range> {
		let (_, range) = filters.poll(ALICE, id, best).unwrap();
		if let Some(range) = &range {
			filters.reported(ALICE, id, range.to);
		}
		range
	}

	#[test]
	fn a_block_filter_reports_each_block_once_in_bounded_steps() {
		let filters = Filters::default();
		let id = filters.install(ALICE, Kind::Blocks, 10).unwrap();
		assert_eq!(answered(&filters, &id, 10), None, "nothing new yet");
		// A poll whose backend query failed is reported again.
		assert_eq!(filters.poll(ALICE, &id, 12).unwrap().1, Some(Range { from: 11, to: 12 }));
		assert_eq!(answered(&filters, &id, 12), Some(Range { from: 11, to: 12 }));
		assert_eq!(answered(&filters, &id, 12), None);
		// A filter polled rarely catches up over several polls.
		let far = 12 + MAX_BLOCKS_PER_POLL + 5;
		let step = answered(&filters, &id, far).unwrap();
		assert_eq!(step, Range { from: 13, to: 12 + MAX_BLOCKS_PER_POLL });
		assert_eq!(answered(&filters, &id, far).unwrap().to, far);
	}

	#[test]
	fn a_log_filter_keeps_within_its_own_block_range() {
		let filters = Filters::default();
		let object = json!({"fromBlock": "0x14", "toBlock": "0x16", "address": "0xab"});
		let id = filters.install(ALICE, Kind::Logs(object.clone()), 10).unwrap();
		assert_eq!(answered(&filters, &id, 15), None, "before its fromBlock");
		let range = answered(&filters, &id, 30).unwrap();
		assert_eq!(range, Range { from: 20, to: 22 });
		let query = logs_query(&object, &range);
		assert_eq!(query, json!({"fromBlock": "0x14", "toBlock": "0x16", "address": "0xab"}));
		assert_eq!(answered(&filters, &id, 40), None, "past its toBlock");
		assert!(matches!(
			filters.install(ALICE, Kind::Logs(json!({"blockHash": "0x01"})), 1),
			Err(FilterError::InvalidParams(_))
		));
	}

	#[test]
	fn filters_belong_to_their_client_and_are_bounded_per_client() {
		let filters = Filters::default();
		let id = filters.install(ALICE, Kind::Blocks, 1).unwrap();
		assert_eq!(filters.poll(MALLORY, &id, 5).unwrap_err(), FilterError::NotFound);
		assert!(!filters.uninstall(MALLORY, &id), "another address cannot remove it");
		for _ in 1..MAX_FILTERS_PER_CLIENT {
			filters.install(ALICE, Kind::Blocks, 1).unwrap();
		}
		assert_eq!(filters.install(ALICE, Kind::Blocks, 1).unwrap_err(), FilterError::TooMany);
		// Another client is not affected by Alice's filters.
		let theirs = filters.install(MALLORY, Kind::Blocks, 1).unwrap();
		assert_ne!(theirs, id);
		assert!(filters.uninstall(ALICE, &id));
		assert!(!filters.uninstall(ALICE, &id), "only once");
		assert!(filters.install(ALICE, Kind::Blocks, 1).is_ok(), "room again");
	}

	#[test]
	fn a_filter_not_polled_for_five_minutes_expires() {
		let filters = Filters::default();
		let id = filters.install(ALICE, Kind::Blocks, 1).unwrap();
		if let Some(filter) = filters.installed.lock().unwrap().get_mut(&id) {
			filter.last_poll = Instant::now() - FILTER_EXPIRES_AFTER - Duration::from_secs(1);
		}
		assert_eq!(filters.poll(ALICE, &id, 5).unwrap_err(), FilterError::NotFound);
	}
}
