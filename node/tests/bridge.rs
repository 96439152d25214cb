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
//!    chain); `RootChainManager.exit` releases 40: balances add up on both sides, and
//!    `bttc_getWithdrawalStatus` says `exitable`, then `exited`.
//! 3. A second exit with the same payload, an altered payload, and the payload submitted to
//!    the other root chain are refused.
//!
//! **Native BTT**: each root chain's BTT is mapped to the genesis contract at `0x…1010`. A
//! deposit of 100 on each chain pays out of the one reserve (the balance shows through
//! `eth_getBalance`); 40 withdrawn for Ethereum with the `bttc-bridge` command exits there;
//! the reserve and both sides add up to the wei, fees included.
//!
//! Then: with two of four equal validators stopped (half the stake), a deposit is not
//! executed; every node then stops and restarts, and the pending deposit is executed once,
//! nothing else minted again.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::{bridge::*, *};
use jsonrpsee::rpc_params;
use std::{
	process::{Command, Stdio},
	time::{Duration, Instant},
};

/// Runs the `bttc-bridge` command built beside this test: success, stdout, stderr.
fn bridge_cli(args: &[&str]) -> (bool, String, String) {
	let exe = std::env::current_exe().unwrap();
	let bin = exe.parent().unwrap().parent().unwrap().join("bttc-bridge");
	let out = Command::new(&bin)
		.args(args)
		.stdin(Stdio::null())
		.output()
		.unwrap_or_else(|e| panic!("{}: {e} (build it with --bins)", bin.display()));
	let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
	eprint!("bttc-bridge {}:\n{}", args[0], text(&out.stderr));
	(out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// `bttc-bridge deposit` of 100 of `side`'s root token, followed until BTTC executed it: the
/// root transaction's hash.
fn deposit_with_cli(side: &BridgeSide, node_rpc: &str) -> String {
	let (ok, _, log) = bridge_cli(&[
		"deposit",
		"--root-rpc",
		&side.url,
		"--root-chain",
		side.name,
		"--manager",
		&side.manager,
		"--token",
		&side.root_token,
		"--amount",
		"100",
		"--key",
		USER_KEY,
		"--node-rpc",
		node_rpc,
		"--timeout",
		"120",
	]);
	assert!(ok && log.contains("minted on BTTC"), "bttc-bridge deposit failed: {log}");
	let at = log.find("root transaction 0x").unwrap() + "root transaction ".len();
	log[at..at + 66].to_string()
}

/// `bttc-bridge withdraw` of 40 of `token` (an address or `native`) for `side`'s root chain,
/// followed until exitable: the burn's hash.
fn withdraw_with_cli(side: &BridgeSide, eth_rpc: &str, token: &str) -> String {
	let (ok, out, log) = bridge_cli(&[
		"withdraw",
		"--eth-rpc",
		eth_rpc,
		"--root-chain",
		side.name,
		"--token",
		token,
		"--amount",
		"40",
		"--key",
		USER_KEY,
		"--timeout",
		"240",
	]);
	assert!(ok && log.contains("exitable"), "bttc-bridge withdraw failed: {log}");
	out.trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn deposits_and_exits_on_two_root_chains_add_up_and_refuse_replays_forgeries_and_wrong_chains(
) {
	let root = TempDir::new("bridge");
	eprintln!("logs of this test: {}", root.0.display());
	let mut config = NetworkConfig::local(root.0.clone());
	config.root_chains.truncate(2);
	config.node_args = vec!["--log".into(), "runtime::bridge=debug".into()];
	let mut net = Network::start(config).await.unwrap();
	let eth_rpc = net.eth_rpcs[0].url.clone();
	let started = Instant::now();

	let info = net.nodes[0].call("bttc_getBridgeInfo", rpc_params![]).await.unwrap();
	assert_eq!(info["depositor"].as_str().unwrap().to_lowercase(), DEPOSITOR);
	let sides = [
		BridgeSide::set_up(net.root_chain("tron").unwrap(), 1, &eth_rpc),
		BridgeSide::set_up(net.root_chain("ethereum").unwrap(), 2, &eth_rpc),
	];
	let natives = [
		BridgeSide::set_up_native(net.root_chain("tron").unwrap(), 1),
		BridgeSide::set_up_native(net.root_chain("ethereum").unwrap(), 2),
	];
	net.map_by_governance(&[&sides[..], &natives[..]].concat()).await;
	eprintln!("tokens mapped after {:?}", started.elapsed());

	let alice = &net.nodes[0];
	let node_rpc = alice.spec.rpc_url();
	for side in &sides {
		let other = sides.iter().find(|s| s.name != side.name).unwrap();
		// TRON's side is driven with `cast`, Ethereum's with the `bttc-bridge` command.
		let via_cli = side.name == "ethereum";
		// ----- 1. Deposit 100 -------------------------------------------------------------
		let before_root = side.root_balance();
		let deposited_at = Instant::now();
		let root_tx =
			if via_cli { deposit_with_cli(side, &node_rpc) } else { side.deposit(100 * TOKEN) };
		let record =
			wait_deposit_executed(alice, side.name, &root_tx, Duration::from_secs(120)).await;
		eprintln!(
			"{}: deposit executed {:?} after its root transaction: {record}",
			side.name,
			deposited_at.elapsed()
		);
		assert_eq!(side.child_balance(&eth_rpc), 100 * TOKEN);
		assert_eq!(side.root_balance(), before_root - 100 * TOKEN);

		// ----- 2. Withdraw 40 -------------------------------------------------------------
		let burn_tx = if via_cli {
			withdraw_with_cli(side, &eth_rpc, &side.child_token)
		} else {
			let burn = side.withdraw(&eth_rpc, 40 * TOKEN);
			burn["transactionHash"].as_str().unwrap().to_string()
		};
		assert_eq!(side.child_balance(&eth_rpc), 60 * TOKEN);
		let refused =
			burn_rpc(&eth_rpc, "bttc_getExitPayload", &burn_tx, other.name).await.unwrap_err();
		assert!(refused.contains("not a burn for"), "{refused}");
		let burnt_at = Instant::now();
		let exit = wait_exitable(&eth_rpc, &burn_tx, side.name, Duration::from_secs(240)).await;
		eprintln!("{}: burn exit-provable {:?} after its receipt", side.name, burnt_at.elapsed());
		let status =
			burn_rpc(&eth_rpc, "bttc_getWithdrawalStatus", &burn_tx, side.name).await.unwrap();
		assert_eq!(status["status"], "exitable");
		let payload = exit["payload"].as_str().unwrap().to_string();

		// ----- 3. Forged and wrong-chain exits refused; the exit; a replay refused -------------
		let mut forged = hex_bytes(&payload);
		let middle = forged.len() / 2;
		forged[middle] ^= 0x01;
		let forged: String =
			format!("0x{}", forged.iter().map(|b| format!("{b:02x}")).collect::<String>());
		assert!(side.exit(&forged).is_err(), "an altered payload must not exit");
		assert!(
			other.exit(&payload).is_err(),
			"a burn for {} must not exit on {}",
			side.name,
			other.name
		);
		let before_exit = side.root_balance();
		if via_cli {
			let (ok, _, log) = bridge_cli(&[
				"exit",
				"--eth-rpc",
				&eth_rpc,
				"--root-rpc",
				&side.url,
				"--root-chain",
				side.name,
				"--manager",
				&side.manager,
				"--tx",
				&burn_tx,
				"--key",
				USER_KEY,
			]);
			assert!(ok && log.contains("exited in"), "bttc-bridge exit failed: {log}");
			let (ok, status, _) = bridge_cli(&[
				"status",
				"withdraw",
				"--eth-rpc",
				&eth_rpc,
				"--root-chain",
				side.name,
				"--tx",
				&burn_tx,
				"--root-rpc",
				&side.url,
				"--manager",
				&side.manager,
			]);
			assert!(ok && status.contains("\"exited\""), "{status}");
			let (ok, status, _) = bridge_cli(&[
				"status",
				"deposit",
				"--node-rpc",
				&node_rpc,
				"--root-chain",
				side.name,
				"--tx",
				&root_tx,
			]);
			assert!(ok && status.contains("\"executed\""), "{status}");
		} else {
			side.exit(&payload).unwrap();
		}
		assert_eq!(side.root_balance(), before_exit + 40 * TOKEN, "the exit releases 40");
		assert_eq!(side.root_balance(), before_root - 60 * TOKEN, "balances add up");
		assert!(side.exit(&payload).is_err(), "a replayed exit must be refused");
		assert_eq!(side.root_balance(), before_root - 60 * TOKEN);
		let processed = cast(&[
			"call",
			"--rpc-url",
			&side.url,
			&side.manager,
			"processedExits(bytes32)(bool)",
			exit["exitHash"].as_str().unwrap(),
		])
		.unwrap();
		assert_eq!(processed, "true");
		let status =
			burn_rpc(&eth_rpc, "bttc_getWithdrawalStatus", &burn_tx, side.name).await.unwrap();
		assert_eq!(status["status"], "exited", "{status}");
		assert_eq!(status["exitHash"], exit["exitHash"]);
	}

	// ----- Native BTT: deposits on both chains from one reserve; an exit on Ethereum ---------
	let reserve_before = native_balance(&eth_rpc, NATIVE_BTT);
	let user_before = natives[0].child_balance(&eth_rpc);
	let roots_before = [natives[0].root_balance(), natives[1].root_balance()];
	let tron_tx = natives[0].deposit(100 * TOKEN);
	deposit_with_cli(&natives[1], &node_rpc);
	wait_deposit_executed(alice, "tron", &tron_tx, Duration::from_secs(120)).await;
	assert_eq!(natives[0].child_balance(&eth_rpc), user_before + 200 * TOKEN);
	assert_eq!(native_balance(&eth_rpc, NATIVE_BTT), reserve_before - 200 * TOKEN);
	let burn_tx = withdraw_with_cli(&natives[1], &eth_rpc, "native");
	let burn: serde_json::Value = serde_json::from_str(
		&cast(&["receipt", "--json", "--rpc-url", &eth_rpc, &burn_tx]).unwrap(),
	)
	.unwrap();
	assert_eq!(
		natives[0].child_balance(&eth_rpc),
		user_before + 160 * TOKEN - fee_paid(&burn),
		"the user holds 200 deposited less 40 withdrawn and the burn's fee"
	);
	assert_eq!(native_balance(&eth_rpc, NATIVE_BTT), reserve_before - 160 * TOKEN);
	let exit = wait_exitable(&eth_rpc, &burn_tx, "ethereum", Duration::from_secs(60)).await;
	natives[1].exit(exit["payload"].as_str().unwrap()).unwrap();
	assert_eq!(natives[1].root_balance(), roots_before[1] - 60 * TOKEN, "BTT adds up on Ethereum");
	assert_eq!(natives[0].root_balance(), roots_before[0] - 100 * TOKEN, "BTT adds up on TRON");
	assert!(natives[1].exit(exit["payload"].as_str().unwrap()).is_err(), "a replayed BTT exit");

	// ----- Less than 2/3 of stake: not applied; every node restarts; applied once -----------
	let tron = &sides[0];
	let info_before = net.nodes[0].call("bttc_getBridgeInfo", rpc_params![]).await.unwrap();
	net.stop_node(2);
	net.stop_node(3);
	let root_tx = tron.deposit(7 * TOKEN);
	// Deposits with every validator up were executed 10–17 s after their root transaction.
	tokio::time::sleep(Duration::from_secs(20)).await;
	let records = net.nodes[0]
		.call("bttc_getDepositStatus", rpc_params!["tron", root_tx.clone()])
		.await
		.unwrap();
	assert_eq!(records, serde_json::json!([]), "a state sync seen by half of the stake applied");
	assert_eq!(tron.child_balance(&eth_rpc), 60 * TOKEN);
	// Every node goes down (Alice and Bob with their votes pending on chain) and comes back.
	net.stop_node(0);
	net.stop_node(1);
	tokio::time::sleep(Duration::from_secs(3)).await;
	for index in 0..net.nodes.len() {
		net.restart_node(index);
	}
	// Four debug nodes starting at once on two cores take a while (hardware benchmark, sync).
	let alice = &net.nodes[0];
	wait_for("alice after the restart", Duration::from_secs(240), || alice.best_number()).await;
	wait_deposit_executed(alice, "tron", &root_tx, Duration::from_secs(240)).await;
	assert_eq!(tron.child_balance(&eth_rpc), 67 * TOKEN, "the pending deposit minted once");
	assert_eq!(sides[1].child_balance(&eth_rpc), 60 * TOKEN);
	let info_after = alice.call("bttc_getBridgeInfo", rpc_params![]).await.unwrap();
	let last_state_id = |info: &serde_json::Value, chain: &str| {
		info["chains"].as_array().unwrap().iter().find(|c| c["rootChain"] == chain).unwrap()
			["lastStateId"]
			.as_u64()
			.unwrap()
	};
	assert_eq!(last_state_id(&info_after, "tron"), last_state_id(&info_before, "tron") + 1);
	assert_eq!(last_state_id(&info_after, "ethereum"), last_state_id(&info_before, "ethereum"));
	assert!(net.first_exited().is_none());
}
