# Shared by the scripts in this folder: paths, the persistent build directory, setup steps.
# Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Builds live outside the clone so a fresh clone (and CI) reuses the compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bttc/target}"
# The runtime WASM must be the same bytes whichever folder the clone sits in: chain specs
# embed it, and `chain-specs/` is checked against a fresh build. Rust derives symbol hashes
# from a path crate's location, so every build goes through one fixed path, a symlink to
# this clone (the way srtool builds in a fixed /build), and paths in panic messages are
# remapped.
BUILD_ROOT="${BTTC_BUILD_ROOT:-$HOME/.cache/bttc/src}"
mkdir -p "$(dirname "$BUILD_ROOT")"
if [ -e "$BUILD_ROOT" ] && [ ! -L "$BUILD_ROOT" ]; then
	echo "error: $BUILD_ROOT exists and is not a symlink; move it away" >&2
	exit 1
fi
# Cargo decides what to rebuild from file times seen through the symlink: when it moves to
# another clone whose files are older than the last build (back from a CI rehearsal, say),
# nothing would be rebuilt and binaries, runtime WASM and chain specs would come from the
# other clone's sources. So every tracked file of this clone is touched on such a move.
if [ "$(readlink "$BUILD_ROOT" 2>/dev/null)" != "$REPO_ROOT" ]; then
	if git -C "$REPO_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$REPO_ROOT" && git ls-files -z | xargs -0 touch -c)
	else
		find "$REPO_ROOT" -path "$REPO_ROOT/.git" -prune -o -type f -exec touch -c {} +
	fi
fi
ln -sfn "$REPO_ROOT" "$BUILD_ROOT"
export WASM_BUILD_WORKSPACE_HINT="$BUILD_ROOT"
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$BUILD_ROOT=/bttc --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
# The build profile of the build, test and run scripts: `debug` (the default, what CI runs) or
# `release` (BTTC_PROFILE=release), e.g. to test on a warm release build instead of building
# debug from cold.
BTTC_PROFILE="${BTTC_PROFILE:-debug}"
case "$BTTC_PROFILE" in
debug) PROFILE_ARGS=() ;;
release) PROFILE_ARGS=(--release) ;;
*)
	echo "error: BTTC_PROFILE must be debug or release, not '$BTTC_PROFILE'" >&2
	exit 1
	;;
esac
NODE_BIN="$CARGO_TARGET_DIR/$BTTC_PROFILE/bttc-node"

