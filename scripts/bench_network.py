"""Shared by the benchmark programs (`bench_consensus.py`, `bench_checkpoints.py`): free ports,
JSON-RPC calls, percentiles, and the local network started through the shared launcher
(`bttc-network`), stopped on exit and on SIGINT/SIGTERM."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count):
    """The first of `count` consecutive free ports."""
    while True:
        base = free_port()
        try:
            for offset in range(count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue


def rpc(url, method, params=None, timeout=5):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    req = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        reply = json.load(resp)
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class LocalNetwork:
    """`bttc-network --fresh --endpoints-file ... <args>` with its data and log in `root`."""

    def __init__(self, network_bin, root, args, env):
        self.root = root
        self.endpoints_file = os.path.join(root, "endpoints.json")
        log = open(os.path.join(root, "network.log"), "w")
        self.process = subprocess.Popen(
            [network_bin, "--fresh", "--dir", os.path.join(root, "network"),
             "--endpoints-file", self.endpoints_file, *args],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env)
        signal.signal(signal.SIGINT, lambda *a: (self.stop(), sys.exit(130)))
        signal.signal(signal.SIGTERM, lambda *a: (self.stop(), sys.exit(143)))

    def endpoints(self, timeout):
        """The launcher's endpoints file, once written; exits if the network died or is late."""
        deadline = time.time() + timeout
        while not os.path.exists(self.endpoints_file):
            if self.process.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the network did not start; logs in {self.root}")
            time.sleep(0.5)
        with open(self.endpoints_file) as f:
            return json.load(f)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
