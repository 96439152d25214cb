#!/usr/bin/env python3
"""Checkpoint benchmark: from a block's finality to its checkpoint's ack, and the gas of each
checkpoint, per root chain.

Starts the local network with the shared launcher (`bttc-network`: 4 validators, the three
anvil root chains - TRON stand-in behind the emulated TRON HTTP API, Ethereum-like, BSC-like -
no eth-rpc), watches it for DURATION seconds, stops it, and reports per root chain:
  - checkpoints recorded, blocks per checkpoint;
  - for every block of every recorded checkpoint, seconds from the block being seen
    finalized (alice, polled every 200 ms) to
      (a) its header block being seen on the root chain (RootChain.currentHeaderBlock), and
      (b) the ack applied on the sidechain (bttc_getLatestCheckpoint);
  - gas used by each `submitCheckpoint` (from its receipt; only successful ones count; on the
    TRON stand-in the emulated energy equals anvil's gas) and the signatures it carried.
The report is printed and written to scripts/reports/checkpoint-bench.md.

Usage: scripts/bench-checkpoints.sh [DURATION_SECONDS]   (default 300)
"""
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

from bench_network import LocalNetwork, free_port, free_ports, percentile, rpc

# Selectors and topics (`cast sig` / `cast sig-event`).
CURRENT_HEADER_BLOCK = "0xec7e4855"   # currentHeaderBlock()
HEADER_BLOCKS = "0x41539d4a"          # headerBlocks(uint256)
SUBMIT_CHECKPOINT = "0x1023839a"      # submitCheckpoint(bytes,bytes)
NEW_HEADER_BLOCK = "0xba5de06d22af2685c6c7765f60067f7d2b08c2d29f53cdf14d67f6d1c9bfb527"
CHAINS = ["tron", "ethereum", "bsc"]


def call(url, to, data):
    return rpc(url, "eth_call", [{"to": to, "data": data}, "latest"])


def word(hex_data, i):
    return int(hex_data[2 + 64 * i: 2 + 64 * (i + 1)], 16)


def spread(values, unit="s", digits=1):
    if not values:
        return "n/a"
    f = f"{{:.{digits}f}}"
    return (f"{f.format(percentile(values, 50))} / {f.format(percentile(values, 95))} / "
            f"{f.format(max(values))} {unit}")


