"""Shared fixtures: an app on the default scenario with an in-memory store, its Flask test
client, its sandbox, a live server on 127.0.0.1 for socket-level tests, and `notified`: the
same app with every merchant's notification URL pointing at a local `Receiver`."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta, timezone

import pytest

from simulator.app import create_app
from simulator.merchants import MerchantDirectory
from simulator.providers import PROVIDERS
from simulator.scenarios import load
from simulator.settings import Settings

from .live import serve
from .redis_server import RedisServer
from .provider_contract import pytest_generate_tests  # noqa: F401  (parametrizes ProviderContract)
from simulator.receiver import Receiver


# The default scenario runs on wall time; tests pin it so times in bodies are exact.
TEST_CLOCK_START = datetime(2026, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.fixture(scope="session")
def default_scenario():
    return dataclasses.replace(load("default", PROVIDERS), clock_start=TEST_CLOCK_START)


@pytest.fixture
def app(default_scenario):
    return create_app(Settings(store="memory"), scenario=default_scenario)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sandbox(app):
    return app.extensions["sandbox"]


@pytest.fixture
def live_url(app):
    with serve(app) as url:
        yield url


# Retry delays compressed so that Pivot's whole 22-hour schedule takes about 80 ms.
FAST_WEBHOOKS = 1e-6


def with_notification_url(scenario, base_url: str):
    """`scenario` with every merchant notified at `<base_url>/hooks/<provider>`."""
    merchants = MerchantDirectory(dataclasses.replace(m, notification_url=f"{base_url}/hooks/{m.provider}")
                                  for m in scenario.merchants)
    return dataclasses.replace(scenario, merchants=merchants)


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@dataclasses.dataclass
class Notified:
    app: object
    client: object
    sandbox: object
    receiver: Receiver


@pytest.fixture
def notified(default_scenario, receiver):
    """An app whose merchants are all notified at the receiver."""
    app = create_app(Settings(store="memory", webhook_time_scale=FAST_WEBHOOKS),
                     scenario=with_notification_url(default_scenario, receiver.url))
    sandbox = app.extensions["sandbox"]
    yield Notified(app, app.test_client(), sandbox, receiver)
    sandbox.webhooks.stop()


def skip_unless_required(reason: str) -> None:
    """Skip a test whose real service (redis-server, node, chromium) is missing, with the
    reason; fail instead under `.ci/run`, which sets SIM_REQUIRE_REAL_SERVICES: CI must run it."""
    if os.environ.get("SIM_REQUIRE_REAL_SERVICES"):
        pytest.fail(f"{reason} (SIM_REQUIRE_REAL_SERVICES is set: CI must run this test)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server for the session (skips the test, with why, when none can start)."""
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except RuntimeError as exc:
        skip_unless_required(str(exc))
    yield server
    server.stop()


@pytest.fixture
def store_fails_once(sandbox, monkeypatch):
    """The store refuses the next compare-and-set ("database is locked"), then works."""
    import sqlite3
    real, calls = sandbox.run.compare_and_set, []

    def locked_once(old, new):
        calls.append(old.order_id)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real(old, new)

    monkeypatch.setattr(sandbox.run, "compare_and_set", locked_once)
    return calls
