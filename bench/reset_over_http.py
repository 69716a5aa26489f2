#!/usr/bin/env python3
"""`POST /_sim/reset` on a running simulator: start `run.py` with a scenario (the default
one unless given), then time N resets over one HTTP session, each after a cancel through
/_sim so that it has something to undo. Prints median and p95 in ms (issue 12's target:
≤ 5 ms on the default scenario). Everything on 127.0.0.1; the server is stopped by PID.

    python bench/reset_over_http.py --resets 200
    python bench/reset_over_http.py --workers 2 --store sqlite
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cancel_vs_echo import Server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resets", type=int, default=200)
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--store", default="memory", help="memory, sqlite (a temporary file) or a store URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        store = f"sqlite:{Path(work) / 'run.db'}" if args.store == "sqlite" else args.store
        server = Server([sys.executable, "run.py", "--port", "0", "--scenario", args.scenario,
                         "--workers", str(args.workers), "--store", store, "--fresh"])
        try:
            with requests.Session() as session:
                orders = session.get(f"{server.url}/_sim/orders", params={"provider": "midtrans"},
                                     timeout=30).json()["orders"]
                pending = next(o["order_id"] for o in orders if o["status"] == "pending")
                timings = []
                for _ in range(args.resets):
                    session.post(f"{server.url}/_sim/orders/midtrans/{pending}/cancel",
                                 timeout=10).raise_for_status()
                    started = time.perf_counter()
                    answer = session.post(f"{server.url}/_sim/reset", timeout=30)
                    timings.append((time.perf_counter() - started) * 1000)
                    answer.raise_for_status()
                count = len(orders)
        finally:
            server.stop()
    timings.sort()
    print(f"POST /_sim/reset, scenario {args.scenario} ({count} midtrans orders listed), "
          f"{args.workers} process(es), store {args.store}: median {statistics.median(timings):.2f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)]:.2f} ms over {args.resets} resets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
