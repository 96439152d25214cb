//! Staking events mirrored from the root chain's `StakeManager`, and the message a validator
//! signs with its root-chain signer key to bind its sidechain session keys.
//!
//! Shared by the node (the root-chain listener decodes logs into [`StakingEvent`]; a
//! validator's node signs [`session_keys_binding_digest`]) and the runtime (the bridge
//! attests [`StakingEvent`]s, the staking pallet applies them and checks bindings).

use crate::RootChainId;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H160;

/// Validator id in `StakeManager` (a `uint256` there, assigned from 1 upward).
pub type RootValidatorId = u64;
/// Amount of the staking token (BTT, 18 decimals) as `uint256` on the root chain; `u128`
/// holds up to 3.4 · 10^20 BTT, far above BTT's supply.
pub type TokenAmount = u128;
/// A validator's secp256k1 public key, uncompressed without the `0x04` prefix (64 bytes),
/// as `StakeManager` stores `signerPubkey`.
pub type SignerPubkey = [u8; 64];
/// Per-validator event counter of `StakeManager`; grows by exactly one per mirrored event.
pub type StakeNonce = u64;

/// A `StakeManager` event the sidechain mirrors. Every variant carries the validator's nonce
/// after the event, so the sidechain applies each validator's events strictly in order.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum StakingEvent {
	/// `Staked(signer, validatorId, nonce, activationEpoch, amount, total, signerPubkey)`: a new
	/// validator with self-stake `amount` (nonce 1).
	Staked {
		validator_id: RootValidatorId,
		signer: H160,
		nonce: StakeNonce,
		activation_epoch: u64,
		amount: TokenAmount,
		signer_pubkey: SignerPubkey,
	},
	/// `Restaked(validatorId, nonce, amount, newPower, total)`: self-stake grew; `new_power`
	/// is self + delegated stake afterwards.
	Restaked { validator_id: RootValidatorId, nonce: StakeNonce, new_power: TokenAmount },
	/// `StakeUpdate(validatorId, nonce, newAmount)`: delegation changed the validator's power
	/// (self + delegated stake) to `new_power`.
	StakeUpdate { validator_id: RootValidatorId, nonce: StakeNonce, new_power: TokenAmount },
	/// `SignerChange(validatorId, nonce, oldSigner, newSigner, signerPubkey)`.
	SignerChange {
		validator_id: RootValidatorId,
		nonce: StakeNonce,
		new_signer: H160,
		signer_pubkey: SignerPubkey,
	},
	/// `UnstakeInit(user, validatorId, nonce, deactivationEpoch, amount)`: the validator leaves
	/// the active set.
	UnstakeInit { validator_id: RootValidatorId, nonce: StakeNonce, deactivation_epoch: u64 },
	/// `Unstaked(user, validatorId, nonce, amount, total)`: the stake was withdrawn; the
	/// validator is gone and its signer may be used again.
	Unstaked { validator_id: RootValidatorId, nonce: StakeNonce },
}

impl StakingEvent {
	/// The validator the event is about.
	pub fn validator_id(&self) -> RootValidatorId {
		match self {
			Self::Staked { validator_id, .. }
			| Self::Restaked { validator_id, .. }
			| Self::StakeUpdate { validator_id, .. }
			| Self::SignerChange { validator_id, .. }
			| Self::UnstakeInit { validator_id, .. }
			| Self::Unstaked { validator_id, .. } => *validator_id,
		}
	}

	/// The event's name in `StakeManager`.
	pub fn name(&self) -> &'static str {
		match self {
			Self::Staked { .. } => "Staked",
			Self::Restaked { .. } => "Restaked",
			Self::StakeUpdate { .. } => "StakeUpdate",
			Self::SignerChange { .. } => "SignerChange",
			Self::UnstakeInit { .. } => "UnstakeInit",
			Self::Unstaked { .. } => "Unstaked",
		}
	}

	/// The validator's nonce after the event.
	pub fn nonce(&self) -> StakeNonce {
		match self {
			Self::Staked { nonce, .. }
			| Self::Restaked { nonce, .. }
			| Self::StakeUpdate { nonce, .. }
			| Self::SignerChange { nonce, .. }
			| Self::UnstakeInit { nonce, .. }
			| Self::Unstaked { nonce, .. } => *nonce,
		}
	}
}

/// The Ethereum address of a secp256k1 public key: the last 20 bytes of its keccak-256.
pub fn signer_address(pubkey: &SignerPubkey) -> H160 {
	let hash = sp_crypto_hashing::keccak_256(pubkey);
	H160::from_slice(&hash[12..])
}

/// Domain of [`session_keys_binding_digest`].
pub const SESSION_KEYS_BINDING_DOMAIN: &[u8] = b"BTTC/staking/bind-keys/v1";

