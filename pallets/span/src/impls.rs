//! Logic of the span pallet: genesis span, fixing and rolling spans, queries for the runtime
//! API and the `try_state` invariants.

use crate::{
	pallet::*,
	selection::{select_producers, SelectionError},
	types::{
		validate_params, OnSpanStart, ParamsError, SpanValidatorOf, StoredSpan,
		ValidatorSetProvider,
	},
	weights::WeightInfo,
	LOG_TARGET,
};
use alloc::{collections::BTreeSet, vec::Vec};
use bttc_primitives::{
	span::{
		author_delay_ms, is_sprint_start, sprint_of, ExpectedAuthors, ScheduledAuthor, Span,
		SpanId, SpanParams, SpanValidator, GENESIS_SPAN_SEED,
	},
	traits::ForcedChangeError,
	BlockNumber,
};
use frame_support::{
	defensive,
	pallet_prelude::{BoundedVec, DispatchError, Get, Weight},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_io::hashing::blake2_256;

impl<T: Config> From<ParamsError> for Error<T> {
	fn from(e: ParamsError) -> Self {
		match e {
			ParamsError::SprintLengthZero => Error::SprintLengthZero,
			ParamsError::SprintTooLong => Error::SprintTooLong,
			ParamsError::SpanTooShort => Error::SpanTooShort,
			ParamsError::SpanNotMultipleOfSprint => Error::SpanNotMultipleOfSprint,
			ParamsError::FirstSpanTooShort => Error::FirstSpanTooShort,
			ParamsError::FirstSpanNotMultipleOfSprint => Error::FirstSpanNotMultipleOfSprint,
			ParamsError::ProducerCountZero => Error::ProducerCountZero,
			ParamsError::TooManyProducers => Error::TooManyProducers,
			ParamsError::BackupMultiplierZero => Error::BackupMultiplierZero,
		}
	}
}

impl<T: Config> From<ForcedChangeError> for Error<T> {
	fn from(e: ForcedChangeError) -> Self {
		match e {
			ForcedChangeError::NoVoterLeft => Error::NoVoterLeft,
			ForcedChangeError::ChangePending => Error::ChangePending,
			ForcedChangeError::TooSoon => Error::ForcedChangeTooSoon,
			ForcedChangeError::Unsupported => Error::ForcedChangeUnsupported,
		}
	}
}

/// What a forced finality change did.
pub struct ForcedRecovery {
	/// Voters of the forced set.
	pub voters: u32,
	/// Block at which the set takes over.
	pub enacted_at: BlockNumber,
}

/// Validators and producers of a span being fixed.
type Selection<T> = (
	BoundedVec<SpanValidatorOf<T>, <T as Config>::MaxValidators>,
	BoundedVec<u32, <T as Config>::MaxProducers>,
);

impl<T: Config> Pallet<T> {
	// ----- Parameters -----------------------------------------------------------------------

	/// Checks `params` against this runtime's bounds.
	pub fn check_params(params: &SpanParams) -> Result<(), ParamsError> {
		let block_hash_count =
			TryInto::<BlockNumber>::try_into(T::BlockHashCount::get()).unwrap_or(BlockNumber::MAX);
		validate_params(params, T::MaxProducers::get(), block_hash_count)
	}

	/// Current span parameters.
	pub fn params() -> SpanParams {
		Params::<T>::get()
	}

	// ----- Queries for the runtime API -------------------------------------------------------

	/// The span containing the current block.
	pub fn current_span() -> Option<Span<T::ValidatorId, T::AuthorityId>> {
		let id = CurrentSpanId::<T>::get()?;
		Spans::<T>::get(id).map(|s| s.to_api())
	}

	/// The span after the current one, once fixed.
	pub fn next_span() -> Option<Span<T::ValidatorId, T::AuthorityId>> {
		let id = CurrentSpanId::<T>::get()?.checked_add(1)?;
		Spans::<T>::get(id).map(|s| s.to_api())
	}

	/// The stored span with id `id`.
	pub fn span_by_id(id: SpanId) -> Option<Span<T::ValidatorId, T::AuthorityId>> {
		Spans::<T>::get(id).map(|s| s.to_api())
	}

	/// The stored span containing `block`: next, current or a span of the kept history.
	pub fn span_of(block: BlockNumber) -> Option<Span<T::ValidatorId, T::AuthorityId>> {
		Self::stored_span_of(block).map(|s| s.to_api())
	}

	fn stored_span_of(block: BlockNumber) -> Option<StoredSpan<T>> {
		let current = CurrentSpanId::<T>::get()?;
		let oldest = OldestSpanId::<T>::get();
		// Newest first: the next and the current span answer nearly every call.
		let mut id = current.saturating_add(1);
		loop {
			if let Some(span) = Spans::<T>::get(id) {
				if span.contains(block) {
					return Some(span);
				}
				if block > span.end_block {
					return None;
				}
			}
			if id <= oldest {
				return None;
			}
			id = id.saturating_sub(1);
		}
	}

	/// Who may author `block`, in succession order, with each author's delay.
	pub fn expected_authors(
		block: BlockNumber,
	) -> Option<ExpectedAuthors<T::ValidatorId, T::AuthorityId>> {
		let stored = Self::stored_span_of(block)?;
		let (producer_delay_ms, backup_multiplier_ms) =
			(stored.producer_delay_ms, stored.backup_multiplier_ms);
		let span = stored.to_api();
		let sprint = sprint_of(span.start_block, span.sprint_length, block)?;
		let sprint_start = is_sprint_start(span.start_block, span.sprint_length, block);
		let mut authors = Vec::new();
		for (succession, index) in span.authoring_order(block).into_iter().enumerate() {
			let succession = u32::try_from(succession).ok()?;
			let validator = span.validators.get(usize::try_from(index).ok()?)?;
			authors.push(ScheduledAuthor {
				validator: validator.id.clone(),
				authority: validator.authority.clone(),
				succession,
				delay_ms: author_delay_ms(
					sprint_start,
					succession,
					T::BlockPeriodMs::get(),
					producer_delay_ms,
					backup_multiplier_ms,
				),
			});
		}
		Some(ExpectedAuthors { span_id: span.id, sprint, sprint_start, authors })
	}

	/// Authoring key of the in-turn producer of `block`.
	pub fn in_turn_author(block: BlockNumber) -> Option<T::AuthorityId> {
		let span = Self::stored_span_of(block)?.to_api();
		span.in_turn_producer(block).map(|v| v.authority.clone())
	}

	/// Succession of `authority` for `block`: 0 in turn, `k` for the `k`-th backup, `None`
	/// if it is not a validator of the block's span (producers first, then the others).
	pub fn succession_of(block: BlockNumber, authority: &T::AuthorityId) -> Option<u32> {
		Self::stored_span_of(block)?.to_api().succession_of(block, authority)
	}

	/// Delay in ms after the parent's timestamp before `authority` may author `block`;
	/// `None` if it may not author it at all.
	pub fn author_delay_of(block: BlockNumber, authority: &T::AuthorityId) -> Option<u64> {
		let stored = Self::stored_span_of(block)?;
		let span = stored.to_api();
		let succession = span.succession_of(block, authority)?;
		Some(author_delay_ms(
			span.is_sprint_start(block),
			succession,
			T::BlockPeriodMs::get(),
			stored.producer_delay_ms,
			stored.backup_multiplier_ms,
		))
	}

	/// Validators governance excluded (see [`Excluded`]).
	pub fn excluded() -> Vec<T::ValidatorId> {
		Excluded::<T>::get().into_iter().collect()
	}

	// ----- Finality recovery ------------------------------------------------------------------

	/// Checks and applies [`Pallet::force_finality_recovery`]: `excluded` must be validators of
	/// the current span, and some validator must be left; the runtime forces the finality set
	/// and `excluded` is recorded only if it did.
	pub(crate) fn do_force_finality_recovery(
		excluded: &[T::ValidatorId],
		best_finalized: BlockNumber,
		delay: BlockNumber,
	) -> Result<ForcedRecovery, DispatchError> {
		let now: BlockNumber =
			TryInto::<BlockNumber>::try_into(frame_system::Pallet::<T>::block_number())
				.map_err(|_| DispatchError::Other("block number beyond u32"))?;
		let span = Self::current_span().ok_or(Error::<T>::NoCurrentSpan)?;
		frame_support::ensure!(best_finalized < now, Error::<T>::FinalizedNotInPast);
		frame_support::ensure!(delay <= Params::<T>::get().span_length, Error::<T>::DelayTooLong);
		frame_support::ensure!(
			excluded.iter().all(|id| span.validators.iter().any(|v| &v.id == id)),
			Error::<T>::NotInCurrentSpan
		);
		let mut stored = Excluded::<T>::get();
		for id in excluded {
			// Cannot overflow: the bound is the span's own validator bound.
			stored.try_insert(id.clone()).map_err(|_| Error::<T>::NoVoterLeft)?;
		}
		// Earlier exclusions count too: someone must be left of the whole excluded set.
		frame_support::ensure!(
			span.validators.iter().any(|v| !stored.contains(&v.id)),
			Error::<T>::NoVoterLeft
		);
		let all: Vec<T::ValidatorId> = stored.iter().cloned().collect();
		let voters =
			<T::OnSpanStart as OnSpanStart<_, _>>::force_change(&span, &all, best_finalized, delay)
				.map_err(Error::<T>::from)?;
		Excluded::<T>::put(stored);
		log::warn!(
			target: LOG_TARGET,
			"finality recovery: {} validator(s) excluded, {voters} voter(s) from block {}",
			excluded.len(),
			now.saturating_add(delay)
		);
		Ok(ForcedRecovery { voters, enacted_at: now.saturating_add(delay) })
	}

	// ----- Span creation ----------------------------------------------------------------------

	/// Builds span 0 from the genesis validator set.
	pub(crate) fn create_genesis_span(params: &SpanParams) -> Result<(), &'static str> {
		let (validators, producers) = Self::select(GENESIS_SPAN_SEED, params.producer_count)
			.map_err(|_| {
				"the validator set provider returned no validator with stake > 0; give the \
				 genesis validators stake and build this pallet after the pallet providing them"
			})?;
		let span = StoredSpan::<T> {
			id: 0,
			start_block: 1,
			end_block: params.first_span_length,
			sprint_length: params.sprint_length,
			seed_block: 0,
			validators,
			producers,
			producer_delay_ms: params.producer_delay_ms,
			backup_multiplier_ms: params.backup_multiplier_ms,
		};
		Self::deposit_event(Event::SpanFixed {
			span_id: 0,
			start_block: span.start_block,
			end_block: span.end_block,
			seed_block: 0,
			producers: span.producers.clone(),
		});
		Spans::<T>::insert(0, span);
		CurrentSpanId::<T>::put(0);
		OldestSpanId::<T>::put(0);
		Ok(())
	}

	/// Snapshot of the active validators (stake > 0, first occurrence of each id and key,
	/// highest stakes if more than `MaxValidators`, provider order kept) and producers drawn
	/// from it with `seed`.
	pub(crate) fn select(seed: [u8; 32], count: u32) -> Result<Selection<T>, SelectionError> {
		let mut ids = BTreeSet::new();
		let mut keys = BTreeSet::new();
		let mut candidates: Vec<(usize, SpanValidatorOf<T>)> = Vec::new();
		let excluded = Excluded::<T>::get();
		for (id, stake, authority) in T::ValidatorSet::active_validators() {
			if stake == 0
				|| ids.contains(&id)
				|| keys.contains(&authority)
				|| excluded.contains(&id)
			{
				continue;
			}
			ids.insert(id.clone());
			keys.insert(authority.clone());
			candidates.push((candidates.len(), SpanValidator { id, stake, authority }));
		}
		let max = usize::try_from(T::MaxValidators::get()).unwrap_or(usize::MAX);
		if candidates.len() > max {
			log::warn!(
				target: LOG_TARGET,
				"{} validators with stake, keeping the {max} with the highest stake",
				candidates.len()
			);
			// Highest stake first, ties by provider order; then back to provider order.
			candidates.sort_by(|a, b| b.1.stake.cmp(&a.1.stake).then(a.0.cmp(&b.0)));
			candidates.truncate(max);
			candidates.sort_by_key(|c| c.0);
		}
		let validators: Vec<SpanValidatorOf<T>> = candidates.into_iter().map(|c| c.1).collect();
		let stakes: Vec<u128> = validators.iter().map(|v| v.stake).collect();
		let mut producers = select_producers(seed, &stakes, count)?;
		producers.truncate(usize::try_from(T::MaxProducers::get()).unwrap_or(usize::MAX));
		// Both fit: `validators` was truncated to `MaxValidators`, `producers` to `MaxProducers`.
		let validators = BoundedVec::truncate_from(validators);
		let producers = BoundedVec::truncate_from(producers);
		Ok((validators, producers))
	}

	/// 32-byte seed from the hash of block `seed_block`.
	pub(crate) fn seed_of(seed_block: BlockNumber) -> [u8; 32] {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::from(seed_block));
		let bytes = hash.as_ref();
		let mut seed = [0u8; 32];
		if bytes.len() == 32 {
			seed.copy_from_slice(bytes);
		} else {
			seed = blake2_256(bytes);
		}
		seed
	}

	/// Fixes the span after `current` at block `now`. Returns the weight used.
	pub(crate) fn fix_next_span(current: &StoredSpan<T>, now: BlockNumber) -> Weight {
		let params = Params::<T>::get();
		let (Some(id), Some(start)) = (current.id.checked_add(1), current.end_block.checked_add(1))
		else {
			defensive!("span id or block number overflow");
			return T::DbWeight::get().reads(1);
		};
		let Some(end) = start.checked_add(params.span_length.saturating_sub(1)) else {
			defensive!("span end block overflows the block number");
			return T::DbWeight::get().reads(1);
		};
		let seed_block = now.saturating_sub(current.sprint_length);
		let seed = Self::seed_of(seed_block);
		let (validators, producers) = match Self::select(seed, params.producer_count) {
			Ok(selection) => selection,
			Err(e) => {
				log::error!(
					target: LOG_TARGET,
					"span {id}: no producers can be selected ({e:?}); reusing span {}'s",
					current.id
				);
				Self::deposit_event(Event::ValidatorSetEmpty { span_id: id });
				(current.validators.clone(), current.producers.clone())
			}
		};
		let validator_count = u32::try_from(validators.len()).unwrap_or(u32::MAX);
		let producer_count = u32::try_from(producers.len()).unwrap_or(u32::MAX);
		let span = StoredSpan::<T> {
			id,
			start_block: start,
			end_block: end,
			sprint_length: params.sprint_length,
			seed_block,
			validators,
			producers,
			producer_delay_ms: params.producer_delay_ms,
			backup_multiplier_ms: params.backup_multiplier_ms,
		};
		Self::deposit_event(Event::SpanFixed {
			span_id: id,
			start_block: start,
			end_block: end,
			seed_block,
			producers: span.producers.clone(),
		});
		log::debug!(target: LOG_TARGET, "fixed span {id}: blocks {start}..={end}");
		Spans::<T>::insert(id, span);
		T::WeightInfo::fix_next_span(validator_count, producer_count)
	}

	/// Makes span `next_id` current and prunes history beyond `MaxSpanHistory`.
	pub(crate) fn rollover_to(next_id: SpanId) -> Weight {
		CurrentSpanId::<T>::put(next_id);
		Self::deposit_event(Event::SpanStarted { span_id: next_id });
		let hook_weight = match Spans::<T>::get(next_id) {
			Some(span) => <T::OnSpanStart as OnSpanStart<_, _>>::on_span_start(
				&span.to_api(),
				&Self::excluded(),
			),
			None => {
				defensive!("the span being started is not stored");
				Weight::zero()
			}
		};
		let mut oldest = OldestSpanId::<T>::get();
		let keep = SpanId::from(T::MaxSpanHistory::get());
		let mut pruned = 0u32;
		while oldest.saturating_add(keep) < next_id {
			Spans::<T>::remove(oldest);
			oldest = oldest.saturating_add(1);
			pruned = pruned.saturating_add(1);
		}
		if pruned > 0 {
			OldestSpanId::<T>::put(oldest);
		}
		T::WeightInfo::rollover(pruned).saturating_add(hook_weight)
	}

	/// `on_initialize`: rolls over to the next span at its first block and fixes the next span
	/// at the current span's [`StoredSpan::fix_next_at`] block.
	pub(crate) fn do_on_initialize(n: BlockNumberFor<T>) -> Weight {
		let mut weight = T::WeightInfo::on_initialize_idle();
		let Ok(now) = TryInto::<BlockNumber>::try_into(n) else {
			defensive!("block number beyond u32");
			return weight;
		};
		let Some(current_id) = CurrentSpanId::<T>::get() else {
			// No genesis span (pallet added without a migration): nothing to schedule.
			return weight;
		};
		let Some(mut current) = Spans::<T>::get(current_id) else {
			defensive!("current span is not stored");
			return weight;
		};
		if now > current.end_block {
			let Some(next_id) = current_id.checked_add(1) else {
				defensive!("span id overflow");
				return weight;
			};
			if !Spans::<T>::contains_key(next_id) {
				defensive!("next span was not fixed before the current one ended; fixing it now");
				weight = weight.saturating_add(Self::fix_next_span(&current, now));
			}
			let Some(next) = Spans::<T>::get(next_id) else {
				return weight;
			};
			weight = weight.saturating_add(Self::rollover_to(next_id));
			current = next;
		}
		let next_known = current.id.checked_add(1).is_some_and(Spans::<T>::contains_key);
		if !next_known && now >= current.fix_next_at() {
			weight = weight.saturating_add(Self::fix_next_span(&current, now));
		}
		weight
	}

	// ----- Invariants ---------------------------------------------------------------------------

	/// Invariants of the pallet's storage:
	/// - parameters are valid;
	/// - spans are stored for exactly the ids `OldestSpanId ..= CurrentSpanId (+ 1)`, at most
	///   `MaxSpanHistory` behind the current one, each under its own id;
	/// - span 0 starts at block 1; each span starts right after the previous one ends, so the
	///   next span starts at the current end + 1;
	/// - every span is a whole number (≥ 2) of its sprints, has validators with stake > 0 and
	///   distinct keys, and 1 ..= `MaxProducers` producers that index its validators;
	/// - the current block lies in the current span, and the next span is fixed once the
	///   current span's fixing block is reached;
	/// - the current and next spans each keep a validator governance did not exclude.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		Self::check_params(&Params::<T>::get()).map_err(|e| e.describe())?;
		let Some(current_id) = CurrentSpanId::<T>::get() else {
			ensure!(
				Spans::<T>::iter_keys().next().is_none(),
				"spans stored without a current span"
			);
			return Ok(());
		};
		let oldest = OldestSpanId::<T>::get();
		ensure!(oldest <= current_id, "oldest span is after the current one");
		ensure!(
			current_id.saturating_sub(oldest) <= SpanId::from(T::MaxSpanHistory::get()),
			"more past spans stored than MaxSpanHistory"
		);
		let next_id = current_id.saturating_add(1);
		let latest = if Spans::<T>::contains_key(next_id) { next_id } else { current_id };
		let stored = Spans::<T>::iter_keys().count() as u64;
		ensure!(stored == latest.saturating_sub(oldest).saturating_add(1), "span ids have gaps");

		let mut previous: Option<StoredSpan<T>> = None;
		for id in oldest..=latest {
			let span = Spans::<T>::get(id).ok_or("span id missing in the stored range")?;
			ensure!(span.id == id, "span stored under another id");
			ensure!(span.start_block <= span.end_block, "span ends before it starts");
			if id == 0 {
				ensure!(span.start_block == 1, "span 0 must start at block 1");
			}
			if let Some(prev) = &previous {
				ensure!(
					Some(span.start_block) == prev.end_block.checked_add(1),
					"spans are not contiguous"
				);
			}
			let length = span.end_block.saturating_sub(span.start_block).saturating_add(1);
			ensure!(span.sprint_length > 0, "span has a zero sprint length");
			ensure!(length % span.sprint_length == 0, "span is not a whole number of sprints");
			ensure!(length >= span.sprint_length.saturating_mul(2), "span shorter than 2 sprints");
			ensure!(!span.validators.is_empty(), "span without validators");
			ensure!(span.validators.iter().all(|v| v.stake > 0), "span validator without stake");
			let keys: BTreeSet<_> = span.validators.iter().map(|v| &v.authority).collect();
			ensure!(keys.len() == span.validators.len(), "span validators share a key");
			ensure!(!span.producers.is_empty(), "span without producers");
			ensure!(
				span.producers.len() <= T::MaxProducers::get() as usize,
				"more producers than MaxProducers"
			);
			ensure!(
				span.validators.len() <= T::MaxValidators::get() as usize,
				"more validators than MaxValidators"
			);
			ensure!(
				span.producers.iter().all(|p| (*p as usize) < span.validators.len()),
				"producer is not a validator of the span"
			);
			previous = Some(span);
		}

		let excluded = Excluded::<T>::get();
		for id in current_id..=latest {
			let span = Spans::<T>::get(id).ok_or("span id missing in the stored range")?;
			ensure!(
				span.validators.iter().any(|v| !excluded.contains(&v.id)),
				"every validator of the current or next span is excluded: nobody could finalize"
			);
		}

		let current = Spans::<T>::get(current_id).ok_or("current span missing")?;
		let now: BlockNumber =
			TryInto::<BlockNumber>::try_into(frame_system::Pallet::<T>::block_number())
				.map_err(|_| "block number beyond u32")?;
		if now > 0 {
			ensure!(current.contains(now), "current block outside the current span");
			if now >= current.fix_next_at() {
				ensure!(latest == next_id, "next span not fixed at its fixing block");
			}
		}
		Ok(())
	}
}
