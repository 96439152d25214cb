//! The root-chain contracts as `alloy` bindings generated from their ABIs
//! (`contracts/artifacts/*.json`, the deployed bytecode's own), and their logs decoded into the
//! events the sidechain attests: `StakeManager`'s staking events, `RootChain`'s
//! `NewHeaderBlock`, `StateSender`'s `StateSynced`.

use crate::error::Error;
use alloy::{
	primitives::{Address, Log as AlloyLog, LogData, B256, U256},
	sol,
	sol_types::SolEvent,
};
use bttc_primitives::{
	attestation::{AttestedEvent, CheckpointAck},
	bridge::{StateSyncData, StateSynced},
	staking::{signer_address, SignerPubkey, StakingEvent},
};
use sp_core::{H160, H256};

sol!(
	#[sol(rpc)]
	#[allow(missing_docs)]
	StakeManager,
	"../contracts/artifacts/StakeManager.json"
);

sol!(
	#[sol(rpc)]
	#[allow(missing_docs)]
	RootChain,
	"../contracts/artifacts/RootChain.json"
);

sol!(
	#[sol(rpc)]
	#[allow(missing_docs)]
	StateSender,
	"../contracts/artifacts/StateSender.json"
);

/// Which contract a log comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractKind {
	/// `StakeManager` (the stake chain).
	StakeManager,
	/// `RootChain` (every root chain).
	RootChain,
	/// `StateSender` (every root chain): deposits.
	StateSender,
}

/// Topic 0 of every event the sidechain attests from a contract of `kind`.
pub fn topics(kind: ContractKind) -> Vec<H256> {
	let hashes: Vec<B256> = match kind {
		ContractKind::StakeManager => vec![
			StakeManager::Staked::SIGNATURE_HASH,
			StakeManager::Restaked::SIGNATURE_HASH,
			StakeManager::StakeUpdate::SIGNATURE_HASH,
			StakeManager::SignerChange::SIGNATURE_HASH,
			StakeManager::UnstakeInit::SIGNATURE_HASH,
			StakeManager::Unstaked::SIGNATURE_HASH,
		],
		ContractKind::RootChain => vec![RootChain::NewHeaderBlock::SIGNATURE_HASH],
		ContractKind::StateSender => vec![StateSender::StateSynced::SIGNATURE_HASH],
	};
	hashes.into_iter().map(|h| H256(h.0)).collect()
}

/// A log as the follower hands it over: topics, data and the transaction that emitted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
	/// Topics: the event signature hash first, then indexed arguments.
	pub topics: Vec<H256>,
	/// Non-indexed arguments.
	pub data: Vec<u8>,
	/// Transaction hash (for error messages and the attestation key).
	pub tx_hash: H256,
}

fn malformed(event: &'static str, log: &Log, reason: impl ToString) -> Error {
	Error::MalformedLog { event, tx_hash: format!("{:?}", log.tx_hash), reason: reason.to_string() }
}

fn to_u64(value: U256, what: &str, event: &'static str, log: &Log) -> Result<u64, Error> {
	u64::try_from(value).map_err(|_| {
		malformed(event, log, format!("{what} does not fit the sidechain's integer type"))
	})
}

fn to_u128(value: U256, what: &str, event: &'static str, log: &Log) -> Result<u128, Error> {
	u128::try_from(value).map_err(|_| {
		malformed(event, log, format!("{what} does not fit the sidechain's integer type"))
	})
}

fn pubkey(
	bytes: &[u8],
	signer: Address,
	event: &'static str,
	log: &Log,
) -> Result<SignerPubkey, Error> {
	let key: SignerPubkey = bytes.try_into().map_err(|_| {
		malformed(event, log, format!("signer public key has {} bytes, expected 64", bytes.len()))
	})?;
	if signer_address(&key) != H160(signer.0 .0) {
		return Err(malformed(event, log, "signer public key does not hash to the signer address"));
	}
	Ok(key)
}

