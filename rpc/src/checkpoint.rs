//! `bttc_*`: checkpoints and block proofs ([`crate::api::BttcApiServer`]), from the runtime's
//! checkpoint state at the best block and the node's [leaf index](crate::leaves).

use crate::{
	api::{AckedCheckpointJson, BttcApiServer, InclusionProofJson, PendingCheckpointJson},
	leaves,
};
use bttc_primitives::{
	checkpoint::{merkle_proof, merkle_root, AckedCheckpoint, CheckpointApi},
	RootChainId,
};
use jsonrpsee::{core::RpcResult, types::ErrorObjectOwned};
use sc_client_api::AuxStore;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::H256;
use sp_runtime::traits::{Block as BlockT, UniqueSaturatedInto};
use std::{marker::PhantomData, sync::Arc};

/// Longest range `bttc_getRootHash` hashes (Bor's limit).
pub const MAX_ROOT_HASH_LENGTH: u64 = 1 << 15;

/// Invalid parameters (JSON-RPC's code).
const INVALID_PARAMS: i32 = -32602;
/// The node cannot answer (state, index).
const UNAVAILABLE: i32 = -32000;

pub(crate) fn invalid(message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(INVALID_PARAMS, message.into(), None::<()>)
}

pub(crate) fn unavailable(message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(UNAVAILABLE, message.into(), None::<()>)
}

/// The root chain named `name` (`tron`, `ethereum`, `bsc`).
pub(crate) fn root_chain(name: &str) -> RpcResult<RootChainId> {
	match name.to_ascii_lowercase().as_str() {
		"tron" => Ok(RootChainId::Tron),
		"ethereum" => Ok(RootChainId::Ethereum),
		"bsc" => Ok(RootChainId::Bsc),
		_ => Err(invalid(format!("unknown root chain `{name}`: use tron, ethereum or bsc"))),
	}
}

pub(crate) fn name_of(chain: RootChainId) -> String {
	format!("{chain:?}").to_ascii_lowercase()
}

fn acked_json(acked: AckedCheckpoint) -> AckedCheckpointJson {
	AckedCheckpointJson {
		root_chain: name_of(acked.checkpoint.root_chain),
		header_block_id: acked.header_block_id,
		proposer: acked.checkpoint.proposer,
		start: acked.checkpoint.start,
		end: acked.checkpoint.end,
		root_hash: acked.checkpoint.root_hash,
		acked_at: acked.acked_at,
	}
}

/// The `bttc_*` methods.
pub struct Bttc<B, C> {
	client: Arc<C>,
	_block: PhantomData<B>,
}

impl<B, C> Bttc<B, C> {
	/// The methods over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: PhantomData }
	}
}

impl<B, C> Bttc<B, C>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Send + Sync + 'static,
	C::Api: CheckpointApi<B>,
{
	fn acknowledged(&self, chain: RootChainId) -> RpcResult<Vec<AckedCheckpoint>> {
		let best = self.client.info().best_hash;
		self.client
			.runtime_api()
			.acknowledged(best, chain)
			.map_err(|e| unavailable(format!("checkpoint state: {e}")))
	}

	/// The indexed leaves of finalized blocks `start..=end`.
	fn leaves(&self, start: u64, end: u64) -> RpcResult<Vec<H256>> {
		let finalized: u64 = self.client.info().finalized_number.unique_saturated_into();
		if end > finalized {
			return Err(invalid(format!(
				"block {end} is not finalized yet (finalized: {finalized})"
			)));
		}
		let indexed = leaves::next_to_index(&*self.client)
			.map_err(|e| unavailable(format!("leaf index: {e}")))?;
		if end >= u64::from(indexed) {
			return Err(unavailable(format!(
				"block {end} is finalized but not indexed yet; retry in a moment"
			)));
		}
		(start..=end)
			.map(|n| {
				let number =
					u32::try_from(n).map_err(|_| invalid(format!("block {n} is past u32")))?;
				leaves::leaf(&*self.client, number)
					.map_err(|e| unavailable(format!("leaf index: {e}")))?
					.ok_or_else(|| {
						unavailable(format!(
							"this node has no leaf for block {n} (its state was pruned before the index read it)"
						))
					})
			})
			.collect()
	}

	fn covering(&self, chain: RootChainId, number: u64) -> RpcResult<Option<AckedCheckpoint>> {
		let acked = self.acknowledged(chain)?;
		if let Some(found) =
			acked.iter().find(|a| a.checkpoint.start <= number && number <= a.checkpoint.end)
		{
			return Ok(Some(found.clone()));
		}
		match acked.first() {
			Some(oldest) if number < oldest.checkpoint.start => Err(unavailable(format!(
				"block {number} is older than the {} checkpoints the chain keeps (from header block {}, block {}); read RootChain.headerBlocks on the root chain",
				acked.len(),
				oldest.header_block_id,
				oldest.checkpoint.start
			))),
			_ => Ok(None),
		}
	}
}

