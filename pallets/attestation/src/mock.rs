//! Test runtime: System + Attestation, validators and stakes from a thread-local list,
//! attested events recorded in a thread-local list.

use crate as pallet_attestation;
use crate::{OnAttested, Stake, ValidatorIndex, ValidatorStakes};
use bttc_primitives::RootChainId;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use scale_info::TypeInfo;
use sp_runtime::{testing::UintAuthorityId, BuildStorage};

type Block = frame_system::mocking::MockBlockU32<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Attestation: pallet_attestation,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// A root-chain event as the staking pallet might define it.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum MockEvent {
	Staked { validator_id: u64, amount: u128, nonce: u64 },
	Unstaked { validator_id: u64, nonce: u64 },
}

/// (attestation key, validator index, stake)
pub type MockValidator = (u64, ValidatorIndex, Stake);

parameter_types! {
	/// Total 300 → threshold 201: 11 + 12 = 200 (not enough), + 13 = 201 (enough).
	pub static Validators: Vec<MockValidator> = vec![(11, 0, 100), (12, 1, 100), (13, 2, 1), (14, 3, 99)];
	pub static Applied: Vec<(RootChainId, MockEvent)> = vec![];
}

pub struct MockStakes;
impl ValidatorStakes<UintAuthorityId> for MockStakes {
	fn stake_of(who: &UintAuthorityId) -> Option<(ValidatorIndex, Stake)> {
		Validators::get().iter().find(|v| v.0 == who.0).map(|v| (v.1, v.2))
	}
	fn stake_of_index(index: ValidatorIndex) -> Stake {
		Validators::get().iter().find(|v| v.1 == index).map_or(0, |v| v.2)
	}
	fn total_stake() -> Stake {
		Validators::get().iter().map(|v| v.2).sum()
	}
}

pub const APPLY_WEIGHT: Weight = Weight::from_parts(1_000, 0);

pub struct RecordApplied;
impl OnAttested<MockEvent> for RecordApplied {
	fn on_attested(chain: RootChainId, event: MockEvent) -> Weight {
		Applied::mutate(|a| a.push((chain, event)));
		APPLY_WEIGHT
	}
	fn max_weight() -> Weight {
		APPLY_WEIGHT
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::types::BenchmarkHelper<UintAuthorityId, MockEvent> for MockBenchmarkHelper {
	fn add_validator(stake: Stake) -> UintAuthorityId {
		let mut validators = Validators::get();
		let index = validators.len() as ValidatorIndex;
		let key = 1_000 + u64::from(index);
		validators.push((key, index, stake));
		Validators::set(validators);
		UintAuthorityId(key)
	}
	fn clear_validators() {
		Validators::set(vec![]);
	}
	fn event(i: u32) -> MockEvent {
		MockEvent::Staked { validator_id: u64::from(i), amount: 1, nonce: u64::from(i) }
	}
}

pub const TTL: u32 = 10;
pub const LIFETIME: u32 = 5;
pub const VOTE_SLOTS: u32 = 4;
pub const MAX_VOTERS: u32 = 8;
pub const MAX_EXPIRIES: u32 = 2;

impl pallet_attestation::Config for Test {
	type AuthorityId = UintAuthorityId;
	type RootChainEvent = MockEvent;
	type ValidatorStakes = MockStakes;
	type OnAttested = RecordApplied;
	type ParamsOrigin = frame_system::EnsureRoot<u64>;
	type DefaultReportTtl = ConstU32<TTL>;
	type MaxReportLifetime = ConstU32<LIFETIME>;
	type VoteSlots = ConstU32<VOTE_SLOTS>;
	type MaxVotersPerKey = ConstU32<MAX_VOTERS>;
	type MaxExpiriesPerBlock = ConstU32<MAX_EXPIRIES>;
	type UnsignedPriority = ConstU64<{ 1 << 20 }>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage =
		RuntimeGenesisConfig { system: Default::default(), attestation: Default::default() }
			.build_storage()
			.expect("valid genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` on a fresh genesis, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Attestation::do_try_state().expect("try_state invariants hold");
	});
}

/// Advances to block `n`, running `on_initialize` of each block, and checks invariants per
/// block.
pub fn run_to_block(n: u32) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Attestation::on_initialize(next);
		Attestation::do_try_state().expect("try_state invariants hold after every block");
	}
}
