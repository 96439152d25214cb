//! What a BTTC block header carries for consensus.
//!
//! - `PreRuntime(aura, slot)`: the slot, in Aura's format because the runtime's `pallet-aura`
//!   reads it to check that slots increase and match the timestamp.
//! - `PreRuntime(bttc, author)`: the sr25519 authoring key of the producer. Unlike Aura, the
//!   slot alone does not name the author: any backup whose delay has passed may seal it.
//! - `Seal(bttc, signature)`: the author's signature over the hash of the header without
//!   the seal; always the last digest item.

use crate::error::Error;
use codec::{Decode, Encode};
use sp_consensus_aura::{
	sr25519::{AuthorityId as AuraId, AuthoritySignature},
	AURA_ENGINE_ID,
};
use sp_consensus_slots::Slot;
use sp_runtime::{
	traits::{Header as HeaderT, Zero},
	ConsensusEngineId, DigestItem,
};

/// Engine id of the author pre-digest and the seal.
pub const BTTC_ENGINE_ID: ConsensusEngineId = *b"bttc";

/// The consensus fields of a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreDigest {
	/// Slot the block was authored in.
	pub slot: Slot,
	/// Producer that authored it.
	pub author: AuraId,
}

/// Pre-runtime digests of a block authored by `author` in `slot`.
pub fn pre_digests(slot: Slot, author: &AuraId) -> Vec<DigestItem> {
	vec![
		DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode()),
		DigestItem::PreRuntime(BTTC_ENGINE_ID, author.encode()),
	]
}

/// Seal digest carrying `signature`.
pub fn seal(signature: &AuthoritySignature) -> DigestItem {
	DigestItem::Seal(BTTC_ENGINE_ID, signature.encode())
}

/// Signature in a BTTC seal digest.
pub fn seal_signature(item: &DigestItem) -> Result<AuthoritySignature, Error> {
	match item {
		DigestItem::Seal(id, bytes) if *id == BTTC_ENGINE_ID => {
			AuthoritySignature::decode(&mut &bytes[..]).map_err(|_| Error::BadSeal)
		}
		_ => Err(Error::BadSeal),
	}
}

fn unique_pre_runtime<T: Decode>(
	header: &impl HeaderT,
	engine: ConsensusEngineId,
	name: &'static str,
) -> Result<T, Error> {
	let mut found = None;
	for item in header.digest().logs() {
		if let DigestItem::PreRuntime(id, bytes) = item {
			if *id == engine {
				if found.is_some() {
					return Err(Error::MalformedPreDigest(name));
				}
				found =
					Some(T::decode(&mut &bytes[..]).map_err(|_| Error::MalformedPreDigest(name))?);
			}
		}
	}
	found.ok_or(Error::MissingPreDigest(name))
}

/// Slot of a header; the genesis block has slot 0.
pub fn slot_of(header: &impl HeaderT) -> Result<Slot, Error> {
	if header.number().is_zero() {
		return Ok(Slot::from(0));
	}
	unique_pre_runtime(header, AURA_ENGINE_ID, "aura slot")
}

/// Slot and author of a (non-genesis) header.
pub fn find_pre_digest(header: &impl HeaderT) -> Result<PreDigest, Error> {
	Ok(PreDigest {
		slot: unique_pre_runtime(header, AURA_ENGINE_ID, "aura slot")?,
		author: unique_pre_runtime(header, BTTC_ENGINE_ID, "bttc author")?,
	})
}
