//! A whole local network: the root chains, the validators following them (each with its
//! root-chain signer key: it attests, signs and submits checkpoints), an eth-rpc beside each
//! validator.

use crate::{EthRpc, Node, NodeSpec, RootChain, RootChainConfig};
use std::path::PathBuf;

/// The dev validators, in genesis order (`scripts/validators.dev.json`).
pub const DEV_VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Layout of the data folder this launcher writes; older layouts are started over.
const LAYOUT: &str = "4: three root chains, checkpoints, signer keys";

/// Ports of the network (each validator takes `base + index`); free ports where `None`.
#[derive(Clone, Debug, Default)]
pub struct Ports {
	/// First validator's JSON-RPC.
	pub rpc: Option<u16>,
	/// First validator's libp2p.
	pub p2p: Option<u16>,
	/// First validator's Prometheus (none served if `None`).
	pub prometheus: Option<u16>,
	/// First eth-rpc.
	pub eth_rpc: Option<u16>,
}

/// What to start.
#[derive(Clone, Debug)]
pub struct NetworkConfig {
	/// Chain spec (`local`, or a file).
	pub chain: String,
	/// Validators by dev name.
	pub validators: Vec<&'static str>,
	/// Data and logs (`<dir>/<name>`, `<dir>/logs`).
	pub dir: PathBuf,
	/// The embedded root chains (the first is the stake chain); validators follow them
	/// `confirmations` deep.
	pub root_chains: Vec<RootChainConfig>,
	/// Confirmations the validators wait on the root chain.
	pub confirmations: u64,
	/// Whether the validators checkpoint to the root chains (their `RootChain`s are in the
	/// `--root-chains` file); without, they only follow `StakeManager`.
	pub checkpoints: bool,
	/// An eth-rpc beside each validator (the nodes then keep their state in full).
	pub eth_rpc: bool,
	/// Ports.
	pub ports: Ports,
	/// Start from genesis, removing earlier data.
	pub fresh: bool,
	/// Extra command-line arguments for every validator.
	pub node_args: Vec<String>,
}

impl NetworkConfig {
	/// The 4 dev validators on chain `local` under `dir`, with the three root chains
	/// ([`RootChainConfig::local_set`]) and eth-rpc.
	pub fn local(dir: PathBuf) -> Self {
		Self {
			chain: "local".into(),
			validators: DEV_VALIDATORS.to_vec(),
			dir,
			root_chains: RootChainConfig::local_set(
				bttc_runtime::genesis_config_presets::LOCAL_EVM_CHAIN_ID,
				None,
				None,
			),
			confirmations: 2,
			checkpoints: true,
			eth_rpc: true,
			ports: Ports::default(),
			fresh: false,
			node_args: Vec::new(),
		}
	}

	/// [`NetworkConfig::local`] following the stake chain only: no mirror root chains, no
	/// checkpoints, no eth-rpc (staking, governance and upgrade tests).
	pub fn local_stake_chain_only(dir: PathBuf) -> Self {
		let mut config = Self::local(dir);
		config.root_chains.truncate(1);
		config.checkpoints = false;
		config.eth_rpc = false;
		config
	}
}

/// A running network; every process stops when it is dropped.
pub struct Network {
	/// The root chains (the first is the stake chain).
	pub root_chains: Vec<RootChain>,
	/// The validators' specs, in order.
	pub specs: Vec<NodeSpec>,
	/// The validators, in order.
	pub nodes: Vec<Node>,
	/// The eth-rpcs, beside the validators in order.
	pub eth_rpcs: Vec<EthRpc>,
	/// Where data and logs are.
	pub dir: PathBuf,
	/// The validators' `--root-chains` file.
	pub root_chains_file: Option<PathBuf>,
	/// Whole command line of every validator beyond the defaults.
	pub node_args: Vec<String>,
	/// Chain spec.
	pub chain: String,
}

fn port(base: Option<u16>, index: usize) -> u16 {
	match base {
		Some(base) => base.saturating_add(u16::try_from(index).unwrap_or(u16::MAX)),
		None => crate::free_port(),
	}
}

impl Network {
	/// Starts the network of `config` and waits until every process answers.
	pub async fn start(config: NetworkConfig) -> Result<Self, String> {
		let dir = config.dir.clone();
		if config.fresh {
			let _ = std::fs::remove_dir_all(&dir);
		}
		let layout_file = dir.join("LAYOUT");
		let has_data = std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some());
		if has_data && std::fs::read_to_string(&layout_file).ok().as_deref() != Some(LAYOUT) {
			eprintln!("{} holds data of an older layout: starting from genesis", dir.display());
			let _ = std::fs::remove_dir_all(&dir);
		}
		let logs = dir.join("logs");
		std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
		std::fs::write(&layout_file, LAYOUT).map_err(|e| e.to_string())?;

		let mut root_chains = Vec::new();
		for root in &config.root_chains {
			root_chains.push(RootChain::start(&logs, root).await?);
		}
		let mut node_args = config.node_args.clone();
		let mut root_chains_file = None;
		if !root_chains.is_empty() {
			let file = dir.join("root-chains.json");
			let entries: Vec<serde_json::Value> = root_chains
				.iter()
				.map(|r| r.root_chains_entry(config.confirmations, config.checkpoints))
				.collect();
			let text = serde_json::to_string_pretty(&serde_json::json!({ "chains": entries }))
				.map_err(|e| e.to_string())?;
			std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
			node_args.extend(["--root-chains".to_string(), file.display().to_string()]);
			root_chains_file = Some(file);
		}
		if config.eth_rpc {
			node_args.extend(["--state-pruning".to_string(), "archive".to_string()]);
		}
		node_args.extend(["--rpc-cors".to_string(), "all".to_string()]);

