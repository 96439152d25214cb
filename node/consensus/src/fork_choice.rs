//! Fork choice by weight, as Bor's total difficulty: a block weighs more the closer its
//! author is to the in-turn producer (`authors − succession`: the in-turn producer's block
//! weighs the most, the last backup's 1), and the best chain is the heaviest. So when a
//! backup's block and the in-turn producer's block compete at one height, the in-turn block
//! wins wherever it arrives first; plain longest-chain would keep whichever came first.
//!
//! Each block's chain weight (its parent's plus its own) is kept in the client's aux store
//! until the block is finalized or abandoned ([`prune_weights`]); a block whose parent has
//! no weight (the parent came by warp sync) counts from 0.

use crate::error::Error;
use codec::{Decode, Encode};
use futures::StreamExt;
use sc_client_api::{AuxStore, FinalityNotifications};
use sc_consensus::ForkChoiceStrategy;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

/// Prefix of the aux-store keys of chain weights.
const WEIGHT_PREFIX: &[u8] = b"bttc/chain-weight/";

/// Aux-store key of the chain weight of block `hash`.
pub fn weight_key<H: Encode>(hash: &H) -> Vec<u8> {
	(WEIGHT_PREFIX, hash).encode()
}

/// A block's own weight: `authors − succession`, at least 1 (Bor's difficulty).
pub fn block_weight(authors: usize, succession: u32) -> u64 {
	let authors = u64::try_from(authors).unwrap_or(u64::MAX);
	authors.saturating_sub(u64::from(succession)).max(1)
}

/// The chain weight stored for `hash`, if any.
pub fn load_weight<C: AuxStore, H: Encode>(client: &C, hash: &H) -> Result<Option<u64>, Error> {
	let Some(bytes) =
		client.get_aux(&weight_key(hash)).map_err(|e| Error::Client(e.to_string()))?
	else {
		return Ok(None);
	};
	u64::decode(&mut &bytes[..]).map(Some).map_err(|e| Error::Client(e.to_string()))
}

/// What importing a block needs: its chain weight to store and whether it becomes best.
pub struct WeightedImport {
	/// The aux entry to store with the block: its chain weight.
	pub aux: (Vec<u8>, Option<Vec<u8>>),
	/// Best only if strictly heavier than the current best block.
	pub fork_choice: ForkChoiceStrategy,
	/// The block's chain weight.
	pub chain_weight: u64,
}

/// The chain weight of block `hash` with `own` weight on `parent`, compared with the current
/// best block.
pub fn weigh<B, C>(
	client: &C,
	parent: B::Hash,
	hash: B::Hash,
	own: u64,
) -> Result<WeightedImport, Error>
where
	B: BlockT,
	C: AuxStore + HeaderBackend<B>,
{
	let chain_weight = load_weight(client, &parent)?.unwrap_or(0).saturating_add(own);
	let best = client.info().best_hash;
	let best_weight = load_weight(client, &best)?.unwrap_or(0);
	// Equal weight: keep the current best (the first seen), as Bor does on equal difficulty.
	Ok(WeightedImport {
		aux: (weight_key(&hash), Some(chain_weight.encode())),
		fork_choice: ForkChoiceStrategy::Custom(chain_weight > best_weight),
		chain_weight,
	})
}

