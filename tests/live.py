"""A real threaded server (waitress, as `python run.py` uses) on 127.0.0.1 and a free port,
for tests that need real sockets: official clients, races, restarts."""

from __future__ import annotations

import contextlib

from simulator.serving import BackgroundServer


def pids_of(url: str, calls: int = 200, want: int = 2, most: int = 2000) -> set[int]:
    """The pids that answered health checks, 8 at a time (so that several workers are busy at
    once: the kernel hands a new connection to whichever worker accepts first): `calls` of
    them, and more, up to `most`, until `want` different pids answered — a worker whose core
    is busy with other work (each keeps to one) can lose every accept of a short burst."""
    import concurrent.futures

    import requests
    seen: set[int] = set()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        asked = 0
        while asked < calls or (len(seen) < want and asked < most):
            seen |= set(pool.map(lambda _: requests.get(f"{url}/_sim/health", timeout=5).json()["pid"],
                                 range(100)))
            asked += 100
    return seen


@contextlib.contextmanager
def serve(app, threads: int = 16):
    with BackgroundServer(app, threads=threads) as server:
        yield server.url


class SimProcess:
    """`python run.py …` as a user starts it (or `command`, e.g. the installed script, in
    `cwd`), in its own process group, on a free port read from its first line; stopped by
    PID (and its workers with it)."""

    def __init__(self, *args: str, env: dict | None = None, timeout: float = 30,
                 command: list[str] | None = None, cwd=None):
        import os
        import re
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [*(command or [sys.executable, "run.py"]), "--port", "0", *args], cwd=cwd or root,
            start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://[0-9.]+:\d+)", line)
        if not match:
            self.kill()
            raise AssertionError(f"run.py did not start: {line}{self.process.stderr.read()}")
        self.url = match.group(1)
        self.banner = line + "".join(self.process.stdout.readline() for _ in range(3))

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the server (gunicorn's master stops its workers), then wait."""
        import subprocess
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process.stdout.close()
        self.process.stderr.close()

    def kill(self) -> None:
        """SIGKILL to every process of the server at once, as a crash would."""
        import os
        import signal
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def __enter__(self) -> "SimProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
