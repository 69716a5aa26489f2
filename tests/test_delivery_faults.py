"""Delivery faults: `endpoint: webhook` faults drop, duplicate or delay notifications,
through the same fault mechanism (and /_sim/faults) as faults on provider calls."""

import time

import pytest

from simulator.receiver import eventually
from .test_webhooks import AUTH, deliveries, settled


def _add(client, **fault):
    response = client.post("/_sim/faults", json=fault)
    assert response.status_code == 201, response.get_json()


def test_drop_sends_nothing_and_the_log_says_why(notified):
    _add(notified.client, id="lose-it", provider="midtrans", endpoint="webhook", action="drop", times=1)

    notified.client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH)
    notified.client.post("/v2/MT-VA-BNI-PENDING/cancel", headers=AUTH)

    [received] = notified.receiver.wait_for(1)
    assert received.json()["order_id"] == "MT-VA-BNI-PENDING"
    dropped = deliveries(notified.client, order_id="MT-VA-BCA-PENDING")
    assert [(d["status"], d["fault"]["id"], d["attempts"]) for d in dropped] == [("dropped", "lose-it", [])]


def test_duplicate_sends_the_same_bytes_again(notified):
    _add(notified.client, provider="midtrans", endpoint="webhook", order_id="MT-QRIS-PENDING",
         action="duplicate", copies=3)

    notified.client.post("/v2/MT-QRIS-PENDING/cancel", headers=AUTH)

    received = notified.receiver.wait_for(3)
    assert len({r.body for r in received}) == 1
    log = settled(notified.client, 3)
    assert sorted(d["status"] for d in log) == ["delivered"] * 3
    first = min(log, key=lambda d: d["id"])
    assert first["fault"]["copies"] == 3
    assert {d["redelivery_of"] for d in log if d is not first} == {first["id"]}


def test_delay_holds_the_delivery_in_simulated_time(notified):
    _add(notified.client, provider="midtrans", endpoint="webhook", action="delay", delay="100h")

    notified.client.post("/v2/MT-GOPAY-PENDING/cancel", headers=AUTH)

    time.sleep(0.1)     # 100 simulated hours at the tests' time scale is 0.36 s of real time
    assert notified.receiver.requests == []
    notified.receiver.wait_for(1)
    assert deliveries(notified.client)[0]["fault"]["delay_ms"] == 100 * 3600 * 1000


def test_webhook_faults_never_touch_provider_calls_and_call_faults_never_touch_deliveries(notified):
    _add(notified.client, endpoint="webhook", action="drop")
    _add(notified.client, provider="midtrans", endpoint="status", action="status", status=503)

    cancel = notified.client.post("/v2/MT-VA-BRI-PENDING/cancel", headers=AUTH)

    assert cancel.status_code == 200 and cancel.get_json()["status_code"] == "200"
    eventually(lambda: deliveries(notified.client))
    assert deliveries(notified.client)[0]["status"] == "dropped"


@pytest.mark.parametrize("fault, field, text", [
    ({"endpoint": "webhook", "action": "reset"}, "action", "does not apply to notification deliveries"),
    ({"provider": "midtrans", "action": "drop"}, "action", "add endpoint: webhook"),
    ({"endpoint": "webhook", "action": "duplicate", "copies": 1}, "copies", "expected an integer 2..100"),
    ({"endpoint": "webhook", "action": "drop", "method": "POST"}, "method", "always POST"),
])
def test_bad_delivery_faults_are_400_naming_the_field(client, fault, field, text):
    response = client.post("/_sim/faults", json=fault)

    assert response.status_code == 400
    assert text in response.get_json()["error"]
    assert response.get_json()["error"].startswith(field)
