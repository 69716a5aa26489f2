"""Run-time settings: one frozen dataclass, fed by CLI flags and SIM_* environment variables.

Provider-specific behaviour belongs in scenarios (merchants' features), not here; these are
the knobs of the simulator process itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ONE_MIB = 1024 * 1024
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _bool(text: str) -> bool:
    word = text.strip().lower()
    if word not in TRUE + FALSE:
        raise ValueError("expected 1/0, true/false, yes/no or on/off")
    return word in TRUE


_PARSERS = {"int": int, "float": float, "bool": _bool}
_EXPECTED = {"int": "expected an integer", "float": "expected a number"}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    scenario: str = "default"          # a bundled scenario name or a path to a YAML file
    store: str = "memory"              # "memory", "sqlite:PATH", "lmdb:PATH" or "redis://HOST:PORT/DB"
    store_durable: bool = True         # a store file's commits are waited onto the disk (off for
                                       # the private file of --workers: store/sqlite.py, store/lmdb.py)
    workers: int = 1                   # processes serving the port (they share the store)
    fresh: bool = False                # discard a run the store already holds; load the scenario
    journal_cap: int = 5000            # newest N request/response pairs kept
    journal_body_cap: int = 16 * 1024  # bytes of each body kept in the journal
    max_body_bytes: int = ONE_MIB      # larger request bodies get the provider's 413/400
    threads: int = 16                  # waitress worker threads per process (the app runs one at a
                                       # time: simulator/gate.py; delayed calls wait side by side)
    pin_cores: bool = True             # each serving process keeps to one CPU core (serving.pin_to_core)
    connection_limit: int = 1000       # open connections per process (idle ones included)
    idle_timeout: int = 30             # seconds before a connection with no request in progress is closed
    fault_hang_cap: float = 60         # seconds an injected `hang` may hold a connection
    fault_delay_cap: float = 60        # seconds an injected `delay` may last
    max_orders: int = 1_000_000        # orders one scenario may make (explicit and generated)
    max_scenario_bytes: int = ONE_MIB  # a scenario file read from disk
    scenario_dir: str = "scenarios"    # where POST /_sim/scenario {"name"} may read .yaml files
    webhook_time_scale: float = 1 / 3600   # real seconds per simulated second of retry delay
    webhook_timeout: float = 5.0       # seconds a merchant's notification endpoint may take
    webhook_workers: int = 4           # threads delivering notifications
    webhook_log_cap: int = 1000        # newest N deliveries kept in GET /_sim/webhooks
    webhook_poll_interval: float = 0.1  # seconds between looks for deliveries due (other processes')
    tenant_idle_timeout: float = 3600  # seconds a tenant may go unused before it is removed
    admin_token: str = ""              # when set, /_sim needs it (Bearer or the login cookie)
    insecure_control: bool = False     # allow a non-loopback host with /_sim open to all

    @classmethod
    def from_env(cls, environ=os.environ, **overrides) -> "Settings":
        """Defaults, then SIM_<FIELD> variables, then explicit overrides (CLI flags)."""
        values = {}
        for field in fields(cls):
            variable = f"SIM_{field.name.upper()}"
            raw = environ.get(variable)
            if raw is not None:
                try:
                    values[field.name] = _PARSERS.get(field.type, str)(raw)
                except ValueError as exc:
                    raise ValueError(f"{variable}={raw[:40]!r}: "
                                     f"{_EXPECTED.get(field.type) or exc}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
