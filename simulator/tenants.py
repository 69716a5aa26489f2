"""Tenants: many separate simulators behind one server, one per CI job or pytest-xdist
worker, the way moto and LocalStack separate accounts.

A tenant's base URL is `<server>/t/<name>`: under it every provider path, the `/_sim`
control API, the dashboard and the payer pages work as at the root, and see only that
tenant's run (orders, clock, faults, journal, webhooks, scenario). The root is the default
tenant, which always exists and is never in the registry.

- `TenantPaths` (WSGI middleware) moves `/t/<name>` from the path into SCRIPT_NAME, so the
  app routes as at the root and every URL it builds (`url_for`, `own_url`) keeps the prefix.
- `Tenants` is this process's view: the registry lives in the store (it works with
  `--workers N` and Redis); this process only keeps one `Sandbox` object per tenant, made
  on first use and re-made when the registry says the tenant was created again.
- A tenant not used for `tenant_idle_timeout` seconds is removed with all its state (the
  next request to it, a listing, a creation, or a periodic sweep notices), so a crashed CI
  job leaks nothing forever.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from typing import Mapping

from .sandbox import Sandbox
from .scenarios import Scenario
from .settings import Settings
from .store import DEFAULT_TENANT, Store, TenantRecord
from .webhooks import Dispatcher

NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
PREFIX = "/t/"
TENANT_KEY = "simulator.tenant"        # environ: the tenant named by the path, if any
ROOT_KEY = "simulator.root"            # environ: SCRIPT_NAME before the tenant prefix
TOUCH_EVERY = 5.0                      # seconds: how stale a tenant's last_seen may get
SWEEP_EVERY = 60.0                     # seconds between this process's idle sweeps


class TenantPaths:
    """WSGI middleware: `/t/<name>/rest` → SCRIPT_NAME += `/t/<name>`, PATH_INFO = `/rest`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        script = environ.get("SCRIPT_NAME", "")
        environ[ROOT_KEY] = script
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            name, _, rest = path[len(PREFIX):].partition("/")
            environ[TENANT_KEY] = name
            environ["SCRIPT_NAME"] = f"{script}{PREFIX}{name}"
            environ["PATH_INFO"] = f"/{rest}"
        return self.app(environ, start_response)


class TenantError(ValueError):
    """A tenant cannot be made or found; `status` is the HTTP answer (400, 404, 409)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class Tenants:
    def __init__(self, settings: Settings, providers: Mapping[str, object], store: Store):
        self.settings, self.providers, self.store = settings, providers, store
        self.dispatcher = Dispatcher(settings, store,
                                     lambda provider: providers[provider].notifier.retries,
                                     lambda tenant: self.sandbox(tenant).clock)
        self._sandboxes: dict[str, tuple[float | None, Sandbox]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0
        self.default = self.sandbox(DEFAULT_TENANT)

    # -- this process's sandboxes ------------------------------------------------------------
    def sandbox(self, name: str, created: float | None = None) -> Sandbox:
        """The Sandbox object of tenant `name` (its state is in the store, not here)."""
        cached = self._sandboxes.get(name)
        if cached is not None and (created is None or cached[0] == created):
            return cached[1]
        with self._lock:
            cached = self._sandboxes.get(name)
            if cached is None or (created is not None and cached[0] != created):
                cached = (created, Sandbox(self.settings, self.providers, self.store, name,
                                           dispatcher=self.dispatcher))
                self._sandboxes[name] = cached
            return cached[1]

    def for_request(self, name: str | None) -> Sandbox | None:
        """The sandbox a request's path names, or None when it names no live tenant."""
        if name is None:
            return self.default
        record = self.store.tenant(name) if NAME.fullmatch(name) else None
        if record is None:
            return None
        now = time.time()
        if now - record.last_seen > self.settings.tenant_idle_timeout:
            self.remove(name)
            return None
        if now - record.last_seen > TOUCH_EVERY:
            self.store.tenant_touch(name, now)
        box = self.sandbox(name, record.created)
        return box if box.join() else None

    # -- the registry ---------------------------------------------------------------------------
    def create(self, name: str | None, scenario: Scenario) -> str:
        """Register a tenant and load `scenario` into it (a checked Scenario: nothing is left
        half-made if loading fails). TenantError 400 for a bad name, 409 for a taken one."""
        self.sweep(force=True)
        if name is None:
            name = f"t-{secrets.token_hex(6)}"
        elif not isinstance(name, str) or not NAME.fullmatch(name):
            raise TenantError(f"name: {name!r} is not a tenant name; expected 1-64 of "
                              "A-Z a-z 0-9 _ -", 400)
        if name == DEFAULT_TENANT or not self.store.tenant_add(name, time.time()):
            raise TenantError(f"name: tenant {name!r} already exists", 409)
        try:
            record = self.store.tenant(name)
            self.sandbox(name, record.created if record else None).load(scenario)
        except BaseException:
            self.remove(name)
            raise
        return name

    def remove(self, name: str) -> bool:
        removed = self.store.tenant_remove(name)
        with self._lock:
            self._sandboxes.pop(name, None)
        return removed

    def list(self) -> list[TenantRecord]:
        self.sweep(force=True)
        return self.store.tenants()

    def sweep(self, force: bool = False) -> list[str]:
        """Remove every tenant idle for longer than the timeout (at most once a minute per
        process unless forced); the names removed."""
        now = time.time()
        if not force and now < self._next_sweep:
            return []
        self._next_sweep = now + SWEEP_EVERY
        idle = [t.name for t in self.store.tenants()
                if now - t.last_seen > self.settings.tenant_idle_timeout]
        return [name for name in idle if self.remove(name)]