/// Removes the weights finality made irrelevant: the previous finalized block, the blocks
/// finalized implicitly below the new one, and abandoned forks. The finalized block keeps its
/// weight (its children are weighed from it). Runs until the notification stream ends.
pub async fn prune_weights<B, C>(client: std::sync::Arc<C>, mut finality: FinalityNotifications<B>)
where
	B: BlockT,
	C: AuxStore,
{
	let mut previous: Option<B::Hash> = None;
	while let Some(notification) = finality.next().await {
		let mut stale: Vec<Vec<u8>> =
			notification.stale_blocks.iter().map(|b| weight_key(&b.hash)).collect();
		stale.extend(notification.tree_route.iter().map(weight_key));
		stale.extend(previous.iter().map(weight_key));
		let keys: Vec<&[u8]> = stale.iter().map(|k| k.as_slice()).collect();
		if let Err(e) = client.insert_aux(&[], &keys) {
			log::warn!(target: crate::LOG_TARGET, "cannot prune chain weights: {e}");
		}
		previous = Some(notification.hash);
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;
	use sc_client_api::AuxStore;
	use sp_runtime::{generic, traits::BlakeTwo256, OpaqueExtrinsic};
	use std::{collections::HashMap, sync::Mutex};

	type Block = generic::Block<generic::Header<u32, BlakeTwo256>, OpaqueExtrinsic>;
	type Hash = sp_core::H256;

	/// Aux store and best block of a client, nothing else.
	#[derive(Default)]
	struct Chain {
		aux: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
		best: Mutex<Hash>,
	}

	impl AuxStore for Chain {
		fn insert_aux<
			'a,
			'b: 'a,
			'c: 'a,
			I: IntoIterator<Item = &'a (&'c [u8], &'c [u8])>,
			D: IntoIterator<Item = &'a &'b [u8]>,
		>(
			&self,
			insert: I,
			delete: D,
		) -> sp_blockchain::Result<()> {
			for (k, v) in insert {
				self.aux.lock().unwrap().insert(k.to_vec(), v.to_vec());
			}
			for k in delete {
				self.aux.lock().unwrap().remove(*k);
			}
			Ok(())
		}
		fn get_aux(&self, key: &[u8]) -> sp_blockchain::Result<Option<Vec<u8>>> {
			Ok(self.aux.lock().unwrap().get(key).cloned())
		}
	}

	impl HeaderBackend<Block> for Chain {
		fn header(&self, _: Hash) -> sp_blockchain::Result<Option<<Block as BlockT>::Header>> {
			Ok(None)
		}
		fn info(&self) -> sp_blockchain::Info<Block> {
			sp_blockchain::Info {
				best_hash: *self.best.lock().unwrap(),
				best_number: 0,
				genesis_hash: Hash::zero(),
				finalized_hash: Hash::zero(),
				finalized_number: 0,
				finalized_state: None,
				number_leaves: 1,
				block_gap: None,
			}
		}
		fn status(&self, _: Hash) -> sp_blockchain::Result<sp_blockchain::BlockStatus> {
			Ok(sp_blockchain::BlockStatus::Unknown)
		}
		fn number(&self, _: Hash) -> sp_blockchain::Result<Option<u32>> {
			Ok(None)
		}
		fn hash(&self, _: u32) -> sp_blockchain::Result<Option<Hash>> {
			Ok(None)
		}
	}

	/// Imports `hash` on `parent` with `own` weight as the import queue would.
	fn import(chain: &Chain, parent: u8, hash: u8, own: u64) -> bool {
		let (parent, hash) = (Hash::repeat_byte(parent), Hash::repeat_byte(hash));
		let weighed = weigh::<Block, _>(chain, parent, hash, own).unwrap();
		let (key, value) = weighed.aux;
		chain.insert_aux(&[(&key[..], &value.unwrap()[..])], &[]).unwrap();
		let ForkChoiceStrategy::Custom(best) = weighed.fork_choice else { panic!() };
		if best {
			*chain.best.lock().unwrap() = hash;
		}
		best
	}

	#[test]
	fn the_in_turn_block_beats_a_backups_block_at_the_same_height_whatever_arrives_first() {
		// Three authors: in turn weighs 3, the first backup 2.
		assert_eq!((block_weight(3, 0), block_weight(3, 1), block_weight(3, 5)), (3, 2, 1));
		let chain = Chain::default();
		assert!(import(&chain, 0, 1, 3));
		// The backup's block #2 arrives first and becomes best...
		assert!(import(&chain, 1, 20, 2));
		// ...the in-turn block #2 arrives later and wins.
		assert!(import(&chain, 1, 21, 3));
		assert_eq!(*chain.best.lock().unwrap(), Hash::repeat_byte(21));
		// In the other order, the backup's late block does not take over.
		assert!(import(&chain, 21, 30, 3));
		assert!(!import(&chain, 21, 31, 2));
		assert_eq!(*chain.best.lock().unwrap(), Hash::repeat_byte(30));
	}

	#[test]
	fn equal_weight_keeps_the_first_seen_and_a_heavier_chain_wins() {
		let chain = Chain::default();
		assert!(import(&chain, 0, 1, 3));
		assert!(!import(&chain, 0, 2, 3), "an equal sibling took over");
		// A longer chain of backup blocks outweighs one in-turn block.
		assert!(!import(&chain, 0, 3, 2));
		assert!(import(&chain, 3, 4, 2));
		assert_eq!(*chain.best.lock().unwrap(), Hash::repeat_byte(4));
	}
}
