//! The origins governance's non-root tracks dispatch with, and which track timescale a chain
//! uses. A pallet of the runtime, as polkadot-sdk's relay chains keep their custom origins.

pub use pallet::*;

#[frame_support::pallet]
pub mod pallet {
	use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
	use frame_support::pallet_prelude::{BuildGenesisConfig, StorageValue, ValueQuery};
	use scale_info::TypeInfo;

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// What a passed referendum of a non-root track may do.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// A `parameters` referendum: change span, attestation and checkpoint parameters.
		ParameterAdmin,
		/// An `emergency` referendum: force the finality set, cancel or kill referenda.
		EmergencyAdmin,
	}

	/// Whether the tracks run on the short timescale of development networks (minutes
	/// instead of days); set by the chain spec, `false` on live chains.
	#[pallet::storage]
	pub type FastTracks<T> = StorageValue<_, bool, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Short track periods (dev and local networks only).
		pub fast_tracks: bool,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			FastTracks::<T>::put(self.fast_tracks);
		}
	}
}

macro_rules! ensure_origin {
	($name:ident, $variant:ident) => {
		#[doc = concat!("Ensures the origin is [`Origin::", stringify!($variant), "`].")]
		pub struct $name;
		impl<O: Into<Result<Origin, O>> + From<Origin>> frame_support::traits::EnsureOrigin<O>
			for $name
		{
			type Success = ();
			fn try_origin(o: O) -> Result<Self::Success, O> {
				o.into().and_then(|o| match o {
					Origin::$variant => Ok(()),
					other => Err(O::from(other)),
				})
			}
			#[cfg(feature = "runtime-benchmarks")]
			fn try_successful_origin() -> Result<O, ()> {
				Ok(O::from(Origin::$variant))
			}
		}
	};
}

ensure_origin!(ParameterAdmin, ParameterAdmin);
ensure_origin!(EmergencyAdmin, EmergencyAdmin);
