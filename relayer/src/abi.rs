//! Decoding `StakeManager` logs into [`StakingEvent`]s (Solidity ABI: indexed arguments in
//! topics, the others in 32-byte words of `data`, `bytes` as offset + length + padded bytes).

use crate::error::Error;
use bttc_primitives::staking::{SignerPubkey, StakingEvent};
use sp_core::{H160, H256, U256};
use sp_crypto_hashing::keccak_256;

/// A log as returned by `eth_getLogs`, with the fields the decoder needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
	/// Topics: the event signature hash first, then indexed arguments.
	pub topics: Vec<H256>,
	/// Non-indexed arguments.
	pub data: Vec<u8>,
	/// Transaction hash (for error messages and the attestation key).
	pub tx_hash: H256,
}

/// Solidity signatures of the mirrored events.
pub const STAKED: &str = "Staked(address,uint256,uint256,uint256,uint256,uint256,bytes)";
/// See [`STAKED`].
pub const RESTAKED: &str = "Restaked(uint256,uint256,uint256,uint256,uint256)";
/// See [`STAKED`].
pub const STAKE_UPDATE: &str = "StakeUpdate(uint256,uint256,uint256)";
/// See [`STAKED`].
pub const SIGNER_CHANGE: &str = "SignerChange(uint256,uint256,address,address,bytes)";
/// See [`STAKED`].
pub const UNSTAKE_INIT: &str = "UnstakeInit(address,uint256,uint256,uint256,uint256)";
/// See [`STAKED`].
pub const UNSTAKED: &str = "Unstaked(address,uint256,uint256,uint256,uint256)";

/// Topic 0 of an event signature.
pub fn topic(signature: &str) -> H256 {
	H256(keccak_256(signature.as_bytes()))
}

/// Topic 0 of every mirrored event, for the `eth_getLogs` filter.
pub fn staking_topics() -> Vec<H256> {
	[STAKED, RESTAKED, STAKE_UPDATE, SIGNER_CHANGE, UNSTAKE_INIT, UNSTAKED]
		.into_iter()
		.map(topic)
		.collect()
}

struct Reader<'a> {
	log: &'a Log,
	event: &'static str,
}

impl Reader<'_> {
	fn fail(&self, reason: impl Into<String>) -> Error {
		Error::MalformedLog {
			event: self.event,
			tx_hash: format!("{:?}", self.log.tx_hash),
			reason: reason.into(),
		}
	}

	fn topic(&self, index: usize) -> Result<H256, Error> {
		self.log.topics.get(index).copied().ok_or_else(|| self.fail(format!("no topic {index}")))
	}

	fn word(&self, index: usize) -> Result<[u8; 32], Error> {
		let start = index.checked_mul(32).ok_or_else(|| self.fail("offset overflow"))?;
		let bytes = self
			.log
			.data
			.get(start..start.saturating_add(32))
			.ok_or_else(|| self.fail(format!("data has no word {index}")))?;
		let mut word = [0u8; 32];
		word.copy_from_slice(bytes);
		Ok(word)
	}

	fn uint<T: TryFrom<U256>>(&self, word: [u8; 32], what: &str) -> Result<T, Error> {
		T::try_from(U256::from_big_endian(&word))
			.map_err(|_| self.fail(format!("{what} does not fit the sidechain's integer type")))
	}

	fn topic_uint<T: TryFrom<U256>>(&self, index: usize, what: &str) -> Result<T, Error> {
		self.uint(self.topic(index)?.0, what)
	}

	fn data_uint<T: TryFrom<U256>>(&self, index: usize, what: &str) -> Result<T, Error> {
		self.uint(self.word(index)?, what)
	}

	fn address(&self, word: [u8; 32]) -> Result<H160, Error> {
		if word[..12].iter().any(|b| *b != 0) {
			return Err(self.fail("address word has non-zero high bytes"));
		}
		Ok(H160::from_slice(&word[12..]))
	}

	/// The `bytes` argument whose head is data word `index`, required to be a 64-byte key.
	fn pubkey(&self, index: usize) -> Result<SignerPubkey, Error> {
		let offset: usize = self.data_uint(index, "bytes offset")?;
		let len_word = offset / 32;
		if !offset.is_multiple_of(32) {
			return Err(self.fail("unaligned bytes offset"));
		}
		let len: usize = self.data_uint(len_word, "bytes length")?;
		if len != 64 {
			return Err(self.fail(format!("signer public key has {len} bytes, expected 64")));
		}
		let start = offset.saturating_add(32);
		let bytes = self
			.log
			.data
			.get(start..start.saturating_add(64))
			.ok_or_else(|| self.fail("truncated signer public key"))?;
		let mut key = [0u8; 64];
		key.copy_from_slice(bytes);
		Ok(key)
	}
}

