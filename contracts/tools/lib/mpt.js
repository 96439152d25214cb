'use strict';
// Ethereum Merkle-Patricia trie (hex-prefix paths, RLP nodes, keccak references, nodes
// shorter than 32 bytes embedded in their parent), receipt encoding, and inclusion proofs.
// Used to build exit proofs; the root it computes is checked against real block headers.
const { encodeRlp, keccak256, toBeArray, getBytes, hexlify, concat } = require('ethers');

function toNibbles(bytes) {
  const b = getBytes(bytes);
  const out = [];
  for (const x of b) out.push(x >> 4, x & 0x0f);
  return out;
}

function hpEncode(nibbles, leaf) {
  const odd = nibbles.length % 2 === 1;
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  const bytes = [];
  let i = 0;
  if (odd) { bytes.push((flag << 4) | nibbles[0]); i = 1; } else { bytes.push(flag << 4); }
  for (; i < nibbles.length; i += 2) bytes.push((nibbles[i] << 4) | nibbles[i + 1]);
  return hexlify(Uint8Array.from(bytes));
}

function hpDecode(hex) {
  const n = toNibbles(hex);
  const flag = n[0];
  return { leaf: flag >= 2, nibbles: n.slice(flag & 1 ? 1 : 2) };
}

class Trie {
  /** @param entries Array<[keyHex, valueHex]> */
  constructor(entries) {
    this.db = new Map(); // hash -> raw node (nested arrays of hex strings)
    const items = entries.map(([k, v]) => ({ nib: toNibbles(k), value: hexlify(v) }));
    const keys = new Set(items.map((i) => i.nib.join(',')));
    if (keys.size !== items.length) throw new Error('duplicate trie key');
    this.rootNode = items.length ? this._build(items, 0) : '0x';
    this.root = keccak256(encodeRlp(this.rootNode));
  }

  _ref(node) {
    const enc = encodeRlp(node);
    if (getBytes(enc).length < 32) return node; // embedded
    const h = keccak256(enc);
    this.db.set(h, node);
    return h;
  }

  _build(items, depth) {
    if (items.length === 1 && items[0].nib.length >= depth) {
      return [hpEncode(items[0].nib.slice(depth), true), items[0].value];
    }
    // longest common prefix after depth
    let pre = 0;
    const minLen = Math.min(...items.map((i) => i.nib.length));
    outer: for (; depth + pre < minLen; pre++) {
      const x = items[0].nib[depth + pre];
      for (const it of items) if (it.nib[depth + pre] !== x) break outer;
    }
    if (pre > 0) {
      return [hpEncode(items[0].nib.slice(depth, depth + pre), false), this._ref(this._build(items, depth + pre))];
    }
    const branch = new Array(17).fill('0x');
    const groups = new Map();
    for (const it of items) {
      if (it.nib.length === depth) { branch[16] = it.value; continue; }
      const k = it.nib[depth];
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(it);
    }
    for (const [k, g] of groups) branch[k] = this._ref(this._build(g, depth + 1));
    return branch;
  }

  _resolve(ref) {
    if (Array.isArray(ref)) return ref;
    const n = this.db.get(ref);
    if (!n) throw new Error(`missing node ${ref}`);
    return n;
  }

  /** Raw nodes from the root to the value stored under `key`. */
  proof(key) {
    const nib = toNibbles(key);
    let node = this.rootNode;
    const nodes = [node];
    let pos = 0;
    for (;;) {
      if (node.length === 17) {
        if (pos === nib.length) return { nodes, value: node[16] };
        const c = node[nib[pos++]];
        if (c === '0x') throw new Error('key not in trie');
        node = this._resolve(c);
      } else {
        const { leaf, nibbles } = hpDecode(node[0]);
        for (let i = 0; i < nibbles.length; i++) if (nib[pos + i] !== nibbles[i]) throw new Error('key not in trie');
        pos += nibbles.length;
        if (leaf) {
          if (pos !== nib.length) throw new Error('key not in trie');
          return { nodes, value: node[1] };
        }
        node = this._resolve(node[1]);
      }
      nodes.push(node);
    }
  }
}

const q = (x) => toBeArray(BigInt(x)); // quantity -> minimal big-endian bytes (0 -> empty)

/** Consensus encoding of a receipt as returned by eth_getTransactionReceipt. */
function encodeReceipt(r) {
  const status = BigInt(r.status) === 1n ? '0x01' : '0x';
  const body = encodeRlp([
    status,
    q(r.cumulativeGasUsed),
    r.logsBloom,
    r.logs.map((l) => [l.address, l.topics, l.data]),
  ]);
  const type = BigInt(r.type ?? 0);
  return type === 0n ? body : concat([Uint8Array.of(Number(type)), body]);
}

/** Receipt trie of a block (receipts in transaction order). */
function receiptTrie(receipts) {
  return new Trie(receipts.map((r, i) => [encodeRlp(q(i)), encodeReceipt(r)]));
}

/** Trie key (rlp(txIndex)) and the Polygon-style branch mask 0x00 ‖ key. */
function receiptKey(txIndex) {
  const key = encodeRlp(q(txIndex));
  return { key, branchMask: concat(['0x00', key]) };
}

module.exports = { Trie, encodeReceipt, receiptTrie, receiptKey, toNibbles, hpEncode, hpDecode, q };
