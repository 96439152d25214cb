//! Genesis presets: the starting state of the `dev`, `local` and `testnet` chains.
//!
//! Chain specs are generated from these presets (`scripts/generate-chain-specs.sh`). The
//! validators of `dev` and `local` come from `scripts/validators.dev.json`, the file
//! `scripts/deploy-contracts.sh` stakes on the root chain: one source for both sides of the
//! validator set. `testnet` takes only public keys, from the operators' file
//! `chain-specs/testnet-validators.json` (written by `bttc-node generate-validator-keys`):
//! no development key and no private key is part of it.

use crate::{
	configs::StakingSessionKeys, AccountId, Balance, BlockNumber, RuntimeGenesisConfig, BTT,
};
use alloc::{string::String, vec, vec::Vec};
use bttc_primitives::{
	span::SpanParams,
	staking::{RootValidatorId, SignerPubkey, TokenAmount},
	RootChainId,
};
use frame_support::build_struct_json_patch;
use pallet_bttc_checkpoint::StreamParams;
use serde_json::Value;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// One validator: 1 validator, Alice, with sudo. For a single developer.
pub const DEV_PRESET: &str = "dev";
/// Four validators on loopback (Alice, Bob, Charlie, Dave), no sudo: governed by referenda on
/// short track periods. For local networks.
pub const LOCAL_PRESET: &str = "local";
/// The validators of `chain-specs/testnet-validators.json` and no sudo key.
pub const TESTNET_PRESET: &str = "testnet";

/// Balance given to each prefunded development account.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * BTT;
/// EIP-155 chain id of the `dev` chain (BTTC mainnet is 199).
pub const DEV_EVM_CHAIN_ID: u64 = 19_901;
/// EIP-155 chain id of the `local` chain.
pub const LOCAL_EVM_CHAIN_ID: u64 = 19_902;
/// EIP-155 chain id of the `testnet` chain: BTTC's testnet id, as this chain plays its part.
pub const TESTNET_EVM_CHAIN_ID: u64 = 1029;

/// Foundry's and Hardhat's development accounts (mnemonic `test test test test test test test
/// test test test test junk`, paths m/44'/60'/0'/0/0..9): the keys Ethereum tools know. They
/// are prefunded on `dev` and `local`; their private keys are public, never use them elsewhere.
pub const DEV_ETH_ACCOUNTS: [&str; 10] = [
	"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
	"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
	"0x90F79bf6EB2c4f870365E785982E1f101E93b906",
	"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
	"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
	"0x976EA74026E726554dB657fA54763abd0C3a0aa9",
	"0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
	"0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8F",
	"0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
];

/// Balance given to each testnet validator account.
pub const TESTNET_ENDOWMENT: Balance = 10_000 * BTT;

/// The development validator set shared with the root-chain deployment.
pub const DEV_VALIDATORS_JSON: &str = include_str!("../../scripts/validators.dev.json");

/// The testnet's validators: public keys supplied by their operators.
pub const TESTNET_VALIDATORS_JSON: &str = include_str!("../../chain-specs/testnet-validators.json");

/// A genesis validator: its account, the keys its node signs with, and its stake on the
/// root chain.
pub struct GenesisValidator {
	/// Account the validator is paid to and signs transactions with.
	pub account: AccountId,
	/// Validator id in `StakeManager` (its position in the validator file, from 1).
	pub id: RootValidatorId,
	/// Root-chain signer key.
	pub signer_pubkey: SignerPubkey,
	/// Stake in wei of BTT.
	pub stake: TokenAmount,
	/// Session keys: Aura, GRANDPA and attestation.
	pub keys: StakingSessionKeys,
}

fn keyring_named(name: &str) -> Option<Sr25519Keyring> {
	Sr25519Keyring::iter().find(|k| {
		let debug = alloc::format!("{k:?}");
		debug == name
	})
}

fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
	let digits = text.strip_prefix("0x")?.as_bytes();
	if digits.len() != N * 2 {
		return None;
	}
	let mut out = [0u8; N];
	for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
		let pair = core::str::from_utf8(pair).ok()?;
		*byte = u8::from_str_radix(pair, 16).ok()?;
	}
	Some(out)
}

