//! Hashes of transactions that entered the pool, for `eth_newPendingTransactionFilter`.
//!
//! Two sources feed it: every transaction this front hands to the node (so a client that
//! sends through this eth-rpc always sees its own), and, while a pending-transaction filter
//! is installed, the node's pool read every [`POOL_READ_INTERVAL`] (`author_pendingExtrinsics`,
//! its `Revive::eth_transact` calls), which adds transactions sent through other nodes. A
//! transaction that enters and leaves the pool between two reads of a busy node may be
//! missed, as geth's pending filters miss what its pool dropped. Each hash gets a sequence
//! number once; filters keep a cursor into the sequence.

use codec::Decode;
use sp_core::H256;
use sp_crypto_hashing::keccak_256;
use std::{
	collections::{HashSet, VecDeque},
	sync::Mutex,
	time::Duration,
};

/// Hashes kept for filters to read; older ones are forgotten.
pub const FEED_CAPACITY: usize = 16_384;
/// How often the node's pool is read while a pending filter is installed.
pub const POOL_READ_INTERVAL: Duration = Duration::from_millis(500);

#[derive(Default)]
struct Inner {
	/// `(sequence number, hash)`, oldest first.
	recent: VecDeque<(u64, H256)>,
	known: HashSet<H256>,
	/// The sequence number of the newest hash (0: none yet).
	head: u64,
}

/// The feed of pending transaction hashes.
#[derive(Default)]
pub struct PendingFeed {
	inner: Mutex<Inner>,
}

impl PendingFeed {
	/// Records `hashes` not seen before, in order.
	pub fn record(&self, hashes: impl IntoIterator<Item = H256>) {
		let Ok(mut inner) = self.inner.lock() else { return };
		for hash in hashes {
			if !inner.known.insert(hash) {
				continue;
			}
			inner.head += 1;
			let seq = inner.head;
			inner.recent.push_back((seq, hash));
			if inner.recent.len() > FEED_CAPACITY {
				if let Some((_, old)) = inner.recent.pop_front() {
					inner.known.remove(&old);
				}
			}
		}
	}

	/// The sequence number of the newest hash.
	pub fn head(&self) -> u64 {
		self.inner.lock().map(|inner| inner.head).unwrap_or_default()
	}

	/// The hashes numbered `from..=to` that are still kept, in order.
	pub fn range(&self, from: u64, to: u64) -> Vec<H256> {
		let Ok(inner) = self.inner.lock() else { return Vec::new() };
		inner
			.recent
			.iter()
			.filter(|(seq, _)| (from..=to).contains(seq))
			.map(|(_, hash)| *hash)
			.collect()
	}
}

/// The Ethereum transaction hash of an extrinsic of the pool (SCALE, length-prefixed, as
/// `author_pendingExtrinsics` gives it) when it is a bare `Revive::eth_transact` with call
/// indices `eth_transact`; `None` for any other extrinsic.
pub fn eth_transaction_hash(extrinsic: &[u8], eth_transact: [u8; 2]) -> Option<H256> {
	let body = Vec::<u8>::decode(&mut &extrinsic[..]).ok()?;
	// A bare (unsigned, general-free) extrinsic: version 4 or 5 with the signed bit clear.
	let (&version, rest) = body.split_first()?;
	if !matches!(version, 4 | 5) || rest.get(..2)? != eth_transact {
		return None;
	}
	let payload = Vec::<u8>::decode(&mut &rest[2..]).ok()?;
	Some(H256(keccak_256(&payload)))
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	#[test]
	fn hashes_are_numbered_once_in_order_and_the_oldest_forgotten() {
		let feed = PendingFeed::default();
		assert_eq!(feed.head(), 0);
		let hash = |n: u64| H256::from_low_u64_be(n);
		feed.record([hash(1), hash(2)]);
		feed.record([hash(2), hash(3)]);
		assert_eq!(feed.head(), 3);
		assert_eq!(feed.range(1, 3), vec![hash(1), hash(2), hash(3)]);
		assert_eq!(feed.range(3, 10), vec![hash(3)]);
		feed.record((10..10 + FEED_CAPACITY as u64).map(hash));
		assert_eq!(feed.head(), 3 + FEED_CAPACITY as u64);
		assert!(feed.range(1, 3).is_empty(), "the oldest are forgotten");
		// A forgotten hash counts as new if it comes back.
		feed.record([hash(1)]);
		assert_eq!(feed.head(), 4 + FEED_CAPACITY as u64);
	}

	#[test]
	fn only_bare_eth_transact_extrinsics_give_a_hash() {
		let payload = vec![0x02, 0xf8, 0x70];
		let mut body = vec![5, 10, 0];
		body.extend(payload.encode());
		let extrinsic = body.encode();
		assert_eq!(eth_transaction_hash(&extrinsic, [10, 0]), Some(H256(keccak_256(&payload))));
		assert_eq!(eth_transaction_hash(&extrinsic, [10, 1]), None, "another call");
		let mut signed = body.clone();
		signed[0] = 0x84;
		assert_eq!(eth_transaction_hash(&signed.encode(), [10, 0]), None, "signed");
		assert_eq!(eth_transaction_hash(&[], [10, 0]), None);
	}
}
