// End-to-end: an OpenZeppelin ERC20 on a running BTTC node, through the eth-rpc proxy, with
// ethers. Run by scripts/test-evm.sh, which starts the node and the proxy and sets
//   BTTC_ETH_RPC_URL   the proxy (http://127.0.0.1:PORT)
//   BTTC_EVM_CHAIN_ID  the chain id the chain spec sets
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { ethers } = require('ethers');
const { DEV_KEYS, compile, provider, rawRpc } = require('./lib');

const URL = process.env.BTTC_ETH_RPC_URL || 'http://127.0.0.1:8545';
const CHAIN_ID = BigInt(process.env.BTTC_EVM_CHAIN_ID || '19901');
const SUPPLY = ethers.parseUnits('1000000', 18);

const rpc = provider(URL);
const deployer = new ethers.Wallet(DEV_KEYS[0], rpc);
const alice = new ethers.Wallet(DEV_KEYS[1], rpc);
const bob = new ethers.Wallet(DEV_KEYS[2], rpc);
const artifact = compile('TestToken.sol', 'TestToken');
let token; // deployed once, used by the tests after `deploys`

/// Resolves a promise expected to fail, returning the error's full text (message, and
/// the server's JSON-RPC error when ethers wraps one).
async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return [error.code, error.shortMessage, error.message, JSON.stringify(error.info || {}), JSON.stringify(error.error || {})].join(' | ');
  }
  assert.fail('expected the call to fail');
}

test('identity: eth_chainId, net_version, web3_clientVersion, 18-decimal balances', async () => {
  assert.equal((await rpc.getNetwork()).chainId, CHAIN_ID);
  assert.equal((await rawRpc(URL, 'net_version', [])).result, CHAIN_ID.toString());
  const client = (await rawRpc(URL, 'web3_clientVersion', [])).result;
  assert.ok(typeof client === 'string' && client.length > 0, `web3_clientVersion: ${client}`);
  // 1,000,000 BTT, 18 decimals, prefunded by the preset.
  assert.ok((await rpc.getBalance(deployer.address)) > ethers.parseEther('900000'));
  assert.ok((await rpc.getBlockNumber()) > 0);
  assert.ok((await rpc.getFeeData()).gasPrice > 0n);
});

test('deploys an OpenZeppelin ERC20 with ethers', async () => {
  const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, deployer);
  const deployed = await factory.deploy('BTTC Test Token', 'BTK', SUPPLY);
  const receipt = await deployed.deploymentTransaction().wait();
  assert.equal(receipt.status, 1);
  token = deployed;
  const address = await token.getAddress();
  assert.equal(receipt.contractAddress, address);
  assert.ok((await rpc.getCode(address)).length > 2, 'contract has code');
  assert.equal(await token.symbol(), 'BTK');
  assert.equal(await token.decimals(), 18n);
  assert.equal(await token.totalSupply(), SUPPLY);
  assert.equal(await token.balanceOf(deployer.address), SUPPLY);
  assert.equal(await token.minter(), deployer.address);
});

test('transfer: receipt, balances and the Transfer log through eth_getLogs', async () => {
  const amount = ethers.parseUnits('1234.5', 18);
  const before = await token.balanceOf(alice.address);
  const tx = await token.transfer(alice.address, amount);
  const receipt = await tx.wait();
  assert.equal(receipt.status, 1);
  assert.equal(receipt.hash, tx.hash);
  assert.equal(receipt.from, deployer.address);
  assert.equal(receipt.to, await token.getAddress());
  assert.ok(receipt.gasUsed > 0n);
  assert.equal(await token.balanceOf(alice.address), before + amount);
  assert.equal(await token.balanceOf(deployer.address), SUPPLY - before - amount);

  // The receipt carries the event...
  const parsed = receipt.logs.map((log) => token.interface.parseLog(log)).filter(Boolean);
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0].name, 'Transfer');
  assert.deepEqual([...parsed[0].args], [deployer.address, alice.address, amount]);

  // ...and eth_getLogs finds it by address, topic and block range.
  const logs = await rpc.getLogs({
    address: await token.getAddress(),
    topics: [ethers.id('Transfer(address,address,uint256)'), null, ethers.zeroPadValue(alice.address, 32)],
    fromBlock: receipt.blockNumber,
    toBlock: receipt.blockNumber,
  });
  assert.equal(logs.length, 1);
  assert.equal(logs[0].transactionHash, receipt.hash);
  assert.equal(BigInt(logs[0].data), amount);

  // The transaction and its block are served too.
  const fetched = await rpc.getTransaction(tx.hash);
  assert.equal(fetched.nonce, tx.nonce);
  const block = await rpc.getBlock(receipt.blockNumber);
  assert.ok(block.transactions.includes(tx.hash));
});

