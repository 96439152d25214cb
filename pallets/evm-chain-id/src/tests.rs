//! Genesis, the `Get<u64>` view and the invariant.

#![allow(clippy::unwrap_used)]

use crate::{mock::*, ChainId};
use frame_support::traits::Get;

#[test]
fn genesis_sets_the_chain_id_and_get_reads_it() {
	run_test(1029, || {
		assert_eq!(ChainId::<Test>::get(), 1029);
		assert_eq!(<EvmChainId as Get<u64>>::get(), 1029);
	});
}

#[test]
fn distinct_genesis_gives_distinct_ids() {
	run_test(199, || assert_eq!(<EvmChainId as Get<u64>>::get(), 199));
	run_test(1_990_001, || assert_eq!(<EvmChainId as Get<u64>>::get(), 1_990_001));
}

#[test]
#[should_panic(expected = "non-zero chain id")]
fn genesis_refuses_chain_id_zero() {
	let _ = new_test_ext(0);
}

#[test]
fn try_state_catches_a_zero_chain_id() {
	new_test_ext(1029).execute_with(|| {
		ChainId::<Test>::put(0);
		assert!(EvmChainId::do_try_state().is_err());
	});
}

#[test]
fn a_genesis_without_a_chain_id_gets_the_default() {
	use sp_runtime::BuildStorage;
	let storage = crate::GenesisConfig::<Test>::default().build_storage().unwrap();
	sp_io::TestExternalities::new(storage)
		.execute_with(|| assert_eq!(<EvmChainId as Get<u64>>::get(), 19901));
	// Empty storage (no genesis at all) reads the default as well.
	sp_io::TestExternalities::new_empty()
		.execute_with(|| assert_eq!(<EvmChainId as Get<u64>>::get(), 19901));
}
