"""Midtrans notification builder: status codes per event, the sheet's signature, and the
retry table by reply code (fact sheet §8, §11)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from simulator.providers.midtrans import notify

from .conftest import SERVER_KEY, basic


def signature_key(body: dict) -> str:
    return hashlib.sha512((body["order_id"] + body["status_code"] + body["gross_amount"]
                           + SERVER_KEY).encode()).hexdigest()


@pytest.mark.parametrize("order_id, event, status, code", [
    ("MT-VA-BCA-PENDING", "pay", "settlement", "200"),
    ("MT-VA-BCA-PENDING", "expire", "expire", "202"),
    ("MT-VA-BCA-PENDING", "fail", "failure", "202"),
    ("MT-VA-BCA-PENDING", "deny", "deny", "202"),
    ("MT-VA-BCA-SETTLEMENT", "refund", "refund", "200"),
])
def test_every_status_change_notifies_with_its_status_code(notified, order_id, event, status, code):
    assert notified.client.post(f"/_sim/orders/midtrans/{order_id}/{event}").status_code == 200
    [received] = notified.receiver.wait_for(1)
    body = received.json()
    assert (body["transaction_status"], body["status_code"]) == (status, code)
    assert body["signature_key"] == signature_key(body)
    assert body["order_id"] == order_id and body["gross_amount"] == "100000.00"


def test_the_cancel_body_is_compact_json_with_the_sheet_fields(notified):
    notified.client.post("/v2/sim-order-1001/cancel", headers=basic(SERVER_KEY))
    [received] = notified.receiver.wait_for(1)
    body = received.json()
    assert received.body == json.dumps(body, separators=(",", ":")).encode()
    for name in ("transaction_time", "transaction_id", "payment_type", "merchant_id", "currency",
                 "fraud_status", "va_numbers"):
        assert name in body


@pytest.mark.parametrize("reply, retries", [
    (500, 1), (503, 4), (400, 2), (404, 2), (302, 0), (307, 0), (502, 5), (None, 5)])
def test_retries_by_reply_code(reply, retries):
    assert notify.RETRIES.retries(reply) == retries


def test_retry_spacing():
    assert [notify.RETRIES.delay(n) for n in range(1, 6)] == [
        timedelta(minutes=m) for m in (2, 10, 30, 90, 210)]
