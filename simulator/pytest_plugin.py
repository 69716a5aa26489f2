"""pytest plugin: a payment sandbox for a merchant's own test suite.

Installing the package registers it (entry point `pytest11`); nothing else to configure.

    def test_cancel(payment_sandbox):
        gateway = Midtrans(payment_sandbox.url("midtrans"),
                           **payment_sandbox.credentials("midtrans"))
        ...
        assert payment_sandbox.client.order("midtrans", "ORDER-1")["status"] == "cancel"

    @pytest.mark.payment_sandbox_scenario("expired-orders")   # or a path to a YAML file
    def test_expiry(payment_sandbox): ...

The simulator runs in the test process on 127.0.0.1 and a free port: one server per
scenario, started the first time a test asks for it and stopped at the end of the session
(webhook dispatchers with it). Before each test its scenario is loaded afresh — orders,
clock, faults, journal, deliveries — so no test sees another's changes. The store is in
memory and notification retries are compressed (`FAST_WEBHOOKS`).

Every fixture here is named `payment_sandbox…`, so it never clashes with a project's own
`app`, `client` or `sandbox` fixtures.
"""

from __future__ import annotations

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
DEFAULT_SCENARIO = "default"
# real seconds per simulated second of retry delay: Pivot's 22-hour schedule in ~80 ms
FAST_WEBHOOKS = 1e-6


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(name_or_path): run the test (or module, via pytestmark) against this "
                   "scenario of the payment_sandbox fixture: a bundled name or a YAML path "
                   "relative to the test file")


class PaymentSandbox:
    """One running simulator, as a test sees it: URLs, the scenario's credentials, the
    control client."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.app = create_app(Settings(store="memory", webhook_time_scale=FAST_WEBHOOKS), scenario=scenario)
        self._loaded_epoch = self.app.extensions["sandbox"].meta().scenario_epoch
        self._server = BackgroundServer(self.app).start()
        self.base_url = self._server.url
        self.client = SandboxClient(self.base_url)

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


class SandboxPool:
    """The session's running sandboxes, one per scenario, started on first use."""

    def __init__(self):
        self._running: dict[str, PaymentSandbox] = {}

    def get(self, name_or_path: str) -> PaymentSandbox:
        if name_or_path not in self._running:
            self._running[name_or_path] = PaymentSandbox(load(name_or_path, PROVIDERS))
        return self._running[name_or_path]

    def stop_all(self) -> None:
        for running in self._running.values():
            running.stop()
        self._running.clear()


@pytest.fixture(scope="session")
def payment_sandbox_pool():
    pool = SandboxPool()
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
def payment_sandbox(payment_sandbox_pool: SandboxPool, payment_sandbox_scenario: str) -> PaymentSandbox:
    """The simulator for this test, freshly back at its scenario's initial state."""
    sandbox = payment_sandbox_pool.get(payment_sandbox_scenario)
    sandbox.restore()
    return sandbox
