//! A runtime with only `System` and this pallet.

#![allow(clippy::unwrap_used)]

use crate as pallet_bttc_evm_chain_id;
use frame_support::derive_impl;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		EvmChainId: pallet_bttc_evm_chain_id,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_bttc_evm_chain_id::Config for Test {
	type DefaultChainId = frame_support::traits::ConstU64<19901>;
}

/// Externalities whose genesis sets `chain_id`.
pub fn new_test_ext(chain_id: u64) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_bttc_evm_chain_id::GenesisConfig::<Test> { chain_id, _config: Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks the pallet's invariants.
pub fn run_test(chain_id: u64, test: impl FnOnce()) {
	new_test_ext(chain_id).execute_with(|| {
		test();
		EvmChainId::do_try_state().unwrap();
	});
}