test('eth_estimateGas: enough for the transfer, and used as the limit', async () => {
  const data = token.interface.encodeFunctionData('transfer', [bob.address, 1000n]);
  const estimate = await rpc.estimateGas({ from: deployer.address, to: await token.getAddress(), data });
  assert.ok(estimate > 21000n, `estimate ${estimate}`);
  const receipt = await (await token.transfer(bob.address, 1000n, { gasLimit: estimate })).wait();
  assert.equal(receipt.status, 1);
  assert.ok(receipt.gasUsed <= estimate, `used ${receipt.gasUsed} > estimated ${estimate}`);
  assert.equal(await token.balanceOf(bob.address), 1000n);
});

test('eth_call returns the revert reason and custom errors', async () => {
  // A `require` message...
  const asAlice = token.connect(alice);
  const reason = await failure(asAlice.mint.staticCall(alice.address, 1n));
  assert.match(reason, /TestToken: only the minter mints/);
  const raw = await rawRpc(URL, 'eth_call', [{
    from: alice.address, to: await token.getAddress(),
    data: token.interface.encodeFunctionData('mint', [alice.address, 1n]),
  }, 'latest']);
  assert.ok(raw.error, 'eth_call of a reverting call is an error');
  const revertData = raw.error.data;
  assert.ok(revertData.startsWith('0x08c379a0'), `Error(string) data: ${revertData}`);
  assert.equal(ethers.AbiCoder.defaultAbiCoder().decode(['string'], '0x' + revertData.slice(10))[0],
    'TestToken: only the minter mints');

  // ...and an OpenZeppelin custom error, decoded from the returned data.
  const tooMuch = (await token.balanceOf(bob.address)) + 1n;
  const raw2 = await rawRpc(URL, 'eth_call', [{
    from: bob.address, to: await token.getAddress(),
    data: token.interface.encodeFunctionData('transfer', [alice.address, tooMuch]),
  }, 'latest']);
  const decoded = token.interface.parseError(raw2.error.data);
  assert.equal(decoded.name, 'ERC20InsufficientBalance');
  assert.equal(decoded.args[0], bob.address);
  assert.equal(decoded.args[2], tooMuch);

  // A reverting transaction estimates with the same reason instead of being sent.
  assert.match(await failure(asAlice.mint(alice.address, 1n)), /TestToken: only the minter mints/);
});

test('nonces: consecutive pending transactions land in order; a reused nonce is refused', async () => {
  const start = await rpc.getTransactionCount(alice.address, 'latest');
  const asAlice = token.connect(alice);
  const sent = [];
  for (let i = 0; i < 3; i++) {
    sent.push(await asAlice.transfer(bob.address, 1n, { nonce: start + i }));
  }
  assert.deepEqual(sent.map((tx) => tx.nonce), [start, start + 1, start + 2]);
  const receipts = await Promise.all(sent.map((tx) => tx.wait()));
  assert.ok(receipts.every((r) => r.status === 1));
  assert.equal(await rpc.getTransactionCount(alice.address, 'latest'), start + 3);

  // A different transaction (amount 2) with a nonce already used.
  const stale = await failure(asAlice.transfer(bob.address, 2n, { nonce: start }));
  // geth's wording, so ethers classifies it as NONCE_EXPIRED, and the nonce to use.
  assert.match(stale, /^NONCE_EXPIRED \|/, stale);
  assert.match(stale, new RegExp(`nonce too low: address 0x[0-9a-f]{40}, tx: ${start} state: ${start + 3}`, 'i'), stale);
});

