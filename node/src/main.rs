//! `bttc-node`: a BTTC sidechain node. Validators author blocks, vote on finality and carry
//! out the Delivery duties; full nodes follow the chain and serve RPC.

mod chain_spec;
mod cli;
mod command;
mod error;
mod service;

fn main() {
	if let Err(error) = command::run() {
		// One line, so operators and scripts see the cause without a Debug dump.
		eprintln!("Error: {}", error.to_string().replace('\n', " "));
		std::process::exit(1);
	}
}
