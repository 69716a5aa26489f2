"""Serving the app with waitress: in the foreground (`python run.py`) or on a background
thread (tests, the pytest plugin), with a clean stop. This is the one place that knows
the server.

Waitress's loop must be stopped from its own thread: closing its sockets from another
thread while it sits in select() raises EBADF there. `BackgroundServer` runs the loop one
poll at a time and closes everything from that thread once `stop()` sets its flag.

Injected connection faults (`simulator.injection`) need the socket, which waitress keeps
out of the WSGI environ. So the server's tasks put a callable at `environ[ABORT_KEY]`; when
the app calls it, the task writes nothing of the response and, once the app has returned
(and the journal has the entry), holds the connection for the asked time (hang) and has
the loop close it: with SO_LINGER 0 for a reset, so the kernel sends RST instead of FIN.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

import waitress
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

from .injection import ABORT_KEY, RESET

_LINGER_ZERO = struct.pack("ii", 1, 0)   # l_onoff=1, l_linger=0: close() sends RST


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
        if abort.hold:
            time.sleep(abort.hold)
        if abort.kind == RESET:
            self.channel.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
        self.close_on_finish = True   # the loop closes the channel: nothing queued to send


class AbortableChannel(HTTPChannel):
    task_class = AbortableTask


def create_server(app, host: str, port: int, threads: int):
    """A waitress server for `app` whose connections injected faults can reset or hang."""
    server = waitress.create_server(app, host=host, port=port, threads=threads,
                                    ident="payment-sandbox")
    listeners = [server] if isinstance(server, BaseWSGIServer) else [
        d for d in server.map.values() if isinstance(d, BaseWSGIServer)]
    for listener in listeners:
        listener.channel_class = AbortableChannel
    return server


class BackgroundServer:
    """Waitress on a background thread. The thread runs waitress's loop one poll at a time
    and checks a stop flag between polls; on stop it closes every socket itself, from the
    loop's own thread. Waking it through the trigger only makes the stop prompt: if the
    trigger is already gone (seen once in CI as EBADF), the poll timeout wakes it anyway."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 16):
        self._server = create_server(app, host=host, port=port, threads=threads)
        self.url = f"http://{host}:{self._server.effective_port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-server", daemon=True)

    def _run(self) -> None:
        server, adj = self._server, self._server.adj
        try:
            while not self._stopping.is_set() and server._map:
                wasyncore.loop(timeout=adj.asyncore_loop_timeout, use_poll=adj.asyncore_use_poll,
                               map=server._map, count=1)
        finally:
            wasyncore.close_all(server._map)

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        try:
            self._server.trigger.pull_trigger()
        except OSError:
            pass   # no trigger to pull: the loop notices the flag within one poll timeout
        self._thread.join(timeout)
        self._server.task_dispatcher.shutdown()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
