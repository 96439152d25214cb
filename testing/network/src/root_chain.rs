//! The embedded root chains: anvils (real Ethereum nodes) with the BTTC root-chain contracts
//! deployed by `scripts/deploy-contracts.sh`: the stake chain (`StakeManager`, the dev
//! validators staked) stands in for TRON, with TRON's HTTP API emulated in front of it
//! ([`crate::TronApiEmulator`]); mirror chains (`ValidatorSetMirror`) stand in for Ethereum and
//! BSC. Everything that reads them says so.

use crate::{foundry, free_port, repo_root, rpc, TronApiEmulator};
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

/// Anvil's first dev key: the deployer, which holds the BTT supply.
pub const DEPLOYER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// Its address.
pub const DEPLOYER: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// How to start a root chain.
#[derive(Clone, Debug)]
pub struct RootChainConfig {
	/// Which root chain it stands in for: `tron`, `ethereum` or `bsc`.
	pub name: &'static str,
	/// Port of anvil's JSON-RPC (a free one if `None`).
	pub port: Option<u16>,
	/// Seconds between blocks (`None`: a block per transaction, plus `anvil_mine`).
	pub block_time: Option<u64>,
	/// Deployment mode: `stake` (StakeManager, TRON) or `mirror` (ValidatorSetMirror).
	pub mode: &'static str,
	/// BTTC's id of this root chain (`BTTC_ROOT_CHAIN_ID`: tron 1, ethereum 2, bsc 3).
	pub root_chain_id: Option<u8>,
	/// Chain id of anvil (31337 if `None`).
	pub chain_id: Option<u64>,
	/// The sidechain's chain id the `RootChain` checks (`BTTC_CHILD_CHAIN_ID`; 199 if `None`).
	pub child_chain_id: Option<u64>,
	/// First sidechain block of the checkpoint stream (`BTTC_FIRST_BLOCK`; 0 if `None`).
	pub first_block: Option<u64>,
	/// Emulate TRON's HTTP API in front of anvil, on this port (0: a free one).
	pub tron_api_port: Option<u16>,
}

impl RootChainConfig {
	/// The three root chains of a local network checkpointing sidechain `child_chain_id`: the
	/// TRON stand-in (stake chain, id 1, anvil chain id 31337, TRON's HTTP API emulated),
	/// an Ethereum-like one (id 2, chain id 11155111 as Sepolia) and a BSC-like one (id 3,
	/// chain id 97 as BSC's testnet), ports from `base` (`None`: free ports).
	pub fn local_set(
		child_chain_id: u64,
		base: Option<u16>,
		tron_api_port: Option<u16>,
	) -> Vec<Self> {
		let at = |offset: u16| base.map(|b| b.saturating_add(offset));
		vec![
			Self {
				name: "tron",
				port: at(0),
				root_chain_id: Some(1),
				child_chain_id: Some(child_chain_id),
				first_block: Some(1),
				tron_api_port: Some(tron_api_port.unwrap_or(0)),
				..Default::default()
			},
			Self {
				name: "ethereum",
				port: at(1),
				mode: "mirror",
				root_chain_id: Some(2),
				chain_id: Some(11_155_111),
				child_chain_id: Some(child_chain_id),
				first_block: Some(1),
				..Default::default()
			},
			Self {
				name: "bsc",
				port: at(2),
				mode: "mirror",
				root_chain_id: Some(3),
				chain_id: Some(97),
				child_chain_id: Some(child_chain_id),
				first_block: Some(1),
				..Default::default()
			},
		]
	}
}

impl Default for RootChainConfig {
	fn default() -> Self {
		Self {
			name: "tron",
			port: None,
			block_time: Some(1),
			mode: "stake",
			root_chain_id: None,
			chain_id: None,
			child_chain_id: None,
			first_block: None,
			tron_api_port: None,
		}
	}
}

/// A running anvil with the contracts deployed; stopped when dropped.
pub struct RootChain {
	anvil: Child,
	/// Which root chain it stands in for.
	pub name: &'static str,
	/// Its JSON-RPC URL.
	pub url: String,
	/// TRON's HTTP API emulated in front of it, if configured.
	pub tron_api: Option<TronApiEmulator>,
	/// The deployment file `scripts/deploy-contracts.sh` wrote.
	pub deployment_file: PathBuf,
	/// Its content.
	pub deployment: serde_json::Value,
}

