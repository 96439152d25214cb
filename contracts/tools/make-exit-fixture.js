#!/usr/bin/env node
// Produces test/fixtures/exit-proof.json for the forge bridge test from a REAL EVM: a local
// anvil plays the sidechain, a ChildERC20 is deployed on it, several transactions (transfers
// and burns) are mined into one block, and the burn receipts' Merkle-Patricia proofs are built
// from the block's receipts. The trie root is checked against the block header's receiptsRoot
// before anything is written. Both burns are withdraw(amount, ROOT_CHAIN_ID): their receipts
// hold the burn's Transfer(from, 0x0, amount) log and then Burned(from, ROOT_CHAIN_ID, amount);
// each burn records the index of both (`logIndex` = the Burned log, the one an exit proves;
// `transferLogIndex` = the Transfer log, which exits must refuse).
// Run: node tools/make-exit-fixture.js
'use strict';
const fs = require('fs');
const path = require('path');
const { ethers } = require('ethers');
const { startAnvil, rpc } = require('./lib/anvil');
const { factory } = require('./lib/artifacts');
const { burnProof, blockRange, blockReceipts } = require('./lib/child-chain');
const { blockTree } = require('./lib/checkpoint');

const MNEMONIC = 'test test test test test test test test test test test junk';
// BTTC root chain ids: TRON = 1, Ethereum = 2, BSC = 3. The fixture's burns name Ethereum;
// test/Bridge.t.sol exits them on a chain-2 predicate and is refused on a chain-1 one.
const ROOT_CHAIN_ID = 2;
const BURNED = ethers.id('Burned(address,uint256,uint256)');
const TRANSFER = ethers.id('Transfer(address,address,uint256)');

/** Indexes (inside the receipt) of the burn's Transfer-to-zero and Burned logs, checked. */
async function burnLogs(url, txHash, tokenAddr, burner, amt) {
  const r = await rpc(url, 'eth_getTransactionReceipt', [txHash]);
  if (BigInt(r.status) !== 1n) throw new Error(`burn ${txHash} failed`);
  const word = (x) => ethers.zeroPadValue(ethers.toBeHex(x), 32).toLowerCase();
  const own = (l) => ethers.getAddress(l.address) === tokenAddr;
  const logIndex = r.logs.findIndex((l) => own(l) && l.topics.length === 3 && l.topics[0] === BURNED
    && l.topics[1].toLowerCase() === word(burner) && l.topics[2].toLowerCase() === word(ROOT_CHAIN_ID)
    && BigInt(l.data) === amt);
  const transferLogIndex = r.logs.findIndex((l) => own(l) && l.topics.length === 3 && l.topics[0] === TRANSFER
    && l.topics[1].toLowerCase() === word(burner) && BigInt(l.topics[2]) === 0n && BigInt(l.data) === amt);
  if (logIndex < 0 || transferLogIndex < 0) throw new Error(`burn ${txHash}: Burned/Transfer logs not found`);
  return { logIndex, transferLogIndex };
}

