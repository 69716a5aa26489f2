"""Request-Id idempotency on Cancel Order: a retry after a first attempt that died is
processed, never answered "still being processed" (409 idempotent_request)."""

from __future__ import annotations

from .client import cancel, sim_order


def test_a_failed_first_attempt_never_blocks_its_retry(client, store_fails_once):
    first = cancel(client, "DK-VA-BCA-PENDING", request_id="retry-after-failure")
    assert first.status_code == 500
    retry = cancel(client, "DK-VA-BCA-PENDING", request_id="retry-after-failure")
    assert retry.status_code == 200, retry.get_json()
    assert retry.get_json()["response"]["order"]["status"] == "CANCELLED"
    assert sim_order(client, "DK-VA-BCA-PENDING")["status"] == "CANCELLED"


def test_a_fault_firing_mid_call_releases_the_request_id(client):
    fault = {"provider": "doku", "endpoint": "cancel", "order_id": "DK-VA-BCA-PENDING",
             "action": "status", "status": 503, "times": 1}
    assert client.post("/_sim/faults", json=fault).status_code == 201
    first = cancel(client, "DK-VA-BCA-PENDING", request_id="retry-after-503")
    assert first.status_code == 503
    retry = cancel(client, "DK-VA-BCA-PENDING", request_id="retry-after-503")
    assert retry.status_code == 200, retry.get_json()
    again = cancel(client, "DK-VA-BCA-PENDING", request_id="retry-after-503")
    assert again.status_code == 409 and again.get_json() == retry.get_json()
