//! `bttc-node generate-validator-keys`: every key a validator needs, made on the validator's own
//! machine. The session keys (Aura, GRANDPA, `bttc`) go straight into the node's keystore, the
//! root-chain signer's secret key into a private file; only public keys are printed: the entry
//! for a chain spec's validator file and what to stake with on the root chain.

use crate::chain_spec;
use sc_cli::{KeystoreParams, SharedParams};
use sc_service::config::{BasePath, KeystoreConfig};
use sp_core::{crypto::Ss58Codec, ecdsa, Pair};
use sp_keystore::{Keystore, KeystorePtr};
use std::{io::Write, path::PathBuf};

/// Generates a validator's session keys into the node's keystore and its root-chain signer key
/// into a file, and prints (JSON, on stdout) the public keys for the chain spec and the root
/// chain. Private keys are never printed.
#[derive(Debug, clap::Parser)]
pub struct GenerateValidatorKeysCmd {
	/// The validator's sidechain account (SS58 or 0x + 64 hex digits), endowed at genesis. It
	/// is the operator's own wallet: its key never enters the node.
	#[arg(long)]
	pub account: String,

	/// The validator's name in the validator file.
	#[arg(long, default_value = "validator")]
	pub name: String,

	/// The stake in wei of BTT that the validator stakes on the root chain.
	#[arg(long, default_value = "10000000000000000000000")]
	pub stake: String,

	/// File to create with the root-chain signer's secret key (0x + 64 hex digits, readable by
	/// its owner only); the node reads it with `--root-signer-key`. An existing file is never
	/// overwritten.
	#[arg(long, value_name = "FILE")]
	pub root_signer_key: PathBuf,

	#[allow(missing_docs)]
	#[clap(flatten)]
	pub shared_params: SharedParams,

	#[allow(missing_docs)]
	#[clap(flatten)]
	pub keystore_params: KeystoreParams,
}

fn input_error(reason: String) -> sc_cli::Error {
	sc_cli::Error::Input(reason)
}

impl GenerateValidatorKeysCmd {
	/// Generates the keys and prints the validator's public entry.
	pub fn run(&self) -> sc_cli::Result<()> {
		let account = parse_account(&self.account)?;
		let stake: u128 = self.stake.parse().ok().filter(|stake| *stake > 0).ok_or_else(|| {
			input_error(format!("--stake {}: expected a positive amount in wei", self.stake))
		})?;
		if self.root_signer_key.exists() {
			return Err(input_error(format!(
				"--root-signer-key {}: the file exists; a signer key is never overwritten \
				 (move it away or name another file)",
				self.root_signer_key.display()
			)));
		}

		let keystore = self.open_keystore()?;
		let fail =
			|what: &str| input_error(format!("could not store the {what} key in the keystore"));
		let aura = keystore
			.sr25519_generate_new(sp_core::crypto::key_types::AURA, None)
			.map_err(|_| fail("Aura"))?;
		let grandpa = keystore
			.ed25519_generate_new(sp_core::crypto::key_types::GRANDPA, None)
			.map_err(|_| fail("GRANDPA"))?;
		let bttc = keystore
			.sr25519_generate_new(bttc_primitives::attestation::KEY_TYPE, None)
			.map_err(|_| fail("bttc"))?;

		let (signer, _) = ecdsa::Pair::generate();
		let signer_pubkey = bttc_duties::binding::uncompressed(&signer)
			.ok_or_else(|| input_error("the generated signer key has no public key".into()))?;
		write_private(&self.root_signer_key, &format!("{}\n", hex(&signer.seed())))?;
		let signer_address = bttc_primitives::staking::signer_address(&signer_pubkey);
		let signer_pubkey = hex(&signer_pubkey);

		let entry = serde_json::json!({
			"name": self.name,
			"account": hex(account.as_ref()),
			"signerPubkey": signer_pubkey,
			"stake": stake.to_string(),
			"sessionKeys": {
				"aura": hex(&aura.0),
				"grandpa": hex(&grandpa.0),
				"bttc": hex(&bttc.0),
			},
		});
		let out = serde_json::json!({
			"validatorFileEntry": entry,
			"rootChain": {
				"signer": format!("{signer_address:?}"),
				"signerPubkey": signer_pubkey,
				"stake": stake.to_string(),
				"howTo": "from the validator's owner account on the stake chain: approve the \
					stake token for StakeManager, then stakeFor(owner, stake, 0, true, signerPubkey)",
			},
			"rootSignerKeyFile": self.root_signer_key.display().to_string(),
		});
		let out = serde_json::to_string_pretty(&out)
			.map_err(|e| input_error(format!("could not print the keys: {e}")))?;
		println!("{out}");
		Ok(())
	}

