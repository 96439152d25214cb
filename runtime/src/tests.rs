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
	assert_eq!(index_of::<Revive>(), Some(10));
	assert_eq!(index_of::<EvmChainId>(), Some(11));
	assert_eq!(index_of::<Staking>(), Some(20));
	assert_eq!(index_of::<Span>(), Some(21));
	assert_eq!(index_of::<Attestation>(), Some(23));
	assert_eq!(index_of::<Preimage>(), Some(30));
	assert_eq!(index_of::<Scheduler>(), Some(31));
	assert_eq!(index_of::<Origins>(), Some(32));
	assert_eq!(index_of::<Referenda>(), Some(33));
	assert_eq!(index_of::<ConvictionVoting>(), Some(34));
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

	pub(super) fn build(preset: &str) -> sp_io::TestExternalities {
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
	fn report_ttl_is_short_on_development_chains_and_the_default_elsewhere() {
		for (preset, ttl) in [("dev", DEV_REPORT_TTL), ("local", DEV_REPORT_TTL), ("testnet", 300)]
		{
			build(preset).execute_with(|| {
				assert_eq!(pallet_bttc_attestation::ReportTtl::<Runtime>::get(), ttl, "{preset}")
			});
		}
	}

	#[test]
	fn sudo_exists_only_on_dev() {
		build("dev").execute_with(|| {
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.into()))
		});
		build("local").execute_with(|| assert_eq!(pallet_sudo::Key::<Runtime>::get(), None));
		build("testnet").execute_with(|| assert_eq!(pallet_sudo::Key::<Runtime>::get(), None));
	}

	#[test]
	fn only_development_networks_run_fast_tracks() {
		for (preset, fast) in [("dev", true), ("local", true), ("testnet", false)] {
			build(preset).execute_with(|| {
				assert_eq!(governance::origins::FastTracks::<Runtime>::get(), fast, "{preset}")
			});
		}
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
	fn genesis_validators_are_the_ones_the_root_chain_deployment_stakes() {
		let file: serde_json::Value = serde_json::from_str(DEV_VALIDATORS_JSON).unwrap();
		let entries = file["validators"].as_array().unwrap();
		assert_eq!(entries.len(), 4);
		assert_eq!(dev_validators().len(), entries.len(), "every entry of the file is read");
		build("local").execute_with(|| {
			for (entry, id) in entries.iter().zip(1u64..) {
				let record = Staking::validator(id).expect("validator in genesis");
				let signer = entry["signer"].as_str().unwrap().to_lowercase();
				assert_eq!(format!("{:?}", record.signer), signer, "validator {id}");
				assert_eq!(record.power.to_string(), entry["stake"].as_str().unwrap());
				assert!(record.is_active(), "validator {id} is active from genesis");
			}
			let span = Span::current_span().unwrap();
			assert_eq!(span.validators.iter().map(|v| v.id).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
			// Equal stakes: equal GRANDPA weights.
			let weights: Vec<u64> =
				Grandpa::grandpa_authorities().iter().map(|(_, w)| *w).collect();
			assert_eq!(weights, vec![250_000_000; 4]);
		});
	}

	fn live_entry(seed: u8) -> serde_json::Value {
		let key = |n: u8, len: usize| format!("0x{}", format!("{n:02x}").repeat(len));
		serde_json::json!({
			"name": format!("v{seed}"),
			"account": key(seed, 32),
			"signerPubkey": key(seed + 1, 64),
			"stake": "10000000000000000000000",
			"sessionKeys": {
				"aura": key(seed + 2, 32),
				"grandpa": key(seed + 3, 32),
				"bttc": key(seed + 4, 32),
			},
		})
	}

	fn read(entries: Vec<serde_json::Value>) -> Result<usize, String> {
		let file = serde_json::json!({ "validators": entries }).to_string();
		validators_from_json(&file).map(|validators| validators.len())
	}

	#[test]
	fn testnet_validators_are_the_operators_public_keys() {
		let validators = validators_from_json(TESTNET_VALIDATORS_JSON).expect("the file parses");
		assert_eq!(validators.len(), 4);
		build("testnet").execute_with(|| {
			for v in &validators {
				let record = Staking::validator(v.id).expect("validator in genesis");
				assert_eq!(record.power, v.stake);
				assert_eq!(Balances::free_balance(&v.account), TESTNET_ENDOWMENT);
			}
		});
	}

	#[test]
	fn a_live_validator_file_refuses_bad_and_well_known_keys_naming_the_entry() {
		assert_eq!(read(vec![live_entry(1), live_entry(10)]), Ok(2));
		let refused = |entry: serde_json::Value, expected: &str| {
			let error = read(vec![live_entry(1), entry]).unwrap_err();
			assert!(error.contains("validator 2 (`v10`)") && error.contains(expected), "{error}");
		};
		let alice = format!("0x{}", hex(&Sr25519Keyring::Alice.public().0));
		let mut dev = live_entry(10);
		dev["sessionKeys"]["aura"] = alice.clone().into();
		refused(dev, "well-known development key");
		let mut dev_account = live_entry(10);
		dev_account["account"] = alice.into();
		refused(dev_account, "well-known development key");
		let mut dev_signer = live_entry(10);
		let dev_file: serde_json::Value = serde_json::from_str(DEV_VALIDATORS_JSON).unwrap();
		dev_signer["signerPubkey"] = dev_file["validators"][0]["signerPubkey"].clone();
		refused(dev_signer, "well-known development key");
		let mut repeated = live_entry(10);
		repeated["sessionKeys"]["grandpa"] = live_entry(1)["sessionKeys"]["grandpa"].clone();
		refused(repeated, "repeats");
		let mut no_stake = live_entry(10);
		no_stake["stake"] = "0".into();
		refused(no_stake, "`stake`");
		let mut short = live_entry(10);
		short["sessionKeys"]["bttc"] = "0x1234".into();
		refused(short, "`sessionKeys.bttc` must be 0x followed by 64 hex digits");
		let mut prefixed = live_entry(10);
		prefixed["signerPubkey"] = format!("0x04{}", "11".repeat(64)).into();
		refused(prefixed, "`signerPubkey`");
		assert!(read(vec![]).unwrap_err().contains("non-empty"));
		let Err(error) = validators_from_json("{") else { panic!("half a file was read") };
		assert!(error.contains("not JSON"), "{error}");
	}

	fn hex(bytes: &[u8]) -> String {
		bytes.iter().map(|b| format!("{b:02x}")).collect()
	}

	#[test]
	fn dev_accounts_are_funded_with_btt() {
		build("local").execute_with(|| {
			let bob: AccountId = Sr25519Keyring::Bob.into();
			assert_eq!(Balances::free_balance(&bob), DEV_ENDOWMENT);
			let depositor = crate::configs::bridge::depositor_account();
			assert_eq!(Balances::free_balance(&depositor), DEPOSITOR_ENDOWMENT);
			// 14 Substrate and 10 Ethereum dev accounts, the bridge's depositor, the native
			// BTT reserve with its contract's existential deposit, and the existential deposit
			// pallet-revive keeps in its own account.
			assert_eq!(
				pallet_balances::TotalIssuance::<Runtime>::get(),
				DEV_ENDOWMENT * 24
					+ DEPOSITOR_ENDOWMENT
					+ NATIVE_BTT_RESERVE
					+ EXISTENTIAL_DEPOSIT * 2
			);
		});
	}
}

mod evm {
	use super::presets::build;
	use crate::genesis_config_presets::*;
	use crate::*;
	use frame_support::traits::Get;
	use pallet_revive::AddressMapper;
	use sp_core::{H160, U256};
	use sp_keyring::Sr25519Keyring;

	type Mapper = <Runtime as pallet_revive::Config>::AddressMapper;

	#[test]
	fn every_preset_has_its_own_chain_id() {
		for (preset, id) in [
			("dev", DEV_EVM_CHAIN_ID),
			("local", LOCAL_EVM_CHAIN_ID),
			("testnet", TESTNET_EVM_CHAIN_ID),
		] {
			build(preset).execute_with(|| {
				assert_eq!(<Runtime as pallet_revive::Config>::ChainId::get(), id, "{preset}");
				EvmChainId::do_try_state().unwrap();
			});
		}
		assert_ne!(DEV_EVM_CHAIN_ID, LOCAL_EVM_CHAIN_ID);
		// Not BTTC mainnet's.
		assert!(![DEV_EVM_CHAIN_ID, LOCAL_EVM_CHAIN_ID, TESTNET_EVM_CHAIN_ID].contains(&199));
	}

	#[test]
	fn ethereum_dev_accounts_hold_btt_with_18_decimals() {
		build("dev").execute_with(|| {
			for address in DEV_ETH_ACCOUNTS {
				let h160 = H160::from_slice(&sp_core::bytes::from_hex(address).unwrap());
				// What `eth_getBalance` shows: spendable wei, one to one with the native
				// planck, so the existential deposit the account must keep is not counted.
				let wei = pallet_revive::Pallet::<Runtime>::evm_balance(&h160);
				assert_eq!(wei, U256::from(DEV_ENDOWMENT - EXISTENTIAL_DEPOSIT), "{address}");
				assert_eq!(
					wei + U256::from(EXISTENTIAL_DEPOSIT),
					U256::from(1_000_000u64) * U256::exp10(18)
				);
			}
		});
		build("testnet").execute_with(|| {
			let first = H160::from_slice(&sp_core::bytes::from_hex(DEV_ETH_ACCOUNTS[0]).unwrap());
			assert!(pallet_revive::Pallet::<Runtime>::evm_balance(&first).is_zero());
		});
	}

	#[test]
	fn substrate_accounts_are_mapped_to_their_ethereum_address_at_genesis() {
		build("local").execute_with(|| {
			let alice: AccountId = Sr25519Keyring::Alice.into();
			assert!(Mapper::is_mapped(&alice));
			let address = Mapper::to_address(&alice);
			assert_eq!(Mapper::to_account_id(&address), alice);
		});
	}

	#[test]
	fn gas_price_is_one_gwei_and_the_fee_config_passes_revive_checks() {
		build("dev").execute_with(|| {
			assert_eq!(
				pallet_revive::Pallet::<Runtime>::evm_base_fee(),
				U256::from(1_000_000_000u64)
			);
			// pallet-revive's own integrity checks (fee coefficients non-zero, ...).
			<pallet_revive::Pallet<Runtime> as frame_support::traits::IntegrityTest>::integrity_test();
		});
	}
}

mod finality {
	use super::presets::build;
	use crate::configs::finality::*;
	use crate::*;
	use bttc_primitives::span::{Span as SpanInfo, SpanValidator};
	use bttc_primitives::traits::OnSpanStart;
	use frame_support::traits::OnFinalize;
	use sp_consensus_aura::sr25519::AuthorityId as AuraId;
	use sp_consensus_grandpa::AuthorityId as GrandpaId;
	use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

	const KEYS: [(Sr25519Keyring, Ed25519Keyring); 4] = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	];

	/// Validator `i + 1` votes with the `i`-th GRANDPA key of [`KEYS`].
	struct KeyringBinding;
	impl FinalityKeyOf<u64> for KeyringBinding {
		fn finality_key(validator: &u64) -> Option<GrandpaId> {
			let index = usize::try_from(validator.checked_sub(1)?).ok()?;
			KEYS.get(index).map(|(_, g)| g.public().into())
		}
	}

	fn span(stakes: &[u128]) -> SpanInfo<u64, AuraId> {
		let validators = KEYS
			.iter()
			.zip(stakes)
			.zip(1u64..)
			.map(|(((aura, _), stake), id)| SpanValidator {
				id,
				stake: *stake,
				authority: AuraId::from(aura.public()),
			})
			.collect();
		SpanInfo {
			id: 1,
			start_block: 17,
			end_block: 48,
			sprint_length: 4,
			seed_block: 8,
			validators,
			producers: vec![0],
		}
	}

	fn grandpa(key: Ed25519Keyring) -> GrandpaId {
		key.public().into()
	}

	#[test]
	fn weights_are_proportional_to_stake_and_never_zero() {
		let weighted = stake_weighted(&[("a", 100u128), ("b", 300), ("c", 0)]);
		assert_eq!(weighted, vec![("a", 250_000_000), ("b", 750_000_000), ("c", 1)]);
		// BTT stakes (18 decimals) do not overflow.
		let weighted = stake_weighted(&[("a", 10u128.pow(30)), ("b", 10u128.pow(30))]);
		assert_eq!(weighted, vec![("a", 500_000_000), ("b", 500_000_000)]);
	}

	#[test]
	fn a_span_start_moves_grandpa_to_the_span_validators_weighted_by_stake() {
		build("local").execute_with(|| {
			System::set_block_number(17);
			GrandpaFollowsSpans::<KeyringBinding>::on_span_start(&span(&[100, 200, 300, 400]), &[]);
			let pending =
				pallet_grandpa::PendingChange::<Runtime>::get().expect("change scheduled");
			assert_eq!((pending.scheduled_at, pending.delay), (17, 0));
			let expected: Vec<(GrandpaId, u64)> = KEYS
				.iter()
				.zip([100_000_000, 200_000_000, 300_000_000, 400_000_000])
				.map(|((_, g), w)| (grandpa(*g), w))
				.collect();
			assert_eq!(pending.next_authorities.into_inner(), expected);

			// Enacted at the end of the same block; the same span again changes nothing.
			Grandpa::on_finalize(17);
			assert_eq!(Grandpa::grandpa_authorities(), expected);
			assert_eq!(pallet_grandpa::CurrentSetId::<Runtime>::get(), 1);
			System::set_block_number(49);
			GrandpaFollowsSpans::<KeyringBinding>::on_span_start(&span(&[100, 200, 300, 400]), &[]);
			assert!(pallet_grandpa::PendingChange::<Runtime>::get().is_none());
		});
	}

	#[test]
	fn excluded_validators_are_left_out_of_a_span_start() {
		build("local").execute_with(|| {
			System::set_block_number(17);
			GrandpaFollowsSpans::<KeyringBinding>::on_span_start(
				&span(&[100, 200, 300, 400]),
				&[3, 4],
			);
			let pending = pallet_grandpa::PendingChange::<Runtime>::get().expect("scheduled");
			let expected: Vec<(GrandpaId, u64)> = vec![
				(grandpa(Ed25519Keyring::Alice), 333_333_333),
				(grandpa(Ed25519Keyring::Bob), 666_666_666),
			];
			assert_eq!(pending.next_authorities.into_inner(), expected);
			assert_eq!(pending.forced, None);
		});
	}

	#[test]
	fn a_forced_change_goes_to_the_remaining_validators_without_waiting_for_finality() {
		use bttc_primitives::traits::ForcedChangeError;
		build("local").execute_with(|| {
			System::set_block_number(30);
			let set_id = pallet_grandpa::CurrentSetId::<Runtime>::get();
			let forced = GrandpaFollowsSpans::<KeyringBinding>::force_change(
				&span(&[100, 100, 100, 100]),
				&[3, 4],
				21,
				2,
			);
			assert_eq!(forced, Ok(2));
			let pending = pallet_grandpa::PendingChange::<Runtime>::get().expect("scheduled");
			assert_eq!((pending.scheduled_at, pending.delay, pending.forced), (30, 2, Some(21)));
			assert_eq!(
				pending.next_authorities.into_inner(),
				vec![
					(grandpa(Ed25519Keyring::Alice), 500_000_000),
					(grandpa(Ed25519Keyring::Bob), 500_000_000)
				]
			);
			assert_eq!(pallet_grandpa::CurrentSetId::<Runtime>::get(), set_id + 1);
			// The forced-change digest is in the block that schedules it.
			Grandpa::on_finalize(30);
			let digest = System::digest();
			assert!(digest.logs.iter().any(|log| {
				log.consensus_try_to::<sp_consensus_grandpa::ConsensusLog<BlockNumber>>(
					&sp_consensus_grandpa::GRANDPA_ENGINE_ID,
				)
				.is_some_and(|l| {
					matches!(l, sp_consensus_grandpa::ConsensusLog::ForcedChange(21, _))
				})
			}));
			// A second forced change while one is pending, or too soon after, is refused.
			assert_eq!(
				GrandpaFollowsSpans::<KeyringBinding>::force_change(
					&span(&[100, 100, 100, 100]),
					&[4],
					21,
					2
				),
				Err(ForcedChangeError::ChangePending)
			);
			System::set_block_number(32);
			Grandpa::on_finalize(32);
			assert!(pallet_grandpa::PendingChange::<Runtime>::get().is_none());
			System::set_block_number(33);
			assert_eq!(
				GrandpaFollowsSpans::<KeyringBinding>::force_change(
					&span(&[100, 100, 100, 100]),
					&[4],
					21,
					2
				),
				Err(ForcedChangeError::TooSoon)
			);
			assert_eq!(
				GrandpaFollowsSpans::<KeyringBinding>::force_change(
					&span(&[100, 100, 100, 100]),
					&[1, 2, 3, 4],
					21,
					2
				),
				Err(ForcedChangeError::NoVoterLeft)
			);
		});
	}

	#[test]
	fn without_bound_finality_keys_the_genesis_set_stays() {
		build("local").execute_with(|| {
			System::set_block_number(17);
			let before = Grandpa::grandpa_authorities();
			GrandpaFollowsSpans::<NoBoundFinalityKeys>::on_span_start(
				&span(&[100, 200, 300, 400]),
				&[],
			);
			assert!(pallet_grandpa::PendingChange::<Runtime>::get().is_none());
			assert_eq!(Grandpa::grandpa_authorities(), before);
		});
	}
}

