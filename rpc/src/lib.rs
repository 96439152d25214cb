//! # BTTC RPC
//!
//! The JSON-RPC methods a BTTC node serves beyond polkadot-sdk's defaults: account nonces
//! (`system_accountNextIndex`), fee queries (`payment_*`) and `bttc_*` checkpoints
//! ([`api::BttcApiServer`]: `bttc_getRootHash`, `bttc_getLatestCheckpoint`,
//! `bttc_getPendingCheckpoint`, `bttc_getCheckpointCovering`, `bttc_getInclusionProof`), served
//! from the runtime's checkpoint state and the node's [leaf index](leaves), which the node runs
//! beside the RPC server ([`leaves::run`]), and `bttc_*` deposits and token mappings
//! ([`api::BttcBridgeApiServer`]: `bttc_getDepositStatus`, `bttc_getDepositRecord`,
//! `bttc_getBridgeInfo`, `bttc_getChildToken`, `bttc_getRootToken`).

pub mod api;
pub mod bridge;
pub mod checkpoint;
pub mod leaves;

use std::sync::Arc;

use bttc_primitives::{AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_runtime::traits::Block as BlockT;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P> {
	/// The client, for state and runtime-API calls.
	pub client: Arc<C>,
	/// The transaction pool, for nonces that count pending transactions.
	pub pool: Arc<P>,
}

/// Error building the RPC module (a method name registered twice).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Builds the RPC module with every BTTC-specific method.
pub fn create_full<Block, C, P>(deps: FullDeps<C, P>) -> Result<RpcModule<()>, Error>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ sc_client_api::AuxStore
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: bttc_primitives::checkpoint::CheckpointApi<Block>,
	C::Api: bttc_primitives::bridge::BridgeApi<Block>,
	P: TransactionPool<Block = Block> + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module
		.merge(api::BttcApiServer::into_rpc(checkpoint::Bttc::<Block, C>::new(client.clone())))?;
	module.merge(api::BttcBridgeApiServer::into_rpc(bridge::Bridge::<Block, C>::new(client)))?;

	Ok(module)
}
