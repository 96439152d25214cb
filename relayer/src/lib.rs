//! # BTTC relayer: root-chain clients for the validator duties
//!
//! - [`client`]: JSON-RPC to Ethereum, BSC and TRON (through a TRON full node's `/jsonrpc`).
//! - [`abi`]: `StakeManager` logs decoded into the sidechain's [`StakingEvent`]s.
//! - [`follower`]: follows a chain's confirmed blocks with a persisted cursor.
//! - [`config`]: which chains to follow, from a JSON file.
//! - [`tron`]: base58check TRON addresses.
//!
//! [`StakingEvent`]: bttc_primitives::staking::StakingEvent

pub mod abi;
pub mod client;
pub mod config;
mod error;
pub mod follower;
pub mod tron;

pub use error::Error;
