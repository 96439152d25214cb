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

/// Every public key a chain spec may carry in a well-known form: raw hex (the raw spec's
/// storage) and SS58 (the genesis patch).
fn forms_of(key: &[u8]) -> Vec<String> {
	use sp_core::crypto::Ss58Codec;
	let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
	let mut forms = vec![hex];
	if let Ok(raw) = <[u8; 32]>::try_from(key) {
		forms.push(sp_core::sr25519::Public::from_raw(raw).to_ss58check());
	}
	forms
}

/// A chain spec's genesis (patch or raw storage) as lower-case text, without the runtime
/// code: the code holds the development keys on purpose (it refuses them in live validator
/// files), and its bytes may contain any short sequence by chance.
fn genesis_without_code(spec: &[u8]) -> String {
	let mut spec: serde_json::Value = serde_json::from_slice(spec).unwrap();
	let genesis = &mut spec["genesis"];
	let code = genesis["runtimeGenesis"].as_object_mut().and_then(|g| g.remove("code"));
	let raw_code = genesis["raw"]["top"].as_object_mut().and_then(|top| top.remove("0x3a636f6465"));
	assert!(code.is_some() || raw_code.is_some(), "no runtime code found in the spec");
	genesis.to_string().to_lowercase()
}

#[test]
fn no_well_known_development_key_is_in_the_testnet_spec() {
	let dev_keys = bttc_runtime::genesis_config_presets::well_known_dev_keys();
	// The dev keyring (sr25519 and ed25519, 28 keys) and the 4 dev signers.
	assert_eq!(dev_keys.len(), 14 + 14 + 4);
	let mut forbidden: Vec<String> = dev_keys.iter().flat_map(|k| forms_of(k)).collect();
	// Ethereum tools' development accounts, and the dev signers' addresses.
	forbidden.extend(
		bttc_runtime::genesis_config_presets::DEV_ETH_ACCOUNTS
			.iter()
			.map(|a| a.trim_start_matches("0x").to_lowercase()),
	);
	for raw in [false, true] {
		let mut args = vec!["build-spec", "--chain", "testnet"];
		if raw {
			args.push("--raw");
		}
		let out = run(&args);
		assert!(out.status.success(), "{out:?}");
		let spec = genesis_without_code(&out.stdout);
		for key in &forbidden {
			assert!(
				!spec.contains(&key.to_lowercase()),
				"the testnet spec (raw: {raw}) holds {key}"
			);
		}
	}
	// The check sees keys: the local spec, built from the dev keys, is caught.
	let local = genesis_without_code(&run(&["build-spec", "--chain", "local", "--raw"]).stdout);
	assert!(forbidden.iter().any(|key| local.contains(&key.to_lowercase())));
}

#[test]
fn generated_validator_keys_land_in_the_keystore_and_make_a_valid_validator_entry() {
	let dir = TempDir::new("validator-keys");
	let base = dir.0.to_str().unwrap();
	let signer_file = dir.0.join("root-signer.key");
	let account = "0x9a0a7d2a4f3e51e1f5b3a7b4b7c2c1e4d0f6a8b9c1d2e3f405162738495a6b7c";
	let generate = || {
		run(&[
			"generate-validator-keys",
			"--chain",
			"testnet",
			"--base-path",
			base,
			"--account",
			account,
			"--name",
			"v1",
			"--root-signer-key",
			signer_file.to_str().unwrap(),
		])
	};
	let out = generate();
	assert!(out.status.success(), "{out:?}");
	let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let entry = &printed["validatorFileEntry"];
	assert_eq!(entry["account"], account);

	// The session keys are in the keystore under their key types, the signer key in its file
	// (owner-only) and nowhere in the output.
	let keystore = dir.0.join("chains/bttc_testnet/keystore");
	for (key_type, field) in [("61757261", "aura"), ("6772616e", "grandpa"), ("62747463", "bttc")] {
		let public = entry["sessionKeys"][field].as_str().unwrap().trim_start_matches("0x");
		assert!(keystore.join(format!("{key_type}{public}")).exists(), "{field} key not stored");
	}
	let secret = std::fs::read_to_string(&signer_file).unwrap();
	use std::os::unix::fs::PermissionsExt;
	assert_eq!(std::fs::metadata(&signer_file).unwrap().permissions().mode() & 0o777, 0o600);
	let signer = <sp_core::ecdsa::Pair as sp_core::Pair>::from_seed_slice(
		&sp_core::bytes::from_hex(secret.trim()).unwrap(),
	)
	.unwrap();
	assert!(!String::from_utf8_lossy(&out.stdout).contains(secret.trim().trim_start_matches("0x")));
	let address = format!(
		"{:?}",
		bttc_duties::binding::uncompressed(&signer)
			.map(|p| bttc_primitives::staking::signer_address(&p))
			.unwrap()
	);
	assert_eq!(printed["rootChain"]["signer"], address);

	// The entry is what a live chain's validator file takes.
	let file = serde_json::json!({ "validators": [entry] }).to_string();
	let validators = bttc_runtime::genesis_config_presets::validators_from_json(&file).unwrap();
	assert_eq!(validators.len(), 1);

	// A second run never overwrites the signer key.
	let again = generate();
	let line = one_line_error(&again);
	assert!(line.contains("exists"), "{line}");
	assert_eq!(std::fs::read_to_string(&signer_file).unwrap(), secret);
}

#[test]
fn a_live_spec_takes_its_validators_from_an_operators_file_and_refuses_dev_keys() {
	let dir = TempDir::new("live-spec");
	let mut entries = Vec::new();
	for n in 1..=2u8 {
		let account = format!("0x{}", format!("{:02x}", 0x40 + n).repeat(32));
		let signer_file = dir.0.join(format!("signer-{n}.key"));
		let out = run(&[
			"generate-validator-keys",
			"--chain",
			"testnet",
			"--base-path",
			dir.0.join(format!("v{n}")).to_str().unwrap(),
			"--account",
			&account,
			"--root-signer-key",
			signer_file.to_str().unwrap(),
		]);
		assert!(out.status.success(), "{out:?}");
		let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
		entries.push(printed["validatorFileEntry"].clone());
	}
	let file = dir.0.join("validators.json");
	let live_spec = |entries: &[serde_json::Value]| {
		std::fs::write(&file, serde_json::json!({ "validators": entries }).to_string()).unwrap();
		run(&[
			"live-spec",
			"--validators",
			file.to_str().unwrap(),
			"--name",
			"My chain",
			"--id",
			"bttc_mine",
			"--evm-chain-id",
			"424242",
		])
	};
	let out = live_spec(&entries);
	assert!(out.status.success(), "{out:?}");
	let spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert_eq!(spec["chainType"], "Live");
	assert_eq!(spec["id"], "bttc_mine");
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch["sudo"]["key"].is_null());
	assert_eq!(patch["evmChainId"]["chainId"], 424242);
	assert_eq!(patch["aura"]["authorities"].as_array().map(Vec::len), Some(2));

	// An entry with Alice's keys is refused, naming the file and the entry.
	let mut with_alice = entries.clone();
	with_alice[1]["sessionKeys"]["grandpa"] = format!(
		"0x{}",
		sp_keyring::Ed25519Keyring::Alice
			.public()
			.0
			.iter()
			.map(|b| format!("{b:02x}"))
			.collect::<String>()
	)
	.into();
	let line = one_line_error(&live_spec(&with_alice));
	assert!(
		line.contains("validators.json")
			&& line.contains("validator 2")
			&& line.contains("well-known development key"),
		"{line}"
	);
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
