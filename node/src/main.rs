//! `bttc-node`: a BTTC sidechain node. Validators author blocks, vote on finality and carry
//! out the Delivery duties; full nodes follow the chain and serve RPC.

// polkadot-sdk's `sc_cli::Error` and `sc_service::Error` are large by design; boxing them
// at every call would only add noise.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod error;
mod extrinsics;
mod service;
mod try_upgrade;
mod validator_keys;

fn main() {
	if let Err(error) = command::run() {
		// One line, so operators and scripts see the cause without a Debug dump.
		eprintln!("Error: {}", error.to_string().replace('\n', " "));
		std::process::exit(1);
	}
}