/// Governance: on chains without sudo, upgrades and parameter changes come only from
/// referenda; a referendum passes by conviction-weighted votes and enacts its call.
mod governance_origins {
	use super::presets::build;
	use super::*;
	use frame_support::{
		assert_noop, assert_ok,
		traits::{schedule::DispatchTime, Bounded, Hooks, StorePreimage},
	};
	use governance::{origins::Origin as GovernanceOrigin, tracks};
	use pallet_referenda::TracksInfo as _;
	use sp_keyring::Sr25519Keyring;
	use sp_runtime::{traits::Dispatchable, DispatchError};

	fn calls_only_governance_may_make() -> Vec<RuntimeCall> {
		let validator = pallet_bttc_span::Pallet::<Runtime>::current_span()
			.and_then(|span| span.validators.first().map(|v| v.id))
			.unwrap_or_default();
		vec![
			RuntimeCall::System(frame_system::Call::set_code { code: vec![0; 64] }),
			RuntimeCall::System(frame_system::Call::authorize_upgrade {
				code_hash: Hash::repeat_byte(7),
			}),
			RuntimeCall::Span(pallet_bttc_span::Call::set_params {
				params: pallet_bttc_span::Params::<Runtime>::get(),
			}),
			RuntimeCall::Span(pallet_bttc_span::Call::force_finality_recovery {
				excluded: vec![validator].try_into().unwrap(),
				best_finalized: 0,
				delay: 0,
			}),
			RuntimeCall::Span(pallet_bttc_span::Call::readmit {
				validators: vec![validator].try_into().unwrap(),
			}),
			RuntimeCall::Attestation(pallet_bttc_attestation::Call::set_report_ttl { blocks: 600 }),
			RuntimeCall::Checkpoint(pallet_bttc_checkpoint::Call::set_stream {
				chain: bttc_primitives::RootChainId::Ethereum,
				params: pallet_bttc_checkpoint::StreamParams::BTTC,
			}),
			RuntimeCall::Referenda(pallet_referenda::Call::kill { index: 0 }),
		]
	}

