//! End to end: four real validators on loopback produce and finalize blocks, survive the loss
//! of one validator, and the restarted validator catches up.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use std::time::Duration;

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Finalized number of every node, or `None` if one does not answer.
async fn finalized_numbers(nodes: &[&Node]) -> Option<Vec<u64>> {
	let mut numbers = Vec::new();
	for node in nodes {
		numbers.push(node.finalized().await?.0);
	}
	Some(numbers)
}

/// Asserts that every node has the same canonical block at `number`.
async fn assert_same_block(nodes: &[&Node], number: u64) {
	let mut hashes = Vec::new();
	for node in nodes {
		hashes.push((node.spec.name, node.block_hash(number).await.expect("node answers")));
	}
	let first = &hashes[0].1;
	assert!(
		hashes.iter().all(|(_, h)| h == first),
		"nodes disagree on block #{number}: {hashes:?}"
	);
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_finalize_survive_a_crash_and_catch_up() {
	let root = TempDir::new("local-network");
	let specs: Vec<NodeSpec> =
		VALIDATORS.iter().enumerate().map(|(i, name)| NodeSpec::new(i, name, &root.0)).collect();
	let mut nodes: Vec<Node> =
		specs.iter().map(|spec| Node::start(spec, "local", &specs, &root.0)).collect();
	eprintln!("logs of this test: {}", root.0.display());

	// 1. Every node finalizes at least block 8, and all agree on the finalized chain.
	let all: Vec<&Node> = nodes.iter().collect();
	let numbers = wait_for("every node to finalize #8", Duration::from_secs(240), || async {
		let numbers = finalized_numbers(&all).await?;
		numbers.iter().all(|n| *n >= 8).then_some(numbers)
	})
	.await;
	eprintln!("finalized: {numbers:?}");
	let common_finalized = *numbers.iter().min().unwrap();
	assert_same_block(&all, common_finalized).await;
	// Every node reports the same finalized hash once it reaches the same height.
	for node in &all {
		let (number, hash) = node.finalized().await.unwrap();
		for other in &all {
			assert_eq!(other.block_hash(number).await, Some(hash.clone()), "{}", other.spec.name);
		}
	}

	// Spans change on schedule: span 0 covers blocks 1..=16 on the local chain, span 1 follows.
	let alice = &nodes[0];
	wait_for("block 17 to be finalized", Duration::from_secs(120), || async {
		alice.finalized().await.filter(|(n, _)| *n >= 17)
	})
	.await;
	assert_eq!(alice.current_span_id_at(16).await, Some(0));
	assert_eq!(alice.current_span_id_at(17).await, Some(1));

	// 2. Kill dave: the other three hold 3/4 > 2/3 of the votes, so blocks and finality go on.
	let dave = nodes.pop().unwrap();
	let dave_spec = dave.spec.clone();
	dave.kill();
	let survivors: Vec<&Node> = nodes.iter().collect();
	let at_kill = finalized_numbers(&survivors).await.expect("survivors answer");
	let best_at_kill = survivors[0].best_number().await.unwrap();
	let target = at_kill.iter().max().unwrap() + 5;
	let after = wait_for("finality to go on without dave", Duration::from_secs(180), || async {
		let numbers = finalized_numbers(&survivors).await?;
		numbers.iter().all(|n| *n >= target).then_some(numbers)
	})
	.await;
	assert!(survivors[0].best_number().await.unwrap() > best_at_kill);
	eprintln!("finalized without dave: {after:?} (was {at_kill:?})");
	assert_same_block(&survivors, *after.iter().min().unwrap()).await;

	// 3. Restart dave on the same database: it catches up with the others' finalized chain.
	let catch_up_to = *after.iter().max().unwrap();
	nodes.push(Node::start(&dave_spec, "local", &specs, &root.0));
	let dave = nodes.last().unwrap();
	let caught_up = wait_for("dave to catch up", Duration::from_secs(180), || async {
		let (number, _) = dave.finalized().await?;
		(number >= catch_up_to).then_some(number)
	})
	.await;
	eprintln!("dave finalized #{caught_up} after restart");
	let all: Vec<&Node> = nodes.iter().collect();
	assert_same_block(&all, catch_up_to).await;
	for node in nodes.iter_mut() {
		assert!(node.is_running(), "{} exited:\n{}", node.spec.name, node.log_tail());
	}
}
