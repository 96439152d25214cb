#!/usr/bin/env node
// ERC20 transfer throughput of one Ethereum JSON-RPC endpoint.
//   node bench-erc20.js URL LABEL [TRANSFERS]
// Deploys TestToken, gives 9 senders tokens, signs TRANSFERS transfers (default 900) spread
// over them, submits them all as raw transactions, and waits until every one is in a block.
// Prints one JSON line: transfers, blocks, seconds (first inclusion block's parent timestamp
// to last inclusion block's timestamp), TPS, gas, Mgas/s, and the wall-clock figures.
'use strict';
const { ethers } = require('ethers');
const { DEV_KEYS, compile, provider, rawRpc } = require('./lib');

const [url, label, transfersArg] = process.argv.slice(2);
if (!url || !label) {
  console.error('usage: bench-erc20.js URL LABEL [TRANSFERS]');
  process.exit(2);
}
const TRANSFERS = Number(transfersArg || 900);
const IN_FLIGHT = 32;
const progress = (text) => console.error(`[${label}] ${text}`);

async function main() {
  const rpc = provider(url);
  const chainId = (await rpc.getNetwork()).chainId;
  const owner = new ethers.Wallet(DEV_KEYS[0], rpc);
  const senders = DEV_KEYS.slice(1).map((k) => new ethers.Wallet(k, rpc));
  const artifact = compile('TestToken.sol', 'TestToken');

  progress('deploying TestToken');
  const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, owner);
  const token = await factory.deploy('Bench', 'BNC', ethers.parseEther('1000000000'));
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();

  progress(`funding ${senders.length} senders`);
  let nonce = await rpc.getTransactionCount(owner.address);
  const funding = [];
  for (const s of senders) funding.push(await token.transfer(s.address, ethers.parseEther('1000000'), { nonce: nonce++ }));
  await Promise.all(funding.map((tx) => tx.wait()));

  const gasPrice = (await rpc.getFeeData()).gasPrice;
  const sample = token.interface.encodeFunctionData('transfer', [owner.address, 1n]);
  const estimate = await rpc.estimateGas({ from: senders[0].address, to: tokenAddress, data: sample });
  const gasLimit = (estimate * 12n) / 10n;
  progress(`signing ${TRANSFERS} transfers (estimate ${estimate} gas, gas price ${gasPrice} wei)`);
  const nonces = await Promise.all(senders.map((s) => rpc.getTransactionCount(s.address)));
  const raw = [];
  for (let i = 0; i < TRANSFERS; i++) {
    const k = i % senders.length;
    const recipient = ethers.getAddress('0x' + (0x1000 + i).toString(16).padStart(40, '0'));
    raw.push(await senders[k].signTransaction({
      to: tokenAddress, data: token.interface.encodeFunctionData('transfer', [recipient, 1n]),
      nonce: nonces[k]++, gasLimit, gasPrice, chainId, type: 0,
    }));
  }

  const startBlock = await rpc.getBlockNumber();
  const started = Date.now();
  progress(`submitting from block ${startBlock}`);
  let next = 0;
  let refused = 0;
  async function worker() {
    while (next < raw.length) {
      const tx = raw[next++];
      const answer = await rawRpc(url, 'eth_sendRawTransaction', [tx]);
      if (answer.error) {
        refused++;
        if (refused <= 3) progress(`refused: ${answer.error.message}`);
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const submitted = Date.now();
  progress(`submitted in ${((submitted - started) / 1000).toFixed(1)} s (${refused} refused); waiting for inclusion`);

  // Done when every sender's confirmed nonce reached its last signed nonce.
  let lastReport = 0;
  for (;;) {
    const confirmed = await Promise.all(senders.map((s) => rpc.getTransactionCount(s.address, 'latest')));
    const pending = confirmed.reduce((sum, n, k) => sum + (nonces[k] - n), 0);
    if (pending <= 0) break;
    if (Date.now() - lastReport > 10_000) {
      progress(`${TRANSFERS - pending}/${TRANSFERS} included`);
      lastReport = Date.now();
    }
    if (Date.now() - started > 30 * 60_000) throw new Error(`${pending} transfers not included after 30 min`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const done = Date.now();
  const endBlock = await rpc.getBlockNumber();

  // Count the transfers and gas block by block: only the blocks that hold them.
  let first = null;
  let last = null;
  let included = 0;
  let gas = 0n;
  for (let n = startBlock + 1; n <= endBlock; n++) {
    const block = await rpc.getBlock(n);
    if (!block || block.transactions.length === 0) continue;
    first ??= block;
    last = block;
    included += block.transactions.length;
    gas += block.gasUsed;
  }
  const parent = await rpc.getBlock(first.number - 1);
  const seconds = last.timestamp - parent.timestamp;
  const result = {
    label, url, transfers: TRANSFERS, refused, included, blocks: last.number - first.number + 1,
    firstBlock: first.number, lastBlock: last.number, seconds,
    tps: included / seconds, gasPerTransfer: Number(gas) / included, mgasPerSecond: Number(gas) / 1e6 / seconds,
    wallSeconds: (done - started) / 1000, wallTps: included / ((done - started) / 1000), estimate: Number(estimate),
  };
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(`[${label}] ${error.stack || error}`);
  process.exit(1);
});
