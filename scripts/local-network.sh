#!/usr/bin/env bash
# Sets up what is missing, builds bttc-node and runs a local BTTC network on loopback:
#   - an embedded root chain: anvil (a real Ethereum node, standing in for TRON/BSC/Ethereum)
#     with the BTTC root-chain contracts deployed and the dev validators staked;
#   - 4 sidechain validators (alice, bob, charlie, dave), each with an Ethereum JSON-RPC
#     (eth-rpc) beside it on ports 8545..8548.
# Ctrl-C stops every process it started.
#
#   scripts/local-network.sh            keep the sidechain data of the last run
#   scripts/local-network.sh --fresh    start from genesis
#
# Environment: BTTC_NETWORK_DIR (chain data and logs, default ~/.cache/bttc/network),
# BTTC_RPC_PORT (first sidechain RPC port, default 9944), BTTC_ETH_RPC_PORT (first eth-rpc
# port, default 8545), BTTC_ROOT_RPC_PORT (anvil, 8645).
set -euo pipefail
source "$(dirname "$0")/common.sh"

fresh=0
for arg in "$@"; do
	case "$arg" in
	--fresh) fresh=1 ;;
	-h | --help) sed -n '2,15p' "$0"; exit 0 ;;
	*) die "unknown argument '$arg' (try --help)" ;;
	esac
done

ensure_build_deps
build_binaries

network_dir="${BTTC_NETWORK_DIR:-$HOME/.cache/bttc/network}"
rpc_base="${BTTC_RPC_PORT:-9944}"
root_rpc_port="${BTTC_ROOT_RPC_PORT:-8645}"
eth_rpc_base="${BTTC_ETH_RPC_PORT:-8545}"
p2p_base=30333
prometheus_base=9615
validators=(alice bob charlie dave)
if ((fresh)); then
	log "--fresh: removing $network_dir"
	rm -rf "$network_dir"
fi
# Data of an older layout (pruned state, no EVM) cannot serve eth-rpc: start those over.
layout="2: archive state, eth-rpc receipts"
if [ -d "$network_dir" ] && [ "$(cat "$network_dir/LAYOUT" 2>/dev/null)" != "$layout" ]; then
	log "$network_dir holds data of an older layout: starting from genesis"
	rm -rf "$network_dir"
fi
mkdir -p "$network_dir/logs"
echo "$layout" >"$network_dir/LAYOUT"

