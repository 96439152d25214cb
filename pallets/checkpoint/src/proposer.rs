//! Tendermint's weighted round-robin proposer selection (`ProposerPriority`), as Heimdall
//! rotates checkpoint proposers: on every rotation each validator's priority grows by its
//! voting power, the highest priority proposes (ties: the lower address) and pays the total
//! power. Before a rotation, priorities are re-scaled so that their spread stays within twice
//! the total power, and centred on their average. A validator joining gets `−1.125 ×` the
//! total power, so it does not propose at once.
//!
//! Integer arithmetic follows Tendermint's Go code: the re-scaling divides with truncation
//! toward zero (Go's `/` on `int64`), the average is Euclidean (Go's `big.Int.Div`).

use alloc::vec::Vec;
use sp_core::H160;

/// Voting power of a stake: whole tokens (10^18 units), at least 1 for a positive stake, as
/// Heimdall's `GetPowerFromAmount`.
pub fn power_of(stake: u128) -> i128 {
	let whole = stake / 1_000_000_000_000_000_000;
	i128::try_from(whole.max(u128::from(stake > 0))).unwrap_or(i128::MAX)
}

/// A validator in the rotation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Member<Id> {
	/// Validator id.
	pub id: Id,
	/// Its signer address (ties between equal priorities go to the lower one).
	pub address: H160,
	/// Voting power (> 0).
	pub power: i128,
	/// Proposer priority.
	pub priority: i128,
}

/// Go's `/` on integers: truncation toward zero.
fn div_trunc(a: i128, b: i128) -> i128 {
	a / b
}

/// Go's `big.Int.Div` with a positive divisor: floor.
fn div_floor(a: i128, b: i128) -> i128 {
	a.div_euclid(b)
}

/// Total power of `members`.
pub fn total_power<Id>(members: &[Member<Id>]) -> i128 {
	members.iter().fold(0i128, |sum, m| sum.saturating_add(m.power))
}

/// Priority of a validator joining a set of `total` power.
pub fn joining_priority(total: i128) -> i128 {
	-(total.saturating_add(total >> 3))
}

/// One rotation: re-scale, centre, increment; returns the index of the new proposer in
/// `members` (`None` if there is none).
pub fn rotate<Id>(members: &mut [Member<Id>]) -> Option<usize> {
	if members.is_empty() {
		return None;
	}
	let total = total_power(members);
	// Re-scale so that max − min ≤ 2 · total.
	let window = total.saturating_mul(2);
	let max = members.iter().map(|m| m.priority).max().unwrap_or(0);
	let min = members.iter().map(|m| m.priority).min().unwrap_or(0);
	let diff = max.saturating_sub(min);
	if window > 0 && diff > window {
		let ratio = div_trunc(diff.saturating_add(window).saturating_sub(1), window);
		for m in members.iter_mut() {
			m.priority = div_trunc(m.priority, ratio);
		}
	}
	// Centre on the average.
	let n = i128::try_from(members.len()).unwrap_or(i128::MAX);
	let sum = members.iter().fold(0i128, |s, m| s.saturating_add(m.priority));
	let average = div_floor(sum, n);
	for m in members.iter_mut() {
		m.priority = m.priority.saturating_sub(average);
	}
	// Increment and pick.
	for m in members.iter_mut() {
		m.priority = m.priority.saturating_add(m.power);
	}
	let mut best = 0;
	for (i, m) in members.iter().enumerate().skip(1) {
		let current = &members[best];
		if m.priority > current.priority
			|| (m.priority == current.priority && m.address < current.address)
		{
			best = i;
		}
	}
	members[best].priority = members[best].priority.saturating_sub(total);
	Some(best)
}

