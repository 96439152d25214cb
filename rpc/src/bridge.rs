//! `bttc_*` deposits and token mappings ([`crate::api::BttcBridgeApi`]), from the runtime's
//! bridge state at the best block.

use crate::{
	api::{BridgeInfoJson, BttcBridgeApiServer, DepositRecordJson, StateSyncProgressJson},
	checkpoint::{name_of, root_chain, unavailable},
};
use bttc_primitives::{
	bridge::{BridgeApi, RecordStatus, StateSyncRecord},
	RootChainId,
};
use jsonrpsee::core::RpcResult;
use sp_api::{ApiError, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{H160, H256};
use sp_runtime::traits::Block as BlockT;
use std::{marker::PhantomData, sync::Arc};

/// A record as the RPC shows it.
pub fn record_json(record: StateSyncRecord) -> DepositRecordJson {
	let (status, at, failure, attempts) = match record.status {
		RecordStatus::Queued => ("queued", None, None, 0),
		RecordStatus::Executed { at } => ("executed", Some(at), None, 1),
		RecordStatus::Failed { at, reason, attempts } => {
			("failed", Some(at), Some(format!("{reason:?}")), attempts)
		}
	};
	DepositRecordJson {
		record_id: record.id,
		root_chain: name_of(record.chain),
		state_id: record.event.state_id,
		root_tx_hash: record.event.root_tx_hash,
		attested_at: record.attested_at,
		status: status.into(),
		at,
		failure,
		attempts,
	}
}

/// The bridge methods.
pub struct Bridge<B, C> {
	client: Arc<C>,
	_block: PhantomData<B>,
}

impl<B, C> Bridge<B, C> {
	/// The methods over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: PhantomData }
	}
}

impl<B, C> Bridge<B, C>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: BridgeApi<B>,
{
	/// Runs `read` against the runtime API at the best block.
	fn at_best<R>(
		&self,
		read: impl FnOnce(&<C as ProvideRuntimeApi<B>>::Api, B::Hash) -> Result<R, ApiError>,
	) -> RpcResult<R> {
		let best = self.client.info().best_hash;
		read(&self.client.runtime_api(), best)
			.map_err(|e| unavailable(format!("bridge state: {e}")))
	}
}

impl<B, C> BttcBridgeApiServer for Bridge<B, C>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: BridgeApi<B>,
{
	fn get_deposit_status(
		&self,
		root_chain_name: String,
		root_tx_hash: H256,
	) -> RpcResult<Vec<DepositRecordJson>> {
		let chain = root_chain(&root_chain_name)?;
		let records = self.at_best(|api, at| api.records_by_root_tx(at, chain, root_tx_hash))?;
		Ok(records.into_iter().map(record_json).collect())
	}

	fn get_deposit_record(&self, record_id: u64) -> RpcResult<Option<DepositRecordJson>> {
		Ok(self.at_best(|api, at| api.record(at, record_id))?.map(record_json))
	}

	fn get_bridge_info(&self) -> RpcResult<BridgeInfoJson> {
		let depositor = self.at_best(|api, at| api.depositor(at))?;
		let chains = RootChainId::ALL
			.iter()
			.map(|chain| {
				let (last_state_id, waiting) =
					self.at_best(|api, at| api.chain_progress(at, *chain))?;
				Ok(StateSyncProgressJson { root_chain: name_of(*chain), last_state_id, waiting })
			})
			.collect::<RpcResult<Vec<_>>>()?;
		Ok(BridgeInfoJson { depositor, chains })
	}

	fn get_child_token(
		&self,
		root_chain_name: String,
		root_token: H160,
	) -> RpcResult<Option<H160>> {
		let chain = root_chain(&root_chain_name)?;
		self.at_best(|api, at| api.child_token(at, chain, root_token))
	}

	fn get_root_token(
		&self,
		root_chain_name: String,
		child_token: H160,
	) -> RpcResult<Option<H160>> {
		let chain = root_chain(&root_chain_name)?;
		self.at_best(|api, at| api.root_token(at, chain, child_token))
	}
}
