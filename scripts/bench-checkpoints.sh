#!/usr/bin/env bash
# Benchmark: per root chain, the time from a block's finality to its checkpoint's ack and the
# gas of each checkpoint, on the local network (4 validators, 3 anvil root chains).
#   scripts/bench-checkpoints.sh [DURATION_SECONDS]   (default 300)
# Builds the binaries if needed; writes scripts/reports/checkpoint-bench.md.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ensure_build_deps
build_binaries
ensure_root_chain_toolchain
cd "$REPO_ROOT"
NETWORK_BIN="$CARGO_TARGET_DIR/debug/bttc-network" PROFILE=debug \
	exec python3 "$REPO_ROOT/scripts/bench_checkpoints.py" "$@"
