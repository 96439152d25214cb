#!/usr/bin/env node
// Compiles contracts/src with the pinned solc-js for evmVersion `paris` (TRON's TVM has no
// PUSH0) and writes one artifact per deployable contract to contracts/artifacts/<Name>.json:
//   { contractName, sourceName, compiler: {...}, abi, bytecode, deployedBytecode }
// `node tools/build.js --check` compiles and fails (exit 1) if any committed artifact
// differs from the fresh compile (or is missing / stale).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'artifacts');
const EVM_VERSION = 'paris';
const OPTIMIZER_RUNS = 200;

const DEPLOYABLE = [
  'BTTToken', 'ChildERC20', 'StakeManager', 'ValidatorShare', 'ValidatorShareFactory',
  'RootChain', 'ValidatorSetMirror', 'StateSender', 'RootChainManager', 'ERC20Predicate',
  'CheckpointVerifier', 'NativeBTT',
];

function listSol(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listSol(p);
    return e.name.endsWith('.sol') ? [p] : [];
  }).sort();
}

function findImports(p) {
  const candidates = [path.join(ROOT, p), path.join(ROOT, 'node_modules', p)];
  for (const f of candidates) if (fs.existsSync(f)) return { contents: fs.readFileSync(f, 'utf8') };
  return { error: `File not found: ${p}` };
}

function compile() {
  const sources = {};
  for (const f of listSol(SRC)) {
    sources[path.relative(ROOT, f).split(path.sep).join('/')] = { content: fs.readFileSync(f, 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  for (const e of out.errors || []) process.stderr.write(e.formattedMessage + '\n');
  if (errors.length) throw new Error(`${errors.length} compilation error(s)`);

  const artifacts = {};
  for (const [sourceName, contracts] of Object.entries(out.contracts)) {
    if (!sourceName.startsWith('src/')) continue;
    for (const [name, c] of Object.entries(contracts)) {
      if (!DEPLOYABLE.includes(name)) continue;
      const bytecode = '0x' + c.evm.bytecode.object;
      artifacts[name] = {
        contractName: name,
        sourceName,
        compiler: { name: 'solc', version: solc.version(), evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: OPTIMIZER_RUNS } },
        abi: c.abi,
        bytecode,
        deployedBytecode: '0x' + c.evm.deployedBytecode.object,
      };
    }
  }
  for (const n of DEPLOYABLE) if (!artifacts[n]) throw new Error(`contract ${n} not found in sources`);
  return artifacts;
}

function serialize(a) {
  return JSON.stringify(a, null, 2) + '\n';
}

function main() {
  const check = process.argv.includes('--check');
  const artifacts = compile();
  if (check) {
    let stale = 0;
    const expected = new Set(Object.keys(artifacts).map((n) => `${n}.json`));
    for (const [name, a] of Object.entries(artifacts)) {
      const f = path.join(OUT, `${name}.json`);
      if (!fs.existsSync(f)) { console.error(`artifact missing: artifacts/${name}.json`); stale++; continue; }
      if (fs.readFileSync(f, 'utf8') !== serialize(a)) { console.error(`artifact stale: artifacts/${name}.json`); stale++; }
    }
    for (const f of fs.existsSync(OUT) ? fs.readdirSync(OUT) : []) {
      if (f.endsWith('.json') && !expected.has(f)) { console.error(`artifact without source: artifacts/${f}`); stale++; }
    }
    if (stale) {
      console.error(`${stale} artifact(s) differ from a fresh compile: run \`node contracts/tools/build.js\` and commit contracts/artifacts`);
      process.exit(1);
    }
    console.log(`artifacts up to date (${Object.keys(artifacts).length} contracts, solc ${solc.version()}, evm ${EVM_VERSION})`);
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, a] of Object.entries(artifacts)) {
    fs.writeFileSync(path.join(OUT, `${name}.json`), serialize(a));
    const size = (a.deployedBytecode.length - 2) / 2;
    console.log(`${name.padEnd(22)} runtime ${String(size).padStart(6)} bytes${size > 24576 ? '  (over EIP-170 limit!)' : ''}`);
  }
}

try { main(); } catch (e) { console.error(e.message); process.exit(1); }
