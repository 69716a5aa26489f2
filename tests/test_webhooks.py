"""Notification delivery end to end, through Midtrans (the reference provider): a real
receiver on 127.0.0.1, retries, an unreachable receiver, per-order ordering, reset, and the
delivery-policy hook. Signatures are checked with hashlib here, not the simulator's code."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import socket
import time
from datetime import timedelta

import pytest

from simulator.app import create_app
from simulator.settings import Settings
from simulator.webhooks import DeliveryAction

from .conftest import FAST_WEBHOOKS, with_notification_url
from simulator.receiver import eventually

SERVER_KEY = "SB-Mid-server-SIMULATOR-KEY"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{SERVER_KEY}:".encode()).decode()}
# fact sheet §11: SHA-512("sim-order-1001" + "202" + "150000.00" + server key)
SHEET_CANCEL_SIGNATURE = ("583f8d237ec8a28c06d33c3f466381a71618a1f7075723661fae6de1b7949d3b"
                          "51e118b4ce2dd0774912a7758844ee9c95200f49e2ec9a9c5eba188505cd8ed4")


def midtrans_signature(body: dict) -> str:
    text = body["order_id"] + body["status_code"] + body["gross_amount"] + SERVER_KEY
    return hashlib.sha512(text.encode()).hexdigest()


def deliveries(client, **filters) -> list[dict]:
    return client.get("/_sim/webhooks", query_string=filters).get_json()["deliveries"]


def settled(client, count: int = 1) -> list[dict]:
    """Wait until `count` deliveries exist and none is pending."""
    def check():
        found = deliveries(client)
        return found if len(found) >= count and all(d["status"] != "pending" for d in found) else None
    return eventually(check)


def test_cancel_notifies_the_merchant_with_a_signed_body(notified):
    answer = notified.client.post("/v2/sim-order-1001/cancel", headers=AUTH)
    assert answer.get_json()["transaction_status"] == "cancel"
    [received] = notified.receiver.wait_for(1)
    body = received.json()
    assert received.path == "/hooks/midtrans"
    assert received.headers["User-Agent"] == "Veritrans"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["Accept"] == "application/json"
    assert body["transaction_status"] == "cancel"
    assert body["status_code"] == "202"
    assert body["status_message"] == "midtrans payment notification"
    assert body["signature_key"] == midtrans_signature(body) == SHEET_CANCEL_SIGNATURE
    [delivery] = settled(notified.client)
    assert delivery["status"] == "delivered" and delivery["event"] == "cancel"
    assert delivery["request"]["body"].encode() == received.body


def test_a_refused_cancel_sends_nothing(notified):
    notified.client.post("/v2/MT-VA-BCA-SETTLEMENT/cancel", headers=AUTH)
    time.sleep(0.05)
    assert notified.receiver.requests == [] and deliveries(notified.client) == []


def test_clock_expiry_notifies_with_status_code_202(notified):
    notified.client.post("/_sim/clock", json={"advance": "25h"})
    notified.client.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING")
    received = notified.receiver.wait_for(1)
    expired = [r.json() for r in received if r.json()["order_id"] == "MT-VA-BCA-PENDING"]
    assert expired[0]["transaction_status"] == "expire" and expired[0]["status_code"] == "202"
    assert expired[0]["signature_key"] == midtrans_signature(expired[0])


def test_a_receiver_failing_twice_is_retried_until_delivered(notified):
    notified.receiver.replies = [503, 503]   # Midtrans retries a 503 four times
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    [delivery] = settled(notified.client)
    assert delivery["status"] == "delivered"
    assert [a["status"] for a in delivery["attempts"]] == [503, 503, 200]
    assert len(notified.receiver.requests) == 3


def test_retries_follow_the_reply_code(notified):
    notified.receiver.replies = [500, 500, 500]   # Midtrans retries a 500 once
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    [delivery] = settled(notified.client)
    assert delivery["status"] == "failed"
    assert [a["status"] for a in delivery["attempts"]] == [500, 500]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_receiver_fails_after_the_schedule_without_blocking(default_scenario):
    scenario = with_notification_url(default_scenario, f"http://127.0.0.1:{closed_port()}")
    app = create_app(Settings(store="memory", webhook_time_scale=FAST_WEBHOOKS), scenario=scenario)
    client = app.test_client()
    try:
        started = time.perf_counter()
        answer = client.post("/v2/sim-order-1001/cancel", headers=AUTH)
        assert time.perf_counter() - started < 0.5
        assert answer.get_json()["status_code"] == "200"
        [delivery] = settled(client)
        assert delivery["status"] == "failed"
        assert len(delivery["attempts"]) == 6      # the first try and 5 retries
        assert all(a["status"] is None and a["error"] for a in delivery["attempts"])
    finally:
        app.extensions["sandbox"].webhooks.stop()


def test_notifications_for_one_order_arrive_in_order(notified):
    notified.receiver.replies = [503]        # the first one needs a retry; the second waits
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/refund")
    received = notified.receiver.wait_for(3)
    assert [r.json()["transaction_status"] for r in received] == ["settlement", "settlement", "refund"]


def test_merchants_without_a_notification_url_get_nothing(client, sandbox):
    client.post("/v2/sim-order-1001/cancel", headers=AUTH)
    assert sandbox.webhooks.query() == []


def test_reset_clears_pending_deliveries_and_the_log(default_scenario):
    scenario = with_notification_url(default_scenario, f"http://127.0.0.1:{closed_port()}")
    app = create_app(Settings(store="memory", webhook_time_scale=1.0), scenario=scenario)
    client = app.test_client()
    try:
        client.post("/v2/sim-order-1001/cancel", headers=AUTH)
        assert [d["status"] for d in deliveries(client)] == ["pending"]   # retry due in 2 s
        client.post("/_sim/reset")
        assert deliveries(client) == []
    finally:
        app.extensions["sandbox"].webhooks.stop()


@pytest.mark.parametrize("action, sent, statuses", [
    (DeliveryAction(copies=0), 0, ["dropped"]),
    (DeliveryAction(copies=2), 2, ["delivered", "delivered"]),
    (DeliveryAction(delay=timedelta(hours=1)), 1, ["delivered"]),
])
def test_the_delivery_policy_can_drop_duplicate_or_delay(notified, action, sent, statuses):
    notified.sandbox.webhooks.policy = lambda delivery: action
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    found = settled(notified.client, len(statuses))
    assert [d["status"] for d in found] == statuses
    time.sleep(0.02)
    assert len(notified.receiver.requests) == sent


def test_a_failing_builder_does_not_fail_the_provider_call(notified, monkeypatch):
    def broken(*args):
        raise KeyError("server_key")
    notifier = notified.sandbox.providers["midtrans"].notifier
    monkeypatch.setitem(notified.sandbox.providers, "midtrans",
                        dataclasses.replace(notified.sandbox.providers["midtrans"],
                                            notifier=dataclasses.replace(notifier, build=broken)))
    answer = notified.client.post("/v2/sim-order-1001/cancel", headers=AUTH)
    assert answer.get_json()["transaction_status"] == "cancel"
    assert deliveries(notified.client) == []


def test_the_time_scale_is_read_from_the_environment():
    settings = Settings.from_env({"SIM_WEBHOOK_TIME_SCALE": "0.001", "SIM_WEBHOOK_WORKERS": "2"})
    assert settings.webhook_time_scale == 0.001 and settings.webhook_workers == 2


def test_the_delivery_log_shows_the_provider_s_simulated_retry_times(notified):
    """Retries run compressed in real time, but each attempt says when the provider's schedule
    puts it on the simulator clock: Midtrans retries after 2 and then 10 more minutes."""
    notified.client.post("/_sim/clock", json={"set": "2026-01-15T10:00:00+07:00", "frozen": True})
    notified.receiver.replies = [503, 503]
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    [delivery] = settled(notified.client)
    scheduled = [a["scheduled_at"] for a in delivery["attempts"]]
    assert scheduled == ["2026-01-15T10:00:00+07:00", "2026-01-15T10:02:00+07:00", "2026-01-15T10:12:00+07:00"]
    assert [a.get("retry_in_seconds") for a in delivery["attempts"]] == [120, 600, None]
