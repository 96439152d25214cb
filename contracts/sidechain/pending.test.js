// Pending-transaction filters (eth_newPendingTransactionFilter), including transactions that
// reach the pool without passing through this eth-rpc: the test hands one straight to the
// node's pool as `Revive::eth_transact`. Run by scripts/test-evm.sh, which also sets
//   BTTC_NODE_RPC_URL  the node's Substrate JSON-RPC (http://127.0.0.1:PORT)
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { ethers } = require('ethers');
const { DEV_KEYS, provider, rawRpc } = require('./lib');

const URL = process.env.BTTC_ETH_RPC_URL || 'http://127.0.0.1:8545';
const NODE = process.env.BTTC_NODE_RPC_URL || 'http://127.0.0.1:9944';
const rpc = provider(URL);
const sender = new ethers.Wallet(DEV_KEYS[7], rpc);
/// `Revive`'s index in BTTC's runtime (`#[runtime::pallet_index(10)]`) and `eth_transact`'s
/// call index in pallet-revive.
const REVIVE_PALLET_INDEX = 10;
const ETH_TRANSACT_CALL_INDEX = 0;

/// SCALE compact encoding of a length.
function compact(n) {
  if (n < 64) return Buffer.from([n << 2]);
  if (n < 16384) return Buffer.from([((n << 2) | 1) & 0xff, n >> 6]);
  const b = Buffer.alloc(4);
  b.writeUInt32LE(((n << 2) | 2) >>> 0);
  return b;
}

/// Polls `filter` until `hash` is reported (or 10 s pass); every hash reported meanwhile.
async function waitFor(filter, hash) {
  const seen = [];
  for (let i = 0; i < 40 && !seen.includes(hash); i++) {
    const changes = await rawRpc(URL, 'eth_getFilterChanges', [filter]);
    assert.ok(Array.isArray(changes.result), JSON.stringify(changes));
    seen.push(...changes.result);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return seen;
}

test('a pending filter reports transactions sent through eth-rpc and straight to the pool, once', async () => {
  const filter = (await rawRpc(URL, 'eth_newPendingTransactionFilter', [])).result;
  assert.match(filter, /^0x[0-9a-f]+$/);
  const network = await rpc.getNetwork();
  const nonce = await rpc.getTransactionCount(sender.address, 'pending');
  const fee = (await rpc.getFeeData()).gasPrice;
  const sign = (n) => sender.signTransaction({
    to: ethers.Wallet.createRandom().address, value: 1n, nonce: n, gasLimit: 100_000n, gasPrice: fee,
    chainId: network.chainId,
  });

  // Through eth-rpc.
  const viaFront = await rpc.broadcastTransaction(await sign(nonce));
  let seen = await waitFor(filter, viaFront.hash);
  assert.ok(seen.includes(viaFront.hash), `${viaFront.hash} not in ${JSON.stringify(seen)}`);

  // Straight to the node's pool: a bare Revive::eth_transact extrinsic.
  const raw = ethers.getBytes(await sign(nonce + 1));
  const body = Buffer.concat([Buffer.from([5, REVIVE_PALLET_INDEX, ETH_TRANSACT_CALL_INDEX]), compact(raw.length), raw]);
  const extrinsic = '0x' + Buffer.concat([compact(body.length), body]).toString('hex');
  const submitted = await rawRpc(NODE, 'author_submitExtrinsic', [extrinsic]);
  assert.ok(submitted.result, JSON.stringify(submitted));
  const direct = ethers.keccak256(raw);
  seen = await waitFor(filter, direct);
  assert.ok(seen.includes(direct), `${direct} (sent to the node) not in ${JSON.stringify(seen)}`);
  assert.equal(seen.filter((hash) => hash === viaFront.hash).length, 0, 'reported once');
  const receipt = await rpc.waitForTransaction(direct, 1, 30_000);
  assert.equal(receipt.status, 1);
  assert.equal((await rawRpc(URL, 'eth_uninstallFilter', [filter])).result, true);
});

test('WebSocket: a newPendingTransactions subscription hears a transaction; other calls still pass', async () => {
  const ws = new ethers.WebSocketProvider(URL.replace(/^http/, 'ws'));
  try {
    const heard = [];
    await ws.on('pending', (hash) => heard.push(hash));
    // The subscription is in place once eth_subscribe was answered; give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const network = await rpc.getNetwork();
    const sent = await sender.sendTransaction({
      to: ethers.Wallet.createRandom().address, value: 1n, chainId: network.chainId,
    });
    for (let i = 0; i < 40 && !heard.includes(sent.hash); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(heard.includes(sent.hash), `${sent.hash} not in ${JSON.stringify(heard)}`);
    assert.equal(heard.filter((hash) => hash === sent.hash).length, 1, 'once');
    // The same connection still reaches the server for everything else.
    assert.equal(await ws.getBlockNumber() > 0, true);
    await ws.off('pending');
    await sent.wait();
  } finally {
    await ws.destroy();
  }
});
