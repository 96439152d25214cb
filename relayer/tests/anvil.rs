//! The follower against a real root chain: anvil with the real contracts deployed by
//! `scripts/deploy-contracts.sh`. A fifth validator stakes and unstakes with `cast`; the
//! follower reports each `StakeManager` event once it is `CONFIRMATIONS` deep, never reports
//! an event whose block was reverted before that depth, resumes from its cursor file, and
//! reads a range again when the previous run stopped before committing it. A lying endpoint
//! (a proxy that returns every contract's logs) is caught: foreign logs are refused, and two
//! endpoints that disagree stop the follower until they agree.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::{RootChainConfig, TempDir, DEPLOYER};
use bttc_primitives::attestation::AttestedEvent;
use bttc_primitives::{staking::StakingEvent, RootChainId};
use bttc_relayer::{
	client::{RootChainClient, Transport},
	contracts::ContractKind,
	follower::{CursorFile, Follower},
};
use sp_core::H160;
use std::path::Path;

const CONFIRMATIONS: u64 = 3;

async fn rpc(url: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
	bttc_network::rpc(url, method, params).await.unwrap_or_else(|| panic!("{method} failed"))
}

async fn mine(url: &str, blocks: u64) {
	rpc(url, "anvil_mine", serde_json::json!([format!("0x{blocks:x}")])).await;
}

/// The uncompressed public key (without 0x04) of a fixed secp256k1 test key.
fn fifth_signer_pubkey() -> [u8; 64] {
	use sp_core::Pair;
	let pair = sp_core::ecdsa::Pair::from_seed(&[0x55; 32]);
	let digest = [1u8; 32];
	let signature = pair.sign_prehashed(&digest);
	sp_io::crypto::secp256k1_ecdsa_recover(&signature.0, &digest).ok().unwrap()
}

/// Polls once and commits what was read.
async fn poll(follower: &mut Follower) -> Vec<StakingEvent> {
	let Some(batch) = follower.poll(|e| panic!("malformed log: {e}")).await.unwrap() else {
		return vec![];
	};
	follower.commit(batch.next_block).unwrap();
	batch
		.events
		.into_iter()
		.map(|e| match e.event {
			AttestedEvent::Staking(event) => event,
			other => panic!("not a staking event: {other:?}"),
		})
		.collect()
}

/// A root chain for one test: anvil (mining on demand) with the contracts deployed, from the
/// shared launcher.
struct RootChain {
	chain: bttc_network::RootChain,
	url: String,
	stake_manager: String,
	stake_manager_address: H160,
	token: String,
	dir: TempDir,
}

impl RootChain {
	async fn start(name: &str) -> Self {
		let dir = TempDir::new(&format!("relayer-{name}"));
		let config = RootChainConfig { block_time: None, ..Default::default() };
		let chain = bttc_network::RootChain::start(&dir.0, &config).await.unwrap();
		let stake_manager = chain.contract("StakeManager");
		let stake_manager_address =
			H160(bttc_relayer::client::parse_fixed(&stake_manager, "address").unwrap());
		Self {
			url: chain.url.clone(),
			token: chain.contract("BTTToken"),
			chain,
			stake_manager,
			stake_manager_address,
			dir,
		}
	}

	fn follower(&self, urls: &[&str]) -> Follower {
		Follower::new(
			RootChainId::Tron,
			urls.iter().map(|u| RootChainClient::new(u, Transport::Ethereum).unwrap()).collect(),
			vec![(self.stake_manager_address, ContractKind::StakeManager)],
			CONFIRMATIONS,
			CursorFile::new(self.dir.0.join("cursor.json")),
			0,
		)
		.unwrap()
	}

	fn cast_send(&self, to: &str, args: &[&str]) {
		self.chain.cast_send(to, args);
	}
}

/// Deploys the root-chain contracts again; returns the new StakeManager's address.
fn deploy(url: &str, out: &Path) -> (String, String) {
	let deployed = bttc_network::deploy(url, out, "stake", &[]).unwrap();
	(
		deployed["contracts"]["StakeManager"].as_str().unwrap().to_string(),
		deployed["contracts"]["BTTToken"].as_str().unwrap().to_string(),
	)
}

