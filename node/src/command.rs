//! Dispatches the command line to the node's services and subcommands.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	error::Result,
	service,
};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"BTTC Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/bttc-pos/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> std::result::Result<Box<dyn sc_service::ChainSpec>, String> {
		chain_spec::load(id)
	}
}

/// Parses the command line and runs what it asks for.
pub fn run() -> Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => Ok(cmd.run(&cli)?),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.sync_run(|config| cmd.run(config.chain_spec, config.network))?)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})?)
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})?)
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})?)
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})?)
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.sync_run(|config| cmd.run(config.database))?)
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			Ok(runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})?)
		}
		Some(Subcommand::GenerateValidatorKeys(cmd)) => Ok(cmd.run()?),
		Some(Subcommand::LiveSpec(cmd)) => Ok(cmd.run()?),
		Some(Subcommand::TryUpgrade(cmd)) => Ok(cmd.run()?),
		Some(Subcommand::ListPresets) => {
			for name in bttc_runtime::genesis_config_presets::preset_names() {
				println!("{name}");
			}
			Ok(())
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let root_chains = match &cli.root_chains {
				Some(path) => bttc_relayer::config::load(path)
					.map_err(|e| sc_cli::Error::Input(e.to_string()))?,
				None => Vec::new(),
			};
			let signer_key = cli.root_signer_key.as_deref().map(load_signer_key).transpose()?;
			Ok(runner.run_node_until_exit(|config| async move {
				let duties = bttc_duties::DutiesConfig {
					root_chains,
					signer_key,
					state_dir: config.data_path.join("root-chains"),
				};
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							bttc_runtime::opaque::Block,
							<bttc_runtime::opaque::Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config, duties)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, duties)
							.map_err(sc_cli::Error::Service)
					}
				}
			})?)
		}
	}
}

/// Reads a secp256k1 secret key (0x + 64 hex digits) from `path`.
fn load_signer_key(path: &std::path::Path) -> sc_cli::Result<sp_core::ecdsa::Pair> {
	let fail = |reason: &str| {
		sc_cli::Error::Input(format!("--root-signer-key {}: {reason}", path.display()))
	};
	let text = std::fs::read_to_string(path).map_err(|e| fail(&e.to_string()))?;
	let bytes = sp_core::bytes::from_hex(text.trim())
		.map_err(|_| fail("expected 0x followed by 64 hex digits"))?;
	<sp_core::ecdsa::Pair as sp_core::Pair>::from_seed_slice(&bytes)
		.map_err(|_| fail("not a valid secp256k1 secret key (32 bytes)"))
}
