'use strict';
// Starts the npm anvil binary (the platform binary, not the npm launcher) on a free loopback
// port and stops it again. Every process started here is killed on exit.
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');

const ANVIL = path.resolve(__dirname, '../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil');
const running = new Set();
function killAll() { for (const p of running) { try { p.kill('SIGKILL'); } catch (_) {} } running.clear(); }
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function rpc(url, method, params = []) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}

async function startAnvil({ chainId = 31337, hardfork = 'paris', extraArgs = [] } = {}) {
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--hardfork', hardfork, '--silent', ...extraArgs];
  const proc = spawn(ANVIL, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`anvil exited: ${stderr}`);
    try { await rpc(url, 'eth_chainId'); break; } catch (_) {}
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`anvil did not start: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, proc, stop() { running.delete(proc); proc.kill('SIGKILL'); } };
}

module.exports = { startAnvil, freePort, rpc, ANVIL };
