//! Checkpoint duties, with the validator's root-chain signer key.
//!
//! - **Signer**: signs each root chain's pending checkpoint once its last block is
//!   GRANDPA-finalized **in this node**, and only if the Merkle root of those finalized
//!   blocks' leaves (read from the finalized state) is the checkpoint's root. The signature
//!   (`r ‖ s ‖ v` over the digest `RootChain.sol` recovers) goes to the checkpoint pallet as an
//!   unsigned extrinsic; it is sent again while the chain does not list this validator among
//!   the signers (a pool that dropped it, a restart).
//! - **Submitter** (one per root chain with a `RootChain` in `--root-chains`): when this
//!   validator is the pending checkpoint's proposer and 2/3 + 1 of stake signed, sends
//!   `submitCheckpoint(data, sigs)` ([`bttc_relayer::submit::Submitter`], which reads the
//!   contract first and never sends twice). The ack comes back through the listener and the
//!   attestation pallet.

use crate::{DutyExtrinsics, LOG_TARGET};
use bttc_primitives::{
	checkpoint::{CheckpointApi, PendingCheckpointInfo},
	staking::{signer_address, StakingApi},
	RootChainId,
};
use bttc_relayer::submit::{Outcome, Submitter};
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{ecdsa, H160};
use sp_runtime::traits::{Block as BlockT, UniqueSaturatedInto};
use std::{
	collections::BTreeMap,
	sync::Arc,
	time::{Duration, Instant},
};

/// How often the pending checkpoints are looked at (one sidechain block).
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// A signature the chain does not list yet is sent again after this long.
const RESIGN_AFTER: Duration = Duration::from_secs(12);

/// This validator's signature of `info`'s checkpoint: `r ‖ s ‖ v`, `v` 27 or 28.
pub fn sign_checkpoint(
	signer: &ecdsa::Pair,
	info: &PendingCheckpointInfo,
	child_chain_id: u64,
) -> [u8; 65] {
	let mut signature = signer.sign_prehashed(&info.checkpoint.digest(child_chain_id)).0;
	signature[64] = signature[64].saturating_add(27);
	signature
}

/// The signer key's 20-byte address.
pub fn address_of(signer: &ecdsa::Pair) -> Option<H160> {
	crate::binding::uncompressed(signer).map(|pubkey| signer_address(&pubkey))
}

/// Signs pending checkpoints over finalized blocks, forever.
pub async fn run_signer<B, C, P, X>(
	signer: ecdsa::Pair,
	client: Arc<C>,
	pool: Arc<P>,
	extrinsics: Arc<X>,
) where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: StakingApi<B> + CheckpointApi<B>,
	P: TransactionPool<Block = B> + 'static,
	X: DutyExtrinsics<B>,
{
	let Some(address) = address_of(&signer) else {
		log::error!(target: LOG_TARGET, "the root-chain signer key does not recover: no checkpoint signatures");
		return;
	};
	// (chain, id) → when this node last sent its signature.
	let mut sent: BTreeMap<(RootChainId, u64), Instant> = BTreeMap::new();
	// (chain, id) whose root this node refused (said once).
	let mut refused: BTreeMap<(RootChainId, u64), ()> = BTreeMap::new();
	loop {
		tokio::time::sleep(POLL_INTERVAL).await;
		let info = client.info();
		let (best, finalized_hash) = (info.best_hash, info.finalized_hash);
		let finalized: u64 = info.finalized_number.unique_saturated_into();
		let api = client.runtime_api();
		let Ok(Some(me)) = api.registration_of(best, address).map(|r| r.map(|r| r.validator_id))
		else {
			continue;
		};
		let (Ok(pending), Ok(child_chain_id)) = (api.pending(best), api.child_chain_id(best))
		else {
			log::warn!(target: LOG_TARGET, "the runtime has no checkpoint API at the best block");
			continue;
		};
		sent.retain(|(chain, id), _| {
			pending.iter().any(|p| p.checkpoint.root_chain == *chain && p.id == *id)
		});
		refused.retain(|(chain, id), _| {
			pending.iter().any(|p| p.checkpoint.root_chain == *chain && p.id == *id)
		});
		for p in pending {
			let key = (p.checkpoint.root_chain, p.id);
			if p.signers.contains(&me) || p.checkpoint.end > finalized || refused.contains_key(&key)
			{
				continue;
			}
			if sent.get(&key).is_some_and(|at| at.elapsed() < RESIGN_AFTER) {
				continue;
			}
			// The root of this node's finalized blocks, from its finalized state.
			let root = client.runtime_api().root_hash(
				finalized_hash,
				p.checkpoint.start,
				p.checkpoint.end,
			);
			match root {
				Ok(Some(root)) if root == p.checkpoint.root_hash => {}
				Ok(other) => {
					log::error!(target: LOG_TARGET, "⛔ Not signing {:?} checkpoint {} (blocks {}..={}): its root {:?} is not the finalized blocks' {other:?}", key.0, p.id, p.checkpoint.start, p.checkpoint.end, p.checkpoint.root_hash);
					refused.insert(key, ());
					continue;
				}
				Err(e) => {
					log::warn!(target: LOG_TARGET, "root of blocks {}..={}: {e}", p.checkpoint.start, p.checkpoint.end);
					continue;
				}
			}
			let signature = sign_checkpoint(&signer, &p, child_chain_id);
			let xt = extrinsics.sign_checkpoint(key.0, p.id, signature);
			sent.insert(key, Instant::now());
			match pool.submit_one(best, TransactionSource::Local, xt).await {
				Ok(_) => log::info!(
					target: LOG_TARGET,
					"✍️  Signed {:?} checkpoint {} (blocks {}..={}) as validator {me}",
					key.0,
					p.id,
					p.checkpoint.start,
					p.checkpoint.end
				),
				Err(e) => log::debug!(target: LOG_TARGET, "checkpoint signature not pooled: {e}"),
			}
		}
	}
}

