//! Signed extrinsics and events over a validator's JSON-RPC, built with the runtime's own
//! types (as a wallet built on its metadata would): tests use them to act on the chain through
//! its public interface only.

use crate::Node;
use bttc_runtime::{Runtime, RuntimeCall, RuntimeEvent, SignedPayload, TxExtension};
use codec::{Decode, Encode};
use jsonrpsee::rpc_params;
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_runtime::{
	generic::{Era, UncheckedExtrinsic},
	traits::IdentifyAccount,
	MultiSigner,
};
use std::time::Duration;

/// One event of a block, with the phase it was emitted in.
pub type EventRecord = frame_system::EventRecord<RuntimeEvent, H256>;

fn hex(bytes: &[u8]) -> String {
	// `HexDisplay` elides the middle of long values; this never does.
	sp_core::bytes::to_hex(bytes, false)
}

/// Submits encoded extrinsics to a node in one JSON-RPC batch; per extrinsic, `Ok` if the
/// pool took it or the pool's refusal. Loads open their own clients to submit concurrently.
async fn submit_batch(
	client: &jsonrpsee::http_client::HttpClient,
	extrinsics: &[Vec<u8>],
) -> Result<Vec<Result<(), String>>, String> {
	use jsonrpsee::core::{client::ClientT, params::BatchRequestBuilder};
	let mut batch = BatchRequestBuilder::new();
	for extrinsic in extrinsics {
		batch
			.insert("author_submitExtrinsic", rpc_params![hex(extrinsic)])
			.map_err(|e| e.to_string())?;
	}
	let answers =
		client.batch_request::<serde_json::Value>(batch).await.map_err(|e| e.to_string())?;
	Ok(answers.into_iter().map(|a| a.map(|_| ()).map_err(|e| e.message().to_string())).collect())
}

/// What a signed extrinsic commits to besides its call: the chain and the runtime version.
#[derive(Clone, Copy, Debug)]
pub struct ChainInfo {
	pub genesis: H256,
	pub spec_version: u32,
	pub tx_version: u32,
}

