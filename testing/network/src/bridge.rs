//! The bridge on a running network, as the tests and the bridge benchmark drive it: a root
//! ERC20 per root chain mapped to a `ChildERC20` on BTTC, or the root chain's BTT mapped to
//! native BTT (the genesis contract at [`NATIVE_BTT`]), on the root chain by its
//! `RootChainManager`'s owner and on BTTC by a governance referendum; deposits, burns, exit
//! payloads and exits. Transactions go through `cast` (Foundry) and are checked for success.

use crate::{foundry, repo_root, wait_for, Network, Node, RootChain, DEPLOYER, DEPLOYER_KEY};
use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder, rpc_params};
use serde_json::Value;
use std::{
	process::{Command, Stdio},
	time::Duration,
};

/// Foundry's second dev key: the bridge user (funded on the anvils and on BTTC's `dev` and
/// `local`).
pub const USER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/// Its address.
pub const USER: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/// The bridge's depositor on BTTC (`RootChainManager.childChainManager`).
pub const DEPOSITOR: &str = "0x0000000000000000000000000000000000001001";
/// The native BTT bridge contract on BTTC (its genesis places it there).
pub const NATIVE_BTT: &str = "0x0000000000000000000000000000000000001010";
/// One whole token (18 decimals).
pub const TOKEN: u128 = 1_000_000_000_000_000_000;

/// `cast` with `args`: its output, or the failure's output.
pub fn cast(args: &[&str]) -> Result<String, String> {
	let out = Command::new(foundry("cast")).args(args).stdin(Stdio::null()).output().unwrap();
	let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
	if out.status.success() {
		Ok(text(&out.stdout))
	} else {
		Err(format!("{}\n{}", text(&out.stdout), text(&out.stderr)))
	}
}

/// Sends `args` (`to`, signature, arguments) from `key` on `url`: the receipt of a successful
/// transaction, or why there is none.
pub fn send(url: &str, key: &str, args: &[&str]) -> Result<Value, String> {
	let out = cast(&[&["send", "--json", "--rpc-url", url, "--private-key", key], args].concat())?;
	let receipt: Value = serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))?;
	if receipt["status"] != "0x1" {
		return Err(format!("reverted: {receipt}"));
	}
	Ok(receipt)
}

/// Deploys `contracts/artifacts/<name>.json` with `constructor` (signature, then values).
pub fn deploy_artifact(url: &str, key: &str, name: &str, constructor: &[&str]) -> String {
	let path = repo_root().join(format!("contracts/artifacts/{name}.json"));
	let artifact: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
	let args = cast(&[&["abi-encode"], constructor].concat()).unwrap();
	let code = format!("{}{}", artifact["bytecode"].as_str().unwrap(), &args[2..]);
	let receipt = send(url, key, &["--create", &code]).unwrap();
	receipt["contractAddress"].as_str().unwrap().to_string()
}

/// `token.balanceOf(who)` on `url`.
pub fn balance(url: &str, token: &str, who: &str) -> u128 {
	let out = cast(&["call", "--rpc-url", url, token, "balanceOf(address)(uint256)", who]).unwrap();
	out.split(' ').next().unwrap().parse().unwrap()
}

/// `who`'s native balance on `url` (`eth_getBalance`, in wei).
pub fn native_balance(url: &str, who: &str) -> u128 {
	cast(&["balance", "--rpc-url", url, who]).unwrap().parse().unwrap()
}

/// The fee a receipt paid: `gasUsed × effectiveGasPrice`, in wei.
pub fn fee_paid(receipt: &Value) -> u128 {
	let number = |key: &str| {
		let text = receipt[key].as_str().unwrap_or_else(|| panic!("no {key} in {receipt}"));
		u128::from_str_radix(text.trim_start_matches("0x"), 16).unwrap()
	};
	number("gasUsed") * number("effectiveGasPrice")
}

