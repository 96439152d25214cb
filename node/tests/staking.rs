//! End to end: the 4-validator local network follows a real root chain (anvil with the real
//! contracts, standing in for TRON), through the shared launcher (`bttc-network`).
//!
//! 1. Two of four validators are stopped for longer than the report TTL while a fifth
//!    validator (Eve) stakes on the root chain: the other two report, their votes expire, and
//!    nothing is applied (2 of 4 is below 2/3). When the two come back, every validator
//!    reports again and the event is applied exactly once; Eve's node binds its keys (signer
//!    signature and proofs of possession) and Eve joins the span's validators and GRANDPA at
//!    the next span.
//! 2. One validator's attestation key floods the chain with thousands of invented reports
//!    while Eve unstakes: the flood fills only that validator's vote slots, and the real
//!    event is applied within a sprint of its normal delay. Eve leaves at the next span.
//! 3. Bob restarts with his listener's cursor and journal gone: he reads the root chain again
//!    from its start, recognises every event as applied, and a report of an applied event
//!    signed with his key is refused by the chain as outdated. Nothing is applied twice.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use bttc_primitives::{
	attestation::{report_signing_payload, AttestedEvent, EventKey, KeyStatus, Report, VoterInfo},
	staking::{SignerRegistration, StakingEvent},
	RootChainId,
};
use codec::{Decode, Encode};
use sp_core::{ecdsa, sr25519, Pair as _, H160, H256};
use std::time::{Duration, Instant};

const CONFIRMATIONS: u64 = 2;
/// The local chain's sprint and report TTL (runtime presets).
const SPRINT: u64 = 4;
const REPORT_TTL: u64 = bttc_runtime::genesis_config_presets::DEV_REPORT_TTL as u64;
/// Eve's stake: 10,000 BTT, as much as each genesis validator.
const STAKE: &str = "10000000000000000000000";
/// Invented reports the flooding key sends.
const FLOOD: usize = 3_000;

fn uncompressed(pair: &ecdsa::Pair) -> [u8; 64] {
	let digest = [3u8; 32];
	sp_io::crypto::secp256k1_ecdsa_recover(&pair.sign_prehashed(&digest).0, &digest).ok().unwrap()
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&bytes))
}

async fn registration(node: &Node, signer: H160) -> Option<SignerRegistration> {
	node.runtime_call::<Option<SignerRegistration>>("StakingApi_registration_of", &signer.encode())
		.await?
}

async fn grandpa_authorities(node: &Node) -> Vec<(sp_consensus_grandpa::AuthorityId, u64)> {
	node.runtime_call("GrandpaApi_grandpa_authorities", &[]).await.unwrap_or_default()
}

async fn span_validator_ids(node: &Node) -> Option<(u64, Vec<u64>)> {
	let best = node.best_number().await? as u32;
	let span = node.span_of(best).await?;
	Some((span.id, span.validators.iter().map(|v| v.id).collect()))
}

/// `Attestation::ProcessedCount`: events applied so far.
async fn processed_count(node: &Node) -> Option<u64> {
	let key =
		[sp_io::hashing::twox_128(b"Attestation"), sp_io::hashing::twox_128(b"ProcessedCount")]
			.concat();
	let value = node.call("state_getStorage", jsonrpsee::rpc_params![hex(&key)]).await?;
	let bytes = match value.as_str() {
		Some(text) => sp_core::bytes::from_hex(text).ok()?,
		None => return Some(0),
	};
	u64::decode(&mut &bytes[..]).ok()
}

async fn key_status(node: &Node, voter: u32, key: EventKey) -> Option<KeyStatus> {
	let statuses: Vec<KeyStatus> =
		node.runtime_call("AttestationApi_key_status", &(voter, vec![key]).encode()).await?;
	statuses.into_iter().next()
}

async fn voter_info(node: &Node, key: &sr25519::Public) -> Option<VoterInfo> {
	let authority = bttc_primitives::attestation::crypto::AuthorityId::from(*key);
	node.runtime_call::<Option<VoterInfo>>("AttestationApi_voter", &authority.encode()).await?
}

/// `StakeManager`'s `Staked` event signature.
const STAKED_SIGNATURE: &str = "Staked(address,uint256,uint256,uint256,uint256,uint256,bytes)";

