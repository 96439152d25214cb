//! The checkpoint submitters against the real contracts on anvil.
//!
//! - Ethereum-like (`EthSubmitter`, alloy): an EIP-1559 transaction lands; asking again sends
//!   nothing (in flight, then recorded); a new submitter on the same state file (a restart)
//!   sends nothing; a transaction stuck in the pool (mining paused) is replaced at the same
//!   nonce with higher fees after the replacement delay, and exactly one of the two lands; a
//!   base fee above the cap stops the submission; a checkpoint the contract would refuse
//!   fails the estimate and is not sent.
//! - TRON (`TronSubmitter`) through the TRON HTTP API emulation in front of anvil: the
//!   checkpoint lands, asking again sends nothing, and a new submitter finds it recorded.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::{rpc, RootChain, RootChainConfig, TempDir};
use bttc_primitives::{
	checkpoint::{merkle_root, BlockLeaf, Checkpoint},
	RootChainId,
};
use bttc_relayer::{
	submit::{EthSubmitter, Outcome, SubmitterConfig, REPLACE_AFTER},
	tron_api::{TronSubmitter, TronSubmitterConfig, TxStatus},
};
use sp_core::{ecdsa, Pair, H160, H256};
use std::{path::Path, time::Duration};

const CHILD_CHAIN_ID: u64 = 19902;

/// The dev validators' signer keys and addresses (`scripts/validators.dev.json`).
fn dev_signers() -> Vec<(H160, ecdsa::Pair, [u8; 32])> {
	let file = bttc_network::repo_root().join("scripts/validators.dev.json");
	let json: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
	json["validators"]
		.as_array()
		.unwrap()
		.iter()
		.map(|v| {
			let secret: [u8; 32] = sp_core::bytes::from_hex(v["devPrivateKey"].as_str().unwrap())
				.unwrap()
				.try_into()
				.unwrap();
			let signer = sp_core::bytes::from_hex(v["signer"].as_str().unwrap()).unwrap();
			(H160::from_slice(&signer), ecdsa::Pair::from_seed(&secret), secret)
		})
		.collect()
}

/// The checkpoint of blocks `start..=end` proposed by the first dev validator: its ABI data
/// and the signatures of all four, sorted by signer.
fn signed_checkpoint(start: u64, end: u64) -> (Vec<u8>, Vec<u8>) {
	let leaves: Vec<H256> = (start..=end)
		.map(|n| {
			BlockLeaf {
				number: n,
				timestamp: 1_700_000_000 + 2 * n,
				transactions_root: H256::from_low_u64_be(n),
				receipts_root: H256::from_low_u64_be(n + 1),
			}
			.hash()
		})
		.collect();
	let mut signers = dev_signers();
	let checkpoint = Checkpoint {
		root_chain: RootChainId::Ethereum,
		proposer: signers[0].0,
		start,
		end,
		root_hash: merkle_root(&leaves),
		account_root_hash: H256::zero(),
	};
	let digest = checkpoint.digest(CHILD_CHAIN_ID);
	signers.sort_by_key(|(address, _, _)| *address);
	let sigs = signers
		.iter()
		.flat_map(|(_, pair, _)| {
			let mut signature = pair.sign_prehashed(&digest).0;
			signature[64] += 27;
			signature
		})
		.collect();
	(checkpoint.abi_data(CHILD_CHAIN_ID), sigs)
}

fn eth_submitter(chain: &RootChain, state: &Path, cap_gwei: u64) -> EthSubmitter {
	let root_chain: H160 = chain.contract("RootChain").parse().unwrap();
	EthSubmitter::new(SubmitterConfig {
		chain: RootChainId::Ethereum,
		url: chain.url.clone(),
		root_chain: root_chain.0.into(),
		secret: dev_signers()[0].2,
		max_fee_per_gas_gwei: cap_gwei,
		max_priority_fee_per_gas_gwei: 2,
		state_file: state.to_path_buf(),
	})
	.unwrap()
}

async fn receipt(chain: &RootChain, tx: H256) -> Option<serde_json::Value> {
	rpc(&chain.url, "eth_getTransactionReceipt", serde_json::json!([format!("{tx:?}")]))
		.await
		.filter(|r| !r.is_null())
}

