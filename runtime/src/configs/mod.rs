//! Configuration of every pallet in the runtime.

pub mod bridge;
pub mod evm;
pub mod finality;

// `RuntimeOrigin`, `RuntimeTask` and `PalletInfo` are picked up by `derive_impl` below.
use crate::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	Staking, System, EXISTENTIAL_DEPOSIT, SLOT_DURATION, VERSION,
};
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, transaction_validity::TransactionPriority, Perbill};
use sp_version::RuntimeVersion;

/// Share of a block that ordinary (non-operational) extrinsics may fill: 80 % of
/// [`MAX_BLOCK_REF_TIME`], 1 s of weight.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(80);

/// Computation budget of a block, ref_time. A block must be built, sent and imported on the
/// next validator within one 2 s slot. Measured on the 2-core reference machine with release
/// binaries (`scripts/reports/bench-changes.md`), blocks filled to the former normal budget
/// (750 ms of weight) took the proposer at most 644 ms (987 native transfers; 396 ERC20
/// transfers: 536 ms). A normal budget of 1 s of weight then builds in at most ~0.86 s, and
/// building plus importing stays within the slot.
const MAX_BLOCK_REF_TIME: u64 = WEIGHT_REF_TIME_PER_SECOND * 5 / 4;

/// Proof-size bound of a block, in bytes. A solochain records no proof of validity, so this is
/// only an accounting bound: at 10 MiB it bound native-transfer blocks at 633 transfers while
/// 36 % of the computation budget was left (`scripts/reports/bench.md`); 64 MiB leaves
/// computation as the binding budget for every extrinsic measured there.
const MAX_BLOCK_PROOF_SIZE: u64 = 64 * 1024 * 1024;

/// Most validators an authority set may hold (Aura and GRANDPA).
pub const MAX_AUTHORITIES: u32 = 128;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 4096;
	pub const Version: RuntimeVersion = VERSION;
	/// Proof size stays bounded although a solochain ships no proofs: fees price it
	/// (`BlockRatioFee` charges the larger of the two shares), and a finite bound keeps its fee
	/// coefficient above zero.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(MAX_BLOCK_REF_TIME, MAX_BLOCK_PROOF_SIZE),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	/// Generic Substrate SS58 prefix until BTTC registers its own.
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	type DbWeight = RocksDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	// Map every new account to its Ethereum address at once (pallet-revive's `AutoMap`).
	type OnNewAccount = pallet_revive::AutoMapper<Runtime>;
	type OnKilledAccount = pallet_revive::AutoMapper<Runtime>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = bttc_primitives::Moment;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

pub use evm::{FEE_PER_BYTE, FEE_PER_WEIGHT};

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	// `BlockRatioFee` is what pallet-revive converts between fees and Ethereum gas with.
	type WeightToFee = pallet_revive::evm::fees::BlockRatioFee<FEE_PER_WEIGHT, 1, Runtime, Balance>;
	type LengthToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_BYTE>>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const MaxSpanValidators: u32 = MAX_AUTHORITIES;
	/// Producers per span; BTTC selects 11.
	pub const MaxSpanProducers: u32 = 32;
	/// Spans kept in storage for `span_of` and the RPC.
	pub const MaxSpanHistory: u32 = 16;
	pub const BlockPeriodMs: u64 = bttc_primitives::time::MILLISECS_PER_BLOCK;
}

