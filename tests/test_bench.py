"""`bench/cancel_vs_echo.py` measures what it says: every request of ours cancels a different
order and every refusal is counted. Until 2026-12-04 both wrk threads sent the same ids (half
the "succeeding" cancels were refusals) and the failed column always read 0; this runs the
bench for real (wrk, both servers on 127.0.0.1) with fewer orders than requests, so exactly
the requests beyond the orders must come back as failures."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import skip_unless_required

ROOT = Path(__file__).resolve().parent.parent


def test_each_order_is_cancelled_once_and_every_refusal_is_counted():
    if shutil.which("wrk") is None:
        skip_unless_required("wrk is not installed (Debian package wrk)")
    run = subprocess.run([sys.executable, "bench/cancel_vs_echo.py", "--orders", "301", "--duration", "1",
                          "--connections", "8"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]

    requests, orders = map(int, re.search(r"(\d+) requests but only (\d+) orders", run.stderr).groups())
    ours = re.search(r"^simulator, succeeding cancels\s+\S+\s+\S+\s+\S+\s+(\d+)", run.stdout, re.M)
    echo = re.search(r"^Flask echo, same answer size\s+\S+\s+\S+\s+\S+\s+(\d+)", run.stdout, re.M)
    assert orders == 300 and requests > orders            # one order went to the sample call
    assert int(ours.group(1)) == requests - orders         # each order cancelled once, the rest refused
    assert int(echo.group(1)) == 0


def test_the_per_thread_bench_counts_every_thread_of_both_servers():
    if shutil.which("wrk") is None:
        skip_unless_required("wrk is not installed (Debian package wrk)")
    run = subprocess.run([sys.executable, "bench/threads.py", "--orders", "301", "--duration", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]

    sides = re.findall(r"^(simulator, memory store|Flask echo, same answer size): \d+ req/s, "
                       r"p99 [\d.]+ ms, (\d+) requests, (\d+) failed$", run.stdout, re.M)
    assert [name for name, _, _ in sides] == ["simulator, memory store", "Flask echo, same answer size"]
    (_, requests, failed), (_, _, echo_failed) = sides
    assert int(failed) == int(requests) - 300 and int(echo_failed) == 0   # 300 orders, one cancel each
    totals = [float(cpu) for cpu in re.findall(r"^\s+all\s+([\d.]+)", run.stdout, re.M)]
    assert len(totals) == 2 and all(cpu > 10 for cpu in totals)     # a served request costs tens of µs at least
