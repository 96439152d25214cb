#!/usr/bin/env bash
# Deploys the BTTC root-chain contracts to an Ethereum JSON-RPC endpoint and writes the
# addresses to a JSON file (read later by chain specs and relayers).
#
#   scripts/deploy-contracts.sh <rpc-url> <out.json> [validators.json]
#
# The deployer key comes from BTTC_DEPLOYER_KEY (default: anvil's first dev key); the
# initial validator set from the third argument or BTTC_VALIDATORS (default
# scripts/validators.dev.json). BTTC_ROOT_MODE=stake (StakeManager, TRON) or
# mirror (ValidatorSetMirror, BSC/Ethereum). See contracts/tools/deploy.js for all settings.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: $0 <rpc-url> <out.json> [validators.json]" >&2
  exit 2
fi
if [ ! -d "$ROOT/contracts/node_modules/ethers" ]; then
  (cd "$ROOT/contracts" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null)
fi
exec node "$ROOT/contracts/tools/deploy.js" "$@"
