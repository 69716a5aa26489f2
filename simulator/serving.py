"""Serving the app: waitress in every process, on a foreground loop (`python run.py`), a
background thread (tests, the pytest plugin) or in each of N processes run by gunicorn
(`python run.py --workers N`). This is the one place that knows the servers.

Why waitress, and gunicorn around it: waitress reads requests on an event loop and only
hands complete requests to its threads, so idle or half-sent connections (slowloris) cost a
socket, not a thread; and it lets us reach the socket, which the `reset` and `hang` faults
need. gunicorn supervises the N processes sharing one port (pre-fork, restarts, signals),
each running `WaitressWorker`: waitress's loop on the socket gunicorn bound.

Injected connection faults (`simulator.injection`) need the socket, which waitress keeps
out of the WSGI environ. So the server's tasks put a callable at `environ[ABORT_KEY]`; when
the app calls it, the task writes nothing of the response. A reset closes the socket with
SO_LINGER 0, so the kernel sends RST instead of FIN. A hang holds the connection on the
event loop until its deadline and then closes it: the worker thread is free at once, so
a hundred hanging requests block nothing else.
"""

from __future__ import annotations

import gc
import os
import socket
import struct
import threading
import time
from typing import Iterable

import waitress
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

from . import gate
from .injection import ABORT_KEY, RESET

_LINGER_ZERO = struct.pack("ii", 1, 0)   # l_onoff=1, l_linger=0: close() sends RST
LOOP_TICK = 0.1                          # seconds between event-loop passes (hang deadlines)


class _AbortRequest:
    """The callable the app finds at environ[ABORT_KEY]: remembers what it asked for."""

    def __init__(self):
        self.kind: str | None = None
        self.hold = 0.0

    def __call__(self, kind: str, hold: float = 0.0) -> None:
        self.kind, self.hold = kind, hold


class AbortableTask(WSGITask):
    """A waitress task that can end its connection without sending a byte."""

    def get_environment(self):
        environ = super().get_environment()
        environ.setdefault(ABORT_KEY, _AbortRequest())
        return environ

    def _abort(self) -> _AbortRequest | None:
        request = (self.environ or {}).get(ABORT_KEY)
        return request if request is not None and request.kind is not None else None

    def write(self, data):
        if self._abort() is None:
            super().write(data)

    def finish(self):
        abort = self._abort()
        if abort is None:
            return super().finish()
        if abort.kind == RESET:
            self.channel.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
        elif abort.hold > 0:
            self.channel.hold(abort.hold)
        self.close_on_finish = True   # the loop closes the channel: nothing queued to send


class AbortableChannel(HTTPChannel):
    task_class = AbortableTask
    held_until = 0.0

    def hold(self, seconds: float) -> None:
        """Keep the connection open, silent, for `seconds`; the event loop then closes it."""
        self.held_until = time.time() + seconds
        self.last_activity = self.held_until      # idle-timeout cleanup counts from the end

    def _held(self) -> bool:
        # asked of every connection on every loop pass: the clock only for a held one
        return self.held_until != 0.0 and self.held_until > time.time()

    def readable(self):
        return not self._held() and super().readable()

    def writable(self):
        if self._held():
            return False
        if (self.requests and self.total_outbufs_len < self.adj.outbuf_high_watermark
                and not (self.will_close or self.close_when_flushed)):
            # A task is still running: it sends what it writes itself (send_bytes is 1), and
            # its end pulls the trigger so the loop sends any rest. Saying "writable" meanwhile
            # made select() return at once on every pass while the task held the buffer's
            # lock: the loop spun and held the GIL the task needed (125 instead of 1,300
            # requests/s at 32 connections). Only a task that filled the buffer past the
            # high watermark waits for the loop to drain it.
            return False
        return super().writable()


