//! The runtime APIs the node and clients call into.

use alloc::{vec, vec::Vec};
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use crate::{
	genesis_config_presets, AccountId, Aura, Balance, Block, BlockNumber, Executive, Grandpa,
	InherentDataExt, Nonce, Runtime, RuntimeCall, RuntimeGenesisConfig, SessionKeys, Span, Staking,
	System, TransactionPayment, VERSION,
};
use bttc_primitives::staking::RootValidatorId;

/// Runtime APIs run on the state of the block they are asked at. Right after a code change that
/// state is not migrated yet (the new code's migrations run at the start of the next block),
/// yet the consensus client asks the span API at exactly that block who may author the next
/// one. The project's APIs therefore apply pending migrations first, in the API call's own
/// overlay, which is discarded: they always answer from storage in the layout their code
/// reads.
pub(crate) fn migrated_view() {
	let pending = frame_system::LastRuntimeUpgrade::<Runtime>::get()
		.is_some_and(|last| last.was_upgraded(&VERSION));
	if pending {
		let _ = Executive::execute_on_runtime_upgrade();
	}
}

// pallet-revive's macro adds `ReviveApi` (what the eth-rpc proxy calls) to the APIs below.
pallet_revive::impl_runtime_apis_plus_revive_traits!(
	Runtime,
	Revive,
	Executive,
	EthExtraImpl,

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl bttc_primitives::span::SpanApi<Block, RootValidatorId, AuraId> for Runtime {
		fn span_params() -> bttc_primitives::span::SpanParams {
			crate::apis::migrated_view();
			Span::params()
		}

		fn current_span() -> Option<bttc_primitives::span::Span<RootValidatorId, AuraId>> {
			crate::apis::migrated_view();
			Span::current_span()
		}

		fn next_span() -> Option<bttc_primitives::span::Span<RootValidatorId, AuraId>> {
			crate::apis::migrated_view();
			Span::next_span()
		}

		fn span_of(block: BlockNumber) -> Option<bttc_primitives::span::Span<RootValidatorId, AuraId>> {
			crate::apis::migrated_view();
			Span::span_of(block)
		}

		fn expected_authors(
			block: BlockNumber,
		) -> Option<bttc_primitives::span::ExpectedAuthors<RootValidatorId, AuraId>> {
			crate::apis::migrated_view();
			Span::expected_authors(block)
		}
	}

	impl bttc_primitives::staking::StakingApi<Block> for Runtime {
		fn stake_chain() -> bttc_primitives::RootChainId {
			crate::apis::migrated_view();
			<crate::configs::StakeChain as frame_support::traits::Get<_>>::get()
		}

		fn registration_of(
			signer: sp_core::H160,
		) -> Option<bttc_primitives::staking::SignerRegistration> {
			crate::apis::migrated_view();
			let validator_id = pallet_bttc_staking::ValidatorBySigner::<Runtime>::get(signer)?;
			let record = Staking::validator(validator_id)?;
			Some(bttc_primitives::staking::SignerRegistration {
				validator_id,
				binding_nonce: record.binding_nonce,
				session_keys: record.keys.as_ref().map(codec::Encode::encode),
				active: record.is_active(),
			})
		}

		fn active_validators() -> Vec<(RootValidatorId, bttc_primitives::staking::TokenAmount)> {
			crate::apis::migrated_view();
			Staking::active_validators().into_iter().map(|(id, record)| (id, record.power)).collect()
		}
	}

	impl bttc_primitives::attestation::AttestationApi<Block> for Runtime {
		fn voter(
			authority: bttc_primitives::attestation::crypto::AuthorityId,
		) -> Option<bttc_primitives::attestation::VoterInfo> {
			crate::apis::migrated_view();
			crate::Attestation::voter_info(&authority)
		}

		fn key_status(
			voter: bttc_primitives::span::ValidatorIndex,
			keys: Vec<bttc_primitives::attestation::EventKey>,
		) -> Vec<bttc_primitives::attestation::KeyStatus> {
			crate::apis::migrated_view();
			crate::Attestation::key_status(voter, &keys)
		}
	}

	impl bttc_primitives::checkpoint::CheckpointApi<Block> for Runtime {
		fn child_chain_id() -> u64 {
			crate::apis::migrated_view();
			<crate::configs::ChildChainId as frame_support::traits::Get<u64>>::get()
		}

		fn pending() -> Vec<bttc_primitives::checkpoint::PendingCheckpointInfo> {
			crate::apis::migrated_view();
			crate::Checkpoint::pending_info()
		}

		fn signatures(chain: bttc_primitives::RootChainId, id: u64) -> Vec<[u8; 65]> {
			crate::apis::migrated_view();
			crate::Checkpoint::sorted_signatures(chain, id)
		}

		fn acknowledged(
			chain: bttc_primitives::RootChainId,
		) -> Vec<bttc_primitives::checkpoint::AckedCheckpoint> {
			crate::apis::migrated_view();
			crate::Checkpoint::acknowledged(chain)
		}

		fn leaf(number: u32) -> Option<sp_core::H256> {
			crate::apis::migrated_view();
			pallet_bttc_checkpoint::Leaves::<Runtime>::get(number)
		}

		fn root_hash(start: u64, end: u64) -> Option<sp_core::H256> {
			crate::apis::migrated_view();
			crate::Checkpoint::root_of(start, end)
		}
	}

	impl bttc_primitives::bridge::BridgeApi<Block> for Runtime {
		fn records_by_root_tx(
			chain: bttc_primitives::RootChainId,
			root_tx_hash: sp_core::H256,
		) -> Vec<bttc_primitives::bridge::StateSyncRecord> {
			crate::apis::migrated_view();
			crate::Bridge::records_by_root_tx(chain, root_tx_hash, 16)
		}

		fn record(id: u64) -> Option<bttc_primitives::bridge::StateSyncRecord> {
			crate::apis::migrated_view();
			pallet_bttc_bridge::Records::<Runtime>::get(id)
		}

		fn child_token(
			chain: bttc_primitives::RootChainId,
			root_token: sp_core::H160,
		) -> Option<sp_core::H160> {
			crate::apis::migrated_view();
			pallet_bttc_bridge::ChildTokenOf::<Runtime>::get(chain, root_token)
		}

		fn root_token(
			chain: bttc_primitives::RootChainId,
			child_token: sp_core::H160,
		) -> Option<sp_core::H160> {
			crate::apis::migrated_view();
			pallet_bttc_bridge::RootTokenOf::<Runtime>::get(chain, child_token)
		}

		fn chain_progress(chain: bttc_primitives::RootChainId) -> (u64, u32) {
			crate::apis::migrated_view();
			crate::Bridge::chain_progress(chain)
		}

		fn depositor() -> sp_core::H160 {
			crate::configs::bridge::DEPOSITOR
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			// Equivocation slashing arrives with the staking pallet; until then there is no
			// key-ownership proof to check a report against.
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	// Only in the benchmark WASM (`runtime-benchmarks`), which `frame-omni-bencher` runs.
	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use crate::{Attestation, Checkpoint, Span, Staking};
			use frame_benchmarking::{baseline::Pallet as BaselineBench, BenchmarkList};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = crate::AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use crate::{Attestation, Checkpoint, Span, Staking};
			use frame_benchmarking::{baseline::Pallet as BaselineBench, BenchmarkBatch};
			use frame_support::traits::WhitelistedStorageKeys;
			use frame_system_benchmarking::Pallet as SystemBench;
			use sp_storage::TrackedStorageKey;

			let whitelist: Vec<TrackedStorageKey> =
				crate::AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	// Only in runtimes built with `--features try-runtime`, for the `try-runtime` tool, which
	// runs migrations and blocks against live state off chain; a failed check must stop it
	// loudly, so these two panic on error (never part of a chain's runtime).
	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks)
				.unwrap_or_else(|e| panic!("try-runtime: the runtime upgrade failed: {e:?}"));
			(weight, <crate::configs::RuntimeBlockWeights as frame_support::traits::Get<frame_system::limits::BlockWeights>>::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.unwrap_or_else(|e| panic!("try-runtime: executing the block failed: {e:?}"))
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis_config_presets::preset_names()
		}
	}
);
