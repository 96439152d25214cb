//! Benchmarks of the staking pallet (frame_benchmarking v2).
//!
//! `bind_session_keys` signs with a secp256k1 key generated in the keystore (the benchmark
//! CLI and the mock provide one).

use super::*;
use crate::pallet::{Pallet as Staking, Validators};
use bttc_primitives::staking::{key_ownership_message, signer_address};
use frame_benchmarking::v2::*;
use frame_support::pallet_prelude::Get;
use frame_system::RawOrigin;
use sp_core::{crypto::KeyTypeId, ecdsa};
use sp_runtime::RuntimeAppPublic;

/// Key type of the benchmark's signer key.
const BENCH_KEY: KeyTypeId = KeyTypeId(*b"bstk");

/// The 64-byte public key of keystore key `public`, recovered from a signature.
fn uncompressed(public: &ecdsa::Public) -> Result<SignerPubkey, BenchmarkError> {
	let digest = [7u8; 32];
	let signature = sp_io::crypto::ecdsa_sign_prehashed(BENCH_KEY, public, &digest)
		.ok_or(BenchmarkError::Stop("no keystore to sign with"))?;
	sp_io::crypto::secp256k1_ecdsa_recover(&signature.0, &digest)
		.map_err(|_| BenchmarkError::Stop("recovery failed"))
}

/// A fake (curve-less) signer key numbered `i`; only its address is ever derived.
fn fake_pubkey(i: u32) -> SignerPubkey {
	let mut key = [0xAB; 64];
	key[..4].copy_from_slice(&i.to_le_bytes());
	key
}

fn keys<T: Config>(i: u32) -> Result<SessionKeysOf<T>, BenchmarkError> {
	Staking::<T>::benchmark_keys(i).ok_or(BenchmarkError::Stop("keys do not decode"))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// An active validator replaces its bound keys by new ones.
	#[benchmark]
	fn bind_session_keys() -> Result<(), BenchmarkError> {
		Staking::<T>::benchmark_clear();
		let public = sp_io::crypto::ecdsa_generate(BENCH_KEY, None);
		let id: RootValidatorId = 1;
		Staking::<T>::benchmark_insert_validator(
			id,
			1_000,
			uncompressed(&public)?,
			Some(keys::<T>(0)?),
		);
		// New keys held in the keystore, so they can prove possession.
		let new = SessionKeys {
			aura: T::AuraId::generate_pair(None),
			grandpa: T::FinalityId::generate_pair(None),
			attestation: T::AttestationId::generate_pair(None),
		};
		let binding_nonce = Validators::<T>::get(id).map(|r| r.binding_nonce).unwrap_or_default();
		let digest = Staking::<T>::binding_digest(id, binding_nonce, &new);
		let signature = sp_io::crypto::ecdsa_sign_prehashed(BENCH_KEY, &public, &digest)
			.ok_or(BenchmarkError::Stop("no keystore to sign with"))?;
		let message = key_ownership_message(&digest);
		let missing = BenchmarkError::Stop("a session key cannot sign");
		let proofs = KeyOwnershipProofs {
			aura: new.aura.sign(&message).ok_or(missing.clone())?,
			grandpa: new.grandpa.sign(&message).ok_or(missing.clone())?,
			attestation: new.attestation.sign(&message).ok_or(missing)?,
		};
		#[extrinsic_call]
		_(RawOrigin::None, id, new.clone(), signature.0, proofs);
		assert_eq!(Validators::<T>::get(id).and_then(|r| r.keys), Some(new));
		Ok(())
	}

	/// A `StakeUpdate` that fills the gap before `n` queued `SignerChange`s of an active
	/// validator, which are then applied in order.
	#[benchmark]
	fn on_attested(
		n: Linear<0, { T::MaxQueuedPerValidator::get() }>,
	) -> Result<(), BenchmarkError> {
		Staking::<T>::benchmark_clear();
		let id: RootValidatorId = 1;
		Staking::<T>::benchmark_insert_validator(id, 1_000, fake_pubkey(0), Some(keys::<T>(0)?));
		for i in 0..n {
			let signer_pubkey = fake_pubkey(i.saturating_add(1));
			Staking::<T>::process(StakingEvent::SignerChange {
				validator_id: id,
				nonce: StakeNonce::from(i).saturating_add(3),
				new_signer: signer_address(&signer_pubkey),
				signer_pubkey,
			});
		}
		let event = StakingEvent::StakeUpdate { validator_id: id, nonce: 2, new_power: 2_000 };
		#[block]
		{
			<Staking<T> as OnAttested<StakingEvent>>::on_attested(T::StakeChain::get(), event);
		}
		let nonce = Validators::<T>::get(id).map(|r| r.nonce);
		assert_eq!(nonce, Some(StakeNonce::from(n).saturating_add(2)));
		Ok(())
	}

	impl_benchmark_test_suite!(Staking, crate::mock::new_test_ext(), crate::mock::Test);
}
