//! Genesis presets: the starting state of the `dev`, `local` and `testnet` chains.
//!
//! Chain specs are generated from these presets (`scripts/generate-chain-specs.sh`), so this
//! file is the one place a chain's initial validators, balances and sudo key are defined.

use crate::{AccountId, Balance, RuntimeGenesisConfig, SessionKeys, BTT};
use alloc::{vec, vec::Vec};
use bttc_primitives::span::SpanParams;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// One validator: 1 validator, Alice, with sudo. For a single developer.
pub const DEV_PRESET: &str = "dev";
/// Four validators on loopback (Alice, Bob, Charlie, Dave), with sudo. For local networks.
pub const LOCAL_PRESET: &str = "local";
/// Four validators and no sudo key: upgrades only through governance.
pub const TESTNET_PRESET: &str = "testnet";

/// Balance given to each prefunded development account.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * BTT;
/// Balance given to each testnet validator account.
pub const TESTNET_ENDOWMENT: Balance = 10_000 * BTT;

/// A genesis validator: its account and the keys its node signs with.
pub struct GenesisValidator {
	/// Account the validator is paid to and signs transactions with.
	pub account: AccountId,
	/// Block-authoring key.
	pub aura: AuraId,
	/// GRANDPA finality key.
	pub grandpa: GrandpaId,
}

impl GenesisValidator {
	/// The well-known development validator for `keyring` (`//Alice`, `//Bob`, ...).
	pub fn dev(keyring: Sr25519Keyring) -> Self {
		Self {
			account: keyring.to_account_id(),
			aura: keyring.public().into(),
			grandpa: ed25519_twin(keyring),
		}
	}

	/// The session keys of this validator, as `author_insertKey`/`session` see them.
	pub fn session_keys(&self) -> SessionKeys {
		SessionKeys { aura: self.aura.clone(), grandpa: self.grandpa.clone() }
	}
}

/// The ed25519 key derived from the same dev seed as `keyring` (`//Alice` → ed25519 `//Alice`).
fn ed25519_twin(keyring: Sr25519Keyring) -> GrandpaId {
	let twin = match keyring {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		Sr25519Keyring::Ferdie => Ed25519Keyring::Ferdie,
		Sr25519Keyring::AliceStash => Ed25519Keyring::AliceStash,
		Sr25519Keyring::BobStash => Ed25519Keyring::BobStash,
		Sr25519Keyring::CharlieStash => Ed25519Keyring::CharlieStash,
		Sr25519Keyring::DaveStash => Ed25519Keyring::DaveStash,
		Sr25519Keyring::EveStash => Ed25519Keyring::EveStash,
		Sr25519Keyring::FerdieStash => Ed25519Keyring::FerdieStash,
		Sr25519Keyring::One => Ed25519Keyring::One,
		Sr25519Keyring::Two => Ed25519Keyring::Two,
	};
	twin.public().into()
}

/// Span parameters of development chains: short enough that several spans pass in a test
/// (sprint 8 s, first span 32 s, later spans 64 s at 2 s blocks).
pub const DEV_SPAN_PARAMS: SpanParams = SpanParams {
	span_length: 32,
	sprint_length: 4,
	producer_count: 3,
	first_span_length: 16,
	producer_delay_ms: 2_000,
	backup_multiplier_ms: 2_000,
};

/// Builds the genesis JSON patch for a chain.
fn genesis(
	validators: Vec<GenesisValidator>,
	endowed: Vec<(AccountId, Balance)>,
	sudo: Option<AccountId>,
	span: SpanParams,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances: endowed },
		aura: pallet_aura::GenesisConfig {
			authorities: validators.iter().map(|v| v.aura.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			// Equal weights until stake-weighted finality arrives with the staking pallet.
			authorities: validators.iter().map(|v| (v.grandpa.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: pallet_sudo::GenesisConfig { key: sudo },
		span: pallet_bttc_span::GenesisConfig { params: span },
	})
}

/// Every well-known development account, each with [`DEV_ENDOWMENT`].
fn dev_endowments() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::iter().map(|k| (k.to_account_id(), DEV_ENDOWMENT)).collect()
}

fn dev_genesis() -> Value {
	genesis(
		vec![GenesisValidator::dev(Sr25519Keyring::Alice)],
		dev_endowments(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_SPAN_PARAMS,
	)
}

/// The four validators of the `local` and `testnet` presets.
pub fn local_validators() -> Vec<GenesisValidator> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
		.into_iter()
		.map(GenesisValidator::dev)
		.collect()
}

fn local_genesis() -> Value {
	genesis(
		local_validators(),
		dev_endowments(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_SPAN_PARAMS,
	)
}

fn testnet_genesis() -> Value {
	let validators = local_validators();
	let endowed = validators.iter().map(|v| (v.account.clone(), TESTNET_ENDOWMENT)).collect();
	genesis(validators, endowed, None, SpanParams::BTTC)
}

/// The genesis patch of the preset `id`, serialised; `None` for an unknown preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_PRESET => dev_genesis(),
		LOCAL_PRESET => local_genesis(),
		TESTNET_PRESET => testnet_genesis(),
		_ => return None,
	};
	// Serialising a `Value` cannot fail; `ok()` keeps the runtime free of panics anyway.
	serde_json::to_vec(&patch).ok()
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_PRESET), PresetId::from(LOCAL_PRESET), PresetId::from(TESTNET_PRESET)]
}
