//! # BTTC primitives
//!
//! Small `no_std` types and constants shared by the runtime (WASM), the node, the RPC layer
//! and the root-chain relayers. Keeping them here means every side agrees on the same
//! account, balance and block-number types and on the same chain parameters.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attestation;
pub mod bridge;
pub mod checkpoint;
pub mod span;
pub mod staking;
pub mod traits;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// Block number of the sidechain. `u32` because the Ethereum RPC proxy (subxt
/// `PolkadotConfig`) expects it.
pub type BlockNumber = u32;
/// Transaction signature: sr25519, ed25519 or ECDSA.
pub type Signature = MultiSignature;
/// Account id: the 32-byte public key (or its hash for ECDSA) of the signer.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance in the smallest unit of BTT (1 BTT = 10^18 units, as on BTTC's EVM).
pub type Balance = u128;
/// Per-account transaction counter.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;
/// Millisecond timestamp.
pub type Moment = u64;

/// Token facts of the native token BTT.
pub mod currency {
	use super::Balance;

	/// Ticker shown by wallets.
	pub const TOKEN_SYMBOL: &str = "BTT";
	/// Decimals of BTT, identical to its EVM representation.
	pub const TOKEN_DECIMALS: u8 = 18;
	/// One whole BTT.
	pub const BTT: Balance = 1_000_000_000_000_000_000;
	/// 10^-3 BTT.
	pub const MILLI_BTT: Balance = BTT / 1_000;
	/// 10^-6 BTT.
	pub const MICRO_BTT: Balance = BTT / 1_000_000;
	/// Smallest balance an account may hold; below it the account is reaped.
	pub const EXISTENTIAL_DEPOSIT: Balance = MICRO_BTT;
}

/// Block-time facts.
pub mod time {
	use super::{BlockNumber, Moment};

	/// Target block time: 2 s, as Bor's `period` on BTTC.
	pub const MILLISECS_PER_BLOCK: Moment = 2_000;
	/// One authoring slot per block.
	pub const SLOT_DURATION: Moment = MILLISECS_PER_BLOCK;
	/// Blocks per minute at the target block time.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour at the target block time.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day at the target block time.
	pub const DAYS: BlockNumber = HOURS * 24;
}

/// A root chain that BTTC checkpoints to and listens on. The numbers are BTTC's own
/// (`tron = 1, eth = 2, bsc = 3`) and are used on chain and in contract messages.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum RootChainId {
	/// TRON: the stake chain, where StakeManager lives.
	Tron = 1,
	/// Ethereum.
	Ethereum = 2,
	/// BNB Smart Chain.
	Bsc = 3,
}

impl RootChainId {
	/// Every supported root chain, in id order.
	pub const ALL: [RootChainId; 3] = [RootChainId::Tron, RootChainId::Ethereum, RootChainId::Bsc];

	/// The numeric id used in contracts and messages.
	pub const fn as_u8(self) -> u8 {
		self as u8
	}

	/// Parses the numeric id; `None` for an id BTTC does not know.
	pub const fn from_u8(id: u8) -> Option<Self> {
		match id {
			1 => Some(RootChainId::Tron),
			2 => Some(RootChainId::Ethereum),
			3 => Some(RootChainId::Bsc),
			_ => None,
		}
	}

	/// Confirmations a validator waits for before reporting an event of this chain
	/// (BTTC defaults; node operators can override them).
	pub const fn default_confirmations(self) -> u32 {
		match self {
			RootChainId::Tron => 18,
			RootChainId::Ethereum => 6,
			RootChainId::Bsc => 15,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn root_chain_ids_round_trip_and_match_bttc_numbering() {
		for id in RootChainId::ALL {
			assert_eq!(RootChainId::from_u8(id.as_u8()), Some(id));
		}
		assert_eq!(RootChainId::Tron.as_u8(), 1);
		assert_eq!(RootChainId::Ethereum.as_u8(), 2);
		assert_eq!(RootChainId::Bsc.as_u8(), 3);
		assert_eq!(RootChainId::from_u8(0), None);
		assert_eq!(RootChainId::from_u8(4), None);
	}

	#[test]
	fn block_time_is_two_seconds() {
		assert_eq!(time::MILLISECS_PER_BLOCK, 2_000);
		assert_eq!(time::MINUTES, 30);
	}

	#[test]
	fn btt_has_eighteen_decimals() {
		assert_eq!(currency::BTT, 10u128.pow(currency::TOKEN_DECIMALS as u32));
	}
}
