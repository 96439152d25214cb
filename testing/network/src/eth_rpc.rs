//! `eth-rpc` processes: the Ethereum JSON-RPC beside a node.

use crate::{rpc, Binaries};
use std::{
	path::Path,
	process::{Child, Command, Stdio},
	time::Duration,
};

/// A running `eth-rpc`; stopped when dropped.
pub struct EthRpc {
	child: Child,
	/// Its HTTP URL.
	pub url: String,
	/// Its log file.
	pub log: std::path::PathBuf,
}

impl EthRpc {
	/// Starts eth-rpc on `port` in front of the node at `node_ws_url`, its receipt database
	/// under `base_path`, its log at `log`, looking exits up on `root_managers`
	/// (`CHAIN:MANAGER:URL`); waits until it answers `eth_chainId`.
	pub async fn start(
		node_ws_url: &str,
		port: u16,
		base_path: &Path,
		log: &Path,
		root_managers: &[String],
	) -> Result<Self, String> {
		std::fs::create_dir_all(base_path).map_err(|e| format!("{}: {e}", base_path.display()))?;
		let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
		let bin = Binaries::locate().eth_rpc;
		let child = Command::new(&bin)
			.args(["--node-rpc-url", node_ws_url, "--rpc-port", &port.to_string()])
			.args(["--rpc-cors", "all", "--no-prometheus"])
			.args(root_managers.iter().flat_map(|root| ["--root-chain-manager", root.as_str()]))
			.arg("--base-path")
			.arg(base_path)
			.stdin(Stdio::null())
			.stdout(file.try_clone().map_err(|e| e.to_string())?)
			.stderr(file)
			.spawn()
			.map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
		let mut eth_rpc =
			Self { child, url: format!("http://127.0.0.1:{port}"), log: log.to_path_buf() };
		for _ in 0..240 {
			if rpc(&eth_rpc.url, "eth_chainId", serde_json::json!([])).await.is_some() {
				return Ok(eth_rpc);
			}
			if let Ok(Some(status)) = eth_rpc.child.try_wait() {
				return Err(format!("eth-rpc exited ({status}); see {}", log.display()));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		Err(format!(
			"eth-rpc did not answer at {} within 120 s; see {}",
			eth_rpc.url,
			log.display()
		))
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		matches!(self.child.try_wait(), Ok(None))
	}

	/// The process id (for resource figures read from `/proc`).
	pub fn pid(&self) -> u32 {
		self.child.id()
	}
}

impl Drop for EthRpc {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}