/// A JSON-RPC call's result, or its error message.
pub async fn rpc_outcome(url: &str, method: &str, params: Vec<Value>) -> Result<Value, String> {
	let client =
		HttpClientBuilder::default().request_timeout(Duration::from_secs(30)).build(url).unwrap();
	let mut array = jsonrpsee::core::params::ArrayParams::new();
	for param in params {
		array.insert(param).unwrap();
	}
	client.request::<Value, _>(method, array).await.map_err(|e| e.to_string())
}

/// eth-rpc's `method(burnTx, chain)` (`bttc_getExitPayload`, `bttc_getWithdrawalStatus`): its
/// result, or its error message.
pub async fn burn_rpc(
	eth_rpc: &str,
	method: &str,
	burn_tx: &str,
	chain: &str,
) -> Result<Value, String> {
	rpc_outcome(eth_rpc, method, vec![burn_tx.into(), chain.into()]).await
}

/// Bytes of a `0x` hex string.
pub fn hex_bytes(text: &str) -> Vec<u8> {
	let digits = text.trim_start_matches("0x");
	(0..digits.len() / 2)
		.map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap())
		.collect()
}

/// One root chain's side of the bridge: its root token and the child token on BTTC.
#[derive(Clone, Debug)]
pub struct BridgeSide {
	/// `tron`, `ethereum` or `bsc`.
	pub name: &'static str,
	/// BTTC's id of the root chain.
	pub id: u8,
	/// The root chain's JSON-RPC URL.
	pub url: String,
	/// Its `RootChainManager`.
	pub manager: String,
	/// Its `ERC20Predicate`.
	pub predicate: String,
	/// The root token (the user holds 1,000).
	pub root_token: String,
	/// The child token on BTTC ([`NATIVE_BTT`] for native BTT).
	pub child_token: String,
	/// Whether the child side is native BTT (balances by `eth_getBalance`, burns with value).
	pub native: bool,
}

impl BridgeSide {
	/// Deploys a root token on `chain` (1,000 to [`USER`]) and a child token on BTTC through
	/// `eth_rpc`, and maps them on the root chain. BTTC's mapping is governance's
	/// ([`Network::map_by_governance`]).
	pub fn set_up(chain: &RootChain, id: u8, eth_rpc: &str) -> Self {
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
			&[
				"constructor(string,string,address)",
				&format!("{} token", chain.name),
				"CHILD",
				DEPOSITOR,
			],
		);
		Self::map_on_root(chain, id, root_token, child_token, false)
	}

	/// The root chain's BTT (its staking token) and native BTT on BTTC, mapped on `chain`
	/// (the user gets 1,000 root BTT). BTTC's mapping is governance's.
	pub fn set_up_native(chain: &RootChain, id: u8) -> Self {
		Self::map_on_root(chain, id, chain.contract("BTTToken"), NATIVE_BTT.to_string(), true)
	}

	/// Maps `root_token` to `child_token` on `chain`'s `RootChainManager` and gives the user
	/// 1,000 root tokens from the deployer.
	fn map_on_root(
		chain: &RootChain,
		id: u8,
		root_token: String,
		child_token: String,
		native: bool,
	) -> Self {
		let url = chain.url.clone();
		let manager = chain.contract("RootChainManager");
		let predicate = chain.contract("ERC20Predicate");
		let erc20 = cast(&["keccak", "ERC20"]).unwrap();
		send(
			&url,
			DEPLOYER_KEY,
			&[&manager, "mapToken(address,address,bytes32)", &root_token, &child_token, &erc20],
		)
		.unwrap();
		send(
			&url,
			DEPLOYER_KEY,
			&[&root_token, "transfer(address,uint256)", USER, &(1_000 * TOKEN).to_string()],
		)
		.unwrap();
		Self { name: chain.name, id, url, manager, predicate, root_token, child_token, native }
	}

	/// Approves and sends `depositFor(USER, root token, amount)` from the user: the root
	/// transaction's hash.
	pub fn deposit(&self, amount: u128) -> String {
		let amount = amount.to_string();
		send(
			&self.url,
			USER_KEY,
			&[&self.root_token, "approve(address,uint256)", &self.predicate, &amount],
		)
		.unwrap();
		let receipt = send(
			&self.url,
			USER_KEY,
			&[
				&self.manager,
				"depositFor(address,address,uint256)",
				USER,
				&self.root_token,
				&amount,
			],
		)
		.unwrap();
		receipt["transactionHash"].as_str().unwrap().to_string()
	}

	/// Burns `amount` of the child token for this root chain (native BTT: sends it as the
	/// call's value): the burn's receipt.
	pub fn withdraw(&self, eth_rpc: &str, amount: u128) -> Value {
		let amount = amount.to_string();
		let value: &[&str] = if self.native { &["--value", &amount] } else { &[] };
		let id = self.id.to_string();
		send(
			eth_rpc,
			USER_KEY,
			&[value, &[&self.child_token, "withdraw(uint256,uint256)", &amount, &id]].concat(),
		)
		.unwrap()
	}

	/// The user's root-token balance.
	pub fn root_balance(&self) -> u128 {
		balance(&self.url, &self.root_token, USER)
	}

	/// The user's child-token balance on BTTC (native BTT: `eth_getBalance`, in wei).
	pub fn child_balance(&self, eth_rpc: &str) -> u128 {
		if self.native {
			native_balance(eth_rpc, USER)
		} else {
			balance(eth_rpc, &self.child_token, USER)
		}
	}

	/// Sends `RootChainManager.exit(payload)` from the user.
	pub fn exit(&self, payload: &str) -> Result<Value, String> {
		send(&self.url, USER_KEY, &[&self.manager, "exit(bytes)", payload])
	}
}

