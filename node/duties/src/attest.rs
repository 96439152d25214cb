//! Reporting the journal's events until the sidechain applies them.
//!
//! Every [`TICK`], for each event in the journal, the attester asks the runtime
//! (`AttestationApi::key_status`) where the event stands for this validator:
//!
//! - **applied** at the best block and at the finalized block: it leaves the journal (a
//!   warning if the content applied is not the one this node observed);
//! - **voted**: this validator's vote is pending on chain; nothing to do until it is applied
//!   or expires;
//! - **open**: not applied, no vote of this validator pending (never reported, the report was
//!   lost with a restarted node or dropped by the pool, or the vote expired): it is reported
//!   in a free vote slot, again after a backoff (6 s doubling up to 2 min) while it stays
//!   open.
//!
//! Reports are signed with this validator's **bound** attestation key: the keystore's `bttc`
//! key for which `AttestationApi::voter` answers, not merely the first one.

use crate::{journal::Journal, DutyExtrinsics, Error, LOG_TARGET};
use bttc_primitives::{
	attestation::{
		crypto::AuthorityId, report_signing_payload, AttestationApi, EventKey, KeyStatus, VoteSlot,
		VoterInfo, KEY_TYPE,
	},
	BlockNumber,
};
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_keystore::KeystorePtr;
use sp_runtime::traits::{Block as BlockT, UniqueSaturatedInto, Zero};
use std::{
	collections::{BTreeMap, HashMap},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

/// How often the journal is looked at.
pub const TICK: Duration = Duration::from_secs(2);
/// Wait before the first retry of an open event; doubles up to [`MAX_RETRY`].
pub const FIRST_RETRY: Duration = Duration::from_secs(6);
/// Longest wait between two reports of an open event.
pub const MAX_RETRY: Duration = Duration::from_secs(120);
/// Blocks a report's signature stays valid (capped by the runtime's `max_lifetime`).
pub const REPORT_LIFETIME: BlockNumber = 32;
/// Keys asked per `key_status` call (the runtime answers at most 256).
const STATUS_CHUNK: usize = 256;

/// The first of `keys` that the chain knows as an active validator's bound attestation key
/// (`voter` answers for it), with its voter state. A keystore may hold several `bttc` keys
/// (after a rotation, before the new one is bound): only the bound one may sign.
pub fn bound_among(
	keys: impl IntoIterator<Item = AuthorityId>,
	mut voter: impl FnMut(&AuthorityId) -> Result<Option<VoterInfo>, Error>,
) -> Result<Option<(AuthorityId, VoterInfo)>, Error> {
	for key in keys {
		if let Some(info) = voter(&key)? {
			return Ok(Some((key, info)));
		}
	}
	Ok(None)
}

/// When an open event may be reported again.
struct Attempt {
	count: u32,
	next: Instant,
}

/// Reports the journal's events; see the module docs.
pub struct Attester<B, C, P, X> {
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	extrinsics: Arc<X>,
	journal: Arc<Mutex<Journal>>,
	attempts: BTreeMap<EventKey, Attempt>,
	/// Slots of reports submitted and not yet seen on chain, with their expiry.
	in_flight: HashMap<VoteSlot, (EventKey, BlockNumber)>,
	/// Whether the missing bound key was already reported in the log.
	warned_unbound: bool,
	_block: std::marker::PhantomData<B>,
}

impl<B, C, P, X> Attester<B, C, P, X>
where
	B: BlockT,
	C: ProvideRuntimeApi<B> + HeaderBackend<B> + Send + Sync + 'static,
	C::Api: AttestationApi<B>,
	P: TransactionPool<Block = B> + 'static,
	X: DutyExtrinsics<B>,
{
	/// An attester reporting the events of `journal`.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		extrinsics: Arc<X>,
		journal: Arc<Mutex<Journal>>,
	) -> Self {
		Self {
			client,
			pool,
			keystore,
			extrinsics,
			journal,
			attempts: BTreeMap::new(),
			in_flight: HashMap::new(),
			warned_unbound: false,
			_block: Default::default(),
		}
	}

	/// Runs forever.
	pub async fn run(mut self) {
		loop {
			if let Err(e) = self.tick().await {
				log::warn!(target: LOG_TARGET, "attestation reports: {e}");
			}
			tokio::time::sleep(TICK).await;
		}
	}

	/// This validator's bound attestation key and its voter state at `at`.
	fn bound_key(&self, at: B::Hash) -> Result<Option<(AuthorityId, VoterInfo)>, Error> {
		let api = self.client.runtime_api();
		let keys = self.keystore.sr25519_public_keys(KEY_TYPE).into_iter().map(AuthorityId::from);
		bound_among(keys, |key| {
			api.voter(at, key.clone())
				.map_err(|source| Error::RuntimeApi { call: "AttestationApi::voter", source })
		})
	}

	fn statuses(
		&self,
		at: B::Hash,
		voter: u32,
		keys: &[EventKey],
	) -> Result<Vec<KeyStatus>, Error> {
		let api = self.client.runtime_api();
		let mut statuses = Vec::with_capacity(keys.len());
		for chunk in keys.chunks(STATUS_CHUNK) {
			let answer = api.key_status(at, voter, chunk.to_vec()).map_err(|source| {
				Error::RuntimeApi { call: "AttestationApi::key_status", source }
			})?;
			if answer.len() != chunk.len() {
				return Err(Error::RuntimeApi {
					call: "AttestationApi::key_status",
					source: sp_api::ApiError::Application(
						format!("{} statuses for {} keys", answer.len(), chunk.len()).into(),
					),
				});
			}
			statuses.extend(answer);
		}
		Ok(statuses)
	}

	/// One look at the journal: drop what is applied and final, report what is open and due.
	pub async fn tick(&mut self) -> Result<(), Error> {
		let reports: Vec<_> = {
			// A panic elsewhere while holding the lock leaves the journal itself intact.
			let journal = self.journal.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
			journal.reports().cloned().collect()
		};
		if reports.is_empty() {
			self.attempts.clear();
			return Ok(());
		}
		let info = self.client.info();
		let best_number: BlockNumber = info.best_number.unique_saturated_into();
		let Some((authority, voter)) = self.bound_key(info.best_hash)? else {
			if !self.warned_unbound {
				log::warn!(
					target: LOG_TARGET,
					"{} observed root-chain events wait: no `bttc` key in the keystore is the bound attestation key of an active validator",
					reports.len()
				);
				self.warned_unbound = true;
			}
			return Ok(());
		};
		self.warned_unbound = false;

		let keys: Vec<EventKey> = reports.iter().map(|r| r.key()).collect();
		let at_best = self.statuses(info.best_hash, voter.index, &keys)?;
		let applied: Vec<EventKey> = keys
			.iter()
			.zip(&at_best)
			.filter(|(_, s)| matches!(s, KeyStatus::Applied { .. }))
			.map(|(k, _)| *k)
			.collect();
		let mut done = Vec::new();
		if !applied.is_empty() {
			let at_final = self.statuses(info.finalized_hash, voter.index, &applied)?;
			for (key, status) in applied.iter().zip(at_final) {
				let KeyStatus::Applied { at, content } = status else { continue };
				if let Some(report) = reports.iter().find(|r| r.key() == *key) {
					let what = format!(
						"{} (tx {:?}, log {})",
						report.event.describe(),
						key.tx_hash,
						key.log_index
					);
					if report.content_hash() != content {
						log::warn!(target: LOG_TARGET, "⚠️ {what} was applied at #{at} with other content than this node observed");
					} else if self.attempts.contains_key(key) {
						log::info!(target: LOG_TARGET, "✅ {what} applied at #{at}");
					} else {
						// Observed again (a re-read after a restart): the chain's replay guard
						// holds it, so it is not reported.
						log::info!(target: LOG_TARGET, "⏭️ {what} was already applied at #{at}: not reported again");
					}
				}
				done.push(*key);
			}
		}
		if !done.is_empty() {
			for key in &done {
				self.attempts.remove(key);
			}
			let mut journal = self.journal.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
			journal.remove(&done)?;
		}

		// A slot is in flight until the report shows on chain or its signature expired.
		self.in_flight.retain(|_, (key, valid_until)| {
			*valid_until >= best_number
				&& keys.iter().zip(&at_best).any(|(k, s)| k == key && matches!(s, KeyStatus::Open))
		});
		let mut free = voter
			.free_slots()
			.filter(|slot| !self.in_flight.contains_key(slot))
			.collect::<Vec<_>>()
			.into_iter();
		let genesis = self
			.client
			.hash(Zero::zero())?
			.ok_or_else(|| Error::Client(sp_blockchain::Error::UnknownBlock("genesis".into())))?;
		let lifetime = REPORT_LIFETIME.min(voter.max_lifetime);
		let now = Instant::now();
		for (report, status) in reports.iter().zip(&at_best) {
			let key = report.key();
			if !matches!(status, KeyStatus::Open)
				|| self.in_flight.values().any(|(k, _)| *k == key)
				|| self.attempts.get(&key).is_some_and(|a| a.next > now)
			{
				continue;
			}
			let Some(slot) = free.next() else {
				log::debug!(target: LOG_TARGET, "every vote slot is taken; the other open events wait");
				break;
			};
			let valid_until = best_number.saturating_add(lifetime);
			let payload = report_signing_payload(&genesis, report, slot, valid_until);
			let signature = self
				.keystore
				.sr25519_sign(KEY_TYPE, &authority.clone().into_inner(), &payload)
				.map_err(|e| Error::Keystore(e.to_string()))?
				.ok_or_else(|| Error::Keystore("the bound `bttc` key left the keystore".into()))?;
			let xt = self.extrinsics.report(
				report.clone(),
				slot,
				valid_until,
				authority.clone(),
				signature.into(),
			);
			let attempt = self.attempts.entry(key).or_insert(Attempt { count: 0, next: now });
			attempt.count = attempt.count.saturating_add(1);
			let wait = FIRST_RETRY
				.saturating_mul(1u32 << attempt.count.saturating_sub(1).min(8))
				.min(MAX_RETRY);
			attempt.next = now + wait;
			let what = format!(
				"{} (tx {:?}, log {})",
				report.event.describe(),
				key.tx_hash,
				key.log_index
			);
			match self.pool.submit_one(info.best_hash, TransactionSource::Local, xt).await {
				Ok(_) => {
					self.in_flight.insert(slot, (key, valid_until));
					let again = if attempt.count > 1 {
						format!(" again (attempt {})", attempt.count)
					} else {
						String::new()
					};
					log::info!(target: LOG_TARGET, "📣 Reported {what}{again} in slot {slot}");
				}
				Err(e) => log::warn!(
					target: LOG_TARGET,
					"report of {what} refused by the transaction pool: {e}; retrying in {wait:?}"
				),
			}
		}
		Ok(())
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;
	use sp_core::{sr25519, Pair};

	fn key(seed: &str) -> AuthorityId {
		sr25519::Pair::from_string(seed, None).unwrap().public().into()
	}

	fn info(index: u32) -> VoterInfo {
		VoterInfo { index, stake: 1, max_slots: 4, occupied: vec![], max_lifetime: 10 }
	}

	#[test]
	fn the_bound_key_signs_not_the_first_one_in_the_keystore() {
		// After a rotation the keystore holds the new key first; the chain still knows the old.
		let (rotated, bound) = (key("//Rotated"), key("//Bound"));
		let known = bound.clone();
		let chain = |k: &AuthorityId| Ok((*k == known).then(|| info(7)));
		let (chosen, voter) =
			bound_among([rotated.clone(), bound.clone()], chain).unwrap().unwrap();
		assert_eq!((chosen, voter.index), (bound, 7));
		// No bound key: nothing signs.
		assert!(bound_among([rotated], chain).unwrap().is_none());
	}
}
