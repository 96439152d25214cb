//! The chain specs `bttc-node` knows by name, built from the runtime's genesis presets.

use bttc_primitives::currency::{TOKEN_DECIMALS, TOKEN_SYMBOL};
use bttc_runtime::{
	genesis_config_presets::{DEV_PRESET, LOCAL_PRESET, TESTNET_PRESET},
	WASM_BINARY,
};
use sc_service::ChainType;
use sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT;

/// A chain spec of this node.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Names accepted by `--chain` besides a path to a JSON file.
pub const BUILTIN_CHAINS: [&str; 3] = ["dev", "local", "testnet"];

/// Token symbol, decimals and address format shown by wallets.
fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(builder(name, id, chain_type)?.with_genesis_config_preset_name(preset).build())
}

/// The chain spec of a new live chain (`bttc-node live-spec`): the runtime's live genesis
/// (no sudo key, BTTC's parameters) with the validators of an operators' file.
pub fn live(
	name: &str,
	id: &str,
	validators_json: &str,
	evm_chain_id: u64,
) -> Result<ChainSpec, String> {
	let patch = bttc_runtime::genesis_config_presets::live_genesis(validators_json, evm_chain_id)?;
	Ok(builder(name, id, ChainType::Live)?.with_genesis_config_patch(patch).build())
}

/// The runtime as chain specs carry it: zstd-compressed once, as production runtimes ship (the
/// client decompresses it). A release build embeds the WASM compressed already, a debug build
/// uncompressed; both give the same bytes (`tests/chain_specs.rs` checks the committed specs,
/// which `scripts/generate-chain-specs.sh` or a release binary writes, against a debug build).
fn spec_code(wasm: &[u8]) -> Result<Vec<u8>, String> {
	let raw = sp_maybe_compressed_blob::decompress(wasm, CODE_BLOB_BOMB_LIMIT)
		.map_err(|e| format!("the embedded runtime WASM does not decompress: {e}"))?;
	sp_maybe_compressed_blob::compress_strongly(&raw, CODE_BLOB_BOMB_LIMIT)
		.ok_or_else(|| "the runtime WASM is too large to compress".to_string())
}

fn builder(
	name: &str,
	id: &str,
	chain_type: ChainType,
) -> Result<sc_chain_spec::ChainSpecBuilder<sc_chain_spec::NoExtension>, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"the runtime WASM was not built into this binary (was SKIP_WASM_BUILD set?); \
		 start the node with --chain <spec.json> instead"
			.to_string()
	})?;
	let code = spec_code(wasm)?;
	Ok(ChainSpec::builder(&code, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id(id)
		.with_chain_type(chain_type)
		.with_properties(properties()))
}

/// Loads the chain spec named by `--chain`: a built-in name or a JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(from_preset(
			"BTTC Development",
			"bttc_dev",
			ChainType::Development,
			DEV_PRESET,
		)?),
		"" | "local" => Box::new(from_preset(
			"BTTC Local Testnet",
			"bttc_local",
			ChainType::Local,
			LOCAL_PRESET,
		)?),
		"testnet" => {
			Box::new(from_preset("BTTC Testnet", "bttc_testnet", ChainType::Live, TESTNET_PRESET)?)
		}
		path => {
			let path = std::path::PathBuf::from(path);
			if !path.exists() {
				return Err(format!(
					"chain spec `{}` not found: pass one of {} or the path of a chain-spec JSON file",
					path.display(),
					BUILTIN_CHAINS.join(", ")
				));
			}
			Box::new(ChainSpec::from_json_file(path.clone()).map_err(|e| {
				format!("chain spec `{}` is not a valid chain spec: {e}", path.display())
			})?)
		}
	})
}
