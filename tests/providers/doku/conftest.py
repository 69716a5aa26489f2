"""DOKU tests run on the default scenario with the clock frozen at its start, so signed
Request-Timestamps are stable."""

import pytest

from .client import NOW


@pytest.fixture(autouse=True)
def frozen_clock(client):
    assert client.post("/_sim/clock", json={"set": NOW, "frozen": True}).status_code == 200
