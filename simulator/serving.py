"""Serving the app with waitress: in the foreground (`python run.py`) or on a background
thread (tests, the pytest plugin), with a clean stop.

Waitress's loop must be stopped from its own thread: closing its sockets from another
thread while it sits in select() raises EBADF there. `BackgroundServer.stop()` asks the
loop itself, through waitress's trigger, to close everything; the loop then ends because
it has nothing left to watch.
"""

from __future__ import annotations

import threading

from waitress import create_server
from waitress import wasyncore


class BackgroundServer:
    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 16):
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="payment-sandbox")
        self.url = f"http://{host}:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="sandbox-server", daemon=True)

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        server = self._server
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        self._thread.join(timeout)
        server.task_dispatcher.shutdown()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
