#!/usr/bin/env bash
# Sets up what is missing, builds bttc-node, eth-rpc and the launcher, and runs a local BTTC
# network on loopback (testing/network, binary `bttc-network`):
#   - an embedded root chain: anvil (a real Ethereum node, standing in for TRON/BSC/Ethereum)
#     with the BTTC root-chain contracts deployed and the dev validators staked;
#   - 4 sidechain validators (alice, bob, charlie, dave) following it, each with an Ethereum
#     JSON-RPC (eth-rpc) beside it on ports 8545..8548.
# Ctrl-C stops every process it started.
#
#   scripts/local-network.sh            keep the sidechain data of the last run
#   scripts/local-network.sh --fresh    start from genesis
#   scripts/local-network.sh --help     every option of bttc-network
#
# Environment: BTTC_NETWORK_DIR (chain data and logs, default ~/.cache/bttc/network),
# BTTC_RPC_PORT (first sidechain RPC port, default 9944), BTTC_ETH_RPC_PORT (first eth-rpc
# port, default 8545), BTTC_ROOT_RPC_PORT (anvil, 8645), BTTC_P2P_PORT (30333),
# BTTC_PROMETHEUS_PORT (9615).
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_build_deps
build_binaries
ensure_root_chain_toolchain
exec "$NETWORK_BIN" "$@"
