//! Weights of `pallet-bttc-evm-chain-id`.
//!
//! The pallet has no dispatchables; its one read (`ChainId`) is charged by its callers
//! (`pallet-revive` accounts for reading the chain id in its own weights).

/// Weight functions of the pallet: none, as it has no dispatchables.
pub trait WeightInfo {}

impl WeightInfo for () {}