/// The attestation key of the `StakeManager` log with event signature `event` in a
/// `cast send --json` receipt.
fn event_key(receipt: &serde_json::Value, stake_manager: &str, event: &str) -> EventKey {
	let topic = format!("{:?}", H256(sp_io::hashing::keccak_256(event.as_bytes())));
	let log = receipt["logs"]
		.as_array()
		.unwrap()
		.iter()
		.find(|l| {
			l["address"].as_str().unwrap().eq_ignore_ascii_case(stake_manager)
				&& l["topics"][0].as_str() == Some(topic.as_str())
		})
		.unwrap_or_else(|| panic!("no {event} log of StakeManager in {receipt}"));
	let parse = |v: &serde_json::Value| {
		u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
	};
	let tx: [u8; 32] = sp_core::bytes::from_hex(receipt["transactionHash"].as_str().unwrap())
		.unwrap()
		.try_into()
		.unwrap();
	EventKey { chain: RootChainId::Tron, tx_hash: H256(tx), log_index: parse(&log["logIndex"]) }
}

/// `Attestation::report` as an unsigned extrinsic, signed with `signer`'s attestation key.
fn report_extrinsic(
	genesis: H256,
	signer: &sr25519::Pair,
	report: Report<AttestedEvent>,
	slot: u32,
	valid_until: u32,
) -> String {
	let payload = report_signing_payload(&genesis, &report, slot, valid_until);
	let signature = signer.sign(&payload);
	let call = bttc_runtime::RuntimeCall::Attestation(pallet_bttc_attestation::Call::report {
		report,
		slot,
		valid_until,
		authority: signer.public().into(),
		signature: signature.into(),
	});
	let xt = sp_runtime::generic::UncheckedExtrinsic::<
		bttc_runtime::Address,
		bttc_runtime::RuntimeCall,
		bttc_runtime::Signature,
		bttc_runtime::TxExtension,
	>::new_bare(call);
	hex(&xt.encode())
}