	#[test]
	fn sudo_less_chains_refuse_upgrades_and_parameter_changes_from_any_other_origin() {
		for preset in ["local", "testnet"] {
			build(preset).execute_with(|| {
				System::set_block_number(2);
				let alice: AccountId = Sr25519Keyring::Alice.into();
				for call in calls_only_governance_may_make() {
					for origin in [RuntimeOrigin::signed(alice.clone()), RuntimeOrigin::none()] {
						let result = call.clone().dispatch(origin);
						assert_eq!(
							result.map_err(|e| e.error),
							Err(DispatchError::BadOrigin),
							"{preset}: {call:?}"
						);
					}
					// Sudo has no key: nobody can use it.
					let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
					assert_noop!(
						sudo.dispatch(RuntimeOrigin::signed(alice.clone())),
						pallet_sudo::Error::<Runtime>::RequireSudo
					);
				}
				// A parameters referendum cannot reach upgrades or emergency actions.
				for call in calls_only_governance_may_make().into_iter().filter(|c| {
					matches!(
						c,
						RuntimeCall::System(_)
							| RuntimeCall::Span(
								pallet_bttc_span::Call::force_finality_recovery { .. }
							)
					)
				}) {
					let origin: RuntimeOrigin = GovernanceOrigin::ParameterAdmin.into();
					assert_eq!(
						call.clone().dispatch(origin).map_err(|e| e.error),
						Err(DispatchError::BadOrigin),
						"{preset}: {call:?}"
					);
				}
				let origin: RuntimeOrigin = GovernanceOrigin::ParameterAdmin.into();
				assert_ok!(pallet_bttc_attestation::Pallet::<Runtime>::set_report_ttl(origin, 600));
			});
		}
	}

