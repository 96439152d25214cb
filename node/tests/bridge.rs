//! End to end: the bridge on the 4-validator local network with two root chains (the TRON
//! stand-in and the Ethereum-like anvil).
//!
//! On each root chain a root ERC20 is mapped (on the root chain by its `RootChainManager`'s
//! owner, on BTTC by a governance referendum) to a `ChildERC20` deployed on BTTC through
//! eth-rpc. Then, per chain:
//!
//! 1. **Deposit** 100: `depositFor` → `StateSynced` → attested → executed at a sprint start;
//!    the balance shows through the Ethereum JSON-RPC and `bttc_getDepositStatus` says
//!    `executed`.
//! 2. **Withdraw** 40: `withdraw(40, chain)` on BTTC; `bttc_getExitPayload` answers once a
//!    checkpoint covering the burn is acknowledged on that chain (and refuses the other
//!    chain); `RootChainManager.exit` releases 40: balances add up on both sides.
//! 3. A second exit with the same payload, an altered payload, and the payload submitted to
//!    the other root chain are refused.
//!
//! Then: with two of four equal validators stopped (half the stake), a deposit is not
//! executed; when they are back it is, once. Every node restarts: nothing is minted twice,
//! the records stay.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use bttc_runtime::{governance::origins::Origin as GovernanceOrigin, OriginCaller, RuntimeCall};
use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder, rpc_params};
use serde_json::Value;
use std::{
	process::{Command, Stdio},
	time::{Duration, Instant},
};

/// Foundry's second dev key: the user (funded on the anvils and on BTTC's `local`).
const USER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const USER: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/// The bridge's depositor (`RootChainManager.childChainManager`).
const DEPOSITOR: &str = "0x0000000000000000000000000000000000001001";
const TOKEN: u128 = 1_000_000_000_000_000_000;

/// `cast` with `args`; stdout, or the failure's output.
fn cast(args: &[&str]) -> Result<String, String> {
	let out =
		Command::new(foundry("cast")).args(args).stdin(Stdio::null()).output().unwrap();
	let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
	if out.status.success() {
		Ok(text(&out.stdout))
	} else {
		Err(format!("{}\n{}", text(&out.stdout), text(&out.stderr)))
	}
}

/// Sends `args` (`to`, signature, arguments) from `key` on `url`; the receipt, or why not.
fn send(url: &str, key: &str, args: &[&str]) -> Result<Value, String> {
	let out = cast(&[&["send", "--json", "--rpc-url", url, "--private-key", key], args].concat())?;
	let receipt: Value = serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))?;
	if receipt["status"] != "0x1" {
		return Err(format!("reverted: {receipt}"));
	}
	Ok(receipt)
}

/// Deploys artifact `name` with ABI-encoded constructor `args` (`signature`, values).
fn deploy_artifact(url: &str, key: &str, name: &str, constructor: &[&str]) -> String {
	let path = repo_root().join(format!("contracts/artifacts/{name}.json"));
	let artifact: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
	let args = cast(&[&["abi-encode"], constructor].concat()).unwrap();
	let code = format!("{}{}", artifact["bytecode"].as_str().unwrap(), &args[2..]);
	let receipt = send(url, key, &["--create", &code]).unwrap();
	receipt["contractAddress"].as_str().unwrap().to_string()
}

fn call_uint(url: &str, to: &str, signature: &str, args: &[&str]) -> u128 {
	let out = cast(&[&["call", "--rpc-url", url, to, signature], args].concat()).unwrap();
	out.split(' ').next().unwrap().parse().unwrap()
}

fn balance(url: &str, token: &str, who: &str) -> u128 {
	call_uint(url, token, "balanceOf(address)(uint256)", &[who])
}

/// A JSON-RPC call's result, or its error message.
async fn rpc_outcome(url: &str, method: &str, params: Vec<Value>) -> Result<Value, String> {
	let client =
		HttpClientBuilder::default().request_timeout(Duration::from_secs(30)).build(url).unwrap();
	let mut array = jsonrpsee::core::params::ArrayParams::new();
	for param in params {
		array.insert(param).unwrap();
	}
	client.request::<Value, _>(method, array).await.map_err(|e| e.to_string())
}

/// One root chain's side of the bridge.
struct Side {
	name: &'static str,
	id: u8,
	url: String,
	manager: String,
	predicate: String,
	root_token: String,
	child_token: String,
}

