#!/usr/bin/env python3
"""Consensus benchmark: block time and finality lag of a local 4-validator network.

Starts 4 `bttc-node` validators (chain `local`) with the shared launcher (`bttc-network`, no
root chain, no eth-rpc), watches them over JSON-RPC for DURATION seconds, stops them, and
reports:
  - block time: mean and spread (stdev, p50, p95, max) of the on-chain timestamp gaps;
  - finality lag: seconds from a block first being seen as best to it being finalized
    (p50, p95, max), and the best-minus-finalized distance in blocks (p50, p95, max).
The report is printed and written to scripts/reports/consensus-bench.md.

Usage: scripts/bench-consensus.sh [DURATION_SECONDS]   (default 180)
"""
import os
import shutil
import statistics
import sys
import tempfile
import time

from bench_network import LocalNetwork, free_ports, percentile, rpc

# twox128("Timestamp") ++ twox128("Now"): the storage key of the block timestamp.
TIMESTAMP_NOW_KEY = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb"
VALIDATORS = ["alice", "bob", "charlie", "dave"]


def main():
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 180.0
    network_bin = os.environ["NETWORK_BIN"]
    report_path = os.environ.get("REPORT", "scripts/reports/consensus-bench.md")
    root = tempfile.mkdtemp(prefix="bttc-bench-")
    env = dict(os.environ, BTTC_RPC_PORT=str(free_ports(4)), BTTC_P2P_PORT=str(free_ports(4)),
               BTTC_PROMETHEUS_PORT=str(free_ports(4)))
    network = LocalNetwork(network_bin, root, ["--no-root-chain", "--no-eth-rpc"], env)
    try:
        deadline = time.time() + 180
        node = network.endpoints(timeout=180)["nodes"][0]["rpc"]
        while True:
            try:
                if int(rpc(node, "chain_getHeader")["number"], 16) >= 1:
                    break
            except Exception:
                pass
            if time.time() > deadline:
                raise SystemExit(f"the network did not start; logs in {root}")
            time.sleep(0.5)

        print(f"measuring for {duration:.0f} s (logs in {root})", file=sys.stderr)
        seen_best = {}     # block number -> wall time first seen as best
        finalized_at = {}  # block number -> wall time first seen finalized
        distances = []
        last_finalized = 0
        start = time.time()
        next_progress = start + 30
        while time.time() - start < duration:
            now = time.time()
            best = int(rpc(node, "chain_getHeader")["number"], 16)
            finalized_hash = rpc(node, "chain_getFinalizedHead")
            finalized = int(rpc(node, "chain_getHeader", [finalized_hash])["number"], 16)
            for n in range(max(seen_best.keys(), default=0) + 1, best + 1):
                seen_best.setdefault(n, now)
            for n in range(last_finalized + 1, finalized + 1):
                finalized_at.setdefault(n, now)
            last_finalized = max(last_finalized, finalized)
            distances.append(best - finalized)
            if now >= next_progress:
                print(f"  {now - start:.0f} s: best #{best}, finalized #{finalized}", file=sys.stderr)
                next_progress += 30
            time.sleep(0.1)

        # Block times from the on-chain timestamps of every block seen.
        first, last = min(seen_best), max(seen_best)
        stamps = []
        for n in range(first, last + 1):
            block_hash = rpc(node, "chain_getBlockHash", [n])
            raw = rpc(node, "state_getStorage", [TIMESTAMP_NOW_KEY, block_hash])
            stamps.append(int.from_bytes(bytes.fromhex(raw[2:]), "little"))
        gaps = [(b - a) / 1000 for a, b in zip(stamps, stamps[1:])]
        lags = [finalized_at[n] - seen_best[n] for n in seen_best if n in finalized_at]
    finally:
        network.stop()

    report = f"""# Consensus benchmark (local network, 4 validators)

Measured by `scripts/bench-consensus.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}:
4 `bttc-node` validators (debug build) on one 2-core machine, chain `local`, watched for
{duration:.0f} s over JSON-RPC (polling every 100 ms). Blocks #{first}..#{last}.

| metric | value |
|---|---|
| blocks measured | {len(stamps)} |
| block time mean | {statistics.mean(gaps):.3f} s |
| block time stdev | {statistics.pstdev(gaps):.3f} s |
| block time p50 / p95 / max | {percentile(gaps, 50):.3f} / {percentile(gaps, 95):.3f} / {max(gaps):.3f} s |
| finality lag p50 / p95 / max (best seen → finalized seen) | {percentile(lags, 50):.2f} / {percentile(lags, 95):.2f} / {max(lags):.2f} s |
| best − finalized distance p50 / p95 / max | {percentile(distances, 50)} / {percentile(distances, 95)} / {max(distances)} blocks |
"""
    print(report)
    os.makedirs(os.path.dirname(report_path), exist_ok=True)
    with open(report_path, "w") as f:
        f.write(report)
    print(f"report written to {report_path}", file=sys.stderr)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