/// Brings `members` in line with the active set `active` (`(id, power, address)`): departed
/// validators leave, joining ones get [`joining_priority`] of the new total, the others keep
/// their priority with their current power. Sorted by id.
pub fn update<Id: Ord + Copy>(
	members: Vec<Member<Id>>,
	active: &[(Id, i128, H160)],
) -> Vec<Member<Id>> {
	let total: i128 = active.iter().fold(0i128, |s, (_, p, _)| s.saturating_add(*p));
	let mut updated: Vec<Member<Id>> = active
		.iter()
		.map(|(id, power, address)| {
			let priority = members
				.iter()
				.find(|m| m.id == *id)
				.map_or_else(|| joining_priority(total), |m| m.priority);
			Member { id: *id, address: *address, power: *power, priority }
		})
		.collect();
	updated.sort_by_key(|m| m.id);
	updated
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing test should stop at the failing line
mod tests {
	use super::*;

	fn set(powers: &[i128]) -> Vec<Member<u64>> {
		powers
			.iter()
			.enumerate()
			.map(|(i, p)| Member {
				id: i as u64 + 1,
				address: H160::from_low_u64_be(i as u64 + 1),
				power: *p,
				priority: 0,
			})
			.collect()
	}

	/// Proposer ids of `rounds` rotations of `members`.
	fn sequence(members: &mut [Member<u64>], rounds: usize) -> Vec<u64> {
		(0..rounds)
			.map(|_| {
				let chosen = rotate(members).unwrap();
				members[chosen].id
			})
			.collect()
	}

	/// Reference sequences from an independent implementation of Tendermint's
	/// `IncrementProposerPriority` (`scripts/reference/tendermint_proposer.py`, which follows
	/// the Go code line by line).
	#[test]
	fn sequences_equal_the_reference_implementation() {
		// Powers 1, 2, 3, 4 from zero priorities, 20 rounds.
		assert_eq!(sequence(&mut set(&[1, 2, 3, 4]), 20), REFERENCE_1_2_3_4.to_vec(),);
		// Equal powers: round robin by address.
		assert_eq!(sequence(&mut set(&[10, 10, 10]), 6), vec![1, 2, 3, 1, 2, 3]);
		// A whale and two minnows.
		assert_eq!(sequence(&mut set(&[5, 1, 1]), 14), REFERENCE_5_1_1.to_vec());
	}

	/// `tendermint_proposer.py 1,2,3,4 20`.
	const REFERENCE_1_2_3_4: [u64; 20] =
		[4, 3, 2, 4, 1, 3, 4, 2, 3, 4, 4, 3, 2, 4, 1, 3, 4, 2, 3, 4];
	/// `tendermint_proposer.py 5,1,1 14`.
	const REFERENCE_5_1_1: [u64; 14] = [1, 1, 2, 1, 3, 1, 1, 1, 1, 2, 1, 3, 1, 1];

	#[test]
	fn every_validator_proposes_in_proportion_to_its_power() {
		let mut members = set(&[1, 2, 3, 4]);
		let picks = sequence(&mut members, 1000);
		for (id, power) in [(1u64, 1usize), (2, 2), (3, 3), (4, 4)] {
			assert_eq!(picks.iter().filter(|p| **p == id).count(), power * 100, "validator {id}");
		}
	}

	#[test]
	fn a_joining_validator_waits_and_a_departed_one_leaves() {
		let mut members = set(&[5, 5]);
		sequence(&mut members, 3);
		let active = [
			(1u64, 5i128, H160::from_low_u64_be(1)),
			(2, 5, H160::from_low_u64_be(2)),
			(3, 5, H160::from_low_u64_be(3)),
		];
		let mut members = update(members, &active);
		assert_eq!(members[2].priority, -(15 + 1));
		// The newcomer does not propose in the very next round.
		let chosen = rotate(&mut members).unwrap();
		let next = members[chosen].id;
		assert_ne!(next, 3);
		let members = update(members, &active[..2]);
		assert_eq!(members.iter().map(|m| m.id).collect::<Vec<_>>(), vec![1, 2]);
	}

	#[test]
	fn power_is_whole_tokens_and_never_zero_for_a_stake() {
		assert_eq!(power_of(10_000 * 10u128.pow(18)), 10_000);
		assert_eq!(power_of(1), 1);
		assert_eq!(power_of(0), 0);
	}
}
