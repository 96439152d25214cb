//! Import verification: every block from the network is checked against the span schedule
//! the runtime states at its parent before it is executed.

use crate::{
	digest::slot_of,
	error::Error,
	fork_choice::{block_weight, weigh},
	schedule::BlockSchedule,
	verify::{unix_time_ms, verify_header},
	LOG_TARGET,
};
use bttc_primitives::{span::SpanApi, staking::RootValidatorId, BlockNumber};
use sc_client_api::AuxStore;
use sc_consensus::{
	block_import::{BlockImport, BlockImportParams, ForkChoiceStrategy},
	import_queue::{BasicQueue, BoxJustificationImport, DefaultImportQueue, Verifier},
};
use sc_consensus_slots::{check_equivocation, InherentDataProviderExt};
use sc_telemetry::{telemetry, TelemetryHandle, CONSENSUS_INFO};
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder as BlockBuilderApi;
use sp_blockchain::HeaderBackend;
use sp_consensus_aura::{inherents::AuraInherentData, sr25519::AuthorityId as AuraId, AuraApi};
use sp_inherents::{CreateInherentDataProviders, InherentDataProvider as _};
use sp_runtime::traits::{Block as BlockT, Header as HeaderT, UniqueSaturatedInto};
use std::sync::Arc;

/// Reads the schedule of the child of `parent_hash` and the slot duration from the runtime.
pub(crate) fn schedule_at<B, C>(
	client: &C,
	parent_hash: B::Hash,
	block: BlockNumber,
) -> Result<(BlockSchedule, u64), Error>
where
	B: BlockT,
	C: ProvideRuntimeApi<B>,
	C::Api: SpanApi<B, RootValidatorId, AuraId> + AuraApi<B, AuraId>,
{
	let api = client.runtime_api();
	let schedule = api
		.expected_authors(parent_hash, block)
		.map_err(|e| Error::Client(e.to_string()))?
		.ok_or(Error::UnknownSpan(block))?;
	let slot_ms =
		api.slot_duration(parent_hash).map_err(|e| Error::Client(e.to_string()))?.as_millis();
	Ok((schedule, slot_ms))
}

/// Verifies imported blocks: BTTC seal, span producer, Bor delay, inherents; reports
/// equivocations (two blocks by one author in one slot).
pub struct SpanVerifier<C, CIDP> {
	client: Arc<C>,
	create_inherent_data_providers: CIDP,
	telemetry: Option<TelemetryHandle>,
}

impl<C, CIDP> SpanVerifier<C, CIDP> {
	/// A verifier reading state from `client`.
	pub fn new(
		client: Arc<C>,
		create_inherent_data_providers: CIDP,
		telemetry: Option<TelemetryHandle>,
	) -> Self {
		Self { client, create_inherent_data_providers, telemetry }
	}
}

