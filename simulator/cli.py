"""Run the payment sandbox simulator, or validate a scenario file.

    payment-sandbox                             # default scenario on http://127.0.0.1:8080
    payment-sandbox --port 0 --scenario expired-orders --store sqlite:sim.db
    payment-sandbox --workers 4 --store sqlite:sim.db    # 4 processes, one shared run
    payment-sandbox --store redis://127.0.0.1:6379/0     # a run shared by several hosts
    payment-sandbox validate my-scenario.yaml   # exit 1 with the errors if invalid

A store that already holds a run (a restart on a SQLite file, a second host on one Redis)
is joined: its orders, clock and faults are kept and --scenario is not loaded. Pass
--fresh to discard that run and load the scenario anew.

`pip install` puts this on PATH as `payment-sandbox`; in a checkout, `python run.py` is
the same command.
"""

from __future__ import annotations

import argparse
import atexit
import os
import resource
import shutil
import sys
import tempfile

from simulator import scenarios
from simulator.providers import PROVIDERS
from simulator.settings import Settings
from simulator.store import MEMORY, StoreUnavailable, check_url


def _prog() -> str:
    """The name the user typed: `payment-sandbox` or `run.py`."""
    return os.path.basename(sys.argv[0]) or "payment-sandbox"


def _fail(message: str) -> int:
    print(f"{_prog()}: error: {message}", file=sys.stderr)
    return 2


def _raise_open_files_limit() -> None:
    """Idle connections are cheap but each is a file descriptor: allow as many as we may."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
        except (ValueError, OSError):
            pass


def _prepare_store(settings: Settings):
    """Make sure the store holds a run (load the scenario unless one is there to join) before
    any worker starts; with several workers, the memory store becomes a private SQLite file.
    Returns the settings the workers start with, a note for the banner, and — for one
    process — the app itself (a memory store lives only in it)."""
    from simulator.app import create_app

    note = ""
    if settings.workers > 1 and check_url(settings.store) == MEMORY:
        directory = tempfile.mkdtemp(prefix="payment-sandbox-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "run.db")
        settings = Settings(**{**settings.__dict__, "store": f"sqlite:{path}"})
        note = (f" (memory store with {settings.workers} workers: a private SQLite file {path}, "
                "deleted at exit)")
    app = create_app(settings)
    if settings.workers == 1:
        return settings, note, app
    app.extensions["sandbox"].store.close()     # workers open their own, after the fork
    return Settings(**{**settings.__dict__, "fresh": False}), note, None


def serve(args: argparse.Namespace) -> int:
    from simulator.app import create_app

    try:
        settings = Settings.from_env(host=args.host, port=args.port, scenario=args.scenario,
                                     store=args.store, threads=args.threads, workers=args.workers,
                                     fresh=args.fresh or None, scenario_dir=args.scenario_dir,
                                     insecure_control=args.insecure_control or None)
        check_url(settings.store)
    except ValueError as exc:
        return _fail(str(exc))
    from simulator.control.access import is_loopback, refusal
    refused = refusal(settings.host, settings.admin_token, settings.insecure_control)
    if refused:
        return _fail(refused)
    if settings.workers < 1:
        return _fail(f"--workers {settings.workers}: expected 1 or more")
    _raise_open_files_limit()
    try:
        settings, note, app = _prepare_store(settings)
    except scenarios.ScenarioError as exc:
        print(f"cannot load the scenario:\n{exc}", file=sys.stderr)
        return 1
    except (StoreUnavailable, ValueError) as exc:
        return _fail(str(exc))

    def banner(base: str, app) -> None:
        box = app.extensions["sandbox"]
        print(f"Payment sandbox simulator listening on {base}", flush=True)
        print(f"  scenario {box.scenario.name!r} from {box.scenario.source}: "
              f"{box.run.count()} orders, {len(list(box.merchants))} merchants; "
              f"store {settings.store}{note}; {settings.workers} worker(s)")
        print("  providers: " + ", ".join(f"{name} ({base}/{name} or {base})" for name in PROVIDERS))
        guard = ("needs SIM_ADMIN_TOKEN (Bearer, or log in at /_sim/login)" if settings.admin_token
                 else "open to anyone who can reach it" if not is_loopback(settings.host) else "")
        print(f"  control API: {base}/_sim/health, dashboard {base}/_sim/ui/"
              + (f"; /_sim {guard}" if guard else ""), flush=True)

    if settings.workers > 1:
        from simulator.serving import serve_workers

        def ready(url: str) -> None:
            probe = create_app(settings)
            banner(url, probe)
            probe.extensions["sandbox"].store.close()

        serve_workers(settings, lambda: create_app(settings), ready)
        return 0

    from simulator.serving import create_server, run_loop
    try:
        server = create_server(app, host=settings.host, port=settings.port, threads=settings.threads,
                               connection_limit=settings.connection_limit,
                               idle_timeout=settings.idle_timeout)
    except OSError as exc:
        return _fail(f"--host {settings.host} --port {settings.port}: cannot listen: {exc.strerror or exc}")
    banner(f"http://{settings.host}:{server.effective_port}", app)
    app.extensions["sandbox"].dispatcher.start()
    try:
        run_loop(server)
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["sandbox"].dispatcher.stop()
    return 0


def validate(args: argparse.Namespace) -> int:
    from simulator.limits import Limits
    try:
        scenario = scenarios.load(args.scenario, PROVIDERS, Limits.from_settings(Settings.from_env()))
    except scenarios.ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    generated = sum(s.get("count", 1) for s in scenario.orders)
    print(f"{scenario.source}: ok — {scenario.name!r}, {len(list(scenario.merchants))} merchants, "
          f"{generated} orders, {len(scenario.faults)} faults")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=_prog(), description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None,
                        help="port to listen on (default 8080; 0 picks a free port and prints it)")
    parser.add_argument("--scenario", default=None,
                        help="bundled scenario name (see simulator/bundled_scenarios/) or a path to a YAML file "
                             "(default: default)")
    parser.add_argument("--store", default=None,
                        help="'memory' (default), 'sqlite:PATH' (a file: processes on this host "
                             "share it, a restart keeps every order) or 'redis://HOST:PORT/DB' "
                             "(hosts share it)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes serving the port, sharing one run (default 1; with the "
                             "memory store, more than 1 uses a private SQLite file)")
    parser.add_argument("--fresh", action="store_true",
                        help="discard a run the store already holds and load --scenario")
    parser.add_argument("--insecure-control", action="store_true",
                        help="allow a non-loopback --host without SIM_ADMIN_TOKEN: /_sim (every "
                             "merchant's credentials, the whole state) open to the network")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (default 16)")
    parser.add_argument("--scenario-dir", default=None,
                        help="directory whose .yaml files POST /_sim/scenario {\"name\"} may load, "
                             "besides the bundled ones (default: scenarios)")
    sub = parser.add_subparsers(dest="command", metavar="{validate}")
    check = sub.add_parser("validate", help="check a scenario file; exit 1 with its errors")
    check.add_argument("scenario", help="bundled scenario name or a path to a YAML file")
    args = parser.parse_args(argv)
    return validate(args) if args.command == "validate" else serve(args)