async function main() {
  const child = await startAnvil({ chainId: 199 });
  try {
    const provider = new ethers.JsonRpcProvider(child.url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
    const wallets = [];
    for (let i = 0; i < 6; i++) wallets.push(ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider));
    const [deployer, alice, bob, carol] = wallets;

    const deployed = await factory('ChildERC20', deployer).deploy('BitTorrent (child)', 'BTT', deployer.address);
    await deployed.deploymentTransaction().wait();
    const token = deployed.connect(new ethers.NonceManager(deployer));
    const amount = (n) => ethers.parseEther(String(n));
    const enc = (n) => ethers.AbiCoder.defaultAbiCoder().encode(['uint256'], [amount(n)]);
    for (const [w, n] of [[alice, 1000], [bob, 500], [carol, 250]]) {
      await (await token.deposit(w.address, enc(n))).wait();
    }

    // one block with many transactions: transfers, native sends, and two burns
    await rpc(child.url, 'evm_setAutomine', [false]);
    const nonces = {};
    for (const w of wallets) nonces[w.address] = await provider.getTransactionCount(w.address);
    const send = async (w, txp) => { const tx = await w.sendTransaction({ ...(await txp), nonce: nonces[w.address]++, gasLimit: 200000 }); return tx.hash; };
    const t = (w) => token.connect(w);
    const hashes = [];
    for (let i = 0; i < 4; i++) hashes.push(await send(deployer, { to: wallets[4].address, value: 1n + BigInt(i) }));
    hashes.push(await send(alice, t(alice).transfer.populateTransaction(bob.address, amount(10))));
    hashes.push(await send(bob, t(bob).transfer.populateTransaction(carol.address, amount(5))));
    const aliceBurn = await send(alice, t(alice).withdraw.populateTransaction(amount(300), ROOT_CHAIN_ID));
    for (let i = 0; i < 4; i++) hashes.push(await send(wallets[5], { to: wallets[4].address, value: 7n + BigInt(i) }));
    const bobBurn = await send(bob, t(bob).withdraw.populateTransaction(amount(40), ROOT_CHAIN_ID));
    hashes.push(await send(carol, t(carol).transfer.populateTransaction(alice.address, amount(1))));
    await rpc(child.url, 'evm_mine', []);
    await rpc(child.url, 'evm_setAutomine', [true]);
    // a few more blocks so that the checkpoint has several leaves
    const dm = new ethers.NonceManager(deployer);
    for (let i = 0; i < 3; i++) await (await dm.sendTransaction({ to: carol.address, value: 1n })).wait();

    const tokenAddr = await token.getAddress();
    const aLogs = await burnLogs(child.url, aliceBurn, tokenAddr, alice.address, amount(300));
    const bLogs = await burnLogs(child.url, bobBurn, tokenAddr, bob.address, amount(40));
    const a = { ...(await burnProof(child.url, aliceBurn, aLogs.logIndex)), transferLogIndex: aLogs.transferLogIndex };
    const b = { ...(await burnProof(child.url, bobBurn, bLogs.logIndex)), transferLogIndex: bLogs.transferLogIndex };
    if (a.blockNumber !== b.blockNumber) throw new Error('burns not in one block');
    const { receipts } = await blockReceipts(child.url, a.blockNumber);
    const last = Number(await rpc(child.url, 'eth_blockNumber'));
    const blocks = await blockRange(child.url, 0, last);
    const tree = blockTree(blocks);

    const fixture = {
      comment: 'Generated by tools/make-exit-fixture.js from a real anvil chain; receipt trie roots checked against block headers.',
      childChainId: 199,
      rootChainId: ROOT_CHAIN_ID,
      childToken: tokenAddr,
      receiptsInBlock: receipts.length,
      burns: [
        { burner: alice.address, amount: amount(300).toString(), rootChainId: ROOT_CHAIN_ID, ...a },
        { burner: bob.address, amount: amount(40).toString(), rootChainId: ROOT_CHAIN_ID, ...b },
      ],
      blocks: {
        numbers: blocks.map((x) => x.number),
        times: blocks.map((x) => x.timestamp),
        txRoots: blocks.map((x) => x.transactionsRoot),
        receiptRoots: blocks.map((x) => x.receiptsRoot),
      },
      checkpointRoot: tree.root,
    };
    const out = path.resolve(__dirname, '../test/fixtures/exit-proof.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(fixture, null, 2) + '\n');
    console.log(`wrote ${path.relative(process.cwd(), out)}: block ${a.blockNumber} with ${receipts.length} receipts, burns at tx ${a.txIndex} and ${b.txIndex} (Burned log ${a.logIndex}, Transfer log ${a.transferLogIndex}, root chain ${ROOT_CHAIN_ID})`);
  } finally {
    child.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
