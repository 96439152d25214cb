#!/usr/bin/env bash
# ERC20 transfers per second and Mgas/s: BTTC's dev node (through eth-rpc) and anvil, on this
# machine, in the same run, with the ratio. Writes scripts/reports/evm-bench.md.
#   scripts/bench-evm.sh [TRANSFERS]     (default 3000 per chain)
# Both chains make a block every 2 s (anvil with --block-time 2), so the figures compare what
# fits in a block and how fast the chain takes transactions in, not a block-time choice.
set -euo pipefail
source "$(dirname "$0")/common.sh"

transfers=${1:-3000}
[[ "$transfers" =~ ^[1-9][0-9]*$ ]] || die "TRANSFERS must be a positive integer, got '$transfers'"
ensure_build_deps
build_binaries
ensure_root_chain_toolchain

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/bttc-evm-bench.XXXXXX")
cleanup() {
	kill "${DEV_NETWORK_PID:-}" "${anvil_pid:-}" 2>/dev/null || true
	wait "${DEV_NETWORK_PID:-}" "${anvil_pid:-}" 2>/dev/null || true
	rm -rf "$work_dir"
}
trap cleanup EXIT

log "starting a dev node and eth-rpc"
start_dev_evm_chain "$work_dir"
anvil_port=$(free_port)
"$REPO_ROOT/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" --host 127.0.0.1 \
	--port "$anvil_port" --block-time 2 >"$work_dir/anvil.log" 2>&1 &
anvil_pid=$!
wait_http "http://127.0.0.1:$anvil_port" eth_chainId "$anvil_pid" anvil "$work_dir/anvil.log"

bench() { (cd "$REPO_ROOT/contracts/sidechain" && node bench-erc20.js "$1" "$2" "$transfers"); }
log "BTTC dev node: $transfers ERC20 transfers"
bttc=$(bench "$ETH_RPC_URL" bttc) || die "benchmark on the dev node failed"
log "anvil: $transfers ERC20 transfers"
anvil=$(bench "http://127.0.0.1:$anvil_port" anvil) || die "benchmark on anvil failed"

report="$REPO_ROOT/scripts/reports/evm-bench.md"
mkdir -p "$(dirname "$report")"
python3 - "$bttc" "$anvil" "$report" <<'PY'
import json, platform, os, sys, datetime
bttc, anvil, path = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
def row(name, r):
    return (f"| {name} | {r['included']} | {r['blocks']} | {r['seconds']} | {r['tps']:.1f} | "
            f"{r['gasPerTransfer']:.0f} | {r['mgasPerSecond']:.2f} | {r['wallTps']:.1f} |")
lines = [
    "# ERC20 transfer throughput: BTTC dev node vs anvil",
    "",
    f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on "
    f"{os.cpu_count()} cores ({platform.machine()}) by `scripts/bench-evm.sh {bttc['transfers']}`.",
    "",
    "| chain | transfers | blocks | seconds (block timestamps) | TPS | gas per transfer | Mgas/s | wall-clock TPS |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row("BTTC dev node (pallet-revive, via eth-rpc)", bttc),
    row("anvil (--block-time 2)", anvil),
    "",
    f"**Ratio BTTC / anvil**: TPS {bttc['tps'] / anvil['tps']:.2f}, "
    f"wall-clock TPS {bttc['wallTps'] / anvil['wallTps']:.2f}, Mgas/s {bttc['mgasPerSecond'] / anvil['mgasPerSecond']:.2f}.",
    "",
    "- Both chains seal a block every 2 s; each run submits every transfer as a signed raw",
    "  transaction (9 senders, 32 requests in flight) and waits until all are in blocks.",
    "- TPS counts the transfers over the block-timestamp span from the parent of the first",
    "  block holding one to the last such block; wall-clock TPS from the first submission to",
    "  the moment all were confirmed.",
    "- Gas is not the same unit on both: anvil counts EVM opcode gas, BTTC's gas is its fee",
    "  divided by the gas price (weight and storage deposit included), so Mgas/s compares",
    "  poorly across the two; transfers per second is the comparable figure.",
    "- The BTTC node is the debug build the tests use (the runtime itself is optimised WASM);",
    "  eth-rpc is a debug build too.",
    "",
    "Raw results:",
    "",
    "```json",
    json.dumps(bttc),
    json.dumps(anvil),
    "```",
]
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(lines[6:11]))
PY
log "report written to $report"
