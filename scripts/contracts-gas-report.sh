#!/usr/bin/env bash
# Gas of RootChain.submitCheckpoint with 4, 7, 21, 50 and 100 validators all signing, measured
# on anvil; writes contracts/reports/gas-report.md (or the file given with --out).
#   scripts/contracts-gas-report.sh [--out FILE] [N ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/contracts"
if [ ! -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ] || [ ! -d node_modules/ethers ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null
fi
exec node tools/gas-report.js "$@" </dev/null
