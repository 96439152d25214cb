#!/usr/bin/env bash
# Benchmark: block time and finality lag of a local 4-validator network.
#   scripts/bench-consensus.sh [DURATION_SECONDS]   (default 180)
# Builds the binaries if needed; writes scripts/reports/consensus-bench.md.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ensure_build_deps
build_binaries
cd "$REPO_ROOT"
NETWORK_BIN="$CARGO_TARGET_DIR/debug/bttc-network" exec python3 "$REPO_ROOT/scripts/bench_consensus.py" "$@"
