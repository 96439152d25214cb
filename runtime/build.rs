fn main() {
	write_native_btt_code();
	#[cfg(feature = "std")]
	{
		// The runtime the node embeds.
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		// The same runtime with `try-runtime` (the `TryRuntime` API, migrations' pre/post
		// checks, `try_state`): `bttc-node try-upgrade` runs it on a live chain's state before
		// governance enacts an upgrade. Built beside the first, never put on chain.
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("try-runtime")
			.set_file_name("wasm_binary_try_runtime.rs")
			.build();
		// On request only (`scripts/generate-weights.sh`): the runtime with its `Benchmark`
		// API, which `frame-omni-bencher` runs to measure the pallets' weights. Never on chain.
		println!("cargo:rerun-if-env-changed=BTTC_BENCHMARK_WASM");
		if std::env::var_os("BTTC_BENCHMARK_WASM").is_some() {
			substrate_wasm_builder::WasmBuilder::init_with_defaults()
				.enable_feature("runtime-benchmarks")
				.set_file_name("wasm_binary_benchmarks.rs")
				.build();
		}
	}
}

/// Writes the runtime code of `contracts/src/token/NativeBTT.sol` (its committed artifact's
/// `deployedBytecode`, which `contracts/tools/build.js --check` keeps equal to a fresh compile)
/// to `$OUT_DIR/native_btt.bin`: the genesis places it at the native BTT bridge address. Runs
/// for the native and the WASM build alike, without dependencies.
fn write_native_btt_code() {
	let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
	let artifact = std::path::Path::new(&manifest).join("../contracts/artifacts/NativeBTT.json");
	println!("cargo:rerun-if-changed={}", artifact.display());
	let text = std::fs::read_to_string(&artifact)
		.unwrap_or_else(|e| panic!("cannot read {}: {e}", artifact.display()));
	let key = "\"deployedBytecode\": \"0x";
	let start = text.find(key).map(|at| at + key.len()).expect("the artifact has deployedBytecode");
	let digits = &text[start..start + text[start..].find('"').expect("a closing quote")];
	assert!(digits.len() % 2 == 0 && !digits.is_empty(), "deployedBytecode is not hex bytes");
	let code: Vec<u8> = (0..digits.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("deployedBytecode is hex"))
		.collect();
	let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
		.join("native_btt.bin");
	std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
