"""pytest plugin: a payment sandbox for a merchant's own test suite.

Installing the package registers it (entry point `pytest11`); nothing else to configure.

    def test_cancel(payment_sandbox):
        gateway = Midtrans(payment_sandbox.url("midtrans"),
                           **payment_sandbox.credentials("midtrans"))
        ...
        assert payment_sandbox.client.order("midtrans", "ORDER-1")["status"] == "cancel"

    @pytest.mark.payment_sandbox_scenario("expired-orders")   # or a path to a YAML file
    def test_expiry(payment_sandbox): ...

By default the simulator runs in the test process on 127.0.0.1 and a free port: one server
per scenario, started the first time a test asks for it and stopped at the end of the
session (webhook dispatchers with it). The store is in memory and notification retries are
compressed (`FAST_WEBHOOKS`).

Against a shared server (`PAYMENT_SANDBOX_URL=http://sim:8080` or
`--payment-sandbox-url`), nothing starts here: each pytest process (each pytest-xdist
worker) makes its own tenant on that server, switches it to the test's scenario when that
changes, and deletes it at the end of the session. `PAYMENT_SANDBOX_TOKEN` is sent as the
Bearer token when the server asks for one (`SIM_ADMIN_TOKEN`).

Either way, before each test its scenario is back at its initial state — orders, clock,
faults, journal, deliveries — so no test sees another's changes, and the fixture's API
(`url`, `credentials`, `client`, `base_url`, `scenario`) is the same.

Every fixture here is named `payment_sandbox…`, so it never clashes with a project's own
`app`, `client` or `sandbox` fixtures.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import pytest

from .app import create_app
from .client import SandboxClient
from .providers import PROVIDERS
from .scenarios import Scenario, load
from .serving import BackgroundServer
from .settings import Settings

MARKER = "payment_sandbox_scenario"
URL_OPTION, URL_ENV, TOKEN_ENV = "--payment-sandbox-url", "PAYMENT_SANDBOX_URL", "PAYMENT_SANDBOX_TOKEN"
DEFAULT_SCENARIO = "default"
# real seconds per simulated second of retry delay: Pivot's 22-hour schedule in ~80 ms
FAST_WEBHOOKS = 1e-6


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(URL_OPTION, default=None, metavar="URL",
                     help="run payment_sandbox tests in a tenant of this running simulator instead "
                          f"of one started in-process (default: ${URL_ENV})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(name_or_path): run the test (or module, via pytestmark) against this "
                   "scenario of the payment_sandbox fixture: a bundled name or a YAML path "
                   "relative to the test file")


class SandboxView:
    """A simulator as a test sees it: `base_url`, `url(provider)`, the scenario's
    `credentials`, and `client` (the `/_sim` control API)."""

    scenario: Scenario
    base_url: str
    client: SandboxClient

    def url(self, provider: str) -> str:
        """The provider's base URL, e.g. `http://127.0.0.1:PORT/midtrans`."""
        if provider not in PROVIDERS:
            raise KeyError(f"{provider!r} is not a provider; expected one of {', '.join(sorted(PROVIDERS))}")
        return f"{self.base_url}/{provider}"

    def credentials(self, provider: str, merchant: str | None = None) -> dict[str, Any]:
        """The credentials of the scenario's merchant for `provider`: the one with id
        `merchant`, or the provider's first merchant in the scenario."""
        merchants = self.scenario.merchants.for_provider(provider)
        chosen = [m for m in merchants if merchant is None or m.id == merchant][:1]
        if not chosen:
            raise KeyError(f"scenario {self.scenario.name!r} has no {provider} merchant"
                           + (f" {merchant!r}; it has {', '.join(m.id for m in merchants)}" if merchant else ""))
        return dict(chosen[0].credentials)