/// Decodes a `StakeManager` log. `Ok(None)` for events the sidechain does not mirror.
pub fn decode_staking_log(log: &Log) -> Result<Option<StakingEvent>, Error> {
	let Some(first) = log.topics.first() else { return Ok(None) };
	let r = |event| Reader { log, event };
	let event = if *first == topic(STAKED) {
		let r = r("Staked");
		let signer = r.address(r.topic(1)?.0)?;
		let signer_pubkey = r.pubkey(3)?;
		if bttc_primitives::staking::signer_address(&signer_pubkey) != signer {
			return Err(r.fail("signer public key does not hash to the signer address"));
		}
		StakingEvent::Staked {
			validator_id: r.topic_uint(2, "validatorId")?,
			signer,
			nonce: r.data_uint(0, "nonce")?,
			activation_epoch: r.topic_uint(3, "activationEpoch")?,
			amount: r.data_uint(1, "amount")?,
			signer_pubkey,
		}
	} else if *first == topic(RESTAKED) {
		let r = r("Restaked");
		StakingEvent::Restaked {
			validator_id: r.topic_uint(1, "validatorId")?,
			nonce: r.data_uint(0, "nonce")?,
			new_power: r.data_uint(2, "newPower")?,
		}
	} else if *first == topic(STAKE_UPDATE) {
		let r = r("StakeUpdate");
		StakingEvent::StakeUpdate {
			validator_id: r.topic_uint(1, "validatorId")?,
			nonce: r.topic_uint(2, "nonce")?,
			new_power: r.topic_uint(3, "newAmount")?,
		}
	} else if *first == topic(SIGNER_CHANGE) {
		let r = r("SignerChange");
		let new_signer = r.address(r.topic(3)?.0)?;
		let signer_pubkey = r.pubkey(1)?;
		if bttc_primitives::staking::signer_address(&signer_pubkey) != new_signer {
			return Err(r.fail("signer public key does not hash to the new signer address"));
		}
		StakingEvent::SignerChange {
			validator_id: r.topic_uint(1, "validatorId")?,
			nonce: r.data_uint(0, "nonce")?,
			new_signer,
			signer_pubkey,
		}
	} else if *first == topic(UNSTAKE_INIT) {
		let r = r("UnstakeInit");
		StakingEvent::UnstakeInit {
			validator_id: r.topic_uint(2, "validatorId")?,
			nonce: r.data_uint(0, "nonce")?,
			deactivation_epoch: r.data_uint(1, "deactivationEpoch")?,
		}
	} else if *first == topic(UNSTAKED) {
		let r = r("Unstaked");
		StakingEvent::Unstaked {
			validator_id: r.topic_uint(2, "validatorId")?,
			nonce: r.data_uint(0, "nonce")?,
		}
	} else {
		return Ok(None);
	};
	Ok(Some(event))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;

	fn word(value: u128) -> [u8; 32] {
		U256::from(value).to_big_endian()
	}

	fn address_topic(address: H160) -> H256 {
		let mut t = [0u8; 32];
		t[12..].copy_from_slice(address.as_bytes());
		H256(t)
	}

	#[test]
	fn topics_are_the_keccak_of_the_signatures() {
		// keccak256("Transfer(address,address,uint256)"), a well-known constant, checks the
		// hashing; the staking topics use the same function.
		assert_eq!(
			format!("{:?}", topic("Transfer(address,address,uint256)")),
			"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
		);
		assert_eq!(staking_topics().len(), 6);
	}

	#[test]
	fn stake_update_decodes_from_topics() {
		let log = Log {
			topics: vec![topic(STAKE_UPDATE), H256(word(7)), H256(word(3)), H256(word(5_000))],
			data: vec![],
			tx_hash: H256::repeat_byte(1),
		};
		assert_eq!(
			decode_staking_log(&log).unwrap(),
			Some(StakingEvent::StakeUpdate { validator_id: 7, nonce: 3, new_power: 5_000 })
		);
	}

	#[test]
	fn staked_with_a_key_that_is_not_the_signers_is_refused() {
		let pubkey = [9u8; 64];
		let mut data = Vec::new();
		for w in [word(1), word(100), word(100), word(128), word(64)] {
			data.extend_from_slice(&w);
		}
		data.extend_from_slice(&pubkey);
		let log = Log {
			topics: vec![
				topic(STAKED),
				address_topic(H160::repeat_byte(0xaa)),
				H256(word(5)),
				H256(word(0)),
			],
			data,
			tx_hash: H256::repeat_byte(2),
		};
		let err = decode_staking_log(&log).unwrap_err().to_string();
		assert!(err.contains("does not hash to the signer"), "{err}");
	}

	#[test]
	fn truncated_and_oversized_values_are_malformed_not_panics() {
		let log = Log {
			topics: vec![topic(UNSTAKED), address_topic(H160::zero()), H256::repeat_byte(0xff)],
			data: word(1).to_vec(),
			tx_hash: H256::zero(),
		};
		assert!(matches!(decode_staking_log(&log), Err(Error::MalformedLog { .. })));
		let log = Log {
			topics: vec![topic(RESTAKED), H256(word(1))],
			data: vec![0; 40],
			tx_hash: H256::zero(),
		};
		assert!(matches!(decode_staking_log(&log), Err(Error::MalformedLog { .. })));
		let other = Log { topics: vec![topic("Other()")], data: vec![], tx_hash: H256::zero() };
		assert_eq!(decode_staking_log(&other).unwrap(), None);
	}
}
