"""Pivot callbacks: `PAYMENT.<STATUS>` with the session object and the static X-API-Key;
no callback for an API cancel by default; retries only on 5xx/408/429 (§8)."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.merchants import MerchantDirectory

from simulator.receiver import eventually
from .conftest import QR_ACTION_SESSION, SAMPLE_SESSION, get_token

CALLBACK_KEY = "cbk_sim_0001"


@pytest.mark.parametrize("event, status", [
    ("pay", "PAID"), ("process", "PROCESSING"), ("expire", "EXPIRED"), ("customer_cancel", "CANCELLED")])
def test_status_changes_send_callbacks_with_the_api_key(notified, event, status):
    assert notified.client.post(f"/_sim/orders/pivot/{QR_ACTION_SESSION}/{event}").status_code == 200
    [received] = notified.receiver.wait_for(1)
    assert received.headers["X-API-Key"] == CALLBACK_KEY
    body = received.json()
    assert body["event"] == f"PAYMENT.{status}"
    assert body["data"]["id"] == QR_ACTION_SESSION and body["data"]["status"] == status


def test_an_api_cancel_sends_no_callback(notified):
    token = get_token(notified.client)
    answer = notified.client.post(f"/v2/payments/{SAMPLE_SESSION}/cancel", json={"cancellationReason": "VOID_SESSION"},
                                  headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    assert notified.sandbox.webhooks.query() == [] and notified.receiver.requests == []


@pytest.mark.parametrize("replies, attempts, status", [
    ([500, 429, 408], 4, "delivered"),
    ([400], 1, "failed"),
])
def test_only_5xx_408_and_429_are_retried(notified, replies, attempts, status):
    notified.receiver.replies = list(replies)
    notified.client.post(f"/_sim/orders/pivot/{QR_ACTION_SESSION}/pay")
    [delivery] = eventually(lambda: [d for d in notified.sandbox.webhooks.query() if d["status"] != "pending"])
    assert delivery["status"] == status and len(delivery["attempts"]) == attempts


def test_a_merchant_may_opt_in_to_api_cancel_callbacks(notified):
    box = notified.sandbox
    box.replace_merchants(MerchantDirectory(
        dataclasses.replace(m, features={**m.features, "api_cancel_callback": True})
        if m.provider == "pivot" else m for m in box.merchants))
    token = get_token(notified.client)
    notified.client.post(f"/v2/payments/{SAMPLE_SESSION}/cancel", json={"cancellationReason": "VOID_SESSION"},
                         headers={"Authorization": f"Bearer {token}"})
    [received] = notified.receiver.wait_for(1)
    assert received.json()["event"] == "PAYMENT.CANCELLED"
    assert received.json()["data"]["cancellationReason"] == "VOID_SESSION"