/// Deploys a root token on `chain` (the user gets 1,000) and its child token on BTTC, and
/// maps them on the root chain (BTTC's mapping is governance's).
fn set_up_side(chain: &RootChain, id: u8, eth_rpc: &str) -> Side {
	let url = chain.url.clone();
	let root_token = deploy_artifact(
		&url,
		DEPLOYER_KEY,
		"BTTToken",
		&["constructor(address,uint256)", DEPLOYER, &(1_000_000 * TOKEN).to_string()],
	);
	let child_token = deploy_artifact(
		eth_rpc,
		USER_KEY,
		"ChildERC20",
		&["constructor(string,string,address)", &format!("{} token", chain.name), "CHILD", DEPOSITOR],
	);
	let manager = chain.contract("RootChainManager");
	let predicate = chain.contract("ERC20Predicate");
	let erc20 = cast(&["keccak", "ERC20"]).unwrap();
	send(&url, DEPLOYER_KEY, &[&manager, "mapToken(address,address,bytes32)", &root_token, &child_token, &erc20])
		.unwrap();
	send(&url, DEPLOYER_KEY, &[&root_token, "transfer(address,uint256)", USER, &(1_000 * TOKEN).to_string()])
		.unwrap();
	Side { name: chain.name, id, url, manager, predicate, root_token, child_token }
}

impl Side {
	/// `depositFor(USER, root token, amount)` from the user; the root transaction's hash.
	fn deposit(&self, amount: u128) -> String {
		let amount = amount.to_string();
		send(&self.url, USER_KEY, &[&self.root_token, "approve(address,uint256)", &self.predicate, &amount])
			.unwrap();
		let receipt = send(
			&self.url,
			USER_KEY,
			&[&self.manager, "depositFor(address,address,uint256)", USER, &self.root_token, &amount],
		)
		.unwrap();
		receipt["transactionHash"].as_str().unwrap().to_string()
	}

	fn root_balance(&self) -> u128 {
		balance(&self.url, &self.root_token, USER)
	}

	fn exit(&self, payload: &str) -> Result<Value, String> {
		send(&self.url, USER_KEY, &[&self.manager, "exit(bytes)", payload])
	}
}

/// Waits until `bttc_getDepositStatus` shows `root_tx` of `chain` executed.
async fn wait_executed(node: &Node, chain: &str, root_tx: &str, timeout: Duration) -> Value {
	wait_for(&format!("deposit {root_tx} of {chain} executed"), timeout, || async {
		let records = node.call("bttc_getDepositStatus", rpc_params![chain, root_tx]).await?;
		let record = records.as_array()?.first()?.clone();
		assert_ne!(record["status"], "failed", "deposit failed: {record}");
		(record["status"] == "executed").then_some(record)
	})
	.await
}

