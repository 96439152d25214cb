'use strict';
// Checkpoint Merkle tree (leaf = keccak256(abi.encodePacked(uint256 number, uint256 time,
// bytes32 txRoot, bytes32 receiptRoot)), zero-padded to a power of two, node =
// keccak256(left ‖ right)), checkpoint signing and exit payload encoding.
const { keccak256, solidityPacked, concat, AbiCoder, SigningKey, encodeRlp, getBytes, hexlify, Signature } = require('ethers');
const { q } = require('./mpt');

const ZERO = '0x' + '00'.repeat(32);

function blockLeaf(b) {
  return keccak256(solidityPacked(['uint256', 'uint256', 'bytes32', 'bytes32'], [b.number, b.timestamp, b.transactionsRoot, b.receiptsRoot]));
}

/** Tree over `blocks` (consecutive, ascending). Returns { root, proof(index) }. */
function blockTree(blocks) {
  let size = 1;
  while (size < blocks.length) size *= 2;
  const layers = [blocks.map(blockLeaf).concat(new Array(size - blocks.length).fill(ZERO))];
  while (layers[layers.length - 1].length > 1) {
    const prev = layers[layers.length - 1];
    const next = [];
    for (let i = 0; i < prev.length; i += 2) next.push(keccak256(concat([prev[i], prev[i + 1]])));
    layers.push(next);
  }
  return {
    root: layers[layers.length - 1][0],
    proof(index) {
      const sib = [];
      for (let l = 0; l < layers.length - 1; l++) { sib.push(layers[l][index ^ 1]); index >>= 1; }
      return sib.length ? concat(sib) : '0x';
    },
  };
}

const coder = AbiCoder.defaultAbiCoder();

function checkpointData({ proposer, start, end, root, accountHash = ZERO, childChainId }) {
  return coder.encode(['address', 'uint256', 'uint256', 'bytes32', 'bytes32', 'uint256'], [proposer, start, end, root, accountHash, childChainId]);
}

/** Signatures r ‖ s ‖ v by `privateKeys` over keccak256(prefix ‖ data), sorted by signer. */
function signSorted(prefix, data, privateKeys) {
  const digest = keccak256(concat([prefix, data]));
  const sigs = privateKeys.map((k) => {
    const key = new SigningKey(k);
    const sig = key.sign(digest);
    return { addr: BigInt(require('ethers').computeAddress(key.publicKey)), bytes: concat([sig.r, sig.s, Uint8Array.of(sig.v)]) };
  });
  sigs.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  return { digest, sigs: sigs.length ? concat(sigs.map((s) => s.bytes)) : '0x' };
}

function exitPayload(p) {
  return encodeRlp([
    q(p.headerNumber), p.blockProof, q(p.blockNumber), q(p.blockTime), p.txRoot, p.receiptRoot,
    p.receipt, p.receiptProof, p.branchMask, q(p.logIndex),
  ]);
}

module.exports = { blockLeaf, blockTree, checkpointData, signSorted, exitPayload, ZERO };