	#[test]
	fn tracks_are_sorted_and_each_origin_has_its_own() {
		build("testnet").execute_with(|| {
			assert_ok!(tracks::TracksInfo::check_integrity());
			use frame_support::traits::OriginTrait;
			let track = |origin: RuntimeOrigin| tracks::TracksInfo::track_for(origin.caller());
			assert_eq!(track(RuntimeOrigin::root()), Ok(tracks::ROOT));
			assert_eq!(track(GovernanceOrigin::EmergencyAdmin.into()), Ok(tracks::EMERGENCY));
			assert_eq!(track(GovernanceOrigin::ParameterAdmin.into()), Ok(tracks::PARAMETERS));
			assert_eq!(track(RuntimeOrigin::signed(Sr25519Keyring::Bob.into())), Err(()));
			// Live periods; the emergency track asks more than the others at every moment.
			let root = tracks::TracksInfo::info(tracks::ROOT).unwrap();
			let emergency = tracks::TracksInfo::info(tracks::EMERGENCY).unwrap();
			assert_eq!(root.decision_period, 14 * governance::DAYS);
			for step in 0..=10u32 {
				let t = sp_runtime::Perbill::from_percent(step * 10);
				assert!(emergency.min_approval.threshold(t) >= root.min_approval.threshold(t));
				assert!(emergency.min_support.threshold(t) >= root.min_support.threshold(t));
			}
			assert!(
				emergency.min_approval.threshold(sp_runtime::Perbill::one())
					>= sp_runtime::Perbill::from_percent(75)
			);
		});
		build("local").execute_with(|| {
			let root = tracks::TracksInfo::info(tracks::ROOT).unwrap();
			assert_eq!(root.decision_period, 100);
		});
	}