test('native BTT value transfer between Ethereum accounts', async () => {
  const amount = ethers.parseEther('1.5');
  const fresh = ethers.Wallet.createRandom().address;
  const receipt = await (await deployer.sendTransaction({ to: fresh, value: amount })).wait();
  assert.equal(receipt.status, 1);
  assert.equal(await rpc.getBalance(fresh), amount);
});

test('a transaction signed for another chain id is refused', async () => {
  const wrongChain = await deployer.signTransaction({
    to: bob.address, value: 1n, nonce: await rpc.getTransactionCount(deployer.address),
    gasLimit: 1_000_000n, gasPrice: (await rpc.getFeeData()).gasPrice, chainId: CHAIN_ID + 1n,
  });
  const answer = await rawRpc(URL, 'eth_sendRawTransaction', [wrongChain]);
  assert.ok(answer.error, `accepted: ${JSON.stringify(answer)}`);
  assert.equal(answer.error.code, -32000);
  assert.match(answer.error.message,
    new RegExp(`^invalid chain id: the transaction is signed for chain id ${CHAIN_ID + 1n}, this chain's id is ${CHAIN_ID}`),
    answer.error.message);
});

test('underpriced and malformed raw transactions are refused with a clear error', async () => {
  const nonce = await rpc.getTransactionCount(deployer.address);
  const underpriced = await deployer.signTransaction({
    to: bob.address, value: 1n, nonce, gasLimit: 1_000_000n, gasPrice: 1n, chainId: CHAIN_ID,
  });
  const answer = await rawRpc(URL, 'eth_sendRawTransaction', [underpriced]);
  assert.ok(answer.error, `accepted: ${JSON.stringify(answer)}`);
  const gasPrice = (await rpc.getFeeData()).gasPrice;
  assert.equal(answer.error.message,
    `transaction underpriced: it offers 1 wei per gas, the chain's gas price is ${gasPrice} wei (see eth_gasPrice); raise gasPrice or maxFeePerGas`);

  // A sender that cannot pay gas × price + value.
  const pauper = ethers.Wallet.createRandom();
  const unpaid = await pauper.signTransaction({
    to: bob.address, value: 1n, nonce: 0, gasLimit: 21_000n, gasPrice, chainId: CHAIN_ID,
  });
  const broke = await rawRpc(URL, 'eth_sendRawTransaction', [unpaid]);
  assert.match(broke.error?.message ?? '', /^insufficient funds for gas \* price \+ value: address 0x[0-9a-f]{40} have 0 want \d+$/, JSON.stringify(broke));

  // A sender that can pay, with a gas limit below what the transfer costs here (Ethereum's
  // 21,000 for a plain transfer; BTTC's estimate is higher).
  const short = await deployer.signTransaction({
    to: bob.address, value: 1n, nonce, gasLimit: 21_000n, gasPrice, chainId: CHAIN_ID,
  });
  const tooLow = await rawRpc(URL, 'eth_sendRawTransaction', [short]);
  assert.match(tooLow.error?.message ?? '', /^intrinsic gas too low: gas limit 21000 .*eth_estimateGas$/, JSON.stringify(tooLow));
  assert.equal(await rpc.getTransactionCount(deployer.address), nonce, 'no nonce used');

  for (const garbage of ['0x', '0x1234', '0xf86c' + 'ab'.repeat(20)]) {
    const refused = await rawRpc(URL, 'eth_sendRawTransaction', [garbage]);
    assert.ok(refused.error, `accepted ${garbage}: ${JSON.stringify(refused)}`);
    assert.match(refused.error.message, /^invalid raw transaction: not a signed Ethereum transaction/, refused.error.message);
  }
  const notHex = await rawRpc(URL, 'eth_sendRawTransaction', ['not hex']);
  assert.equal(notHex.error?.code, -32602, JSON.stringify(notHex));
  assert.match(notHex.error.message, /^invalid params: eth_sendRawTransaction takes one 0x-prefixed hex string/);

  // In a batch, the refused element is answered and the other calls still run.
  const batch = await fetch(URL, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'eth_sendRawTransaction', params: [underpriced] },
    ]),
  }).then((r) => r.json());
  assert.equal(batch.length, 2, JSON.stringify(batch));
  assert.equal(BigInt(batch[0].result), CHAIN_ID);
  assert.match(batch[1].error.message, /^transaction underpriced/);
  // Nothing of the above moved the sender's nonce.
  assert.equal(await rpc.getTransactionCount(deployer.address), nonce);
});

