#!/usr/bin/env bash
# Sets up what is missing and runs every test of the project:
#   formatting, Rust unit tests (primitives, runtime, pallets), the node's integration tests
#   (CLI errors, chain specs current, a 4-validator network on loopback) and, where present,
#   the root-chain contract tests.
set -euo pipefail
source "$(dirname "$0")/common.sh"
start=$SECONDS

ensure_build_deps
cd "$REPO_ROOT"

log "checking formatting"
cargo fmt --all -- --check || die "code is not formatted: run 'cargo fmt --all'"

build_node
# The relayer's and the node's root-chain tests run anvil and deploy the contracts.
ensure_root_chain_toolchain

log "running Rust tests"
bcargo test --locked --workspace || die "Rust tests failed"

if [ -x "$REPO_ROOT/scripts/test-contracts.sh" ]; then
	log "running root-chain contract tests"
	"$REPO_ROOT/scripts/test-contracts.sh" || die "contract tests failed"
fi

log "all tests passed in $((SECONDS - start)) s"
