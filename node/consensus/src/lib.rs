//! BTTC's consensus client: Bor's span/sprint authoring over `sc-consensus-slots`.
//!
//! The runtime's `span` pallet fixes, per span, the producers drawn by stake; its
//! `SpanApi::expected_authors` tells, for each block, the in-turn producer and the backups
//! with their delays. This crate turns that schedule into:
//!
//! - [`start_span_authoring`]: a slot worker that seals a block when one of the node's
//!   authoring keys may author the next block in the current slot;
//! - [`import_queue`]: a verifier that rejects blocks by non-producers, by backups before
//!   their delay, from the future (beyond a clock drift well under a slot), or with a bad
//!   seal, and reports equivocations;
//! - [`fork_choice`]: the heaviest chain wins, a block weighing more the closer its author is
//!   to the in-turn producer (Bor's difficulty), so an in-turn block beats a backup's block
//!   at the same height.
//!
//! Slots are the runtime's Aura slots (2 s), so `pallet-aura` keeps checking that slots
//! increase and match timestamps; the author is named in a separate pre-runtime digest
//! ([`digest`]).

pub mod digest;
mod error;
pub mod fork_choice;
mod import_queue;
pub mod schedule;
pub mod verify;
mod worker;

pub use error::Error;
pub use fork_choice::prune_weights;
pub use import_queue::{import_queue, SpanVerifier};
pub use worker::{start_span_authoring, SpanAuthoringParams};

/// Log target of the consensus client.
pub const LOG_TARGET: &str = "bttc-consensus";
