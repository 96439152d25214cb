#!/usr/bin/env bash
# End-to-end tests of BTTC's EVM through its Ethereum JSON-RPC, with real clients:
#   - ethers (npm): an OpenZeppelin ERC20 compiled with solc-js, deployed, transferred;
#     receipts, eth_getLogs, eth_estimateGas, revert reasons, nonces, refused transactions
#     (contracts/sidechain/erc20.test.js);
#   - ethers: a constant-product pool (factory + pair + router compiled from source), a 20 KB
#     contract and OpenZeppelin ERC20s deployed and used with eth_estimateGas limits alone,
#     gasUsed within 2x of Ethereum's (contracts/sidechain/dex.test.js);
#   - a pending-transaction filter hears transactions sent through eth-rpc and straight to
#     the node's pool (contracts/sidechain/pending.test.js);
#   - Foundry: `forge create` deploys the same token, `cast` reads it back.
# Starts a `dev` node and an eth-rpc proxy on free ports and stops them at the end.
# Expects bttc-node and eth-rpc built (scripts/test.sh builds them).
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_root_chain_toolchain
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/bttc-evm-test.XXXXXX")
cleanup() {
	local code=$?
	kill "${DEV_NETWORK_PID:-}" 2>/dev/null || true
	wait "${DEV_NETWORK_PID:-}" 2>/dev/null || true
	if ((code != 0)); then
		echo "--- last lines of the dev node log ---" >&2; tail -n 30 "$work_dir/network/logs/alice.log" >&2 || true
		echo "--- last lines of the eth-rpc log ---" >&2; tail -n 30 "$work_dir/network/logs/alice-eth-rpc.log" >&2 || true
		echo "logs kept in $work_dir" >&2
	else
		rm -rf "$work_dir"
	fi
	exit $code
}
trap cleanup EXIT

log "starting a dev node and eth-rpc"
start_dev_evm_chain "$work_dir"
chain_id=$(curl -sf -H 'Content-Type: application/json' \
	-d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$ETH_RPC_URL" |
	python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"], 16))')
log "eth-rpc at $ETH_RPC_URL, chain id $chain_id"
[ "$chain_id" = 19901 ] || die "the dev chain's chain id is $chain_id, expected 19901 (runtime preset)"

log "ethers tests (contracts/sidechain/erc20.test.js)"
(cd "$REPO_ROOT/contracts/sidechain" &&
	BTTC_ETH_RPC_URL="$ETH_RPC_URL" BTTC_EVM_CHAIN_ID="$chain_id" BTTC_NODE_RPC_URL="${DEV_NODE_WS/#ws/http}" \
		node --test --test-concurrency=1 erc20.test.js dex.test.js pending.test.js) || die "ethers tests failed"

# The platform binaries, not the npm launchers: those hide the exit status.
tools="$REPO_ROOT/contracts/node_modules/@foundry-rs"
forge="$tools/forge-linux-amd64/bin/forge"
cast="$tools/cast-linux-amd64/bin/cast"
# Foundry's first development key (prefunded on dev).
key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

log "forge create"
deploy_out=$(cd "$REPO_ROOT/contracts" && "$forge" create sidechain/TestToken.sol:TestToken \
	--rpc-url "$ETH_RPC_URL" --private-key "$key" --broadcast \
	--constructor-args "Forge Token" FTK 1000000000000000000000 2>&1) || die "forge create failed: $deploy_out"
address=$(echo "$deploy_out" | sed -n 's/^Deployed to: \(0x[0-9a-fA-F]*\).*/\1/p')
[ -n "$address" ] || die "forge create printed no address: $deploy_out"
log "forge deployed TestToken at $address"
supply=$("$cast" call "$address" 'totalSupply()(uint256)' --rpc-url "$ETH_RPC_URL" | cut -d' ' -f1)
[ "$supply" = 1000000000000000000000 ] || die "cast call totalSupply() returned '$supply'"
symbol=$("$cast" call "$address" 'symbol()(string)' --rpc-url "$ETH_RPC_URL")
[ "$symbol" = '"FTK"' ] || die "cast call symbol() returned '$symbol'"
# WebSocket: the eth-rpc front hands the upgrade to the server behind it.
ws_url="ws://${ETH_RPC_URL#http://}"
ws_chain_id=$("$cast" chain-id --rpc-url "$ws_url" 2>&1) || die "cast chain-id over $ws_url failed: $ws_chain_id"
[ "$ws_chain_id" = "$chain_id" ] || die "cast chain-id over WebSocket returned '$ws_chain_id'"
ws_supply=$("$cast" call "$address" 'totalSupply()(uint256)' --rpc-url "$ws_url" | cut -d' ' -f1)
[ "$ws_supply" = "$supply" ] || die "cast call over WebSocket returned '$ws_supply'"
log "WebSocket JSON-RPC answers at $ws_url"
log "EVM tests passed"
