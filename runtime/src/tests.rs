//! Runtime-level tests: facts that break the transaction format or chain specs if changed.

use crate::*;
use frame_support::traits::PalletInfo as _;

fn index_of<P: 'static>() -> Option<usize> {
	<Runtime as frame_system::Config>::PalletInfo::index::<P>()
}

/// Pallet indices are part of every extrinsic and storage key: changing one breaks wallets,
/// signed transactions and chain specs. This test pins them.
#[test]
fn pallet_indices_are_pinned() {
	assert_eq!(index_of::<System>(), Some(0));
	assert_eq!(index_of::<Timestamp>(), Some(1));
	assert_eq!(index_of::<Aura>(), Some(2));
	assert_eq!(index_of::<Grandpa>(), Some(3));
	assert_eq!(index_of::<Balances>(), Some(4));
	assert_eq!(index_of::<TransactionPayment>(), Some(5));
	assert_eq!(index_of::<Sudo>(), Some(6));
	assert_eq!(index_of::<Span>(), Some(21));
}

#[test]
fn runtime_identity() {
	assert_eq!(VERSION.spec_name, "bttc");
	assert_eq!(VERSION.impl_name, "bttc-node");
}

mod presets {
	use super::*;
	use genesis_config_presets::*;
	use sp_genesis_builder::PresetId;
	use sp_keyring::Sr25519Keyring;

	fn build(preset: &str) -> sp_io::TestExternalities {
		let patch = get_preset(&PresetId::from(preset)).expect("preset exists");
		let mut json = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		let patch: serde_json::Value = serde_json::from_slice(&patch).unwrap();
		json_merge(&mut json, patch);
		let config: RuntimeGenesisConfig = serde_json::from_value(json).unwrap();
		sp_runtime::BuildStorage::build_storage(&config).unwrap().into()
	}

	fn json_merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
				for (k, v) in p {
					json_merge(b.entry(k).or_insert(serde_json::Value::Null), v);
				}
			}
			(b, p) => *b = p,
		}
	}

	#[test]
	fn every_preset_builds_and_is_listed() {
		let names = preset_names();
		assert_eq!(names, vec!["dev", "local", "testnet"]);
		for name in &names {
			build(name);
		}
		assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
	}

	#[test]
	fn validator_counts_match_the_presets() {
		for (preset, count) in [("dev", 1usize), ("local", 4), ("testnet", 4)] {
			build(preset).execute_with(|| {
				assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), count, "{preset}");
				assert_eq!(Grandpa::grandpa_authorities().len(), count, "{preset}");
			});
		}
	}

	#[test]
	fn sudo_exists_only_on_dev_and_local() {
		build("dev").execute_with(|| {
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.into()))
		});
		build("local").execute_with(|| assert!(pallet_sudo::Key::<Runtime>::get().is_some()));
		build("testnet").execute_with(|| assert_eq!(pallet_sudo::Key::<Runtime>::get(), None));
	}

	#[test]
	fn genesis_span_covers_the_first_blocks_with_the_genesis_validators() {
		for (preset, validators, first_span_end) in
			[("dev", 1usize, 16u32), ("local", 4, 16), ("testnet", 4, 256)]
		{
			build(preset).execute_with(|| {
				let span = Span::current_span().expect("a genesis span");
				assert_eq!((span.id, span.start_block, span.end_block), (0, 1, first_span_end));
				assert_eq!(span.validators.len(), validators, "{preset}");
				assert!(!span.producers.is_empty());
				let authors = Span::expected_authors(1).expect("block 1 has authors");
				assert_eq!(authors.authors[0].succession, 0);
			});
		}
	}

	#[test]
	fn dev_accounts_are_funded_with_btt() {
		build("local").execute_with(|| {
			let bob: AccountId = Sr25519Keyring::Bob.into();
			assert_eq!(Balances::free_balance(&bob), DEV_ENDOWMENT);
			assert_eq!(pallet_balances::TotalIssuance::<Runtime>::get(), DEV_ENDOWMENT * 14);
		});
	}
}
