"""Midtrans test helpers: the default scenario's server key as a Basic header."""

import base64

import pytest

SERVER_KEY = "SB-Mid-server-SIMULATOR-KEY"


def basic(server_key: str) -> dict:
    token = base64.b64encode(f"{server_key}:".encode()).decode()
    return {"Authorization": f"Basic {token}", "Accept": "application/json",
            "Content-Type": "application/json"}


@pytest.fixture
def auth():
    return basic(SERVER_KEY)


@pytest.fixture
def order_status(client):
    """The stored status of a Midtrans order, read through the control API."""
    def read(order_id: str) -> str:
        return client.get(f"/_sim/orders/midtrans/{order_id}").get_json()["status"]
    return read
