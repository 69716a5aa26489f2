"""One app thread at a time in a served process; a request that waits lets the others run.

Waitress hands requests to a pool of threads, but the app is Python: only one thread runs
at a time anyway (the GIL). What several threads did add was a convoy: every store call
releases the GIL, another runnable request thread takes it, and the first waits for it back.
Measured on 2 cores, 16 threads spent ~1.2 ms of CPU per cancel where one thread spent
~0.9 ms. So a served process runs its app under a `Gate`, and the only waits a request makes
on purpose (an injected fault's delay, `sleep`) release it: a hundred delayed calls still
wait side by side, each on its own thread.

`GatedDispatcher` is waitress's thread pool run leader/followers: the thread holding the
gate takes the next queued request itself, so under load one thread serves request after
request and none is woken just to wait for the gate (in a 6 s wrk run, 8,268 requests were
served by 9 turns of leadership). Handing the gate to another thread on every request had
cost ~70 µs of CPU per cancel: 1,390 → 1,540 cancels/s, and the echo 2,500 → 2,780. Idle
threads wait for work only while the gate is free. A thread coming back from a sleep queues
for the gate, and the holder hands it over before its next request, so a delayed request
finishes after at most one other request.

Code not run by the server (Flask's test client, webhook delivery threads) holds no gate;
`sleep` then just sleeps.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator

from waitress.task import ThreadedTaskDispatcher


class Gate:
    """A lock handed to its waiters in arrival order. A plain Lock let a thread that just
    released it take it straight back: under load some requests waited 100 ms and more.
    `on_free` is called (outside the gate's own lock) whenever nobody holds it any more."""

    def __init__(self, on_free: Callable[[], None] = lambda: None):
        self._guard = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._busy = False
        self._on_free = on_free

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def try_acquire(self) -> bool:
        """Take the gate if nobody holds it or waits for it."""
        with self._guard:
            if self._busy:
                return False
            self._busy = True
            return True

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
                return
            self._busy = False
        self._on_free()


_here = threading.local()       # .gate: the gate this thread holds while it runs a request


@contextmanager
def held(gate: Gate) -> Iterator[None]:
    """Run the body as the one app thread of `gate`."""
    gate.acquire()
    _here.gate = gate
    try:
        yield
    finally:
        _here.gate = None
        gate.release()


def sleep(seconds: float) -> None:
    """`time.sleep`, letting the other requests run meanwhile when this thread holds a gate."""
    gate = getattr(_here, "gate", None)
    if gate is None:
        time.sleep(seconds)
        return
    _here.gate = None
    gate.release()
    try:
        time.sleep(seconds)
    finally:
        gate.acquire()
        _here.gate = gate


class GatedDispatcher(ThreadedTaskDispatcher):
    """Waitress's task pool, its threads taking turns under one `Gate` (see the module)."""

    def __init__(self):
        super().__init__()
        self.gate = Gate(on_free=self._gate_free)

    def _gate_free(self) -> None:
        with self.lock:
            if self.queue:
                self.queue_cv.notify()       # a follower leads the queued requests

    def add_task(self, task) -> None:
        with self.lock:
            self.queue.append(task)
            if not self.gate.busy:           # else the holder takes it after its request
                self.queue_cv.notify()

    def handler_thread(self, thread_no: int) -> None:
        while True:
            with self.lock:
                while self.stop_count == 0 and not (self.queue and self.gate.try_acquire()):
                    self.active_count -= 1
                    self.queue_cv.wait()
                    self.active_count += 1
                if self.stop_count > 0:          # waitress's way of ending a thread
                    self.active_count -= 1
                    self.stop_count -= 1
                    self.threads.discard(thread_no)
                    self.thread_exit_cv.notify()
                    return
                task = self.queue.popleft()
            self._lead(task)

    def _lead(self, task) -> None:
        """Serve `task` and then the queue while nobody waits for the gate; then let it go."""
        _here.gate = self.gate
        try:
            while task is not None:
                try:
                    task.service()
                except BaseException:
                    self.logger.exception("Exception when servicing %r", task)
                with self.lock:
                    take = self.queue and not self.gate.waiting and self.stop_count == 0
                    task = self.queue.popleft() if take else None
        finally:
            _here.gate = None
            self.gate.release()
