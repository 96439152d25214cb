#!/usr/bin/env bash
# Measures what a newcomer waits for on a fresh machine, and writes
# scripts/reports/cold-build.md:
#   1. `scripts/local-network.sh --fresh` on a fresh clone with an empty target directory,
#      until its first finalized block (set-up, the build of bttc-node and eth-rpc, start-up);
#   2. then `scripts/test.sh` on the same clone (it builds the test binaries the first phase
#      did not need, then runs every test);
#   3. a warm rebuild of the binaries after a runtime source change (runtime WASM + relink).
# A cold `scripts/test.sh` costs phase 1's build plus phase 2: the two builds are one
# dependency graph (see `resolver` in Cargo.toml), so phase 2 compiles only what the tests
# add.
#
#   scripts/measure-cold-build.sh [TARGET_DIR]
#
# Per-crate timings (cargo --timings) are written to TARGET_DIR/cargo-timings/.
# TARGET_DIR (default: a new folder under ~/.cache/bttc) must be empty or absent. The clone
# is made from this repository's HEAD into a temporary folder; commit what you measure.
set -euo pipefail
source "$(dirname "$0")/common.sh"
# cargo's per-crate timing reports land in TARGET_DIR/cargo-timings/.
export BTTC_BUILD_TIMINGS=1

target_dir=${1:-$HOME/.cache/bttc/cold-target-$(date +%Y%m%d-%H%M%S)}
if [ -d "$target_dir" ] && [ -n "$(ls -A "$target_dir")" ]; then
	die "$target_dir is not empty: a cold build needs an empty target directory"
fi
mkdir -p "$target_dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/bttc-cold.XXXXXX")
report="$REPO_ROOT/scripts/reports/cold-build.md"
commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD)
git clone --quiet --no-hardlinks "$REPO_ROOT" "$work/clone"
clone="$work/clone"
log "fresh clone of $commit in $clone, target directory $target_dir"

network_pid=""
cleanup() {
	if [ -n "$network_pid" ] && kill -0 "$network_pid" 2>/dev/null; then
		kill -TERM "$network_pid" 2>/dev/null || true
		wait "$network_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# rpc METHOD PARAMS: the result of a JSON-RPC call to the first validator, or nothing.
rpc_port=19944
rpc() {
	curl -sf -H 'Content-Type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" \
		"http://127.0.0.1:$rpc_port" 2>/dev/null |
		python3 -c 'import json,sys; r=json.load(sys.stdin).get("result"); print(r if isinstance(r,str) else json.dumps(r))' 2>/dev/null || true
}
finalized_number() {
	local hash
	hash=$(rpc chain_getFinalizedHead '[]')
	[ -n "$hash" ] || { echo 0; return; }
	rpc chain_getHeader "[\"$hash\"]" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["number"],16))' 2>/dev/null || echo 0
}

# ---- 1. local network until its first finalized block
log "phase 1: scripts/local-network.sh --fresh (log: $work/local-network.log)"
start=$SECONDS
CARGO_TARGET_DIR="$target_dir" BTTC_NETWORK_DIR="$work/network" BTTC_RPC_PORT=$rpc_port \
	BTTC_ETH_RPC_PORT=18545 BTTC_ROOT_RPC_PORT=18645 \
	setsid "$clone/scripts/local-network.sh" --fresh </dev/null >"$work/local-network.log" 2>&1 &
network_pid=$!
first_final=""
while kill -0 "$network_pid" 2>/dev/null; do
	if [ "$(finalized_number)" -ge 1 ]; then
		first_final=$((SECONDS - start))
		break
	fi
	sleep 5
done
[ -n "$first_final" ] || die "the local network stopped before finalizing a block; see $work/local-network.log"
binaries_build=$(sed -n 's/.*binaries built in \([0-9]*\) s.*/\1/p' "$work/local-network.log" | tail -n 1)
log "first finalized block after $first_final s (binaries built in $binaries_build s)"
cleanup
network_pid=""

# ---- 2. every test
log "phase 2: scripts/test.sh (log: $work/test.log)"
start=$SECONDS
CARGO_TARGET_DIR="$target_dir" "$clone/scripts/test.sh" </dev/null >"$work/test.log" 2>&1 ||
	die "scripts/test.sh failed; see $work/test.log"
test_total=$((SECONDS - start))
phase_of() { sed -n "s/.*$1 in \([0-9]*\) s.*/\1/p" "$work/test.log" | tail -n 1; }
tests_build=$(phase_of "binaries and tests built")
rust_tests=$(phase_of "Rust tests passed")
contract_tests=$(phase_of "contract tests passed")
evm_tests=$(phase_of "EVM tests passed")
log "test.sh passed in $test_total s"

# ---- 3. warm rebuild after a runtime change
log "phase 3: warm rebuild of the binaries after a runtime source change"
touch "$clone/runtime/src/lib.rs"
start=$SECONDS
(cd "$clone" && CARGO_TARGET_DIR="$target_dir" cargo build --locked --workspace --bins \
	--manifest-path "$BUILD_ROOT/Cargo.toml" >"$work/warm.log" 2>&1) || die "warm rebuild failed; see $work/warm.log"
warm=$((SECONDS - start))
log "warm rebuild in $warm s"

cold_build=$((binaries_build + tests_build))
cold_test_sh=$((binaries_build + test_total))
min() { awk -v s="$1" 'BEGIN { printf "%.1f", s / 60 }'; }
mkdir -p "$(dirname "$report")"
cat >"$report" <<EOF
# Cold build, measured

Commit $commit, measured $(date -u +%Y-%m-%d) by \`scripts/measure-cold-build.sh\` on this machine
($(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)), on a fresh clone with an empty target directory. System packages,
the Rust toolchain and the cargo registry were already present.

| phase | seconds | minutes |
|---|---:|---:|
| \`local-network.sh --fresh\`: build of bttc-node + eth-rpc (cold) | $binaries_build | $(min "$binaries_build") |
| \`local-network.sh --fresh\`: start to first finalized block (npm set-up, build, start-up) | $first_final | $(min "$first_final") |
| \`test.sh\` afterwards: build of the test binaries the binaries did not need | $tests_build | $(min "$tests_build") |
| \`test.sh\`: Rust tests (unit, pallets, runtime, relayer with anvil, node networks) | $rust_tests | $(min "$rust_tests") |
| \`test.sh\`: root-chain contract tests | $contract_tests | $(min "$contract_tests") |
| \`test.sh\`: EVM tests (ethers, forge through eth-rpc) | $evm_tests | $(min "$evm_tests") |
| \`test.sh\` in all (after phase 1) | $test_total | $(min "$test_total") |
| **cold build of everything \`test.sh\` needs** (binaries + tests) | **$cold_build** | **$(min "$cold_build")** |
| **cold \`test.sh\`** (binaries' build + \`test.sh\` after it) | **$cold_test_sh** | **$(min "$cold_test_sh")** |
| warm rebuild of the binaries after a runtime source change | $warm | $(min "$warm") |
EOF
log "report written to $report"
cat "$report"
rm -rf "$work"
