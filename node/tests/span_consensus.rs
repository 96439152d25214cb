//! End to end: on the 4-validator local network (span 0 = blocks 1..=16, then spans of 32
//! blocks, sprints of 4 blocks, 3 producers drawn per span), blocks are authored by each
//! sprint's in-turn producer as the runtime's span states; when the in-turn producer of a
//! sprint is killed, the next producer in succession authors after its backup delay and the
//! chain and finality go on; spans change on schedule.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use sp_keyring::Sr25519Keyring;
use std::time::Duration;

const VALIDATORS: [(&str, Sr25519Keyring); 4] = [
	("alice", Sr25519Keyring::Alice),
	("bob", Sr25519Keyring::Bob),
	("charlie", Sr25519Keyring::Charlie),
	("dave", Sr25519Keyring::Dave),
];
const SPRINT: u32 = 4;
/// Slots the first backup waits after the parent on the local chain: (2 s period or producer
/// delay + 2 s backup multiplier) / 2 s slots.
const BACKUP_DELAY_SLOTS: u64 = 2;

fn name_of(key: &AuraId) -> &'static str {
	VALIDATORS
		.iter()
		.find(|(_, k)| &AuraId::from(k.public()) == key)
		.map(|(name, _)| *name)
		.unwrap_or("unknown")
}