pids=()      # every process this script started
node_pids=() # the validators, in the order of $validators
stop_all() {
	trap - INT TERM EXIT
	if ((${#pids[@]})); then
		log "stopping ${#pids[@]} node(s)"
		kill "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}
# Ctrl-C reaches every process of the terminal's group; stop the rest and end quietly.
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

# The root chain: a fresh anvil each run (its state is not kept), contracts deployed on it.
ensure_root_chain_toolchain
anvil_bin="$REPO_ROOT/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
[ -x "$anvil_bin" ] || die "anvil is missing: run 'npm ci' in contracts/"
"$anvil_bin" --host 127.0.0.1 --port "$root_rpc_port" --chain-id 31337 --block-time 1 \
	>"$network_dir/logs/root-chain-anvil.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
	curl -sf -H 'Content-Type: application/json' \
		-d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' \
		"http://127.0.0.1:$root_rpc_port" >/dev/null && break
	sleep 0.5
done
log "deploying the root-chain contracts to anvil"
"$REPO_ROOT/scripts/deploy-contracts.sh" "http://127.0.0.1:$root_rpc_port" \
	"$network_dir/root-chain.json" >"$network_dir/logs/root-chain-deploy.log" 2>&1 ||
	die "contract deployment failed; see $network_dir/logs/root-chain-deploy.log"

# What the validators' root-chain listeners follow: anvil, standing in for TRON (the stake
# chain), at a confirmation depth of 2 blocks (1 s each) instead of TRON's 18.
python3 - "$network_dir/root-chain.json" "$network_dir/root-chains.json" <<'PY' ||
import json, sys
deployed = json.load(open(sys.argv[1]))
json.dump({"chains": [{
    "chain": "tron",
    "transport": "ethereum",
    "rpcUrl": deployed["network"]["rpcUrl"],
    "stakeManager": deployed["contracts"]["StakeManager"],
    "confirmations": 2,
    "emulation": "anvil stands in for TRON on the local network",
}]}, open(sys.argv[2], "w"), indent=2)
PY
	die "could not write $network_dir/root-chains.json"
# anvil starts empty each run: listener cursors of an earlier run point into a chain that no
# longer exists.
rm -rf "$network_dir"/*/chains/*/root-chains

# Fixed libp2p identities so every node can name the others as bootnodes.
declare -a peer_ids
for i in "${!validators[@]}"; do
	key_file="$network_dir/${validators[$i]}.node-key"
	printf '%064x' $((i + 1)) >"$key_file"
	peer_ids[$i]=$("$NODE_BIN" key inspect-node-key --file "$key_file")
done

for i in "${!validators[@]}"; do
	name=${validators[$i]}
	bootnodes=()
	for j in "${!validators[@]}"; do
		((i == j)) || bootnodes+=(--bootnodes "/ip4/127.0.0.1/tcp/$((p2p_base + j))/p2p/${peer_ids[$j]}")
	done
	"$NODE_BIN" --chain local --validator "--$name" \
		--base-path "$network_dir/$name" \
		--node-key-file "$network_dir/$name.node-key" \
		--listen-addr "/ip4/127.0.0.1/tcp/$((p2p_base + i))" \
		--rpc-port $((rpc_base + i)) --rpc-cors all --state-pruning archive \
		--prometheus-port $((prometheus_base + i)) \
		--no-mdns --no-telemetry \
		--root-chains "$network_dir/root-chains.json" \
		"${bootnodes[@]}" >"$network_dir/logs/$name.log" 2>&1 &
	pids+=($!)
	node_pids+=($!)
done

# Wait until every node answers RPC, then say where everything is.
for i in "${!validators[@]}"; do
	for _ in $(seq 1 120); do
		curl -sf -H 'Content-Type: application/json' \
			-d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' \
			"http://127.0.0.1:$((rpc_base + i))" >/dev/null && break
		kill -0 "${node_pids[$i]}" 2>/dev/null || die "${validators[$i]} exited; see $network_dir/logs/${validators[$i]}.log"
		sleep 0.5
	done
done

# An Ethereum JSON-RPC beside every node; its receipt database sits in the node's folder.
eth_rpc_pids=()
for i in "${!validators[@]}"; do
	name=${validators[$i]}
	start_eth_rpc "ws://127.0.0.1:$((rpc_base + i))" $((eth_rpc_base + i)) \
		"$network_dir/$name/eth-rpc" "$network_dir/logs/$name-eth-rpc.log"
	pids+=("$ETH_RPC_PID")
	eth_rpc_pids+=("$ETH_RPC_PID")
done
for i in "${!validators[@]}"; do
	wait_http "http://127.0.0.1:$((eth_rpc_base + i))" eth_chainId "${eth_rpc_pids[$i]}" \
		"eth-rpc of ${validators[$i]}" "$network_dir/logs/${validators[$i]}-eth-rpc.log"
done

echo
echo "BTTC local network: 4 validators, 2 s blocks, GRANDPA finality, EVM chain id 19902"
for i in "${!validators[@]}"; do
	printf '  %-8s RPC ws/http://127.0.0.1:%d  Ethereum RPC http://127.0.0.1:%d  p2p %d  metrics :%d\n' \
		"${validators[$i]}" $((rpc_base + i)) $((eth_rpc_base + i)) $((p2p_base + i)) $((prometheus_base + i))
done
echo "  Ethereum accounts: Foundry's dev keys (mnemonic test ... junk), 1,000,000 BTT each"

echo "  root chain (anvil, chain id 31337): http://127.0.0.1:$root_rpc_port"
echo "    contract addresses: $network_dir/root-chain.json"
echo "    validators follow its StakeManager (2 confirmations): $network_dir/root-chains.json"
echo "  logs:  $network_dir/logs/<name>.log"
echo "  (rpc endpoints also serve WebSocket: ws://127.0.0.1:$rpc_base)"
echo "  data:  $network_dir/<name>  (kept across runs; --fresh starts over)"
echo "Press Ctrl-C to stop."
echo

# Report progress every 10 s; exit (and stop the rest) if a process dies.
while true; do
	for pid in "${pids[@]}"; do
		kill -0 "$pid" 2>/dev/null || die "a process of the network exited; see $network_dir/logs/"
	done
	status=$(tail -n 200 "$network_dir/logs/alice.log" | grep "Idle\|Syncing" | tail -n 1 | sed 's/.*💤 //; s/.*⚙️ //' || true)
	[ -n "$status" ] && log "alice: $status"
	sleep 10
done
