//! # Staking pallet (Heimdall's `staking` module)
//!
//! The sidechain's validator set, mirrored from the `StakeManager` contract on the stake chain
//! ([`Config::StakeChain`], TRON for BTTC). Validators' nodes report `StakeManager` events
//! to the attestation pallet; once 2/3 + 1 of stake attested an event, it is handed to this
//! pallet ([`OnAttested`]), which applies it.
//!
//! ## Validators
//!
//! A validator ([`ValidatorRecord`], stored in [`Validators`]) has a root-chain id, a signer
//! key (secp256k1; its address is unique among validators, [`ValidatorBySigner`]), a power
//! (self + delegated stake), activation/deactivation epochs, the nonce of the last applied
//! event, and the session keys it bound ([`SessionKeys`]: Aura, GRANDPA, attestation; each key
//! belongs to at most one validator, [`ValidatorByAura`], [`ValidatorByFinality`],
//! [`ValidatorByAttestation`]).
//!
//! A validator is **active** when it is not unstaking, not jailed, has bound its session keys
//! and has power > 0. [`TotalActivePower`] is the sum of the active validators' power; it is
//! the total stake of the attestation threshold ([`ValidatorStakes`]) and the span pallet draws
//! producers from the active validators ([`ValidatorSetProvider`]).
//!
//! ## Applying events in nonce order
//!
//! Each `StakeManager` event carries the validator's nonce after it; the root chain increments
//! it by one per event. Attested events may arrive in any order, so for an event with nonce `n`
//! of a validator whose last applied nonce is `c` (0 for an unknown validator):
//!
//! - `n <= c`, or `Staked` for a known validator: ignored ([`Event::StaleEventIgnored`]); a
//!   replay never applies twice.
//! - `n == c + 1` (for `Staked`: unknown validator, `n == 1`): applied, then the queued events
//!   `n + 1, n + 2, …` of that validator are applied while present.
//! - otherwise (a gap, or a non-`Staked` event of an unknown validator): queued in
//!   [`QueuedEvents`] ([`Event::EventQueued`]) until its predecessors arrive. At most
//!   [`Config::MaxQueuedPerValidator`] events wait per validator; beyond that the event is
//!   dropped ([`Event::QueueFull`]). That only happens if more than `MaxQueuedPerValidator`
//!   events of one validator are attested out of order, which the bridge's attestation (each
//!   validator reports the stake chain's events in block order) makes practically impossible.
//!
//! Events of any other root chain are ignored ([`Event::ForeignChainEventIgnored`]).
//!
//! Effects: `Staked` adds a validator. It is refused ([`Event::StakedRefused`], its queued
//! events dropped) only if its signer address does not match its key. If the signer is still
//! held by another validator, or `MaxValidators` live (not unstaking) validators exist, or
//! `2 · MaxValidators` records, the event waits in [`DeferredStaked`]
//! ([`Event::StakedDeferred`]) and is retried (from the next block's `on_initialize`, a few per
//! block) whenever a validator starts unstaking, is removed or changes signer: the root chain frees those slots, and its events may reach the
//! sidechain in another order than they happened. `Restaked` and `StakeUpdate` set its power; `SignerChange` sets
//! the signer (refused, [`Event::SignerChangeRefused`], on a mismatching or used signer — the
//! nonce still advances; bound session keys are kept); `UnstakeInit` starts unstaking (the
//! validator leaves the active set); `Unstaked` removes the validator, its index entries and its
//! queued events.
//!
//! ## Binding session keys
//!
//! A validator binds its session keys with the unsigned call [`Pallet::bind_session_keys`],
//! carrying a recoverable secp256k1 signature (`r ‖ s ‖ v`, `v` ∈ {0, 1, 27, 28}) by its
//! root-chain signer key over [`Pallet::binding_digest`] =
//! [`session_keys_binding_digest`](bttc_primitives::staking::session_keys_binding_digest)`(
//! genesis hash, StakeChain, validator id, binding_nonce, SCALE(keys))`, and a proof of
//! possession of each session key: its signature over
//! [`key_ownership_message`](bttc_primitives::staking::key_ownership_message)`(digest)`, so
//! nobody can bind (and be credited with) keys it does not hold. The binding nonce grows by
//! one per binding, so an old signature cannot be replayed. A key bound to another validator
//! is refused; the validator's previous keys are released.
//!
//! ## Bounds
//!
//! At most [`Config::MaxValidators`] live validators and `2 · MaxValidators` records (live
//! or unstaking), one entry per validator in each index, at most `MaxQueuedPerValidator`
//! queued events per validator id, at most `MaxValidators` deferred `Staked` events. Queues
//! exist only for ids of real `StakeManager` events attested by 2/3 + 1 of stake, so nobody
//! can create them without staking on the root chain.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use bttc_primitives::staking::{
	RootValidatorId, SignerPubkey, StakeNonce, StakingEvent, TokenAmount,
};
pub use bttc_primitives::traits::{OnAttested, ValidatorSetProvider, ValidatorStakes};
pub use types::{
	BindError, GenesisValidator, GenesisValidatorOf, KeyOwnershipProofs, KeyOwnershipProofsOf,
	RefusalReason, SessionKeys, SessionKeysOf, ValidatorRecord, ValidatorRecordOf,
};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::staking";

