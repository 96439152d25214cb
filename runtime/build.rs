fn main() {
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
