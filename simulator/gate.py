"""One app thread at a time in a served process; a request that waits lets the others run.

Waitress hands requests to a pool of threads, but the app is Python: only one thread runs
at a time anyway (the GIL). What several threads did add was a convoy: every store call
releases the GIL, another runnable request thread takes it, and the first waits for it back
(a cancel makes four store calls). Measured on 2 cores, 16 threads spent ~1.2 ms of CPU per
cancel where one thread spent ~0.9 ms. So the server's task runs the app holding this gate,
and the only waits a request makes on purpose (an injected fault's delay) release it: a
hundred delayed calls still wait side by side, each on its own thread.

Code not run by the server (Flask's test client, webhook delivery threads) never holds the
gate; `sleep` then just sleeps.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Iterator

class _FairGate:
    """A lock handed to its waiters in arrival order. A plain Lock let a thread that just
    released it take it straight back: under load some requests waited 100 ms and more."""

    def __init__(self):
        self._guard = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._busy = False

    def acquire(self) -> None:
        with self._guard:
            if not self._busy:
                self._busy = True
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()          # released by the holder before us: the gate is ours now

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()    # handed over; it stays busy
            else:
                self._busy = False


_gate = _FairGate()
_here = threading.local()


@contextmanager
def held() -> Iterator[None]:
    """Run the body as the process's one app thread."""
    _gate.acquire()
    _here.held = True
    try:
        yield
    finally:
        _here.held = False
        _gate.release()


def sleep(seconds: float) -> None:
    """`time.sleep`, letting the other requests run meanwhile when this thread holds the gate."""
    if not getattr(_here, "held", False):
        time.sleep(seconds)
        return
    _here.held = False
    _gate.release()
    try:
        time.sleep(seconds)
    finally:
        _gate.acquire()
        _here.held = True
