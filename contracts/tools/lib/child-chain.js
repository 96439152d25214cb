'use strict';
// Drives a sidechain stand-in (an anvil node) to produce real burn receipts and exit proofs.
const { ethers } = require('ethers');
const { rpc } = require('./anvil');
const { receiptTrie, receiptKey } = require('./mpt');
const { blockTree, exitPayload } = require('./checkpoint');
const { artifact } = require('./artifacts');

// anvil's well-known dev keys (mnemonic "test test ... junk")

async function getBlock(url, n) {
  return rpc(url, 'eth_getBlockByNumber', [ethers.toQuantity(n), false]);
}

/** Rebuilds the receipt trie of block `number` and checks it against the header's receiptsRoot. */
async function blockReceipts(url, number) {
  const block = await getBlock(url, number);
  const receipts = [];
  for (const h of block.transactions) receipts.push(await rpc(url, 'eth_getTransactionReceipt', [h]));
  const trie = receiptTrie(receipts);
  if (trie.root !== block.receiptsRoot) {
    throw new Error(`receipt trie root ${trie.root} != header receiptsRoot ${block.receiptsRoot} (block ${number})`);
  }
  return { block, receipts, trie };
}

/** Proof pieces for the burn in tx `txHash`, log `logIndex` (index inside the receipt). */
async function burnProof(url, txHash, logIndex) {
  const r = await rpc(url, 'eth_getTransactionReceipt', [txHash]);
  const number = Number(r.blockNumber);
  const { block, trie } = await blockReceipts(url, number);
  const { key, branchMask } = receiptKey(Number(r.transactionIndex));
  const { nodes, value } = trie.proof(key);
  return {
    blockNumber: number,
    blockTime: Number(block.timestamp),
    txRoot: block.transactionsRoot,
    receiptRoot: block.receiptsRoot,
    receipt: value,
    receiptProof: ethers.encodeRlp(nodes),
    branchMask,
    logIndex,
    txIndex: Number(r.transactionIndex),
  };
}

/** Headers of blocks [start, end] as checkpoint leaves' inputs. */
async function blockRange(url, start, end) {
  const out = [];
  for (let n = start; n <= end; n++) {
    const b = await getBlock(url, n);
    out.push({ number: Number(b.number), timestamp: Number(b.timestamp), transactionsRoot: b.transactionsRoot, receiptsRoot: b.receiptsRoot });
  }
  return out;
}

/** The exit payload for `proof` in checkpoint `headerNumber` covering `blocks`. */
function buildExit(proof, headerNumber, blocks) {
  const tree = blockTree(blocks);
  const blockProof = tree.proof(proof.blockNumber - blocks[0].number);
  return { root: tree.root, blockProof, payload: exitPayload({ ...proof, headerNumber, blockProof }) };
}

module.exports = { getBlock, blockReceipts, burnProof, blockRange, buildExit, artifact };
