//! End to end: the 4-validator local network follows a real root chain (anvil with the real
//! contracts, standing in for TRON). A fifth validator stakes on anvil; after the
//! confirmations the validators attest the `Staked` event, its node binds its session keys
//! with its root-chain signer key, and at the next span it is in the span's validator set
//! and GRANDPA's authorities, weighted by stake. It unstakes and leaves the same way.
//! Restarting a validator's node re-reports old events; none is applied twice.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

mod common;

use bttc_primitives::staking::SignerRegistration;
use codec::Encode;
use common::*;
use sp_core::{ecdsa, Pair as _, H160};
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];
const CONFIRMATIONS: u64 = 2;
/// Anvil's first dev key: the deployer, which holds the BTT supply and stakes for the new
/// validator.
const DEPLOYER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEPLOYER: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// Eve's stake: 10,000 BTT, as much as each genesis validator.
const STAKE: &str = "10000000000000000000000";

fn repo() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn foundry(tool: &str) -> PathBuf {
	repo().join(format!("contracts/node_modules/@foundry-rs/{tool}-linux-amd64/bin/{tool}"))
}

struct Anvil(Child);
impl Drop for Anvil {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

fn run(cmd: &mut Command) -> String {
	let out = cmd.stdin(Stdio::null()).output().unwrap();
	assert!(
		out.status.success(),
		"{cmd:?} failed:\n{}\n{}",
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr)
	);
	String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn cast_send(rpc: &str, to: &str, args: &[&str]) {
	run(Command::new(foundry("cast"))
		.args(["send", "--rpc-url", rpc, "--private-key", DEPLOYER_KEY, to])
		.args(args));
}

fn uncompressed(pair: &ecdsa::Pair) -> [u8; 64] {
	let digest = [3u8; 32];
	sp_io::crypto::secp256k1_ecdsa_recover(&pair.sign_prehashed(&digest).0, &digest).ok().unwrap()
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

#[tokio::test(flavor = "multi_thread")]
async fn a_validator_staked_on_the_root_chain_joins_and_leaves_at_span_boundaries() {
	let root = TempDir::new("staking");
	eprintln!("logs of this test: {}", root.0.display());

	// The root chain: anvil mining a block per second, with the contracts and the 4 dev
	// validators staked from scripts/validators.dev.json.
	let anvil_port = free_port();
	let anvil_url = format!("http://127.0.0.1:{anvil_port}");
	let _anvil = Anvil(
		Command::new(foundry("anvil"))
			.args(["--port", &anvil_port.to_string(), "--block-time", "1", "--silent"])
			.stdin(Stdio::null())
			.spawn()
			.unwrap(),
	);
	tokio::time::sleep(Duration::from_secs(2)).await;
	let deployment = root.0.join("root-chain.json");
	run(Command::new(repo().join("scripts/deploy-contracts.sh"))
		.arg(&anvil_url)
		.arg(&deployment)
		.env("BTTC_ROOT_MODE", "stake"));
	let deployed: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&deployment).unwrap()).unwrap();
	let stake_manager = deployed["contracts"]["StakeManager"].as_str().unwrap().to_string();
	let token = deployed["contracts"]["BTTToken"].as_str().unwrap().to_string();
	let root_chains = root.0.join("root-chains.json");
	std::fs::write(
		&root_chains,
		serde_json::json!({ "chains": [{
			"chain": "tron",
			"transport": "ethereum",
			"rpcUrl": anvil_url,
			"stakeManager": stake_manager,
			"confirmations": CONFIRMATIONS,
			"emulation": "anvil stands in for TRON in this test",
		}]})
		.to_string(),
	)
	.unwrap();
	let duty_args = vec![
		"--root-chains".to_string(),
		root_chains.display().to_string(),
		"--log".to_string(),
		"bttc-duties=debug".to_string(),
	];

