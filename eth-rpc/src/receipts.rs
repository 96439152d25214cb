//! Receipts of the newest blocks, held by the front so that `eth_getTransactionReceipt` and
//! `eth_getBlockReceipts` for them are answered from memory.
//!
//! pallet-revive's eth-rpc rebuilds a receipt from its block on every call: it fetches the
//! block's extrinsics and events from the node and asks the runtime for the block's gas data,
//! for each receipt. A wallet polling for its receipt in a block of 400 transfers then costs
//! as much as reading the whole block, and reading the block's receipts one by one costs 400
//! blocks. A block's receipts never change, so the front reads each new block's receipts once
//! (`eth_getBlockReceipts`) and keeps the last [`RECENT_BLOCKS`].
//!
//! The front follows the chain by number and checks that each block's parent is the block it
//! holds below it, and that the held block at the backend's best height is still the backend's;
//! when not (a reorganisation), it drops the blocks from the fork up and reads them again. A
//! replaced block is thus noticed within one polling interval (half a second), during which a
//! receipt of it may still be served. Anything not held
//! (older blocks, transactions not in a block yet) goes to the backend as before.

use crate::{
	error::Error,
	http::{self, HttpClient},
};
use serde_json::{json, Value};
use std::{
	collections::{BTreeMap, HashMap},
	sync::Mutex,
	time::Duration,
};

/// Blocks whose receipts are held: about a minute of 2 s blocks. Memory is bounded by the
/// chain (a block's size), not by any client.
pub const RECENT_BLOCKS: u64 = 32;
/// How often the backend's best block is read.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

const LOG_TARGET: &str = "eth-rpc-front";

/// One block's receipts, in order.
struct HeldBlock {
	hash: String,
	receipts: Vec<Value>,
}

#[derive(Default)]
struct Held {
	blocks: BTreeMap<u64, HeldBlock>,
	/// Transaction hash (lower-case hex) → (block number, index in its block).
	transactions: HashMap<String, (u64, usize)>,
}

impl Held {
	fn remove_from(&mut self, number: u64) {
		for (_, block) in self.blocks.split_off(&number) {
			self.forget(&block);
		}
	}

	fn forget(&mut self, block: &HeldBlock) {
		for receipt in &block.receipts {
			if let Some(hash) = transaction_hash(receipt) {
				self.transactions.remove(&hash);
			}
		}
	}
}

/// The receipts of the newest blocks (see the module docs).
#[derive(Default)]
pub struct RecentReceipts {
	held: Mutex<Held>,
}

fn transaction_hash(receipt: &Value) -> Option<String> {
	receipt.get("transactionHash").and_then(Value::as_str).map(str::to_ascii_lowercase)
}

fn hex_u64(value: &Value) -> Option<u64> {
	u64::from_str_radix(value.as_str()?.strip_prefix("0x")?, 16).ok()
}

impl RecentReceipts {
	/// The receipt of transaction `hash`, if it is in a held block.
	pub fn receipt(&self, hash: &str) -> Option<Value> {
		let held = self.held.lock().ok()?;
		let (number, index) = held.transactions.get(&hash.to_ascii_lowercase())?;
		held.blocks.get(number)?.receipts.get(*index).cloned()
	}

	/// The receipts of a held block named by number (`0x…` quantity) or hash; `None` for tags
	/// (`latest`, …) and blocks not held.
	pub fn block_receipts(&self, block: &Value) -> Option<Value> {
		let text = block.as_str()?;
		let held = self.held.lock().ok()?;
		let found = if text.len() == 66 {
			held.blocks.values().find(|b| b.hash.eq_ignore_ascii_case(text))
		} else {
			held.blocks.get(&hex_u64(block)?)
		};
		found.map(|b| Value::Array(b.receipts.clone()))
	}

