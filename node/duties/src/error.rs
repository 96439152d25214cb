//! Errors of the validator duties.

/// Errors of the validator duties.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The journal of observed events could not be read or written.
	#[error("journal {path}: {reason}")]
	Journal {
		/// File.
		path: String,
		/// What went wrong.
		reason: String,
	},
	/// A root-chain client or follower failed.
	#[error(transparent)]
	RootChain(#[from] bttc_relayer::Error),
	/// A runtime API call failed.
	#[error("runtime API {call}: {source}")]
	RuntimeApi {
		/// The call.
		call: &'static str,
		/// Why.
		#[source]
		source: sp_api::ApiError,
	},
	/// The client's database failed.
	#[error("client: {0}")]
	Client(#[from] sp_blockchain::Error),
	/// The keystore could not sign.
	#[error("keystore: {0}")]
	Keystore(String),
	/// The transaction pool refused an extrinsic.
	#[error("transaction pool: {0}")]
	Pool(String),
}
