//! ERC20 `transfer` load on any Ethereum JSON-RPC endpoint (BTTC's `eth-rpc`, anvil): an
//! OpenZeppelin ERC20 deployed by the run, transactions signed up front with alloy, gas
//! limits from `eth_estimateGas`, success read from every receipt.

use crate::{
	pace::{self, Counters, Pace},
	report::{BlockFigures, LoadRun},
	system::Sampler,
};
use alloy::{
	consensus::{SignableTransaction, TxEnvelope, TxLegacy},
	eips::eip2718::Encodable2718,
	primitives::{keccak256, Address, Bytes, TxKind, B256, U256},
	signers::{local::PrivateKeySigner, SignerSync},
	sol_types::{SolCall, SolValue},
};
use jsonrpsee::{
	core::{
		client::ClientT,
		params::{ArrayParams, BatchRequestBuilder},
	},
	http_client::HttpClient,
};
use serde_json::{json, Value};
use std::{
	collections::VecDeque,
	sync::atomic::Ordering,
	time::{Duration, Instant},
};

alloy::sol! {
	function transfer(address to, uint256 value) external returns (bool);
}

/// The first development key of the `test test … junk` mnemonic: endowed on BTTC's `dev`
/// and `local` chains and on anvil.
const OWNER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// Native currency each sender is given for gas (10^18 base units: 100 BTT or 100 ETH).
const SENDER_NATIVE: u128 = 100 * 1_000_000_000_000_000_000;
/// Owner transactions per funding round (keeps its nonce chain inside the pool's limits).
const FUNDING_ROUND: usize = 200;

/// An Ethereum JSON-RPC endpoint.
pub struct Endpoint {
	pub url: String,
	client: HttpClient,
	pub chain_id: u64,
	/// Price every transaction of the run offers, wei per gas.
	pub gas_price: u128,
}

fn hex_u64(value: &Value) -> Option<u64> {
	u64::from_str_radix(value.as_str()?.trim_start_matches("0x"), 16).ok()
}

fn hex_u128(value: &Value) -> Option<u128> {
	u128::from_str_radix(value.as_str()?.trim_start_matches("0x"), 16).ok()
}

fn key(seed: &str) -> Result<PrivateKeySigner, String> {
	// keccak256 of a seed is a valid secp256k1 secret with overwhelming probability.
	PrivateKeySigner::from_bytes(&keccak256(seed.as_bytes()))
		.map_err(|e| format!("no key from seed {seed:?}: {e}"))
}

impl Endpoint {
	/// Connects to `url`; every transaction will offer `eth_gasPrice` × `price_factor`.
	pub async fn connect(url: &str, price_factor: u128) -> Result<Self, String> {
		let client = pace::client(url)?;
		let mut endpoint = Self { url: url.to_string(), client, chain_id: 0, gas_price: 0 };
		endpoint.chain_id =
			hex_u64(&endpoint.call("eth_chainId", json!([])).await?).ok_or("bad eth_chainId")?;
		let price =
			hex_u128(&endpoint.call("eth_gasPrice", json!([])).await?).ok_or("bad eth_gasPrice")?;
		endpoint.gas_price = price.saturating_mul(price_factor.max(1));
		Ok(endpoint)
	}

	pub async fn call(&self, method: &str, params: Value) -> Result<Value, String> {
		let mut array = ArrayParams::new();
		for param in params.as_array().cloned().unwrap_or_default() {
			array.insert(param).map_err(|e| e.to_string())?;
		}
		self.client
			.request::<Value, _>(method, array)
			.await
			.map_err(|e| format!("{method} at {}: {e}", self.url))
	}

	async fn batch(&self, method: &str, params: &[Value]) -> Result<Vec<Value>, String> {
		let mut answers = Vec::new();
		for chunk in params.chunks(500) {
			let mut batch = BatchRequestBuilder::new();
			for p in chunk {
				let mut array = ArrayParams::new();
				for param in p.as_array().cloned().unwrap_or_default() {
					array.insert(param).map_err(|e| e.to_string())?;
				}
				batch.insert(method, array).map_err(|e| e.to_string())?;
			}
			let response =
				self.client.batch_request::<Value>(batch).await.map_err(|e| e.to_string())?;
			for answer in response {
				answers.push(
					answer.map_err(|e| format!("{method} at {}: {}", self.url, e.message()))?,
				);
			}
		}
		Ok(answers)
	}

