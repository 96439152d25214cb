// End-to-end: a dApp deployed and used unmodified, the way wallets send transactions (gas
// limit = eth_estimateGas, no margin): OpenZeppelin ERC20s, a 20 KB contract, and a
// constant-product pool (factory + pair + router compiled from source) created by the
// router, funded and swapped through, first swap included. Run by scripts/test-evm.sh.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { ethers } = require('ethers');
const { DEV_KEYS, provider, rawRpc } = require('./lib');
const { LARGE_CONTRACT_BYTES, runScenario, sendWithEstimate } = require('./scenario');

const URL = process.env.BTTC_ETH_RPC_URL || 'http://127.0.0.1:8545';
const rpc = provider(URL);
// Keys 5 and 6: the ERC20 tests use the first ones, and nonces must not collide.
const deployer = new ethers.Wallet(DEV_KEYS[5], rpc);
const trader = new ethers.Wallet(DEV_KEYS[6], rpc);

/// gasUsed of each scenario step on anvil (Ethereum's rules), from scripts/reports/gas.json.
const ETHEREUM_GAS_USED = Object.fromEntries(
  require('../../scripts/reports/gas.json').rows.map((row) => [row.operation, BigInt(row.anvil.gasUsed)]),
);

let deployed; // the scenario's contracts, used by the tests after the first

test('a constant-product pool: deploy, create, add liquidity, swap, all with estimates alone', async () => {
  const steps = [];
  deployed = await runScenario(deployer, trader, (step) => {
    steps.push(step);
    console.log(`  ${step.operation}: estimate ${step.estimate}, used ${step.gasUsed}, status ${step.status}`);
  });
  assert.ok(steps.length >= 15, `${steps.length} transactions`);
  for (const step of steps) {
    assert.equal(step.status, 1, `${step.operation} reverted with the estimate ${step.estimate}`);
    assert.ok(step.gasUsed <= step.estimate, `${step.operation}: used ${step.gasUsed} > estimate ${step.estimate}`);
  }
  // gasUsed reads as on Ethereum: within 2x of what anvil (Ethereum's rules) used for the
  // same transaction (scripts/reports/gas.md). Storage deposits are inside gas; priced at
  // Ethereum's storage gas, a new holder's transfer stays tens of thousands of gas.
  for (const step of steps) {
    const ethereum = ETHEREUM_GAS_USED[step.operation];
    assert.ok(ethereum, `no Ethereum figure for '${step.operation}'`);
    assert.ok(step.gasUsed <= 2n * ethereum, `${step.operation}: ${step.gasUsed} gas, Ethereum uses ${ethereum}`);
  }
  const { tokenA, tokenB, large, factory, router, pair, swapRecipient } = deployed;
  const [a, b] = [await tokenA.getAddress(), await tokenB.getAddress()];

  // The router's CREATE2 rule finds the pair the factory created from inside the router.
  assert.equal(await factory.allPairsLength(), 1n);
  assert.equal(await router.pairFor(a, b), await pair.getAddress());
  assert.ok((await rpc.getCode(await pair.getAddress())).length > 2, 'the pair has code');
  const largeCode = (await rpc.getCode(await large.getAddress())).length / 2 - 1;
  assert.ok(largeCode >= LARGE_CONTRACT_BYTES * 0.98 && largeCode <= 24_576, `large contract: ${largeCode} bytes`);

  // Reserves: 100,000 A + 200,000 B, then 1,000 A + 2,000 B at the pool price, then two swaps
  // of 10 A in; the product grows with fees, and the new holder got what the curve gives.
  const [r0, r1] = await pair.getReserves();
  const [reserveA, reserveB] = (await pair.token0()) === a ? [r0, r1] : [r1, r0];
  assert.equal(reserveA, ethers.parseEther('101020'));
  // Swaps only grow k (fees); the second deposit at the pool price (A reserve 100,020 after
  // the swaps, plus 1,000) scales it by (101,020 / 100,020)^2.
  assert.ok(reserveA * reserveB * 100_020n ** 2n >= ethers.parseEther('100000') * ethers.parseEther('200000') * 101_020n ** 2n);
  const expectedFirstOut = (ethers.parseEther('10') * 997n * ethers.parseEther('200000')) /
    (ethers.parseEther('100000') * 1000n + ethers.parseEther('10') * 997n);
  assert.equal(await tokenB.balanceOf(swapRecipient), expectedFirstOut);
  assert.ok((await tokenB.balanceOf(trader.address)) > 0n);
  assert.ok((await pair.balanceOf(deployer.address)) > 0n, 'the liquidity provider holds pool shares');
});

