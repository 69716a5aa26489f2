"""Helpers for Finpay tests: Basic credentials built here from the sheet's test merchant
(not with the simulator's code), calls to both endpoints, and order reads through /_sim."""

from __future__ import annotations

import base64
import uuid

import pytest

MERCHANT_ID = "FNPSIM01"
MERCHANT_KEY = "SIMKEY123"
CANCEL = "/pg/payment/card/cancel/"
CHECK = "/pg/payment/card/check/"
MOUNTS = ("", "/finpay")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


GOOD_AUTH = {"Authorization": basic(MERCHANT_ID, MERCHANT_KEY), "Accept": "application/json"}


def assert_envelope(response, http_status: int, code: str, message: str | None = None) -> dict:
    """The Finpay envelope: exact HTTP status and responseCode, message, a float
    processingTime and a UUID traceId. Returns the body."""
    assert response.status_code == http_status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["responseCode"] == code, body
    assert isinstance(body["responseMessage"], str) and body["responseMessage"]
    if message is not None:
        assert body["responseMessage"] == message or body["responseMessage"].startswith(message + ". "), body
    assert isinstance(body["processingTime"], float) and body["processingTime"] > 0
    uuid.UUID(body["traceId"])
    assert code[:3] == str(http_status)
    return body


@pytest.fixture
def finpay(client):
    return FinpayCalls(client)


class FinpayCalls:
    def __init__(self, client):
        self.client = client

    def cancel(self, order_id: str, mount: str = "", headers=None, **kwargs):
        return self.client.get(f"{mount}{CANCEL}{order_id}",
                               headers=GOOD_AUTH if headers is None else headers, **kwargs)

    def check(self, order_id: str, mount: str = "", headers=None, **kwargs):
        return self.client.get(f"{mount}{CHECK}{order_id}",
                               headers=GOOD_AUTH if headers is None else headers, **kwargs)

    def order(self, order_id: str) -> dict:
        response = self.client.get(f"/_sim/orders/finpay/{order_id}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def create(self, status: str, channel: str | None, amount: int = 100000) -> str:
        spec = {"provider": "finpay", "amount": amount, "status": status}
        if channel is not None:
            spec["channel"] = channel
        response = self.client.post("/_sim/orders", json=spec)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["order_id"]

    def event(self, order_id: str, event: str):
        return self.client.post(f"/_sim/orders/finpay/{order_id}/{event}")

    def last_journal(self) -> dict:
        return self.client.get("/_sim/journal?provider=finpay&limit=1").get_json()["entries"][-1]