test('WebSocket: newHeads and a Transfer log arrive by eth_subscribe', async () => {
  const ws = new ethers.WebSocketProvider(URL.replace(/^http/, 'ws'));
  try {
    assert.equal((await ws.getNetwork()).chainId, CHAIN_ID);
    // A raw log subscription (eth_subscribe "logs" with address and topics); only this
    // test's transfer carries the amount 4321.
    const amount = 4321n;
    const filter = {
      address: await token.getAddress(),
      topics: [ethers.id('Transfer(address,address,uint256)'), ethers.zeroPadValue(deployer.address, 32), ethers.zeroPadValue(bob.address, 32)],
    };
    const heard = new Promise((resolve) => {
      ws.on(filter, (log) => {
        const parsed = token.interface.parseLog(log);
        if (parsed.args[2] === amount) resolve({ from: parsed.args[0], to: parsed.args[1], value: parsed.args[2] });
      });
    });
    const block = new Promise((resolve) => ws.once('block', resolve));
    await (await token.transfer(bob.address, amount)).wait();
    const within30s = (promise, what) => {
      let timer;
      const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${what} within 30 s`)), 30_000); });
      return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
    };
    assert.ok(Number.isInteger(await within30s(block, 'newHeads')));
    const event = await within30s(heard, 'Transfer log');
    assert.deepEqual([event.from, event.to, event.value], [deployer.address, bob.address, amount]);
  } finally {
    await ws.destroy();
  }
});

test('HTTP polling filters: contract.on hears a Transfer; a block filter reports new blocks once', async () => {
  // Without `polling`, ethers watches contract events over HTTP with eth_newFilter and
  // eth_getFilterChanges, as most libraries do.
  const http = new ethers.JsonRpcProvider(URL, undefined, { staticNetwork: true });
  http.pollingInterval = 250;
  try {
    const watched = new ethers.Contract(await token.getAddress(), artifact.abi, http);
    const amount = 5432n;
    const heard = new Promise((resolve) => {
      watched.on('Transfer', (from, to, value) => {
        if (value === amount) resolve([from, to, value]);
      });
    });
    const blocks = (await rawRpc(URL, 'eth_newBlockFilter', [])).result;
    assert.match(blocks, /^0x[0-9a-f]+$/, 'a filter id');
    // Let ethers install its log filter before the transfer's block.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await (await token.transfer(bob.address, amount)).wait();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no Transfer event within 30 s')), 30_000);
    });
    const event = await Promise.race([heard, timeout]).finally(() => clearTimeout(timer));
    assert.deepEqual(event, [deployer.address, bob.address, amount]);

    const changes = (await rawRpc(URL, 'eth_getFilterChanges', [blocks])).result;
    assert.ok(changes.length >= 1 && changes.every((hash) => /^0x[0-9a-f]{64}$/.test(hash)), JSON.stringify(changes));
    const again = (await rawRpc(URL, 'eth_getFilterChanges', [blocks])).result;
    assert.ok(again.every((hash) => !changes.includes(hash)), 'each block reported once');
    assert.equal((await rawRpc(URL, 'eth_uninstallFilter', [blocks])).result, true);
    assert.match((await rawRpc(URL, 'eth_getFilterChanges', [blocks])).error.message, /filter not found/);
  } finally {
    http.destroy();
  }
});