class PaymentSandbox(SandboxView):
    """A simulator of one scenario, served from this process."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.app = create_app(Settings(store="memory", webhook_time_scale=FAST_WEBHOOKS), scenario=scenario)
        self._loaded_epoch = self.app.extensions["sandbox"].meta().scenario_epoch
        self._server = BackgroundServer(self.app).start()
        self.base_url = self._server.url
        self.client = SandboxClient(self.base_url)

    def restore(self) -> None:
        """Back to the scenario's initial state: a reset (a restore of the orders made at
        load) while the scenario is still the one loaded; a fresh load when a test loaded
        another scenario or edited merchants through /_sim."""
        box = self.app.extensions["sandbox"]
        if box.meta().scenario_epoch == self._loaded_epoch:
            box.reset()
        else:
            box.load(self.scenario)
            self._loaded_epoch = box.meta().scenario_epoch

    def stop(self) -> None:
        self.client.close()
        self._server.stop()
        self.app.extensions["sandbox"].webhooks.stop()


class RemoteSandbox(SandboxView):
    """This pytest process's tenant on a shared simulator; it holds one scenario at a time."""

    def __init__(self, server_url: str, token: str | None):
        self._server = SandboxClient(server_url, token=token)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        tenant = self._server.create_tenant(f"pytest-{worker}-{secrets.token_hex(4)}")
        self.tenant, self.base_url = tenant["name"], tenant["base_url"]
        self.client = SandboxClient(self.base_url, token=token)
        self.scenario, self._name_or_path, self._version = None, None, None

    def use(self, name_or_path: str) -> "RemoteSandbox":
        """Back at `name_or_path`'s initial state: a reset while the tenant still holds that
        scenario unchanged (the server says so by its scenario_version), else a load."""
        if name_or_path == self._name_or_path:
            if self.client.reset()["scenario_version"] == self._version:
                return self
        else:
            self.scenario = load(name_or_path, PROVIDERS)
        path = Path(name_or_path)
        if path.suffix in (".yaml", ".yml"):        # the test's own file: send its text
            loaded = self.client.load_scenario(path.read_text(encoding="utf-8"))
        else:
            loaded = self.client.load_scenario(name_or_path)
        self._name_or_path, self._version = name_or_path, loaded["scenario_version"]
        return self

    def stop(self) -> None:
        try:
            self._server.delete_tenant(self.tenant)
        finally:
            self.client.close()
            self._server.close()


class SandboxPool:
    """The session's running sandboxes, one per scenario, started on first use."""

    def __init__(self):
        self._running: dict[str, PaymentSandbox] = {}

    def get(self, name_or_path: str) -> PaymentSandbox:
        if name_or_path not in self._running:
            self._running[name_or_path] = PaymentSandbox(load(name_or_path, PROVIDERS))
        sandbox = self._running[name_or_path]
        sandbox.restore()
        return sandbox

    def stop_all(self) -> None:
        for running in self._running.values():
            running.stop()
        self._running.clear()


class TenantPool:
    """The session's one tenant on a shared server, made on first use."""

    def __init__(self, server_url: str, token: str | None):
        self.server_url, self.token = server_url, token
        self._tenant: RemoteSandbox | None = None

    def get(self, name_or_path: str) -> RemoteSandbox:
        if self._tenant is None:
            self._tenant = RemoteSandbox(self.server_url, self.token)
        return self._tenant.use(name_or_path)

    def stop_all(self) -> None:
        if self._tenant is not None:
            self._tenant.stop()
            self._tenant = None


@pytest.fixture(scope="session")
def payment_sandbox_pool(pytestconfig: pytest.Config):
    server_url = pytestconfig.getoption(URL_OPTION) or os.environ.get(URL_ENV)
    pool = TenantPool(server_url, os.environ.get(TOKEN_ENV)) if server_url else SandboxPool()
    yield pool
    pool.stop_all()


@pytest.fixture
def payment_sandbox_scenario(request: pytest.FixtureRequest) -> str:
    """The scenario this test runs against: the closest `payment_sandbox_scenario` marker
    (a bundled name, or a YAML path relative to the test file), else `default`."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return DEFAULT_SCENARIO
    name_or_path = str(marker.args[0])
    if name_or_path.endswith((".yaml", ".yml")):
        return str((Path(request.node.path).parent / name_or_path).resolve())
    return name_or_path


@pytest.fixture
def payment_sandbox(payment_sandbox_pool, payment_sandbox_scenario: str) -> SandboxView:
    """The simulator for this test, freshly back at its scenario's initial state."""
    return payment_sandbox_pool.get(payment_sandbox_scenario)