/// `call` signed by `signer` (sr25519) with `nonce`, immortal, no tip: the encoded extrinsic,
/// ready for `author_submitExtrinsic`. Signing needs no node, so loads can be signed up front.
pub fn sign_extrinsic(
	signer: &sr25519::Pair,
	call: RuntimeCall,
	nonce: u32,
	chain: &ChainInfo,
) -> Vec<u8> {
	let account: bttc_runtime::AccountId = MultiSigner::from(signer.public()).into_account();
	let extension: TxExtension = (
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		pallet_revive::evm::tx_extension::SetOrigin::<Runtime>::default(),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	let implicit = (
		(),
		chain.spec_version,
		chain.tx_version,
		chain.genesis,
		chain.genesis,
		(),
		(),
		(),
		(),
		(),
	);
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	UncheckedExtrinsic::<bttc_runtime::Address, RuntimeCall, bttc_runtime::Signature, TxExtension>::new_signed(
		call,
		account.into(),
		signature.into(),
		extension,
	)
	.encode()
}

impl Node {
	/// The genesis hash and runtime version extrinsics for this node's chain must sign.
	pub async fn chain_info(&self) -> Result<ChainInfo, String> {
		let genesis = self.block_hash(0).await.ok_or("no genesis hash")?;
		let genesis =
			H256::from_slice(&sp_core::bytes::from_hex(&genesis).map_err(|e| e.to_string())?);
		let version = self
			.call("state_getRuntimeVersion", rpc_params![])
			.await
			.ok_or("no runtime version")?;
		let spec_version = version["specVersion"].as_u64().ok_or("no spec version")? as u32;
		let tx_version =
			version["transactionVersion"].as_u64().ok_or("no transaction version")? as u32;
		Ok(ChainInfo { genesis, spec_version, tx_version })
	}

	/// The next nonce of `account` as the node's pool sees it.
	pub async fn next_nonce(&self, account: &bttc_runtime::AccountId) -> Result<u32, String> {
		self.call("system_accountNextIndex", rpc_params![account.to_ss58check()])
			.await
			.and_then(|n| n.as_u64())
			.map(|n| n as u32)
			.ok_or_else(|| "no nonce from the node".to_string())
	}

	/// Signs `call` with `signer` (sr25519, nonce from the node's pool, immortal, no tip) and
	/// submits it; `Err` with the node's message if the pool refuses it.
	pub async fn submit_signed(
		&self,
		signer: &sr25519::Pair,
		call: RuntimeCall,
	) -> Result<H256, String> {
		let account: bttc_runtime::AccountId = MultiSigner::from(signer.public()).into_account();
		let nonce = self.next_nonce(&account).await?;
		let chain = self.chain_info().await?;
		self.submit_encoded(&sign_extrinsic(signer, call, nonce, &chain)).await
	}

	/// Submits an encoded extrinsic; its hash, or the pool's refusal.
	pub async fn submit_encoded(&self, extrinsic: &[u8]) -> Result<H256, String> {
		use jsonrpsee::core::client::ClientT;
		let answer = self
			.rpc
			.request::<serde_json::Value, _>("author_submitExtrinsic", rpc_params![hex(extrinsic)])
			.await;
		let hash = answer.map_err(|e| e.to_string())?;
		let hash =
			sp_core::bytes::from_hex(hash.as_str().ok_or("no hash")?).map_err(|e| e.to_string())?;
		Ok(H256::from_slice(&hash))
	}

	/// Submits encoded extrinsics in one JSON-RPC batch ([`submit_batch`]).
	pub async fn submit_batch(
		&self,
		extrinsics: &[Vec<u8>],
	) -> Result<Vec<Result<(), String>>, String> {
		submit_batch(&self.rpc, extrinsics).await
	}

	/// The events of the canonical block at `number`.
	pub async fn events_at(&self, number: u64) -> Option<Vec<EventRecord>> {
		let hash = self.block_hash(number).await?;
		let key = [sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")]
			.concat();
		let value = self.call("state_getStorage", rpc_params![hex(&key), hash]).await?;
		let bytes = match value.as_str() {
			Some(text) => sp_core::bytes::from_hex(text).ok()?,
			None => return Some(Vec::new()),
		};
		Vec::<EventRecord>::decode(&mut &bytes[..]).ok()
	}

	/// Waits until a block after `after` emits an event `matches` accepts; returns the block
	/// and the event. Panics with `what` after `timeout`.
	pub async fn wait_for_event<T>(
		&self,
		what: &str,
		after: u64,
		timeout: Duration,
		matches: impl Fn(&RuntimeEvent) -> Option<T>,
	) -> (u64, T) {
		let deadline = std::time::Instant::now() + timeout;
		let mut next = after + 1;
		loop {
			let best = self.best_number().await.unwrap_or(0);
			while next <= best {
				// Unreadable events fail the wait: treating them as none would hide the event.
				let events = self.events_at(next).await;
				let events = events.unwrap_or_else(|| panic!("events of #{next} unreadable"));
				for record in events {
					if let Some(found) = matches(&record.event) {
						return (next, found);
					}
				}
				next += 1;
			}
			assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
}

/// Every well-known development account; on `dev` and `local` they hold most of the issuance.
fn dev_voters() -> impl Iterator<Item = sr25519::Pair> {
	sp_keyring::Sr25519Keyring::iter().map(|k| k.pair())
}

impl Node {
	/// Governance on a development network, through its public interface: Alice submits `call`
	/// as a referendum on the track of `origin` (the call inline, enacted one block after it
	/// passes) and places its decision deposit, then every well-known development account votes
	/// aye with 900,000 BTT at conviction 1x. Returns the referendum's index and the block that
	/// included the submission.
	pub async fn propose_and_vote(
		&self,
		origin: bttc_runtime::OriginCaller,
		call: RuntimeCall,
	) -> Result<(u32, u64), String> {
		use frame_support::traits::{schedule::DispatchTime, Bounded};
		let alice = sp_keyring::Sr25519Keyring::Alice.pair();
		let inline = call.encode().try_into().map_err(|_| "call too long to inline")?;
		let proposal = Bounded::Inline(inline);
		let before = self.best_number().await.ok_or("node not answering")?;
		self.submit_signed(
			&alice,
			RuntimeCall::Referenda(pallet_referenda::Call::submit {
				proposal_origin: Box::new(origin),
				proposal: proposal.clone(),
				enactment_moment: DispatchTime::After(1),
			}),
		)
		.await?;
		let (block, index) = self
			.wait_for_event(
				"the referendum to be submitted",
				before,
				Duration::from_secs(60),
				|e| match e {
					RuntimeEvent::Referenda(pallet_referenda::Event::Submitted {
						index,
						proposal: p,
						..
					}) if *p == proposal => Some(*index),
					_ => None,
				},
			)
			.await;
		self.submit_signed(
			&alice,
			RuntimeCall::Referenda(pallet_referenda::Call::place_decision_deposit { index }),
		)
		.await?;
		for voter in dev_voters() {
			self.submit_signed(
				&voter,
				RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::vote {
					poll_index: index,
					vote: pallet_conviction_voting::AccountVote::Standard {
						vote: pallet_conviction_voting::Vote {
							aye: true,
							conviction: pallet_conviction_voting::Conviction::Locked1x,
						},
						balance: 900_000 * bttc_runtime::BTT,
					},
				}),
			)
			.await?;
		}
		Ok((index, block))
	}
}

impl Node {
	/// Submits `call` as an unsigned extrinsic (calls the runtime validates without a
	/// signature, such as `System::apply_authorized_upgrade`).
	pub async fn submit_unsigned(&self, call: RuntimeCall) -> Result<H256, String> {
		use jsonrpsee::core::client::ClientT;
		let xt = UncheckedExtrinsic::<
			bttc_runtime::Address,
			RuntimeCall,
			bttc_runtime::Signature,
			TxExtension,
		>::new_bare(call);
		let hash: String = self
			.rpc
			.request("author_submitExtrinsic", rpc_params![hex(&xt.encode())])
			.await
			.map_err(|e| e.to_string())?;
		Ok(H256::from_slice(&sp_core::bytes::from_hex(&hash).map_err(|e| e.to_string())?))
	}

	/// Every `(key, value)` under `prefix` at block `hash` (the best block if `None`).
	pub async fn storage_pairs(
		&self,
		prefix: &[u8],
		hash: Option<&str>,
	) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
		let keys = self
			.call(
				"state_getKeysPaged",
				rpc_params![hex(prefix), 1000, Option::<String>::None, hash],
			)
			.await?;
		let mut pairs = Vec::new();
		for key in keys.as_array()? {
			let value = self.call("state_getStorage", rpc_params![key, hash]).await?;
			pairs.push((
				sp_core::bytes::from_hex(key.as_str()?).ok()?,
				sp_core::bytes::from_hex(value.as_str()?).ok()?,
			));
		}
		Some(pairs)
	}

	/// `spec_version` of the runtime at the best block.
	pub async fn spec_version(&self) -> Option<u32> {
		let version = self.call("state_getRuntimeVersion", rpc_params![]).await?;
		version["specVersion"].as_u64().and_then(|v| u32::try_from(v).ok())
	}
}

/// Storage key prefix of `pallet`'s `item`.
pub fn storage_prefix(pallet: &str, item: &str) -> Vec<u8> {
	[sp_crypto_hashing::twox_128(pallet.as_bytes()), sp_crypto_hashing::twox_128(item.as_bytes())]
		.concat()
}
