//! Types of the staking pallet: session keys, the validator record, refusal reasons and the
//! genesis entry of a validator (with its serde helpers).

use crate::pallet::Config;
use alloc::string::ToString;
use bttc_primitives::staking::{RootValidatorId, SignerPubkey, StakeNonce, TokenAmount};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use sp_core::H160;
use sp_runtime::RuntimeAppPublic;

/// The sidechain keys of a validator, bound by a signature of its root-chain signer key
/// (`bind_session_keys`). Its SCALE encoding is what the signer signs (see
/// [`bttc_primitives::staking::session_keys_binding_digest`]).
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Serialize,
	Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct SessionKeys<AuraId, FinalityId, AttestationId> {
	/// Block-authoring key (Aura).
	pub aura: AuraId,
	/// Finality key (GRANDPA).
	pub grandpa: FinalityId,
	/// Key signing the validator's reports of root-chain events (attestation).
	pub attestation: AttestationId,
}

/// Proof that the binding validator holds each of its session keys: every key's signature
/// over [`bttc_primitives::staking::key_ownership_message`] of the binding digest.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct KeyOwnershipProofs<AuraSignature, FinalitySignature, AttestationSignature> {
	/// By the Aura key.
	pub aura: AuraSignature,
	/// By the GRANDPA key.
	pub grandpa: FinalitySignature,
	/// By the attestation key.
	pub attestation: AttestationSignature,
}

/// Key-ownership proofs of a runtime.
pub type KeyOwnershipProofsOf<T> = KeyOwnershipProofs<
	<<T as Config>::AuraId as RuntimeAppPublic>::Signature,
	<<T as Config>::FinalityId as RuntimeAppPublic>::Signature,
	<<T as Config>::AttestationId as RuntimeAppPublic>::Signature,
>;

/// Session keys of a runtime.
pub type SessionKeysOf<T> =
	SessionKeys<<T as Config>::AuraId, <T as Config>::FinalityId, <T as Config>::AttestationId>;

/// A validator as mirrored from `StakeManager`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct ValidatorRecord<AuraId, FinalityId, AttestationId> {
	/// Address of the root-chain signer key: `signer_address(signer_pubkey)`.
	pub signer: H160,
	/// Root-chain signer key (uncompressed secp256k1, without the `0x04` prefix).
	pub signer_pubkey: SignerPubkey,
	/// Self + delegated stake.
	pub power: TokenAmount,
	/// Root-chain epoch the validator joined in.
	pub activation_epoch: u64,
	/// Root-chain epoch the validator leaves in, once it started unstaking.
	pub deactivation_epoch: Option<u64>,
	/// Jailed validators are not active. (No mirrored event jails a validator yet.)
	pub jailed: bool,
	/// Nonce of the last `StakeManager` event applied to this validator.
	pub nonce: StakeNonce,
	/// Bound session keys; `None` until the validator binds them.
	pub keys: Option<SessionKeys<AuraId, FinalityId, AttestationId>>,
	/// Number of bindings made so far: the nonce the next binding signature must cover.
	pub binding_nonce: u64,
}

/// Validator record of a runtime.
pub type ValidatorRecordOf<T> =
	ValidatorRecord<<T as Config>::AuraId, <T as Config>::FinalityId, <T as Config>::AttestationId>;

impl<AuraId, FinalityId, AttestationId> ValidatorRecord<AuraId, FinalityId, AttestationId> {
	/// Whether the validator started unstaking (`UnstakeInit` was applied).
	pub fn is_unstaking(&self) -> bool {
		self.deactivation_epoch.is_some()
	}

	/// Active: not unstaking, not jailed, session keys bound and power > 0. Only active
	/// validators produce blocks, vote on finality and attest root-chain events.
	pub fn is_active(&self) -> bool {
		!self.is_unstaking() && !self.jailed && self.keys.is_some() && self.power > 0
	}

	/// The power this validator adds to `TotalActivePower`: its power if active, else 0.
	pub fn active_power(&self) -> TokenAmount {
		if self.is_active() {
			self.power
		} else {
			0
		}
	}
}

/// Why a `Staked` or `SignerChange` event was not applied (or, for `Staked`, not yet).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum RefusalReason {
	/// The event's signer address is not the address of its signer public key.
	SignerMismatch,
	/// Another validator already uses this signer.
	SignerInUse,
	/// `MaxValidators` live validators (not unstaking) exist, or `2 · MaxValidators` records.
	TooManyValidators,
}

