"""Run the payment sandbox simulator, or validate a scenario file.

    payment-sandbox                             # default scenario on http://127.0.0.1:8080
    payment-sandbox --port 0 --scenario expired-orders --store sqlite:sim.db
    payment-sandbox --workers 4 --store sqlite:sim.db    # 4 processes, one shared run
    payment-sandbox --workers 4                          # the same on a private LMDB file
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
import socket
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


MAX_THREADS, MAX_WORKERS = 1024, 256


def _check(settings: Settings) -> str | None:
    """The first setting no server could start with, as a one-line error naming its flag."""
    if not 0 <= settings.port <= 65535:
        return f"--port {settings.port}: expected 0-65535 (0 picks a free port)"
    if not 1 <= settings.threads <= MAX_THREADS:
        return f"--threads {settings.threads}: expected 1-{MAX_THREADS}"
    if not 1 <= settings.workers <= MAX_WORKERS:
        return f"--workers {settings.workers}: expected 1-{MAX_WORKERS}"
    try:
        socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        return f"--host {settings.host}: not a valid address or host name ({getattr(exc, 'strerror', None) or exc})"
    return None


def _port_free(host: str, port: int) -> str | None:
    """Before gunicorn's workers start: can anything listen there? (gunicorn itself retries
    for seconds, then prints several lines.)"""
    if port == 0:
        return None
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return f"--host {host} --port {port}: cannot listen: {exc.strerror or exc}"
    return None


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
    any worker starts; with several workers, the memory store becomes a private LMDB file.
    Returns the settings the workers start with, a note for the banner, and — for one
    process — the app itself (a memory store lives only in it)."""
    from simulator.app import create_app

    note = ""
    if settings.workers > 1 and check_url(settings.store) == MEMORY:
        directory = tempfile.mkdtemp(prefix="payment-sandbox-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "run.lmdb")
        settings = Settings(**{**settings.__dict__, "store": f"lmdb:{path}", "store_durable": False})
        note = (f" (memory store with {settings.workers} workers: a private LMDB file {path}, "
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
    refused = _check(settings) or refusal(settings.host, settings.admin_token, settings.insecure_control)
    if refused:
        return _fail(refused)
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
        taken = _port_free(settings.host, settings.port)
        if taken:
            return _fail(taken)

        def ready(url: str) -> None:
            probe = create_app(settings)
            banner(url, probe)
            probe.extensions["sandbox"].store.close()

        serve_workers(settings, lambda: create_app(settings), ready)
        return 0

    from simulator.serving import create_server, pin_to_core, run_loop, settle
    try:
        server = create_server(app, host=settings.host, port=settings.port, threads=settings.threads,
                               connection_limit=settings.connection_limit,
                               idle_timeout=settings.idle_timeout)
    except OSError as exc:
        return _fail(f"--host {settings.host} --port {settings.port}: cannot listen: {exc.strerror or exc}")
    banner(f"http://{settings.host}:{server.effective_port}", app)
    app.extensions["sandbox"].dispatcher.start()
    if settings.pin_cores:
        pin_to_core(-1)
    settle()
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


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the flag, exit code 2 (no usage dump)."""

    def error(self, message: str):
        self.exit(2, f"{_prog()}: error: {message}\n")


def _server_flags(parser: argparse.ArgumentParser, default) -> None:
    """The flags of serving, on the main parser and on `serve` (`default`: None there,
    SUPPRESS here, so that `--port 1 serve` keeps the 1)."""
    parser.add_argument("--host", default=default, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=default,
                        help="port to listen on, 0-65535 (default 8080; 0 picks a free port and prints it)")
    parser.add_argument("--scenario", default=default,
                        help="a bundled scenario's name (listed below) or a path to a YAML file "
                             "(default: default)")
    parser.add_argument("--store", default=default,
                        help="'memory' (default), 'sqlite:PATH' or 'lmdb:PATH' (a file: processes "
                             "on this host share it, a restart keeps every order) or "
                             "'redis://HOST:PORT/DB' (hosts share it)")
    parser.add_argument("--workers", type=int, default=default,
                        help=f"processes serving the port, sharing one run, 1-{MAX_WORKERS} (default 1; "
                             "with the memory store, more than 1 uses a private LMDB file)")
    parser.add_argument("--fresh", action="store_true", default=default,
                        help="discard a run the store already holds and load --scenario")
    parser.add_argument("--insecure-control", action="store_true", default=default,
                        help="allow a non-loopback --host without SIM_ADMIN_TOKEN: /_sim (every "
                             "merchant's credentials, the whole state) open to the network")
    parser.add_argument("--threads", type=int, default=default,
                        help=f"requests in progress per process, 1-{MAX_THREADS} (default 16); the app runs "
                             "one at a time, a delayed call waits on its own thread")
    parser.add_argument("--scenario-dir", default=default,
                        help="directory whose .yaml files POST /_sim/scenario {\"name\"} may load, "
                             "besides the bundled ones (default: scenarios)")


def _epilog() -> str:
    from dataclasses import fields
    examples = __doc__.split("\n", 2)[2]
    variables = "\n".join(f"  SIM_{f.name.upper():<24} default {f.default!r}" for f in fields(Settings))
    return (f"{examples}\nBundled scenarios: {', '.join(scenarios.bundled_names())}\n\n"
            "The control API's index is http://HOST:PORT/_sim (links to every endpoint, the OpenAPI\n"
            "documents and the dashboard at /_sim/ui/); /_sim/health says what is loaded.\n\n"
            f"Every setting is also an environment variable (a flag wins over it):\n{variables}\n"
            "  SIM_ADMIN_TOKEN asks /_sim for 'Authorization: Bearer <token>' (required off loopback).\n")


def _unknown_flag(argv: list[str], parsers: list[argparse.ArgumentParser]) -> str | None:
    """The first `--flag` no parser knows, with the closest known one. (argparse alone would
    take `--prot 9000`'s 9000 for a subcommand and complain about that instead.)"""
    from simulator.suggest import did_you_mean
    known = {option for p in parsers for action in p._actions for option in action.option_strings}
    for token in argv:
        if token == "--":
            return None
        if token.startswith("-") and not token.lstrip("-").replace(".", "").isdigit() and token != "-":
            flag = token.split("=", 1)[0]
            if flag not in known:
                return f"unrecognized flag {flag}{did_you_mean(flag, sorted(known)).replace(chr(39), '')}"
    return None


def main(argv: list[str] | None = None) -> int:
    from simulator import __version__
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _OneLineParser(prog=_prog(), description=__doc__.splitlines()[0],
                            formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_epilog())
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _server_flags(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="{serve,validate}", parser_class=_OneLineParser)
    serve_parser = sub.add_parser("serve", help="serve the simulator (the default: the same as no subcommand)")
    _server_flags(serve_parser, argparse.SUPPRESS)
    check = sub.add_parser("validate", help="check a scenario file; exit 1 with its errors")
    check.add_argument("scenario", help="bundled scenario name or a path to a YAML file")
    unknown = _unknown_flag(argv, [parser, serve_parser, check])
    if unknown:
        return _fail(unknown)
    args = parser.parse_args(argv)
    return validate(args) if args.command == "validate" else serve(args)
