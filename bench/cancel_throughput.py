#!/usr/bin/env python3
"""Benchmark: provider calls per second and latency against a real server on 127.0.0.1.

Starts the simulator (default scenario, in-memory store) on a free port, creates N fresh
Midtrans orders through /_sim, then cancels each once and reads each status once from
C client threads. Prints throughput and latency percentiles. Bounded: N calls, each with
a timeout; nothing leaves 127.0.0.1.

    python bench/cancel_throughput.py --orders 2000 --clients 8
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.app import create_app  # noqa: E402
from simulator.serving import BackgroundServer  # noqa: E402
from simulator.settings import Settings  # noqa: E402

AUTH = {"Authorization": "Basic U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg=="}


def timed_calls(base: str, method: str, paths: list[str], clients: int) -> list[float]:
    sessions = [requests.Session() for _ in range(clients)]

    def call(i: int) -> float:
        start = time.perf_counter()
        response = sessions[i % clients].request(method, base + paths[i], headers=AUTH, timeout=10)
        response.raise_for_status()
        return time.perf_counter() - start

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(call, range(len(paths))))


def report(label: str, latencies: list[float], wall: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    print(f"{label:<8} {len(ms):>6} calls  {len(ms) / wall:>8.0f} req/s  "
          f"p50 {p(0.50):6.2f} ms  p99 {p(0.99):6.2f} ms  mean {statistics.fmean(ms):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    app = create_app(Settings(journal_cap=5000))
    with BackgroundServer(app, threads=16) as server:
        base = server.url
        ids = [f"BENCH-{i:06d}" for i in range(args.orders)]
        for order_id in ids:
            requests.post(f"{base}/_sim/orders", json={"provider": "midtrans", "order_id": order_id,
                                                       "amount": 10000}, timeout=10).raise_for_status()
        for label, method, suffix in (("cancel", "POST", "cancel"), ("status", "GET", "status")):
            start = time.perf_counter()
            latencies = timed_calls(base, method, [f"/v2/{i}/{suffix}" for i in ids], args.clients)
            report(label, latencies, time.perf_counter() - start)
        journal = requests.get(f"{base}/_sim/journal?limit=0", timeout=10).json()
        print(f"journal kept {journal['cap']} entries at most (cap), store holds "
              f"{requests.get(f'{base}/_sim/health', timeout=10).json()['orders']} orders")


if __name__ == "__main__":
    main()
