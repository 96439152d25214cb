//! The runtime's unsigned extrinsics the validator duties submit (`bttc_duties` knows the
//! primitives, the node knows the runtime's call types).

use bttc_duties::{DutyExtrinsics, KeyOwnershipProofs, SessionKeys};
use bttc_primitives::{
	attestation::{crypto, AttestedEvent, Report, VoteSlot},
	staking::RootValidatorId,
	BlockNumber,
};
use bttc_runtime::{opaque::Block, RuntimeCall};
use codec::Encode;

/// The runtime's extrinsic format without pallet-revive's Ethereum wrapper, which encodes the
/// same bytes and can build unsigned (bare) extrinsics.
type SubstrateExtrinsic = sp_runtime::generic::UncheckedExtrinsic<
	bttc_runtime::Address,
	RuntimeCall,
	bttc_runtime::Signature,
	bttc_runtime::TxExtension,
>;

/// Builds the duties' extrinsics with this runtime's calls.
pub struct RuntimeDutyExtrinsics;

fn bare(call: RuntimeCall) -> sp_runtime::OpaqueExtrinsic {
	let encoded = SubstrateExtrinsic::new_bare(call).encode();
	// The SCALE encoding of an extrinsic always decodes as an opaque one; were it not to, the
	// pool would refuse the blob and the duty would log why.
	sp_runtime::OpaqueExtrinsic::try_from_encoded_extrinsic(&encoded)
		.unwrap_or_else(|_| sp_runtime::OpaqueExtrinsic::from_blob(encoded))
}

impl DutyExtrinsics<Block> for RuntimeDutyExtrinsics {
	fn report(
		&self,
		report: Report<AttestedEvent>,
		slot: VoteSlot,
		valid_until: BlockNumber,
		authority: crypto::AuthorityId,
		signature: crypto::AuthoritySignature,
	) -> sp_runtime::OpaqueExtrinsic {
		bare(RuntimeCall::Attestation(pallet_bttc_attestation::Call::report {
			report,
			slot,
			valid_until,
			authority,
			signature,
		}))
	}

	fn bind_session_keys(
		&self,
		validator_id: RootValidatorId,
		keys: SessionKeys,
		signature: [u8; 65],
		proofs: KeyOwnershipProofs,
	) -> sp_runtime::OpaqueExtrinsic {
		bare(RuntimeCall::Staking(pallet_bttc_staking::Call::bind_session_keys {
			validator_id,
			keys: bttc_runtime::configs::StakingSessionKeys {
				aura: keys.aura,
				grandpa: keys.grandpa,
				attestation: keys.attestation,
			},
			signature,
			proofs: pallet_bttc_staking::KeyOwnershipProofs {
				aura: proofs.aura,
				grandpa: proofs.grandpa,
				attestation: proofs.attestation,
			},
		}))
	}

	fn sign_checkpoint(
		&self,
		chain: bttc_primitives::RootChainId,
		id: u64,
		signature: [u8; 65],
	) -> sp_runtime::OpaqueExtrinsic {
		bare(RuntimeCall::Checkpoint(pallet_bttc_checkpoint::Call::sign { chain, id, signature }))
	}
}