#[tokio::test(flavor = "multi_thread")]
async fn deposits_and_exits_on_two_root_chains_add_up_and_refuse_replays_forgeries_and_wrong_chains() {
	let root = TempDir::new("bridge");
	eprintln!("logs of this test: {}", root.0.display());
	let mut config = NetworkConfig::local(root.0.clone());
	config.root_chains.truncate(2);
	config.node_args = vec!["--log".into(), "runtime::bridge=debug,bttc-duties=debug".into()];
	let mut net = Network::start(config).await.unwrap();
	let eth_rpc = net.eth_rpcs[0].url.clone();
	let started = Instant::now();

	let info = net.nodes[0].call("bttc_getBridgeInfo", rpc_params![]).await.unwrap();
	assert_eq!(info["depositor"].as_str().unwrap().to_lowercase(), DEPOSITOR);

	let sides = [
		set_up_side(net.root_chain("tron").unwrap(), 1, &eth_rpc),
		set_up_side(net.root_chain("ethereum").unwrap(), 2, &eth_rpc),
	];
	// Governance maps each root token to its child token on BTTC.
	let alice = &net.nodes[0];
	for side in &sides {
		let chain = bttc_primitives::RootChainId::from_u8(side.id).unwrap();
		let address = |text: &str| sp_core::H160::from_slice(&hex_bytes(text));
		let call = RuntimeCall::Bridge(pallet_bttc_bridge::Call::map_token {
			chain,
			root_token: address(&side.root_token),
			child_token: address(&side.child_token),
		});
		alice
			.propose_and_vote(OriginCaller::Origins(GovernanceOrigin::ParameterAdmin), call)
			.await
			.unwrap();
	}
	for side in &sides {
		wait_for(&format!("{}'s mapping enacted", side.name), Duration::from_secs(120), || async {
			let child = alice.call("bttc_getChildToken", rpc_params![side.name, side.root_token.clone()]).await?;
			(child.as_str()?.eq_ignore_ascii_case(&side.child_token)).then_some(())
		})
		.await;
	}
	eprintln!("tokens mapped after {:?}", started.elapsed());

	for side in &sides {
		// ----- 1. Deposit 100 -------------------------------------------------------------
		let before_root = side.root_balance();
		let deposited_at = Instant::now();
		let root_tx = side.deposit(100 * TOKEN);
		let record = wait_executed(alice, side.name, &root_tx, Duration::from_secs(120)).await;
		eprintln!("{}: deposit executed {:?} after its root transaction: {record}", side.name, deposited_at.elapsed());
		assert_eq!(balance(&eth_rpc, &side.child_token, USER), 100 * TOKEN);
		assert_eq!(side.root_balance(), before_root - 100 * TOKEN);

		// ----- 2. Withdraw 40 -------------------------------------------------------------
		let burn = send(
			&eth_rpc,
			USER_KEY,
			&[&side.child_token, "withdraw(uint256,uint256)", &(40 * TOKEN).to_string(), &side.id.to_string()],
		)
		.unwrap();
		let burn_tx = burn["transactionHash"].as_str().unwrap().to_string();
		assert_eq!(balance(&eth_rpc, &side.child_token, USER), 60 * TOKEN);
		let other = sides.iter().find(|s| s.name != side.name).unwrap();
		let refused = rpc_outcome(&eth_rpc, "bttc_getExitPayload", vec![burn_tx.clone().into(), other.name.into()])
			.await
			.unwrap_err();
		assert!(refused.contains("not a burn for"), "{refused}");
		let burnt_at = Instant::now();
		let exit = wait_for(&format!("{}'s burn exitable", side.name), Duration::from_secs(240), || async {
			rpc_outcome(&eth_rpc, "bttc_getExitPayload", vec![burn_tx.clone().into(), side.name.into()])
				.await
				.ok()
		})
		.await;
		eprintln!("{}: burn exit-provable {:?} after its receipt", side.name, burnt_at.elapsed());
		let status = rpc_outcome(&eth_rpc, "bttc_getWithdrawalStatus", vec![burn_tx.clone().into(), side.name.into()])
			.await
			.unwrap();
		assert_eq!(status["status"], "exitable");
		let payload = exit["payload"].as_str().unwrap().to_string();

		// ----- 3. Forged, wrong-chain, then the exit, then a replay ---------------------------
		let mut forged = hex_bytes(&payload);
		let middle = forged.len() / 2;
		forged[middle] ^= 0x01;
		let forged = format!("0x{}", hex(&forged));
		assert!(side.exit(&forged).is_err(), "an altered payload must not exit");
		assert!(other.exit(&payload).is_err(), "a burn for {} must not exit on {}", side.name, other.name);
		let before_exit = side.root_balance();
		side.exit(&payload).unwrap();
		assert_eq!(side.root_balance(), before_exit + 40 * TOKEN, "the exit releases 40");
		assert_eq!(side.root_balance(), before_root - 60 * TOKEN, "balances add up");
		assert!(side.exit(&payload).is_err(), "a replayed exit must be refused");
		assert_eq!(side.root_balance(), before_root - 60 * TOKEN);
		let exit_hash = exit["exitHash"].as_str().unwrap();
		let processed = cast(&["call", "--rpc-url", &side.url, &side.manager, "processedExits(bytes32)(bool)", exit_hash]).unwrap();
		assert_eq!(processed, "true");
	}

	// ----- Less than 2/3 of stake: not executed; then executed once -------------------------
	let tron = &sides[0];
	net.stop_node(2);
	net.stop_node(3);
	let alice = &net.nodes[0];
	let root_tx = tron.deposit(7 * TOKEN);
	tokio::time::sleep(Duration::from_secs(30)).await;
	let records = alice.call("bttc_getDepositStatus", rpc_params!["tron", root_tx.clone()]).await.unwrap();
	assert_eq!(records, serde_json::json!([]), "a state sync seen by half of the stake is not applied");
	assert_eq!(balance(&eth_rpc, &tron.child_token, USER), 60 * TOKEN);
	net.restart_node(2);
	net.restart_node(3);
	let alice = &net.nodes[0];
	wait_executed(alice, "tron", &root_tx, Duration::from_secs(180)).await;
	assert_eq!(balance(&eth_rpc, &tron.child_token, USER), 67 * TOKEN);

	// ----- Every node restarts: nothing minted twice, nothing lost ---------------------------
	let info_before = alice.call("bttc_getBridgeInfo", rpc_params![]).await.unwrap();
	for index in 0..net.nodes.len() {
		net.stop_node(index);
	}
	for index in 0..net.nodes.len() {
		net.restart_node(index);
	}
	let alice = &net.nodes[0];
	wait_for("blocks after the restart", Duration::from_secs(120), || async {
		let best = alice.best_number().await?;
		tokio::time::sleep(Duration::from_secs(12)).await;
		(alice.best_number().await? >= best + 4).then_some(())
	})
	.await;
	assert_eq!(alice.call("bttc_getBridgeInfo", rpc_params![]).await.unwrap(), info_before);
	assert_eq!(balance(&eth_rpc, &tron.child_token, USER), 67 * TOKEN);
	assert_eq!(balance(&eth_rpc, &sides[1].child_token, USER), 60 * TOKEN);
	assert!(net.first_exited().is_none());
}

fn hex_bytes(text: &str) -> Vec<u8> {
	let digits = text.trim_start_matches("0x");
	(0..digits.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
		.collect()
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
