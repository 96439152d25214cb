#!/usr/bin/env bash
# Runs scripts/deploy-contracts.sh against real anvil nodes (npm @foundry-rs/anvil, platform
# binary) on free loopback ports — stake mode on one, mirror mode on another — checks the
# result with cast and then runs the cross-chain flow in bridge-e2e.js (a third anvil is the
# sidechain stand-in). Every anvil is killed on exit or failure.
set -euo pipefail
CONTRACTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOT="$(cd "$CONTRACTS/.." && pwd)"
ANVIL="$CONTRACTS/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
CAST="$CONTRACTS/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_anvil() { # chain-id -> sets ANVIL_URL (no subshell, so the pid reaches PIDS)
  local port; port="$(free_port)"
  "$ANVIL" --host 127.0.0.1 --port "$port" --chain-id "$1" --hardfork paris --silent >/dev/null 2>"$WORK/anvil-$1.log" </dev/null &
  PIDS+=("$!")
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    "$CAST" chain-id --rpc-url "$url" >/dev/null 2>&1 && { ANVIL_URL="$url"; return 0; }
    sleep 0.1
  done
  echo "anvil (chain $1) did not start" >&2; cat "$WORK/anvil-$1.log" >&2; return 1
}

PASS=0; FAIL=0
ok() { PASS=$((PASS+1)); echo "ok - $*"; }
nok() { FAIL=$((FAIL+1)); echo "not ok - $*"; }

start_anvil 1001; ROOT_URL="$ANVIL_URL"   # the stake chain (TRON role; TRON itself cannot run here)
start_anvil 199;  CHILD_URL="$ANVIL_URL"  # the sidechain stand-in
start_anvil 1003; BSC_URL="$ANVIL_URL"    # a mirror root chain (BSC role)

VALIDATORS="$CONTRACTS/../scripts/validators.dev.json"
if "$ROOT/scripts/deploy-contracts.sh" "$ROOT_URL" "$WORK/stake.json" "$VALIDATORS" 2>"$WORK/deploy-stake.log"; then
  ok "deploy-contracts.sh (stake mode) against anvil at $ROOT_URL"
else
  nok "deploy-contracts.sh (stake mode)"; cat "$WORK/deploy-stake.log" >&2
fi
if BTTC_ROOT_MODE=mirror BTTC_ROOT_CHAIN_ID=3 "$ROOT/scripts/deploy-contracts.sh" "$BSC_URL" "$WORK/bsc.json" "$VALIDATORS" 2>"$WORK/deploy-bsc.log"; then
  ok "deploy-contracts.sh (mirror mode) against anvil at $BSC_URL"
else
  nok "deploy-contracts.sh (mirror mode)"; cat "$WORK/deploy-bsc.log" >&2
fi

if [ "$FAIL" -eq 0 ]; then
  # a few checks with cast, straight from the written addresses
  SM="$(node -e 'console.log(require(process.argv[1]).contracts.StakeManager)' "$WORK/stake.json")"
  RC="$(node -e 'console.log(require(process.argv[1]).contracts.RootChain)' "$WORK/stake.json")"
  size="$("$CAST" call --rpc-url "$ROOT_URL" "$SM" 'currentValidatorSetSize()(uint256)')"
  [ "$size" = "4" ] && ok "cast: StakeManager.currentValidatorSetSize() = 4" || nok "cast: currentValidatorSetSize() = $size"
  vs="$("$CAST" call --rpc-url "$ROOT_URL" "$RC" 'validatorSet()(address)')"
  [ "${vs,,}" = "${SM,,}" ] && ok "cast: RootChain.validatorSet() = StakeManager" || nok "cast: RootChain.validatorSet() = $vs"
  hb="$("$CAST" call --rpc-url "$ROOT_URL" "$RC" 'currentHeaderBlock()(uint256)')"
  [ "$hb" = "0" ] && ok "cast: no checkpoint yet" || nok "cast: currentHeaderBlock() = $hb"

  set +e
  node "$CONTRACTS/test/e2e/bridge-e2e.js" "$ROOT_URL" "$WORK/stake.json" "$CHILD_URL" "$BSC_URL" "$WORK/bsc.json" "$VALIDATORS" > "$WORK/e2e.log" 2>&1
  rc=$?
  set -e
  cat "$WORK/e2e.log"
  line="$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$WORK/e2e.log" | tail -1)"
  p="$(echo "$line" | sed -E 's/^e2e: ([0-9]+) passed.*/\1/')"; f="$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')"
  PASS=$((PASS + ${p:-0})); FAIL=$((FAIL + ${f:-1}))
  [ "$rc" -eq 0 ] || [ "${f:-1}" -gt 0 ] || FAIL=$((FAIL+1))
fi

echo "deploy-anvil: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
