//! Test runtime: System + Checkpoint, validators with real secp256k1 signer keys from a
//! thread-local list, a block leaf derived from each block number.

#![allow(clippy::unwrap_used)]

use crate as pallet_checkpoint;
use crate::{BlockLeaf, BlockLeafSource, CheckpointSigners, StreamParams};
use bttc_primitives::{
	staking::{signer_address, RootValidatorId},
	RootChainId,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_core::{ecdsa, Pair, H160, H256};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlockU32<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Checkpoint: pallet_checkpoint,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

pub const CHILD_CHAIN_ID: u64 = 19902;
pub const TOKEN: u128 = 1_000_000_000_000_000_000;

/// The signer key of test account `seed`.
pub fn pair(seed: u8) -> ecdsa::Pair {
	ecdsa::Pair::from_seed(&[seed; 32])
}

/// Its address.
pub fn address(seed: u8) -> H160 {
	let digest = [7u8; 32];
	let public =
		sp_io::crypto::secp256k1_ecdsa_recover(&pair(seed).sign_prehashed(&digest).0, &digest)
			.ok()
			.unwrap();
	signer_address(&public)
}

parameter_types! {
	/// (validator id, stake, signer key seed). Total 300 tokens → threshold 201.
	pub static Validators: Vec<(RootValidatorId, u128, u8)> =
		vec![(1, 100 * TOKEN, 11), (2, 100 * TOKEN, 12), (3, TOKEN, 13), (4, 99 * TOKEN, 14)];
	/// Whether blocks have an Ethereum view.
	pub static HasEthView: bool = true;
}

pub struct MockSigners;
impl CheckpointSigners for MockSigners {
	fn active_signers() -> Vec<(RootValidatorId, u128, H160)> {
		let mut active: Vec<_> = Validators::get()
			.into_iter()
			.filter(|(_, stake, _)| *stake > 0)
			.map(|(id, stake, seed)| (id, stake, address(seed)))
			.collect();
		active.sort_by_key(|(id, _, _)| *id);
		active
	}
	fn signer_stake(signer: &H160) -> Option<(RootValidatorId, u128)> {
		Validators::get()
			.into_iter()
			.find(|(_, _, seed)| address(*seed) == *signer)
			.map(|(id, stake, _)| (id, stake))
	}
	fn stake_of(id: RootValidatorId) -> u128 {
		Validators::get().into_iter().find(|(v, _, _)| *v == id).map_or(0, |(_, s, _)| s)
	}
	fn total_stake() -> u128 {
		Validators::get().into_iter().map(|(_, s, _)| s).sum()
	}
}

/// The leaf of block `n` in these tests.
pub fn leaf_of(n: u32) -> BlockLeaf {
	BlockLeaf {
		number: n.into(),
		timestamp: 1_000 + u64::from(n),
		transactions_root: H256::repeat_byte(n as u8),
		receipts_root: H256::from_low_u64_be(n.into()),
	}
}

pub struct MockLeaves;
impl BlockLeafSource for MockLeaves {
	fn current_leaf() -> Option<BlockLeaf> {
		HasEthView::get().then(|| leaf_of(System::block_number()))
	}
}

pub const MAX_LENGTH: u32 = 16;
pub const MAX_HISTORY: u32 = 3;
pub const MAX_PRUNING: u32 = 4;

impl pallet_checkpoint::Config for Test {
	type Signers = MockSigners;
	type BlockLeaves = MockLeaves;
	type ChildChainId = ConstU64<CHILD_CHAIN_ID>;
	type ParamsOrigin = frame_system::EnsureRoot<u64>;
	type MaxValidators = ConstU32<8>;
	type MaxLength = ConstU32<MAX_LENGTH>;
	type MaxHistory = ConstU32<MAX_HISTORY>;
	type MaxLeafPruning = ConstU32<MAX_PRUNING>;
	type UnsignedPriority = ConstU64<{ 1 << 20 }>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::types::BenchmarkHelper for MockBenchmarkHelper {
	fn set_signers(count: u32) {
		Validators::set((0..count).map(|i| (u64::from(i) + 1, TOKEN, 100 + i as u8)).collect());
	}
	fn sign(index: u32, digest: &[u8; 32]) -> [u8; 65] {
		let mut signature = pair(100 + index as u8).sign_prehashed(digest).0;
		signature[64] += 27;
		signature
	}
}

/// TRON's stream in these tests: from block 1, a checkpoint once 4 blocks wait (at most 8),
/// no-ack after 6 blocks.
pub const TRON: StreamParams =
	StreamParams { first_block: 1, buffer_blocks: 6, min_length: 2, avg_length: 4, max_length: 8 };

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		checkpoint: pallet_checkpoint::GenesisConfig {
			streams: vec![(RootChainId::Tron, TRON)],
			_config: Default::default(),
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(0));
	ext
}

/// Runs `test` from genesis, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Checkpoint::do_try_state().expect("try_state invariants hold");
	});
}

/// Runs blocks up to `n`: `on_initialize`, then `on_finalize` (which stores the leaf), and
/// the invariants after each.
pub fn run_to_block(n: u32) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Checkpoint::on_initialize(next);
		Checkpoint::on_finalize(next);
		Checkpoint::do_try_state().expect("try_state invariants hold after every block");
	}
}
