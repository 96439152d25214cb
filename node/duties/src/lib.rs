//! # BTTC validator duties
//!
//! What a validator's node does beside authoring and voting, as tasks generic over the
//! client and the transaction pool (the node's service starts them; they never call back
//! into it):
//!
//! - **Listener** ([`listener`]): follows each root chain in `--root-chains` (confirmed
//!   blocks only, endpoints that must agree) and keeps every observed event in the
//!   [`journal`] **before** its cursor moves past it. A failing root chain or follower is
//!   retried with backoff; it never stops the node.
//! - **Attest** ([`attest`]): reports each journal event to the attestation pallet, signed
//!   with this validator's **bound** `bttc` key, in a free vote slot, with a signature that
//!   expires. It reports again (with backoff) while the event is open on chain — after a
//!   restart, after its pending votes expired, after the pool dropped the report — and drops
//!   it from the journal only once its key is applied at a finalized block.
//! - **Binding** ([`binding`]): with `--root-signer-key`, keeps this node's session keys
//!   bound to its root-chain validator, signed by the signer key and proven held by each
//!   session key.
//! - **Checkpoints** ([`checkpoint`]): with `--root-signer-key`, signs each pending
//!   checkpoint once its blocks are finalized here and their root checks out, and submits the
//!   checkpoints this validator proposes to each root chain with a `RootChain`.
//!
//! The runtime's call types stay in the node: it builds the extrinsics through
//! [`DutyExtrinsics`].

pub mod attest;
pub mod binding;
pub mod checkpoint;
mod error;
pub mod journal;
pub mod listener;

pub use error::Error;

use bttc_primitives::{
	attestation::{crypto as attestation_crypto, AttestedEvent, Report, VoteSlot},
	staking::RootValidatorId,
	BlockNumber, RootChainId,
};
use bttc_relayer::{config::ChainConfig, submit::Submitter};
use codec::Encode;
use sp_core::{ecdsa, traits::SpawnNamed};
use sp_keystore::KeystorePtr;
use sp_runtime::traits::Block as BlockT;
use std::{path::PathBuf, sync::Arc};

/// Log target of the duties.
pub const LOG_TARGET: &str = "bttc-duties";

/// A validator's session keys as the staking pallet binds them. Its SCALE encoding is the
/// runtime's `SessionKeys { aura, grandpa, attestation }`.
#[derive(Clone, PartialEq, Eq, Debug, Encode)]
pub struct SessionKeys {
	/// Aura (block authoring).
	pub aura: sp_consensus_aura::sr25519::AuthorityId,
	/// GRANDPA (finality).
	pub grandpa: sp_consensus_grandpa::AuthorityId,
	/// Attestation (`bttc`).
	pub attestation: attestation_crypto::AuthorityId,
}

/// Each session key's signature over the binding's key-ownership message.
#[derive(Clone, PartialEq, Eq, Debug, Encode)]
pub struct KeyOwnershipProofs {
	/// By the Aura key.
	pub aura: sp_consensus_aura::sr25519::AuthoritySignature,
	/// By the GRANDPA key.
	pub grandpa: sp_consensus_grandpa::AuthoritySignature,
	/// By the attestation key.
	pub attestation: attestation_crypto::AuthoritySignature,
}

/// Builds the runtime's unsigned extrinsics for the duties.
pub trait DutyExtrinsics<B: BlockT>: Send + Sync + 'static {
	/// `Attestation::report(report, slot, valid_until, authority, signature)`.
	fn report(
		&self,
		report: Report<AttestedEvent>,
		slot: VoteSlot,
		valid_until: BlockNumber,
		authority: attestation_crypto::AuthorityId,
		signature: attestation_crypto::AuthoritySignature,
	) -> B::Extrinsic;

	/// `Staking::bind_session_keys(validator_id, keys, signature, proofs)`.
	fn bind_session_keys(
		&self,
		validator_id: RootValidatorId,
		keys: SessionKeys,
		signature: [u8; 65],
		proofs: KeyOwnershipProofs,
	) -> B::Extrinsic;

	/// `Checkpoint::sign(chain, id, signature)`.
	fn sign_checkpoint(&self, chain: RootChainId, id: u64, signature: [u8; 65]) -> B::Extrinsic;
}

/// What the duties need from the command line.
#[derive(Clone, Default)]
pub struct DutiesConfig {
	/// Root chains to follow.
	pub root_chains: Vec<ChainConfig>,
	/// The validator's root-chain signer key: binds session keys, signs and submits
	/// checkpoints.
	pub signer_key: Option<ecdsa::Pair>,
	/// Where cursors and the journal are kept (inside the node's chain data directory).
	pub state_dir: PathBuf,
}

/// Starts the duties as tasks of `spawner`. Fails only if the journal cannot be opened.
pub fn spawn<B, C, P, X>(
	spawner: &impl SpawnNamed,
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	extrinsics: Arc<X>,
	config: DutiesConfig,
) -> Result<(), Error>
where
	B: BlockT,
	C: sp_api::ProvideRuntimeApi<B> + sp_blockchain::HeaderBackend<B> + Send + Sync + 'static,
	C::Api: bttc_primitives::attestation::AttestationApi<B>
		+ bttc_primitives::staking::StakingApi<B>
		+ bttc_primitives::checkpoint::CheckpointApi<B>,
	P: sc_transaction_pool_api::TransactionPool<Block = B> + 'static,
	X: DutyExtrinsics<B>,
{
	if !config.root_chains.is_empty() {
		let journal = Arc::new(std::sync::Mutex::new(journal::Journal::open(
			config.state_dir.join("journal.json"),
		)?));
		for chain in config.root_chains.clone() {
			let cursor =
				config.state_dir.join(format!("{:?}.cursor.json", chain.chain).to_lowercase());
			spawner.spawn(
				"root-chain-listener",
				Some("duties"),
				Box::pin(listener::run(chain, cursor, journal.clone())),
			);
		}
		let attester = attest::Attester::new(
			client.clone(),
			pool.clone(),
			keystore.clone(),
			extrinsics.clone(),
			journal,
		);
		spawner.spawn("attestation-reports", Some("duties"), Box::pin(attester.run()));
	}
	if let Some(signer) = config.signer_key {
		if let Some(address) = checkpoint::address_of(&signer) {
			for chain in &config.root_chains {
				let Some(submitter) =
					Submitter::for_chain(chain, signer.seed(), &config.state_dir)?
				else {
					continue;
				};
				spawner.spawn(
					"checkpoint-submitter",
					Some("duties"),
					Box::pin(checkpoint::run_submitter(
						chain.chain,
						submitter,
						address,
						client.clone(),
					)),
				);
			}
		}
		spawner.spawn(
			"checkpoint-signer",
			Some("duties"),
			Box::pin(checkpoint::run_signer(
				signer.clone(),
				client.clone(),
				pool.clone(),
				extrinsics.clone(),
			)),
		);
		spawner.spawn(
			"session-key-binding",
			Some("duties"),
			Box::pin(binding::run(signer, client, pool, keystore, extrinsics)),
		);
	}
	Ok(())
}
