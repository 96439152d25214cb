#!/usr/bin/env bash
# Tests of the root-chain contracts (contracts/), non-interactive, on a fresh clone:
#   1. installs the pinned npm toolchain (npm ci: solc-js, forge, anvil, cast, ethers, ...)
#   2. checks that contracts/artifacts match a fresh compile of contracts/src
#   3. runs the forge tests (platform binary, so a failing test fails this script)
#   4. deploys with scripts/deploy-contracts.sh to real anvil nodes and runs the
#      cross-chain end-to-end checks (contracts/test/e2e/deploy-anvil.sh)
# Ends with "N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
C="$ROOT/contracts"
cd "$C"
exec </dev/null

PASSED=0
FAILED=0
step() { echo; echo "=== $* ==="; }

# ---- 1. toolchain (idempotent: reinstalls only when package-lock.json changed)
step "npm toolchain"
STAMP="node_modules/.bttc-lock.sha256"
LOCK_SUM="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
  echo "$LOCK_SUM" > "$STAMP"
else
  echo "node_modules up to date"
fi
FORGE="$C/node_modules/@foundry-rs/forge-linux-amd64/bin/forge"
for b in "$FORGE" "$C/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" "$C/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"; do
  [ -x "$b" ] || { echo "missing $b"; echo "0 passed, 1 failed"; exit 1; }
done
"$FORGE" --version | head -1

# ---- 2. artifacts
step "artifacts are current"
if node tools/build.js --check; then PASSED=$((PASSED+1)); else FAILED=$((FAILED+1)); fi

# ---- 3. forge tests
step "forge test"
LOG="$(mktemp)"
"$FORGE" test 2>&1 | tee "$LOG"
FORGE_RC=${PIPESTATUS[0]}
SUMMARY="$(grep -E 'tests? passed, [0-9]+ failed' "$LOG" | tail -1)"
FP="$(echo "$SUMMARY" | sed -nE 's/.*: ([0-9]+) tests? passed.*/\1/p')"
FF="$(echo "$SUMMARY" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')"
PASSED=$((PASSED + ${FP:-0}))
FAILED=$((FAILED + ${FF:-0}))
if [ "$FORGE_RC" -ne 0 ] && [ "${FF:-0}" -eq 0 ]; then FAILED=$((FAILED+1)); echo "forge exited $FORGE_RC"; fi
rm -f "$LOG"

# ---- 4. deploy script against anvil + end-to-end flow
step "deploy-contracts.sh against anvil (end to end)"
LOG="$(mktemp)"
bash "$C/test/e2e/deploy-anvil.sh" 2>&1 | tee "$LOG"
E2E_RC=${PIPESTATUS[0]}
SUMMARY="$(grep -E '^deploy-anvil: [0-9]+ passed, [0-9]+ failed' "$LOG" | tail -1)"
EP="$(echo "$SUMMARY" | sed -nE 's/^deploy-anvil: ([0-9]+) passed.*/\1/p')"
EF="$(echo "$SUMMARY" | sed -nE 's/.* ([0-9]+) failed$/\1/p')"
PASSED=$((PASSED + ${EP:-0}))
FAILED=$((FAILED + ${EF:-0}))
if [ "$E2E_RC" -ne 0 ] && [ "${EF:-0}" -eq 0 ]; then FAILED=$((FAILED+1)); echo "deploy-anvil exited $E2E_RC"; fi
rm -f "$LOG"

echo
echo "contracts: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
