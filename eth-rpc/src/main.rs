//! `eth-rpc`: the Ethereum JSON-RPC server in front of a BTTC node.
//!
//! It is polkadot-sdk's `pallet-revive-eth-rpc` proxy: it serves `eth_*`, `net_*` and `web3_*`
//! on port 8545 and forwards to the node over its Substrate RPC (`--node-rpc-url`). The proxy's
//! client is generated from the metadata of polkadot-sdk's reference revive runtime, which
//! BTTC's `Revive` pallet matches (same crate version, same call and runtime-API shapes).
//! Built here, not installed, so it always matches the workspace's polkadot-sdk release line.

fn main() -> anyhow::Result<()> {
	let command = pallet_revive_eth_rpc::cli::CliCommand::parse_cli()?;
	pallet_revive_eth_rpc::cli::run(command)
}