		let specs: Vec<NodeSpec> = config
			.validators
			.iter()
			.enumerate()
			.map(|(i, name)| {
				let mut spec = NodeSpec::on_ports(
					i,
					name,
					&dir,
					port(config.ports.p2p, i),
					port(config.ports.rpc, i),
					config.ports.prometheus.map(|p| p.saturating_add(i as u16)),
				);
				// A fresh root chain starts empty: what a listener kept of an earlier one (its
				// cursor, its journal, its transaction in flight) points into a chain that no
				// longer exists.
				if !root_chains.is_empty() {
					remove_root_chain_state(&spec.base_path);
					spec.signer_key = write_signer_key(name, &spec.base_path)?;
				}
				Ok(spec)
			})
			.collect::<Result<_, String>>()?;
		let nodes: Vec<Node> = specs
			.iter()
			.map(|spec| Node::start_with(spec, &config.chain, &specs, &logs, &node_args))
			.collect();
		for node in &nodes {
			let mut answered = false;
			for _ in 0..240 {
				if node.call("system_health", jsonrpsee::rpc_params![]).await.is_some() {
					answered = true;
					break;
				}
				tokio::time::sleep(std::time::Duration::from_millis(500)).await;
			}
			if !answered {
				return Err(format!(
					"{} did not answer RPC; see {}",
					node.spec.name,
					node.log.display()
				));
			}
		}
		let mut eth_rpcs = Vec::new();
		// Each root chain's manager, so `bttc_getWithdrawalStatus` can say `exited`.
		let root_managers: Vec<String> = root_chains
			.iter()
			.filter(|r| !r.contract("RootChainManager").is_empty())
			.map(|r| format!("{}:{}:{}", r.name, r.contract("RootChainManager"), r.url))
			.collect();
		if config.eth_rpc {
			for (i, spec) in specs.iter().enumerate() {
				let log = logs.join(format!("{}-eth-rpc.log", spec.name));
				let base = spec.base_path.join("eth-rpc");
				eth_rpcs.push(
					EthRpc::start(
						&spec.ws_url(),
						port(config.ports.eth_rpc, i),
						&base,
						&log,
						&root_managers,
					)
					.await?,
				);
			}
		}
		Ok(Self {
			root_chains,
			specs,
			nodes,
			eth_rpcs,
			dir,
			root_chains_file,
			node_args,
			chain: config.chain,
		})
	}

	/// The stake chain (the first root chain), if any.
	pub fn stake_chain(&self) -> Option<&RootChain> {
		self.root_chains.first()
	}

	/// The root chain standing in for `name` (`tron`, `ethereum`, `bsc`).
	pub fn root_chain(&self, name: &str) -> Option<&RootChain> {
		self.root_chains.iter().find(|r| r.name == name)
	}

	/// Where the logs are.
	pub fn logs(&self) -> PathBuf {
		self.dir.join("logs")
	}

	/// Stops validator `index` (its data stays).
	pub fn stop_node(&mut self, index: usize) {
		self.nodes[index].stop();
	}

	/// Starts validator `index` again on its data, with the network's arguments.
	pub fn restart_node(&mut self, index: usize) {
		let spec = self.specs[index].clone();
		self.nodes[index] =
			Node::start_with(&spec, &self.chain, &self.specs, &self.logs(), &self.node_args);
	}

	/// The first process that is not running, if any, by name.
	pub fn first_exited(&mut self) -> Option<String> {
		for node in &mut self.nodes {
			if !node.is_running() {
				return Some(node.spec.name.to_string());
			}
		}
		for (i, eth_rpc) in self.eth_rpcs.iter_mut().enumerate() {
			if !eth_rpc.is_running() {
				return Some(format!("eth-rpc of {}", self.specs[i].name));
			}
		}
		None
	}
}

/// Writes dev validator `name`'s root-chain signer key (`devPrivateKey` of
/// `scripts/validators.dev.json`, matched by its `sessionKeys`) to `<base>/root-signer.key`,
/// private; `None` for a name that is not a dev validator.
fn write_signer_key(name: &str, base_path: &std::path::Path) -> Result<Option<PathBuf>, String> {
	let path = crate::repo_root().join("scripts/validators.dev.json");
	let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
	let file: serde_json::Value =
		serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
	let Some(key) = file["validators"].as_array().and_then(|validators| {
		validators.iter().find_map(|v| {
			v["sessionKeys"]
				.as_str()
				.filter(|seed| seed.eq_ignore_ascii_case(name))
				.and(v["devPrivateKey"].as_str())
		})
	}) else {
		return Ok(None);
	};
	std::fs::create_dir_all(base_path).map_err(|e| format!("{}: {e}", base_path.display()))?;
	let key_file = base_path.join("root-signer.key");
	use std::{io::Write, os::unix::fs::OpenOptionsExt};
	let mut out = std::fs::OpenOptions::new()
		.create(true)
		.write(true)
		.truncate(true)
		.mode(0o600)
		.open(&key_file)
		.map_err(|e| format!("{}: {e}", key_file.display()))?;
	out.write_all(key.as_bytes()).map_err(|e| format!("{}: {e}", key_file.display()))?;
	Ok(Some(key_file))
}

/// Removes what a validator's listener kept of an earlier root chain.
fn remove_root_chain_state(base_path: &std::path::Path) {
	let Ok(chains) = std::fs::read_dir(base_path.join("chains")) else { return };
	for chain in chains.flatten() {
		let _ = std::fs::remove_dir_all(chain.path().join("root-chains"));
	}
}
