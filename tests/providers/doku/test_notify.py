"""DOKU HTTP Notification: the fact sheet's notification vector reproduced by the builder,
a delivered notification verified with this test's own HMAC code, and the events that send
nothing (§2, §8)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from simulator.orders import Transition
from simulator.providers.doku import notify

from .client import CLIENT_ID, NOW, SECRET, sign, string_to_sign

VECTOR_BODY = (b'{"order":{"invoice_number":"INV-20260513-0001","amount":150000},"transaction":'
               b'{"status":"SUCCESS","date":"2026-05-13T02:20:00Z","original_request_id":'
               b'"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"service":{"id":"VIRTUAL_ACCOUNT"},'
               b'"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"}}')
VECTOR_REQUEST_ID = "479b663f-5c9d-400d-8e80-3e548a8f7639"


class FixedIds:
    def uuid4(self) -> str:
        return VECTOR_REQUEST_ID


def test_the_builder_reproduces_the_sheet_notification_vector(sandbox):
    order = sandbox.book.find("doku", "INV-20260513-0001")
    paid = dataclasses.replace(order, status="SUCCESS")
    at = datetime(2026, 5, 13, 2, 20, 0, tzinfo=timezone.utc)
    transition = Transition(at, "pay", "PENDING", "SUCCESS", "control")
    merchant = sandbox.merchants.get("doku", CLIENT_ID)
    sent = notify.build(paid, transition, merchant, "https://merchant.example/webhooks/doku?x=1",
                        datetime(2026, 5, 13, 2, 20, 1, tzinfo=timezone.utc), FixedIds())
    assert sent.body == VECTOR_BODY
    assert sent.headers["Request-Id"] == VECTOR_REQUEST_ID
    assert sent.headers["Request-Timestamp"] == "2026-05-13T02:20:01Z"
    assert sent.headers["Signature"] == "HMACSHA256=FDO1F/4dFEUN4wgt0JcRJNAclt9sh5JhSyDnzGE52bw="


@pytest.mark.parametrize("event, status", [("pay", "SUCCESS"), ("fail", "FAILED")])
def test_payment_outcomes_are_notified_and_signed_over_the_sent_bytes(notified, event, status):
    notified.client.post("/_sim/clock", json={"set": NOW, "frozen": True})
    notified.client.post(f"/_sim/orders/doku/DK-VA-BCA-PENDING/{event}")
    [received] = notified.receiver.wait_for(1)
    headers = {k.lower(): v for k, v in received.headers.items()}
    assert headers["client-id"] == CLIENT_ID
    assert headers["request-timestamp"] == NOW
    text = string_to_sign(CLIENT_ID, headers["request-id"], NOW, "/hooks/doku", received.body)
    assert headers["signature"] == sign(SECRET, text)
    body = received.json()
    assert body["transaction"]["status"] == status
    assert body["order"]["invoice_number"] == "DK-VA-BCA-PENDING"


@pytest.mark.parametrize("event", ["cancel", "expire"])
def test_cancel_and_expiry_send_nothing(notified, event):
    assert notified.client.post(f"/_sim/orders/doku/DK-VA-BCA-PENDING/{event}").status_code == 200
    assert notified.sandbox.webhooks.query() == []
    assert notified.receiver.requests == []