def main():
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 300.0
    network_bin = os.environ["NETWORK_BIN"]
    profile = os.environ.get("PROFILE", "debug")
    report_path = os.environ.get("REPORT", "scripts/reports/checkpoint-bench.md")
    root = tempfile.mkdtemp(prefix="bttc-bench-checkpoints-")
    env = dict(os.environ, BTTC_RPC_PORT=str(free_ports(4)), BTTC_P2P_PORT=str(free_ports(4)),
               BTTC_PROMETHEUS_PORT=str(free_ports(4)), BTTC_ROOT_RPC_PORT=str(free_ports(3)),
               BTTC_TRON_API_PORT=str(free_port()))
    network = LocalNetwork(network_bin, root, ["--no-eth-rpc"], env)
    try:
        endpoints = network.endpoints(timeout=300)
        node = endpoints["nodes"][0]["rpc"]
        chains = {}
        for c in endpoints["rootChains"]:
            with open(c["deployment"]) as f:
                deployment = json.load(f)
            chains[c["name"]] = {"url": c["url"], "root_chain": deployment["contracts"]["RootChain"]}

        print(f"measuring for {duration:.0f} s (logs in {root})", file=sys.stderr)
        finalized_at = {}            # block -> wall time first seen finalized
        recorded = {n: {} for n in CHAINS}   # chain -> header block id -> (start, end, seen)
        acked = {n: {} for n in CHAINS}      # chain -> header block id -> seen applied
        last_finalized = 0
        start = time.time()
        next_progress = start + 30
        while time.time() - start < duration:
            now = time.time()
            try:
                finalized_hash = rpc(node, "chain_getFinalizedHead")
                finalized = int(rpc(node, "chain_getHeader", [finalized_hash])["number"], 16)
                for n in range(last_finalized + 1, finalized + 1):
                    finalized_at.setdefault(n, now)
                last_finalized = max(last_finalized, finalized)
                for name, c in chains.items():
                    current = int(call(c["url"], c["root_chain"], CURRENT_HEADER_BLOCK), 16)
                    for hid in range(1, current + 1):
                        if hid not in recorded[name]:
                            data = call(c["url"], c["root_chain"], HEADER_BLOCKS + f"{hid:064x}")
                            recorded[name][hid] = (word(data, 1), word(data, 2), now)
                    latest = rpc(node, "bttc_getLatestCheckpoint", [name])
                    if latest:
                        for hid in range(1, latest["headerBlockId"] + 1):
                            acked[name].setdefault(hid, now)
            except Exception as e:  # a slow answer: poll again
                print(f"  poll: {e}", file=sys.stderr)
            if now >= next_progress:
                counts = ", ".join(f"{n} {len(recorded[n])}" for n in CHAINS)
                print(f"  {now - start:.0f} s: finalized #{last_finalized}; header blocks {counts}",
                      file=sys.stderr)
                next_progress += 30
            time.sleep(0.2)

        rows = []
        for name in CHAINS:
            c = chains[name]
            logs = rpc(c["url"], "eth_getLogs", [{"address": c["root_chain"], "fromBlock": "0x0",
                                                   "toBlock": "latest", "topics": [NEW_HEADER_BLOCK]}])
            gas, signatures, reverted = [], [], 0
            for entry in logs:
                receipt = rpc(c["url"], "eth_getTransactionReceipt", [entry["transactionHash"]])
                if receipt["status"] != "0x1":
                    continue
                gas.append(int(receipt["gasUsed"], 16))
                tx = rpc(c["url"], "eth_getTransactionByHash", [entry["transactionHash"]])
                data = tx["input"]
                # submitCheckpoint(bytes data, bytes sigs): the sigs' length word, / 65.
                sigs_offset = word("0x" + data[10:], 1)
                sigs_len = int(data[10 + 2 * sigs_offset: 10 + 2 * sigs_offset + 64], 16)
                signatures.append(sigs_len // 65)
            # Every submission, successful or not (a duplicate would revert).
            latest_block = int(rpc(c["url"], "eth_blockNumber"), 16)
            submissions = 0
            for b in range(0, latest_block + 1):
                block = rpc(c["url"], "eth_getBlockByNumber", [hex(b), True])
                for tx in block["transactions"]:
                    if (tx.get("to") or "").lower() == c["root_chain"].lower() and \
                            tx["input"].startswith(SUBMIT_CHECKPOINT):
                        submissions += 1
            reverted = submissions - len(gas)
            to_record, to_ack, lengths = [], [], []
            for hid, (first, last, seen) in sorted(recorded[name].items()):
                lengths.append(last - first + 1)
                for n in range(first, last + 1):
                    if n in finalized_at:
                        to_record.append(seen - finalized_at[n])
                        if hid in acked[name]:
                            to_ack.append(acked[name][hid] - finalized_at[n])
            rows.append((name, len(recorded[name]), lengths, to_record, to_ack, gas, signatures,
                         submissions, reverted))
    finally:
        network.stop()

    lines = []
    for (name, count, lengths, to_record, to_ack, gas, sigs, submissions, reverted) in rows:
        gas_text = (f"{statistics.mean(gas):,.0f} (min {min(gas):,}, max {max(gas):,})"
                    if gas else "n/a")
        lines.append(
            f"| {name} | {count} | {statistics.mean(lengths):.1f} | {spread(to_record)} | "
            f"{spread(to_ack)} | {gas_text} | {statistics.mean(sigs):.1f} | "
            f"{submissions} ({reverted} reverted) |" if lengths and sigs else
            f"| {name} | {count} | n/a | n/a | n/a | {gas_text} | n/a | {submissions} |")
    table = "\n".join(lines)
    report = f"""# Checkpoint benchmark (local network, 4 validators, 3 root chains)

Measured by `scripts/bench-checkpoints.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}:
4 `bttc-node` validators ({profile} build) and 3 anvil root chains (1 s blocks) on one
2-core machine, chain `local` (checkpoint every 6 blocks at most 32, buffer 20 blocks;
validators follow root chains 2 blocks deep), watched for {duration:.0f} s. The TRON stand-in
is reached through the emulated TRON HTTP API (its energy = anvil's gas).

Times are per block: from the block being seen finalized on alice to its checkpoint being
seen recorded on the root chain, and to the ack being applied on the sidechain
(p50 / p95 / max). Gas counts successful `submitCheckpoint` transactions only.

| root chain | checkpoints | blocks each (mean) | finality → recorded | finality → ack applied | gas per checkpoint | signatures | submissions |
|---|---|---|---|---|---|---|---|
{table}

What bounds these times: a checkpoint waits for 6 blocks (12 s) after its start, then for
the GRANDPA finality of its last block on each signer, the signatures (unsigned extrinsics,
one block), the proposer's transaction (1 s root blocks), 2 confirmations and the
attestation of `NewHeaderBlock` (2/3 + 1 of stake, one block). BTTC mainnet's parameters
(average 256 blocks of 2 s, buffer 1,000 s) put a block's checkpoint up to about 8.5 minutes
(256 × 2 s) after it; those are documented values, not run here.
"""
    print(report)
    os.makedirs(os.path.dirname(report_path), exist_ok=True)
    with open(report_path, "w") as f:
        f.write(report)
    print(f"report written to {report_path}", file=sys.stderr)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
