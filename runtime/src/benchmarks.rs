//! Benchmarks in the runtime (`runtime-benchmarks` builds only): the list of benchmarked
//! pallets, which `frame-omni-bencher v1 benchmark pallet --runtime <benchmark WASM>` reads
//! through the runtime's `Benchmark` API, and the helpers the project pallets' benchmarks need
//! from the runtime (validators with keys the benchmark can sign with).
//!
//! `scripts/generate-weights.sh` builds the benchmark WASM and writes each project pallet's
//! `weights.rs` from these benchmarks.

use crate::{Runtime, Staking};
use alloc::format;
use bttc_primitives::{
	attestation::{crypto::AuthorityId as AttestationId, AttestedEvent},
	span::Stake,
	staking::{SignerPubkey, StakingEvent},
};
use sp_core::crypto::KeyTypeId;
use sp_runtime::RuntimeAppPublic;

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_bttc_staking, Staking]
	[pallet_bttc_span, Span]
	[pallet_bttc_checkpoint, Checkpoint]
	[pallet_bttc_attestation, Attestation]
	[pallet_bttc_bridge, Bridge]
);

impl frame_system_benchmarking::Config for Runtime {}
impl frame_benchmarking::baseline::Config for Runtime {}

/// The keystore key type of the benchmark checkpoint signers (the benchmark host's in-memory
/// keystore holds them; no node ever does).
const BENCHMARK_SIGNER: KeyTypeId = KeyTypeId(*b"bchs");

/// Validators with keys the benchmark host holds, for the attestation and checkpoint
/// pallets' benchmarks.
pub struct BenchmarkHelpers;

impl BenchmarkHelpers {
	/// The secp256k1 key of benchmark checkpoint signer `index`: generated in the host's
	/// keystore from a seed, so asking again returns the same key.
	fn signer_key(index: u32) -> sp_core::ecdsa::Public {
		let seed = format!("//bttc-benchmark-signer-{index}");
		sp_io::crypto::ecdsa_generate(BENCHMARK_SIGNER, Some(seed.into_bytes()))
	}

	/// The 64-byte uncompressed public key of signer `index`, as `StakeManager` stores it:
	/// recovered from one of its signatures.
	fn signer_pubkey(index: u32) -> SignerPubkey {
		let digest = [1u8; 32];
		let signature = Self::sign_digest(index, &digest);
		sp_io::crypto::secp256k1_ecdsa_recover(&signature, &digest).unwrap_or([0u8; 64])
	}

	/// Signer `index`'s signature of `digest`: `r ‖ s ‖ v` with `v` 0 or 1 (all zero if the
	/// host cannot sign, which the benchmark then reports as a refused signature).
	fn sign_digest(index: u32, digest: &[u8; 32]) -> [u8; 65] {
		let key = Self::signer_key(index);
		sp_io::crypto::ecdsa_sign_prehashed(BENCHMARK_SIGNER, &key, digest)
			.map(|signature| signature.0)
			.unwrap_or([0u8; 65])
	}

	/// A signer key unique to `seed` (up to 32 bytes) that no one can sign with: the
	/// attestation benchmark's validators never sign checkpoints.
	fn unusable_pubkey(seed: &[u8]) -> SignerPubkey {
		let mut pubkey = [0u8; 64];
		let len = seed.len().min(32);
		pubkey[..len].copy_from_slice(&seed[..len]);
		pubkey[63] = 0xa7;
		pubkey
	}
}

impl pallet_bttc_checkpoint::types::BenchmarkHelper for BenchmarkHelpers {
	fn set_signers(count: u32) {
		Staking::benchmark_clear();
		for index in 0..count {
			Staking::benchmark_add_validator(1_000_000, Self::signer_pubkey(index), None);
		}
	}

	fn sign(index: u32, digest: &[u8; 32]) -> [u8; 65] {
		let mut signature = Self::sign_digest(index, digest);
		// Ethereum's recovery id: 27 or 28.
		signature[64] = signature[64].saturating_add(27);
		signature
	}
}

impl pallet_bttc_attestation::types::BenchmarkHelper<AttestationId, AttestedEvent>
	for BenchmarkHelpers
{
	fn add_validator(stake: Stake) -> AttestationId {
		let key = AttestationId::generate_pair(None);
		let signer_pubkey = Self::unusable_pubkey(key.as_ref());
		Staking::benchmark_add_validator(stake, signer_pubkey, Some(key.clone()));
		key
	}

	fn clear_validators() {
		Staking::benchmark_clear();
	}

	/// A new validator's `Staked`: applying it registers the validator (the staking pallet's
	/// heaviest event path). The measured `report_and_apply` therefore includes one
	/// application, which the pallet charges again as `OnAttested`'s weight (conservative).
	fn event(i: u32) -> AttestedEvent {
		let validator_id = 1_000_000u64.saturating_add(u64::from(i));
		let signer_pubkey = Self::unusable_pubkey(&validator_id.to_le_bytes());
		AttestedEvent::Staking(StakingEvent::Staked {
			validator_id,
			signer: bttc_primitives::staking::signer_address(&signer_pubkey),
			nonce: 1,
			activation_epoch: 0,
			amount: 1_000,
			signer_pubkey,
		})
	}
}