/// The validators of `scripts/validators.dev.json`, in file order (ids 1, 2, ...). An entry
/// that does not parse ends the list; the preset tests check that all four are read.
pub fn dev_validators() -> Vec<GenesisValidator> {
	let Ok(file) = serde_json::from_str::<Value>(DEV_VALIDATORS_JSON) else { return Vec::new() };
	let Some(entries) = file["validators"].as_array() else { return Vec::new() };
	entries
		.iter()
		.zip(1u64..)
		.map_while(|(entry, id)| {
			let keyring = keyring_named(entry["sessionKeys"].as_str()?)?;
			Some(GenesisValidator {
				account: keyring.to_account_id(),
				id,
				signer_pubkey: hex_array(entry["signerPubkey"].as_str()?)?,
				stake: entry["stake"].as_str()?.parse().ok()?,
				keys: pallet_bttc_staking::SessionKeys {
					aura: keyring.public().into(),
					grandpa: ed25519_twin(keyring),
					attestation: keyring.public().into(),
				},
			})
		})
		.collect()
}

/// Reads a validator file of public keys (the format `bttc-node generate-validator-keys`
/// prints an entry of):
/// `{"validators": [{"name", "account", "signerPubkey", "stake", "sessionKeys": {"aura",
/// "grandpa", "bttc"}}]}`, every key `0x` + hex (account and session keys 32 bytes, the
/// signer's uncompressed secp256k1 key without its `0x04` prefix 64 bytes), the stake a decimal
/// string in wei of BTT. Ids follow the file's order from 1. Refuses an empty list, a repeated
/// key or account, a zero stake and any well-known development key (the dev keyring's seeds and
/// `scripts/validators.dev.json`), whose private keys are public.
pub fn validators_from_json(text: &str) -> Result<Vec<GenesisValidator>, String> {
	use alloc::format;
	let file: Value =
		serde_json::from_str(text).map_err(|e| format!("the validator file is not JSON: {e}"))?;
	let entries = file["validators"]
		.as_array()
		.filter(|entries| !entries.is_empty())
		.ok_or("the validator file needs a non-empty `validators` array")?;
	let dev_keys = well_known_dev_keys();
	let mut seen: Vec<Vec<u8>> = Vec::new();
	let mut validators = Vec::with_capacity(entries.len());
	for (entry, id) in entries.iter().zip(1u64..) {
		let name = entry["name"].as_str().unwrap_or("unnamed");
		let fail = |reason: &str| format!("validator {id} (`{name}`): {reason}");
		let key32 = |value: &Value, field: &str| -> Result<[u8; 32], String> {
			let bytes = value
				.as_str()
				.and_then(hex_array::<32>)
				.ok_or_else(|| fail(&format!("`{field}` must be 0x followed by 64 hex digits")))?;
			if dev_keys.iter().any(|dev| dev[..] == bytes[..]) {
				return Err(fail(&format!(
					"`{field}` is a well-known development key; generate one with \
					 `bttc-node generate-validator-keys`"
				)));
			}
			Ok(bytes)
		};
		let account = key32(&entry["account"], "account")?;
		let keys = &entry["sessionKeys"];
		let aura = key32(&keys["aura"], "sessionKeys.aura")?;
		let grandpa = key32(&keys["grandpa"], "sessionKeys.grandpa")?;
		let bttc = key32(&keys["bttc"], "sessionKeys.bttc")?;
		let signer_pubkey =
			entry["signerPubkey"].as_str().and_then(hex_array::<64>).ok_or_else(|| {
				fail("`signerPubkey` must be 0x followed by 128 hex digits (no 04 prefix)")
			})?;
		if dev_keys.iter().any(|dev| dev[..] == signer_pubkey[..]) {
			return Err(fail("`signerPubkey` is a well-known development key"));
		}
		let stake: TokenAmount = entry["stake"]
			.as_str()
			.and_then(|s| s.parse().ok())
			.filter(|stake| *stake > 0)
			.ok_or_else(|| fail("`stake` must be a positive decimal string in wei"))?;
		for key in [&account[..], &aura[..], &grandpa[..], &bttc[..], &signer_pubkey[..]] {
			if seen.iter().any(|other| other[..] == key[..]) {
				return Err(fail("a key or account repeats one of an earlier entry"));
			}
			seen.push(key.to_vec());
		}
		validators.push(GenesisValidator {
			account: AccountId::from(account),
			id,
			signer_pubkey,
			stake,
			keys: pallet_bttc_staking::SessionKeys {
				aura: sp_core::sr25519::Public::from_raw(aura).into(),
				grandpa: sp_core::ed25519::Public::from_raw(grandpa).into(),
				attestation: sp_core::sr25519::Public::from_raw(bttc).into(),
			},
		});
	}
	Ok(validators)
}

