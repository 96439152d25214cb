//! End to end: 4 validators checkpoint the sidechain to 3 root chains (anvils: the TRON
//! stand-in behind the emulated TRON HTTP API, an Ethereum-like and a BSC-like chain).
//!
//! 1. At least 3 consecutive checkpoints land and are acknowledged on every root chain, each
//!    root equal to `bttc_getRootHash` of its range; a block's inclusion proof from
//!    `bttc_getInclusionProof` verifies in the root chain's `CheckpointVerifier`, with the
//!    leaf made from the block eth-rpc serves.
//! 2. The proposer of a pending checkpoint is killed before it submits: after the no-ack the
//!    next proposer submits.
//! 3. Every node is restarted while a checkpoint is in flight; afterwards every header block
//!    was still submitted exactly once per chain (no second `submitCheckpoint` transaction).

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use jsonrpsee::rpc_params;
use serde_json::Value;
use std::{
	collections::BTreeMap,
	process::Command,
	time::{Duration, Instant},
};

const CHAINS: [&str; 3] = ["tron", "ethereum", "bsc"];

fn cast_call(url: &str, to: &str, args: &[&str]) -> Vec<String> {
	let out = run(Command::new(foundry("cast")).args(["call", "--rpc-url", url, to]).args(args));
	// cast annotates big numbers: `1000000 [1e6]`.
	out.lines().map(|l| l.split(' ').next().unwrap_or_default().to_string()).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HeaderBlock {
	root: String,
	start: u64,
	end: u64,
	proposer: String,
}

fn current_header_block(chain: &RootChain) -> u64 {
	cast_call(&chain.url, &chain.contract("RootChain"), &["currentHeaderBlock()(uint256)"])[0]
		.parse()
		.unwrap()
}

fn header_block(chain: &RootChain, id: u64) -> HeaderBlock {
	let out = cast_call(
		&chain.url,
		&chain.contract("RootChain"),
		&["headerBlocks(uint256)(bytes32,uint256,uint256,uint256,address)", &id.to_string()],
	);
	HeaderBlock {
		root: out[0].to_lowercase(),
		start: out[1].parse().unwrap(),
		end: out[2].parse().unwrap(),
		proposer: out[4].to_lowercase(),
	}
}

/// Every `submitCheckpoint` transaction sent to `chain`'s `RootChain`, with its status.
async fn submissions(chain: &RootChain) -> Vec<(String, bool)> {
	let root_chain = chain.contract("RootChain").to_lowercase();
	let selector =
		format!("0x{}", hex(&sp_io::hashing::keccak_256(b"submitCheckpoint(bytes,bytes)")[..4]));
	let latest = chain.block_number().await.unwrap();
	let mut found = Vec::new();
	for n in 0..=latest {
		let block =
			rpc(&chain.url, "eth_getBlockByNumber", serde_json::json!([format!("0x{n:x}"), true]))
				.await
				.unwrap();
		for tx in block["transactions"].as_array().unwrap() {
			let to = tx["to"].as_str().unwrap_or_default().to_lowercase();
			let input = tx["input"].as_str().unwrap_or_default();
			if to == root_chain && input.starts_with(&selector) {
				let hash = tx["hash"].as_str().unwrap().to_string();
				let receipt =
					rpc(&chain.url, "eth_getTransactionReceipt", serde_json::json!([hash]))
						.await
						.unwrap();
				found.push((hash, receipt["status"].as_str() == Some("0x1")));
			}
		}
	}
	found
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Signer address (lower case) → dev validator name, from `scripts/validators.dev.json`.
fn validator_names() -> BTreeMap<String, String> {
	let text = std::fs::read_to_string(repo_root().join("scripts/validators.dev.json")).unwrap();
	let file: Value = serde_json::from_str(&text).unwrap();
	file["validators"]
		.as_array()
		.unwrap()
		.iter()
		.map(|v| {
			(
				v["signer"].as_str().unwrap().to_lowercase(),
				v["sessionKeys"].as_str().unwrap().to_lowercase(),
			)
		})
		.collect()
}

async fn pending(node: &Node, chain: &str) -> Option<Value> {
	node.call("bttc_getPendingCheckpoint", rpc_params![chain]).await.filter(|v| !v.is_null())
}

/// Waits until every root chain has recorded at least `count` header blocks.
async fn wait_for_header_blocks(net: &Network, count: u64, timeout: Duration) {
	for name in CHAINS {
		let chain = net.root_chain(name).unwrap();
		wait_for(&format!("{count} header blocks on {name}"), timeout, || async {
			(current_header_block(chain) >= count).then_some(())
		})
		.await;
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn checkpoints_reach_every_root_chain_survive_a_dead_proposer_and_restarts() {
	let root = TempDir::new("checkpoints");
	eprintln!("logs of this test: {}", root.0.display());
	let mut config = NetworkConfig::local(root.0.clone());
	config.node_args = vec!["--log".into(), "bttc-duties=debug,bttc-relayer=debug".into()];
	let mut net = Network::start(config).await.unwrap();
	let names = validator_names();
	let started = Instant::now();

	// ----- 1. Three consecutive checkpoints on every root chain -----------------------------
	wait_for_header_blocks(&net, 3, Duration::from_secs(360)).await;
	eprintln!("3 header blocks on every root chain after {:?}", started.elapsed());
	let alice = &net.nodes[0];
	for name in CHAINS {
		let chain = net.root_chain(name).unwrap();
		let mut next_start = 1;
		for id in 1..=3 {
			let h = header_block(chain, id);
			assert_eq!(h.start, next_start, "{name} header block {id} follows the previous one");
			assert!(h.end >= h.start);
			let root_hash: String = serde_json::from_value(
				alice.call("bttc_getRootHash", rpc_params![h.start, h.end]).await.unwrap(),
			)
			.unwrap();
			assert_eq!(h.root, format!("0x{root_hash}"), "{name} header block {id}'s root");
			assert!(
				names.contains_key(&h.proposer),
				"{name}: proposer {} is a validator",
				h.proposer
			);
			next_start = h.end + 1;
		}
		// The sidechain applied the acks (attested NewHeaderBlock events).
		let covering = wait_for(
			&format!("{name} ack of header block 3 applied"),
			Duration::from_secs(60),
			|| async {
				let last_block = header_block(chain, 3).end;
				alice
					.call("bttc_getCheckpointCovering", rpc_params![name, last_block])
					.await
					.filter(|v| v["headerBlockId"].as_u64().is_some_and(|id| id >= 3))
			},
		)
		.await;
		assert_eq!(covering["rootChain"], name);
	}

	// An inclusion proof verifies on the root chain, with the leaf of the block eth-rpc serves.
	let ethereum = net.root_chain("ethereum").unwrap();
	let second = header_block(ethereum, 2);
	let number = second.start + (second.end - second.start) / 2;
	let proof =
		alice.call("bttc_getInclusionProof", rpc_params!["ethereum", number]).await.unwrap();
	assert_eq!(proof["checkpoint"]["headerBlockId"], 2);
	assert_eq!(proof["index"].as_u64(), Some(number - second.start));
	let block = rpc(
		&net.eth_rpcs[0].url,
		"eth_getBlockByNumber",
		serde_json::json!([format!("0x{number:x}"), false]),
	)
	.await
	.unwrap();
	let proof_bytes: String = proof["proof"]
		.as_array()
		.unwrap()
		.iter()
		.map(|h| h.as_str().unwrap().trim_start_matches("0x").to_string())
		.collect();
	let verified = cast_call(
		&ethereum.url,
		&ethereum.contract("CheckpointVerifier"),
		&[
			"isCheckpointed(uint256,uint256,uint256,bytes32,bytes32,bytes)(bool)",
			"2",
			&number.to_string(),
			&u64::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16)
				.unwrap()
				.to_string(),
			block["transactionsRoot"].as_str().unwrap(),
			block["receiptsRoot"].as_str().unwrap(),
			&format!("0x{proof_bytes}"),
		],
	);
	assert_eq!(verified, vec!["true"], "block {number}'s eth-rpc view is proven in header block 2");
	let leaf = cast_call(
		&ethereum.url,
		&ethereum.contract("CheckpointVerifier"),
		&[
			"blockLeaf(uint256,uint256,bytes32,bytes32)(bytes32)",
			&number.to_string(),
			&u64::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16)
				.unwrap()
				.to_string(),
			block["transactionsRoot"].as_str().unwrap(),
			block["receiptsRoot"].as_str().unwrap(),
		],
	);
	assert_eq!(Some(leaf[0].as_str()), proof["leaf"].as_str());

	// Bad input is refused with a reason.
	let refused = alice.call("bttc_getRootHash", rpc_params![10, 5]).await;
	assert!(refused.is_none(), "start after end is refused");

	// ----- 2. The proposer dies mid-round; the next one submits after the no-ack ------------
	// A fresh round on the Ethereum-like chain whose proposer is not alice (she answers RPC)
	// and which is not ready yet (its proposer cannot have submitted).
	let (victim_index, victim_signer, round_id, round_start) = wait_for(
		"a fresh Ethereum round proposed by bob, charlie or dave",
		Duration::from_secs(180),
		|| async {
			let p = pending(alice, "ethereum").await?;
			if p["ready"].as_bool()? {
				return None;
			}
			let proposer = p["proposer"].as_str()?.to_lowercase();
			let name = names.get(&proposer)?;
			let index = DEV_VALIDATORS.iter().position(|v| v == name)?;
			(index != 0)
				.then(|| (index, proposer, p["id"].as_u64().unwrap(), p["start"].as_u64().unwrap()))
		},
	)
	.await;
	net.stop_node(victim_index);
	eprintln!(
		"stopped {} (proposer of Ethereum round {round_id}, from block {round_start})",
		DEV_VALIDATORS[victim_index]
	);
	let ethereum = net.root_chain("ethereum").unwrap();
	let before = current_header_block(ethereum);
	let alice = &net.nodes[0];
	// The dead proposer's round expires (no-ack after the 20-block buffer) and another
	// proposer's checkpoint from the same start lands.
	wait_for("the next proposer's checkpoint on Ethereum", Duration::from_secs(240), || async {
		(current_header_block(ethereum) > before).then_some(())
	})
	.await;
	let landed = header_block(ethereum, before + 1);
	assert_eq!(
		landed.start, round_start,
		"the checkpoint after the no-ack starts where the dead round did"
	);
	assert_ne!(landed.proposer, victim_signer, "someone else submitted it");
	let later_round = pending(alice, "ethereum").await.map(|p| p["id"].as_u64().unwrap());
	eprintln!(
		"Ethereum header block {} by {} (dead round {round_id}, now at {later_round:?})",
		before + 1,
		names[&landed.proposer]
	);
	net.restart_node(victim_index);

	// ----- 3. Every node restarts while a checkpoint is in flight ---------------------------
	let in_flight_chain =
		wait_for("a ready checkpoint (being submitted)", Duration::from_secs(180), || async {
			for name in CHAINS {
				let p = pending(&net.nodes[0], name).await?;
				if p["ready"].as_bool() == Some(true) {
					return Some(name);
				}
			}
			None
		})
		.await;
	let counts: Vec<u64> =
		CHAINS.iter().map(|n| current_header_block(net.root_chain(n).unwrap())).collect();
	for i in 0..net.nodes.len() {
		net.stop_node(i);
	}
	eprintln!("stopped every node while a {in_flight_chain} checkpoint was ready; header blocks {counts:?}");
	tokio::time::sleep(Duration::from_secs(3)).await;
	for i in 0..net.specs.len() {
		net.restart_node(i);
	}
	let targets: Vec<u64> = counts.iter().map(|c| c + 2).collect();
	for (name, target) in CHAINS.iter().zip(&targets) {
		let chain = net.root_chain(name).unwrap();
		wait_for(
			&format!("{name} to record header block {target} after the restarts"),
			Duration::from_secs(300),
			|| async { (current_header_block(chain) >= *target).then_some(()) },
		)
		.await;
	}

	// Exactly once: one successful submitCheckpoint per header block, and none refused.
	for name in CHAINS {
		let chain = net.root_chain(name).unwrap();
		let recorded = current_header_block(chain);
		let sent = submissions(chain).await;
		let failed: Vec<_> = sent.iter().filter(|(_, ok)| !ok).collect();
		eprintln!("{name}: {recorded} header blocks, {} submissions", sent.len());
		assert!(
			failed.is_empty(),
			"{name}: submissions that reverted (a second submission of a header block): {failed:?}"
		);
		assert_eq!(sent.len() as u64, recorded, "{name}: one submission per header block");
		for id in 2..=recorded {
			assert_eq!(
				header_block(chain, id).start,
				header_block(chain, id - 1).end + 1,
				"{name}: consecutive"
			);
		}
	}
	let emulation_log =
		std::fs::read_to_string(net.logs().join("root-chain-tron-tron-api-emulation.log")).unwrap();
	assert!(
		emulation_log.contains("[TRON emulation] broadcasttransaction"),
		"TRON checkpoints went through the HTTP API"
	);
	eprintln!("done in {:?}", started.elapsed());
}