	/// The transaction hashes of the held blocks above `after`, oldest first, and the newest
	/// held block's number (`after` when none is newer).
	pub fn transactions_after(&self, after: u64) -> (u64, Vec<sp_core::H256>) {
		let Ok(held) = self.held.lock() else { return (after, Vec::new()) };
		let mut newest = after;
		let mut hashes = Vec::new();
		for (number, block) in held.blocks.range(after.saturating_add(1)..) {
			newest = *number;
			hashes.extend(block.receipts.iter().filter_map(|receipt| {
				let text = transaction_hash(receipt)?;
				let bytes = hex::decode(text.strip_prefix("0x")?).ok()?;
				(bytes.len() == 32).then(|| sp_core::H256::from_slice(&bytes))
			}));
		}
		(newest, hashes)
	}

	/// Number and hash of the newest held block.
	pub(crate) fn newest(&self) -> Option<(u64, String)> {
		let held = self.held.lock().ok()?;
		held.blocks.last_key_value().map(|(number, block)| (*number, block.hash.clone()))
	}

	fn hash_of(&self, number: u64) -> Option<String> {
		self.held.lock().ok()?.blocks.get(&number).map(|b| b.hash.clone())
	}

	fn remove_from(&self, number: u64) {
		if let Ok(mut held) = self.held.lock() {
			held.remove_from(number);
		}
	}

	fn insert(&self, number: u64, block: HeldBlock) {
		let Ok(mut held) = self.held.lock() else { return };
		held.remove_from(number);
		for (index, receipt) in block.receipts.iter().enumerate() {
			if let Some(hash) = transaction_hash(receipt) {
				held.transactions.insert(hash, (number, index));
			}
		}
		held.blocks.insert(number, block);
		while held.blocks.len() as u64 > RECENT_BLOCKS {
			if let Some((_, oldest)) = held.blocks.pop_first() {
				held.forget(&oldest);
			}
		}
	}

	/// Follows the backend at `url` until the process ends.
	pub async fn follow(&self, client: HttpClient, url: String) {
		loop {
			if let Err(err) = self.catch_up(&client, &url).await {
				log::debug!(target: LOG_TARGET, "receipts not followed this round: {err}");
			}
			tokio::time::sleep(FOLLOW_EVERY).await;
		}
	}