#[tokio::test(flavor = "multi_thread")]
async fn follower_reports_confirmed_stake_manager_events_once() {
	let chain = RootChain::start("events").await;
	let (url, stake_manager, token) = (&chain.url, &chain.stake_manager, &chain.token);
	let mut follower = chain.follower(&[url]);

	// The deployment staked the 4 dev validators (and its later transactions buried them).
	mine(url, CONFIRMATIONS).await;
	let genesis = poll(&mut follower).await;
	assert_eq!(genesis.len(), 4, "{genesis:?}");
	for (i, event) in genesis.iter().enumerate() {
		assert!(
			matches!(event, StakingEvent::Staked { validator_id, nonce: 1, .. } if *validator_id == i as u64 + 1),
			"{event:?}"
		);
	}

	// A fifth validator stakes 5,000 BTT.
	let pubkey = fifth_signer_pubkey();
	let pubkey_hex = format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&pubkey));
	let amount = "5000000000000000000000";
	chain.cast_send(token, &["approve(address,uint256)", stake_manager, amount]);
	chain.cast_send(
		stake_manager,
		&["stakeFor(address,uint256,bool,bytes)", DEPLOYER, amount, "false", &pubkey_hex],
	);
	assert_eq!(poll(&mut follower).await, vec![], "reported before its confirmations");
	mine(url, CONFIRMATIONS).await;
	let staked = poll(&mut follower).await;
	assert_eq!(
		staked,
		vec![StakingEvent::Staked {
			validator_id: 5,
			signer: bttc_primitives::staking::signer_address(&pubkey),
			nonce: 1,
			activation_epoch: 1,
			amount: 5_000 * 10u128.pow(18),
			signer_pubkey: pubkey,
		}]
	);

	// A reorganisation shallower than the depth: the unstake is mined, then its block is
	// reverted before it is confirmed. It is never reported.
	let snapshot = rpc(url, "evm_snapshot", serde_json::json!([])).await;
	chain.cast_send(stake_manager, &["unstake(uint256)", "5"]);
	mine(url, CONFIRMATIONS - 2).await;
	assert_eq!(poll(&mut follower).await, vec![]);
	assert_eq!(rpc(url, "evm_revert", serde_json::json!([snapshot])).await, true);
	mine(url, CONFIRMATIONS + 2).await;
	assert_eq!(poll(&mut follower).await, vec![], "a reverted event was reported");

	// The real unstake, confirmed, read but not committed (the node stopped before keeping
	// it): a restarted follower reads it again.
	chain.cast_send(stake_manager, &["unstake(uint256)", "5"]);
	mine(url, CONFIRMATIONS).await;
	let before = follower.next_block();
	let uncommitted = follower.poll(|e| panic!("malformed log: {e}")).await.unwrap().unwrap();
	assert!(
		matches!(
			uncommitted.events.as_slice(),
			[e] if matches!(e.event, AttestedEvent::Staking(StakingEvent::UnstakeInit { validator_id: 5, nonce: 2, .. }))
		),
		"{uncommitted:?}"
	);
	assert_eq!(follower.next_block(), before, "poll moved before the events were kept");
	drop(follower);
	let mut follower = chain.follower(&[url]);
	assert_eq!(follower.next_block(), before);
	let again = poll(&mut follower).await;
	assert!(matches!(again.as_slice(), [StakingEvent::UnstakeInit { .. }]), "{again:?}");

	// Committed: a restarted follower resumes after it; nothing is read twice.
	let resumed_at = follower.next_block();
	drop(follower);
	let mut follower = chain.follower(&[url]);
	assert_eq!(follower.next_block(), resumed_at);
	mine(url, 2).await;
	assert_eq!(poll(&mut follower).await, vec![]);
}

/// An endpoint that lies: it forwards to `upstream` but answers `eth_getLogs` without the
/// address filter, so logs of every contract come back.
async fn lying_endpoint(upstream: String) -> String {
	use jsonrpsee::{
		core::client::ClientT,
		http_client::HttpClientBuilder,
		server::{RpcModule, ServerBuilder},
		types::ErrorObjectOwned,
	};
	let client = HttpClientBuilder::default().build(&upstream).unwrap();
	let mut module = RpcModule::new(client);
	module
		.register_async_method("eth_blockNumber", |_, client, _| async move {
			client
				.request::<serde_json::Value, _>("eth_blockNumber", jsonrpsee::rpc_params![])
				.await
				.map_err(|e| ErrorObjectOwned::owned(-32000, e.to_string(), None::<()>))
		})
		.unwrap();
	module
		.register_async_method("eth_getLogs", |params, client, _| async move {
			let mut filter: serde_json::Value = params.one().unwrap();
			filter.as_object_mut().unwrap().remove("address");
			client
				.request::<serde_json::Value, _>("eth_getLogs", jsonrpsee::rpc_params![filter])
				.await
				.map_err(|e| ErrorObjectOwned::owned(-32000, e.to_string(), None::<()>))
		})
		.unwrap();
	let server = ServerBuilder::default().build("127.0.0.1:0").await.unwrap();
	let address = server.local_addr().unwrap();
	let handle = server.start(module);
	// Runs until the test process ends.
	std::mem::forget(handle);
	format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_of_other_contracts_are_refused_and_endpoints_must_agree() {
	let chain = RootChain::start("lying").await;
	// A second deployment: another StakeManager staking its own 4 validators.
	let (other, _) = deploy(&chain.url, &chain.dir.0.join("other.json"));
	mine(&chain.url, CONFIRMATIONS).await;
	let liar = lying_endpoint(chain.url.clone()).await;

	// Alone, the lying endpoint's foreign logs are refused, one by one, and only the
	// followed contract's 4 events are kept.
	let follower = chain.follower(&[&liar]);
	let mut refused = Vec::new();
	let batch = follower.poll(|e| refused.push(e.to_string())).await.unwrap().unwrap();
	assert_eq!(batch.events.len(), 4, "{batch:?}");
	assert!(!refused.is_empty(), "the other contract's logs were not refused");
	assert!(refused.iter().all(|r| r.contains(&other.to_lowercase()[2..])), "{refused:?}");

	// With an honest endpoint beside it, the two disagree: nothing is read.
	let follower = chain.follower(&[&chain.url, &liar]);
	let err = follower.poll(|_| {}).await.unwrap_err();
	assert!(err.to_string().contains("disagree"), "{err}");
	// Two honest endpoints agree.
	let follower = chain.follower(&[&chain.url, &chain.url]);
	let batch = follower.poll(|e| panic!("{e}")).await.unwrap().unwrap();
	assert_eq!(batch.events.len(), 4);
}
