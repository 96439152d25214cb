#!/usr/bin/env node
// Measures RootChain.submitCheckpoint gas on a real EVM (anvil, hardfork paris) with N
// validators of equal stake all signing, for N in 4, 7, 21, 50, 100 (or the sizes given as
// arguments), and writes a markdown report beside Polygon's figure (~18k gas per signature,
// ~2.2M gas at 105 validators).
//   node tools/gas-report.js [--out reports/gas-report.md] [N ...]
// Each size gets a fresh anvil and a deployment made by scripts/deploy-contracts.sh with a
// generated validator file; the gas is the transaction's gasUsed (21k base and calldata
// included), for the first checkpoint and for the steady state (the 3rd one).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { ethers } = require('ethers');
const { startAnvil } = require('./lib/anvil');
const { artifact } = require('./lib/artifacts');
const { checkpointData, signSorted } = require('./lib/checkpoint');

const CONTRACTS = path.resolve(__dirname, '..');
const DEPLOY = path.resolve(CONTRACTS, '../scripts/deploy-contracts.sh');
const POLYGON_PER_SIG = 18000;
const POLYGON_105 = 2200000;

async function measure(n) {
  const keys = Array.from({ length: n }, (_, i) => ethers.keccak256(ethers.toUtf8Bytes(`bttc-gas-report-validator-${i}`)));
  const validators = keys.map((k) => {
    const w = new ethers.SigningKey(k);
    return { signerPubkey: ethers.dataSlice(w.publicKey, 1), owner: ethers.computeAddress(w.publicKey), stake: ethers.parseEther('10000').toString() };
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bttc-gas-'));
  const vfile = path.join(tmp, 'validators.json');
  const dfile = path.join(tmp, 'deployment.json');
  fs.writeFileSync(vfile, JSON.stringify({ validators }));
  const anvil = await startAnvil({ chainId: 1001, extraArgs: ['--gas-limit', '100000000'] });
  try {
    execFileSync('bash', [DEPLOY, anvil.url, dfile, vfile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const dep = JSON.parse(fs.readFileSync(dfile, 'utf8'));
    const provider = new ethers.JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1, pollingInterval: 50 });
    const wallet = new ethers.NonceManager(new ethers.Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', provider));
    const rc = new ethers.Contract(dep.contracts.RootChain, artifact('RootChain').abi, wallet);
    const gas = [];
    let start = 0;
    for (let i = 0; i < 3; i++) {
      const end = start + 255;
      const data = checkpointData({ proposer: validators[0].owner, start, end, root: ethers.id(`root-${i}`), accountHash: ethers.id(`acc-${i}`), childChainId: dep.childChainId });
      const { sigs } = signSorted('0x01', data, keys);
      const r = await (await rc.submitCheckpoint(data, sigs)).wait();
      if (r.status !== 1) throw new Error('checkpoint failed');
      gas.push(Number(r.gasUsed));
      start = end + 1;
    }
    return { n, first: gas[0], steady: gas[2] };
  } finally {
    anvil.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  let out = path.join(CONTRACTS, 'reports/gas-report.md');
  const oi = args.indexOf('--out');
  if (oi >= 0) { out = path.resolve(args[oi + 1]); args.splice(oi, 2); }
  const sizes = args.length ? args.map(Number) : [4, 7, 21, 50, 100];

  const rows = [];
  for (const n of sizes) {
    const r = await measure(n);
    rows.push(r);
    console.error(`[gas] ${n} validators: first checkpoint ${r.first}, steady state ${r.steady}`);
  }
  const base = rows[0];
  const fmt = (x) => x.toLocaleString('en-US');
  const solc = artifact('RootChain').compiler;
  const lines = [];
  lines.push('# submitCheckpoint gas', '');
  lines.push(`Measured by \`scripts/contracts-gas-report.sh\` on ${new Date().toISOString().slice(0, 10)}: anvil (hardfork paris), contracts from`);
  lines.push(`\`contracts/artifacts\` (solc ${solc.version}, optimizer ${solc.optimizer.runs} runs, evm ${solc.evmVersion}), deployed by`);
  lines.push('`scripts/deploy-contracts.sh` (stake mode: the StakeManager checks signatures and pays the checkpoint reward).');
  lines.push('N validators with equal stake, **all N signing** a 256-block checkpoint. Gas is the transaction\'s `gasUsed`');
  lines.push('(21,000 base and calldata included). "Steady state" is the third checkpoint (storage already warm-written).', '');
  lines.push('| validators | gas, 1st checkpoint | gas, steady state | gas / signature (total ÷ N) | marginal gas / extra signature | Polygon (~18k / sig) |');
  lines.push('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const marginal = r.n === base.n ? '—' : fmt(Math.round((r.steady - base.steady) / (r.n - base.n)));
    lines.push(`| ${r.n} | ${fmt(r.first)} | ${fmt(r.steady)} | ${fmt(Math.round(r.steady / r.n))} | ${marginal} | ${fmt(r.n * POLYGON_PER_SIG)} |`);
  }
  const last = rows[rows.length - 1];
  const slope = (last.steady - base.steady) / (last.n - base.n);
  lines.push('');
  lines.push(`Polygon pays ~${fmt(POLYGON_PER_SIG)} gas per signature (~${fmt(POLYGON_105)} gas at 105 validators). Here one more`);
  lines.push(`signature costs ~${fmt(Math.round(slope))} gas, so 105 validators would take ~${fmt(Math.round(base.steady + slope * (105 - base.n)))} gas`);
  lines.push(`(${(POLYGON_105 / (base.steady + slope * (105 - base.n))).toFixed(1)}× less).`, '');
  lines.push('Where a signature\'s gas goes: 65 bytes of calldata (r ‖ s ‖ v, ≤ 1,040 gas), the ecrecover precompile');
  lines.push('(3,000 gas + call), one cold SLOAD of the signer\'s power from a `signer → power` mapping (2,100 gas + hashing),');
  lines.push('and the ascending-order check. Nothing is written per signer: rewards are distributed through a');
  lines.push('reward-per-stake accumulator (O(1) writes per checkpoint), the proposer bonus is one write.');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  console.error(`[gas] report written to ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
