//! The command line rejects bad chain specs with a one-line error and a non-zero exit.

mod common;

use common::*;
use std::process::Command;

fn run(args: &[&str]) -> std::process::Output {
	Command::new(node_binary()).args(args).output().unwrap()
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
	let out = run(&[
		"--chain",
		"missing.json",
		"--base-path",
		dir.0.to_str().unwrap(),
		"--no-prometheus",
	]);
	let line = one_line_error(&out);
	assert!(line.contains("missing.json") && line.contains("not found"), "{line}");
}

#[test]
fn malformed_chain_spec_is_rejected_with_a_one_line_error() {
	let dir = TempDir::new("bad-spec");
	let spec = dir.0.join("broken.json");
	std::fs::write(&spec, "{ \"name\": \"half a spec\", ").unwrap();
	let out = run(&[
		"--chain",
		spec.to_str().unwrap(),
		"--base-path",
		dir.0.to_str().unwrap(),
		"--no-prometheus",
	]);
	let line = one_line_error(&out);
	assert!(line.contains("broken.json") && line.contains("not a valid chain spec"), "{line}");
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
