// Gas report: runs the dApp scenario (scenario.js) on BTTC through eth-rpc and on anvil in the
// same run, every transaction sent with its eth_estimateGas limit, and writes a Markdown table
// and JSON of estimate and gasUsed per operation. Run by scripts/gas-report.sh.
//   node gas-report.js BTTC_URL ANVIL_URL OUT_PREFIX
'use strict';
const fs = require('fs');
const { ethers } = require('ethers');
const { DEV_KEYS, provider } = require('./lib');
const { runScenario } = require('./scenario');

async function measure(url) {
  const rpc = provider(url);
  const steps = [];
  await runScenario(new ethers.Wallet(DEV_KEYS[5], rpc), new ethers.Wallet(DEV_KEYS[6], rpc), (step) => {
    console.log(`  ${step.operation}: estimate ${step.estimate}, used ${step.gasUsed}, status ${step.status}`);
    steps.push(step);
  });
  const block = await rpc.getBlock('latest');
  return { chainId: (await rpc.getNetwork()).chainId.toString(), blockGasLimit: block.gasLimit.toString(), steps };
}

const thousands = (n) => BigInt(n).toLocaleString('en-US');

async function main() {
  const [bttcUrl, anvilUrl, out] = process.argv.slice(2);
  if (!out) throw new Error('usage: node gas-report.js BTTC_URL ANVIL_URL OUT_PREFIX');
  console.log(`BTTC (${bttcUrl})`);
  const bttc = await measure(bttcUrl);
  console.log(`anvil (${anvilUrl})`);
  const anvil = await measure(anvilUrl);
  const rows = bttc.steps.map((step, i) => {
    const peer = anvil.steps[i];
    if (!peer || peer.operation !== step.operation) throw new Error(`step ${i} differs between the chains`);
    return {
      operation: step.operation,
      bttc: { estimate: step.estimate.toString(), gasUsed: step.gasUsed.toString(), status: step.status },
      anvil: { estimate: peer.estimate.toString(), gasUsed: peer.gasUsed.toString(), status: peer.status },
    };
  });
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `# gasUsed of common operations: BTTC and anvil`,
    '',
    `Measured ${date} by \`scripts/gas-report.sh\`: the same transactions, in the same order, on a`,
    '`dev` node through eth-rpc and on anvil (Ethereum rules, Prague), each sent with exactly the',
    'gas limit `eth_estimateGas` returned; every one succeeded (status 1) on both chains.',
    `Block gas limit: BTTC ${thousands(bttc.blockGasLimit)}, anvil ${thousands(anvil.blockGasLimit)}.`,
    '',
    '| operation | BTTC gasUsed | BTTC estimate | anvil gasUsed | anvil estimate | BTTC / anvil |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) =>
      `| ${r.operation} | ${thousands(r.bttc.gasUsed)} | ${thousands(r.bttc.estimate)} | ${thousands(r.anvil.gasUsed)} | ${thousands(r.anvil.estimate)} | ${(Number(r.bttc.gasUsed) / Number(r.anvil.gasUsed)).toFixed(2)} |`),
    '',
  ];
  fs.writeFileSync(`${out}.md`, lines.join('\n'));
  fs.writeFileSync(`${out}.json`, JSON.stringify({ date, bttc: { chainId: bttc.chainId, blockGasLimit: bttc.blockGasLimit }, anvil: { chainId: anvil.chainId, blockGasLimit: anvil.blockGasLimit }, rows }, null, 2) + '\n');
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
