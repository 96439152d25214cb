//! The command line rejects bad chain specs with a one-line error and a non-zero exit.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
	Command::new(Binaries::locate().node).args(args).output().unwrap()
}

/// Starts the node on `chain` (a preset or a spec path), its data in `dir`.
fn start_on(chain: &str, dir: &TempDir) -> std::process::Output {
	run(&["--chain", chain, "--base-path", dir.0.to_str().unwrap(), "--no-prometheus"])
}

/// The single line the node printed on stderr for a failed start.
fn one_line_error(out: &std::process::Output) -> String {
	assert!(!out.status.success(), "expected failure, got {out:?}");
	let stderr = String::from_utf8_lossy(&out.stderr);
	let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
	assert_eq!(lines.len(), 1, "expected one line on stderr, got:\n{stderr}");
	lines[0].to_string()
}

#[test]
fn missing_chain_spec_file_is_named_in_a_one_line_error() {
	let dir = TempDir::new("missing-spec");
	let out = start_on("missing.json", &dir);
	let line = one_line_error(&out);
	assert!(line.contains("missing.json") && line.contains("not found"), "{line}");
}

#[test]
fn malformed_chain_spec_is_rejected_with_a_one_line_error() {
	let dir = TempDir::new("bad-spec");
	let spec = dir.0.join("broken.json");
	std::fs::write(&spec, "{ \"name\": \"half a spec\", ").unwrap();
	let out = start_on(spec.to_str().unwrap(), &dir);
	let line = one_line_error(&out);
	assert!(line.contains("broken.json") && line.contains("not a valid chain spec"), "{line}");
}

#[test]
fn chain_spec_with_evm_chain_id_zero_is_refused_naming_the_field() {
	let dir = TempDir::new("no-chain-id");
	let mut spec: serde_json::Value =
		serde_json::from_str(include_str!("../../chain-specs/dev.json")).unwrap();
	spec["genesis"]["runtimeGenesis"]["patch"]["evmChainId"]["chainId"] = 0.into();
	let file = dir.0.join("no-chain-id.json");
	std::fs::write(&file, spec.to_string()).unwrap();
	let out = start_on(file.to_str().unwrap(), &dir);
	assert!(!out.status.success(), "a chain with EVM chain id 0 started: {out:?}");
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("evmChainId.chainId must be set"), "{stderr}");
}

#[test]
fn runtime_presets_are_listed() {
	let out = run(&["list-presets"]);
	assert!(out.status.success());
	assert_eq!(
		String::from_utf8_lossy(&out.stdout).lines().collect::<Vec<_>>(),
		["dev", "local", "testnet"]
	);
}

#[test]
fn build_spec_of_testnet_has_no_sudo_key() {
	let out = run(&["build-spec", "--chain", "testnet"]);
	assert!(out.status.success(), "{out:?}");
	let spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch["sudo"]["key"].is_null(), "testnet must not have a sudo key: {}", patch["sudo"]);
	assert_eq!(patch["aura"]["authorities"].as_array().map(Vec::len), Some(4));
	assert_eq!(spec["properties"]["tokenSymbol"], "BTT");
	assert_eq!(spec["properties"]["tokenDecimals"], 18);
}

/// Blocks written by a running node survive its shutdown, and `export-blocks` /
/// `import-blocks` move them into another database intact.
#[tokio::test(flavor = "multi_thread")]
async fn blocks_survive_restart_and_round_trip_through_export_and_import() {
	let dir = TempDir::new("export-import");
	let spec = NodeSpec::new(0, "alice", &dir.0);
	let node = Node::start(&spec, "dev", &[], &dir.0);
	wait_for("the dev node to author block 3", std::time::Duration::from_secs(60), || async {
		node.best_number().await.filter(|n| *n >= 3)
	})
	.await;
	let hash_3 = node.block_hash(3).await.expect("block 3 exists");
	node.kill();

	let source = spec.base_path.to_str().unwrap();
	let exported = dir.0.join("blocks.json");
	let out = run(&[
		"export-blocks",
		"--chain",
		"dev",
		"--base-path",
		source,
		"--from",
		"1",
		"--to",
		"3",
		exported.to_str().unwrap(),
	]);
	assert!(out.status.success(), "export-blocks: {out:?}");

	let target = dir.0.join("imported");
	let out = run(&[
		"import-blocks",
		"--chain",
		"dev",
		"--base-path",
		target.to_str().unwrap(),
		exported.to_str().unwrap(),
	]);
	assert!(out.status.success(), "import-blocks: {out:?}");

	// Exporting again from the imported database gives the same blocks, byte for byte.
	let re_exported = dir.0.join("again.json");
	let out = run(&[
		"export-blocks",
		"--chain",
		"dev",
		"--base-path",
		target.to_str().unwrap(),
		"--from",
		"1",
		"--to",
		"3",
		re_exported.to_str().unwrap(),
	]);
	assert!(out.status.success(), "export-blocks (imported): {out:?}");
	let original = std::fs::read(&exported).unwrap();
	assert!(!original.is_empty());
	assert_eq!(original, std::fs::read(&re_exported).unwrap(), "imported blocks differ");

	// The original database still has block 3 with the same hash after the shutdown.
	let restarted = Node::start(&spec, "dev", &[], &dir.0);
	let hash_after =
		wait_for("the restarted node to answer", std::time::Duration::from_secs(60), || {
			restarted.block_hash(3)
		})
		.await;
	assert_eq!(hash_after, hash_3);
}
