#!/usr/bin/env bash
# Measures the project pallets' weights and writes each one's `src/weights.rs`:
#   scripts/generate-weights.sh [PALLET...]     (default: staking span checkpoint attestation bridge)
# Environment: BENCH_STEPS (default 50), BENCH_REPEAT (default 20).
#
# Builds the runtime WASM with its `Benchmark` API (release WASM, never put on chain), installs
# `frame-omni-bencher` of the project's polkadot-sdk line once into ~/.cache/bttc/tools (a
# cold install compiles for ~40 min on 2 cores), then runs every benchmark of each pallet
# against the `dev` genesis and renders `scripts/weights/template.hbs`. Run it on the
# hardware the chain's validators are expected to have: the weights are that machine's times.
set -euo pipefail
source "$(dirname "$0")/common.sh"

OMNI_BENCHER_VERSION=0.28.0 # frame-benchmarking-cli 64, polkadot-sdk stable2609
TOOLS="$HOME/.cache/bttc/tools"
BENCHER="$TOOLS/bin/frame-omni-bencher"
STEPS="${BENCH_STEPS:-50}"
REPEAT="${BENCH_REPEAT:-20}"
PALLETS=("$@")
((${#PALLETS[@]})) || PALLETS=(staking span checkpoint attestation bridge)

for pallet in "${PALLETS[@]}"; do
	[ -f "$REPO_ROOT/pallets/$pallet/src/benchmarking.rs" ] ||
		die "no benchmarks for '$pallet': expected pallets/$pallet/src/benchmarking.rs"
done

ensure_build_deps

if ! "$BENCHER" --version 2>/dev/null | grep -q " $OMNI_BENCHER_VERSION\$"; then
	log "installing frame-omni-bencher $OMNI_BENCHER_VERSION into $TOOLS (once; ~40 min cold on 2 cores)"
	CARGO_TARGET_DIR="$HOME/.cache/bttc/tools-target" cargo install --locked --quiet \
		frame-omni-bencher --version "$OMNI_BENCHER_VERSION" --root "$TOOLS" ||
		die "could not install frame-omni-bencher $OMNI_BENCHER_VERSION"
fi

log "building the runtime WASM with its Benchmark API"
start=$SECONDS
# The runtime's build script adds the benchmark WASM when this is set (runtime/build.rs).
# `pallet-revive`'s benchmark fixtures (contracts compiled with solc) serve only its own
# benchmarks, which this runtime does not run.
BTTC_BENCHMARK_WASM=1 SKIP_PALLET_REVIVE_FIXTURES=1 bcargo build --locked --workspace --bins || die "build failed"
WASM="$CARGO_TARGET_DIR/debug/wbuild/bttc-runtime/wasm_binary_benchmarks.rs.wasm"
[ -f "$WASM" ] || die "the build wrote no benchmark WASM at $WASM"
log "benchmark WASM ready in $((SECONDS - start)) s: $WASM"

cd "$REPO_ROOT"
for pallet in "${PALLETS[@]}"; do
	crate="pallet_bttc_${pallet//-/_}"
	output="pallets/$pallet/src/weights.rs"
	log "benchmarking $crate (steps $STEPS, repeat $REPEAT) into $output"
	phase=$SECONDS
	"$BENCHER" v1 benchmark pallet \
		--runtime "$WASM" \
		--genesis-builder runtime \
		--genesis-builder-preset dev \
		--pallet "$crate" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--template scripts/weights/template.hbs \
		--output "$output" \
		--quiet ||
		die "benchmarks of $crate failed"
	log "$crate done in $((SECONDS - phase)) s"
done
log "weights written; build and run the tests (scripts/test.sh) before committing them"