	pub async fn block_number(&self) -> Result<u64, String> {
		hex_u64(&self.call("eth_blockNumber", json!([])).await?).ok_or("bad eth_blockNumber".into())
	}

	async fn nonce(&self, address: Address) -> Result<u64, String> {
		hex_u64(&self.call("eth_getTransactionCount", json!([address, "pending"])).await?)
			.ok_or("bad eth_getTransactionCount".into())
	}

	async fn estimate(
		&self,
		from: Address,
		to: Option<Address>,
		data: &[u8],
		value: u128,
	) -> Result<u64, String> {
		let mut call = json!({"from": from, "data": Bytes::copy_from_slice(data), "value": format!("0x{value:x}")});
		if let Some(to) = to {
			call["to"] = json!(to);
		}
		hex_u64(&self.call("eth_estimateGas", json!([call])).await?)
			.ok_or("bad eth_estimateGas".into())
	}

	/// A legacy (EIP-155) transaction signed by `signer`: its raw hex and hash.
	fn sign(
		&self,
		signer: &PrivateKeySigner,
		nonce: u64,
		to: TxKind,
		data: Vec<u8>,
		value: u128,
		gas_limit: u64,
	) -> Result<(String, B256), String> {
		let tx = TxLegacy {
			chain_id: Some(self.chain_id),
			nonce,
			gas_price: self.gas_price,
			gas_limit,
			to,
			value: U256::from(value),
			input: Bytes::from(data),
		};
		let signature = signer.sign_hash_sync(&tx.signature_hash()).map_err(|e| e.to_string())?;
		let raw = TxEnvelope::Legacy(tx.into_signed(signature)).encoded_2718();
		Ok((format!("0x{}", alloy::primitives::hex::encode(&raw)), keccak256(&raw)))
	}

