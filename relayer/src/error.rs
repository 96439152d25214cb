//! Errors of the root-chain clients.

/// Errors of the root-chain clients and the log follower.
#[derive(Debug, thiserror::Error)]
pub enum Error {
	/// The root chain's RPC endpoint failed or answered something unexpected.
	#[error("root-chain RPC {url}: {message}")]
	Rpc {
		/// Endpoint.
		url: String,
		/// What went wrong.
		message: String,
	},
	/// A log of a watched contract does not decode as the event its topic names.
	#[error("malformed {event} log in tx {tx_hash}: {reason}")]
	MalformedLog {
		/// Event name from the first topic.
		event: &'static str,
		/// Transaction that emitted it.
		tx_hash: String,
		/// What is wrong.
		reason: String,
	},
	/// A TRON address is not valid base58check with the 0x41 prefix.
	#[error("invalid TRON address `{0}`: expected base58check of 0x41 ‖ 20 bytes (T…)")]
	TronAddress(String),
	/// An Ethereum-style address or hash is not valid hex of the expected length.
	#[error("invalid hex `{value}`: expected {expected}")]
	Hex {
		/// The value.
		value: String,
		/// What was expected.
		expected: &'static str,
	},
	/// The root-chain configuration file is missing, unreadable or malformed.
	#[error("root-chain config {path}: {reason}")]
	Config {
		/// File.
		path: String,
		/// What is wrong.
		reason: String,
	},
	/// A log in the range did not come from the watched contract.
	#[error("log of {address} in tx {tx_hash} ignored: only {expected} is followed")]
	ForeignLog {
		/// Contract that emitted it.
		address: String,
		/// The followed contract.
		expected: String,
		/// Transaction that emitted it.
		tx_hash: String,
	},
	/// Two endpoints of one root chain returned different logs for the same blocks.
	#[error("{chain} endpoints disagree on blocks {from}..={to} ({first}; {other}); not reading them until they agree")]
	EndpointsDisagree {
		/// Root chain.
		chain: String,
		/// First block of the range.
		from: u64,
		/// Last block of the range.
		to: u64,
		/// What the first endpoint answered.
		first: String,
		/// What the disagreeing endpoint answered.
		other: String,
	},
	/// A checkpoint could not be submitted to a root chain.
	#[error("{chain} checkpoint submission: {reason}")]
	Submit {
		/// Root chain.
		chain: String,
		/// Why.
		reason: String,
	},
	/// The cursor file could not be read or written.
	#[error("cursor file {path}: {reason}")]
	Cursor {
		/// File.
		path: String,
		/// What went wrong.
		reason: String,
	},
}
