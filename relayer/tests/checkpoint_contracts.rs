//! The sidechain's checkpoint encoding against the real contracts on a real anvil: the Rust
//! leaf, Merkle root and proofs are what `CheckpointVerifier` (the contracts' `Merkle`)
//! accepts; the Rust digest is what `RootChain.checkpointDigest` computes; a checkpoint signed
//! in Rust by the dev validators' signer keys is recorded by `RootChain` with 3 of 4 signers
//! and refused with 2.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::{foundry, run, RootChain, RootChainConfig, TempDir};
use bttc_primitives::{
	checkpoint::{merkle_proof, merkle_root, BlockLeaf, Checkpoint},
	RootChainId,
};
use sp_core::{ecdsa, Pair, H160, H256};
use std::process::Command;

const CHILD_CHAIN_ID: u64 = 19902;

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&bytes))
}

fn cast_call(url: &str, to: &str, args: &[&str]) -> String {
	run(Command::new(foundry("cast")).args(["call", "--rpc-url", url, to]).args(args))
}

fn leaf(n: u64) -> BlockLeaf {
	BlockLeaf {
		number: n,
		timestamp: 1_700_000_000 + 2 * n,
		transactions_root: H256::from_low_u64_be(0x1000 + n),
		receipts_root: H256::from_low_u64_be(0x2000 + n),
	}
}

/// The dev validators' signer keys (`scripts/validators.dev.json`).
fn dev_signers() -> Vec<(H160, ecdsa::Pair)> {
	let file = bttc_network::repo_root().join("scripts/validators.dev.json");
	let json: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
	json["validators"]
		.as_array()
		.unwrap()
		.iter()
		.map(|v| {
			let secret = sp_core::bytes::from_hex(v["devPrivateKey"].as_str().unwrap()).unwrap();
			let signer = sp_core::bytes::from_hex(v["signer"].as_str().unwrap()).unwrap();
			(H160::from_slice(&signer), ecdsa::Pair::from_seed_slice(&secret).unwrap())
		})
		.collect()
}

/// `sigs` of the first `count` signers, sorted by signer address, `v` 27 or 28.
fn signatures(digest: &[u8; 32], count: usize) -> Vec<u8> {
	let mut signers = dev_signers();
	signers.truncate(count);
	signers.sort_by_key(|(address, _)| *address);
	signers
		.iter()
		.flat_map(|(_, pair)| {
			let mut signature = pair.sign_prehashed(digest).0;
			signature[64] += 27;
			signature
		})
		.collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_checkpoints_are_what_the_contracts_accept() {
	let dir = TempDir::new("checkpoint-contracts");
	let config = RootChainConfig {
		block_time: None,
		child_chain_id: Some(CHILD_CHAIN_ID),
		first_block: Some(1),
		..Default::default()
	};
	let chain = RootChain::start(&dir.0, &config).await.unwrap();
	let (url, root_chain, verifier) =
		(&chain.url, chain.contract("RootChain"), chain.contract("CheckpointVerifier"));

	// Leaves: the contract's blockLeaf of the same fields.
	let leaves: Vec<H256> = (1..=7).map(|n| leaf(n).hash()).collect();
	for n in [1u64, 7] {
		let l = leaf(n);
		let theirs = cast_call(
			url,
			&verifier,
			&[
				"blockLeaf(uint256,uint256,bytes32,bytes32)(bytes32)",
				&n.to_string(),
				&l.timestamp.to_string(),
				&format!("{:?}", l.transactions_root),
				&format!("{:?}", l.receipts_root),
			],
		);
		assert_eq!(theirs, format!("{:?}", leaves[n as usize - 1]));
	}

	// Roots and proofs of 1..=7 leaves, every index: accepted at its index, refused at another.
	for count in 1..=7usize {
		let root = merkle_root(&leaves[..count]);
		for index in 0..count {
			let proof: Vec<u8> =
				merkle_proof(&leaves[..count], index).unwrap().iter().flat_map(|h| h.0).collect();
			let check = |at: usize| {
				cast_call(
					url,
					&verifier,
					&[
						"checkMembership(bytes32,uint256,bytes32,bytes)(bool)",
						&format!("{:?}", leaves[index]),
						&at.to_string(),
						&format!("{root:?}"),
						&hex(&proof),
					],
				)
			};
			assert_eq!(check(index), "true", "{count} leaves, index {index}");
			if count > 1 {
				assert_eq!(check((index + 1) % count), "false", "{count} leaves, index {index}");
			}
		}
	}

	// The digest of a checkpoint of blocks 1..=7, computed by RootChain itself.
	let checkpoint = Checkpoint {
		root_chain: RootChainId::Tron,
		proposer: dev_signers()[0].0,
		start: 1,
		end: 7,
		root_hash: merkle_root(&leaves),
		account_root_hash: H256::zero(),
	};
	let data = checkpoint.abi_data(CHILD_CHAIN_ID);
	let digest = checkpoint.digest(CHILD_CHAIN_ID);
	let theirs = cast_call(url, &root_chain, &["checkpointDigest(bytes)(bytes32)", &hex(&data)]);
	assert_eq!(theirs, hex(&digest));

	// Signed in Rust: 2 of 4 validators are refused, 3 of 4 recorded.
	let submit = |sigs: Vec<u8>| {
		Command::new(foundry("cast"))
			.args(["send", "--rpc-url", url, "--private-key", bttc_network::DEPLOYER_KEY])
			.args([&root_chain, "submitCheckpoint(bytes,bytes)", &hex(&data), &hex(&sigs)])
			.output()
			.unwrap()
	};
	assert!(!submit(signatures(&digest, 2)).status.success(), "2 of 4 signers were accepted");
	let out = submit(signatures(&digest, 3));
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let header = cast_call(
		url,
		&root_chain,
		&["headerBlocks(uint256)(bytes32,uint256,uint256,uint256,address)", "1"],
	);
	assert!(header.starts_with(&format!("{:?}", checkpoint.root_hash)), "{header}");
	assert_eq!(cast_call(url, &root_chain, &["nextStartBlock()(uint256)"]), "8");

	// And the verifier proves a block of it against the recorded header block.
	let proof: Vec<u8> = merkle_proof(&leaves, 3).unwrap().iter().flat_map(|h| h.0).collect();
	let l = leaf(4);
	let proven = cast_call(
		url,
		&verifier,
		&[
			"isCheckpointed(uint256,uint256,uint256,bytes32,bytes32,bytes)(bool)",
			"1",
			"4",
			&l.timestamp.to_string(),
			&format!("{:?}", l.transactions_root),
			&format!("{:?}", l.receipts_root),
			&hex(&proof),
		],
	);
	assert_eq!(proven, "true");
}
