// Shared by the sidechain EVM tests: compiling with solc-js, the development
// keys, and small JSON-RPC helpers.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');
const { ethers } = require('ethers');

const CONTRACTS_ROOT = path.resolve(__dirname, '..');

/// Foundry's/Hardhat's development keys (mnemonic `test … junk`), prefunded on the dev and
/// local presets and on anvil.
const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97',
  '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
];

function findImports(p) {
  for (const f of [path.join(__dirname, p), path.join(CONTRACTS_ROOT, 'node_modules', p)]) {
    if (fs.existsSync(f)) return { contents: fs.readFileSync(f, 'utf8') };
  }
  return { error: `File not found: ${p}` };
}

/// Compiles `file` (relative to this folder) with solc-js and returns `{ abi, bytecode }` of
/// `contractName`. EVM version `cancun`: BTTC's EVM (pallet-revive) runs current bytecode.
function compile(file, contractName) {
  return compileSource(file, fs.readFileSync(path.join(__dirname, file), 'utf8'), contractName);
}

/// Compiles Solidity `content`, named `file` (imports resolve relative to this folder and to
/// contracts/node_modules), and returns `{ abi, bytecode }` of `contractName`.
function compileSource(file, content, contractName) {
  const input = {
    language: 'Solidity',
    sources: { [file]: { content } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contract = output.contracts[file][contractName];
  return { abi: contract.abi, bytecode: '0x' + contract.evm.bytecode.object };
}

/// A JSON-RPC provider that does not poll faster than the chain makes blocks.
function provider(url) {
  const p = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, polling: true });
  p.pollingInterval = 250;
  return p;
}

/// Sends a raw JSON-RPC request and returns `{ result }` or `{ error }` as the server said it.
async function rawRpc(url, method, params) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json();
}

module.exports = { DEV_KEYS, compile, compileSource, provider, rawRpc };
