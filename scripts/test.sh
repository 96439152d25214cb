#!/usr/bin/env bash
# Sets up what is missing and runs every test of the project:
#   formatting, Rust unit tests (primitives, runtime, pallets), the node's integration tests
#   (CLI errors, chain specs current, a 4-validator network on loopback) and, where present,
#   the root-chain contract tests, and the EVM through its Ethereum JSON-RPC (ethers, forge).
set -euo pipefail
source "$(dirname "$0")/common.sh"
start=$SECONDS

ensure_build_deps
cd "$REPO_ROOT"

log "checking formatting"
cargo fmt --all -- --check || die "code is not formatted: run 'cargo fmt --all'"

build_node
build_eth_rpc
# The relayer's and the node's root-chain tests run anvil and deploy the contracts.
ensure_root_chain_toolchain

log "running Rust tests"
# eth-rpc is built above on its own (see build_eth_rpc); in the workspace test build it would
# compile polkadot-sdk's reference runtime to WASM for nothing.
bcargo test --locked --workspace --exclude bttc-eth-rpc || die "Rust tests failed"
SKIP_WASM_BUILD=1 bcargo test --locked -p bttc-eth-rpc || die "eth-rpc tests failed"

if [ -x "$REPO_ROOT/scripts/test-contracts.sh" ]; then
	log "running root-chain contract tests"
	"$REPO_ROOT/scripts/test-contracts.sh" || die "contract tests failed"
fi

log "running EVM tests (ethers, forge) against a dev node and eth-rpc"
"$REPO_ROOT/scripts/test-evm.sh" || die "EVM tests failed"

log "all tests passed in $((SECONDS - start)) s"
