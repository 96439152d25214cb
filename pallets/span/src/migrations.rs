//! Storage migrations of the span pallet, one module per storage version.

pub mod v1 {
	//! Version 0 → 1: every stored span keeps the producer delay and backup multiplier it was
	//! fixed with, so a change of the span parameters applies only to spans fixed afterwards
	//! (as the span and sprint lengths already did). Spans stored before the upgrade get the
	//! parameters in force at the upgrade, which are the ones their blocks were timed with.

	use crate::{pallet::*, types::SpanValidatorOf, StoredSpan, LOG_TARGET};
	use bttc_primitives::{
		span::{SpanId, ValidatorIndex},
		BlockNumber,
	};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::{BoundedVec, Get, Weight},
		traits::UncheckedOnRuntimeUpgrade,
	};

	/// The layout of version 0.
	pub mod v0 {
		use super::*;
		use frame_support::{storage_alias, Twox64Concat};

		/// A span as version 0 stored it: without its delays.
		#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
		pub struct StoredSpan<ValidatorEntry, MaxValidators: Get<u32>, MaxProducers: Get<u32>> {
			pub id: SpanId,
			pub start_block: BlockNumber,
			pub end_block: BlockNumber,
			pub sprint_length: BlockNumber,
			pub seed_block: BlockNumber,
			pub validators: BoundedVec<ValidatorEntry, MaxValidators>,
			pub producers: BoundedVec<ValidatorIndex, MaxProducers>,
		}

		/// A version-0 span of runtime `T`.
		pub type StoredSpanOf<T> = StoredSpan<
			SpanValidatorOf<T>,
			<T as Config>::MaxValidators,
			<T as Config>::MaxProducers,
		>;

		impl<T: Config> From<&crate::StoredSpan<T>> for StoredSpanOf<T> {
			/// The span as version 0 stored it (tests and upgrade rehearsals).
			fn from(span: &crate::StoredSpan<T>) -> Self {
				Self {
					id: span.id,
					start_block: span.start_block,
					end_block: span.end_block,
					sprint_length: span.sprint_length,
					seed_block: span.seed_block,
					validators: span.validators.clone(),
					producers: span.producers.clone(),
				}
			}
		}

		/// `Spans` with version-0 values.
		#[storage_alias]
		pub type Spans<T: Config> = StorageMap<Pallet<T>, Twox64Concat, SpanId, StoredSpanOf<T>>;
	}

	/// The migration without its version check; use [`MigrateV0ToV1`].
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let params = Params::<T>::get();
			let mut spans: u32 = 0;
			Spans::<T>::translate::<v0::StoredSpanOf<T>, _>(|_, old| {
				spans = spans.saturating_add(1);
				Some(StoredSpan {
					id: old.id,
					start_block: old.start_block,
					end_block: old.end_block,
					sprint_length: old.sprint_length,
					seed_block: old.seed_block,
					validators: old.validators,
					producers: old.producers,
					producer_delay_ms: params.producer_delay_ms,
					backup_multiplier_ms: params.backup_multiplier_ms,
				})
			});
			log::info!(
				target: LOG_TARGET,
				"storage v1: {spans} spans keep their author delays ({} ms, backups +{} ms)",
				params.producer_delay_ms,
				params.backup_multiplier_ms
			);
			Pallet::<T>::deposit_event(Event::StorageMigrated { version: 1, spans });
			// Params, each span read and written, the event.
			T::DbWeight::get().reads_writes(
				u64::from(spans).saturating_add(1),
				u64::from(spans).saturating_add(1),
			)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			let mut spans: alloc::vec::Vec<v0::StoredSpanOf<T>> =
				v0::Spans::<T>::iter_values().collect();
			frame_support::ensure!(
				!spans.is_empty() || CurrentSpanId::<T>::get().is_none(),
				"no span to migrate although a span is current"
			);
			spans.sort_by_key(|s| s.id);
			Ok((spans, Params::<T>::get()).encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::ensure;
			let (old, params): (alloc::vec::Vec<v0::StoredSpanOf<T>>, crate::SpanParams) =
				Decode::decode(&mut &state[..]).map_err(|_| "pre-upgrade state does not decode")?;
			ensure!(Spans::<T>::iter_keys().count() == old.len(), "the number of spans changed");
			for before in old {
				let after = Spans::<T>::get(before.id).ok_or("a span was lost")?;
				ensure!(
					(
						after.id,
						after.start_block,
						after.end_block,
						after.sprint_length,
						after.seed_block
					) == (
						before.id,
						before.start_block,
						before.end_block,
						before.sprint_length,
						before.seed_block
					),
					"a span's blocks changed"
				);
				ensure!(after.validators == before.validators, "a span's validators changed");
				ensure!(after.producers == before.producers, "a span's producers changed");
				ensure!(
					(after.producer_delay_ms, after.backup_multiplier_ms)
						== (params.producer_delay_ms, params.backup_multiplier_ms),
					"a span did not get the delays in force"
				);
			}
			Ok(())
		}
	}

	/// Version 0 → 1, run once: only while the pallet's on-chain storage version is 0, which it
	/// then sets to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		UncheckedMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