/// Longevity (in blocks) of a `bind_session_keys` transaction in the pool.
pub const BIND_LONGEVITY: u64 = 64;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use bttc_primitives::RootChainId;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H160;
	use sp_runtime::{transaction_validity::ValidTransactionBuilder, RuntimeAppPublic};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Block-authoring key (Aura's `AuthorityId` in the runtime).
		type AuraId: Parameter
			+ Member
			+ MaxEncodedLen
			+ Ord
			+ MaybeSerializeDeserialize
			+ RuntimeAppPublic<Signature: Parameter>;
		/// Finality key (GRANDPA's `AuthorityId` in the runtime).
		type FinalityId: Parameter
			+ Member
			+ MaxEncodedLen
			+ Ord
			+ MaybeSerializeDeserialize
			+ RuntimeAppPublic<Signature: Parameter>;
		/// Attestation key of the validator's reports
		/// (`bttc_primitives::attestation::crypto::AuthorityId`).
		type AttestationId: Parameter
			+ Member
			+ MaxEncodedLen
			+ Ord
			+ MaybeSerializeDeserialize
			+ RuntimeAppPublic<Signature: Parameter>;
		/// The root chain whose `StakeManager` is mirrored; events of other chains are ignored.
		#[pallet::constant]
		type StakeChain: Get<RootChainId>;
		/// Most live validators (staked, not unstaking); records of unstaking validators are
		/// kept up to `2 · MaxValidators` in all.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Most out-of-order events waiting per validator id.
		#[pallet::constant]
		type MaxQueuedPerValidator: Get<u32>;
		/// Transaction-pool priority of `bind_session_keys`.
		#[pallet::constant]
		type UnsignedPriority: Get<TransactionPriority>;
		/// Weights of this pallet's call and of applying events.
		type WeightInfo: WeightInfo;
	}

	/// Known validators (active or not), by root-chain id.
	#[pallet::storage]
	pub type Validators<T: Config> =
		CountedStorageMap<_, Twox64Concat, RootValidatorId, ValidatorRecordOf<T>, OptionQuery>;

	/// Signer address → validator. No two validators share a signer.
	#[pallet::storage]
	pub type ValidatorBySigner<T> =
		StorageMap<_, Blake2_128Concat, H160, RootValidatorId, OptionQuery>;

	/// Bound Aura key → validator.
	#[pallet::storage]
	pub type ValidatorByAura<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AuraId, RootValidatorId, OptionQuery>;

	/// Bound GRANDPA key → validator.
	#[pallet::storage]
	pub type ValidatorByFinality<T: Config> =
		StorageMap<_, Blake2_128Concat, T::FinalityId, RootValidatorId, OptionQuery>;

	/// Bound attestation key → validator.
	#[pallet::storage]
	pub type ValidatorByAttestation<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AttestationId, RootValidatorId, OptionQuery>;

	/// Events waiting for their predecessors: (validator id, nonce) → event.
	#[pallet::storage]
	pub type QueuedEvents<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		RootValidatorId,
		Twox64Concat,
		StakeNonce,
		StakingEvent,
		OptionQuery,
	>;

	/// Number of entries of a validator id in [`QueuedEvents`] (at most
	/// `MaxQueuedPerValidator`).
	#[pallet::storage]
	pub type QueuedCount<T> = StorageMap<_, Twox64Concat, RootValidatorId, u32, ValueQuery>;

	/// Sum of the power of the active validators.
	#[pallet::storage]
	pub type TotalActivePower<T> = StorageValue<_, TokenAmount, ValueQuery>;

	/// Number of live validators: records that are not unstaking.
	#[pallet::storage]
	pub type LiveCount<T> = StorageValue<_, u32, ValueQuery>;

	/// `Staked` events that cannot apply yet (the signer still held by another validator, or
	/// the set full), by validator id; retried whenever a validator starts unstaking, is
	/// removed or changes signer.
	#[pallet::storage]
	pub type DeferredStaked<T> =
		CountedStorageMap<_, Twox64Concat, RootValidatorId, StakingEvent, OptionQuery>;

	/// Set when a validator left or changed signer while `Staked` events were deferred: the
	/// next blocks' `on_initialize` retries them.
	#[pallet::storage]
	pub type RetryDeferred<T> = StorageValue<_, bool, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Validators at genesis, with their session keys bound (binding nonce 0).
		pub validators: alloc::vec::Vec<GenesisValidatorOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Err((id, reason)) = Pallet::<T>::build_genesis(&self.validators) {
				panic!("staking genesis: validator {id}: {reason}");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `Staked`: a new validator (inactive until it binds session keys).
		ValidatorStaked {
			validator_id: RootValidatorId,
			signer: H160,
			power: TokenAmount,
			activation_epoch: u64,
		},
		/// `Staked` was not applied: no validator was added, its queued events were dropped.
		StakedRefused { validator_id: RootValidatorId, reason: RefusalReason },
		/// `Staked` cannot apply yet (`reason`); it waits in `DeferredStaked` and is retried
		/// whenever a validator leaves or changes signer.
		StakedDeferred { validator_id: RootValidatorId, reason: RefusalReason },
		/// `Restaked` or `StakeUpdate`: the validator's power is now `power`.
		PowerChanged { validator_id: RootValidatorId, nonce: StakeNonce, power: TokenAmount },
		/// `SignerChange`: the validator's signer is now `new_signer`.
		SignerChanged {
			validator_id: RootValidatorId,
			nonce: StakeNonce,
			old_signer: H160,
			new_signer: H160,
		},
		/// `SignerChange` was not applied (the signer stays); the nonce advanced.
		SignerChangeRefused {
			validator_id: RootValidatorId,
			nonce: StakeNonce,
			reason: RefusalReason,
		},
		/// `UnstakeInit`: the validator left the active set.
		UnstakeInitiated {
			validator_id: RootValidatorId,
			nonce: StakeNonce,
			deactivation_epoch: u64,
		},
		/// `Unstaked`: the validator, its index entries and its queued events were removed.
		ValidatorRemoved { validator_id: RootValidatorId, nonce: StakeNonce },
		/// An event at or below the validator's nonce (or `Staked` of a known validator) was
		/// ignored.
		StaleEventIgnored { validator_id: RootValidatorId, nonce: StakeNonce },
		/// An event waits for its predecessors.
		EventQueued { validator_id: RootValidatorId, nonce: StakeNonce },
		/// An event with the same validator and nonce is already queued; this one was
		/// ignored.
		DuplicateEventIgnored { validator_id: RootValidatorId, nonce: StakeNonce },
		/// The validator's queue is full (`MaxQueuedPerValidator`); the event was dropped.
		QueueFull { validator_id: RootValidatorId, nonce: StakeNonce },
		/// An event of a root chain other than `StakeChain` was ignored.
		ForeignChainEventIgnored {
			chain: RootChainId,
			validator_id: RootValidatorId,
			nonce: StakeNonce,
		},
		/// The validator bound `keys`; its next binding must sign `binding_nonce`.
		SessionKeysBound {
			validator_id: RootValidatorId,
			keys: SessionKeysOf<T>,
			binding_nonce: u64,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No validator with this id: wait until its `Staked` event is attested and applied.
		UnknownValidator,
		/// The signature is not by the validator's root-chain signer key over
		/// `Pallet::binding_digest(validator_id, binding_nonce, keys)` with the validator's
		/// current binding nonce (read it from `Validators`), or its `v` is not 0, 1, 27 or 28.
		BadSignature,
		/// One of the keys (Aura, GRANDPA or attestation) is bound to another validator: use
		/// fresh keys, or have the other validator bind other keys first.
		KeysInUse,
		/// A key-ownership proof does not verify: each session key must sign
		/// `key_ownership_message(binding_digest)` of this binding.
		KeyOwnershipUnproven,
	}

	impl<T> From<BindError> for Error<T> {
		fn from(e: BindError) -> Self {
			match e {
				BindError::UnknownValidator => Error::UnknownValidator,
				BindError::BadSignature => Error::BadSignature,
				BindError::KeysInUse => Error::KeysInUse,
				BindError::KeyOwnershipUnproven => Error::KeyOwnershipUnproven,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::retry_deferred()
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Binds `keys` to validator `validator_id`, authorised by `signature` of its
		/// root-chain signer key over [`Pallet::binding_digest`] with its current binding
		/// nonce, and proven held by `proofs` (each key's signature over
		/// `key_ownership_message(digest)`). Unsigned; fee-free: only the validator's signer
		/// key can authorise it, once per binding nonce. Replaces the validator's previous
		/// keys.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::bind_session_keys())]
		pub fn bind_session_keys(
			origin: OriginFor<T>,
			validator_id: RootValidatorId,
			keys: SessionKeysOf<T>,
			signature: [u8; 65],
			proofs: KeyOwnershipProofsOf<T>,
		) -> DispatchResult {
			ensure_none(origin)?;
			let record = Self::check_binding(validator_id, &keys, &signature, &proofs)
				.map_err(Error::<T>::from)?;
			Self::do_bind(validator_id, record, keys);
			Ok(())
		}
	}

	// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]` (removal after April
	// 2027); it is what the transaction pool and the node use today.
	#[pallet::validate_unsigned]
	#[allow(deprecated)]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::bind_session_keys { validator_id, keys, signature, proofs } = call else {
				return InvalidTransaction::Call.into();
			};
			let record = Self::check_binding(*validator_id, keys, signature, proofs).map_err(
				|e| match e {
					BindError::BadSignature => InvalidTransaction::BadProof,
					other => InvalidTransaction::Custom(other.code()),
				},
			)?;
			ValidTransactionBuilder::default()
				.priority(T::UnsignedPriority::get())
				.and_provides((b"bttc-bind", *validator_id, record.binding_nonce))
				.longevity(BIND_LONGEVITY)
				.propagate(true)
				.build()
		}
	}
}
