"""Shared fixtures: an app on the default scenario with an in-memory store, its Flask test
client, its sandbox, and a live server on 127.0.0.1 for socket-level tests."""

from __future__ import annotations

import pytest

from simulator.app import create_app
from simulator.providers import PROVIDERS
from simulator.scenarios import load
from simulator.settings import Settings

from .live import serve


@pytest.fixture(scope="session")
def default_scenario():
    return load("default", PROVIDERS)


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