	/// Advances to block `n`, running the scheduler (which drives referenda and enacts them).
	fn run_to(n: BlockNumber) {
		while System::block_number() < n {
			let next = System::block_number() + 1;
			System::set_block_number(next);
			Scheduler::on_initialize(next);
		}
	}

	#[test]
	fn a_parameters_referendum_passes_by_votes_and_enacts_its_call() {
		build("local").execute_with(|| {
			System::set_block_number(1);
			let proposer: AccountId = Sr25519Keyring::Alice.into();
			let call = RuntimeCall::Attestation(pallet_bttc_attestation::Call::set_report_ttl {
				blocks: 777,
			});
			let proposal: Bounded<RuntimeCall, <Runtime as frame_system::Config>::Hashing> =
				<Preimage as StorePreimage>::bound(call).unwrap();
			assert!(matches!(proposal, Bounded::Inline(_)));
			assert_ok!(Referenda::submit(
				RuntimeOrigin::signed(proposer.clone()),
				Box::new(GovernanceOrigin::ParameterAdmin.into()),
				proposal,
				DispatchTime::After(1),
			));
			assert_ok!(Referenda::place_decision_deposit(RuntimeOrigin::signed(proposer), 0));
			// Without votes nothing passes.
			run_to(20);
			assert_ne!(pallet_bttc_attestation::ReportTtl::<Runtime>::get(), 777);
			for voter in Sr25519Keyring::iter() {
				assert_ok!(ConvictionVoting::vote(
					RuntimeOrigin::signed(voter.into()),
					0,
					pallet_conviction_voting::AccountVote::Standard {
						vote: pallet_conviction_voting::Vote {
							aye: true,
							conviction: pallet_conviction_voting::Conviction::Locked1x,
						},
						balance: 900_000 * BTT,
					},
				));
			}
			run_to(30);
			assert_eq!(pallet_bttc_attestation::ReportTtl::<Runtime>::get(), 777);
			assert!(matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(0),
				Some(pallet_referenda::ReferendumInfo::Approved(..))
			));
		});
	}
}

