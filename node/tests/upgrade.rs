//! End to end: a runtime upgrade through governance only, on the 4-validator `local` network
//! started from release 102 (`runtime/releases/`), to the runtime of this tree (103), whose span
//! pallet moves its storage from version 0 to 1 (spans keep their author delays).
//!
//! 1. Before anything is voted, `bttc-node try-upgrade` runs the new runtime's migrations and
//!    every check (pre/post-upgrade, decoding of all storage, `try_state`) on the live state.
//! 2. A `root` referendum, voted by the development accounts, authorizes the new code's hash;
//!    anyone then applies the code (`System::apply_authorized_upgrade`, unsigned).
//! 3. The next block runs the migration: exactly one `StorageMigrated` event, storage version 1,
//!    every span's old bytes kept with the delays appended, staking state untouched; the chain
//!    keeps authoring and finalizing on all four validators.

#![allow(clippy::unwrap_used)] // a failing test should stop at the failing line

use bttc_network::*;
use bttc_runtime::{OriginCaller, RuntimeCall, RuntimeEvent};
use codec::Encode;
use sp_core::H256;
use std::{collections::BTreeMap, process::Command, time::Duration};

const RELEASE: &str = "runtime/releases/bttc-runtime-102.compressed.wasm";

fn hex(bytes: &[u8]) -> String {
	// `HexDisplay` elides the middle of long values; this never does.
	sp_core::bytes::to_hex(bytes, false)
}

/// The local chain spec with release 102's code.
fn release_spec(dir: &std::path::Path) -> std::path::PathBuf {
	let node = Binaries::locate().node;
	let out = Command::new(&node)
		.args(["build-spec", "--chain", "local", "--disable-default-bootnode"])
		.output()
		.unwrap();
	assert!(out.status.success(), "build-spec: {}", String::from_utf8_lossy(&out.stderr));
	let mut spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
	let release = std::fs::read(repo_root().join(RELEASE)).unwrap();
	spec["genesis"]["runtimeGenesis"]["code"] = serde_json::Value::String(hex(&release));
	// Release 102's presets placed no native BTT bridge contract (runtime 108's do): a chain
	// started on 102 has none, and its governance counts no reserve.
	let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch.as_object_mut().unwrap().remove("revive").is_some());
	let path = dir.join("local-release-102.json");
	std::fs::write(&path, serde_json::to_vec(&spec).unwrap()).unwrap();
	path
}

