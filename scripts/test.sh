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

build_all
# The relayer's and the node's root-chain tests run anvil and deploy the contracts.
ensure_root_chain_toolchain

log "running Rust tests"
phase=$SECONDS
# Everything was compiled by build_all above (same workspace, same features): this only runs.
bcargo test --locked --workspace "${PROFILE_ARGS[@]}" || die "Rust tests failed"
log "Rust tests passed in $((SECONDS - phase)) s"

if [ -x "$REPO_ROOT/scripts/test-contracts.sh" ]; then
	log "running root-chain contract tests"
	phase=$SECONDS
	"$REPO_ROOT/scripts/test-contracts.sh" || die "contract tests failed"
	log "contract tests passed in $((SECONDS - phase)) s"
fi

log "running EVM tests (ethers, forge) against a dev node and eth-rpc"
phase=$SECONDS
"$REPO_ROOT/scripts/test-evm.sh" || die "EVM tests failed"
log "EVM tests passed in $((SECONDS - phase)) s"

log "all tests passed in $((SECONDS - start)) s"