/// Right after a code change, runtime APIs see the state the old code left: the new code's
/// migrations run only at the start of the next block.
mod upgrade {
	use super::presets::build;
	use super::*;
	use bttc_primitives::{span::runtime_decl_for_span_api::SpanApiV1, staking::RootValidatorId};
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	use pallet_bttc_span::migrations::v1::v0;
	use sp_consensus_aura::sr25519::AuthorityId as AuraId;

	#[test]
	fn the_span_api_answers_from_migrated_storage_right_after_a_code_change() {
		build("local").execute_with(|| {
			System::set_block_number(5);
			// The state release 102 left: spans in layout 0, the pallet at version 0.
			for span in pallet_bttc_span::Spans::<Runtime>::iter_values().collect::<Vec<_>>() {
				v0::Spans::<Runtime>::insert(span.id, v0::StoredSpanOf::<Runtime>::from(&span));
			}
			StorageVersion::new(0).put::<Span>();
			frame_system::LastRuntimeUpgrade::<Runtime>::put(
				frame_system::LastRuntimeUpgradeInfo::from(sp_version::RuntimeVersion {
					spec_version: 102,
					..VERSION
				}),
			);
			// The new code cannot read the old layout...
			assert!(Span::expected_authors(6).is_none());
			// ...but its API migrates first and answers.
			let authors =
				<Runtime as SpanApiV1<Block, RootValidatorId, AuraId>>::expected_authors(6)
					.expect("the API answers after a code change");
			assert!(!authors.authors.is_empty());
			assert_eq!(Span::on_chain_storage_version(), StorageVersion::new(1));
		});
	}
}

