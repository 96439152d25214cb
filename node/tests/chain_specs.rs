//! The chain specs committed in `chain-specs/` are exactly what the runtime presets produce.
//! When this fails, run `scripts/generate-chain-specs.sh` and commit the result.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use std::{path::PathBuf, process::Command};

fn committed(name: &str) -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chain-specs").join(format!("{name}.json"))
}

#[test]
fn committed_chain_specs_match_the_runtime_presets() {
	for name in ["dev", "local", "testnet"] {
		let out = Command::new(Binaries::locate().node)
			.args(["build-spec", "--disable-default-bootnode", "--chain", name])
			.output()
			.unwrap();
		assert!(out.status.success(), "build-spec --chain {name}: {out:?}");
		let fresh: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
		let path = committed(name);
		let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
			panic!("{}: {e}; run scripts/generate-chain-specs.sh", path.display())
		});
		let on_disk: serde_json::Value = serde_json::from_str(&text).unwrap();
		assert!(
			fresh == on_disk,
			"chain-specs/{name}.json differs from the runtime presets: run \
			 scripts/generate-chain-specs.sh and commit the result (build through the scripts: \
			 the runtime WASM is reproducible only from their fixed build path)"
		);
	}
}

#[test]
fn committed_chain_specs_carry_the_runtime_compressed_once() {
	// A release build embeds the runtime compressed; compressing it again when building a
	// spec made every built-in chain fail at start ("cannot deserialize module").
	for name in ["dev", "local", "testnet"] {
		let spec: serde_json::Value =
			serde_json::from_str(&std::fs::read_to_string(committed(name)).unwrap()).unwrap();
		let code = spec["genesis"]["runtimeGenesis"]["code"].as_str().unwrap();
		let code = sp_core::bytes::from_hex(code).unwrap();
		let wasm = sp_maybe_compressed_blob::decompress(
			&code,
			sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT,
		)
		.unwrap();
		assert!(
			wasm.starts_with(b"\0asm"),
			"chain-specs/{name}.json: the code is not WASM after one decompression"
		);
	}
}

#[test]
fn committed_local_spec_loads_and_builds_its_genesis_state() {
	// The committed file (not only the built-in name) must load and build a genesis state.
	let out = Command::new(Binaries::locate().node)
		.args(["build-spec", "--chain"])
		.arg(committed("local"))
		.arg("--raw")
		.output()
		.unwrap();
	assert!(out.status.success(), "{out:?}");
	let raw: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	assert!(raw["genesis"]["raw"]["top"].as_object().is_some_and(|t| !t.is_empty()));
}
