//! Command line of `bttc-node`.

/// Subcommands beside running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys into the node's keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Write a chain spec (`--chain dev|local|testnet|<file>`) as JSON to stdout.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks to a file.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks from a file.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Print the chain-spec presets that the runtime offers.
	ListPresets,

	/// Generate a validator's keys: session keys into the keystore, the root-chain signer key
	/// into a file; print the public keys for the chain spec and the root chain.
	GenerateValidatorKeys(crate::validator_keys::GenerateValidatorKeysCmd),

	/// Write the chain spec of a new live chain (no sudo, BTTC's parameters) whose validators
	/// are read from an operators' file of public keys.
	LiveSpec(crate::validator_keys::LiveSpecCmd),

	/// Check a runtime upgrade before governance enacts it: run the runtime's migrations and
	/// checks (`try-runtime`) on a running chain's state, read over JSON-RPC.
	TryUpgrade(crate::try_upgrade::TryUpgradeCmd),
}

/// `bttc-node [SUBCOMMAND] [OPTIONS]`.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Validators: root chains to follow (staking events, checkpoint acks) and submit
	/// checkpoints to (JSON file: chain, transport, rpcUrl(s), stakeManager, rootChain,
	/// confirmations, startBlock, fee caps; see the README).
	#[arg(long, value_name = "FILE")]
	pub root_chains: Option<std::path::PathBuf>,

	/// Validators: file holding the root-chain signer's secret key (0x + 64 hex digits): binds
	/// this node's session keys to its validator, signs checkpoints and pays their submission
	/// to the root chains. Keep the file private.
	#[arg(long, value_name = "FILE")]
	pub root_signer_key: Option<std::path::PathBuf>,
}