impl Network {
	/// Maps each side's root token to its child token on BTTC by governance referenda (one per
	/// side, on the parameters track), and waits until every mapping is enacted.
	pub async fn map_by_governance(&self, sides: &[BridgeSide]) {
		use bttc_runtime::{governance::origins::Origin, OriginCaller, RuntimeCall};
		let node = &self.nodes[0];
		let address = |text: &str| sp_core::H160::from_slice(&hex_bytes(text));
		for side in sides {
			let call = RuntimeCall::Bridge(pallet_bttc_bridge::Call::map_token {
				chain: bttc_primitives::RootChainId::from_u8(side.id).unwrap(),
				root_token: address(&side.root_token),
				child_token: address(&side.child_token),
			});
			node.propose_and_vote(OriginCaller::Origins(Origin::ParameterAdmin), call)
				.await
				.unwrap();
		}
		for side in sides {
			wait_for(
				&format!("{}'s mapping enacted", side.name),
				Duration::from_secs(180),
				|| async {
					let child = node
						.call("bttc_getChildToken", rpc_params![side.name, side.root_token.clone()])
						.await?;
					child.as_str()?.eq_ignore_ascii_case(&side.child_token).then_some(())
				},
			)
			.await;
		}
	}
}

/// Waits until `bttc_getDepositStatus` shows root transaction `root_tx` of `chain` executed;
/// panics if it failed. The record.
pub async fn wait_deposit_executed(
	node: &Node,
	chain: &str,
	root_tx: &str,
	timeout: Duration,
) -> Value {
	wait_for(&format!("deposit {root_tx} of {chain} executed"), timeout, || async {
		let records = node.call("bttc_getDepositStatus", rpc_params![chain, root_tx]).await?;
		let record = records.as_array()?.first()?.clone();
		assert_ne!(record["status"], "failed", "deposit failed: {record}");
		(record["status"] == "executed").then_some(record)
	})
	.await
}

/// Waits until `bttc_getExitPayload` answers for burn `burn_tx` on `chain`: its answer.
pub async fn wait_exitable(eth_rpc: &str, burn_tx: &str, chain: &str, timeout: Duration) -> Value {
	wait_for(&format!("burn {burn_tx} exitable on {chain}"), timeout, || async {
		burn_rpc(eth_rpc, "bttc_getExitPayload", burn_tx, chain).await.ok()
	})
	.await
}