/// Public keys whose private keys everyone knows: the dev keyring's sr25519 and ed25519 seeds
/// (`//Alice` ...) and the signer keys of `scripts/validators.dev.json`.
pub fn well_known_dev_keys() -> Vec<Vec<u8>> {
	let mut keys: Vec<Vec<u8>> = Sr25519Keyring::iter()
		.map(|k| k.public().0.to_vec())
		.chain(Ed25519Keyring::iter().map(|k| k.public().0.to_vec()))
		.collect();
	if let Ok(file) = serde_json::from_str::<Value>(DEV_VALIDATORS_JSON) {
		for entry in file["validators"].as_array().into_iter().flatten() {
			if let Some(key) = entry["signerPubkey"].as_str().and_then(hex_array::<64>) {
				keys.push(key.to_vec());
			}
		}
	}
	keys
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

/// Report TTL of development chains: 15 blocks (30 s), so a test sees reports expire and
/// come again; other chains use the runtime's default (300 blocks, 10 min).
pub const DEV_REPORT_TTL: BlockNumber = 15;

/// Checkpoint streams of development chains (one per root chain): a checkpoint as soon as 6
/// blocks wait (12 s), at most 32 blocks, a no-ack after 20 blocks (40 s). Other chains use
/// BTTC's (`StreamParams::BTTC`: 256 / 1,024 blocks, buffer 1,000 s).
pub const DEV_CHECKPOINTS: StreamParams = StreamParams {
	first_block: 1,
	buffer_blocks: 20,
	min_length: 2,
	avg_length: 6,
	max_length: 32,
};

/// Balance of the bridge's depositor at genesis, for the storage deposits of new token holders
/// (0.00002 BTT per new holder of a child token).
pub const DEPOSITOR_ENDOWMENT: Balance = 1_000 * bttc_primitives::currency::BTT;

/// Native BTT the bridge contract at [`crate::configs::bridge::NATIVE_BTT`] holds at genesis:
/// what deposits of root-chain BTT pay out (1,000,000,000 BTT). It stands for root-chain BTT
/// not yet bridged; withdrawals pay back into it and governance may add to it by sending BTT to
/// the contract.
pub const NATIVE_BTT_RESERVE: Balance = 1_000_000_000 * bttc_primitives::currency::BTT;

/// Builds the genesis JSON patch for a chain.
fn genesis(
	validators: Vec<GenesisValidator>,
	endowed: Vec<(AccountId, Balance)>,
	sudo: Option<AccountId>,
	span: SpanParams,
	evm_chain_id: u64,
	report_ttl: Option<BlockNumber>,
	checkpoints: StreamParams,
	fast_tracks: bool,
) -> Value {
	// The bridge's depositor pays the storage deposits of new token holders.
	let mut endowed = endowed;
	endowed.push((crate::configs::bridge::depositor_account(), DEPOSITOR_ENDOWMENT));
	let stakes: Vec<(GrandpaId, TokenAmount)> =
		validators.iter().map(|v| (v.keys.grandpa.clone(), v.stake)).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances: endowed },
		// Aura only keeps the slot clock; the span schedule says who authors.
		aura: pallet_aura::GenesisConfig {
			authorities: validators.iter().map(|v| v.keys.aura.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: crate::configs::finality::stake_weighted(&stakes),
		},
		sudo: pallet_sudo::GenesisConfig { key: sudo },
		origins: crate::governance::origins::GenesisConfig { fast_tracks },
		staking: pallet_bttc_staking::GenesisConfig {
			validators: validators
				.iter()
				.map(|v| pallet_bttc_staking::GenesisValidator {
					id: v.id,
					signer_pubkey: v.signer_pubkey,
					power: v.stake,
					// `Staked` (nonce 1) is reflected in this entry.
					nonce: 1,
					keys: v.keys.clone(),
				})
				.collect::<Vec<_>>(),
		},
		span: pallet_bttc_span::GenesisConfig { params: span },
		evm_chain_id: pallet_bttc_evm_chain_id::GenesisConfig { chain_id: evm_chain_id },
		attestation: pallet_bttc_attestation::GenesisConfig { report_ttl },
		checkpoint: pallet_bttc_checkpoint::GenesisConfig {
			streams: RootChainId::ALL.iter().map(|chain| (*chain, checkpoints)).collect::<Vec<_>>(),
		},
		// The native BTT bridge contract (BTTC's MRC20): its runtime code and reserve.
		revive: pallet_revive::GenesisConfig {
			accounts: vec![pallet_revive::genesis::Account::<crate::Runtime> {
				address: crate::configs::bridge::NATIVE_BTT,
				balance: sp_core::U256::from(NATIVE_BTT_RESERVE),
				nonce: 0,
				contract_data: Some(pallet_revive::genesis::ContractData {
					code: pallet_revive::evm::Bytes(
						crate::configs::bridge::NATIVE_BTT_CODE.to_vec()
					),
					storage: Default::default(),
				}),
			}],
		},
	})
}

