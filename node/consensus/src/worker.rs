//! Block authoring: in every slot, seal a block if one of this node's keys may author the
//! next block now (in turn, or as a backup whose delay has passed).

use crate::{
	digest::{pre_digests, seal, slot_of},
	error::Error,
	fork_choice::{block_weight, weigh},
	import_queue::schedule_at,
	schedule::{claimable, BlockSchedule},
	LOG_TARGET,
};
use bttc_primitives::{span::SpanApi, staking::RootValidatorId, BlockNumber};
use codec::Decode;
use futures::{Future, TryFutureExt};
use sc_client_api::AuxStore;
use sc_consensus::{BlockImport, BlockImportParams, StateAction};
use sc_consensus_slots::{
	InherentDataProviderExt, SimpleSlotWorker, SimpleSlotWorkerToSlotWorker, SlotInfo,
	SlotLenienceType, SlotProportion, StorageChanges,
};
use sc_telemetry::TelemetryHandle;
use sp_api::ProvideRuntimeApi;
use sp_application_crypto::{AppCrypto, ByteArray};
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, Environment, Proposer, SelectChain, SyncOracle};
use sp_consensus_aura::{
	sr25519::{AuthorityId as AuraId, AuthoritySignature},
	AuraApi,
};
use sp_consensus_slots::{Slot, SlotDuration};
use sp_inherents::CreateInherentDataProviders;
use sp_keystore::KeystorePtr;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT, UniqueSaturatedInto};
use std::{marker::PhantomData, pin::Pin, sync::Arc, time::Duration};

/// What this node may author on a given parent.
pub struct ScheduleAux {
	schedule: Option<BlockSchedule>,
	parent_slot: Slot,
	slot_ms: u64,
	block: BlockNumber,
}

/// A claim to author a block: the key and its succession.
pub struct Claim {
	author: AuraId,
	succession: u32,
}

/// Parameters of [`start_span_authoring`].
pub struct SpanAuthoringParams<C, SC, I, PF, SO, L, CIDP> {
	/// Slot duration (the runtime's Aura slot duration).
	pub slot_duration: SlotDuration,
	/// Client for state and runtime calls.
	pub client: Arc<C>,
	/// Chooses the parent to build on.
	pub select_chain: SC,
	/// Where authored blocks are imported (GRANDPA's block import).
	pub block_import: I,
	/// Builds block bodies.
	pub proposer_factory: PF,
	/// Whether the node is syncing or offline.
	pub sync_oracle: SO,
	/// Lets authoring request missing justifications.
	pub justification_sync_link: L,
	/// Timestamp and slot inherents.
	pub create_inherent_data_providers: CIDP,
	/// Author even without peers (single-node chains, tests).
	pub force_authoring: bool,
	/// Holds the authoring (Aura sr25519) keys.
	pub keystore: KeystorePtr,
	/// Share of a slot spent building a block.
	pub block_proposal_slot_portion: SlotProportion,
	/// Telemetry.
	pub telemetry: Option<TelemetryHandle>,
}

/// Starts authoring: a future that runs the slot worker until the node stops.
pub fn start_span_authoring<B, C, SC, I, PF, SO, L, CIDP, Error>(
	params: SpanAuthoringParams<C, SC, I, PF, SO, L, CIDP>,
) -> impl Future<Output = ()>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Send + Sync + 'static,
	C::Api: SpanApi<B, RootValidatorId, AuraId> + AuraApi<B, AuraId>,
	SC: SelectChain<B>,
	I: BlockImport<B> + Send + Sync + 'static,
	PF: Environment<B, Error = Error> + Send + Sync + 'static,
	PF::Proposer: Proposer<B, Error = Error>,
	SO: SyncOracle + Send + Sync + Clone,
	L: sc_consensus::JustificationSyncLink<B>,
	CIDP: CreateInherentDataProviders<B, ()> + Send + 'static,
	CIDP::InherentDataProviders: InherentDataProviderExt + Send,
	Error: std::error::Error + Send + From<sp_consensus::Error> + 'static,
{
	let worker = SpanWorker {
		client: params.client,
		block_import: params.block_import,
		env: params.proposer_factory,
		keystore: params.keystore,
		sync_oracle: params.sync_oracle.clone(),
		justification_sync_link: params.justification_sync_link,
		force_authoring: params.force_authoring,
		block_proposal_slot_portion: params.block_proposal_slot_portion,
		telemetry: params.telemetry,
		_block: PhantomData,
	};
	sc_consensus_slots::start_slot_worker(
		params.slot_duration,
		params.select_chain,
		SimpleSlotWorkerToSlotWorker(worker),
		params.sync_oracle,
		params.create_inherent_data_providers,
	)
}

struct SpanWorker<B, C, E, I, SO, L> {
	client: Arc<C>,
	block_import: I,
	env: E,
	keystore: KeystorePtr,
	sync_oracle: SO,
	justification_sync_link: L,
	force_authoring: bool,
	block_proposal_slot_portion: SlotProportion,
	telemetry: Option<TelemetryHandle>,
	_block: PhantomData<B>,
}