/// Submits an extrinsic; `Err` with the node's message if refused.
async fn submit(node: &Node, xt: String) -> Result<(), String> {
	use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder};
	let client = HttpClientBuilder::default().build(node.spec.rpc_url()).unwrap();
	client
		.request::<serde_json::Value, _>("author_submitExtrinsic", jsonrpsee::rpc_params![xt])
		.await
		.map(|_| ())
		.map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn attestation_survives_downtime_floods_and_restarts() {
	let root = TempDir::new("staking");
	eprintln!("logs of this test: {}", root.0.display());
	// Staking only: the stake chain, followed for StakeManager events (no checkpoint acks).
	let mut config = NetworkConfig::local_stake_chain_only(root.0.clone());
	config.confirmations = CONFIRMATIONS;
	config.node_args = vec!["--log".into(), "bttc-duties=debug".into()];
	let mut net = Network::start(config).await.unwrap();
	let anvil = net.stake_chain().unwrap();
	let stake_manager = anvil.contract("StakeManager");
	let token = anvil.contract("BTTToken");

	// Eve's node holds the fifth validator's signer key.
	let signer = ecdsa::Pair::from_seed(&[0x42; 32]);
	let signer_pubkey = uncompressed(&signer);
	let signer_address = bttc_primitives::staking::signer_address(&signer_pubkey);
	let key_file = root.0.join("eve-signer.key");
	std::fs::write(&key_file, hex(&[0x42u8; 32])).unwrap();
	let eve_spec = NodeSpec::new(4, "eve", &root.0);
	let mut specs = net.specs.clone();
	specs.push(eve_spec.clone());
	let mut eve_args = net.node_args.clone();
	eve_args.extend(["--root-signer-key".to_string(), key_file.display().to_string()]);
	let eve = Node::start_with(&eve_spec, "local", &specs, &net.logs(), &eve_args);

	let alice = &net.nodes[0];
	wait_for("#4 to be finalized", Duration::from_secs(180), || async {
		alice.finalized().await.filter(|(n, _)| *n >= 4)
	})
	.await;
	assert_eq!(span_validator_ids(alice).await.unwrap().1, vec![1, 2, 3, 4]);
	assert_eq!(registration(alice, signer_address).await, None);
	// The deployment staked the 4 dev validators: those 4 events are attested (and ignored by
	// staking, which has them from genesis).
	wait_for("the 4 genesis Staked events to be attested", Duration::from_secs(120), || async {
		processed_count(alice).await.filter(|n| *n == 4)
	})
	.await;
	let genesis = H256::from_slice(
		&sp_core::bytes::from_hex(alice.block_hash(0).await.unwrap().as_str()).unwrap(),
	);

	// ----- 1. Two validators down for longer than the report TTL ----------------------------
	net.stop_node(1);
	net.stop_node(2);
	let alice = &net.nodes[0];
	let anvil = net.stake_chain().unwrap();
	let pubkey_hex = hex(&signer_pubkey);
	anvil.cast_send(&token, &["approve(address,uint256)", &stake_manager, STAKE]);
	let staked = anvil.cast_send(
		&stake_manager,
		&["stakeFor(address,uint256,bool,bytes)", DEPLOYER, STAKE, "false", &pubkey_hex],
	);
	let staked_key = event_key(&staked, &stake_manager, STAKED_SIGNATURE);
	let voted_at = wait_for("alice to vote on Eve's Staked", Duration::from_secs(60), || async {
		match key_status(alice, 1, staked_key).await? {
			KeyStatus::Voted { .. } => alice.best_number().await,
			_ => None,
		}
	})
	.await;
	// Stay down past the TTL: the votes of alice and dave expire, nothing is applied.
	// With two of four validators down, backups author: blocks come every 4-6 s.
	wait_for("the report TTL to pass", Duration::from_secs(300), || async {
		alice.best_number().await.filter(|n| *n >= voted_at + REPORT_TTL + 4)
	})
	.await;
	assert_eq!(registration(alice, signer_address).await, None, "applied with 2 of 4 validators");
	assert!(!matches!(key_status(alice, 1, staked_key).await, Some(KeyStatus::Applied { .. })));
	let alice_log = std::fs::read_to_string(&alice.log).unwrap();
	assert!(
		alice_log.contains("Reported Staked of validator 5 nonce 1")
			&& alice_log.contains("again (attempt"),
		"alice did not report Eve's Staked again after its vote expired:\n{}",
		alice.log_tail()
	);

	// Bob and Charlie come back: every validator reports, the event is applied once.
	net.restart_node(1);
	net.restart_node(2);
	let alice = &net.nodes[0];
	let joined =
		wait_for("validator 5 to be attested and bound", Duration::from_secs(180), || async {
			registration(alice, signer_address).await.filter(|r| r.active)
		})
		.await;
	assert_eq!(joined.validator_id, 5);
	assert_eq!(joined.binding_nonce, 1, "Eve's node bound its keys once");
	assert_eq!(processed_count(alice).await, Some(5), "one more event applied, exactly once");

	// At the next span Eve is a span validator and a GRANDPA voter with an equal weight.
	let eve_grandpa: sp_consensus_grandpa::AuthorityId =
		sp_keyring::Ed25519Keyring::Eve.public().into();
	let (span_id, ids) = wait_for("a span with validator 5", Duration::from_secs(180), || async {
		span_validator_ids(alice).await.filter(|(_, ids)| ids.contains(&5))
	})
	.await;
	assert_eq!(ids, vec![1, 2, 3, 4, 5]);
	let authorities =
		wait_for("GRANDPA to follow span {span_id}", Duration::from_secs(30), || async {
			let a = grandpa_authorities(alice).await;
			a.iter().any(|(k, _)| k == &eve_grandpa).then_some(a)
		})
		.await;
	assert_eq!(authorities.len(), 5);
	assert!(authorities.iter().all(|(_, w)| *w == 200_000_000), "{authorities:?}");
	let (finalized_at_join, _) = alice.finalized().await.unwrap();
	wait_for("finality with five voters", Duration::from_secs(60), || async {
		alice.finalized().await.filter(|(n, _)| *n >= finalized_at_join + 4)
	})
	.await;
	eprintln!("span {span_id}: validators {ids:?}, GRANDPA {} voters", authorities.len());

	// ----- 2. A flood of invented reports -------------------------------------------------------
	let dave = sr25519::Pair::from_string("//Dave", None).unwrap();
	let best = alice.best_number().await.unwrap() as u32;
	let (mut accepted, mut refused) = (0usize, 0usize);
	let flood_started = Instant::now();
	for i in 0..FLOOD {
		let report = Report {
			chain: RootChainId::Tron,
			tx_hash: H256::from_low_u64_be(0xf100d000 + i as u64),
			log_index: 0,
			block_number: 1,
			event: AttestedEvent::Staking(StakingEvent::Unstaked { validator_id: 999, nonce: 1 }),
		};
		let slot = (i % 64) as u32;
		match submit(alice, report_extrinsic(genesis, &dave, report, slot, best + 30)).await {
			Ok(()) => accepted += 1,
			Err(_) => refused += 1,
		}
	}
	eprintln!(
		"flood: {FLOOD} invented reports in {:?}: {accepted} taken by the pool, {refused} refused",
		flood_started.elapsed()
	);
	assert!(
		accepted <= 64,
		"the pool took {accepted} reports of one validator: more than its slots"
	);

	// Eve unstakes now; measure from the moment the event is confirmed on the root chain.
	let anvil = net.stake_chain().unwrap();
	let unstake = anvil.cast_send(&stake_manager, &["unstake(uint256)", "5"]);
	let unstake_block =
		u64::from_str_radix(unstake["blockNumber"].as_str().unwrap().trim_start_matches("0x"), 16)
			.unwrap();
	wait_for("the unstake to be confirmed", Duration::from_secs(30), || async {
		anvil.block_number().await.filter(|n| *n >= unstake_block + CONFIRMATIONS)
	})
	.await;
	let confirmed_at = alice.best_number().await.unwrap();
	let left_at =
		wait_for("validator 5 to leave the active set", Duration::from_secs(120), || async {
			match registration(alice, signer_address).await {
				Some(r) if !r.active => alice.best_number().await,
				_ => None,
			}
		})
		.await;
	let delay = left_at.saturating_sub(confirmed_at);
	eprintln!("UnstakeInit applied {delay} blocks after its confirmation, under the flood");
	// Unflooded, an event is applied within ~3 blocks (poll, report, inclusion); the flood may
	// add at most one sprint.
	assert!(delay <= 3 + SPRINT, "the flood delayed a real event by {delay} blocks");
	let dave_slots = voter_info(alice, &dave.public()).await.map_or(0, |v| v.occupied.len());
	assert!(dave_slots <= 64, "dave holds {dave_slots} vote slots");
	wait_for("a span without validator 5", Duration::from_secs(180), || async {
		span_validator_ids(alice).await.filter(|(_, ids)| !ids.contains(&5))
	})
	.await;
	wait_for("GRANDPA without Eve", Duration::from_secs(30), || async {
		let a = grandpa_authorities(alice).await;
		(a.len() == 4 && a.iter().all(|(k, _)| k != &eve_grandpa)).then_some(())
	})
	.await;

	// ----- 3. Bob restarts with his cursor and journal gone --------------------------------------
	let applied_before = processed_count(alice).await.unwrap();
	net.stop_node(1);
	for chain in std::fs::read_dir(net.specs[1].base_path.join("chains")).unwrap().flatten() {
		std::fs::remove_dir_all(chain.path().join("root-chains")).unwrap();
	}
	let best = net.nodes[0].best_number().await.unwrap();
	net.restart_node(1);
	let bob = &net.nodes[1];
	wait_for("bob to catch up", Duration::from_secs(120), || async {
		bob.best_number().await.filter(|n| *n >= best + 5)
	})
	.await;
	wait_for("bob to recognise Eve's Staked as applied", Duration::from_secs(60), || async {
		let log = std::fs::read_to_string(&bob.log).ok()?;
		log.lines()
			.any(|l| l.contains("Staked of validator 5 nonce 1") && l.contains("already applied"))
			.then_some(())
	})
	.await;
	// A report of the applied event, signed by bob, is refused by the chain.
	let bob_key = sr25519::Pair::from_string("//Bob", None).unwrap();
	let replay = Report {
		chain: staked_key.chain,
		tx_hash: staked_key.tx_hash,
		log_index: staked_key.log_index,
		block_number: 1,
		event: AttestedEvent::Staking(StakingEvent::Unstaked { validator_id: 5, nonce: 9 }),
	};
	let now = bob.best_number().await.unwrap() as u32;
	let refusal = submit(bob, report_extrinsic(genesis, &bob_key, replay, 63, now + 10)).await;
	assert!(
		refusal.as_ref().is_err_and(|e| e.contains("outdated")),
		"a report of an applied event was not refused as outdated: {refusal:?}"
	);
	let after = registration(bob, signer_address).await.expect("validator 5 is still known");
	assert!(!after.active, "the unstaked validator was re-activated: {after:?}");
	assert_eq!(after.binding_nonce, 1);
	assert_eq!(processed_count(bob).await, Some(applied_before), "an event was applied twice");
	for node in net.nodes.iter_mut() {
		assert!(node.is_running(), "{} exited:\n{}", node.spec.name, node.log_tail());
	}
	drop(eve);
}