def create_server(app, host: str = "127.0.0.1", port: int = 0, threads: int = 16, *,
                  sockets: list | None = None, connection_limit: int = 1000, idle_timeout: int = 30):
    """A waitress server for `app` whose connections injected faults can reset or hang.
    `idle_timeout`: seconds after which a connection with no request in progress is closed
    (half-sent requests included)."""
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    dispatcher = gate.GatedDispatcher()       # its threads take turns (simulator/gate.py)
    dispatcher.set_thread_count(threads)
    server = waitress.create_server(
        app, threads=threads, ident="payment-sandbox", connection_limit=connection_limit,
        channel_timeout=idle_timeout, cleanup_interval=max(1, min(30, idle_timeout // 2)),
        backlog=2048, _dispatcher=dispatcher, **where)
    for listener in listeners(server):
        listener.channel_class = AbortableChannel
    return server


def listeners(server) -> list[BaseWSGIServer]:
    return [server] if isinstance(server, BaseWSGIServer) else [
        d for d in server.map.values() if isinstance(d, BaseWSGIServer)]


GC_THRESHOLDS = (10_000, 20, 100)


def settle() -> None:
    """Call once a serving process has built its app and loaded its run: what exists now
    lives as long as the process, so the cyclic garbage collector stops scanning it
    (`gc.freeze`). With 30,000 orders in the memory store, collections took ~13 µs of a
    ~160 µs cancel, ~8 µs after; with a million, each full collection scanned millions of
    objects. Objects freed by reference counting are freed as before.

    Then the collector runs less often (`GC_THRESHOLDS`, from Python's 700, 10, 10): a
    cancel leaves ~11 tracked objects behind (the changed order, its journal entry), so the
    default scanned the young ones every ~60 calls and the whole unfrozen heap every few
    thousand. The young threshold is a pause as well as a rate: each young collection
    scans objects that nearly all survive. In process, 28,000 cancels on the memory store:
    700 → 5.1 µs of collection per cancel, longest pause 51 ms (a full one); 10,000 → 1.8
    µs, longest 5.8 ms; 50,000 (this was 50,000 until 2026-12-04) → 2.3 µs, longest 19.5
    ms, which showed as a p99 of 23–40 ms under wrk. Cyclic garbage (rare here) waits
    longer, bounded by 10,000 new objects."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def pin_to_core(index: int, taken: Iterable[int] = ()) -> int | None:
    """Keep this process — every thread it has and will have — on one CPU core, the
    `index`-th of those it may use (counted round, negative from the end) — unless another
    core holds fewer of the processes in `taken` (a core each), then the first such; the
    core, or None where the system has no affinity call (macOS).

    A served process is Python threads taking turns under the GIL: waitress's event loop
    reads and writes sockets, the gate's thread runs the requests (simulator/gate.py), and
    every store call that releases the GIL lets the loop in mid-request. On two cores each
    turn wakes the other core and moves the objects' cache lines across to it; on one core
    it is a plain switch. Measured in `bench/RESULTS.md` (one process, the Flask echo served
    the same way, two workers on the LMDB store). Only serving processes call it (`run.py`,
    each worker), never a process that embeds the server (the pytest plugin's)."""
    set_affinity = getattr(os, "sched_setaffinity", None)
    if set_affinity is None:
        return None
    cores = sorted(os.sched_getaffinity(0))
    core = cores[index % len(cores)]
    held = {c: 0 for c in cores}
    for c in taken:
        if c in held:
            held[c] += 1
    if held[core] > min(held.values()):
        core = min(cores, key=held.__getitem__)      # the first of the least held
    try:
        threads = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:
        threads = []
    try:
        set_affinity(0, {core})          # this thread, and the threads it starts from now on
        for tid in threads:              # the affinity call moves one thread: the others too
            set_affinity(tid, {core})
    except OSError:          # a core the container may list but not use: stay as we are
        return None
    return core


def run_loop(server, keep_going=lambda: True, tick=lambda: None) -> None:
    """Waitress's event loop, one short pass at a time, while `keep_going()`; `tick()` runs
    between passes. Closes every socket afterwards, from this (the loop's) thread."""
    try:
        while keep_going() and server._map:
            wasyncore.loop(timeout=LOOP_TICK, use_poll=server.adj.asyncore_use_poll,
                           map=server._map, count=1)
            tick()
    finally:
        wasyncore.close_all(server._map)
        server.task_dispatcher.shutdown()


class BackgroundServer:
    """Waitress on a background thread. The thread runs waitress's loop one poll at a time
    and checks a stop flag between polls; on stop it closes every socket itself, from the
    loop's own thread (closing them from another thread while the loop sits in select()
    raises EBADF there)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 16, **options):
        self._server = create_server(app, host=host, port=port, threads=threads, **options)
        self.url = f"http://{host}:{self._server.effective_port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=run_loop, name="sandbox-server", daemon=True,
                                        args=(self._server, lambda: not self._stopping.is_set()))

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        try:
            self._server.trigger.pull_trigger()
        except OSError:
            pass   # no trigger to pull: the loop notices the flag within one pass
        self._thread.join(timeout)

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------
# N processes: gunicorn's master, a waitress event loop in each worker

def serve_workers(settings, make_app, on_ready, **config) -> None:
    """Serve `make_app()` (called in each worker, after the fork) on settings.host/port with
    settings.workers processes; `on_ready(url)` once the port is bound. Returns at shutdown.
    `config`: gunicorn settings over ours (the benchmark's echo on gunicorn's own gthread
    workers: `worker_class="gthread", threads=4`)."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"{settings.host}:{settings.port}", "workers": settings.workers,
                "worker_class": "simulator.serving.WaitressWorker", "timeout": 30,
                "graceful_timeout": 5, "loglevel": "warning", "accesslog": None,
                "proc_name": "payment-sandbox", "preload_app": False,
                "when_ready": lambda arbiter: on_ready(_bound_url(arbiter)), **config,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return make_app()

    Application().run()


def _bound_url(arbiter) -> str:
    host, port = arbiter.LISTENERS[0].sock.getsockname()[:2]
    return f"http://{host}:{port}"


def _cores_of_siblings() -> list[int]:
    """The cores this worker's siblings (the master's other children) are each pinned to. A
    worker's age alone spread the first N over the cores, but a worker gunicorn started again
    (age N + 1, N + 2…) landed on whichever core its age pointed at, often one a live worker
    already held, and the other core stood idle."""
    parent, me, cores = os.getppid(), os.getpid(), []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return cores                     # no /proc (macOS): no affinity to set either
    for entry in entries:
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) != parent:
                    continue
            allowed = os.sched_getaffinity(int(entry))
        except (OSError, ValueError, IndexError):
            continue                     # gone meanwhile, or not ours to read
        if len(allowed) == 1:
            cores.extend(allowed)
    return cores


def _worker_base():
    from gunicorn.workers.base import Worker
    return Worker


class WaitressWorker(_worker_base()):
    """A gunicorn worker that serves with waitress on gunicorn's listening sockets."""

    def run(self):
        settings = self.wsgi.extensions["sandbox"].settings
        server = create_server(self.wsgi, threads=settings.threads,
                               sockets=[listener.sock for listener in self.sockets],
                               connection_limit=settings.connection_limit,
                               idle_timeout=settings.idle_timeout)
        if settings.pin_cores:               # workers spread over the cores, one each: by age
            pin_to_core(self.age - 1, _cores_of_siblings())    # at start, the free one after a restart
        self.wsgi.extensions["sandbox"].dispatcher.start()
        settle()
        parent = os.getppid()

        def keep_going() -> bool:
            return self.alive and os.getppid() == parent

        run_loop(server, keep_going, tick=self.notify)