	/// Sends `raw` transactions (in order) and waits for all their receipts; each must
	/// succeed. Returns the receipts.
	async fn send_all(&self, what: &str, raw: &[(String, B256)]) -> Result<Vec<Value>, String> {
		let payloads: Vec<String> = raw.iter().map(|(r, _)| r.clone()).collect();
		for error in pace::submit(&self.client, "eth_sendRawTransaction", &payloads)
			.await?
			.into_iter()
			.flatten()
		{
			return Err(format!("{what}: refused by {}: {error}", self.url));
		}
		let deadline = Instant::now() + Duration::from_secs(120);
		loop {
			let hashes: Vec<Value> = raw.iter().map(|(_, h)| json!([h])).collect();
			let receipts = self.batch("eth_getTransactionReceipt", &hashes).await?;
			if receipts.iter().all(|r| !r.is_null()) {
				if let Some(failed) = receipts.iter().find(|r| r["status"] != json!("0x1")) {
					return Err(format!("{what}: a transaction failed: {failed}"));
				}
				return Ok(receipts);
			}
			if Instant::now() > deadline {
				return Err(format!("{what}: receipts missing after 120 s at {}", self.url));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}
}

/// A deployed token and senders that hold it and native currency for gas.
pub struct Setup {
	pub token: Address,
	pub senders: Vec<PrivateKeySigner>,
}

/// Deploys the OpenZeppelin ERC20 (`contracts/artifacts/BTTToken.json`) and gives `count`
/// senders (keys derived from `set`) native currency and tokens. Setup transactions carry
/// twice their estimate (they are not measured).
pub async fn setup(endpoint: &Endpoint, set: &str, count: u32) -> Result<Setup, String> {
	let owner: PrivateKeySigner = OWNER_KEY.parse().map_err(|e| format!("{e}"))?;
	let artifact_path = bttc_network::repo_root().join("contracts/artifacts/BTTToken.json");
	let artifact: Value = serde_json::from_str(
		&std::fs::read_to_string(&artifact_path)
			.map_err(|e| format!("{}: {e}", artifact_path.display()))?,
	)
	.map_err(|e| format!("{}: {e}", artifact_path.display()))?;
	let bytecode = artifact["bytecode"]
		.as_str()
		.and_then(|b| alloy::primitives::hex::decode(b).ok())
		.ok_or("BTTToken.json has no bytecode")?;
	let supply = U256::from(10u64).pow(U256::from(30u64));
	let mut deploy = bytecode;
	deploy.extend((owner.address(), supply).abi_encode_params());
	let mut nonce = endpoint.nonce(owner.address()).await?;
	let estimate = endpoint.estimate(owner.address(), None, &deploy, 0).await?;
	let tx = endpoint.sign(&owner, nonce, TxKind::Create, deploy, 0, estimate * 3)?;
	nonce += 1;
	let receipts = endpoint.send_all("deploying the token", &[tx]).await?;
	let token: Address = serde_json::from_value(receipts[0]["contractAddress"].clone())
		.map_err(|e| format!("no contract address: {e}"))?;

	let senders: Vec<PrivateKeySigner> = (0..count)
		.map(|i| key(&format!("bttc-bench erc20 {set} {i}")))
		.collect::<Result<_, _>>()?;
	let to_new = senders.first().map(|s| s.address()).unwrap_or_default();
	let native_gas =
		endpoint.estimate(owner.address(), Some(to_new), &[], SENDER_NATIVE).await? * 2;
	let grant =
		transferCall { to: to_new, value: U256::from(10u64).pow(U256::from(24u64)) }.abi_encode();
	let token_gas = endpoint.estimate(owner.address(), Some(token), &grant, 0).await? * 2;
	for (round, chunk) in senders.chunks(FUNDING_ROUND / 2).enumerate() {
		let mut raw = Vec::new();
		for sender in chunk {
			raw.push(endpoint.sign(
				&owner,
				nonce,
				TxKind::Call(sender.address()),
				Vec::new(),
				SENDER_NATIVE,
				native_gas,
			)?);
			let grant = transferCall {
				to: sender.address(),
				value: U256::from(10u64).pow(U256::from(24u64)),
			}
			.abi_encode();
			raw.push(endpoint.sign(&owner, nonce + 1, TxKind::Call(token), grant, 0, token_gas)?);
			nonce += 2;
		}
		endpoint.send_all(&format!("funding round {round}"), &raw).await?;
	}
	Ok(Setup { token, senders })
}

/// Block `number`'s transactions to `token`: (successful, failed, gas used by a successful
/// one), from every receipt; and the block's timestamp (ms). The receipts come in one
/// `eth_getBlockReceipts` call: pallet-revive's eth-rpc rebuilds a whole block's receipts for
/// every single `eth_getTransactionReceipt`, so reading a full block's receipts one by one
/// took longer than the block time and held the load back.
async fn outcomes_in(
	endpoint: &Endpoint,
	token: Address,
	number: u64,
) -> Result<(u64, u64, Option<u64>, u64), String> {
	let tag = format!("0x{number:x}");
	let block = endpoint.call("eth_getBlockByNumber", json!([tag, false])).await?;
	let timestamp =
		hex_u64(&block["timestamp"]).ok_or(format!("block {number} has no timestamp"))?;
	let receipts = endpoint.call("eth_getBlockReceipts", json!([tag])).await?;
	let receipts = receipts.as_array().ok_or(format!("no receipts for block {number}"))?;
	let token_text = format!("{token:?}").to_lowercase();
	let (mut ok, mut failed, mut gas) = (0, 0, None);
	for receipt in receipts {
		if receipt["to"].as_str().map(str::to_lowercase) != Some(token_text.clone()) {
			continue;
		}
		if receipt["status"] == json!("0x1") {
			ok += 1;
			gas = gas.or_else(|| hex_u64(&receipt["gasUsed"]));
		} else {
			failed += 1;
		}
	}
	Ok((ok, failed, gas, timestamp * 1000))
}

/// Offers `pace` transfers of 1 token unit from the senders of `setup` (to each other when
/// `new_holders` is false, to a fresh address each time otherwise) to `endpoint`, each with
/// the gas limit `eth_estimateGas` gives for its shape, and counts receipts block by block.
pub async fn run(
	endpoint: &Endpoint,
	setup: &Setup,
	new_holders: bool,
	pace: Pace,
	workers: usize,
	processes: Vec<(String, u32)>,
	label: &str,
) -> Result<LoadRun, String> {
	let senders = &setup.senders;
	let recipient = |i: usize, n: u64| -> Address {
		if new_holders {
			Address::from_slice(
				&keccak256(format!("bttc-bench new holder {i} {n}").as_bytes())[12..],
			)
		} else {
			senders[(i + 1) % senders.len()].address()
		}
	};
	// One estimate per shape, made for a transfer like the others: only the recipient's
	// calldata differs, and on Ethereum a zero byte costs 12 gas less than another (EIP-2028),
	// so the sample's zero bytes are added back: the limit then covers every recipient.
	let sample_recipient = recipient(0, u64::MAX);
	let sample = transferCall { to: sample_recipient, value: U256::from(1u64) }.abi_encode();
	let zero_bytes = sample_recipient.iter().filter(|b| **b == 0).count() as u64;
	let gas_limit = endpoint.estimate(senders[0].address(), Some(setup.token), &sample, 0).await?
		+ 12 * zero_bytes;
	let per_sender = u64::from(pace.rate)
		.saturating_mul(pace.duration.as_secs() + 30)
		.div_ceil(senders.len().max(1) as u64);
	let mut nonces = Vec::new();
	for sender in senders {
		nonces.push(endpoint.nonce(sender.address()).await?);
	}
	let workers = workers.max(1);
	let mut queues: Vec<VecDeque<String>> = vec![VecDeque::new(); workers];
	for n in 0..per_sender {
		for (i, sender) in senders.iter().enumerate() {
			let data = transferCall { to: recipient(i, n), value: U256::from(1u64) }.abi_encode();
			let (raw, _) = endpoint.sign(
				sender,
				nonces[i] + n,
				TxKind::Call(setup.token),
				data,
				0,
				gas_limit,
			)?;
			queues[i % workers].push_back(raw);
		}
	}
	eprintln!(
		"==> {label}: {} transfers signed (gas limit {gas_limit}, price {} wei)",
		queues.iter().map(VecDeque::len).sum::<usize>(),
		endpoint.gas_price
	);

	let first_block = endpoint.block_number().await? + 1;
	let parent = endpoint
		.call("eth_getBlockByNumber", json!([format!("0x{:x}", first_block - 1), false]))
		.await?;
	let parent_timestamp = hex_u64(&parent["timestamp"]).ok_or("no parent timestamp")? * 1000;
	let counters = Counters::default();
	let sampler = Sampler::start(processes);
	let began = Instant::now();
	let tasks =
		pace::start(&endpoint.url, "eth_sendRawTransaction", queues, pace, &counters, began)?;
	let token = setup.token;
	let (blocks, usage) = pace::count_blocks(
		first_block,
		began,
		pace,
		&counters,
		tasks,
		sampler,
		|| async { endpoint.block_number().await.ok() },
		|number| async move {
			let (successful, failed, gas, timestamp_ms) =
				outcomes_in(endpoint, token, number).await?;
			Ok((BlockFigures { number, successful, failed, timestamp_ms, build_ms: None }, gas))
		},
	)
	.await?;
	let gas_used = blocks.iter().find_map(|(_, gas)| *gas);
	let blocks: Vec<BlockFigures> = blocks.into_iter().map(|(b, _)| b).collect();
	let mut run = LoadRun {
		load: label.to_string(),
		senders: senders.len() as u32,
		offered_per_second: pace.rate,
		submitted: counters.submitted.load(Ordering::Relaxed),
		refused: counters.refused.load(Ordering::Relaxed),
		first_refusal: counters.first_refusal.lock().ok().and_then(|f| f.clone()),
		held_back_seconds: counters.held_back_seconds(workers),
		gas_limit: Some(gas_limit),
		gas_used,
		usage,
		blocks,
		..Default::default()
	};
	run.summarize(parent_timestamp);
	eprintln!(
		"==> {label}: {} successful in {:.1} s: {:.0}/s ({} submitted, {} refused, {} failed)",
		run.successful,
		run.seconds,
		run.successful_per_second,
		run.submitted,
		run.refused,
		run.failed
	);
	Ok(run)
}
