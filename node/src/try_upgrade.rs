//! `bttc-node try-upgrade`: runs a runtime's migrations and checks on a running chain's state
//! before governance enacts it, as polkadot-sdk's `try-runtime on-runtime-upgrade live` does.
//!
//! The state of one block is read over JSON-RPC (every key of the main trie and of child
//! tries), and the runtime's `TryRuntime_on_runtime_upgrade` is executed on it with every
//! check: the migrations' `pre_upgrade`/`post_upgrade`, decoding of all storage, every pallet's
//! `try_state`. Nothing is written to the chain.

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use sp_core::storage::{well_known_keys, ChildInfo, Storage, StorageChild};
use std::{collections::BTreeMap, path::PathBuf, time::Instant};

/// The argument of `TryRuntime_on_runtime_upgrade`: frame-support's `UpgradeCheckSelect`, which
/// exists only in try-runtime builds (the node is not one), with the same SCALE encoding.
#[derive(Encode)]
#[allow(dead_code)]
enum UpgradeCheckSelect {
	None,
	/// `try_state`, `pre_upgrade` and `post_upgrade`.
	All,
}

/// Keys asked per `state_getKeysPaged` call.
const PAGE: u32 = 1_000;
/// Values asked per `state_queryStorageAt` call.
const VALUES_PER_CALL: usize = 200;

/// Why `try-upgrade` failed.
#[derive(Debug, thiserror::Error)]
pub enum TryUpgradeError {
	/// A JSON-RPC call to the chain's node failed.
	#[error("JSON-RPC {method} at {url}: {source}")]
	Rpc {
		url: String,
		method: &'static str,
		#[source]
		source: jsonrpsee::core::ClientError,
	},
	/// The node answered something that is not what the method returns.
	#[error("JSON-RPC {method}: unexpected answer: {detail}")]
	Answer { method: &'static str, detail: String },
	/// The runtime file could not be read.
	#[error("reading the runtime {path}: {source}")]
	Read {
		path: PathBuf,
		#[source]
		source: std::io::Error,
	},
	/// The runtime is not a (compressed) WASM runtime built with `try-runtime`.
	#[error("the runtime: {0}")]
	Runtime(String),
	/// The migrations or the checks failed: the upgrade must not be enacted as it is.
	#[error("the upgrade's checks failed on block {block}: {reason}")]
	Checks { block: String, reason: String },
}

/// `bttc-node try-upgrade`.
#[derive(Debug, clap::Parser)]
pub struct TryUpgradeCmd {
	/// JSON-RPC (HTTP) of a node of the chain to check, e.g. http://127.0.0.1:9944.
	#[arg(long, value_name = "URL")]
	pub rpc_url: String,

	/// Hash of the block whose state is checked; the finalized block by default.
	#[arg(long, value_name = "HASH")]
	pub at: Option<String>,

