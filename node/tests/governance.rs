//! End to end: governance recovers finality on the 4-validator local network (equal stakes,
//! no sudo key) after two validators are gone for good.
//!
//! Charlie and Dave stop: half of the GRANDPA weight is gone and finality halts while Alice
//! and Bob keep authoring. Through governance only — a referendum on the `emergency` track,
//! voted by the development accounts' tokens — `Span::force_finality_recovery` excludes the
//! two and forces GRANDPA to Alice and Bob; finality resumes and keeps up, and the next span
//! start leaves the excluded validators out.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use bttc_runtime::{
	governance::origins::Origin as GovernanceOrigin, OriginCaller, RuntimeCall, RuntimeEvent,
};
use sp_keyring::Sr25519Keyring;
use std::time::{Duration, Instant};

/// Delay of the forced change, in blocks after the block that enacts the referendum.
const FORCED_DELAY: u32 = 2;

async fn grandpa_voters(node: &Node) -> usize {
	node.runtime_call::<Vec<(sp_consensus_grandpa::AuthorityId, u64)>>(
		"GrandpaApi_grandpa_authorities",
		&[],
	)
	.await
	.unwrap_or_default()
	.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn governance_forces_finality_back_after_two_of_four_validators_leave_for_good() {
	let root = TempDir::new("governance");
	eprintln!("logs of this test: {}", root.0.display());
	let mut config = NetworkConfig::local_stake_chain_only(root.0.clone());
	config.node_args = vec!["--log".into(), "runtime::finality=info,runtime::span=info".into()];
	let mut net = Network::start(config).await.unwrap();

	let alice = &net.nodes[0];
	wait_for("#8 to be finalized", Duration::from_secs(180), || async {
		alice.finalized().await.filter(|(n, _)| *n >= 8)
	})
	.await;
	assert_eq!(grandpa_voters(alice).await, 4);

	// ----- Charlie and Dave leave for good: finality halts, authoring goes on --------------
	net.stop_node(2);
	net.stop_node(3);
	let alice = &net.nodes[0];
	let (stalled_at, _) = alice.finalized().await.unwrap();
	let best_then = alice.best_number().await.unwrap();
	wait_for("6 more blocks without the two", Duration::from_secs(120), || async {
		alice.best_number().await.filter(|n| *n >= best_then + 6)
	})
	.await;
	// Votes already cast may finalize a block or two more, then nothing.
	let (finalized, _) = alice.finalized().await.unwrap();
	assert!(finalized <= stalled_at + 2, "finality went on with half of the weight gone");
	tokio::time::sleep(Duration::from_secs(10)).await;
	let (still, _) = alice.finalized().await.unwrap();
	assert_eq!(still, finalized, "finality must halt with 2 of 4 equal validators");
	eprintln!("finality halted at #{finalized}; best #{}", alice.best_number().await.unwrap());

	// ----- An emergency referendum excludes them and forces GRANDPA -----------------------
	let best = alice.best_number().await.unwrap() as u32;
	let span = alice.span_of(best).await.unwrap();
	let gone: Vec<u64> = span
		.validators
		.iter()
		.filter(|v| {
			[Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
				.iter()
				.any(|k| v.authority == AuraId::from(k.public()))
		})
		.map(|v| v.id)
		.collect();
	assert_eq!(gone.len(), 2, "Charlie and Dave are validators of span {}", span.id);
	let recovery = RuntimeCall::Span(pallet_bttc_span::Call::force_finality_recovery {
		excluded: gone.clone().try_into().unwrap(),
		best_finalized: finalized as u32,
		delay: FORCED_DELAY,
	});
	// Nobody can make the call directly: a signed extrinsic is included and refused.
	let before = alice.best_number().await.unwrap();
	alice.submit_signed(&Sr25519Keyring::Bob.pair(), recovery.clone()).await.unwrap();
	alice
		.wait_for_event("the direct call to be refused", before, Duration::from_secs(60), |e| {
			matches!(
				e,
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error: sp_runtime::DispatchError::BadOrigin,
					..
				})
			)
			.then_some(())
		})
		.await;
	let started = Instant::now();
	let (index, submitted) = alice
		.propose_and_vote(OriginCaller::Origins(GovernanceOrigin::EmergencyAdmin), recovery)
		.await
		.unwrap();
	eprintln!("referendum {index} submitted in #{submitted}; votes cast");
	let (enacted, voters) = alice
		.wait_for_event("the recovery to be enacted", submitted, Duration::from_secs(300), |e| {
			match e {
				RuntimeEvent::Span(pallet_bttc_span::Event::FinalityRecoveryForced {
					voters,
					..
				}) => Some(*voters),
				_ => None,
			}
		})
		.await;
	assert_eq!(voters, 2);
	eprintln!(
		"referendum {index} enacted in #{enacted}, {:.0} s after submission",
		started.elapsed().as_secs_f64()
	);

	// ----- Finality resumes with Alice and Bob and keeps up --------------------------------
	let resumed = u64::from(FORCED_DELAY) + enacted;
	let recovered_in = Instant::now();
	wait_for("finality to pass the forced change", Duration::from_secs(180), || async {
		alice.finalized().await.filter(|(n, _)| *n > resumed)
	})
	.await;
	eprintln!("finality resumed {:.0} s after the enactment", recovered_in.elapsed().as_secs_f64());
	assert_eq!(grandpa_voters(alice).await, 2);
	let bob = &net.nodes[1];
	wait_for("Bob to finalize past the change too", Duration::from_secs(60), || async {
		bob.finalized().await.filter(|(n, _)| *n > resumed)
	})
	.await;

	// The next span starts without the excluded validators; finality stays within a few
	// blocks of the best block.
	let current = alice.span_of(alice.best_number().await.unwrap() as u32).await.unwrap();
	let next_start = u64::from(current.end_block) + 1;
	wait_for(
		"a span start after the recovery to be finalized",
		Duration::from_secs(300),
		|| async { alice.finalized().await.filter(|(n, _)| *n >= next_start + 4) },
	)
	.await;
	let after = alice.span_of(next_start as u32 + 1).await.unwrap();
	assert_eq!(grandpa_voters(alice).await, 2, "span {} brought the excluded back", after.id);
	let lag = wait_for("finality within 4 blocks", Duration::from_secs(60), || async {
		let best = alice.best_number().await?;
		let (finalized, _) = alice.finalized().await?;
		(best - finalized <= 4).then_some(best - finalized)
	})
	.await;
	eprintln!("span {} started; finality lag {lag} blocks", after.id);
	assert!(net.nodes[0].is_running() && net.nodes[1].is_running());
}
