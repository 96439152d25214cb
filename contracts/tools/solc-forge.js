#!/usr/bin/env node
// A `solc` executable for forge backed by the pinned npm `solc` (solc-js, WebAssembly).
// forge asks `--version` (expects a "Version: 0.8.x+commit..." line) and then runs
// `--standard-json` with the input on stdin. We compile in-process, so none of the `>>>`
// lines that the solcjs CLI prints reach stdout: stdout carries only the JSON output.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write('solc, the solidity compiler commandline interface\n');
  process.stdout.write(`Version: ${solc.version().replace('Emscripten.clang', 'Linux.g++')}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('solc-forge.js: only --version and --standard-json are supported\n');
  process.exit(2);
}

// Paths forge may pass: --base-path X, --include-path Y, --allow-paths Z.
const roots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === '--base-path' || args[i] === '--include-path') && args[i + 1]) roots.push(args[i + 1]);
}
function findImports(p) {
  for (const r of roots) {
    const f = path.resolve(r, p);
    if (fs.existsSync(f)) return { contents: fs.readFileSync(f, 'utf8') };
  }
  return { error: `File not found: ${p}` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
