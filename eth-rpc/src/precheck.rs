//! Checks a raw Ethereum transaction the way geth's pool does before it is handed to the node.
//!
//! The node's pool refuses a bad Ethereum transaction with only "Invalid Transaction"; these
//! checks find the reason first (chain id, price, nonce, funds) so the sender is told which
//! field to fix. They only refuse what the node would refuse too: anything they let through
//! still meets the runtime's own validation.

use crate::error::Error;
use pallet_revive::evm::{GenericTransaction, TransactionSigned};
use sp_core::{H160, U256};

/// The fields of a signed transaction that the checks read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedTransaction {
	/// The address the signature recovers.
	pub sender: H160,
	/// `None` for a pre-EIP-155 legacy transaction.
	pub chain_id: Option<U256>,
	/// The sender's nonce this transaction uses.
	pub nonce: U256,
	/// The gas limit.
	pub gas: U256,
	/// The most the sender pays per gas: `gasPrice`, or `maxFeePerGas` for EIP-1559.
	pub max_price_per_gas: U256,
	/// The value sent, in wei.
	pub value: U256,
}

impl DecodedTransaction {
	/// The most this transaction can cost its sender: gas × price + value (geth's rule).
	pub fn max_cost(&self) -> U256 {
		self.gas.saturating_mul(self.max_price_per_gas).saturating_add(self.value)
	}
}

/// Decodes `raw` (legacy RLP or an EIP-2718 typed envelope) and recovers the signer.
pub fn decode(raw: &[u8]) -> Result<DecodedTransaction, Error> {
	if raw.is_empty() {
		return Err(Error::MalformedTransaction("no bytes".into()));
	}
	let signed = TransactionSigned::decode(raw)
		.map_err(|err| Error::MalformedTransaction(format!("{err:?}")))?;
	let sender = signed.recover_eth_address().map_err(|()| Error::InvalidSignature)?;
	// With the base price at its maximum the conversion keeps the sender's own price
	// (legacy `gasPrice`, or `maxFeePerGas`), which is what geth compares.
	let generic = GenericTransaction::from_signed(signed, U256::MAX, Some(sender));
	Ok(DecodedTransaction {
		sender,
		chain_id: generic.chain_id,
		nonce: generic.nonce.unwrap_or_default(),
		gas: generic.gas.unwrap_or_default(),
		max_price_per_gas: generic.max_fee_per_gas.or(generic.gas_price).unwrap_or_default(),
		value: generic.value.unwrap_or_default(),
	})
}

/// What the chain requires of every transaction.
#[derive(Debug, Clone, Copy)]
pub struct ChainRules {
	/// `eth_chainId`.
	pub chain_id: u64,
	/// `eth_gasPrice`, in wei.
	pub gas_price: U256,
	/// Whether pre-EIP-155 transactions (no chain id) are taken (`--allow-unprotected-txs`).
	pub allow_unprotected: bool,
}

/// The sender's state at the best block (and pool, for the nonce).
#[derive(Debug, Clone, Copy)]
pub struct SenderState {
	/// `eth_getTransactionCount(sender, "pending")`.
	pub next_nonce: U256,
	/// `eth_getBalance(sender)`: the spendable balance, in wei.
	pub balance: U256,
}

/// Chain id and price: needs nothing about the sender.
pub fn check_against_chain(tx: &DecodedTransaction, rules: ChainRules) -> Result<(), Error> {
	match tx.chain_id {
		None if !rules.allow_unprotected => {
			return Err(Error::UnprotectedTransaction { expected: rules.chain_id })
		}
		Some(chain_id) if chain_id != U256::from(rules.chain_id) => {
			return Err(Error::WrongChainId { got: chain_id, expected: rules.chain_id })
		}
		_ => {}
	}
	if tx.max_price_per_gas < rules.gas_price {
		return Err(Error::Underpriced {
			offered: tx.max_price_per_gas,
			required: rules.gas_price,
		});
	}
	Ok(())
}

/// Nonce and funds. A nonce above the next one is let through: the pool keeps it until the
/// gap is filled, as on Ethereum.
pub fn check_against_sender(tx: &DecodedTransaction, sender: SenderState) -> Result<(), Error> {
	if tx.nonce < sender.next_nonce {
		return Err(Error::NonceTooLow {
			sender: tx.sender,
			got: tx.nonce,
			next: sender.next_nonce,
		});
	}
	let cost = tx.max_cost();
	if cost > sender.balance {
		return Err(Error::InsufficientFunds { sender: tx.sender, balance: sender.balance, cost });
	}
	Ok(())
}

