//! Validator duties beside authoring and voting:
//!
//! - **Root-chain listener**: for every root chain in `--root-chains`, follow `StakeManager`'s
//!   confirmed logs ([`bttc_relayer::follower`]) and report each staking event to the bridge
//!   pallet as an unsigned extrinsic signed with this node's `bttc` attestation key. The
//!   bridge applies an event once validators with 2/3 + 1 of stake reported the same content.
//! - **Session-key binding**: with `--root-signer-key`, when this node's session keys are not
//!   the ones bound to its root-chain validator, sign the binding with the signer key
//!   (secp256k1) and submit `Staking::bind_session_keys`.

use crate::service::FullClient;
use bttc_primitives::staking::{
	session_keys_binding_digest, signer_address, SignerPubkey, StakingApi,
};
use bttc_relayer::{
	client::RootChainClient,
	config::ChainConfig,
	follower::{CursorFile, Follower, ObservedEvent},
};
use bttc_runtime::{opaque::Block, RuntimeCall};
use codec::Encode;
use sc_client_api::{BlockBackend, HeaderBackend};
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_core::ecdsa;
use sp_keystore::KeystorePtr;
use std::{path::PathBuf, sync::Arc, time::Duration};

const LOG_TARGET: &str = "bttc-duties";
/// How often the listener asks the root chains for new blocks.
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How often the binding duty checks the bound keys.
const BINDING_INTERVAL: Duration = Duration::from_secs(6);
/// On start, re-read this many blocks before the stored cursor: reports still in the pool of
/// a stopped node were lost with it. The bridge refuses the ones already counted.
const RESTART_REWIND_CONFIRMATIONS: u64 = 4;

/// What the duties need from the command line.
#[derive(Clone, Default)]
pub struct DutiesConfig {
	/// Root chains to follow.
	pub root_chains: Vec<ChainConfig>,
	/// The validator's root-chain signer key, to bind session keys.
	pub signer_key: Option<ecdsa::Pair>,
	/// Where cursors are kept (inside the node's chain data directory).
	pub state_dir: PathBuf,
}

type Pool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// Starts the duties as tasks of the node.
pub fn spawn(
	task_manager: &sc_service::TaskManager,
	client: Arc<FullClient>,
	pool: Arc<Pool>,
	keystore: KeystorePtr,
	config: DutiesConfig,
) {
	for chain in config.root_chains {
		let cursor = config.state_dir.join(format!("{:?}.cursor.json", chain.chain).to_lowercase());
		let (client, pool, keystore) = (client.clone(), pool.clone(), keystore.clone());
		task_manager.spawn_essential_handle().spawn(
			"root-chain-listener",
			Some("duties"),
			async move { listen(chain, cursor, client, pool, keystore).await },
		);
	}
	if let Some(signer) = config.signer_key {
		task_manager.spawn_handle().spawn("session-key-binding", Some("duties"), async move {
			bind_keys(signer, client, pool, keystore).await
		});
	}
}

async fn listen(
	chain: ChainConfig,
	cursor: PathBuf,
	client: Arc<FullClient>,
	pool: Arc<Pool>,
	keystore: KeystorePtr,
) {
	let follower = RootChainClient::new(&chain.rpc_url, chain.transport).and_then(|rpc| {
		Follower::new(
			chain.chain,
			rpc,
			chain.stake_manager,
			chain.confirmations,
			CursorFile::new(cursor),
			chain.start_block,
			chain.confirmations.saturating_mul(RESTART_REWIND_CONFIRMATIONS),
		)
	});
	let mut follower = match follower {
		Ok(follower) => follower,
		Err(e) => {
			log::error!(target: LOG_TARGET, "{:?} listener not started: {e}", chain.chain);
			return;
		}
	};
	log::info!(
		target: LOG_TARGET,
		"👂 Following {:?} StakeManager {:?} at {} from block {} ({} confirmations){}",
		chain.chain,
		chain.stake_manager,
		chain.rpc_url,
		follower.next_block(),
		chain.confirmations,
		chain.emulation.as_ref().map(|e| format!(" — EMULATION: {e}")).unwrap_or_default(),
	);
	let mut failing = false;
	loop {
		match follower
			.poll(|e| log::warn!(target: LOG_TARGET, "skipping a malformed root-chain log: {e}"))
			.await
		{
			Ok(events) => {
				if failing {
					log::info!(target: LOG_TARGET, "{:?} reachable again", chain.chain);
					failing = false;
				}
				for event in events {
					report(&client, &pool, &keystore, event).await;
				}
			}
			Err(e) => {
				// Log the first failure of a streak only: a root chain may be down for hours.
				if !failing {
					log::warn!(target: LOG_TARGET, "{:?} listener: {e}; retrying", chain.chain);
					failing = true;
				}
			}
		}
		tokio::time::sleep(POLL_INTERVAL).await;
	}
}

/// The runtime's extrinsic format without pallet-revive's Ethereum wrapper, which encodes the
/// same bytes and can build unsigned (bare) extrinsics.
type SubstrateExtrinsic = sp_runtime::generic::UncheckedExtrinsic<
	bttc_runtime::Address,
	RuntimeCall,
	bttc_runtime::Signature,
	bttc_runtime::TxExtension,