	/// The runtime to check: a WASM built with the `try-runtime` feature, compressed or not.
	/// By default this binary's own runtime in its try-runtime build.
	#[arg(long, value_name = "FILE")]
	pub runtime: Option<PathBuf>,
}

/// What a successful check found.
#[derive(Debug)]
pub struct UpgradeReport {
	/// Block checked.
	pub block: String,
	/// Keys read (main trie and child tries).
	pub keys: usize,
	/// Weight of the migrations and of the block's maximum.
	pub weight: sp_runtime::Weight,
	pub max_block_weight: sp_runtime::Weight,
}

struct Rpc {
	url: String,
	client: HttpClient,
}

impl Rpc {
	async fn call<T: serde::de::DeserializeOwned>(
		&self,
		method: &'static str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<T, TryUpgradeError> {
		self.client.request(method, params).await.map_err(|source| TryUpgradeError::Rpc {
			url: self.url.clone(),
			method,
			source,
		})
	}
}

fn from_hex(method: &'static str, text: &str) -> Result<Vec<u8>, TryUpgradeError> {
	sp_core::bytes::from_hex(text)
		.map_err(|e| TryUpgradeError::Answer { method, detail: format!("{text:.20}: {e}") })
}

fn hex(bytes: &[u8]) -> String {
	sp_core::bytes::to_hex(bytes, false)
}

/// Every key of the trie under `child` (or the main trie) at `at`.
async fn keys(rpc: &Rpc, child: Option<&str>, at: &str) -> Result<Vec<String>, TryUpgradeError> {
	let mut keys = Vec::new();
	let mut start: Option<String> = None;
	loop {
		let page: Vec<String> = match child {
			None => {
				rpc.call("state_getKeysPaged", rpc_params!["0x", PAGE, start.clone(), at]).await?
			}
			Some(child) => {
				rpc.call(
					"childstate_getKeysPaged",
					rpc_params![child, "0x", PAGE, start.clone(), at],
				)
				.await?
			}
		};
		let full = page.len() == PAGE as usize;
		start = page.last().cloned();
		keys.extend(page);
		if !full {
			return Ok(keys);
		}
	}
}

/// Values of `keys` in the main trie at `at`.
async fn values(
	rpc: &Rpc,
	keys: &[String],
	at: &str,
) -> Result<Vec<(Vec<u8>, Vec<u8>)>, TryUpgradeError> {
	const METHOD: &str = "state_queryStorageAt";
	#[derive(serde::Deserialize)]
	struct ChangeSet {
		changes: Vec<(String, Option<String>)>,
	}
	let mut out = Vec::with_capacity(keys.len());
	for chunk in keys.chunks(VALUES_PER_CALL) {
		let sets: Vec<ChangeSet> = rpc.call(METHOD, rpc_params![chunk, at]).await?;
		for set in sets {
			for (key, value) in set.changes {
				if let Some(value) = value {
					out.push((from_hex(METHOD, &key)?, from_hex(METHOD, &value)?));
				}
			}
		}
	}
	Ok(out)
}

/// The whole state of block `at`.
async fn state(rpc: &Rpc, at: &str) -> Result<(Storage, usize), TryUpgradeError> {
	const METHOD: &str = "childstate_getStorageEntries";
	let all = keys(rpc, None, at).await?;
	let mut storage = Storage::default();
	let mut count = 0;
	for (key, value) in values(rpc, &all, at).await? {
		count += 1;
		if let Some(child_id) = key.strip_prefix(well_known_keys::DEFAULT_CHILD_STORAGE_KEY_PREFIX)
		{
			// A child trie: its root (`value`) is recomputed from its entries.
			let child_key = hex(&key);
			let child_keys = keys(rpc, Some(&child_key), at).await?;
			let values: Vec<Option<String>> =
				rpc.call(METHOD, rpc_params![child_key, child_keys.clone(), at]).await?;
			let mut data = BTreeMap::new();
			for (k, v) in child_keys.iter().zip(values) {
				if let Some(v) = v {
					data.insert(from_hex(METHOD, k)?, from_hex(METHOD, &v)?);
					count += 1;
				}
			}
			let child_info = ChildInfo::new_default(child_id);
			storage
				.children_default
				.insert(child_info.storage_key().to_vec(), StorageChild { data, child_info });
		} else {
			storage.top.insert(key, value);
		}
	}
	Ok((storage, count))
}

/// Runs `TryRuntime_on_runtime_upgrade` of `code` on `storage` with every check.
fn execute(
	code: &[u8],
	storage: Storage,
) -> Result<(sp_runtime::Weight, sp_runtime::Weight), String> {
	let mut ext = sp_io::TestExternalities::new(storage);
	let backend = ext.as_backend();
	let mut overlay = sp_state_machine::OverlayedChanges::default();
	let executor = sc_executor::WasmExecutor::<sp_io::SubstrateHostFunctions>::builder().build();
	let runtime_code = sp_core::traits::RuntimeCode {
		code_fetcher: &sp_core::traits::WrappedRuntimeCode(code.into()),
		heap_pages: None,
		hash: sp_io::hashing::blake2_256(code).to_vec(),
	};
	let mut extensions = sp_externalities::Extensions::default();
	let encoded = sp_state_machine::StateMachine::new(
		&backend,
		&mut overlay,
		&executor,
		"TryRuntime_on_runtime_upgrade",
		&UpgradeCheckSelect::All.encode(),
		&mut extensions,
		&runtime_code,
		sp_core::traits::CallContext::Offchain,
	)
	.execute()
	.map_err(|e| format!("{e}"))?;
	<(sp_runtime::Weight, sp_runtime::Weight)>::decode(&mut &encoded[..])
		.map_err(|e| format!("the runtime's answer does not decode: {e}"))
}

impl TryUpgradeCmd {
	/// Checks the upgrade; prints what it did.
	pub fn run(&self) -> Result<(), TryUpgradeError> {
		let code = match &self.runtime {
			Some(path) => std::fs::read(path)
				.map_err(|source| TryUpgradeError::Read { path: path.clone(), source })?,
			None => bttc_runtime::try_runtime_wasm::WASM_BINARY
				.ok_or_else(|| {
					TryUpgradeError::Runtime(
						"this binary was built without its runtime WASM (SKIP_WASM_BUILD)".into(),
					)
				})?
				.to_vec(),
		};
		let runtime = tokio::runtime::Builder::new_multi_thread()
			.enable_all()
			.build()
			.map_err(|e| TryUpgradeError::Runtime(format!("starting the async runtime: {e}")))?;
		let report = runtime.block_on(check(&self.rpc_url, self.at.clone(), &code))?;
		println!(
			"✅ the upgrade's migrations and checks pass on block {} ({} keys): migrations weigh {} of {} ps in a block, proof {} of {} bytes",
			report.block,
			report.keys,
			report.weight.ref_time(),
			report.max_block_weight.ref_time(),
			report.weight.proof_size(),
			report.max_block_weight.proof_size(),
		);
		Ok(())
	}
}

/// Reads the chain's state at `at` (its finalized block by default) from `rpc_url` and runs
/// `code`'s upgrade checks on it.
pub async fn check(
	rpc_url: &str,
	at: Option<String>,
	code: &[u8],
) -> Result<UpgradeReport, TryUpgradeError> {
	let code =
		sp_maybe_compressed_blob::decompress(code, sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT)
			.map_err(|e| TryUpgradeError::Runtime(format!("does not decompress: {e}")))?
			.into_owned();
	let client = HttpClientBuilder::default()
		.max_response_size(64 * 1024 * 1024)
		.request_timeout(std::time::Duration::from_secs(120))
		.build(rpc_url)
		.map_err(|source| TryUpgradeError::Rpc {
			url: rpc_url.to_string(),
			method: "connect",
			source,
		})?;
	let rpc = Rpc { url: rpc_url.to_string(), client };
	let block = match at {
		Some(hash) => hash,
		None => rpc.call::<String>("chain_getFinalizedHead", rpc_params![]).await?,
	};
	let started = Instant::now();
	let (storage, keys) = state(&rpc, &block).await?;
	log::info!("read {keys} keys of block {block} in {:.1} s", started.elapsed().as_secs_f64());
	let (weight, max_block_weight) = tokio::task::spawn_blocking(move || execute(&code, storage))
		.await
		.map_err(|e| TryUpgradeError::Runtime(format!("the check did not finish: {e}")))?
		.map_err(|reason| TryUpgradeError::Checks { block: block.clone(), reason })?;
	Ok(UpgradeReport { block, keys, weight, max_block_weight })
}
