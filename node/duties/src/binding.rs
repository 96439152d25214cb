//! Session-key binding: keeps this node's session keys (Aura, GRANDPA, `bttc`) bound to its
//! root-chain validator. The binding is signed by the validator's root-chain signer key
//! (secp256k1) and carries each session key's signature over the key-ownership message, so
//! the chain knows the node holds the keys it binds.

use crate::{DutyExtrinsics, KeyOwnershipProofs, SessionKeys, LOG_TARGET};
use bttc_primitives::{
	attestation::{crypto::AuthorityId as AttestationId, KEY_TYPE as ATTESTATION},
	staking::{
		key_ownership_message, session_keys_binding_digest, signer_address, SignerPubkey,
		StakingApi,
	},
};
use codec::Encode;
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{
	crypto::key_types::{AURA, GRANDPA},
	ecdsa,
};
use sp_keystore::KeystorePtr;
use sp_runtime::traits::{Block as BlockT, Zero};
use std::{sync::Arc, time::Duration};

/// How often the binding is checked.
const BINDING_INTERVAL: Duration = Duration::from_secs(6);

/// The uncompressed public key of `pair` (what `StakeManager` stores), recovered from a
/// signature as the runtime does.
pub fn uncompressed(pair: &ecdsa::Pair) -> Option<SignerPubkey> {
	let digest = [0u8; 32];
	sp_io::crypto::secp256k1_ecdsa_recover(&pair.sign_prehashed(&digest).0, &digest).ok()
}

/// This node's session keys: the bound ones if the keystore holds all of them, otherwise the
/// first key of each type.
fn local_session_keys(keystore: &KeystorePtr, bound: Option<&[u8]>) -> Option<SessionKeys> {
	let aura = keystore.sr25519_public_keys(AURA);
	let grandpa = keystore.ed25519_public_keys(GRANDPA);
	let attestation = keystore.sr25519_public_keys(ATTESTATION);
	for a in &aura {
		for g in &grandpa {
			for t in &attestation {
				let keys = SessionKeys {
					aura: (*a).into(),
					grandpa: (*g).into(),
					attestation: AttestationId::from(*t),
				};
				if bound == Some(&keys.encode()[..]) {
					return Some(keys);
				}
			}
		}
	}
	Some(SessionKeys {
		aura: (*aura.first()?).into(),
		grandpa: (*grandpa.first()?).into(),
		attestation: AttestationId::from(*attestation.first()?),
	})
}

/// Signs the key-ownership message of `digest` with each of `keys`.
fn ownership_proofs(
	keystore: &KeystorePtr,
	keys: &SessionKeys,
	digest: &[u8; 32],
) -> Result<KeyOwnershipProofs, String> {
	let message = key_ownership_message(digest);
	let missing = |what: &str| format!("the {what} key left the keystore");
	let aura = keystore
		.sr25519_sign(AURA, &keys.aura.clone().into_inner(), &message)
		.map_err(|e| e.to_string())?
		.ok_or_else(|| missing("aura"))?;
	let grandpa = keystore
		.ed25519_sign(GRANDPA, &keys.grandpa.clone().into_inner(), &message)
		.map_err(|e| e.to_string())?
		.ok_or_else(|| missing("grandpa"))?;
	let attestation = keystore
		.sr25519_sign(ATTESTATION, &keys.attestation.clone().into_inner(), &message)
		.map_err(|e| e.to_string())?
		.ok_or_else(|| missing("bttc"))?;
	Ok(KeyOwnershipProofs {
		aura: aura.into(),
		grandpa: grandpa.into(),
		attestation: attestation.into(),
	})
}

/// Keeps the session keys bound, forever.
pub async fn run<B, C, P, X>(
	signer: ecdsa::Pair,
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	extrinsics: Arc<X>,
) where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: StakingApi<B>,
	P: TransactionPool<Block = B> + 'static,
	X: DutyExtrinsics<B>,
{
	let Some(pubkey) = uncompressed(&signer) else {
		log::error!(target: LOG_TARGET, "the root-chain signer key does not recover: session keys will not be bound");
		return;
	};
	let address = signer_address(&pubkey);
	log::info!(target: LOG_TARGET, "🔑 Root-chain signer {address:?}: keeping this node's session keys bound to it");
	let mut announced = None;
	loop {
		tokio::time::sleep(BINDING_INTERVAL).await;
		let best = client.info().best_hash;
		let api = client.runtime_api();
		let (Ok(Some(registration)), Ok(chain)) =
			(api.registration_of(best, address), api.stake_chain(best))
		else {
			if announced != Some(false) {
				log::info!(target: LOG_TARGET, "signer {address:?} has no staked validator yet");
				announced = Some(false);
			}
			continue;
		};
		let Some(keys) = local_session_keys(&keystore, registration.session_keys.as_deref()) else {
			log::warn!(target: LOG_TARGET, "the keystore lacks an aura, grandpa or bttc key: generate them with author_rotateKeys");
			continue;
		};
		if registration.session_keys.as_deref() == Some(&keys.encode()[..]) {
			if announced != Some(true) {
				log::info!(target: LOG_TARGET, "session keys bound to validator {}", registration.validator_id);
				announced = Some(true);
			}
			continue;
		}
		let Ok(Some(genesis)) = client.hash(Zero::zero()) else { continue };
		let mut genesis_bytes = [0u8; 32];
		let encoded = genesis.encode();
		if encoded.len() != 32 {
			log::error!(target: LOG_TARGET, "the genesis hash is not 32 bytes: cannot bind");
			return;
		}
		genesis_bytes.copy_from_slice(&encoded);
		let digest = session_keys_binding_digest(
			&genesis_bytes,
			chain,
			registration.validator_id,
			registration.binding_nonce,
			&keys.encode(),
		);
		let proofs = match ownership_proofs(&keystore, &keys, &digest) {
			Ok(proofs) => proofs,
			Err(e) => {
				log::warn!(target: LOG_TARGET, "cannot prove the session keys: {e}");
				continue;
			}
		};
		let signature = signer.sign_prehashed(&digest).0;
		let xt = extrinsics.bind_session_keys(registration.validator_id, keys, signature, proofs);
		match pool.submit_one(best, TransactionSource::Local, xt).await {
			Ok(_) => log::info!(
				target: LOG_TARGET,
				"🔗 Binding this node's session keys to validator {}",
				registration.validator_id
			),
			Err(e) => {
				log::warn!(target: LOG_TARGET, "binding refused by the transaction pool: {e}")
			}
		}
	}
}
