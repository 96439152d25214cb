//! The `bttc_*` JSON-RPC interface and its answers (implemented in [`crate::checkpoint`] and
//! [`crate::bridge`]).

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::Serialize;
use sp_core::{H160, H256};

/// A checkpoint a root chain acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AckedCheckpointJson {
	/// Root chain (`tron`, `ethereum`, `bsc`).
	pub root_chain: String,
	/// The `RootChain` contract's header block id.
	pub header_block_id: u64,
	/// Signer address of the proposer.
	pub proposer: H160,
	/// First block.
	pub start: u64,
	/// Last block.
	pub end: u64,
	/// Merkle root of the blocks' leaves.
	pub root_hash: H256,
	/// Sidechain block at which the ack was applied.
	pub acked_at: u32,
}

/// A checkpoint waiting for signatures or its ack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingCheckpointJson {
	/// Root chain (`tron`, `ethereum`, `bsc`).
	pub root_chain: String,
	/// Proposal id in its stream.
	pub id: u64,
	/// Signer address of the proposer (who submits it).
	pub proposer: H160,
	/// First block.
	pub start: u64,
	/// Last block.
	pub end: u64,
	/// Merkle root of the blocks' leaves.
	pub root_hash: H256,
	/// Sidechain block it was proposed at.
	pub proposed_at: u32,
	/// Stake that signed (decimal string, wei).
	pub signed_stake: String,
	/// Stake needed: 2/3 + 1 of the total (decimal string, wei).
	pub threshold: String,
	/// Whether the signed stake reached the threshold.
	pub ready: bool,
	/// Validator ids that signed.
	pub signers: Vec<u64>,
}

/// A block's inclusion proof against the checkpoint that covers it: what a root-chain
/// contract's `Merkle.checkMembership(leaf, index, root, proof)` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionProofJson {
	/// The checkpoint.
	pub checkpoint: AckedCheckpointJson,
	/// The block.
	pub block_number: u64,
	/// Its leaf: `keccak256(number ‖ timestamp ‖ transactionsRoot ‖ receiptsRoot)`.
	pub leaf: H256,
	/// Its index in the checkpoint (`number - start`).
	pub index: u64,
	/// Sibling hashes from the leaf up.
	pub proof: Vec<H256>,
}

/// Checkpoints and block proofs.
#[rpc(server, namespace = "bttc")]
pub trait BttcApi {
	/// The Merkle root of finalized blocks `start..=end`, as Bor's `bor_getRootHash`: hex
	/// without `0x`.
	#[method(name = "getRootHash")]
	fn get_root_hash(&self, start: u64, end: u64) -> RpcResult<String>;

	/// The last checkpoint `root_chain` acknowledged, if any.
	#[method(name = "getLatestCheckpoint")]
	fn get_latest_checkpoint(&self, root_chain: String) -> RpcResult<Option<AckedCheckpointJson>>;

	/// `root_chain`'s checkpoint waiting for signatures or its ack, with the stake that signed.
	#[method(name = "getPendingCheckpoint")]
	fn get_pending_checkpoint(
		&self,
		root_chain: String,
	) -> RpcResult<Option<PendingCheckpointJson>>;

	/// The acknowledged checkpoint of `root_chain` covering block `number` (`null` while none
	/// does yet).
	#[method(name = "getCheckpointCovering")]
	fn get_checkpoint_covering(
		&self,
		root_chain: String,
		number: u64,
	) -> RpcResult<Option<AckedCheckpointJson>>;

	/// Block `number`'s inclusion proof against the `root_chain` checkpoint covering it.
	#[method(name = "getInclusionProof")]
	fn get_inclusion_proof(&self, root_chain: String, number: u64)
		-> RpcResult<InclusionProofJson>;
}

/// A deposit record: an attested state sync in the bridge's global sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositRecordJson {
	/// Position in the global sequence.
	pub record_id: u64,
	/// Root chain (`tron`, `ethereum`, `bsc`).
	pub root_chain: String,
	/// The root chain's state id.
	pub state_id: u64,
	/// The root transaction.
	pub root_tx_hash: H256,
	/// Sidechain block of the attestation.
	pub attested_at: u32,
	/// `queued` (runs at the next sprint start), `executed` or `failed`.
	pub status: String,
	/// Sidechain block of execution or of the last failed attempt.
	pub at: Option<u32>,
	/// Why it failed (`TokenNotMapped`, `ChildTokenFailed`, …); retry with `Bridge::retry`.
	pub failure: Option<String>,
	/// Attempts so far.
	pub attempts: u32,
}

/// A root chain's state syncs as the bridge took them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateSyncProgressJson {
	/// Root chain.
	pub root_chain: String,
	/// Last state id taken into the sequence (0 before any).
	pub last_state_id: u64,
	/// State syncs attested ahead of a missing one.
	pub waiting: u32,
}

/// The bridge's parameters and progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BridgeInfoJson {
	/// The EVM address deposits come from (`RootChainManager.childChainManager`); child
	/// tokens must let it call `deposit(address,bytes)`.
	pub depositor: H160,
	/// Each root chain's progress.
	pub chains: Vec<StateSyncProgressJson>,
}

/// Deposits and token mappings.
#[rpc(server, namespace = "bttc")]
pub trait BttcBridgeApi {
	/// The deposit records of root chain `root_chain`'s transaction `root_tx_hash`; empty
	/// while the state sync waits for 2/3 + 1 of stake to attest it.
	#[method(name = "getDepositStatus")]
	fn get_deposit_status(
		&self,
		root_chain: String,
		root_tx_hash: H256,
	) -> RpcResult<Vec<DepositRecordJson>>;

	/// Deposit record `record_id` of the global sequence.
	#[method(name = "getDepositRecord")]
	fn get_deposit_record(&self, record_id: u64) -> RpcResult<Option<DepositRecordJson>>;

	/// The depositor address and every root chain's state-sync progress.
	#[method(name = "getBridgeInfo")]
	fn get_bridge_info(&self) -> RpcResult<BridgeInfoJson>;

	/// The child token governance mapped to `root_token` of `root_chain`, if any.
	#[method(name = "getChildToken")]
	fn get_child_token(&self, root_chain: String, root_token: H160) -> RpcResult<Option<H160>>;

	/// The root token of `root_chain` mapped to `child_token`, if any.
	#[method(name = "getRootToken")]
	fn get_root_token(&self, root_chain: String, child_token: H160) -> RpcResult<Option<H160>>;
}