/// The Substrate account an Ethereum address controls (pallet-revive's address mapping).
pub fn eth_account(address: &str) -> Option<AccountId> {
	use pallet_revive::AddressMapper;
	let address = sp_core::H160(hex_array(address)?);
	Some(<crate::Runtime as pallet_revive::Config>::AddressMapper::to_fallback_account_id(&address))
}

/// Every well-known development account, Substrate and Ethereum, each with
/// [`DEV_ENDOWMENT`].
fn dev_endowments() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::iter()
		.map(|k| k.to_account_id())
		.chain(DEV_ETH_ACCOUNTS.iter().filter_map(|address| eth_account(address)))
		.map(|account| (account, DEV_ENDOWMENT))
		.collect()
}

fn dev_genesis() -> Value {
	genesis(
		dev_validators().into_iter().take(1).collect(),
		dev_endowments(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_SPAN_PARAMS,
		DEV_EVM_CHAIN_ID,
		Some(DEV_REPORT_TTL),
		DEV_CHECKPOINTS,
		true,
	)
}

fn local_genesis() -> Value {
	genesis(
		dev_validators(),
		dev_endowments(),
		// Governed like a live chain, on the short track periods.
		None,
		DEV_SPAN_PARAMS,
		LOCAL_EVM_CHAIN_ID,
		Some(DEV_REPORT_TTL),
		DEV_CHECKPOINTS,
		true,
	)
}

/// The genesis patch of a live chain (no sudo key, BTTC's span and checkpoint parameters) with
/// the validators of `validators_json` ([`validators_from_json`]), each endowed with
/// [`TESTNET_ENDOWMENT`] on its account, and EIP-155 chain id `evm_chain_id`.
pub fn live_genesis(validators_json: &str, evm_chain_id: u64) -> Result<Value, String> {
	if evm_chain_id == 0 {
		return Err("the EVM chain id must not be 0".into());
	}
	let validators = validators_from_json(validators_json)?;
	let endowed = validators.iter().map(|v| (v.account.clone(), TESTNET_ENDOWMENT)).collect();
	Ok(genesis(
		validators,
		endowed,
		None,
		SpanParams::BTTC,
		evm_chain_id,
		None,
		StreamParams::BTTC,
		false,
	))
}

/// `None` when the operators' validator file does not parse (the preset tests read it).
fn testnet_genesis() -> Option<Value> {
	live_genesis(TESTNET_VALIDATORS_JSON, TESTNET_EVM_CHAIN_ID).ok()
}

/// The genesis patch of the preset `id`, serialised; `None` for an unknown preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_PRESET => dev_genesis(),
		LOCAL_PRESET => local_genesis(),
		TESTNET_PRESET => testnet_genesis()?,
		_ => return None,
	};
	// Serialising a `Value` cannot fail; `ok()` keeps the runtime free of panics anyway.
	serde_json::to_vec(&patch).ok()
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_PRESET), PresetId::from(LOCAL_PRESET), PresetId::from(TESTNET_PRESET)]
}
