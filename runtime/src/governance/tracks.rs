//! Referendum tracks. Thresholds are the same on every chain; periods are BTTC-scale on live
//! chains and minutes on `dev`/`local` ([`super::origins::FastTracks`]).

use super::{origins, DAYS, HOURS, MINUTES};
use crate::{Balance, BlockNumber, OriginCaller, Runtime, BTT};
use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::Perbill;

/// Track ids.
pub const ROOT: u16 = 0;
pub const EMERGENCY: u16 = 1;
pub const PARAMETERS: u16 = 2;

/// Length of a track name in `TrackInfo` (pallet-referenda's default).
const NAME_LEN: usize = 25;

const fn name(text: &str) -> [u8; NAME_LEN] {
	let bytes = text.as_bytes();
	let mut out = [0u8; NAME_LEN];
	let mut i = 0;
	while i < bytes.len() && i < NAME_LEN {
		out[i] = bytes[i];
		i += 1;
	}
	out
}

const fn linear(floor: u32, ceil: u32) -> Curve {
	Curve::LinearDecreasing {
		length: Perbill::one(),
		floor: Perbill::from_percent(floor),
		ceil: Perbill::from_percent(ceil),
	}
}

/// Periods of one track: prepare, decision, confirm, minimum enactment.
#[derive(Clone, Copy)]
struct Periods {
	prepare: BlockNumber,
	decision: BlockNumber,
	confirm: BlockNumber,
	enactment: BlockNumber,
}

/// Periods of development networks: a referendum passes in about a minute.
const FAST: Periods = Periods { prepare: 1, decision: 100, confirm: 2, enactment: 1 };

const fn root(periods: Periods) -> Track<u16, Balance, BlockNumber> {
	Track {
		id: ROOT,
		info: TrackInfo {
			name: name("root"),
			max_deciding: 1,
			decision_deposit: 1_000 * BTT,
			prepare_period: periods.prepare,
			decision_period: periods.decision,
			confirm_period: periods.confirm,
			min_enactment_period: periods.enactment,
			// A majority at the end of the decision period; half of the issuance at first.
			min_approval: linear(50, 100),
			min_support: linear(5, 50),
		},
	}
}

const fn emergency(periods: Periods) -> Track<u16, Balance, BlockNumber> {
	Track {
		id: EMERGENCY,
		info: TrackInfo {
			name: name("emergency"),
			max_deciding: 2,
			decision_deposit: 2_000 * BTT,
			prepare_period: periods.prepare,
			decision_period: periods.decision,
			confirm_period: periods.confirm,
			min_enactment_period: periods.enactment,
			// The higher threshold: never below 75 % approval and 25 % of the issuance.
			min_approval: linear(75, 100),
			min_support: linear(25, 50),
		},
	}
}

const fn parameters(periods: Periods) -> Track<u16, Balance, BlockNumber> {
	Track {
		id: PARAMETERS,
		info: TrackInfo {
			name: name("parameters"),
			max_deciding: 5,
			decision_deposit: 200 * BTT,
			prepare_period: periods.prepare,
			decision_period: periods.decision,
			confirm_period: periods.confirm,
			min_enactment_period: periods.enactment,
			min_approval: linear(50, 100),
			min_support: linear(1, 25),
		},
	}
}

/// Live chains: upgrades take two weeks at most to decide and a day to confirm; emergencies
/// two days and an hour.
static LIVE_TRACKS: [Track<u16, Balance, BlockNumber>; 3] = [
	root(Periods { prepare: HOURS, decision: 14 * DAYS, confirm: DAYS, enactment: DAYS }),
	emergency(Periods { prepare: 10 * MINUTES, decision: 2 * DAYS, confirm: HOURS, enactment: 1 }),
	parameters(Periods {
		prepare: HOURS,
		decision: 7 * DAYS,
		confirm: 3 * HOURS,
		enactment: HOURS,
	}),
];

static FAST_TRACKS: [Track<u16, Balance, BlockNumber>; 3] =
	[root(FAST), emergency(FAST), parameters(FAST)];

/// The tracks of this chain and the origin each dispatches with.
pub struct TracksInfo;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = OriginCaller;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<u16, Balance, BlockNumber>>> {
		let tracks: &'static [Track<u16, Balance, BlockNumber>] =
			if origins::FastTracks::<Runtime>::get() { &FAST_TRACKS } else { &LIVE_TRACKS };
		tracks.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &OriginCaller) -> Result<u16, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(ROOT),
			OriginCaller::Origins(origins::Origin::EmergencyAdmin) => Ok(EMERGENCY),
			OriginCaller::Origins(origins::Origin::ParameterAdmin) => Ok(PARAMETERS),
			_ => Err(()),
		}
	}
}
