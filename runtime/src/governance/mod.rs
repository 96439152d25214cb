//! On-chain governance: token holders decide by referendum, with conviction voting, on three
//! tracks ([`tracks`]). Every non-dev chain is governed only this way; `dev` alone keeps a sudo
//! key.
//!
//! | track | origin it dispatches with | used for |
//! |---|---|---|
//! | `root` | Root | runtime upgrades (`System::authorize_upgrade`, `set_code`), anything |
//! | `emergency` | [`origins::Origin::EmergencyAdmin`] | forcing the finality set after a stall (`Span::force_finality_recovery`), cancelling or killing referenda |
//! | `parameters` | [`origins::Origin::ParameterAdmin`] | span, attestation and checkpoint parameters, readmitting excluded validators |
//!
//! A referendum is submitted with a deposit, needs a decision deposit, then passes when the
//! aye share of conviction-weighted votes (approval) and the aye share of the BTT that can
//! vote ([`VotingIssuance`]: the active issuance less the native BTT bridge reserve) (support)
//! stay above the track's curves for its confirmation period; the call is enacted
//! through the scheduler. The emergency track is faster but asks more: at least 75 % approval
//! and 25 % support at all times.

pub mod origins;
pub mod tracks;

use crate::{
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, BTT, MILLI_BTT,
};
use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration, tokens::currency::ActiveIssuanceOf, AsEnsureOriginWithArg,
		ConstU32, EitherOf, EqualPrivilegeOnly, LinearStoragePrice,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureSigned};
use sp_runtime::Perbill;

/// What support is measured against: the active issuance less the native BTT bridge reserve
/// (`configs::bridge::NATIVE_BTT`), which stands for BTT locked on the root chains, is held by
/// a contract that cannot vote, and would otherwise make every referendum's support
/// unreachable. Follows the reserve as deposits pay out of it and withdrawals pay into it.
pub struct VotingIssuance;

impl frame_support::traits::Get<Balance> for VotingIssuance {
	fn get() -> Balance {
		use frame_support::traits::fungible::Inspect;
		let reserve = Balances::total_balance(&crate::configs::bridge::native_btt_account());
		ActiveIssuanceOf::<Balances, AccountId>::get().saturating_sub(reserve)
	}
}

/// Blocks per minute, hour and day at the 2 s block time.
pub const MINUTES: BlockNumber = 30;
pub const HOURS: BlockNumber = 60 * MINUTES;
pub const DAYS: BlockNumber = 24 * HOURS;

/// Governance's parameter origin: a `parameters` referendum, or Root (a `root` referendum, or
/// sudo on `dev`).
pub type ParamsOrigin = EitherOf<EnsureRoot<AccountId>, origins::ParameterAdmin>;
/// Governance's emergency origin: an `emergency` referendum, or Root.
pub type EmergencyOrigin = EitherOf<EnsureRoot<AccountId>, origins::EmergencyAdmin>;

parameter_types! {
	pub const PreimageBaseDeposit: Balance = 10 * BTT;
	pub const PreimageByteDeposit: Balance = MILLI_BTT / 10;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Enacted proposals may use up to 80 % of a block.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * crate::configs::RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl origins::Config for Runtime {}

parameter_types! {
	pub const SubmissionDeposit: Balance = 10 * BTT;
	pub const UndecidingTimeout: BlockNumber = 14 * DAYS;
	pub const VoteLockingPeriod: BlockNumber = 7 * DAYS;
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type CancelOrigin = EmergencyOrigin;
	type KillOrigin = EmergencyOrigin;
	// Deposits of killed referenda are burned.
	type Slash = ();
	type Votes = Balance;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	type AlarmInterval = ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	type MaxTurnout = VotingIssuance;
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}
