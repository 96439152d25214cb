//! Validators: real `bttc-node` processes on loopback, and their JSON-RPC. Every process is
//! killed when its [`Node`] is dropped, so a failing test (a panic) still cleans up.

use crate::{free_port, Binaries, TempDir};
use jsonrpsee::{
	core::client::ClientT,
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use std::{
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

/// A span as the runtime API returns it: root-chain validator ids and Aura authoring keys.
pub type Span = bttc_primitives::span::Span<bttc_primitives::staking::RootValidatorId, AuraId>;
pub use sp_consensus_aura::sr25519::AuthorityId as AuraId;

/// One validator of a local network: its dev identity (`--alice` …), ports and node key.
#[derive(Clone, Debug)]
pub struct NodeSpec {
	/// Dev identity: the node runs with `--<name>`.
	pub name: &'static str,
	/// Its database and keystore.
	pub base_path: PathBuf,
	/// libp2p port.
	pub p2p_port: u16,
	/// JSON-RPC port (HTTP and WebSocket).
	pub rpc_port: u16,
	/// Prometheus port, if metrics are served.
	pub prometheus_port: Option<u16>,
	/// 32-byte ed25519 secret of the libp2p identity, hex.
	pub node_key: String,
	/// The peer id of that key.
	pub peer_id: String,
	/// File holding its root-chain signer key (`--root-signer-key`), if it has one.
	pub signer_key: Option<PathBuf>,
}

impl NodeSpec {
	/// Validator number `index` (its node key is `index + 1`) on free ports, data under
	/// `root/<name>`.
	pub fn new(index: usize, name: &'static str, root: &Path) -> Self {
		Self::on_ports(index, name, root, free_port(), free_port(), None)
	}

	/// [`NodeSpec::new`] on the given ports.
	pub fn on_ports(
		index: usize,
		name: &'static str,
		root: &Path,
		p2p_port: u16,
		rpc_port: u16,
		prometheus_port: Option<u16>,
	) -> Self {
		let node_key = format!("{:064x}", index + 1);
		let peer_id = peer_id_of(&node_key);
		Self {
			name,
			base_path: root.join(name),
			p2p_port,
			rpc_port,
			prometheus_port,
			node_key,
			peer_id,
			signer_key: None,
		}
	}

	/// Its libp2p address, for `--bootnodes`.
	pub fn multiaddr(&self) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", self.p2p_port, self.peer_id)
	}

	/// Its JSON-RPC over HTTP.
	pub fn rpc_url(&self) -> String {
		format!("http://127.0.0.1:{}", self.rpc_port)
	}

	/// Its JSON-RPC over WebSocket.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}
}

/// The libp2p peer id of a node key, as `bttc-node key inspect-node-key` computes it.
pub fn peer_id_of(node_key_hex: &str) -> String {
	let dir = TempDir::new("nodekey");
	let file = dir.0.join("key");
	std::fs::write(&file, node_key_hex).unwrap();
	let out = Command::new(&Binaries::locate().node)
		.args(["key", "inspect-node-key", "--file"])
		.arg(&file)
		.output()
		.unwrap();
	assert!(out.status.success(), "inspect-node-key failed: {out:?}");
	String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A running `bttc-node` process.
pub struct Node {
	pub spec: NodeSpec,
	child: Child,
	pub log: PathBuf,
	pub(crate) rpc: HttpClient,
}

impl Node {
	/// Starts validator `spec` of chain `chain`, connected to `peers`.
	pub fn start(spec: &NodeSpec, chain: &str, peers: &[NodeSpec], log_dir: &Path) -> Self {
		Self::start_with(spec, chain, peers, log_dir, &[])
	}

	/// [`Node::start`] with extra command-line arguments.
	pub fn start_with(
		spec: &NodeSpec,
		chain: &str,
		peers: &[NodeSpec],
		log_dir: &Path,
		extra: &[String],
	) -> Self {
		let log = log_dir.join(format!("{}.log", spec.name));
		let log_file = std::fs::OpenOptions::new().create(true).append(true).open(&log).unwrap();
		let mut cmd = Command::new(&Binaries::locate().node);
		cmd.arg("--chain")
			.arg(chain)
			.arg("--validator")
			.arg(format!("--{}", spec.name))
			.arg("--base-path")
			.arg(&spec.base_path)
			.args(["--rpc-port", &spec.rpc_port.to_string()])
			.args(["--node-key", &spec.node_key])
			.args(["--no-telemetry", "--no-mdns"])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{}", spec.p2p_port)])
			.args(["--log", "info"]);
		match spec.prometheus_port {
			Some(port) => cmd.args(["--prometheus-port", &port.to_string()]),
			None => cmd.arg("--no-prometheus"),
		};
		if peers.iter().all(|p| p.name == spec.name) {
			// Alone, a validator would wait for peers before authoring.
			cmd.arg("--force-authoring");
		}
		for peer in peers.iter().filter(|p| p.name != spec.name) {
			cmd.args(["--bootnodes", &peer.multiaddr()]);
		}
		if let Some(key) = &spec.signer_key {
			cmd.arg("--root-signer-key").arg(key);
		}
		cmd.args(extra);
		let mut child = cmd
			.stdin(Stdio::null())
			.stdout(log_file.try_clone().unwrap())
			.stderr(log_file)
			.spawn()
			.unwrap();
		// A rejected command line exits at once: fail here with the reason, not in a time-out.
		std::thread::sleep(Duration::from_millis(500));
		if let Ok(Some(status)) = child.try_wait() {
			panic!(
				"{} exited at start ({status}):\n{}",
				spec.name,
				std::fs::read_to_string(&log).unwrap_or_default()
			);
		}
		let rpc = HttpClientBuilder::default()
			.request_timeout(Duration::from_secs(10))
			.build(spec.rpc_url())
			.unwrap();
		Self { spec: spec.clone(), child, log, rpc }
	}

	/// Kills the process and waits for it to exit.
	pub fn kill(mut self) {
		self.stop();
	}

	/// Kills the process and waits for it to exit; the handle stays (see `is_running`).
	pub fn stop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		matches!(self.child.try_wait(), Ok(None))
	}

	/// The process id (for resource figures read from `/proc`).
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	pub async fn call(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Option<serde_json::Value> {
		self.rpc.request::<serde_json::Value, _>(method, params).await.ok()
	}

	/// Number of the best block, if the node answers.
	pub async fn best_number(&self) -> Option<u64> {
		let header = self.call("chain_getHeader", rpc_params![]).await?;
		parse_number(&header["number"])
	}

	/// Number and hash of the finalized block, if the node answers.
	pub async fn finalized(&self) -> Option<(u64, String)> {
		let hash = self.call("chain_getFinalizedHead", rpc_params![]).await?;
		let header = self.call("chain_getHeader", rpc_params![hash.clone()]).await?;
		Some((parse_number(&header["number"])?, hash.as_str()?.to_string()))
	}

	/// Hash of the canonical block at `number`.
	pub async fn block_hash(&self, number: u64) -> Option<String> {
		let hash = self.call("chain_getBlockHash", rpc_params![number]).await?;
		hash.as_str().map(str::to_string)
	}

	/// The `Span::CurrentSpanId` storage value at block `number` (`None` if unset).
	pub async fn current_span_id_at(&self, number: u64) -> Option<u64> {
		let hash = self.block_hash(number).await?;
		let key =
			[sp_crypto_hashing::twox_128(b"Span"), sp_crypto_hashing::twox_128(b"CurrentSpanId")]
				.concat();
		let key = sp_core::bytes::to_hex(&key, false);
		let value = self.call("state_getStorage", rpc_params![key, hash]).await?;
		let bytes = sp_core::bytes::from_hex(value.as_str()?).ok()?;
		Some(u64::from_le_bytes(bytes.try_into().ok()?))
	}

	/// Header of the canonical block at `number`.
	pub async fn header_at(&self, number: u64) -> Option<bttc_runtime::opaque::Header> {
		let hash = self.block_hash(number).await?;
		let header = self.call("chain_getHeader", rpc_params![hash]).await?;
		serde_json::from_value(header).ok()
	}

	/// Author and slot of the canonical block at `number`, read from its header's digests.
	pub async fn author_at(&self, number: u64) -> Option<bttc_consensus::digest::PreDigest> {
		let header = self.header_at(number).await?;
		bttc_consensus::digest::find_pre_digest(&header).ok()
	}

	/// The span containing block `number`, from the runtime API at the best block.
	pub async fn span_of(&self, number: u32) -> Option<Span> {
		use codec::{Decode, Encode};
		let arg = sp_core::bytes::to_hex(&number.encode(), false);
		let value = self.call("state_call", rpc_params!["SpanApi_span_of", arg]).await?;
		let bytes = sp_core::bytes::from_hex(value.as_str()?).ok()?;
		Option::<Span>::decode(&mut &bytes[..]).ok()?
	}

	/// Calls runtime API `method` with SCALE-encoded `args` at the best block and decodes
	/// the answer.
	pub async fn runtime_call<T: codec::Decode>(&self, method: &str, args: &[u8]) -> Option<T> {
		// Not `HexDisplay`: it elides the middle of long values.
		let arg = sp_core::bytes::to_hex(args, false);
		let value = self.call("state_call", rpc_params![method, arg]).await?;
		let bytes = sp_core::bytes::from_hex(value.as_str()?).ok()?;
		T::decode(&mut &bytes[..]).ok()
	}

	/// The last lines of the node's log, for failure messages.
	pub fn log_tail(&self) -> String {
		let text = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<&str> = text.lines().collect();
		lines[lines.len().saturating_sub(30)..].join("\n")
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.stop();
	}
}

fn parse_number(value: &serde_json::Value) -> Option<u64> {
	u64::from_str_radix(value.as_str()?.trim_start_matches("0x"), 16).ok()
}