>;

async fn submit(client: &FullClient, pool: &Pool, call: RuntimeCall) -> Result<(), String> {
	let xt = sp_runtime::OpaqueExtrinsic::try_from_encoded_extrinsic(
		&SubstrateExtrinsic::new_bare(call).encode(),
	)
	.map_err(|e| e.to_string())?;
	let best = client.info().best_hash;
	pool.submit_one(best, TransactionSource::Local, xt).await.map(|_| ()).map_err(|e| e.to_string())
}

async fn report(client: &FullClient, pool: &Pool, keystore: &KeystorePtr, observed: ObservedEvent) {
	let Some(key) = keystore.sr25519_public_keys(pallet_bttc_bridge::KEY_TYPE).into_iter().next()
	else {
		log::warn!(target: LOG_TARGET, "no `bttc` key in the keystore: cannot report root-chain events");
		return;
	};
	let Ok(Some(genesis)) = client.block_hash(0) else { return };
	let report = pallet_bttc_bridge::Report {
		chain: observed.chain,
		tx_hash: observed.tx_hash,
		log_index: observed.log_index,
		block_number: observed.block_number,
		event: observed.event,
	};
	let payload = pallet_bttc_bridge::report_signing_payload(&genesis, &report);
	let signature = match keystore.sr25519_sign(pallet_bttc_bridge::KEY_TYPE, &key, &payload) {
		Ok(Some(signature)) => signature,
		other => {
			log::warn!(target: LOG_TARGET, "cannot sign a report: {other:?}");
			return;
		}
	};
	let what = format!(
		"{} of validator {} nonce {} (tx {:?}, log {})",
		event_name(&report.event),
		report.event.validator_id(),
		report.event.nonce(),
		report.tx_hash,
		report.log_index
	);
	let call = RuntimeCall::Bridge(pallet_bttc_bridge::Call::report {
		report,
		authority: key.into(),
		signature: signature.into(),
	});
	match submit(client, pool, call).await {
		Ok(()) => log::info!(target: LOG_TARGET, "📣 Reported {what}"),
		// Already processed, already voted, or already in the pool: nothing to do.
		Err(e) => log::debug!(target: LOG_TARGET, "report of {what} not submitted: {e}"),
	}
}

fn event_name(event: &bttc_primitives::staking::StakingEvent) -> &'static str {
	use bttc_primitives::staking::StakingEvent::*;
	match event {
		Staked { .. } => "Staked",
		Restaked { .. } => "Restaked",
		StakeUpdate { .. } => "StakeUpdate",
		SignerChange { .. } => "SignerChange",
		UnstakeInit { .. } => "UnstakeInit",
		Unstaked { .. } => "Unstaked",
	}
}

/// SCALE encoding of this node's session keys as the staking pallet binds them; `None` if
/// the keystore lacks one of them.
fn local_session_keys(keystore: &KeystorePtr) -> Option<bttc_runtime::configs::StakingSessionKeys> {
	use sp_core::crypto::key_types::{AURA, GRANDPA};
	Some(pallet_bttc_staking::SessionKeys {
		aura: keystore.sr25519_public_keys(AURA).into_iter().next()?.into(),
		grandpa: keystore.ed25519_public_keys(GRANDPA).into_iter().next()?.into(),
		attestation: keystore
			.sr25519_public_keys(pallet_bttc_bridge::KEY_TYPE)
			.into_iter()
			.next()?
			.into(),
	})
}

/// The uncompressed public key of `pair` (what `StakeManager` stores).
fn uncompressed(pair: &ecdsa::Pair) -> Option<SignerPubkey> {
	let digest = [0u8; 32];
	sp_io::crypto::secp256k1_ecdsa_recover(&pair.sign_prehashed(&digest).0, &digest).ok()
}

async fn bind_keys(
	signer: ecdsa::Pair,
	client: Arc<FullClient>,
	pool: Arc<Pool>,
	keystore: KeystorePtr,
) {
	let Some(pubkey) = uncompressed(&signer) else { return };
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
		let Some(keys) = local_session_keys(&keystore) else {
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
		let Ok(Some(genesis)) = client.block_hash(0) else { continue };
		let digest = session_keys_binding_digest(
			genesis.as_fixed_bytes(),
			chain,
			registration.validator_id,
			registration.binding_nonce,
			&keys.encode(),
		);
		let signature = signer.sign_prehashed(&digest).0;
		let call = RuntimeCall::Staking(pallet_bttc_staking::Call::bind_session_keys {
			validator_id: registration.validator_id,
			keys,
			signature,
		});
		match submit(&client, &pool, call).await {
			Ok(()) => log::info!(
				target: LOG_TARGET,
				"🔗 Binding this node's session keys to validator {}",
				registration.validator_id
			),
			Err(e) => log::debug!(target: LOG_TARGET, "binding not submitted: {e}"),
		}
	}
}