	/// Reads the receipts of every block after the newest held one up to the backend's best
	/// (at most the last [`RECENT_BLOCKS`]), checking each block's parent.
	pub async fn catch_up(&self, client: &HttpClient, url: &str) -> Result<(), Error> {
		let call = |method: &'static str, params: Value| async move {
			http::call(client, url, method, params).await.map_err(Error::Backend)
		};
		let best = hex_u64(&call("eth_blockNumber", json!([])).await?).ok_or_else(|| {
			Error::BackendAnswer { method: "eth_blockNumber", detail: "not a quantity".into() }
		})?;
		// A best block below the held ones: they were replaced by a shorter chain.
		self.remove_from(best + 1);
		// A tip replaced at the same height shows only in its hash.
		if let Some(held_tip) = self.hash_of(best) {
			let header =
				call("eth_getBlockByNumber", json!([format!("0x{best:x}"), false])).await?;
			if header["hash"].as_str().is_some_and(|hash| !hash.eq_ignore_ascii_case(&held_tip)) {
				self.remove_from(best);
			}
		}
		let oldest_wanted = best.saturating_sub(RECENT_BLOCKS - 1);
		let mut next =
			self.newest().map_or(oldest_wanted, |(number, _)| number + 1).max(oldest_wanted);
		while next <= best {
			let header =
				call("eth_getBlockByNumber", json!([format!("0x{next:x}"), false])).await?;
			let (Some(hash), Some(parent_hash)) =
				(header["hash"].as_str(), header["parentHash"].as_str())
			else {
				// Not there yet (the backend indexes behind its best): next round.
				return Ok(());
			};
			if let Some(held_parent) = next.checked_sub(1).and_then(|n| self.hash_of(n)) {
				if !held_parent.eq_ignore_ascii_case(parent_hash) {
					log::debug!(target: LOG_TARGET, "block {next}'s parent is not the held block {}: reading again from there", next - 1);
					self.remove_from(next - 1);
					next -= 1;
					continue;
				}
			}
			let receipts = call("eth_getBlockReceipts", json!([hash])).await?;
			let Some(receipts) = receipts.as_array() else { return Ok(()) };
			if receipts
				.iter()
				.any(|r| !r["blockHash"].as_str().is_some_and(|h| h.eq_ignore_ascii_case(hash)))
			{
				return Err(Error::BackendAnswer {
					method: "eth_getBlockReceipts",
					detail: format!("receipts of another block than {hash}"),
				});
			}
			self.insert(next, HeldBlock { hash: hash.to_owned(), receipts: receipts.clone() });
			next += 1;
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn receipt(block_hash: &str, tx: &str) -> Value {
		json!({"blockHash": block_hash, "transactionHash": tx, "status": "0x1"})
	}

	fn block(hash: &str, txs: &[&str]) -> HeldBlock {
		HeldBlock { hash: hash.into(), receipts: txs.iter().map(|tx| receipt(hash, tx)).collect() }
	}

	#[test]
	fn only_the_newest_blocks_are_held_and_their_transactions_with_them() {
		let recent = RecentReceipts::default();
		for number in 0..RECENT_BLOCKS + 5 {
			let tx = format!("0xT{number}");
			recent.insert(number, block(&format!("0xB{number}"), &[&tx]));
		}
		let held = recent.held.lock().unwrap();
		assert_eq!(held.blocks.len() as u64, RECENT_BLOCKS);
		assert_eq!(held.transactions.len() as u64, RECENT_BLOCKS);
		assert_eq!(held.blocks.first_key_value().map(|(n, _)| *n), Some(5));
		drop(held);
		assert!(recent.receipt("0xt4").is_none(), "evicted with its block");
		assert_eq!(recent.receipt("0xT5").unwrap()["blockHash"], "0xB5", "case-insensitive");
	}

	#[test]
	fn the_transactions_of_blocks_after_one_are_listed_in_order() {
		let recent = RecentReceipts::default();
		let tx = |n: u8| format!("0x{}", format!("{n:02x}").repeat(32));
		recent.insert(4, block("0xB4", &[&tx(1), &tx(2)]));
		recent.insert(5, block("0xB5", &[&tx(3)]));
		let hash = |n: u8| sp_core::H256::repeat_byte(n);
		assert_eq!(recent.transactions_after(3), (5, vec![hash(1), hash(2), hash(3)]));
		assert_eq!(recent.transactions_after(4), (5, vec![hash(3)]));
		assert_eq!(recent.transactions_after(5), (5, vec![]));
		assert_eq!(recent.transactions_after(9), (9, vec![]));
	}

	#[test]
	fn a_block_read_again_replaces_its_transactions() {
		let recent = RecentReceipts::default();
		recent.insert(7, block("0xold", &["0xa", "0xb"]));
		recent.insert(8, block("0xabove", &["0xc"]));
		recent.insert(7, block("0xnew", &["0xb"]));
		assert!(recent.receipt("0xa").is_none(), "only in the replaced block");
		assert!(recent.receipt("0xc").is_none(), "its block was above the replaced one");
		assert_eq!(recent.receipt("0xb").unwrap()["blockHash"], "0xnew");
		assert_eq!(recent.block_receipts(&json!("0x7")).unwrap().as_array().unwrap().len(), 1);
		assert!(recent.block_receipts(&json!("latest")).is_none());
		let by_hash = format!("0x{}", "ab".repeat(32));
		recent.insert(9, block(&by_hash, &["0xd"]));
		assert!(recent
			.block_receipts(&json!(by_hash.to_uppercase().replace("0X", "0x")))
			.is_some());
	}
}
