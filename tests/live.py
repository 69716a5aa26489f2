"""A real threaded server (waitress, as `python run.py` uses) on 127.0.0.1 and a free port,
for tests that need real sockets: official clients, races, restarts."""

from __future__ import annotations

import contextlib
import threading

from waitress import create_server


@contextlib.contextmanager
def serve(app, threads: int = 16):
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