	// The four genesis validators and Eve, whose node holds the new validator's signer key.
	let mut specs: Vec<NodeSpec> =
		VALIDATORS.iter().enumerate().map(|(i, name)| NodeSpec::new(i, name, &root.0)).collect();
	specs.push(NodeSpec::new(4, "eve", &root.0));
	let signer = ecdsa::Pair::from_seed(&[0x42; 32]);
	let signer_pubkey = uncompressed(&signer);
	let signer_address = bttc_primitives::staking::signer_address(&signer_pubkey);
	let key_file = root.0.join("eve-signer.key");
	std::fs::write(
		&key_file,
		format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&[0x42u8; 32])),
	)
	.unwrap();
	let mut nodes: Vec<Node> = specs
		.iter()
		.map(|spec| {
			let mut extra = duty_args.clone();
			if spec.name == "eve" {
				extra.extend(["--root-signer-key".to_string(), key_file.display().to_string()]);
			}
			Node::start_with(spec, "local", &specs, &root.0, &extra)
		})
		.collect();
	let alice = &nodes[0];
	wait_for("#4 to be finalized", Duration::from_secs(180), || async {
		alice.finalized().await.filter(|(n, _)| *n >= 4)
	})
	.await;
	assert_eq!(span_validator_ids(alice).await.unwrap().1, vec![1, 2, 3, 4]);
	assert_eq!(registration(alice, signer_address).await, None);

	// 1. Eve's validator stakes on the root chain.
	let pubkey_hex = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&signer_pubkey));
	cast_send(&anvil_url, &token, &["approve(address,uint256)", &stake_manager, STAKE]);
	cast_send(
		&anvil_url,
		&stake_manager,
		&["stakeFor(address,uint256,bool,bytes)", DEPLOYER, STAKE, "false", &pubkey_hex],
	);
	let joined =
		wait_for("validator 5 to be attested and bound", Duration::from_secs(120), || async {
			registration(alice, signer_address).await.filter(|r| r.active)
		})
		.await;
	assert_eq!(joined.validator_id, 5);
	assert_eq!(joined.binding_nonce, 1, "Eve's node bound its keys once");
	eprintln!("validator 5 active: {joined:?}");

	// 2. At the next span start it is in the span's validators and votes in GRANDPA with an
	// equal fifth of the weight.
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

	// 3. It unstakes: inactive at once, out of the span and GRANDPA at the next boundary.
	cast_send(&anvil_url, &stake_manager, &["unstake(uint256)", "5"]);
	wait_for("validator 5 to leave the active set", Duration::from_secs(120), || async {
		registration(alice, signer_address).await.filter(|r| !r.active)
	})
	.await;
	wait_for("a span without validator 5", Duration::from_secs(180), || async {
		span_validator_ids(alice).await.filter(|(_, ids)| !ids.contains(&5))
	})
	.await;
	wait_for("GRANDPA without Eve", Duration::from_secs(30), || async {
		let a = grandpa_authorities(alice).await;
		(a.len() == 4 && a.iter().all(|(k, _)| k != &eve_grandpa)).then_some(())
	})
	.await;

	// 4. Restart Bob: his listener re-reads recent root-chain blocks and re-reports; the
	// bridge refuses what it already applied, so the set stays as it is.
	let best = alice.best_number().await.unwrap();
	let bob_spec = nodes[1].spec.clone();
	nodes.remove(1).kill();
	nodes.insert(1, Node::start_with(&bob_spec, "local", &specs, &root.0, &duty_args));
	let bob = &nodes[1];
	wait_for("bob to catch up", Duration::from_secs(120), || async {
		bob.best_number().await.filter(|n| *n >= best + 5)
	})
	.await;
	tokio::time::sleep(Duration::from_secs(10)).await;
	let after = registration(bob, signer_address).await.expect("validator 5 is still known");
	assert!(!after.active, "the unstaked validator was re-activated: {after:?}");
	assert_eq!(after.binding_nonce, 1);
	assert_eq!(span_validator_ids(bob).await.unwrap().1, vec![1, 2, 3, 4]);
	let log = std::fs::read_to_string(&bob.log).unwrap();
	assert!(log.contains("👂 Following Tron"), "bob's listener did not start:\n{}", bob.log_tail());
	for node in nodes.iter_mut() {
		assert!(node.is_running(), "{} exited:\n{}", node.spec.name, node.log_tail());
	}
}