#[async_trait::async_trait]
impl<B, C, E, I, SO, L, Error> SimpleSlotWorker<B> for SpanWorker<B, C, E, I, SO, L>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Send + Sync,
	C::Api: SpanApi<B, RootValidatorId, AuraId> + AuraApi<B, AuraId>,
	E: Environment<B, Error = Error> + Send + Sync,
	E::Proposer: Proposer<B, Error = Error>,
	I: BlockImport<B> + Send + Sync + 'static,
	SO: SyncOracle + Send + Clone + Sync,
	L: sc_consensus::JustificationSyncLink<B>,
	Error: std::error::Error + Send + From<sp_consensus::Error> + 'static,
{
	type BlockImport = I;
	type SyncOracle = SO;
	type JustificationSyncLink = L;
	type CreateProposer =
		Pin<Box<dyn Future<Output = Result<E::Proposer, sp_consensus::Error>> + Send + 'static>>;
	type Proposer = E::Proposer;
	type Claim = Claim;
	type AuxData = ScheduleAux;

	fn logging_target(&self) -> &'static str {
		LOG_TARGET
	}

	fn block_import(&mut self) -> &mut Self::BlockImport {
		&mut self.block_import
	}

	fn aux_data(
		&self,
		header: &B::Header,
		_slot: Slot,
	) -> Result<ScheduleAux, sp_consensus::Error> {
		let block: BlockNumber = (*header.number()).unique_saturated_into();
		let block = block.saturating_add(1);
		let parent_slot = slot_of(header).map_err(to_consensus_error)?;
		match schedule_at::<B, C>(&*self.client, header.hash(), block) {
			Ok((schedule, slot_ms)) => {
				Ok(ScheduleAux { schedule: Some(schedule), parent_slot, slot_ms, block })
			}
			// Without a span nobody may author; say so rather than fail every slot silently.
			Err(crate::Error::UnknownSpan(_)) => {
				log::warn!(target: LOG_TARGET, "No span covers #{block}: nobody may author it");
				Ok(ScheduleAux { schedule: None, parent_slot, slot_ms: 0, block })
			}
			Err(e) => Err(to_consensus_error(e)),
		}
	}

	fn authorities_len(&self, aux: &ScheduleAux) -> Option<usize> {
		aux.schedule.as_ref().map(|s| s.authors.len())
	}

	async fn claim_slot(
		&mut self,
		_header: &B::Header,
		slot: Slot,
		aux: &ScheduleAux,
	) -> Option<Claim> {
		let schedule = aux.schedule.as_ref()?;
		let keystore = &self.keystore;
		let ours = |id: &AuraId| keystore.has_keys(&[(id.to_raw_vec(), AuraId::ID)]);
		let entry = claimable(schedule, aux.parent_slot, slot, aux.slot_ms, ours)?;
		if entry.succession > 0 {
			log::info!(
				target: LOG_TARGET,
				"🛟 Authoring #{} as backup {} of span {} sprint {}: the in-turn producer is silent",
				aux.block,
				entry.succession,
				schedule.span_id,
				schedule.sprint,
			);
		}
		Some(Claim { author: entry.authority.clone(), succession: entry.succession })
	}

	fn pre_digest_data(&self, slot: Slot, claim: &Claim) -> Vec<sp_runtime::DigestItem> {
		pre_digests(slot, &claim.author)
	}

	async fn block_import_params(
		&self,
		header: B::Header,
		header_hash: &B::Hash,
		body: Vec<B::Extrinsic>,
		storage_changes: StorageChanges<B>,
		claim: Claim,
		aux: ScheduleAux,
	) -> Result<BlockImportParams<B>, sp_consensus::Error> {
		let signature = self
			.keystore
			.sr25519_sign(AuraId::ID, claim.author.as_ref(), header_hash.as_ref())
			.map_err(|e| sp_consensus::Error::CannotSign(format!("{e}")))?
			.ok_or_else(|| {
				sp_consensus::Error::CannotSign(format!("key {} left the keystore", claim.author))
			})?;
		let signature = AuthoritySignature::decode(&mut signature.as_ref())
			.map_err(|e| sp_consensus::Error::CannotSign(format!("{e}")))?;
		log::debug!(
			target: LOG_TARGET,
			"Sealed {header_hash:?} as {} (succession {})",
			claim.author,
			claim.succession
		);
		let parent = *header.parent_hash();
		let mut import = BlockImportParams::new(BlockOrigin::Own, header);
		import.post_digests.push(seal(&signature));
		import.body = Some(body);
		import.state_action =
			StateAction::ApplyChanges(sc_consensus::StorageChanges::Changes(storage_changes));
		let authors = aux.schedule.as_ref().map_or(0, |s| s.authors.len());
		let weighed = weigh::<B, C>(
			&*self.client,
			parent,
			import.post_hash(),
			block_weight(authors, claim.succession),
		)
		.map_err(to_consensus_error)?;
		import.auxiliary.push(weighed.aux);
		import.fork_choice = Some(weighed.fork_choice);
		Ok(import)
	}

	fn force_authoring(&self) -> bool {
		self.force_authoring
	}

	fn sync_oracle(&mut self) -> &mut SO {
		&mut self.sync_oracle
	}

	fn justification_sync_link(&mut self) -> &mut L {
		&mut self.justification_sync_link
	}

	fn proposer(&mut self, block: &B::Header) -> Self::CreateProposer {
		Box::pin(
			self.env.init(block).map_err(|e| sp_consensus::Error::ClientImport(format!("{e:?}"))),
		)
	}

	fn telemetry(&self) -> Option<TelemetryHandle> {
		self.telemetry.clone()
	}

	fn proposing_remaining_duration(&self, slot_info: &SlotInfo<B>) -> Duration {
		let parent_slot = slot_of(&slot_info.chain_head).ok();
		sc_consensus_slots::proposing_remaining_duration(
			parent_slot,
			slot_info,
			&self.block_proposal_slot_portion,
			None,
			SlotLenienceType::Exponential,
			LOG_TARGET,
		)
	}
}

fn to_consensus_error(error: Error) -> sp_consensus::Error {
	sp_consensus::Error::Other(Box::new(error))
}
