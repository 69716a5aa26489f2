"""Shared fixtures: an app on the default scenario with an in-memory store, its Flask test
client, its sandbox, and a live server on 127.0.0.1 for socket-level tests."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from simulator.app import create_app
from simulator.providers import PROVIDERS
from simulator.scenarios import load
from simulator.settings import Settings

from .live import serve


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
