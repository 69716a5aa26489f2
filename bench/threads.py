#!/usr/bin/env python3
"""Where a served process spends its CPU, thread by thread: the simulator (one process, on a
store) and the Flask echo side by side, under the same wrk load as `bench/cancel_vs_echo.py`
(succeeding Midtrans cancels, each a different order). Per request: each busy thread's CPU
(user + system) and its context switches — voluntary (it waited: poll, the GIL, a lock) and
involuntary (it was preempted). The event-loop thread's voluntary switches are about its
passes per request; each pass walks every connection, so more passes cost CPU on both sides.

    python bench/threads.py                      # memory store vs the echo
    python bench/threads.py --store lmdb          # the private LMDB file (what workers share)

One process only (`python run.py`): two workers are two of these. Reads /proc (Linux).
Everything runs on 127.0.0.1 and is stopped by PID.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

from cancel_vs_echo import Server, cancel_load, scenario, workspace, wrk


def threads_of(pid: int) -> dict[str, tuple[int, int, int]]:
    """Thread id → (CPU ticks, voluntary switches, involuntary switches) so far."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except OSError:
            continue                       # a thread that ended meanwhile
        switches = [int(re.search(rf"^{kind}_ctxt_switches:\s+(\d+)", status, re.M).group(1))
                    for kind in ("voluntary", "nonvoluntary")]
        found[tid] = (int(stat[11]) + int(stat[12]), *switches)
    return found


def measure(name: str, server: Server, script: Path, args: list[str], duration: int) -> None:
    before = threads_of(server.process.pid)
    result = wrk(server, script, args, duration, 32, 2)
    after = threads_of(server.process.pid)
    count, tick_us = result["requests"], 1e6 / os.sysconf("SC_CLK_TCK")
    print(f"{name}: {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms, {count} requests, "
          f"{result['failures']} failed")
    print(f"  {'thread':>8} {'CPU us/req':>11} {'voluntary':>10} {'involuntary':>12}")
    total = [0.0, 0.0, 0.0]
    rows = []
    for tid, now in after.items():
        then = before.get(tid, (0, 0, 0))
        row = ((now[0] - then[0]) * tick_us / count, (now[1] - then[1]) / count, (now[2] - then[2]) / count)
        total = [t + r for t, r in zip(total, row)]
        if row[0] >= 2 or row[1] >= 0.2:
            rows.append((tid, row))
    for tid, row in sorted(rows, key=lambda r: -r[1][0]):
        print(f"  {tid:>8} {row[0]:>11.1f} {row[1]:>10.2f} {row[2]:>12.2f}")
    print(f"  {'all':>8} {total[0]:>11.1f} {total[1]:>10.2f} {total[2]:>12.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("memory", "lmdb"), default="memory")
    parser.add_argument("--orders", type=int, default=60_000)
    parser.add_argument("--duration", type=int, default=6)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    with workspace("bench-threads-") as (work, servers):
        scenario(work / "bench.yaml", args.orders)
        store = f"lmdb:{work / 'run.lmdb'}" if args.store == "lmdb" else "memory"
        ours = Server([sys.executable, "run.py", "--port", "0", "--scenario", str(work / "bench.yaml"),
                       "--store", store, "--fresh"], env={"SIM_STORE_DURABLE": "0"})
        servers.append(ours)
        size, _ = cancel_load(ours, work)
        echo = Server([sys.executable, "bench/echo_app.py", "--port", "0", "--size", str(size)])
        servers.append(echo)
        load = [str(work / "ids.txt"), "2"]
        measure(f"simulator, {args.store} store", ours, work / "cancel.lua", load, args.duration)
        measure("Flask echo, same answer size", echo, work / "cancel.lua", load, args.duration)
    return 0


if __name__ == "__main__":
    sys.exit(main())
