//! # BTTC relayer: root-chain clients for the validator duties
//!
//! - [`client`]: JSON-RPC reads of Ethereum, BSC and TRON (through a TRON full node's
//!   `/jsonrpc`), on an `alloy` provider.
//! - [`contracts`]: the contracts' `alloy` bindings, generated from their ABIs; logs decoded
//!   into the events the sidechain attests ([`StakingEvent`]s, checkpoint acks).
//! - [`follower`]: follows a chain's confirmed blocks with a persisted cursor.
//! - [`submit`]: checkpoints submitted to the root chains, never twice: Ethereum and BSC over
//!   JSON-RPC ([`submit::EthSubmitter`]), TRON over its HTTP API ([`tron_api`]).
//! - [`config`]: which chains to follow, from a JSON file.
//! - [`tron`]: TRON addresses, transactions (protobuf), ids and signatures.
//!
//! [`StakingEvent`]: bttc_primitives::staking::StakingEvent

pub mod client;
pub mod config;
pub mod contracts;
mod error;
pub mod follower;
pub mod submit;
pub mod tron;
pub mod tron_api;

pub use error::Error;

/// Log target of the relayer.
pub const LOG_TARGET: &str = "bttc-relayer";
