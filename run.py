#!/usr/bin/env python3
"""Run the payment sandbox simulator, or validate a scenario file.

    python run.py                               # default scenario on http://127.0.0.1:8080
    python run.py --port 0 --scenario expired-orders --store sqlite:sim.db
    python run.py validate scenarios/my.yaml    # exit 1 with the errors if invalid
"""

from __future__ import annotations

import argparse
import sys

from simulator import scenarios
from simulator.providers import PROVIDERS
from simulator.settings import Settings


def serve(args: argparse.Namespace) -> int:
    from simulator.app import create_app
    from simulator.serving import create_server

    settings = Settings.from_env(host=args.host, port=args.port, scenario=args.scenario,
                                 store=args.store, threads=args.threads)
    try:
        app = create_app(settings)
    except scenarios.ScenarioError as exc:
        print(f"cannot load the scenario:\n{exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    server = create_server(app, host=settings.host, port=settings.port, threads=settings.threads)
    box = app.extensions["sandbox"]
    base = f"http://{settings.host}:{server.effective_port}"
    print(f"Payment sandbox simulator listening on {base}", flush=True)
    print(f"  scenario {box.scenario.name!r} from {box.scenario.source}: "
          f"{box.run.count()} orders, {len(list(box.merchants))} merchants; store {settings.store}")
    print(f"  providers: " + ", ".join(f"{name} ({base}/{name} or {base})" for name in PROVIDERS))
    print(f"  control API: {base}/_sim/health", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


def validate(args: argparse.Namespace) -> int:
    try:
        scenario = scenarios.load(args.scenario, PROVIDERS)
    except scenarios.ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    generated = sum(s.get("count", 1) for s in scenario.orders)
    print(f"{scenario.source}: ok — {scenario.name!r}, {len(list(scenario.merchants))} merchants, "
          f"{generated} orders, {len(scenario.faults)} faults")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None,
                        help="port to listen on (default 8080; 0 picks a free port and prints it)")
    parser.add_argument("--scenario", default=None,
                        help="bundled scenario name (see scenarios/) or a path to a YAML file "
                             "(default: default)")
    parser.add_argument("--store", default=None,
                        help="'memory' (default) or 'sqlite:PATH'; with a file, a restart keeps "
                             "every order and its history")
    parser.add_argument("--threads", type=int, default=None, help="worker threads (default 16)")
    sub = parser.add_subparsers(dest="command", metavar="{validate}")
    check = sub.add_parser("validate", help="check a scenario file; exit 1 with its errors")
    check.add_argument("scenario", help="bundled scenario name or a path to a YAML file")
    args = parser.parse_args(argv)
    return validate(args) if args.command == "validate" else serve(args)


if __name__ == "__main__":
    sys.exit(main())