async fn transaction(chain: &RootChain, tx: H256) -> serde_json::Value {
	rpc(&chain.url, "eth_getTransactionByHash", serde_json::json!([format!("{tx:?}")]))
		.await
		.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn ethereum_submissions_land_once_replace_stuck_ones_and_respect_caps() {
	let dir = TempDir::new("submitter-eth");
	let config = RootChainConfig {
		name: "ethereum",
		mode: "mirror",
		root_chain_id: Some(2),
		chain_id: Some(11_155_111),
		child_chain_id: Some(CHILD_CHAIN_ID),
		first_block: Some(1),
		block_time: None,
		..Default::default()
	};
	let chain = RootChain::start(&dir.0, &config).await.unwrap();
	let state = dir.0.join("ethereum.checkpoint-tx.json");
	let submitter = eth_submitter(&chain, &state, 300);
	assert_eq!(submitter.next_start().await.unwrap(), 1);

	// A checkpoint the contract refuses (wrong start) is not sent.
	let (bad_data, bad_sigs) = signed_checkpoint(1, 4);
	let refused = submitter.submit(5, bad_data, bad_sigs).await;
	assert!(refused.is_err(), "a checkpoint not starting at nextStartBlock is refused");

	// 1. Blocks 1..=4: an EIP-1559 transaction lands (anvil mines each at once).
	let (data, sigs) = signed_checkpoint(1, 4);
	let Outcome::Sent(tx) = submitter.submit(1, data.clone(), sigs.clone()).await.unwrap() else {
		panic!("the first submission sends");
	};
	assert_eq!(transaction(&chain, tx).await["type"], "0x2", "EIP-1559 on a chain with a base fee");
	assert_eq!(receipt(&chain, tx).await.unwrap()["status"], "0x1");
	assert_eq!(submitter.next_start().await.unwrap(), 5);
	// Asked again, by the same submitter or after a restart: nothing is sent.
	assert_eq!(submitter.submit(1, data.clone(), sigs.clone()).await.unwrap(), Outcome::Recorded);
	let restarted = eth_submitter(&chain, &state, 300);
	assert_eq!(restarted.submit(1, data.clone(), sigs.clone()).await.unwrap(), Outcome::Recorded);
	// A node without any record (another proposer after a no-ack) reads the contract first.
	let other = eth_submitter(&chain, &dir.0.join("other.json"), 300);
	assert_eq!(other.submit(1, data, sigs).await.unwrap(), Outcome::Recorded);

	// 2. Blocks 5..=8 while mining is paused: the transaction is stuck in the pool.
	rpc(&chain.url, "evm_setAutomine", serde_json::json!([false])).await.unwrap();
	let (data, sigs) = signed_checkpoint(5, 8);
	let Outcome::Sent(first) = submitter.submit(5, data.clone(), sigs.clone()).await.unwrap()
	else {
		panic!("the second checkpoint sends");
	};
	let a = transaction(&chain, first).await;
	assert_eq!(a["blockNumber"], serde_json::Value::Null, "pending in the pool");
	// Within the replacement delay, a restarted submitter waits for it.
	let restarted = eth_submitter(&chain, &state, 300);
	assert_eq!(
		restarted.submit(5, data.clone(), sigs.clone()).await.unwrap(),
		Outcome::InFlight(first)
	);
	// Past the delay (the record aged on disk), it is replaced at the same nonce.
	let mut record: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
	record["sentAt"] = (record["sentAt"].as_u64().unwrap() - REPLACE_AFTER.as_secs() - 1).into();
	std::fs::write(&state, record.to_string()).unwrap();
	let Outcome::Sent(second) = restarted.submit(5, data.clone(), sigs.clone()).await.unwrap()
	else {
		panic!("a stuck transaction is replaced");
	};
	assert_ne!(first, second);
	let b = transaction(&chain, second).await;
	assert_eq!(a["nonce"], b["nonce"], "the replacement reuses the nonce");
	assert!(transaction(&chain, first).await.is_null(), "the replacement evicted the first");
	let fee = |t: &serde_json::Value| {
		u128::from_str_radix(t["maxFeePerGas"].as_str().unwrap().trim_start_matches("0x"), 16)
			.unwrap()
	};
	assert!(fee(&b) >= fee(&a) + fee(&a) / 4, "fees raised by a quarter");
	rpc(&chain.url, "evm_mine", serde_json::json!([])).await.unwrap();
	rpc(&chain.url, "evm_setAutomine", serde_json::json!([true])).await.unwrap();
	assert_eq!(receipt(&chain, second).await.unwrap()["status"], "0x1");
	assert!(receipt(&chain, first).await.is_none(), "the replaced transaction never lands");
	assert_eq!(restarted.next_start().await.unwrap(), 9);
	assert_eq!(restarted.submit(5, data, sigs).await.unwrap(), Outcome::Recorded);

	// 3. A base fee above the cap: not sent.
	let capped = eth_submitter(&chain, &dir.0.join("capped.json"), 0);
	let (data, sigs) = signed_checkpoint(9, 12);
	let error = capped.submit(9, data, sigs).await.unwrap_err().to_string();
	assert!(error.contains("above the cap"), "{error}");
	assert_eq!(capped.next_start().await.unwrap(), 9);
}

#[tokio::test(flavor = "multi_thread")]
async fn tron_submissions_go_through_the_http_api_once() {
	let dir = TempDir::new("submitter-tron");
	let config = RootChainConfig {
		child_chain_id: Some(CHILD_CHAIN_ID),
		first_block: Some(1),
		tron_api_port: Some(0),
		..Default::default()
	};
	let chain = RootChain::start(&dir.0, &config).await.unwrap();
	let api = chain.tron_api.as_ref().unwrap();
	let state = dir.0.join("tron.checkpoint-tx.json");
	let new_submitter = || {
		TronSubmitter::new(TronSubmitterConfig {
			chain: RootChainId::Tron,
			url: api.url.clone(),
			root_chain: chain.contract("RootChain").parse().unwrap(),
			secret: dev_signers()[0].2,
			fee_limit_sun: 300_000_000,
			state_file: state.clone(),
		})
		.unwrap()
	};
	let submitter = new_submitter();
	assert_eq!(submitter.address(), dev_signers()[0].0);
	let (data, sigs) = signed_checkpoint(1, 6);
	let Outcome::Sent(tx) = submitter.submit(1, data.clone(), sigs.clone()).await.unwrap() else {
		panic!("the first submission sends");
	};
	// Mined within anvil's 1 s blocks; TRON's answer says so.
	let mut status = TxStatus::Unknown;
	for _ in 0..20 {
		status = submitter.status(&tx).await.unwrap();
		if status != TxStatus::Unknown {
			break;
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	let TxStatus::Success { energy, fee, .. } = status else {
		panic!("the checkpoint transaction succeeds: {status:?}");
	};
	assert!(energy > 50_000 && fee == energy * bttc_network::ENERGY_PRICE_SUN);
	assert_eq!(submitter.next_start().await.unwrap(), 7);
	assert_eq!(submitter.submit(1, data.clone(), sigs.clone()).await.unwrap(), Outcome::Recorded);
	assert_eq!(new_submitter().submit(1, data, sigs).await.unwrap(), Outcome::Recorded);

	// The emulation refuses what a TRON node refuses: a signature by someone else.
	let http = bttc_relayer::tron_api::TronHttp::new(&api.url);
	let owner = bttc_relayer::tron::account_bytes(&dev_signers()[0].0);
	let built = http
		.post(
			"/wallet/triggersmartcontract",
			&serde_json::json!({
				"owner_address": bttc_relayer::tron_api::hex(&owner),
				"contract_address": bttc_relayer::tron_api::hex(&bttc_relayer::tron::account_bytes(
					&chain.contract("RootChain").parse().unwrap()
				)),
				"data": "00",
				"fee_limit": 1_000_000,
			}),
		)
		.await
		.unwrap();
	let mut transaction = built["transaction"].clone();
	let tx_id: [u8; 32] = sp_core::bytes::from_hex(transaction["txID"].as_str().unwrap())
		.unwrap()
		.try_into()
		.unwrap();
	let forged = bttc_relayer::tron::sign(&dev_signers()[1].1, &tx_id);
	transaction["signature"] = serde_json::json!([bttc_relayer::tron_api::hex(&forged)]);
	let answer = http.post("/wallet/broadcasttransaction", &transaction).await.unwrap();
	assert_eq!(answer["code"], "SIGERROR");
}
