#!/usr/bin/env python3
"""Plots of a `bttc-bench` report: successful transactions per second block by block for every
load (bench-tps.png) and the finality-lag histogram (bench-finality.png).

    bench_plots.py REPORT_JSON OUT_DIR
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def tps_plot(report, path):
    fig, ax = plt.subplots(figsize=(10, 5))
    for load in report["loads"]:
        blocks = load["blocks"]
        if len(blocks) < 2:
            continue
        start = blocks[0]["timestampMs"]
        xs, ys = [], []
        for previous, block in zip(blocks, blocks[1:]):
            gap = (block["timestampMs"] - previous["timestampMs"]) / 1000
            if gap > 0:
                xs.append((block["timestampMs"] - start) / 1000)
                ys.append(block["successful"] / gap)
        ax.plot(xs, ys, marker=".", label=f'{load["load"]} — {load["chain"]}')
    ax.set_xlabel("seconds since the load's first block (block timestamps)")
    ax.set_ylabel("successful transactions per second (per block)")
    ax.set_title(f'Throughput, {report["profile"]} binaries, {report["host"]}', fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def finality_plot(report, path):
    finality = report.get("finality")
    if not finality or not finality["lags"]:
        return False
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hist(finality["lags"], bins=40, color="#4a7")
    for q, name in ((finality["p50"], "p50"), (finality["p95"], "p95")):
        ax.axvline(q, color="#a33", linestyle="--")
        ax.text(q, ax.get_ylim()[1] * 0.9, f" {name} {q:.2f} s", color="#a33", fontsize=8)
    ax.set_xlabel("finality lag: finalized − imported as best (s), every node and block")
    ax.set_ylabel("samples")
    ax.set_title(
        f'{finality["validators"]} validators, {finality["offeredPerSecond"]} native transfers/s offered',
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    out = sys.argv[2]
    tps_plot(report, os.path.join(out, "bench-tps.png"))
    finality_plot(report, os.path.join(out, "bench-finality.png"))


if __name__ == "__main__":
    main()