/// Decodes a log of a contract of `kind`. `Ok(None)` for events the sidechain does not attest.
pub fn decode_log(kind: ContractKind, log: &Log) -> Result<Option<AttestedEvent>, Error> {
	let Some(first) = log.topics.first() else { return Ok(None) };
	let topic0 = B256::from(first.0);
	let data = LogData::new_unchecked(
		log.topics.iter().map(|t| B256::from(t.0)).collect(),
		log.data.clone().into(),
	);
	let raw = AlloyLog { address: Address::ZERO, data };
	macro_rules! decode {
		($event:ty, $name:literal) => {
			<$event>::decode_log(&raw).map_err(|e| malformed($name, log, e))?.data
		};
	}
	let event = match kind {
		ContractKind::StakeManager => {
			let staking = if topic0 == StakeManager::Staked::SIGNATURE_HASH {
				let e = decode!(StakeManager::Staked, "Staked");
				StakingEvent::Staked {
					validator_id: to_u64(e.validatorId, "validatorId", "Staked", log)?,
					signer: H160(e.signer.0 .0),
					nonce: to_u64(e.nonce, "nonce", "Staked", log)?,
					activation_epoch: to_u64(e.activationEpoch, "activationEpoch", "Staked", log)?,
					amount: to_u128(e.amount, "amount", "Staked", log)?,
					signer_pubkey: pubkey(&e.signerPubkey, e.signer, "Staked", log)?,
				}
			} else if topic0 == StakeManager::Restaked::SIGNATURE_HASH {
				let e = decode!(StakeManager::Restaked, "Restaked");
				StakingEvent::Restaked {
					validator_id: to_u64(e.validatorId, "validatorId", "Restaked", log)?,
					nonce: to_u64(e.nonce, "nonce", "Restaked", log)?,
					new_power: to_u128(e.newPower, "newPower", "Restaked", log)?,
				}
			} else if topic0 == StakeManager::StakeUpdate::SIGNATURE_HASH {
				let e = decode!(StakeManager::StakeUpdate, "StakeUpdate");
				StakingEvent::StakeUpdate {
					validator_id: to_u64(e.validatorId, "validatorId", "StakeUpdate", log)?,
					nonce: to_u64(e.nonce, "nonce", "StakeUpdate", log)?,
					new_power: to_u128(e.newAmount, "newAmount", "StakeUpdate", log)?,
				}
			} else if topic0 == StakeManager::SignerChange::SIGNATURE_HASH {
				let e = decode!(StakeManager::SignerChange, "SignerChange");
				StakingEvent::SignerChange {
					validator_id: to_u64(e.validatorId, "validatorId", "SignerChange", log)?,
					nonce: to_u64(e.nonce, "nonce", "SignerChange", log)?,
					new_signer: H160(e.newSigner.0 .0),
					signer_pubkey: pubkey(&e.signerPubkey, e.newSigner, "SignerChange", log)?,
				}
			} else if topic0 == StakeManager::UnstakeInit::SIGNATURE_HASH {
				let e = decode!(StakeManager::UnstakeInit, "UnstakeInit");
				StakingEvent::UnstakeInit {
					validator_id: to_u64(e.validatorId, "validatorId", "UnstakeInit", log)?,
					nonce: to_u64(e.nonce, "nonce", "UnstakeInit", log)?,
					deactivation_epoch: to_u64(
						e.deactivationEpoch,
						"deactivationEpoch",
						"UnstakeInit",
						log,
					)?,
				}
			} else if topic0 == StakeManager::Unstaked::SIGNATURE_HASH {
				let e = decode!(StakeManager::Unstaked, "Unstaked");
				StakingEvent::Unstaked {
					validator_id: to_u64(e.validatorId, "validatorId", "Unstaked", log)?,
					nonce: to_u64(e.nonce, "nonce", "Unstaked", log)?,
				}
			} else {
				return Ok(None);
			};
			AttestedEvent::Staking(staking)
		}
		ContractKind::RootChain => {
			if topic0 != RootChain::NewHeaderBlock::SIGNATURE_HASH {
				return Ok(None);
			}
			let e = decode!(RootChain::NewHeaderBlock, "NewHeaderBlock");
			AttestedEvent::CheckpointAck(CheckpointAck {
				header_block_id: to_u64(e.headerBlockId, "headerBlockId", "NewHeaderBlock", log)?,
				proposer: H160(e.proposer.0 .0),
				start: to_u64(e.start, "start", "NewHeaderBlock", log)?,
				end: to_u64(e.end, "end", "NewHeaderBlock", log)?,
				root: H256(e.root.0),
			})
		}
		ContractKind::StateSender => {
			if topic0 != StateSender::StateSynced::SIGNATURE_HASH {
				return Ok(None);
			}
			let e = decode!(StateSender::StateSynced, "StateSynced");
			AttestedEvent::StateSynced(StateSynced {
				state_id: to_u64(e.id, "id", "StateSynced", log)?,
				receiver: H160(e.contractAddress.0 .0),
				data: StateSyncData::from_bytes(&e.data),
				root_tx_hash: log.tx_hash,
			})
		}
	};
	Ok(Some(event))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;

	fn word(value: u128) -> H256 {
		H256(U256::from(value).to_be_bytes())
	}

	fn address_topic(address: H160) -> H256 {
		let mut t = [0u8; 32];
		t[12..].copy_from_slice(address.as_bytes());
		H256(t)
	}

	fn topic(kind: ContractKind, name: &str) -> H256 {
		let all = topics(kind);
		let names: &[&str] = match kind {
			ContractKind::StakeManager => {
				&["Staked", "Restaked", "StakeUpdate", "SignerChange", "UnstakeInit", "Unstaked"]
			}
			ContractKind::RootChain => &["NewHeaderBlock"],
			ContractKind::StateSender => &["StateSynced"],
		};
		all[names.iter().position(|n| *n == name).unwrap()]
	}

	#[test]
	fn topics_are_the_keccak_of_the_abi_signatures() {
		assert_eq!(
			topic(ContractKind::StakeManager, "StakeUpdate"),
			H256(alloy::primitives::keccak256(b"StakeUpdate(uint256,uint256,uint256)").0)
		);
		assert_eq!(
			topic(ContractKind::RootChain, "NewHeaderBlock"),
			H256(
				alloy::primitives::keccak256(
					b"NewHeaderBlock(address,uint256,uint256,uint256,uint256,bytes32)"
				)
				.0
			)
		);
	}

	#[test]
	fn stake_update_decodes_from_topics() {
		let log = Log {
			topics: vec![
				topic(ContractKind::StakeManager, "StakeUpdate"),
				word(7),
				word(3),
				word(5_000),
			],
			data: vec![],
			tx_hash: H256::repeat_byte(1),
		};
		assert_eq!(
			decode_log(ContractKind::StakeManager, &log).unwrap(),
			Some(AttestedEvent::Staking(StakingEvent::StakeUpdate {
				validator_id: 7,
				nonce: 3,
				new_power: 5_000
			}))
		);
	}

	#[test]
	fn new_header_block_decodes_into_a_checkpoint_ack() {
		let mut data = Vec::new();
		for w in [word(1), word(256), H256::repeat_byte(0xbb)] {
			data.extend_from_slice(w.as_bytes());
		}
		let log = Log {
			topics: vec![
				topic(ContractKind::RootChain, "NewHeaderBlock"),
				address_topic(H160::repeat_byte(0xaa)),
				word(3),
				word(0),
			],
			data,
			tx_hash: H256::repeat_byte(2),
		};
		assert_eq!(
			decode_log(ContractKind::RootChain, &log).unwrap(),
			Some(AttestedEvent::CheckpointAck(CheckpointAck {
				header_block_id: 3,
				proposer: H160::repeat_byte(0xaa),
				start: 1,
				end: 256,
				root: H256::repeat_byte(0xbb),
			}))
		);
		// The same topic from a StakeManager is nothing the sidechain attests.
		assert_eq!(decode_log(ContractKind::StakeManager, &log).unwrap(), None);
	}

	#[test]
	fn state_synced_decodes_with_its_root_transaction() {
		let message = [7u8; 40];
		// data: offset, length, 40 bytes padded to 64
		let mut data = Vec::new();
		for w in [word(32), word(40)] {
			data.extend_from_slice(w.as_bytes());
		}
		data.extend_from_slice(&message);
		data.extend_from_slice(&[0u8; 24]);
		let log = Log {
			topics: vec![
				topic(ContractKind::StateSender, "StateSynced"),
				word(12),
				address_topic(H160::repeat_byte(0xcc)),
			],
			data,
			tx_hash: H256::repeat_byte(5),
		};
		assert_eq!(
			decode_log(ContractKind::StateSender, &log).unwrap(),
			Some(AttestedEvent::StateSynced(StateSynced {
				state_id: 12,
				receiver: H160::repeat_byte(0xcc),
				data: StateSyncData::from_bytes(&message),
				root_tx_hash: H256::repeat_byte(5),
			}))
		);
		assert_eq!(
			topic(ContractKind::StateSender, "StateSynced"),
			H256(alloy::primitives::keccak256(b"StateSynced(uint256,address,bytes)").0)
		);
	}

	#[test]
	fn staked_with_a_key_that_is_not_the_signers_is_refused() {
		let mut data = Vec::new();
		for w in [word(1), word(100), word(100), word(128), word(64)] {
			data.extend_from_slice(w.as_bytes());
		}
		data.extend_from_slice(&[9u8; 64]);
		let log = Log {
			topics: vec![
				topic(ContractKind::StakeManager, "Staked"),
				address_topic(H160::repeat_byte(0xaa)),
				word(5),
				word(0),
			],
			data,
			tx_hash: H256::repeat_byte(2),
		};
		let err = decode_log(ContractKind::StakeManager, &log).unwrap_err().to_string();
		assert!(err.contains("does not hash to the signer"), "{err}");
	}

	#[test]
	fn truncated_and_oversized_values_are_malformed_not_panics() {
		let log = Log {
			topics: vec![
				topic(ContractKind::StakeManager, "Unstaked"),
				address_topic(H160::zero()),
				H256::repeat_byte(0xff),
			],
			data: word(1).0.to_vec(),
			tx_hash: H256::zero(),
		};
		assert!(matches!(
			decode_log(ContractKind::StakeManager, &log),
			Err(Error::MalformedLog { .. })
		));
		let log = Log {
			topics: vec![topic(ContractKind::StakeManager, "Restaked"), word(1)],
			data: vec![0; 40],
			tx_hash: H256::zero(),
		};
		assert!(matches!(
			decode_log(ContractKind::StakeManager, &log),
			Err(Error::MalformedLog { .. })
		));
		let other = Log { topics: vec![H256::repeat_byte(1)], data: vec![], tx_hash: H256::zero() };
		assert_eq!(decode_log(ContractKind::StakeManager, &other).unwrap(), None);
	}
}
