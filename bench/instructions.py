#!/usr/bin/env python3
"""CPU instructions per request, ours and the echo's, counted by valgrind — a ratio that does
not move with the machine's load (wall-clock figures here vary ±25 % within minutes).

Both sides run in process, without HTTP, through their WSGI apps, and get the same requests
(wrk's: `POST /v2/<order id>/cancel` with Basic auth and a `{}` body): ours cancels a
different pending Midtrans order per request (the answer checked), the echo is
`bench/echo_app.py`'s app answering the same size. Both sides load the same orders, so
start-up cancels out. Each side runs twice under `valgrind --tool=callgrind`, with
FEW and with FEW + COUNT requests; the difference divided by COUNT is the cost of one
request, start-up excluded. Needs valgrind (Debian package valgrind).

    python bench/instructions.py                     # memory store, 500 requests a side
    python bench/instructions.py --store lmdb        # the private LMDB file (what workers share)
    python bench/instructions.py --store sqlite      # a SQLite file
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEW = 100


def child(side: str, requests: int, orders: int, store: str) -> None:
    """Run `requests` requests through one side's app, ours loaded with `orders` orders (both
    runs of a side load the same, so start-up cancels out). Runs under valgrind."""
    sys.path.insert(0, str(ROOT))
    from werkzeug.test import EnvironBuilder

    from simulator import scenarios
    from simulator.app import create_app
    from simulator.providers import PROVIDERS
    from simulator.settings import Settings
    doc = {"name": "bench", "seed": 1,
           "merchants": [{"provider": "midtrans", "id": "G1", "credentials": {"server_key": "SB-Mid-server-X"}}],
           "orders": [{"generate": {"provider": "midtrans", "count": orders, "statuses": {"pending": 1},
                                    "channels": ["bank_transfer"]}}]}
    app = create_app(Settings(store=store, fresh=True, store_durable=not store.startswith("lmdb:")),
                     scenario=scenarios.from_mapping(doc, "bench", PROVIDERS))
    ids = [o.order_id for o in app.extensions["sandbox"].book.list(provider="midtrans")]
    auth = "Basic " + base64.b64encode(b"SB-Mid-server-X:").decode()
    environs = [EnvironBuilder(path=f"/v2/{i}/cancel", method="POST", data=b"{}",
                               headers={"Authorization": auth, "Content-Type": "application/json"}).get_environ()
                for i in ids]                           # both sides get the same requests, as wrk sends
    if side == "echo":
        sys.path.insert(0, str(ROOT / "bench"))
        from echo_app import echo_app
        app = echo_app(447)
    statuses = []                     # (every environ is built in both runs of a side: same start-up)
    for environ in environs[:requests]:
        environ = {**environ, "wsgi.input": io.BytesIO(b"{}")}
        body = b"".join(app(environ, lambda status, headers, exc=None: statuses.append(status)))
        if side == "ours" and b'"transaction_status":"cancel"' not in body:
            raise SystemExit(f"a cancel did not succeed: {body[:200]!r}")
    if any(not s.startswith("200") for s in statuses):
        raise SystemExit(f"not every answer was 200: {sorted(set(statuses))}")


def count(side: str, requests: int, orders: int, store: str) -> int:
    with tempfile.TemporaryDirectory() as work:
        run_store = {"sqlite": f"sqlite:{work}/run.db", "lmdb": f"lmdb:{work}/run.lmdb"}.get(store, "memory")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={work}/out",
             sys.executable, __file__, "--child", side, str(requests), str(orders), run_store],
            capture_output=True, text=True, timeout=900)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or not found:
            raise SystemExit(f"valgrind run of {side} failed: {done.stderr[-1500:]}")
        return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="requests a side (beyond the first FEW)")
    parser.add_argument("--store", choices=("memory", "lmdb", "sqlite"), default="memory")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        side, requests, orders, store = args.child
        child(side, int(requests), int(orders), store)
        return 0
    if shutil.which("valgrind") is None:
        print("bench/instructions.py needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 1
    per_request = {}
    for side in ("ours", "echo"):
        orders = FEW + args.count
        few, many = count(side, FEW, orders, args.store), count(side, orders, orders, args.store)
        per_request[side] = (many - few) / args.count
    print(f"instructions per request ({args.count} requests a side, store {args.store}, in process):")
    print(f"  simulator, succeeding cancels  {per_request['ours']:>12,.0f}")
    print(f"  Flask echo, same answer size   {per_request['echo']:>12,.0f}")
    print(f"ratio echo/simulator: {per_request['echo'] / per_request['ours']:.2f}x "
          "(1.00x: a cancel costs what the echo does)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
