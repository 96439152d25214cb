//! Errors of the node binary.

/// Everything that can stop `bttc-node` before or while it runs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The command line, the chain spec or the node's configuration was rejected.
	#[error(transparent)]
	Cli(#[from] sc_cli::Error),
	/// Building or running the node's services failed.
	#[error(transparent)]
	Service(#[from] sc_service::Error),
	/// `try-upgrade` could not read the chain, or the upgrade's checks failed.
	#[error(transparent)]
	TryUpgrade(#[from] crate::try_upgrade::TryUpgradeError),
}

/// Result of the node's commands.
pub type Result<T> = std::result::Result<T, Error>;
