#!/usr/bin/env bash
# Gas report: the dApp scenario of contracts/sidechain/scenario.js (native and ERC20
# transfers, a 20 KB deployment, a constant-product pool created, funded and swapped through)
# on a `dev` node through eth-rpc and on anvil, in the same run, every transaction sent with
# its eth_estimateGas limit. Writes scripts/reports/gas.{md,json}.
# Uses release binaries (BTTC_PROFILE=release by default); builds them when missing.
set -euo pipefail
export BTTC_PROFILE=${BTTC_PROFILE:-release}
source "$(dirname "$0")/common.sh"

ensure_build_deps
ensure_root_chain_toolchain
[ -x "$NETWORK_BIN" ] || build_binaries
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/bttc-gas-report.XXXXXX")
cleanup() {
	local code=$?
	kill "${DEV_NETWORK_PID:-}" "${ANVIL_PID:-}" 2>/dev/null || true
	wait "${DEV_NETWORK_PID:-}" "${ANVIL_PID:-}" 2>/dev/null || true
	if ((code != 0)); then echo "logs kept in $work_dir" >&2; else rm -rf "$work_dir"; fi
	exit $code
}
trap cleanup EXIT

log "starting a dev node and eth-rpc"
start_dev_evm_chain "$work_dir"
anvil_port=$(free_port)
"$REPO_ROOT/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" \
	--port "$anvil_port" --silent >"$work_dir/anvil.log" 2>&1 &
ANVIL_PID=$!
wait_http "http://127.0.0.1:$anvil_port" eth_chainId "$ANVIL_PID" anvil "$work_dir/anvil.log"

mkdir -p "$REPO_ROOT/scripts/reports"
(cd "$REPO_ROOT/contracts/sidechain" &&
	node gas-report.js "$ETH_RPC_URL" "http://127.0.0.1:$anvil_port" "$REPO_ROOT/scripts/reports/gas") ||
	die "the gas report failed"
log "wrote scripts/reports/gas.md and gas.json"
