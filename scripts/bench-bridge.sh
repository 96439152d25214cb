#!/usr/bin/env bash
# Bridge latency: deposit (root transaction → balance on BTTC) and withdrawal (burn → exit
# payload available) on the local network with two anvil root chains, with release binaries.
#   scripts/bench-bridge.sh [--rounds N]      (default 5 rounds per root chain)
# Writes scripts/reports/bridge-bench.{md,json}. A cold release build takes about an hour on
# 2 cores; later runs reuse it.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_build_deps
ensure_root_chain_toolchain
log "building release binaries (bttc-node, eth-rpc, bttc-bench-bridge) into $CARGO_TARGET_DIR/release"
start=$SECONDS
(cd "$REPO_ROOT" && bcargo build --locked --release --workspace --bins) || die "release build failed"
log "release binaries built in $((SECONDS - start)) s"
cd "$REPO_ROOT"
exec "$CARGO_TARGET_DIR/release/bttc-bench-bridge" --out "$REPO_ROOT/scripts/reports" "$@"
