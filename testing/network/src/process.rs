//! Shared process plumbing: where the binaries are, temporary folders, free ports, waiting.

use std::{
	net::TcpListener,
	path::PathBuf,
	time::{Duration, Instant},
};

/// The project's binaries.
#[derive(Clone, Debug)]
pub struct Binaries {
	/// `bttc-node`.
	pub node: PathBuf,
	/// `eth-rpc`.
	pub eth_rpc: PathBuf,
}

impl Binaries {
	/// `BTTC_NODE_BIN` and `BTTC_ETH_RPC_BIN` if set; otherwise the binaries cargo built next to
	/// the running executable (`target/<profile>/`, also for test binaries in `deps/`).
	pub fn locate() -> Self {
		let mut dir = std::env::current_exe()
			.ok()
			.and_then(|exe| exe.parent().map(PathBuf::from))
			.unwrap_or_default();
		if dir.ends_with("deps") {
			dir.pop();
		}
		let pick = |var: &str, name: &str| {
			std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| dir.join(name))
		};
		Self {
			node: pick("BTTC_NODE_BIN", "bttc-node"),
			eth_rpc: pick("BTTC_ETH_RPC_BIN", "eth-rpc"),
		}
	}
}

/// The repository this crate was built from (scripts, contracts, chain specs).
pub fn repo_root() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A Foundry binary from the root-chain toolchain (`contracts/node_modules`, installed by the
/// scripts). The platform binary, not the npm launcher, which hides exit codes.
pub fn foundry(tool: &str) -> PathBuf {
	repo_root().join(format!("contracts/node_modules/@foundry-rs/{tool}-linux-amd64/bin/{tool}"))
}

/// A fresh, empty directory, removed when dropped unless the thread is panicking (a failed
/// test keeps its logs and databases, and says where).
pub struct TempDir(pub PathBuf);

impl TempDir {
	/// A new directory under the system's temporary directory.
	pub fn new(name: &str) -> Self {
		let unique = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|d| d.as_nanos())
			.unwrap_or_default();
		let path =
			std::env::temp_dir().join(format!("bttc-{name}-{}-{unique}", std::process::id()));
		let _ = std::fs::remove_dir_all(&path);
		std::fs::create_dir_all(&path).unwrap();
		Self(path)
	}
}

impl Drop for TempDir {
	fn drop(&mut self) {
		if std::thread::panicking() {
			eprintln!("kept for inspection: {}", self.0.display());
		} else {
			let _ = std::fs::remove_dir_all(&self.0);
		}
	}
}

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `check` every 500 ms until it returns `Some`, or panics with `what` after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Option<T>>,
{
	let start = Instant::now();
	loop {
		if let Some(value) = check().await {
			return value;
		}
		if start.elapsed() > timeout {
			panic!("timed out after {timeout:?} waiting for {what}");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// Calls `method` with `params` on the JSON-RPC server at `url`; `None` on any failure.
pub async fn rpc(url: &str, method: &str, params: serde_json::Value) -> Option<serde_json::Value> {
	use jsonrpsee::{core::client::ClientT, http_client::HttpClientBuilder};
	let client =
		HttpClientBuilder::default().request_timeout(Duration::from_secs(10)).build(url).ok()?;
	let mut array = jsonrpsee::core::params::ArrayParams::new();
	for param in params.as_array().cloned().unwrap_or_default() {
		array.insert(param).ok()?;
	}
	client.request(method, array).await.ok()
}