/// Submits `chain`'s checkpoints when this validator proposes them, forever.
pub async fn run_submitter<B, C>(
	chain: RootChainId,
	submitter: Submitter,
	proposer: H160,
	client: Arc<C>,
) where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: CheckpointApi<B>,
{
	log::info!(target: LOG_TARGET, "📮 Submitting {chain:?} checkpoints this validator ({proposer:?}) proposes");
	let mut last_error = String::new();
	let mut last_outcome: Option<(u64, Outcome)> = None;
	loop {
		tokio::time::sleep(POLL_INTERVAL).await;
		let best = client.info().best_hash;
		let api = client.runtime_api();
		let Ok(pending) = api.pending(best) else { continue };
		let Some(p) = pending.into_iter().find(|p| p.checkpoint.root_chain == chain) else {
			continue;
		};
		if p.checkpoint.proposer != proposer || p.signed_stake < p.threshold {
			continue;
		}
		let (Ok(child_chain_id), Ok(signatures)) =
			(api.child_chain_id(best), api.signatures(best, chain, p.id))
		else {
			continue;
		};
		let data = p.checkpoint.abi_data(child_chain_id);
		let sigs: Vec<u8> = signatures.iter().flatten().copied().collect();
		match submitter.submit(p.checkpoint.start, data, sigs).await {
			Ok(outcome) => {
				last_error.clear();
				if last_outcome.as_ref() == Some(&(p.id, outcome.clone())) {
					continue;
				}
				match &outcome {
					Outcome::Sent(tx) => log::info!(
						target: LOG_TARGET,
						"📤 Submitted {chain:?} checkpoint {} (blocks {}..={}, {} signatures): tx {tx:?}",
						p.id,
						p.checkpoint.start,
						p.checkpoint.end,
						signatures.len()
					),
					Outcome::InFlight(tx) => {
						log::debug!(target: LOG_TARGET, "{chain:?} checkpoint {}: tx {tx:?} in flight", p.id)
					}
					Outcome::Recorded => {
						log::debug!(target: LOG_TARGET, "{chain:?} checkpoint {}: recorded on the root chain; waiting for its ack", p.id)
					}
				}
				last_outcome = Some((p.id, outcome));
			}
			Err(e) => {
				let text = e.to_string();
				if text != last_error {
					log::warn!(target: LOG_TARGET, "{chain:?} checkpoint {}: {text}", p.id);
					last_error = text;
				}
			}
		}
	}
}
