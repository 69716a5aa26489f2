#!/usr/bin/env python3
"""The baseline of `bench/cancel_vs_echo.py`: a stateless Flask app that answers every POST
with the same JSON body (of a given size), served exactly as `run.py` serves the simulator
— the same waitress set-up for one process, the same gunicorn + waitress workers for N.

    python bench/echo_app.py --port 0 --size 700 --workers 2     # prints "listening on URL"
    python bench/echo_app.py --port 0 --workers 2 --server gthread   # the issue's baseline row

`--server gthread` serves it instead on gunicorn's own gthread workers (4 threads each, not
pinned): the server issue 12's table measured the echo on, kept as a reference row.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, Response  # noqa: E402

from simulator.serving import create_server, pin_to_core, run_loop, serve_workers, settle  # noqa: E402
from simulator.settings import Settings  # noqa: E402


def echo_app(size: int, settings: Settings | None = None) -> Flask:
    body = json.dumps({"status_code": "200", "status_message": "Success, transaction is canceled",
                       "pad": "x" * max(0, size - 80)}, separators=(",", ":"))
    app = Flask("echo")

    class Box:        # what WaitressWorker reads from an app: settings, a dispatcher to start
        class dispatcher:
            @staticmethod
            def start():
                pass
    box = Box()
    box.settings = settings or Settings.from_env()      # SIM_THREADS, SIM_PIN_CORES as run.py reads them
    app.extensions["sandbox"] = box

    @app.post("/<path:anything>")
    def echo(anything):
        return Response(body, mimetype="application/json")

    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--size", type=int, default=700, help="bytes of the JSON answer")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=Settings.threads, help="per process, as run.py's")
    parser.add_argument("--server", choices=("waitress", "gthread"), default="waitress",
                        help="waitress as run.py serves (default), or gunicorn gthread workers")
    args = parser.parse_args()
    settings = Settings.from_env(port=args.port, workers=args.workers, threads=args.threads)
    if args.workers > 1 or args.server == "gthread":
        gthread = {"worker_class": "gthread", "threads": 4} if args.server == "gthread" else {}
        serve_workers(settings, lambda: echo_app(args.size, settings),
                      lambda url: print(f"listening on {url}", flush=True), **gthread)
        return 0
    server = create_server(echo_app(args.size, settings), port=args.port, threads=settings.threads,
                           connection_limit=settings.connection_limit, idle_timeout=settings.idle_timeout)
    print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
    if settings.pin_cores:
        pin_to_core(-1)                 # as run.py does
    settle()
    run_loop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
