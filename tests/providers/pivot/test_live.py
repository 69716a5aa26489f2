"""Pivot over a real socket (waitress, as `python run.py` serves it): token, cancel, status,
and a body over the limit."""

from __future__ import annotations

import requests

from .conftest import GRANT, SAMPLE_SESSION, TOKEN_HEADERS


def test_token_cancel_and_status_over_http(live_url):
    token = requests.post(f"{live_url}/pivot/v1/access-token", json=GRANT, headers=TOKEN_HEADERS,
                          timeout=5).json()["data"]["accessToken"]
    bearer = {"Authorization": f"Bearer {token}"}
    cancelled = requests.post(f"{live_url}/pivot/v2/payments/{SAMPLE_SESSION}/cancel", headers=bearer,
                              json={"cancellationReason": "REQUESTED_BY_CUSTOMER"}, timeout=5)
    assert cancelled.status_code == 200
    assert cancelled.json()["data"]["status"] == "CANCELLED"
    status = requests.get(f"{live_url}/v2/payments/{SAMPLE_SESSION}", headers=bearer, timeout=5)
    assert status.json()["data"]["cancelledAt"] == cancelled.json()["data"]["cancelledAt"]


def test_huge_body_over_http_gets_pivot_413(live_url):
    token = requests.post(f"{live_url}/v1/access-token", json=GRANT, headers=TOKEN_HEADERS,
                          timeout=5).json()["data"]["accessToken"]
    response = requests.post(f"{live_url}/v2/payments/{SAMPLE_SESSION}/cancel",
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type": "application/json"},
                             data=b'{"cancellationReason":"DUPLICATED","pad":"' + b"x" * (2 << 20) + b'"}',
                             timeout=10)
    assert response.status_code == 413
    assert response.json()["code"] == "api_validation_error"
    state = requests.get(f"{live_url}/_sim/orders/pivot/{SAMPLE_SESSION}", timeout=5).json()
    assert state["status"] == "REQUIRE_PAYMENT_METHOD"