impl pallet_bttc_span::Config for Runtime {
	type ValidatorId = bttc_primitives::staking::RootValidatorId;
	type AuthorityId = AuraId;
	type ValidatorSet = Staking;
	type BlockPeriodMs = BlockPeriodMs;
	type MaxValidators = MaxSpanValidators;
	type MaxProducers = MaxSpanProducers;
	type MaxSpanHistory = MaxSpanHistory;
	type OnSpanStart = finality::GrandpaFollowsSpans<finality::StakingFinalityKeys>;
	type ParamsOrigin = crate::governance::ParamsOrigin;
	type EmergencyOrigin = crate::governance::EmergencyOrigin;
	type WeightInfo = pallet_bttc_span::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// Session keys as the staking pallet binds them to a validator.
pub type StakingSessionKeys = pallet_bttc_staking::SessionKeys<
	AuraId,
	sp_consensus_grandpa::AuthorityId,
	bttc_primitives::attestation::crypto::AuthorityId,
>;

/// Key-ownership proofs of a binding: a signature by each of [`StakingSessionKeys`].
pub type StakingKeyOwnershipProofs = pallet_bttc_staking::KeyOwnershipProofsOf<Runtime>;

parameter_types! {
	/// BTTC's StakeManager lives on TRON; dev and local networks stand anvil in for it.
	pub const StakeChain: bttc_primitives::RootChainId = bttc_primitives::RootChainId::Tron;
	pub const MaxStakingValidators: u32 = MAX_AUTHORITIES;
	/// Out-of-order events a validator may have waiting for a missing nonce.
	pub const MaxQueuedPerValidator: u32 = 16;
	/// Validator-duty extrinsics (reports, key bindings) go before ordinary transactions.
	pub const DutyPriority: TransactionPriority = TransactionPriority::MAX / 2;
	/// A report not attested within ~10 minutes expires (the nodes then report it again),
	/// unless the chain spec or governance sets another TTL.
	pub const DefaultReportTtl: BlockNumber = 300;
	/// A report's signature is valid for at most ~2 minutes.
	pub const MaxReportLifetime: BlockNumber = 64;
	/// Votes one validator can have pending at once: enough for a burst of root-chain events,
	/// small enough that a validator inventing events fills only its own share.
	pub const VoteSlots: u32 = 64;
	pub const MaxExpiriesPerBlock: u32 = 16;
}

impl pallet_bttc_staking::Config for Runtime {
	type AuraId = AuraId;
	type FinalityId = sp_consensus_grandpa::AuthorityId;
	type AttestationId = bttc_primitives::attestation::crypto::AuthorityId;
	type StakeChain = StakeChain;
	type MaxValidators = MaxStakingValidators;
	type MaxQueuedPerValidator = MaxQueuedPerValidator;
	type UnsignedPriority = DutyPriority;
	type WeightInfo = pallet_bttc_staking::weights::SubstrateWeight<Runtime>;
}

impl pallet_bttc_attestation::Config for Runtime {
	type AuthorityId = bttc_primitives::attestation::crypto::AuthorityId;
	type RootChainEvent = AttestedEvent;
	type ValidatorStakes = Staking;
	type OnAttested = RouteAttested;
	type ParamsOrigin = crate::governance::ParamsOrigin;
	type DefaultReportTtl = DefaultReportTtl;
	type MaxReportLifetime = MaxReportLifetime;
	type VoteSlots = VoteSlots;
	type MaxVotersPerKey = MaxStakingValidators;
	type MaxExpiriesPerBlock = MaxExpiriesPerBlock;
	type UnsignedPriority = DutyPriority;
	type WeightInfo = pallet_bttc_attestation::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::BenchmarkHelpers;
}

use bttc_primitives::{attestation::AttestedEvent, traits::OnAttested, RootChainId};

/// Hands each attested event to the pallet that consumes its kind.
pub struct RouteAttested;

impl OnAttested<AttestedEvent> for RouteAttested {
	fn on_attested(chain: RootChainId, event: AttestedEvent) -> Weight {
		match event {
			AttestedEvent::Staking(event) => Staking::on_attested(chain, event),
			AttestedEvent::CheckpointAck(ack) => crate::Checkpoint::on_attested(chain, ack),
			AttestedEvent::StateSynced(sync) => crate::Bridge::on_attested(chain, sync),
		}
	}

	fn max_weight() -> Weight {
		let staking = <Staking as OnAttested<bttc_primitives::staking::StakingEvent>>::max_weight();
		let checkpoint = <crate::Checkpoint as OnAttested<
			bttc_primitives::attestation::CheckpointAck,
		>>::max_weight();
		let bridge =
			<crate::Bridge as OnAttested<bttc_primitives::bridge::StateSynced>>::max_weight();
		staking.max(checkpoint).max(bridge)
	}
}

parameter_types! {
	/// Longest checkpoint any stream may cut: BTTC's maximum (1,024 blocks).
	pub const MaxCheckpointLength: u32 = 1_024;
	/// Acknowledged checkpoints kept per root chain for the RPC.
	pub const MaxCheckpointHistory: u32 = 256;
	pub const MaxLeafPruning: u32 = 32;
}

/// The sidechain's chain id as the root chains' `RootChain` contracts know it: its EVM chain id.
pub struct ChildChainId;
impl frame_support::traits::Get<u64> for ChildChainId {
	fn get() -> u64 {
		pallet_bttc_evm_chain_id::ChainId::<Runtime>::get()
	}
}

/// Each block's leaf from the Ethereum block `Revive` builds in its `on_finalize` (it runs
/// before `Checkpoint`'s): the block eth-rpc serves.
pub struct ReviveBlockLeaves;
impl bttc_primitives::traits::BlockLeafSource for ReviveBlockLeaves {
	fn current_leaf() -> Option<bttc_primitives::checkpoint::BlockLeaf> {
		let block = pallet_revive::Pallet::<Runtime>::eth_block();
		let number = u64::try_from(block.number).ok()?;
		if u64::from(System::block_number()) != number {
			return None;
		}
		Some(bttc_primitives::checkpoint::BlockLeaf {
			number,
			timestamp: u64::try_from(block.timestamp).ok()?,
			transactions_root: block.transactions_root,
			receipts_root: block.receipts_root,
		})
	}
}

impl pallet_bttc_checkpoint::Config for Runtime {
	type Signers = Staking;
	type BlockLeaves = ReviveBlockLeaves;
	type ChildChainId = ChildChainId;
	type ParamsOrigin = crate::governance::ParamsOrigin;
	type MaxValidators = MaxStakingValidators;
	type MaxLength = MaxCheckpointLength;
	type MaxHistory = MaxCheckpointHistory;
	type MaxLeafPruning = MaxLeafPruning;
	type UnsignedPriority = DutyPriority;
	type WeightInfo = pallet_bttc_checkpoint::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::BenchmarkHelpers;
}
