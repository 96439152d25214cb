//! # One launcher for BTTC networks on loopback
//!
//! Validators (`bttc-node`, each with its root-chain signer key), the embedded root chains
//! (anvils with the BTTC contracts deployed: the stake chain with the dev validators staked
//! and TRON's HTTP API emulated in front of it, two mirror chains), and an `eth-rpc` beside
//! each validator: started by
//! [`Network::start`] from a [`NetworkConfig`], stopped when dropped; [`bridge`] drives the
//! bridge on it (tokens mapped, deposits, burns, exits). The node's and the
//! relayer's integration tests, `scripts/local-network.sh` (through the `bttc-network`
//! binary) and the benchmarks all start their networks here.
//!
//! Binaries come from [`Binaries::locate`]: `BTTC_NODE_BIN` / `BTTC_ETH_RPC_BIN`, or the
//! ones cargo built next to the running executable. Foundry's tools come from
//! `contracts/node_modules` (installed by the scripts).

// Test support: failing to start a process, bind a port or write a file is a failure of the
// test at that line.
#![allow(clippy::unwrap_used)]

pub mod bridge;
mod eth_rpc;
mod extrinsics;
mod network;
mod node;
mod process;
mod root_chain;
mod tron_emulator;

pub use eth_rpc::EthRpc;
pub use extrinsics::{sign_extrinsic, storage_prefix, ChainInfo, EventRecord};
pub use network::{Network, NetworkConfig, Ports, DEV_VALIDATORS};
pub use node::{peer_id_of, AuraId, Node, NodeSpec, Span};
pub use process::{foundry, free_port, repo_root, rpc, wait_for, Binaries, TempDir};
pub use root_chain::{deploy, run, RootChain, RootChainConfig, DEPLOYER, DEPLOYER_KEY};
pub use tron_emulator::{TronApiEmulator, ENERGY_PRICE_SUN};