async fn pairs_at(node: &Node, prefix: &[u8], block: u64) -> BTreeMap<Vec<u8>, Vec<u8>> {
	let hash = node.block_hash(block).await.unwrap();
	node.storage_pairs(prefix, Some(&hash)).await.unwrap().into_iter().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn governance_upgrades_release_102_to_this_runtime_and_its_migration_runs_once() {
	let root = TempDir::new("upgrade");
	eprintln!("logs of this test: {}", root.0.display());
	// Outside the network's folder, which the launcher owns.
	let specs = TempDir::new("upgrade-spec");
	let mut config = NetworkConfig::local_stake_chain_only(root.0.clone());
	config.chain = release_spec(&specs.0).display().to_string();
	config.node_args = vec!["--log".into(), "runtime::span=info".into()];
	let mut net = Network::start(config).await.unwrap();
	let alice = &net.nodes[0];
	wait_for("#20 to be finalized", Duration::from_secs(240), || async {
		alice.finalized().await.filter(|(n, _)| *n >= 20)
	})
	.await;
	assert_eq!(alice.spec_version().await, Some(102), "the network runs release 102");
	let version_key = storage_prefix("Span", ":__STORAGE_VERSION__:");
	let version = |pairs: Vec<(Vec<u8>, Vec<u8>)>| pairs.first().map(|(_, v)| v.clone());
	assert_eq!(version(alice.storage_pairs(&version_key, None).await.unwrap()), Some(vec![0, 0]));

	// ----- 1. The new runtime's checks on the live state, before any vote ---------------------
	let out = Command::new(Binaries::locate().node)
		.args(["try-upgrade", "--rpc-url", &alice.spec.rpc_url()])
		.output()
		.unwrap();
	let report = String::from_utf8_lossy(&out.stdout).to_string();
	assert!(
		out.status.success(),
		"try-upgrade failed:\n{report}\n{}",
		String::from_utf8_lossy(&out.stderr)
	);
	eprintln!("{}", report.trim());

	// ----- 2. A root referendum authorizes the code; anyone applies it ------------------------
	let code = sp_maybe_compressed_blob::compress_strongly(
		bttc_runtime::WASM_BINARY.unwrap(),
		sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT,
	)
	.unwrap();
	let code_hash = H256(sp_io::hashing::blake2_256(&code));
	// Without governance the code cannot be authorized.
	let refused = alice.best_number().await.unwrap();
	alice
		.submit_signed(
			&sp_keyring::Sr25519Keyring::Bob.pair(),
			RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash }),
		)
		.await
		.unwrap();
	alice
		.wait_for_event(
			"Bob's authorization to be refused",
			refused,
			Duration::from_secs(60),
			|e| {
				matches!(
					e,
					RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
						dispatch_error: sp_runtime::DispatchError::BadOrigin,
						..
					})
				)
				.then_some(())
			},
		)
		.await;
	let (index, submitted) = alice
		.propose_and_vote(
			OriginCaller::system(frame_system::RawOrigin::Root),
			RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash }),
		)
		.await
		.unwrap();
	let (authorized, _) = alice
		.wait_for_event("the upgrade to be authorized", submitted, Duration::from_secs(240), |e| {
			matches!(
				e,
				RuntimeEvent::System(frame_system::Event::UpgradeAuthorized { code_hash: h, .. })
					if *h == code_hash
			)
			.then_some(())
		})
		.await;
	eprintln!(
		"referendum {index} (submitted in #{submitted}) authorized the code in #{authorized}"
	);
	alice
		.submit_unsigned(RuntimeCall::System(frame_system::Call::apply_authorized_upgrade {
			code: code.clone(),
		}))
		.await
		.unwrap();
	let (updated, _) = alice
		.wait_for_event("the code to be updated", authorized, Duration::from_secs(120), |e| {
			matches!(e, RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })).then_some(())
		})
		.await;

	// ----- 3. The migration runs once, in the next block; the chain goes on --------------------
	let (migrated, spans) = alice
		.wait_for_event("the span migration", updated, Duration::from_secs(60), |e| match e {
			RuntimeEvent::Span(pallet_bttc_span::Event::StorageMigrated { version: 1, spans }) => {
				Some(*spans)
			}
			_ => None,
		})
		.await;
	assert_eq!(migrated, updated + 1, "the migration runs in the first block of the new code");
	assert_eq!(alice.spec_version().await, Some(bttc_runtime::VERSION.spec_version));
	eprintln!("code updated in #{updated}; #{migrated} migrated {spans} spans");

	let settled = migrated + 12;
	wait_for("finality well past the upgrade", Duration::from_secs(180), || async {
		alice.finalized().await.filter(|(n, _)| *n >= settled)
	})
	.await;
	let mut runs = 0;
	for block in refused..=settled {
		for record in alice.events_at(block).await.unwrap() {
			if matches!(
				record.event,
				RuntimeEvent::Span(pallet_bttc_span::Event::StorageMigrated { .. })
			) {
				runs += 1;
			}
		}
	}
	assert_eq!(runs, 1, "the migration must run exactly once");
	assert_eq!(version(alice.storage_pairs(&version_key, None).await.unwrap()), Some(vec![1, 0]));

	// Old state intact: every span keeps its bytes, with the delays in force appended.
	let params = bttc_runtime::genesis_config_presets::DEV_SPAN_PARAMS;
	let delays = (params.producer_delay_ms, params.backup_multiplier_ms).encode();
	let before = pairs_at(alice, &storage_prefix("Span", "Spans"), migrated - 1).await;
	let after = pairs_at(alice, &storage_prefix("Span", "Spans"), migrated).await;
	assert_eq!(before.len() as u32, spans);
	for (key, old) in &before {
		let new = after.get(key).expect("a span was lost");
		assert_eq!(new, &[old.clone(), delays.clone()].concat(), "span {key:?} changed");
	}
	let staking = sp_io::hashing::twox_128(b"Staking");
	assert_eq!(
		pairs_at(alice, &staking, migrated - 1).await,
		pairs_at(alice, &staking, migrated).await,
		"the upgrade touched staking"
	);
	let best = alice.best_number().await.unwrap();
	for node in net.nodes.iter() {
		let (finalized, _) = node.finalized().await.unwrap();
		assert!(finalized >= settled, "{} finalized only #{finalized}", node.spec.name);
	}
	eprintln!("best #{best}; every validator finalized past #{settled}");
	for node in net.nodes.iter_mut() {
		assert!(node.is_running(), "{} exited:\n{}", node.spec.name, node.log_tail());
	}
}