/// Signed test transactions (anvil's first key), shared by the tests of this crate.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod test_tx {
	use super::*;
	use pallet_revive::evm::{
		Bytes, Transaction1559Unsigned, TransactionLegacyUnsigned, TransactionUnsigned,
	};
	use sp_core::{ecdsa, Pair};
	use sp_crypto_hashing::keccak_256;

	/// Anvil's first development key; its address is 0xf39F…2266.
	const ANVIL_KEY_0: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
	pub(crate) const ANVIL_ADDRESS_0: &str = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266";

	fn signer() -> ecdsa::Pair {
		let seed: [u8; 32] = hex::decode(ANVIL_KEY_0).unwrap().try_into().unwrap();
		ecdsa::Pair::from_seed(&seed)
	}

	fn sign(unsigned: TransactionUnsigned) -> Vec<u8> {
		let digest = keccak_256(&unsigned.unsigned_payload());
		let signature: [u8; 65] = signer().sign_prehashed(&digest).0;
		unsigned.with_signature(signature).signed_payload()
	}

	pub(crate) fn eip1559(chain_id: u64, nonce: u64, max_fee: u64, value: u64) -> Vec<u8> {
		sign(TransactionUnsigned::Transaction1559Unsigned(Transaction1559Unsigned {
			chain_id: chain_id.into(),
			nonce: nonce.into(),
			gas: 21_000u64.into(),
			max_fee_per_gas: max_fee.into(),
			max_priority_fee_per_gas: 0u64.into(),
			value: value.into(),
			to: Some(H160::repeat_byte(0x11)),
			input: Bytes::default(),
			..Default::default()
		}))
	}

	pub(crate) fn legacy(chain_id: Option<u64>, gas_price: u64) -> Vec<u8> {
		sign(TransactionUnsigned::TransactionLegacyUnsigned(TransactionLegacyUnsigned {
			chain_id: chain_id.map(U256::from),
			nonce: 0u64.into(),
			gas: 21_000u64.into(),
			gas_price: gas_price.into(),
			value: 1u64.into(),
			to: Some(H160::repeat_byte(0x22)),
			..Default::default()
		}))
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::{test_tx::*, *};

	const GWEI: u64 = 1_000_000_000;
	const RULES: ChainRules =
		ChainRules { chain_id: 19901, gas_price: U256([GWEI, 0, 0, 0]), allow_unprotected: false };

	#[test]
	fn decodes_a_signed_eip1559_transfer_and_recovers_the_anvil_address() {
		let tx = decode(&eip1559(19901, 7, 2 * GWEI, 5)).unwrap();
		assert_eq!(tx.sender, H160::from_slice(&hex::decode(ANVIL_ADDRESS_0).unwrap()));
		assert_eq!(tx.chain_id, Some(19901u64.into()));
		assert_eq!((tx.nonce, tx.gas, tx.value), (7u64.into(), 21_000u64.into(), 5u64.into()));
		assert_eq!(tx.max_price_per_gas, U256::from(2 * GWEI));
		assert_eq!(tx.max_cost(), U256::from(21_000 * 2 * GWEI + 5));
		check_against_chain(&tx, RULES).unwrap();
	}

	#[test]
	fn refuses_garbage_and_truncated_bytes() {
		assert!(matches!(decode(&[]), Err(Error::MalformedTransaction(_))));
		assert!(matches!(decode(&[0xde, 0xad, 0xbe, 0xef]), Err(Error::MalformedTransaction(_))));
		let good = eip1559(19901, 0, GWEI, 0);
		assert!(matches!(decode(&good[..good.len() - 3]), Err(Error::MalformedTransaction(_))));
	}

	#[test]
	fn refuses_another_chains_transaction_naming_both_ids() {
		let err =
			check_against_chain(&decode(&eip1559(1, 0, GWEI, 0)).unwrap(), RULES).unwrap_err();
		assert!(matches!(err, Error::WrongChainId { expected: 19901, .. }));
		let message = err.to_string();
		assert!(message.starts_with("invalid chain id"), "{message}");
		assert!(message.contains("chain id 1,") && message.contains("19901"), "{message}");
	}

	#[test]
	fn refuses_pre_eip155_legacy_transactions() {
		let tx = decode(&legacy(None, GWEI)).unwrap();
		assert_eq!(tx.chain_id, None);
		assert!(matches!(
			check_against_chain(&tx, RULES),
			Err(Error::UnprotectedTransaction { expected: 19901 })
		));
		// The same transaction with EIP-155 protection passes, and so does the unprotected one
		// when the operator allows it (`--allow-unprotected-txs`).
		check_against_chain(&decode(&legacy(Some(19901), GWEI)).unwrap(), RULES).unwrap();
		let allowing = ChainRules { allow_unprotected: true, ..RULES };
		check_against_chain(&tx, allowing).unwrap();
	}

	#[test]
	fn refuses_a_price_below_the_gas_price_for_legacy_and_eip1559() {
		for raw in [legacy(Some(19901), GWEI - 1), eip1559(19901, 0, GWEI - 1, 0)] {
			let err = check_against_chain(&decode(&raw).unwrap(), RULES).unwrap_err();
			assert!(err.to_string().starts_with("transaction underpriced"), "{err}");
			assert_eq!(err.code(), -32000);
		}
	}

	#[test]
	fn refuses_a_used_nonce_but_lets_a_future_one_through() {
		let rich = U256::from(10u64).pow(24.into());
		let state = SenderState { next_nonce: 5u64.into(), balance: rich };
		let err =
			check_against_sender(&decode(&eip1559(19901, 4, GWEI, 0)).unwrap(), state).unwrap_err();
		assert!(err.to_string().starts_with("nonce too low"), "{err}");
		check_against_sender(&decode(&eip1559(19901, 5, GWEI, 0)).unwrap(), state).unwrap();
		check_against_sender(&decode(&eip1559(19901, 9, GWEI, 0)).unwrap(), state).unwrap();
	}

	#[test]
	fn refuses_a_transaction_its_sender_cannot_pay_for() {
		let tx = decode(&eip1559(19901, 0, GWEI, 1_000)).unwrap();
		let exact = SenderState { next_nonce: 0u64.into(), balance: tx.max_cost() };
		check_against_sender(&tx, exact).unwrap();
		let short = SenderState { balance: tx.max_cost() - 1, ..exact };
		let err = check_against_sender(&tx, short).unwrap_err();
		assert!(err.to_string().starts_with("insufficient funds for gas * price + value"), "{err}");
	}
}
