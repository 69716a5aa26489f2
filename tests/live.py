"""A real threaded server (waitress, as `python run.py` uses) on 127.0.0.1 and a free port,
for tests that need real sockets: official clients, races, restarts."""

from __future__ import annotations

import contextlib

from simulator.serving import BackgroundServer


@contextlib.contextmanager
def serve(app, threads: int = 16):
    with BackgroundServer(app, threads=threads) as server:
        yield server.url