mod native_btt {
	use super::presets::build;
	use crate::{
		configs::bridge::{deposit_call_data, EvmChildTokens, NATIVE_BTT},
		genesis_config_presets::NATIVE_BTT_RESERVE,
		*,
	};
	use bttc_primitives::traits::ChildTokens;
	use pallet_revive::{ExecConfig, TransactionLimits};
	use sp_core::{H160, U256};
	use sp_keyring::Sr25519Keyring;

	fn evm_balance(address: &H160) -> U256 {
		pallet_revive::Pallet::<Runtime>::evm_balance(address)
	}

	fn amount(btt: u128) -> Vec<u8> {
		U256::from(btt * BTT).to_big_endian().to_vec()
	}

	#[test]
	fn the_genesis_places_the_contract_with_its_reserve() {
		for preset in ["dev", "local", "testnet"] {
			build(preset).execute_with(|| {
				assert!(
					pallet_revive::AccountInfo::<Runtime>::is_contract(&NATIVE_BTT),
					"{preset}"
				);
				assert_eq!(evm_balance(&NATIVE_BTT), U256::from(NATIVE_BTT_RESERVE), "{preset}");
			});
		}
	}

	#[test]
	fn a_deposit_pays_native_btt_out_of_the_reserve() {
		build("local").execute_with(|| {
			System::set_block_number(1);
			let user = H160::repeat_byte(0x42);
			assert!(evm_balance(&user).is_zero());
			assert!(EvmChildTokens::deposit(NATIVE_BTT, user, &amount(100)).is_ok());
			assert_eq!(evm_balance(&user), U256::from(100 * BTT));
			assert_eq!(evm_balance(&NATIVE_BTT), U256::from(NATIVE_BTT_RESERVE - 100 * BTT));
			// Beyond the reserve: refused, nothing moves.
			assert!(EvmChildTokens::deposit(NATIVE_BTT, user, &amount(2_000_000_000)).is_err());
			assert_eq!(evm_balance(&user), U256::from(100 * BTT));
		});
	}

	#[test]
	fn governance_support_is_measured_without_the_reserve_and_follows_it() {
		use frame_support::traits::{tokens::currency::ActiveIssuanceOf, Get};
		build("local").execute_with(|| {
			System::set_block_number(1);
			let active = ActiveIssuanceOf::<Balances, AccountId>::get();
			// The contract's account holds the reserve and its existential deposit.
			let reserve = NATIVE_BTT_RESERVE + EXISTENTIAL_DEPOSIT;
			assert_eq!(governance::VotingIssuance::get(), active - reserve);
			assert!(EvmChildTokens::deposit(NATIVE_BTT, H160::repeat_byte(7), &amount(100)).is_ok());
			assert_eq!(governance::VotingIssuance::get(), active - reserve + 100 * BTT);
		});
	}

	#[test]
	fn only_the_depositor_pays_deposits() {
		build("local").execute_with(|| {
			System::set_block_number(1);
			let user = H160::repeat_byte(0x42);
			let result = Revive::bare_call(
				RuntimeOrigin::signed(Sr25519Keyring::Alice.into()),
				NATIVE_BTT,
				U256::zero(),
				TransactionLimits::WeightAndDeposit {
					weight_limit: EvmChildTokens::max_deposit_weight(),
					deposit_limit: BTT,
				},
				deposit_call_data(user, &amount(100)),
				&ExecConfig::new_substrate_tx_without_bump(),
			);
			assert!(result.result.expect("the call ran").did_revert());
			assert!(evm_balance(&user).is_zero());
		});
	}
}