test('removing liquidity through the pair pays both tokens back, with estimates alone', async () => {
  // A fresh provider-side view of the pool created above.
  const factoryEvents = await rpc.getLogs({ fromBlock: 0, topics: [ethers.id('PairCreated(address,address,address,uint256)')] });
  assert.ok(factoryEvents.length >= 1, 'PairCreated is found by eth_getLogs');
  const pairAddress = ethers.getAddress('0x' + factoryEvents.at(-1).data.slice(26, 66));
  const pairAbi = [
    'function balanceOf(address) view returns (uint256)',
    'function transfer(address,uint256) returns (bool)',
    'function burn(address) returns (uint256,uint256)',
    'function token0() view returns (address)',
  ];
  const pair = new ethers.Contract(pairAddress, pairAbi, deployer);
  const token0 = new ethers.Contract(await pair.token0(), pairAbi, rpc);
  const shares = (await pair.balanceOf(deployer.address)) / 10n;
  const before = await token0.balanceOf(deployer.address);
  const moved = await sendWithEstimate(deployer, await pair.transfer.populateTransaction(pairAddress, shares));
  assert.equal(moved.status, 1);
  const burned = await sendWithEstimate(deployer, await pair.burn.populateTransaction(deployer.address));
  assert.equal(burned.status, 1, `burn reverted with the estimate ${burned.estimate}`);
  assert.ok((await token0.balanceOf(deployer.address)) > before, 'token0 came back');
});

test('eth_createAccessList names what a swap touches, and a transaction carrying the list succeeds', async () => {
  const { tokenA, tokenB, router, pair } = deployed;
  const [a, b] = [await tokenA.getAddress(), await tokenB.getAddress()];
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const swap = await router.connect(trader).swapExactTokensForTokens.populateTransaction(
    ethers.parseEther('1'), 0, [a, b], trader.address, deadline);
  const request = { from: trader.address, to: swap.to, data: swap.data };
  const answer = await rawRpc(URL, 'eth_createAccessList', [request, 'latest']);
  assert.ok(answer.result, JSON.stringify(answer));
  const { accessList, gasUsed } = answer.result;
  const listed = new Map(accessList.map((entry) => [entry.address.toLowerCase(), entry.storageKeys]));
  // Both tokens and the pair are touched, with storage (balances, allowances, reserves); the
  // sender and the router (the recipient) are left out, as geth leaves them out.
  for (const address of [a, b, await pair.getAddress()]) {
    assert.ok(listed.get(address.toLowerCase())?.length > 0, `${address} missing from ${JSON.stringify(accessList)}`);
  }
  assert.ok(!listed.has(trader.address.toLowerCase()) && !listed.has(swap.to.toLowerCase()));
  assert.ok(BigInt(gasUsed) > 0n);
  // An EIP-1559 transaction carrying the list, with the list's gasUsed as its limit.
  const sent = await trader.sendTransaction({ ...swap, accessList, gasLimit: BigInt(gasUsed) });
  const receipt = await sent.wait();
  assert.equal(receipt.status, 1);
  // A call that reverts is answered with the revert, as eth_estimateGas answers it.
  const bad = await router.connect(trader).swapExactTokensForTokens.populateTransaction(
    ethers.parseEther('1'), ethers.MaxUint256, [a, b], trader.address, deadline);
  const refused = await rawRpc(URL, 'eth_createAccessList', [{ from: trader.address, to: bad.to, data: bad.data }]);
  assert.ok(refused.error && /revert/i.test(refused.error.message), JSON.stringify(refused));
});

test('eth_getProof answers for an account and a storage slot, matching the state calls', async () => {
  const { tokenA } = deployed;
  const token = await tokenA.getAddress();
  // OpenZeppelin's ERC20 keeps balances in a mapping at slot 0.
  const slot = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(['address', 'uint256'], [trader.address, 0]));
  const block = (await rawRpc(URL, 'eth_blockNumber', [])).result;
  const contract = await rawRpc(URL, 'eth_getProof', [token, [slot], block]);
  assert.ok(contract.result, JSON.stringify(contract));
  const proof = contract.result;
  assert.equal(proof.address.toLowerCase(), token.toLowerCase());
  assert.equal(proof.codeHash, ethers.keccak256(await rpc.getCode(token, BigInt(block))));
  assert.match(proof.storageHash, /^0x[0-9a-f]{64}$/);
  assert.ok(proof.accountProof.length > 0 && proof.accountProof.every((node) => /^0x[0-9a-f]+$/.test(node)));
  assert.equal(proof.storageProof.length, 1);
  assert.equal(proof.storageProof[0].key, slot);
  assert.equal(BigInt(proof.storageProof[0].value), await tokenA.balanceOf(trader.address, { blockTag: BigInt(block) }));
  assert.ok(proof.storageProof[0].proof.length > 0);
  assert.match(proof.substrateBlockHash, /^0x[0-9a-f]{64}$/);

  const account = (await rawRpc(URL, 'eth_getProof', [trader.address, [], block])).result;
  assert.equal(BigInt(account.balance), await rpc.getBalance(trader.address, BigInt(block)));
  assert.equal(Number(account.nonce), await rpc.getTransactionCount(trader.address, BigInt(block)));
  assert.equal(account.codeHash, ethers.keccak256('0x'));
  assert.equal(account.storageHash, '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
  assert.ok(account.accountProof.length > 0);

  // Bad params are refused with -32602 and say what is wrong.
  const bad = await rawRpc(URL, 'eth_getProof', [token, ['0x' + '1'.repeat(65)], block]);
  assert.equal(bad.error?.code, -32602, JSON.stringify(bad));
  assert.match(bad.error.message, /slot/);
});
