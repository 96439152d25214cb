//! Test runtime: System + Bridge, sprints of 4 blocks, child tokens as a thread-local ledger
//! that refuses deposits to tokens marked broken.

#![allow(clippy::unwrap_used)]

use crate as pallet_bridge;
use crate::{ChildTokens, SprintSchedule};
use bttc_primitives::{
	bridge::{encode_message, BridgeMessage, StateSyncData, StateSynced},
	BlockNumber,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Hooks},
	weights::Weight,
};
use sp_core::{H160, H256, U256};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlockU32<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Bridge: pallet_bridge,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

pub const SPRINT: BlockNumber = 4;
pub const DEPOSITOR: H160 = H160::repeat_byte(0xdd);
pub const ROOT_TOKEN: H160 = H160::repeat_byte(0x0a);
pub const CHILD_TOKEN: H160 = H160::repeat_byte(0x0c);
pub const DEPOSIT_WEIGHT: u64 = 1_000_000;

parameter_types! {
	/// Minted balances: (child token, user) → amount.
	pub static Minted: BTreeMap<(H160, H160), u128> = BTreeMap::new();
	/// Child tokens whose `deposit` reverts.
	pub static Broken: Vec<H160> = Vec::new();
	/// Every deposit call, in order.
	pub static Calls: Vec<(H160, H160, u128)> = Vec::new();
}

pub struct MockSprints;
impl SprintSchedule for MockSprints {
	fn is_sprint_start(block: BlockNumber) -> bool {
		block % SPRINT == 0
	}
}

pub struct MockChildTokens;
impl ChildTokens for MockChildTokens {
	fn deposit(child_token: H160, user: H160, deposit_data: &[u8]) -> Result<Weight, Weight> {
		let used = Weight::from_parts(DEPOSIT_WEIGHT / 2, 0);
		if Broken::get().contains(&child_token) || deposit_data.len() != 32 {
			return Err(used);
		}
		let amount = U256::from_big_endian(deposit_data).low_u128();
		Calls::mutate(|calls| calls.push((child_token, user, amount)));
		Minted::mutate(|minted| *minted.entry((child_token, user)).or_default() += amount);
		Ok(used)
	}
	fn max_deposit_weight() -> Weight {
		Weight::from_parts(DEPOSIT_WEIGHT, 0)
	}
	fn depositor() -> H160 {
		DEPOSITOR
	}
}

pub const MAX_EXECUTIONS: u32 = 3;
pub const MAX_SEQUENCED: u32 = 2;

impl pallet_bridge::Config for Test {
	type ChildTokens = MockChildTokens;
	type Sprints = MockSprints;
	type MappingOrigin = frame_system::EnsureRoot<u64>;
	type MaxExecutionsPerBlock = ConstU32<MAX_EXECUTIONS>;
	type MaxSequencedPerBlock = ConstU32<MAX_SEQUENCED>;
	type WeightInfo = ();
}

/// A deposit of `amount` of the root token to `user`, state id `id`, from root tx `tx`.
pub fn deposit_sync(id: u64, user: H160, amount: u128) -> StateSynced {
	sync_of(
		id,
		&BridgeMessage::Deposit {
			user,
			root_token: ROOT_TOKEN,
			deposit_data: U256::from(amount).to_big_endian().to_vec(),
		},
	)
}

/// State sync `id` carrying `message` to the depositor.
pub fn sync_of(id: u64, message: &BridgeMessage) -> StateSynced {
	StateSynced {
		state_id: id,
		receiver: DEPOSITOR,
		data: StateSyncData::from_bytes(&encode_message(message)),
		root_tx_hash: H256::from_low_u64_be(id),
	}
}

pub fn user(n: u8) -> H160 {
	H160::repeat_byte(n)
}

pub fn minted(user: H160) -> u128 {
	Minted::get().get(&(CHILD_TOKEN, user)).copied().unwrap_or(0)
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		bridge: pallet_bridge::GenesisConfig {
			mappings: vec![(bttc_primitives::RootChainId::Tron, ROOT_TOKEN, CHILD_TOKEN)],
			_config: Default::default(),
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` from genesis, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Bridge::do_try_state().expect("try_state invariants hold");
	});
}

/// Runs blocks up to `n` (`on_initialize`), checking the invariants after each.
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Bridge::on_initialize(next);
		Bridge::do_try_state().expect("try_state invariants hold after every block");
	}
}
