//! TRON addresses: base58check of `0x41 ‖ 20-byte account`; the 20 bytes are the same as
//! the Ethereum-style address TRON's JSON-RPC (`/jsonrpc`) and its EVM use.

use crate::error::Error;
use sha2::{Digest, Sha256};
use sp_core::H160;

/// First byte of every TRON mainnet/testnet address.
pub const ADDRESS_PREFIX: u8 = 0x41;

fn checksum(payload: &[u8]) -> [u8; 4] {
	let twice = Sha256::digest(Sha256::digest(payload));
	[twice[0], twice[1], twice[2], twice[3]]
}

/// Parses a base58check TRON address (`T…`) into its 20-byte account.
pub fn parse_address(address: &str) -> Result<H160, Error> {
	let invalid = || Error::TronAddress(address.to_string());
	let bytes = bs58::decode(address).into_vec().map_err(|_| invalid())?;
	if bytes.len() != 25 || bytes[0] != ADDRESS_PREFIX {
		return Err(invalid());
	}
	if checksum(&bytes[..21]) != bytes[21..] {
		return Err(invalid());
	}
	Ok(H160::from_slice(&bytes[1..21]))
}

/// Formats a 20-byte account as a base58check TRON address.
pub fn format_address(account: &H160) -> String {
	let mut bytes = Vec::with_capacity(25);
	bytes.push(ADDRESS_PREFIX);
	bytes.extend_from_slice(account.as_bytes());
	let check = checksum(&bytes);
	bytes.extend_from_slice(&check);
	bs58::encode(bytes).into_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;

	#[test]
	fn usdt_contract_address_round_trips() {
		// The USDT TRC-20 contract: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t = 41a614f8…d13c.
		let account = parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").unwrap();
		assert_eq!(format!("{account:?}"), "0xa614f803b6fd780986a42c78ec9c7f77e6ded13c");
		assert_eq!(format_address(&account), "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
	}

	#[test]
	fn bad_checksum_prefix_or_length_is_refused() {
		assert!(parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u").is_err());
		assert!(parse_address("0xa614f803b6fd780986a42c78ec9c7f77e6ded13c").is_err());
		assert!(parse_address("").is_err());
		// A valid base58check payload with another prefix (Bitcoin's 0x00).
		let mut bytes = vec![0u8; 21];
		let check = checksum(&bytes);
		bytes.extend_from_slice(&check);
		assert!(parse_address(&bs58::encode(bytes).into_string()).is_err());
	}
}
