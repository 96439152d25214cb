//! Test runtime: System + Staking, real secp256k1 signer keys, numeric session keys
//! (`UintAuthorityId`: aura `100 + n`, grandpa `200 + n`, attestation `300 + n`).

#![allow(clippy::unwrap_used)]

use crate as pallet_staking;
use crate::{GenesisValidatorOf, SessionKeysOf};
use bttc_primitives::{
	staking::{signer_address, RootValidatorId, SignerPubkey, StakeNonce, StakingEvent},
	RootChainId,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use sp_core::{ecdsa, Pair, H160};
use sp_runtime::{testing::UintAuthorityId, BuildStorage};

type Block = frame_system::mocking::MockBlockU32<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Staking: pallet_staking,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const StakeChain: RootChainId = RootChainId::Tron;
}

pub const MAX_VALIDATORS: u32 = 4;
pub const MAX_QUEUED: u32 = 3;

impl pallet_staking::Config for Test {
	type AuraId = UintAuthorityId;
	type FinalityId = UintAuthorityId;
	type AttestationId = UintAuthorityId;
	type StakeChain = StakeChain;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type MaxQueuedPerValidator = ConstU32<MAX_QUEUED>;
	type UnsignedPriority = ConstU64<{ 1 << 20 }>;
	type WeightInfo = ();
}

/// The signer key of test account `i`.
pub fn signer(i: u8) -> ecdsa::Pair {
	ecdsa::Pair::from_seed(&[i; 32])
}

/// The 64-byte uncompressed public key of `pair`, recovered from a signature as the pallet
/// does.
pub fn pubkey_of(pair: &ecdsa::Pair) -> SignerPubkey {
	let digest = [7u8; 32];
	let signature = pair.sign_prehashed(&digest);
	sp_io::crypto::secp256k1_ecdsa_recover(&signature.0, &digest).ok().expect("valid signature")
}

/// Signer address of test account `i`.
pub fn address(i: u8) -> H160 {
	signer_address(&pubkey_of(&signer(i)))
}

/// Session keys numbered `n`: aura `100 + n`, grandpa `200 + n`, attestation `300 + n`.
pub fn keys(n: u64) -> SessionKeysOf<Test> {
	crate::SessionKeys {
		aura: UintAuthorityId(100 + n),
		grandpa: UintAuthorityId(200 + n),
		attestation: UintAuthorityId(300 + n),
	}
}

/// `Staked` of validator `id` with signer account `account` and `amount`.
pub fn staked(id: RootValidatorId, account: u8, amount: u128) -> StakingEvent {
	let signer_pubkey = pubkey_of(&signer(account));
	StakingEvent::Staked {
		validator_id: id,
		signer: signer_address(&signer_pubkey),
		nonce: 1,
		activation_epoch: 10,
		amount,
		signer_pubkey,
	}
}

/// `StakeUpdate` of validator `id` at `nonce` to `power`.
pub fn stake_update(id: RootValidatorId, nonce: StakeNonce, power: u128) -> StakingEvent {
	StakingEvent::StakeUpdate { validator_id: id, nonce, new_power: power }
}

/// `SignerChange` of validator `id` at `nonce` to signer account `account`.
pub fn signer_change(id: RootValidatorId, nonce: StakeNonce, account: u8) -> StakingEvent {
	let signer_pubkey = pubkey_of(&signer(account));
	StakingEvent::SignerChange {
		validator_id: id,
		nonce,
		new_signer: signer_address(&signer_pubkey),
		signer_pubkey,
	}
}

/// A genesis validator `id` with signer account `account`, `power` and keys numbered `id`.
pub fn genesis_validator(
	id: RootValidatorId,
	account: u8,
	power: u128,
) -> GenesisValidatorOf<Test> {
	crate::GenesisValidator {
		id,
		signer_pubkey: pubkey_of(&signer(account)),
		power,
		nonce: 1,
		keys: keys(id),
	}
}

pub fn build_ext(validators: Vec<GenesisValidatorOf<Test>>) -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		staking: pallet_staking::GenesisConfig { validators },
	}
	.build_storage()
	.expect("valid genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	// The benchmarks sign with keys generated in the keystore.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// An empty validator set (the benchmarks' test externalities).
#[cfg_attr(not(feature = "runtime-benchmarks"), allow(dead_code))]
pub fn new_test_ext() -> sp_io::TestExternalities {
	build_ext(vec![])
}

/// Runs `test` on an empty validator set, then checks the pallet's invariants.
pub fn test(test: impl FnOnce()) {
	test_with(vec![], test)
}

/// Runs `test` on a genesis with `validators`, then checks the pallet's invariants.
pub fn test_with(validators: Vec<GenesisValidatorOf<Test>>, test: impl FnOnce()) {
	build_ext(validators).execute_with(|| {
		Staking::do_try_state().expect("try_state invariants hold at genesis");
		test();
		Staking::do_try_state().expect("try_state invariants hold");
	});
}