#[async_trait::async_trait]
impl<B, C, CIDP> Verifier<B> for SpanVerifier<C, CIDP>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Send + Sync,
	C::Api: BlockBuilderApi<B> + SpanApi<B, RootValidatorId, AuraId> + AuraApi<B, AuraId>,
	CIDP: CreateInherentDataProviders<B, ()> + Send + Sync,
	CIDP::InherentDataProviders: InherentDataProviderExt + Send + Sync,
{
	async fn verify(
		&self,
		mut block: BlockImportParams<B>,
	) -> Result<BlockImportParams<B>, String> {
		// Blocks imported with their state (warp/state sync) were checked by the finality
		// proof that brought them; there is no parent state to check them against.
		if block.with_state() || block.state_action.skip_execution_checks() {
			block.fork_choice = Some(ForkChoiceStrategy::Custom(block.with_state()));
			return Ok(block);
		}
		let hash = block.header.hash();
		let parent_hash = *block.header.parent_hash();
		let number: BlockNumber = (*block.header.number()).unique_saturated_into();
		let parent =
			self.client.header(parent_hash).map_err(|e| Error::Client(e.to_string()))?.ok_or_else(
				|| Error::Client(format!("parent {parent_hash:?} of #{number} is unknown")),
			)?;
		let parent_slot = slot_of(&parent)?;
		let (schedule, slot_ms) = schedule_at::<B, C>(&*self.client, parent_hash, number)?;

		let inherent_data_providers = self
			.create_inherent_data_providers
			.create_inherent_data_providers(parent_hash, ())
			.await
			.map_err(|e| Error::Client(e.to_string()))?;
		let mut inherent_data = inherent_data_providers
			.create_inherent_data()
			.await
			.map_err(|e| Error::Client(e.to_string()))?;
		let now_ms = unix_time_ms();
		let slot_now = inherent_data_providers.slot();

		let authors = schedule.authors.len();
		let verified = verify_header(block.header, parent_slot, &schedule, now_ms, slot_ms)
			.map_err(|e| {
				log::warn!(target: LOG_TARGET, "❌ Rejected #{number} ({hash:?}): {e}");
				e
			})?;

		if let Some(proof) = check_equivocation(
			&*self.client,
			slot_now,
			verified.slot,
			&verified.pre_header,
			&verified.author,
		)
		.map_err(|e| Error::Client(e.to_string()))?
		{
			log::warn!(
				target: LOG_TARGET,
				"⚠️ Equivocation: {} sealed two blocks in slot {}: {:?} and {:?}",
				verified.author,
				verified.slot,
				proof.first_header.hash(),
				proof.second_header.hash(),
			);
			telemetry!(
				self.telemetry;
				CONSENSUS_INFO;
				"bttc.equivocation";
				"author" => ?verified.author,
				"slot" => ?verified.slot,
			);
		}

		if let Some(body) = block.body.take() {
			let checked = B::new(verified.pre_header.clone(), body);
			inherent_data.aura_replace_inherent_data(verified.slot);
			sp_block_builder::check_inherents_with_data(
				self.client.clone(),
				parent_hash,
				checked.clone(),
				&inherent_data_providers,
				inherent_data,
			)
			.await
			.map_err(|e| format!("#{number} has invalid inherents: {e:?}"))?;
			block.body = Some(checked.deconstruct().1);
		}

		log::trace!(
			target: LOG_TARGET,
			"Verified #{number} by {} (succession {}) in slot {}",
			verified.author,
			verified.succession,
			verified.slot,
		);
		let weighed = weigh::<B, C>(
			&*self.client,
			parent_hash,
			hash,
			block_weight(authors, verified.succession),
		)?;
		block.header = verified.pre_header;
		block.post_digests.push(verified.seal);
		block.auxiliary.push(weighed.aux);
		block.fork_choice = Some(weighed.fork_choice);
		block.post_hash = Some(hash);
		Ok(block)
	}
}

/// Builds the import queue: [`SpanVerifier`] in front of `block_import`.
pub fn import_queue<B, C, I, CIDP>(
	client: Arc<C>,
	block_import: I,
	justification_import: Option<BoxJustificationImport<B>>,
	create_inherent_data_providers: CIDP,
	spawner: &impl sp_core::traits::SpawnEssentialNamed,
	registry: Option<&prometheus_endpoint::Registry>,
	telemetry: Option<TelemetryHandle>,
) -> DefaultImportQueue<B>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + AuxStore + Send + Sync + 'static,
	C::Api: BlockBuilderApi<B> + SpanApi<B, RootValidatorId, AuraId> + AuraApi<B, AuraId>,
	I: BlockImport<B, Error = sp_consensus::Error> + Send + Sync + 'static,
	CIDP: CreateInherentDataProviders<B, ()> + Send + Sync + 'static,
	CIDP::InherentDataProviders: InherentDataProviderExt + Send + Sync,
{
	let verifier = SpanVerifier::new(client, create_inherent_data_providers, telemetry);
	BasicQueue::new(verifier, Box::new(block_import), justification_import, spawner, registry)
}
