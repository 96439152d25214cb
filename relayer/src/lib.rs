//! # BTTC relayer: root-chain clients for the validator duties
//!
//! - [`client`]: JSON-RPC reads of Ethereum, BSC and TRON (through a TRON full node's
//!   `/jsonrpc`), on an `alloy` provider.
//! - [`contracts`]: the contracts' `alloy` bindings, generated from their ABIs; logs decoded
//!   into the events the sidechain attests ([`StakingEvent`]s, checkpoint acks).
//! - [`follower`]: follows a chain's confirmed blocks with a persisted cursor.
//! - [`submit`]: checkpoints submitted to Ethereum-like root chains, never twice.
//! - [`config`]: which chains to follow, from a JSON file.
//! - [`tron`]: base58check TRON addresses.
//!
//! [`StakingEvent`]: bttc_primitives::staking::StakingEvent

pub mod client;
pub mod config;
pub mod contracts;
mod error;
pub mod follower;
pub mod submit;
pub mod tron;

pub use error::Error;

/// Log target of the relayer.
pub const LOG_TARGET: &str = "bttc-relayer";
