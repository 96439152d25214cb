//! Test runtime: System + Span, validators from a thread-local list.

use crate as pallet_span;
use bttc_primitives::span::{SpanParams, Stake};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_core::H256;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlockU32<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Span: pallet_span,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type BlockHashCount = ConstU32<250>;
}

/// (validator id, stake, authoring key)
pub type MockValidator = (u64, Stake, u64);

parameter_types! {
	pub static Validators: Vec<MockValidator> = vec![(1, 100, 11), (2, 200, 12), (3, 300, 13), (4, 400, 14)];
}

parameter_types! {
	/// (span id, first block, block number) of every `OnSpanStart` call.
	pub static StartedSpans: Vec<(u64, u32, u32)> = vec![];
}

parameter_types! {
	/// Excluded validators passed with every `OnSpanStart` call.
	pub static ExcludedAtStart: Vec<Vec<u64>> = vec![];
	/// (voters, best finalized, delay) of every forced change; the next one fails with
	/// `ForceError` if set.
	pub static ForcedChanges: Vec<(Vec<u64>, u32, u32)> = vec![];
	pub static ForceError: Option<bttc_primitives::traits::ForcedChangeError> = None;
}

pub struct RecordSpanStarts;
impl pallet_span::OnSpanStart<u64, u64> for RecordSpanStarts {
	fn on_span_start(
		span: &bttc_primitives::span::Span<u64, u64>,
		excluded: &[u64],
	) -> frame_support::weights::Weight {
		StartedSpans::mutate(|s| s.push((span.id, span.start_block, System::block_number())));
		ExcludedAtStart::mutate(|s| s.push(excluded.to_vec()));
		frame_support::weights::Weight::zero()
	}

	fn force_change(
		span: &bttc_primitives::span::Span<u64, u64>,
		excluded: &[u64],
		best_finalized: u32,
		delay: u32,
	) -> Result<u32, bttc_primitives::traits::ForcedChangeError> {
		if let Some(e) = ForceError::get() {
			return Err(e);
		}
		let voters: Vec<u64> =
			span.validators.iter().map(|v| v.id).filter(|id| !excluded.contains(id)).collect();
		ForcedChanges::mutate(|f| f.push((voters.clone(), best_finalized, delay)));
		Ok(voters.len() as u32)
	}
}

pub struct MockValidatorSet;
impl pallet_span::ValidatorSetProvider<u64, u64> for MockValidatorSet {
	fn active_validators() -> Vec<MockValidator> {
		Validators::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_validators_for_benchmark(count: u32) {
		Validators::set(
			(0..u64::from(count)).map(|i| (i + 1, Stake::from(i + 1) * 1_000, 1_000 + i)).collect(),
		);
	}
}

frame_support::ord_parameter_types! {
	pub const EmergencyAccount: u64 = 99;
}

pub const BLOCK_PERIOD_MS: u64 = 2_000;
pub const MAX_PRODUCERS: u32 = 16;
pub const MAX_HISTORY: u32 = 3;

impl pallet_span::Config for Test {
	type ValidatorId = u64;
	type AuthorityId = u64;
	type ValidatorSet = MockValidatorSet;
	type BlockPeriodMs = ConstU64<BLOCK_PERIOD_MS>;
	type MaxValidators = ConstU32<32>;
	type MaxProducers = ConstU32<MAX_PRODUCERS>;
	type MaxSpanHistory = ConstU32<MAX_HISTORY>;
	type OnSpanStart = RecordSpanStarts;
	type ParamsOrigin = frame_system::EnsureRoot<u64>;
	// A distinct origin, so tests see which one a call needs: account 99 stands for the
	// emergency track.
	type EmergencyOrigin = frame_system::EnsureSignedBy<EmergencyAccount, u64>;
	type WeightInfo = ();
}

/// Small dev-chain values: sprint 4, span 32 (8 sprints), first span 16, 3 producers.
pub const DEV_PARAMS: SpanParams = SpanParams {
	span_length: 32,
	sprint_length: 4,
	producer_count: 3,
	first_span_length: 16,
	producer_delay_ms: 4_000,
	backup_multiplier_ms: 1_000,
};

pub fn build_ext(params: SpanParams) -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		span: pallet_span::GenesisConfig { params, _config: Default::default() },
	}
	.build_storage()
	.expect("valid genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(0));
	ext
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	build_ext(DEV_PARAMS)
}

/// Runs `test` on the dev genesis, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Span::do_try_state().expect("try_state invariants hold");
	});
}

/// A deterministic parent hash per block, so seeds differ between blocks.
pub fn hash_of(n: u32) -> H256 {
	H256::from(sp_io::hashing::blake2_256(&n.to_le_bytes()))
}

/// Advances to block `n`, running the hooks of each block, and checks invariants per block.
pub fn run_to_block(n: u32) {
	while System::block_number() < n {
		let now = System::block_number();
		if now > 0 {
			Span::on_finalize(now);
			System::on_finalize(now);
		}
		let next = now + 1;
		System::reset_events();
		System::initialize(&next, &hash_of(now), &Default::default());
		System::on_initialize(next);
		Span::on_initialize(next);
		Span::do_try_state().expect("try_state invariants hold after every block");
	}
}
