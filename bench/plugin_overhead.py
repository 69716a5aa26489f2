#!/usr/bin/env python3
"""Benchmark: what the `payment_sandbox` pytest plugin costs a test suite.

1. Directly: starting a sandbox for a scenario (load, app, server on a free port) and the
   per-test restore to the scenario's initial state, for the default scenario (hundreds of
   orders) and the example shop's (five).
2. End to end: a throwaway pytest run of N tests that take `payment_sandbox` against the
   same N tests without it; the difference per test is what a merchant's suite pays.

    python bench/plugin_overhead.py --tests 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.pytest_plugin import SandboxPool  # noqa: E402


def direct(scenario: str, restores: int) -> None:
    pool = SandboxPool()
    started = time.perf_counter()
    sandbox = pool.get(scenario)
    start_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(restores):
        t0 = time.perf_counter()
        sandbox.restore()
        timings.append((time.perf_counter() - t0) * 1000)
    orders = sandbox.app.extensions["sandbox"].run.count()
    pool.stop_all()
    print(f"{Path(scenario).stem} ({orders} orders): start {start_ms:.0f} ms; restore median "
          f"{statistics.median(timings):.2f} ms, p95 {sorted(timings)[int(len(timings) * 0.95)]:.2f} ms")


def pytest_seconds(tests: int, body: str, directory: Path) -> float:
    (directory / "test_generated.py").write_text(
        "".join(f"def test_{i}({body[0]}):\n    {body[1]}\n" for i in range(tests)))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "simulator.pytest_plugin",
                    "-p", "no:cacheprovider", str(directory)],
                   cwd=directory, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - started


def end_to_end(tests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plain = pytest_seconds(tests, ("", "pass"), Path(tmp))
        with_sandbox = pytest_seconds(tests, ("payment_sandbox", "assert payment_sandbox.base_url"), Path(tmp))
    print(f"pytest, {tests} tests: {plain:.2f} s plain, {with_sandbox:.2f} s with payment_sandbox; "
          f"{(with_sandbox - plain) * 1000 / tests:.2f} ms per test including the one start-up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=200)
    args = parser.parse_args()
    direct("default", args.tests)
    direct(str(REPO / "examples" / "merchant" / "shop.yaml"), args.tests)
    end_to_end(args.tests)


if __name__ == "__main__":
    main()
