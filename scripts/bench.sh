#!/usr/bin/env bash
# The project's benchmark, one command: builds release binaries, then `bttc-bench` starts what
# it measures and writes scripts/reports/bench.{md,json} and the plots bench-tps.png and
# bench-finality.png.
#   scripts/bench.sh [bttc-bench options]      (scripts/bench.sh --help lists them)
# e.g. `scripts/bench.sh --duration 30 --phases native,finality` for a shorter partial run.
# A cold release build takes about an hour on 2 cores; later runs reuse it.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_build_deps
ensure_root_chain_toolchain
if [[ " $* " != *" --help "* && " $* " != *" -h "* ]]; then
	log "building release binaries (bttc-node, eth-rpc, bttc-bench) into $CARGO_TARGET_DIR/release"
	start=$SECONDS
	(cd "$REPO_ROOT" && bcargo build --locked --release --workspace --bins) || die "release build failed"
	log "release binaries built in $((SECONDS - start)) s"
fi
bench="$CARGO_TARGET_DIR/release/bttc-bench"
[ -x "$bench" ] || (cd "$REPO_ROOT" && bcargo build --locked --release --workspace --bins) || die "release build failed"

# The plots are drawn by matplotlib, from PyPI into a venv of its own, once.
plot_env="$HOME/.cache/bttc/tools/plot-venv"
if ! "$plot_env/bin/python" -c 'import matplotlib' 2>/dev/null; then
	log "installing matplotlib into $plot_env"
	python3 -m venv "$plot_env"
	"$plot_env/bin/pip" install -q 'matplotlib>=3.8,<4'
fi

reports="$REPO_ROOT/scripts/reports"
status=0
(cd "$REPO_ROOT" && "$bench" --out "$reports" "$@") || status=$?
if [ -f "$reports/bench.json" ]; then
	"$plot_env/bin/python" "$REPO_ROOT/scripts/bench_plots.py" "$reports/bench.json" "$reports" || die "plotting failed"
fi
exit "$status"