# `cargo SUBCOMMAND ...` run on the workspace through $BUILD_ROOT.
bcargo() {
	local subcommand=$1
	shift
	cargo "$subcommand" --manifest-path "$BUILD_ROOT/Cargo.toml" "$@"
}

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs what a build needs, skipping whatever is already there.
ensure_build_deps() {
	local missing=()
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	command -v clang >/dev/null || missing+=(clang)
	dpkg -s libclang-dev >/dev/null 2>&1 || missing+=(libclang-dev)
	command -v make >/dev/null || missing+=(make)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	command -v curl >/dev/null || missing+=(curl)
	if ((${#missing[@]})); then
		log "installing system packages: ${missing[*]}"
		local sudo=""
		[ "$(id -u)" -eq 0 ] || sudo="sudo"
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	command -v rustup >/dev/null || die "rustup is required (https://rustup.rs); install it and re-run"
	# rust-toolchain.toml names the toolchain, its components and the WASM targets; asking
	# rustup for the active toolchain installs whatever of it is missing.
	(cd "$REPO_ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install)
	(cd "$REPO_ROOT" && rustup target add wasm32-unknown-unknown wasm32v1-none >/dev/null 2>&1 &&
		rustup component add rust-src >/dev/null 2>&1) || die "could not install the WASM targets"
}

# One compilation for everything: every build below selects the whole workspace, so the
# node, eth-rpc and the test binaries resolve the same features and share every compiled
# dependency (see `resolver` in Cargo.toml). `pallet-revive-eth-rpc` reads polkadot-sdk's
# reference runtime natively at build time; its WASM (~15 min on 2 cores) is never used, so
# that one crate's WASM build is skipped. The project's own runtime WASM is always built.
export SKIP_REVIVE_DEV_RUNTIME_WASM_BUILD=1

# Builds the binaries (bttc-node with its runtime WASM, eth-rpc), printing the time it took.
build_binaries() {
	log "building bttc-node and eth-rpc into $CARGO_TARGET_DIR (a cold build takes ~30 min on 2 cores)"
	local start=$SECONDS
	(cd "$REPO_ROOT" && bcargo build --locked --workspace --bins "${PROFILE_ARGS[@]}" ${BTTC_BUILD_TIMINGS:+--timings}) || die "build failed"
	log "binaries built in $((SECONDS - start)) s"
}

# Builds the binaries and every test binary of the workspace in one cargo invocation.
build_all() {
	log "building binaries and tests into $CARGO_TARGET_DIR (a cold build takes ~35 min on 2 cores)"
	local start=$SECONDS
	(cd "$REPO_ROOT" && bcargo build --locked --workspace --all-targets "${PROFILE_ARGS[@]}" ${BTTC_BUILD_TIMINGS:+--timings}) || die "build failed"
	log "binaries and tests built in $((SECONDS - start)) s"
}

# Installs the root-chain npm toolchain (solc-js, anvil, forge, cast, ethers) of contracts/,
# again only when contracts/package-lock.json changed. The node's and the relayer's
# integration tests run anvil and the deploy script from it.
ensure_root_chain_toolchain() {
	local dir="$REPO_ROOT/contracts"
	local stamp="$dir/node_modules/.bttc-lock.sha256"
	local sum
	sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
		return 0
	fi
	command -v npm >/dev/null || die "npm is missing: install Node.js (e.g. apt-get install nodejs npm)"
	log "installing the root-chain toolchain (npm ci in contracts/)"
	(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null) ||
		die "npm ci in contracts/ failed"
	echo "$sum" >"$stamp"
}

# The network launcher (testing/network): validators, the embedded root chain, eth-rpc.
NETWORK_BIN="$CARGO_TARGET_DIR/$BTTC_PROFILE/bttc-network"

# A free TCP port on loopback.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL METHOD PID NAME LOG: waits (up to 120 s) until the JSON-RPC server at URL
# answers METHOD; dies if process PID exits first.
wait_http() {
	local url=$1 method=$2 pid=$3 name=$4 log_file=$5
	for _ in $(seq 1 240); do
		curl -sf -H 'Content-Type: application/json' \
			-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$method\",\"params\":[]}" "$url" >/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || die "$name exited; last lines of $log_file:$(echo; tail -n 20 "$log_file")"
		sleep 0.5
	done
	die "$name did not answer $method at $url within 120 s; see $log_file"
}

# start_dev_evm_chain DIR: a one-validator `dev` chain (state kept in full, as eth-rpc needs)
# and an eth-rpc in front of it, started by the launcher on free ports, data and logs in DIR.
# Sets DEV_NETWORK_PID, DEV_NODE_WS, ETH_RPC_URL and DEV_LOGS; the caller stops
# DEV_NETWORK_PID (which stops both).
start_dev_evm_chain() {
	local dir=$1
	mkdir -p "$dir"
	[ -x "$NETWORK_BIN" ] || die "the launcher is not built: $NETWORK_BIN"
	BTTC_RPC_PORT=$(free_port) BTTC_P2P_PORT=$(free_port) BTTC_PROMETHEUS_PORT=$(free_port) \
		BTTC_ETH_RPC_PORT=$(free_port) \
		"$NETWORK_BIN" --dev --fresh --dir "$dir/network" --endpoints-file "$dir/endpoints.json" \
		>"$dir/network.log" 2>&1 &
	DEV_NETWORK_PID=$!
	DEV_LOGS="$dir/network/logs"
	for _ in $(seq 1 360); do
		[ -s "$dir/endpoints.json" ] && break
		kill -0 "$DEV_NETWORK_PID" 2>/dev/null ||
			die "the dev chain did not start; last lines of $dir/network.log:$(echo; tail -n 20 "$dir/network.log")"
		sleep 0.5
	done
	[ -s "$dir/endpoints.json" ] || die "the dev chain did not start within 180 s; see $dir/network.log"
	DEV_NODE_WS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][0]["ws"])' "$dir/endpoints.json")
	ETH_RPC_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ethRpc"][0])' "$dir/endpoints.json")
}
