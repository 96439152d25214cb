//! The errors of the `eth-rpc` front.

use sp_core::{H160, U256};

/// Why a raw transaction was refused (by the front's checks, or by the node's pool with the
/// reason the checks then found), or why the front could not serve a request. Messages follow
/// geth's wording where geth has one (`nonce too low`, `insufficient funds for gas * price +
/// value`, `transaction underpriced`), so ethers, viem and MetaMask classify them as they
/// would on Ethereum; each then says how to fix the transaction.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
	/// A field of the backend's receipt or block is missing or not what Ethereum JSON-RPC
	/// says it is (exit payloads).
	#[error("the backend's {what} has no valid `{field}`")]
	BadBackendField {
		/// What was read.
		what: &'static str,
		/// The field.
		field: &'static str,
	},
	/// A block's receipts do not hash to its receipts root (exit payloads).
	#[error(
		"the receipts of block {block} hash to {computed:?}, not to its receiptsRoot {expected:?}"
	)]
	ReceiptsRootMismatch {
		/// Block number.
		block: u64,
		/// Root of the rebuilt trie.
		computed: sp_core::H256,
		/// The block's `receiptsRoot`.
		expected: sp_core::H256,
	},
	/// The transaction index is not among its block's receipts (exit payloads).
	#[error("transaction index {0} is not in its block's receipts")]
	ReceiptNotInBlock(u64),
	/// `eth_sendRawTransaction` params were not `["0x…"]`.
	#[error("invalid params: eth_sendRawTransaction takes one 0x-prefixed hex string, the signed transaction")]
	InvalidParams,
	/// The bytes are not an RLP- or EIP-2718-encoded signed transaction.
	#[error("invalid raw transaction: not a signed Ethereum transaction ({0}); send the bytes your wallet or library signed, unchanged")]
	MalformedTransaction(String),
	/// The signature does not recover an address.
	#[error(
		"invalid sender: the transaction's signature does not recover an address; sign it again"
	)]
	InvalidSignature,
	/// A pre-EIP-155 legacy transaction, which could be replayed on any chain.
	#[error("only replay-protected (EIP-155) transactions allowed over RPC: sign with chain id {expected} (see eth_chainId)")]
	UnprotectedTransaction {
		/// This chain's id.
		expected: u64,
	},
	/// Signed for another chain.
	#[error("invalid chain id: the transaction is signed for chain id {got}, this chain's id is {expected} (see eth_chainId); sign it for chain id {expected}")]
	WrongChainId {
		/// The transaction's chain id.
		got: U256,
		/// This chain's id.
		expected: u64,
	},
	/// The gas price (or max fee per gas) is below what the chain charges.
	#[error("transaction underpriced: it offers {offered} wei per gas, the chain's gas price is {required} wei (see eth_gasPrice); raise gasPrice or maxFeePerGas")]
	Underpriced {
		/// The transaction's gas price or max fee per gas.
		offered: U256,
		/// `eth_gasPrice`.
		required: U256,
	},
	/// The nonce was already used by the sender.
	#[error("nonce too low: address {sender:?}, tx: {got} state: {next}; use nonce {next} (eth_getTransactionCount with \"pending\")")]
	NonceTooLow {
		/// The signer.
		sender: H160,
		/// The transaction's nonce.
		got: U256,
		/// The sender's next nonce.
		next: U256,
	},
	/// The sender cannot pay the gas limit at the offered price plus the value.
	#[error(
		"insufficient funds for gas * price + value: address {sender:?} have {balance} want {cost}"
	)]
	InsufficientFunds {
		/// The signer.
		sender: H160,
		/// Spendable balance (wei).
		balance: U256,
		/// gas × price + value (wei).
		cost: U256,
	},
	/// The sender can pay gas × price + value, yet the pool found the fee unpayable: the gas
	/// limit is below what the transaction costs (`pallet-revive` charges execution, length
	/// and storage deposits within the limit).
	#[error("intrinsic gas too low: gas limit {gas} is below what this transaction costs to run here (storage deposits included), or it would leave the account below the existential deposit; take the limit from eth_estimateGas")]
	GasLimitTooLow {
		/// The transaction's gas limit.
		gas: U256,
	},
	/// A batch with more calls than the front takes.
	#[error("batch of {len} calls is too large: at most {max} calls per batch (--rpc-max-batch-request-len); split it")]
	BatchTooLarge {
		/// Calls in the batch.
		len: usize,
		/// The limit.
		max: usize,
	},
	/// The proxied eth-rpc server did not answer (starting, or stopped).
	#[error("the Ethereum JSON-RPC backend is not reachable ({0}); it may still be starting, retry shortly")]
	Backend(String),
	/// The node could not be asked (stopped, restarting, or not at `--node-rpc-url`).
	#[error("the node is not reachable at --node-rpc-url ({0}); retry shortly")]
	Node(String),
	/// The node answered with something unexpected.
	#[error("unexpected answer from the node to {method}: {detail}")]
	NodeAnswer {
		/// The method asked.
		method: &'static str,
		/// What was wrong.
		detail: String,
	},
	/// `--node-rpc-url` names a scheme the front does not speak.
	#[error("--node-rpc-url {0}: use a ws:// or http:// address of the node (eth-rpc runs beside its node; TLS is not supported)")]
	UnsupportedNodeUrl(String),
	/// The node's pool refused the transaction and the checks found no more precise reason.
	#[error("{0}")]
	Refused(String),
	/// The backend answered a state query with something unexpected.
	#[error("unexpected answer from the Ethereum JSON-RPC backend to {method}: {detail}")]
	BackendAnswer {
		/// The method asked.
		method: &'static str,
		/// What was wrong.
		detail: String,
	},
}

impl Error {
	/// The JSON-RPC error code: -32602 for malformed params, -32000 (geth's choice) for a
	/// refused transaction, -32603 for backend or node trouble.
	pub fn code(&self) -> i64 {
		match self {
			Self::InvalidParams => -32602,
			Self::BatchTooLarge { .. } => -32600,
			Self::Backend(_)
			| Self::BackendAnswer { .. }
			| Self::Node(_)
			| Self::NodeAnswer { .. }
			| Self::UnsupportedNodeUrl(_)
			| Self::BadBackendField { .. }
			| Self::ReceiptsRootMismatch { .. }
			| Self::ReceiptNotInBlock(_) => -32603,
			_ => -32000,
		}
	}
}