impl<B, C> BttcApiServer for Bttc<B, C>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Send + Sync + 'static,
	C::Api: CheckpointApi<B>,
{
	fn get_root_hash(&self, start: u64, end: u64) -> RpcResult<String> {
		if start == 0 {
			return Err(invalid("block 0 has no leaf: ranges start at 1"));
		}
		if start > end {
			return Err(invalid(format!("start {start} is after end {end}")));
		}
		if end - start + 1 > MAX_ROOT_HASH_LENGTH {
			return Err(invalid(format!("at most {MAX_ROOT_HASH_LENGTH} blocks per root")));
		}
		let root = merkle_root(&self.leaves(start, end)?);
		Ok(root.0.iter().map(|b| format!("{b:02x}")).collect())
	}

	fn get_latest_checkpoint(
		&self,
		root_chain_name: String,
	) -> RpcResult<Option<AckedCheckpointJson>> {
		let chain = root_chain(&root_chain_name)?;
		Ok(self.acknowledged(chain)?.pop().map(acked_json))
	}

	fn get_pending_checkpoint(
		&self,
		root_chain_name: String,
	) -> RpcResult<Option<PendingCheckpointJson>> {
		let chain = root_chain(&root_chain_name)?;
		let best = self.client.info().best_hash;
		let pending = self
			.client
			.runtime_api()
			.pending(best)
			.map_err(|e| unavailable(format!("checkpoint state: {e}")))?;
		Ok(pending.into_iter().find(|p| p.checkpoint.root_chain == chain).map(|p| {
			PendingCheckpointJson {
				root_chain: name_of(chain),
				id: p.id,
				proposer: p.checkpoint.proposer,
				start: p.checkpoint.start,
				end: p.checkpoint.end,
				root_hash: p.checkpoint.root_hash,
				proposed_at: p.proposed_at,
				signed_stake: p.signed_stake.to_string(),
				threshold: p.threshold.to_string(),
				ready: p.signed_stake >= p.threshold,
				signers: p.signers,
			}
		}))
	}

	fn get_checkpoint_covering(
		&self,
		root_chain_name: String,
		number: u64,
	) -> RpcResult<Option<AckedCheckpointJson>> {
		let chain = root_chain(&root_chain_name)?;
		Ok(self.covering(chain, number)?.map(acked_json))
	}

	fn get_inclusion_proof(
		&self,
		root_chain_name: String,
		number: u64,
	) -> RpcResult<InclusionProofJson> {
		let chain = root_chain(&root_chain_name)?;
		let acked = self.covering(chain, number)?.ok_or_else(|| {
			invalid(format!("no {root_chain_name} checkpoint covers block {number} yet"))
		})?;
		let (start, end) = (acked.checkpoint.start, acked.checkpoint.end);
		let leaves = self.leaves(start, end)?;
		if merkle_root(&leaves) != acked.checkpoint.root_hash {
			return Err(unavailable(format!(
				"this node's blocks {start}..={end} do not produce header block {}'s root",
				acked.header_block_id
			)));
		}
		let index = number - start;
		let proof = usize::try_from(index)
			.ok()
			.and_then(|i| merkle_proof(&leaves, i))
			.ok_or_else(|| unavailable("proof index out of range"))?;
		Ok(InclusionProofJson {
			leaf: leaves[index as usize],
			checkpoint: acked_json(acked),
			block_number: number,
			index,
			proof,
		})
	}
}