/// Why a session-key binding is refused; shared by `validate_unsigned` and the dispatchable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BindError {
	/// No validator with this id.
	UnknownValidator,
	/// The signature is malformed or not by the validator's signer key over the current
	/// binding digest.
	BadSignature,
	/// One of the keys is bound to another validator.
	KeysInUse,
	/// A key-ownership proof does not verify.
	KeyOwnershipUnproven,
}

impl BindError {
	/// Stable code used in `InvalidTransaction::Custom`.
	pub fn code(self) -> u8 {
		match self {
			BindError::UnknownValidator => 1,
			BindError::BadSignature => 2,
			BindError::KeysInUse => 3,
			BindError::KeyOwnershipUnproven => 4,
		}
	}
}

/// A validator in the genesis config. JSON (field names in camelCase):
///
/// ```json
/// { "id": 1, "signerPubkey": "0x…128 hex digits…", "power": "10000000000000000000000",
///   "nonce": 1, "keys": { "aura": "5Grw…", "grandpa": "5FA9…", "attestation": "5Grw…" } }
/// ```
///
/// `power` is written as a decimal string (a `u128` does not fit JSON numbers as
/// `serde_json::Value` holds them); a JSON number up to `u64::MAX` is accepted too.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisValidator<AuraId, FinalityId, AttestationId> {
	/// Validator id in `StakeManager`.
	pub id: RootValidatorId,
	/// Root-chain signer key (64 bytes, 0x-hex); the signer address is derived from it.
	#[serde(with = "pubkey_hex")]
	pub signer_pubkey: SignerPubkey,
	/// Self + delegated stake.
	#[serde(with = "token_amount")]
	pub power: TokenAmount,
	/// Nonce of the last `StakeManager` event already reflected in this entry.
	pub nonce: StakeNonce,
	/// Session keys, bound from genesis.
	pub keys: SessionKeys<AuraId, FinalityId, AttestationId>,
}

/// Genesis validator of a runtime.
pub type GenesisValidatorOf<T> = GenesisValidator<
	<T as Config>::AuraId,
	<T as Config>::FinalityId,
	<T as Config>::AttestationId,
>;

/// Serde of a [`SignerPubkey`] as a 0x-prefixed hex string of 64 bytes.
pub mod pubkey_hex {
	use super::SignerPubkey;
	use serde::{de::Error, Deserializer, Serializer};

	/// Writes `0x` followed by 128 hex digits.
	pub fn serialize<S: Serializer>(key: &SignerPubkey, serializer: S) -> Result<S::Ok, S::Error> {
		sp_core::bytes::serialize(&key[..], serializer)
	}

	/// Reads a 0x-hex string of exactly 64 bytes.
	pub fn deserialize<'de, D: Deserializer<'de>>(
		deserializer: D,
	) -> Result<SignerPubkey, D::Error> {
		let bytes = sp_core::bytes::deserialize(deserializer)?;
		SignerPubkey::try_from(bytes.as_slice()).map_err(|_| {
			D::Error::custom(
				"signerPubkey must be 64 bytes: the uncompressed secp256k1 key without 0x04",
			)
		})
	}
}

/// Serde of a [`TokenAmount`] (`u128`): written as a decimal string, read from a decimal
/// string or a non-negative integer.
pub mod token_amount {
	use super::{ToString, TokenAmount};
	use core::fmt;
	use serde::{
		de::{Error, Visitor},
		Deserializer, Serializer,
	};

	/// Writes the amount as a decimal string.
	pub fn serialize<S: Serializer>(
		amount: &TokenAmount,
		serializer: S,
	) -> Result<S::Ok, S::Error> {
		serializer.serialize_str(&amount.to_string())
	}

	struct AmountVisitor;

	impl Visitor<'_> for AmountVisitor {
		type Value = TokenAmount;

		fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
			f.write_str("a token amount: a decimal string or a non-negative integer")
		}

		fn visit_str<E: Error>(self, v: &str) -> Result<TokenAmount, E> {
			v.parse::<TokenAmount>().map_err(|_| E::custom("invalid decimal token amount"))
		}

		fn visit_u64<E: Error>(self, v: u64) -> Result<TokenAmount, E> {
			Ok(TokenAmount::from(v))
		}

		fn visit_u128<E: Error>(self, v: u128) -> Result<TokenAmount, E> {
			Ok(v)
		}

		fn visit_i64<E: Error>(self, v: i64) -> Result<TokenAmount, E> {
			TokenAmount::try_from(v).map_err(|_| E::custom("token amount must not be negative"))
		}
	}

	/// Reads a decimal string or a non-negative integer.
	pub fn deserialize<'de, D: Deserializer<'de>>(
		deserializer: D,
	) -> Result<TokenAmount, D::Error> {
		deserializer.deserialize_any(AmountVisitor)
	}
}