/// What a validator's signer key signs (secp256k1, recoverable) to bind `session_keys`
/// (the SCALE encoding of the runtime's session keys) to validator `validator_id` on the
/// chain with `genesis_hash`: `keccak256(domain ‖ genesis_hash ‖ chain ‖ validator_id (u64
/// LE) ‖ binding_nonce (u64 LE) ‖ session_keys)`. `binding_nonce` is the number of bindings
/// the validator made before, so an old signature cannot be replayed.
pub fn session_keys_binding_digest(
	genesis_hash: &[u8; 32],
	stake_chain: RootChainId,
	validator_id: RootValidatorId,
	binding_nonce: u64,
	session_keys: &[u8],
) -> [u8; 32] {
	let mut message =
		Vec::with_capacity(SESSION_KEYS_BINDING_DOMAIN.len() + 32 + 1 + 16 + session_keys.len());
	message.extend_from_slice(SESSION_KEYS_BINDING_DOMAIN);
	message.extend_from_slice(genesis_hash);
	message.extend_from_slice(&stake_chain.encode());
	message.extend_from_slice(&validator_id.to_le_bytes());
	message.extend_from_slice(&binding_nonce.to_le_bytes());
	message.extend_from_slice(session_keys);
	sp_crypto_hashing::keccak_256(&message)
}

/// Domain of [`key_ownership_message`].
pub const KEY_OWNERSHIP_DOMAIN: &[u8] = b"BTTC/staking/key-ownership/v1";

/// What each session key (Aura, GRANDPA, attestation) signs to prove that the binding
/// validator holds it: `KEY_OWNERSHIP_DOMAIN ‖ binding_digest`, where `binding_digest` is the
/// [`session_keys_binding_digest`] of the binding. The domain keeps the message apart from
/// anything else these keys sign (block hashes, finality votes, reports).
pub fn key_ownership_message(binding_digest: &[u8; 32]) -> Vec<u8> {
	let mut message = Vec::with_capacity(KEY_OWNERSHIP_DOMAIN.len() + 32);
	message.extend_from_slice(KEY_OWNERSHIP_DOMAIN);
	message.extend_from_slice(binding_digest);
	message
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;

	use sp_core::Pair as _;

	#[test]
	fn signer_address_matches_ethereum() {
		// Anvil's first dev account: private key 0xac09…ff80, address 0xf39F…2266.
		let secret = sp_core::bytes::from_hex(
			"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
		)
		.unwrap();
		let pair = sp_core::ecdsa::Pair::from_seed_slice(&secret).unwrap();
		let public = libsecp_uncompressed(&pair);
		assert_eq!(
			signer_address(&public),
			H160::from_slice(
				&sp_core::bytes::from_hex("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266").unwrap()
			)
		);
	}

	fn libsecp_uncompressed(pair: &sp_core::ecdsa::Pair) -> SignerPubkey {
		// Recover the uncompressed key through a signature, as the pallet does.
		let digest = [7u8; 32];
		let signature = pair.sign_prehashed(&digest);
		sp_io::crypto::secp256k1_ecdsa_recover(&signature.0, &digest).ok().unwrap()
	}

	#[test]
	fn binding_digest_covers_every_field() {
		let base = session_keys_binding_digest(&[1; 32], RootChainId::Tron, 5, 0, b"keys");
		assert_ne!(base, session_keys_binding_digest(&[2; 32], RootChainId::Tron, 5, 0, b"keys"));
		assert_ne!(
			base,
			session_keys_binding_digest(&[1; 32], RootChainId::Ethereum, 5, 0, b"keys")
		);
		assert_ne!(base, session_keys_binding_digest(&[1; 32], RootChainId::Tron, 6, 0, b"keys"));
		assert_ne!(base, session_keys_binding_digest(&[1; 32], RootChainId::Tron, 5, 1, b"keys"));
		assert_ne!(base, session_keys_binding_digest(&[1; 32], RootChainId::Tron, 5, 0, b"keyz"));
	}
}

/// What the chain knows of the validator registered under a root-chain signer.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct SignerRegistration {
	/// Its validator id.
	pub validator_id: RootValidatorId,
	/// Bindings it made so far: the `binding_nonce` of its next [`session_keys_binding_digest`].
	pub binding_nonce: u64,
	/// SCALE encoding of its bound session keys, if any.
	pub session_keys: Option<Vec<u8>>,
	/// Whether it is in the active set (staked, not unstaking, not jailed, keys bound).
	pub active: bool,
}

sp_api::decl_runtime_apis! {
	/// The mirrored validator set, for the node's validator duties and tools.
	pub trait StakingApi {
		/// Root chain whose `StakeManager` the set mirrors.
		fn stake_chain() -> RootChainId;
		/// The validator registered under root-chain signer `signer`.
		fn registration_of(signer: H160) -> Option<SignerRegistration>;
		/// Active validators and their power (self + delegated stake), by id.
		fn active_validators() -> Vec<(RootValidatorId, TokenAmount)>;
	}
}