	fn open_keystore(&self) -> sc_cli::Result<KeystorePtr> {
		let base_path = self.shared_params.base_path()?.unwrap_or_else(|| {
			BasePath::from_project(
				"",
				"",
				&<crate::cli::Cli as sc_cli::SubstrateCli>::executable_name(),
			)
		});
		let chain_id = self.shared_params.chain_id(self.shared_params.is_dev());
		let chain_spec = chain_spec::load(&chain_id).map_err(input_error)?;
		let config_dir = base_path.config_dir(chain_spec.id());
		match self.keystore_params.keystore_config(&config_dir)? {
			KeystoreConfig::Path { path, password } => {
				Ok(sc_keystore::LocalKeystore::open(path, password)?.into())
			}
			KeystoreConfig::InMemory => Err(input_error(
				"an in-memory keystore would lose the keys: use a keystore path".into(),
			)),
		}
	}
}

/// An account given as SS58 or as 0x + 64 hex digits.
fn parse_account(text: &str) -> sc_cli::Result<sp_runtime::AccountId32> {
	if let Some(digits) = text.strip_prefix("0x") {
		let bytes = sp_core::bytes::from_hex(digits).ok().filter(|b| b.len() == 32);
		let bytes: [u8; 32] = bytes.and_then(|b| b.try_into().ok()).ok_or_else(|| {
			input_error(format!("--account {text}: expected 0x followed by 64 hex digits"))
		})?;
		return Ok(bytes.into());
	}
	sp_runtime::AccountId32::from_ss58check(text)
		.map_err(|e| input_error(format!("--account {text}: not an SS58 address ({e:?})")))
}

/// `0x` + lowercase hex digits.
fn hex(bytes: &[u8]) -> String {
	sp_core::bytes::to_hex(bytes, false)
}

/// Creates `path` readable by its owner only and writes `text`; fails if it exists.
fn write_private(path: &std::path::Path, text: &str) -> sc_cli::Result<()> {
	let mut options = std::fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
	let mut file = options.open(path).map_err(|e| {
		input_error(format!("--root-signer-key {}: cannot create it: {e}", path.display()))
	})?;
	file.write_all(text.as_bytes())
		.and_then(|_| file.sync_all())
		.map_err(|e| input_error(format!("--root-signer-key {}: {e}", path.display())))
}

/// Writes the chain spec of a new live chain to stdout: the runtime's live genesis (no sudo
/// key, BTTC's span and checkpoint parameters) with the validators of an operators' file of
/// public keys (entries as `generate-validator-keys` prints them).
#[derive(Debug, clap::Parser)]
pub struct LiveSpecCmd {
	/// The validators' file: `{"validators": [<validatorFileEntry>, ...]}`.
	#[arg(long, value_name = "FILE")]
	pub validators: PathBuf,

	/// The chain's name.
	#[arg(long)]
	pub name: String,

	/// The chain's id (also its network protocol id), e.g. `bttc_mychain`.
	#[arg(long)]
	pub id: String,

	/// The chain's EIP-155 id; it must differ from every other network's.
	#[arg(long)]
	pub evm_chain_id: u64,

	/// Write the raw spec (genesis storage as key/value pairs).
	#[arg(long)]
	pub raw: bool,
}

impl LiveSpecCmd {
	/// Builds the spec and prints it.
	pub fn run(&self) -> sc_cli::Result<()> {
		let text = std::fs::read_to_string(&self.validators)
			.map_err(|e| input_error(format!("--validators {}: {e}", self.validators.display())))?;
		let spec = chain_spec::live(&self.name, &self.id, &text, self.evm_chain_id)
			.map_err(|e| input_error(format!("--validators {}: {e}", self.validators.display())))?;
		let json = sc_service::ChainSpec::as_json(&spec, self.raw).map_err(input_error)?;
		println!("{json}");
		Ok(())
	}
}
