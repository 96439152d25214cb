//! The leaf index: each finalized block's checkpoint leaf, written to the node's database
//! (auxiliary storage) as the block is finalized. The runtime prunes its leaves once every
//! root chain acknowledged them, and the node prunes old states; the index keeps every leaf,
//! so roots and inclusion proofs of any checkpointed block stay available.
//!
//! A block whose state was already pruned when the index reached it (a node that was far
//! behind with state pruning on) has no leaf in the index, and says so in the logs; run
//! RPC nodes that serve proofs with `--state-pruning archive` or keep them in step.

use bttc_primitives::checkpoint::CheckpointApi;
use futures::StreamExt;
use sc_client_api::{AuxStore, BlockchainEvents};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, UniqueSaturatedInto};
use std::sync::Arc;

/// Log target.
const LOG_TARGET: &str = "bttc-rpc";
/// Key of the next block to index.
const CURSOR_KEY: &[u8] = b"bttc:leaf-index:next";
/// Blocks indexed per database write.
const BATCH: u32 = 256;

fn leaf_key(number: u32) -> Vec<u8> {
	let mut key = b"bttc:leaf:".to_vec();
	key.extend_from_slice(&number.to_be_bytes());
	key
}

/// The indexed leaf of finalized block `number`.
pub fn leaf<C: AuxStore>(client: &C, number: u32) -> sp_blockchain::Result<Option<H256>> {
	Ok(client
		.get_aux(&leaf_key(number))?
		.and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok().map(H256)))
}

/// The next block the index will read (every finalized block below it was read).
pub fn next_to_index<C: AuxStore>(client: &C) -> sp_blockchain::Result<u32> {
	Ok(client
		.get_aux(CURSOR_KEY)?
		.and_then(|bytes| <[u8; 4]>::try_from(bytes.as_slice()).ok())
		.map_or(1, u32::from_le_bytes))
}

/// Indexes every finalized block not indexed yet.
fn catch_up<B, C>(client: &C) -> sp_blockchain::Result<()>
where
	B: BlockT,
	C: AuxStore + HeaderBackend<B> + ProvideRuntimeApi<B>,
	C::Api: CheckpointApi<B>,
{
	let finalized: u32 = client.info().finalized_number.unique_saturated_into();
	let mut next = next_to_index(client)?;
	let behind = finalized.saturating_sub(next);
	while next <= finalized {
		let last = next.saturating_add(BATCH - 1).min(finalized);
		let mut entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
		for number in next..=last {
			let Some(hash) = client.hash(number.unique_saturated_into())? else {
				return Err(sp_blockchain::Error::UnknownBlock(format!(
					"finalized block {number}"
				)));
			};
			match client.runtime_api().leaf(hash, number) {
				Ok(Some(leaf)) => entries.push((leaf_key(number), leaf.0.to_vec())),
				Ok(None) => {
					log::warn!(target: LOG_TARGET, "finalized block {number} has no checkpoint leaf")
				}
				Err(e) => {
					log::warn!(target: LOG_TARGET, "leaf of block {number} not indexed (its state is gone?): {e}")
				}
			}
		}
		let cursor = last.saturating_add(1).to_le_bytes();
		let mut inserts: Vec<(&[u8], &[u8])> =
			entries.iter().map(|(k, v)| (k.as_slice(), v.as_slice())).collect();
		inserts.push((CURSOR_KEY, &cursor));
		client.insert_aux(inserts.iter(), std::iter::empty::<&&[u8]>())?;
		next = last.saturating_add(1);
		if behind > BATCH {
			log::info!(target: LOG_TARGET, "leaf index: {} of {finalized} finalized blocks", last);
		}
	}
	Ok(())
}

/// Keeps the index up with finality, forever.
pub async fn run<B, C>(client: Arc<C>)
where
	B: BlockT,
	C: AuxStore + BlockchainEvents<B> + HeaderBackend<B> + ProvideRuntimeApi<B>,
	C::Api: CheckpointApi<B>,
{
	let mut finality = client.finality_notification_stream();
	loop {
		if let Err(e) = catch_up(&*client) {
			log::error!(target: LOG_TARGET, "leaf index: {e}");
		}
		if finality.next().await.is_none() {
			return;
		}
	}
}