/// Authoring order of `block` in `span` (in turn first), as keys.
fn authoring_order(span: &Span, block: u32) -> Vec<AuraId> {
	span.authoring_order(block)
		.into_iter()
		.map(|i| span.validators[i as usize].authority.clone())
		.collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn producers_rotate_per_sprint_and_a_backup_replaces_a_killed_producer() {
	let root = TempDir::new("span-consensus");
	let specs: Vec<NodeSpec> = VALIDATORS
		.iter()
		.enumerate()
		.map(|(i, (name, _))| NodeSpec::new(i, name, &root.0))
		.collect();
	let mut nodes: Vec<Option<Node>> =
		specs.iter().map(|spec| Some(Node::start(spec, "local", &specs, &root.0))).collect();
	eprintln!("logs of this test: {}", root.0.display());

	// 1. Healthy network: every block of span 0 and the start of span 1 is authored by the
	// in-turn producer of its sprint. Blocks of the first two sprints are left out: nodes
	// start one after the other, and a producer without peers yet does not author, so a
	// backup may legitimately take over there.
	let observer = nodes[0].as_ref().unwrap();
	wait_for("#32 to be finalized", Duration::from_secs(300), || async {
		observer.finalized().await.filter(|(n, _)| *n >= 32)
	})
	.await;
	let span0 = observer.span_of(1).await.expect("span 0 is in the history");
	let span1 = observer.span_of(17).await.expect("span 1 is fixed");
	assert_eq!((span0.id, span0.start_block, span0.end_block), (0, 1, 16));
	assert_eq!((span1.id, span1.start_block, span1.end_block), (1, 17, 48));
	let mut sprint_authors = Vec::new();
	let mut by_backup = Vec::new();
	const CHECKED: std::ops::RangeInclusive<u32> = 9..=32;
	for block in CHECKED {
		let span = if block <= 16 { &span0 } else { &span1 };
		let author = observer.author_at(block.into()).await.unwrap().author;
		let order = authoring_order(span, block);
		let succession = order.iter().position(|k| k == &author);
		assert!(
			succession.is_some(),
			"#{block} was authored by {}, not a producer of span {}",
			name_of(&author),
			span.id
		);
		if succession != Some(0) {
			by_backup.push(block);
		}
		if span.is_sprint_start(block) {
			sprint_authors.push(name_of(&order[0]));
		}
	}
	// A healthy network leaves nothing to the backups; one slow node on a loaded machine may.
	assert!(
		by_backup.len() <= 2,
		"blocks {by_backup:?} of #{CHECKED:?} were authored by backups although every producer runs"
	);
	eprintln!(
		"in-turn producers of the sprints from #9: {sprint_authors:?}; by backups: {by_backup:?}"
	);
	for span in [&span0, &span1] {
		let producers: Vec<&str> = span
			.producers
			.iter()
			.map(|i| name_of(&span.validators[*i as usize].authority))
			.collect();
		eprintln!("span {} producers (drawn by stake, with repeats): {producers:?}", span.id);
	}
	sprint_authors.dedup();
	assert!(sprint_authors.len() >= 2, "the in-turn producer never rotated: {sprint_authors:?}");

	// 2. Kill the in-turn producer of the next sprint a few blocks ahead.
	let best = observer.best_number().await.unwrap() as u32;
	let sprint_start = (best + 3 - 17).div_ceil(SPRINT) * SPRINT + 17;
	let span = observer.span_of(sprint_start).await.expect("span of the sprint is fixed");
	let order = authoring_order(&span, sprint_start);
	assert!(order.len() >= 2, "span {} has a single producer: no backup to test", span.id);
	let (victim, backup) = (order[0].clone(), order[1].clone());
	let victim_index = VALIDATORS.iter().position(|(n, _)| *n == name_of(&victim)).unwrap();
	eprintln!(
		"killing {} (in turn at #{sprint_start}); {} is the first backup",
		name_of(&victim),
		name_of(&backup)
	);
	let victim_node = nodes[victim_index].take().unwrap();
	let observer_index = (victim_index + 1) % VALIDATORS.len();
	let observer = nodes[observer_index].as_ref().unwrap();
	wait_for("the block before the victim's sprint", Duration::from_secs(60), || async {
		observer.best_number().await.filter(|n| *n as u32 + 2 >= sprint_start)
	})
	.await;
	victim_node.kill();

	let sprint_end = sprint_start + SPRINT - 1;
	wait_for("the victim's sprint to be finalized", Duration::from_secs(120), || async {
		observer.finalized().await.filter(|(n, _)| *n as u32 > sprint_end)
	})
	.await;
	let mut gaps = Vec::new();
	let mut by_first_backup = 0;
	for block in sprint_start..=sprint_end {
		let parent = observer.author_at((block - 1).into()).await.unwrap();
		let this = observer.author_at(block.into()).await.unwrap();
		assert_ne!(this.author, victim, "#{block} was authored by the killed producer");
		let succession = order.iter().position(|k| k == &this.author);
		assert!(succession.is_some(), "#{block} by {}, not a producer", name_of(&this.author));
		if this.author == backup {
			by_first_backup += 1;
		}
		// The verifier refuses a backup earlier than its delay: at least 2 slots.
		let gap = u64::from(this.slot) - u64::from(parent.slot);
		assert!(
			gap >= BACKUP_DELAY_SLOTS,
			"#{block}: a backup authored {gap} slots after its parent"
		);
		gaps.push(gap);
	}
	// The first backup takes the silent producer's sprint; a second backup steps in only
	// if the first one misses its slot too.
	assert!(by_first_backup >= 3, "the first backup authored only {by_first_backup} of 4 blocks");
	let on_time = gaps.iter().filter(|g| **g == BACKUP_DELAY_SLOTS).count();
	assert!(
		on_time >= 3,
		"slots between the backup's blocks: {gaps:?}, expected {BACKUP_DELAY_SLOTS}"
	);
	eprintln!("slots between blocks in the backup's sprint: {gaps:?}");

	// 3. The chain goes on into span 2 (blocks 49..=80); blocks follow the schedule with the
	// victim replaced by the next live producer, and finality keeps up with the best block.
	wait_for("#52 to be finalized", Duration::from_secs(240), || async {
		observer.finalized().await.filter(|(n, _)| *n >= 52)
	})
	.await;
	assert_eq!(observer.current_span_id_at(48).await, Some(1));
	assert_eq!(observer.current_span_id_at(49).await, Some(2));
	let span2 = observer.span_of(49).await.expect("span 2");
	assert_eq!((span2.id, span2.start_block, span2.end_block), (2, 49, 80));
	let mut first_live = 0;
	for block in 49..=52u32 {
		let author = observer.author_at(block.into()).await.unwrap().author;
		let order = authoring_order(&span2, block);
		assert!(order.contains(&author), "#{block} by {}, not a span-2 producer", name_of(&author));
		assert_ne!(author, victim, "#{block} was authored by the killed producer");
		if Some(&author) == order.iter().find(|k| *k != &victim) {
			first_live += 1;
		}
	}
	assert!(first_live >= 3, "span 2's first live producer authored {first_live} of #49..=#52");
	let lag =
		wait_for("finality within 4 blocks of the best block", Duration::from_secs(30), || async {
			let best = observer.best_number().await?;
			let (finalized, _) = observer.finalized().await?;
			(best - finalized <= 4).then_some(best - finalized)
		})
		.await;
	eprintln!("finality lag after the takeover: {lag} blocks");
	for node in nodes.iter_mut().flatten() {
		assert!(node.is_running(), "{} exited:\n{}", node.spec.name, node.log_tail());
	}
}
