//! # Checkpoint pallet (Heimdall's `checkpoint` module)
//!
//! Commits ranges of sidechain blocks to the root chains. Each root chain has an independent
//! **stream** ([`Streams`]: its first block, buffer, lengths; [`StreamStates`]: the next start
//! block, the ack count, the proposer) and at most one [`Pending`] checkpoint at a time.
//!
//! ## A checkpoint's life
//!
//! 1. **Leaves**: in `on_finalize` of every block, the pallet stores the block's leaf
//!    ([`Leaves`]) from its Ethereum view ([`Config::BlockLeaves`], the EVM pallet's block:
//!    number, timestamp, transactions root, receipts root). Leaves below every stream's next
//!    start are pruned, a few per block.
//! 2. **Proposal**: in `on_initialize`, a stream without a pending checkpoint proposes one as
//!    soon as `avg_length` blocks wait after its next start (or, `buffer_blocks` after the
//!    last ack, at least `min_length`), covering at most `max_length`. The root is the Merkle
//!    root of the leaves ([`bttc_primitives::checkpoint`]); the proposer is the stream's
//!    current proposer, named by its root-chain signer address.
//! 3. **Signatures**: validators' nodes sign the checkpoint's digest `keccak256(0x01 ‖ data)`
//!    with their root-chain signer keys and submit it ([`Pallet::sign`], unsigned). The pallet
//!    recovers the signer, refuses non-validators, repeats and non-canonical signatures
//!    (`v` ∉ {27, 28}, high `s`: the root chain would not count them), and tallies current
//!    stakes. At `total * 2 / 3 + 1` the checkpoint is **ready**
//!    ([`Event::CheckpointReady`]); signatures keep coming until the ack, so the root chain's
//!    own (mirrored) set finds enough of them.
//! 4. **Submission**: the proposer's node sends `submitCheckpoint(data, sigs)` to its root
//!    chain (signatures sorted by signer address, [`Pallet::sorted_signatures`]).
//! 5. **Ack**: the root chain's `NewHeaderBlock` event, attested by 2/3 + 1 of stake, reaches
//!    [`Pallet::on_ack`]: the stream moves to `end + 1`, the ack is kept ([`Acknowledged`]),
//!    the proposer rotates. The root chain is the source of truth: an ack whose range or root
//!    differs from the pending checkpoint still moves the stream, and says so.
//! 6. **No-ack**: a pending checkpoint not acknowledged within `buffer_blocks` is dropped in
//!    `on_initialize` ([`Event::NoAck`]); the proposer rotates and the next one proposes.
//!
//! ## Proposers
//!
//! Tendermint's weighted round-robin ([`proposer`]), per stream, over the active validators
//! with their power in whole tokens; rotated once per ack and once per no-ack, as Heimdall.
//!
//! ## Bounds
//!
//! One pending checkpoint and at most `MaxValidators` signatures per stream, one per
//! validator; at most `MaxHistory` acknowledged checkpoints kept per stream; leaves only for
//! blocks not yet acknowledged everywhere (a root chain that stops acknowledging keeps them
//! growing by one leaf, 32 bytes, per block).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
pub mod proposer;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use bttc_primitives::{
	attestation::CheckpointAck,
	checkpoint::{AckedCheckpoint, BlockLeaf, Checkpoint, PendingCheckpointInfo},
	traits::{BlockLeafSource, CheckpointSigners},
};
pub use types::{ParamsError, PendingCheckpoint, SignError, StreamParams, StreamState};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::checkpoint";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use bttc_primitives::{staking::RootValidatorId, BlockNumber, RootChainId};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::SaturatedConversion;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The active validators as checkpoint signers, with current stakes.
		type Signers: CheckpointSigners;
		/// The Ethereum view of the block being finalized.
		type BlockLeaves: BlockLeafSource;
		/// The sidechain's chain id as the `RootChain` contracts know it.
		type ChildChainId: Get<u64>;
		/// May change the streams (governance).
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Most validators signing one checkpoint.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Longest checkpoint any stream may cut (bounds the leaves read for one root).
		#[pallet::constant]
		type MaxLength: Get<u32>;
		/// Acknowledged checkpoints kept per stream.
		#[pallet::constant]
		type MaxHistory: Get<u32>;
		/// Leaves pruned per block.
		#[pallet::constant]
		type MaxLeafPruning: Get<u32>;
		/// Transaction-pool priority of signatures.
		#[pallet::constant]
		type UnsignedPriority: Get<TransactionPriority>;
		/// Weights.
		type WeightInfo: WeightInfo;
		/// Validators for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::types::BenchmarkHelper;
	}

	/// Parameters of each root chain's stream.
	#[pallet::storage]
	pub type Streams<T> = StorageMap<_, Twox64Concat, RootChainId, StreamParams, OptionQuery>;

	/// Where each stream stands.
	#[pallet::storage]
	pub type StreamStates<T> = StorageMap<_, Twox64Concat, RootChainId, StreamState, OptionQuery>;

	/// Proposer priorities of each stream's validators.
	#[pallet::storage]
	pub type Priorities<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		RootChainId,
		Twox64Concat,
		RootValidatorId,
		i128,
		OptionQuery,
	>;

	/// The checkpoint of each stream waiting for signatures and its ack.
	#[pallet::storage]
	pub type Pending<T> = StorageMap<_, Twox64Concat, RootChainId, PendingCheckpoint, OptionQuery>;

	/// Signatures of each stream's pending checkpoint, by validator, with the signer address
	/// they recover to.
	#[pallet::storage]
	pub type Signatures<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		RootChainId,
		Twox64Concat,
		RootValidatorId,
		([u8; 65], sp_core::H160),
		OptionQuery,
	>;

	/// Leaves of the blocks not yet acknowledged on every stream.
	#[pallet::storage]
	pub type Leaves<T> = StorageMap<_, Twox64Concat, BlockNumber, H256, OptionQuery>;

	/// Lowest block whose leaf may still be stored (pruning cursor).
	#[pallet::storage]
	pub type LeavesFrom<T> = StorageValue<_, BlockNumber, ValueQuery>;

	/// Acknowledged checkpoints of each stream, by header block id (the last `MaxHistory`).
	#[pallet::storage]
	pub type Acknowledged<T> = StorageDoubleMap<
		_,
		Twox64Concat,
		RootChainId,
		Twox64Concat,
		u64,
		AckedCheckpoint,
		OptionQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The streams: `(root chain, parameters)`.
		pub streams: alloc::vec::Vec<(RootChainId, StreamParams)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (chain, params) in &self.streams {
				if let Err(e) = params.validate(T::MaxLength::get()) {
					panic!("checkpoint genesis: stream {chain:?}: {e:?}");
				}
				Pallet::<T>::start_stream(*chain, *params);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A checkpoint was proposed for `chain`.
		CheckpointProposed {
			chain: RootChainId,
			id: u64,
			start: u64,
			end: u64,
			root: H256,
			proposer: RootValidatorId,
		},
		/// Validator `validator` signed checkpoint `id`; `signed` of `threshold` stake so far.
		CheckpointSigned {
			chain: RootChainId,
			id: u64,
			validator: RootValidatorId,
			signed: u128,
			threshold: u128,
		},
		/// Checkpoint `id` reached 2/3 + 1 of stake: its proposer may submit it.
		CheckpointReady { chain: RootChainId, id: u64 },
		/// The root chain recorded header block `header_block_id` for blocks `start..=end`.
		/// `matches_pending`: it is the pending checkpoint; `root_matches_blocks`: its root is
		/// the one of this chain's blocks (false only if the root chain holds a checkpoint these
		/// blocks do not produce).
		CheckpointAcknowledged {
			chain: RootChainId,
			header_block_id: u64,
			start: u64,
			end: u64,
			root: H256,
			matches_pending: bool,
			root_matches_blocks: bool,
		},
		/// An ack for blocks already acknowledged was ignored.
		StaleAckIgnored { chain: RootChainId, header_block_id: u64, start: u64 },
		/// Checkpoint `id` was not acknowledged within the buffer; the proposer rotates.
		NoAck { chain: RootChainId, id: u64 },
		/// Governance set a stream's parameters.
		StreamSet { chain: RootChainId, params: StreamParams },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No pending checkpoint with this id on this root chain: sign the current one
		/// (`CheckpointApi::pending`).
		NotPending,
		/// `v` must be 27 or 28 and `s` at most half the group order, or the root chain would
		/// not count the signature: normalise it.
		NonCanonical,
		/// The signature does not recover to a public key.
		BadSignature,
		/// The signer is not an active validator's root-chain signer.
		NotValidator,
		/// This validator already signed this checkpoint.
		AlreadySigned,
		/// Stream parameters must satisfy `first_block >= 1`, `buffer_blocks >= 1` and
		/// `1 <= min_length <= avg_length <= max_length <= MaxLength`.
		BadParams,
	}

	impl<T> From<SignError> for Error<T> {
		fn from(e: SignError) -> Self {
			match e {
				SignError::NotPending => Error::NotPending,
				SignError::NonCanonical => Error::NonCanonical,
				SignError::BadSignature => Error::BadSignature,
				SignError::NotValidator => Error::NotValidator,
				SignError::AlreadySigned => Error::AlreadySigned,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let now = now.saturated_into::<BlockNumber>();
			Self::run_streams(now).saturating_add(Self::prune_leaves(now))
		}

		fn on_finalize(now: BlockNumberFor<T>) {
			Self::store_leaf(now.saturated_into());
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Signs root chain `chain`'s pending checkpoint `id`: a 65-byte `r ‖ s ‖ v`
		/// signature of its digest by an active validator's root-chain signer key. Unsigned
		/// and fee-free: only a validator's key can sign, once per checkpoint.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::sign(T::MaxValidators::get()))]
		pub fn sign(
			origin: OriginFor<T>,
			chain: RootChainId,
			id: u64,
			signature: [u8; 65],
		) -> DispatchResult {
			ensure_none(origin)?;
			let (validator, signer) =
				Self::check_signature(chain, id, &signature).map_err(Error::<T>::from)?;
			Self::do_sign(chain, id, validator, signature, signer);
			Ok(())
		}

		/// Sets (or adds) root chain `chain`'s stream parameters. A new stream starts at
		/// `first_block`; an existing one keeps where it stands.
		#[pallet::call_index(1)]
		#[pallet::weight(T::DbWeight::get().reads_writes(2, 3))]
		pub fn set_stream(
			origin: OriginFor<T>,
			chain: RootChainId,
			params: StreamParams,
		) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			params.validate(T::MaxLength::get()).map_err(|_| Error::<T>::BadParams)?;
			if StreamStates::<T>::contains_key(chain) {
				Streams::<T>::insert(chain, params);
			} else {
				Self::start_stream(chain, params);
			}
			Self::deposit_event(Event::StreamSet { chain, params });
			Ok(())
		}
	}

	// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]` (removal after April
	// 2027); it is what the transaction pool and the validator duties use today.
	#[pallet::validate_unsigned]
	#[allow(deprecated)]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::sign { chain, id, signature } = call else {
				return InvalidTransaction::Call.into();
			};
			let (validator, _) =
				Self::check_signature(*chain, *id, signature).map_err(|e| match e {
					SignError::NotPending => InvalidTransaction::Stale,
					SignError::BadSignature | SignError::NonCanonical => {
						InvalidTransaction::BadProof
					}
					other => InvalidTransaction::Custom(other.code()),
				})?;
			let longevity =
				Streams::<T>::get(chain).map_or(64, |p| u64::from(p.buffer_blocks)).max(1);
			ValidTransaction::with_tag_prefix("BttcCheckpointSignature")
				.priority(T::UnsignedPriority::get())
				.and_provides((*chain, *id, validator))
				.longevity(longevity)
				.propagate(true)
				.build()
		}
	}
}