impl RootChain {
	/// Starts anvil (log in `dir/root-chain-<name>-anvil.log`) and deploys the contracts
	/// (`dir/root-chain-<name>.json`).
	pub async fn start(dir: &Path, config: &RootChainConfig) -> Result<Self, String> {
		std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
		let port = config.port.unwrap_or_else(free_port);
		let log_path = dir.join(format!("root-chain-{}-anvil.log", config.name));
		let log = std::fs::File::create(&log_path).map_err(|e| format!("anvil log: {e}"))?;
		let mut command = Command::new(foundry("anvil"));
		let chain_id = config.chain_id.unwrap_or(31337).to_string();
		command.args(["--host", "127.0.0.1", "--port", &port.to_string(), "--chain-id", &chain_id]);
		if let Some(seconds) = config.block_time {
			command.args(["--block-time", &seconds.to_string()]);
		}
		let anvil = command
			.stdin(Stdio::null())
			.stdout(log.try_clone().map_err(|e| e.to_string())?)
			.stderr(log)
			.spawn()
			.map_err(|e| {
				format!(
					"cannot start {}: {e} (run scripts/test.sh or npm ci in contracts/)",
					foundry("anvil").display()
				)
			})?;
		let url = format!("http://127.0.0.1:{port}");
		let mut chain = Self {
			anvil,
			name: config.name,
			url: url.clone(),
			tron_api: None,
			deployment_file: dir.join(format!("root-chain-{}.json", config.name)),
			deployment: serde_json::Value::Null,
		};
		let mut ready = false;
		for _ in 0..120 {
			if rpc(&url, "eth_chainId", serde_json::json!([])).await.is_some() {
				ready = true;
				break;
			}
			if let Ok(Some(status)) = chain.anvil.try_wait() {
				return Err(format!("anvil exited ({status}); see {}", log_path.display()));
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
		if !ready {
			return Err(format!("anvil did not answer at {url} within 30 s"));
		}
		let mut env = Vec::new();
		if let Some(id) = config.root_chain_id {
			env.push(("BTTC_ROOT_CHAIN_ID", id.to_string()));
		}
		if let Some(id) = config.child_chain_id {
			env.push(("BTTC_CHILD_CHAIN_ID", id.to_string()));
		}
		if let Some(first) = config.first_block {
			env.push(("BTTC_FIRST_BLOCK", first.to_string()));
		}
		chain.deployment = deploy(&url, &chain.deployment_file, config.mode, &env)?;
		if let Some(port) = config.tron_api_port {
			let port = if port == 0 { free_port() } else { port };
			let log = dir.join(format!("root-chain-{}-tron-api-emulation.log", config.name));
			chain.tron_api = Some(TronApiEmulator::start(&url, port, &log).await?);
		}
		Ok(chain)
	}

	/// This chain's entry in the validators' `--root-chains` file, `confirmations` deep:
	/// through the TRON API emulation if there is one, with its `StakeManager` (stake chain),
	/// its `StateSender` (deposits) and, with `checkpoints`, its `RootChain`.
	pub fn root_chains_entry(&self, confirmations: u64, checkpoints: bool) -> serde_json::Value {
		let mut entry = match &self.tron_api {
			Some(api) => serde_json::json!({
				"chain": self.name,
				"transport": "tron",
				"rpcUrl": api.url,
				"emulation": format!("anvil stands in for {}; TRON's HTTP API is emulated in front of it (testing/network, tron_emulator)", self.name),
			}),
			None => serde_json::json!({
				"chain": self.name,
				"transport": "ethereum",
				"rpcUrl": self.url,
				"emulation": format!("anvil stands in for {}", self.name),
			}),
		};
		entry["confirmations"] = confirmations.into();
		if checkpoints {
			entry["rootChain"] = self.contract("RootChain").into();
		}
		// Deposits: the validators attest this chain's state syncs.
		let state_sender = self.contract("StateSender");
		if !state_sender.is_empty() {
			entry["stateSender"] = state_sender.into();
		}
		let stake_manager = self.contract("StakeManager");
		if !stake_manager.is_empty() {
			entry["stakeManager"] = stake_manager.into();
		}
		entry
	}

	/// The address of deployed contract `name` (e.g. `StakeManager`, `BTTToken`).
	pub fn contract(&self, name: &str) -> String {
		self.deployment["contracts"][name].as_str().unwrap_or_default().to_string()
	}

	/// Sends a transaction from the deployer with `cast send` (`args`: signature then
	/// arguments); panics with cast's output if it fails. Returns the receipt.
	pub fn cast_send(&self, to: &str, args: &[&str]) -> serde_json::Value {
		let out = run(Command::new(foundry("cast"))
			.args(["send", "--json", "--rpc-url", &self.url, "--private-key", DEPLOYER_KEY, to])
			.args(args));
		serde_json::from_str(&out).unwrap_or(serde_json::Value::Null)
	}

	/// Number of the latest root-chain block.
	pub async fn block_number(&self) -> Option<u64> {
		let value = rpc(&self.url, "eth_blockNumber", serde_json::json!([])).await?;
		u64::from_str_radix(value.as_str()?.trim_start_matches("0x"), 16).ok()
	}

	/// Mines `blocks` blocks at once.
	pub async fn mine(&self, blocks: u64) {
		rpc(&self.url, "anvil_mine", serde_json::json!([format!("0x{blocks:x}")])).await;
	}
}

impl Drop for RootChain {
	fn drop(&mut self) {
		let _ = self.anvil.kill();
		let _ = self.anvil.wait();
	}
}

/// Deploys the root-chain contracts with `scripts/deploy-contracts.sh`; returns the
/// deployment file's content.
pub fn deploy(
	url: &str,
	out: &Path,
	mode: &str,
	env: &[(&str, String)],
) -> Result<serde_json::Value, String> {
	let output = Command::new(repo_root().join("scripts/deploy-contracts.sh"))
		.arg(url)
		.arg(out)
		.env("BTTC_ROOT_MODE", mode)
		.envs(env.iter().map(|(k, v)| (*k, v.as_str())))
		.stdin(Stdio::null())
		.output()
		.map_err(|e| format!("deploy-contracts.sh: {e}"))?;
	if !output.status.success() {
		return Err(format!(
			"deploy-contracts.sh failed:\n{}\n{}",
			String::from_utf8_lossy(&output.stdout),
			String::from_utf8_lossy(&output.stderr)
		));
	}
	let text = std::fs::read_to_string(out).map_err(|e| format!("{}: {e}", out.display()))?;
	serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))
}

/// Runs `cmd`, panicking with its output if it fails; returns its trimmed stdout.
pub fn run(cmd: &mut Command) -> String {
	let out = cmd.stdin(Stdio::null()).output().unwrap();
	assert!(
		out.status.success(),
		"{cmd:?} failed:\n{}\n{}",
		String::from_utf8_lossy(&out.stdout),
		String::from_utf8_lossy(&out.stderr)
	);
	String::from_utf8_lossy(&out.stdout).trim().to_string()
}
