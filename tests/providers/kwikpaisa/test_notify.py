"""KwikPaisa webhooks: the sheet's webhook vector reproduced by the builder, a delivered
webhook verified with this test's own HMAC, events per status, nothing on cancel (§8)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from simulator.merchants import Merchant
from simulator.orders import Order, Transition
from simulator.providers.kwikpaisa import notify

from .conftest import SECRET, canonical, hmac_hex

VECTOR_BODY = (b'{"data":{"amount":"105.00","currency":"INR","order_id":"6116229263036",'
               b'"status":"PAID"},"event":"payment.success"}')
VECTOR_SIGNATURE = "d46bc7f01164afc60ecede7759a92d303b620990c01ce80d3de4804205700be6"


def test_the_builder_reproduces_the_sheet_webhook_vector():
    now = datetime.fromtimestamp(1778660100, timezone.utc)
    order = Order("kwikpaisa", "KP-001", "6116229263036", "kp_1", Decimal("105"), "INR", "UPI",
                  None, "PAID", now, None)
    merchant = Merchant("kwikpaisa", "KP-001", {"api_key": "pk", "secret_key": SECRET})
    sent = notify.build(order, Transition(now, "pay", "UN_PAID", "PAID", "control"), merchant,
                        "https://merchant.example/hook", now, None)
    assert sent.body == VECTOR_BODY
    assert sent.headers["X-TIMESTAMP"] == "1778660100"
    assert sent.headers["X-SIGNATURE"] == VECTOR_SIGNATURE
    assert "X-API-KEY" not in sent.headers


@pytest.mark.parametrize("order_id, event, webhook", [
    ("6116229263036", "pay", "payment.success"),
    ("6116229263036", "fail", "payment.failed"),
    ("6116229263036", "process", "payment.processing"),
    ("6116229263036", "expire", "payment.expired"),
])
def test_status_changes_send_signed_webhooks(notified, order_id, event, webhook):
    notified.client.post(f"/_sim/orders/kwikpaisa/{order_id}/{event}")
    [received] = notified.receiver.wait_for(1)
    body = received.json()
    assert body["event"] == webhook and body["data"]["order_id"] == order_id
    assert received.body == canonical(body).encode()
    assert received.headers["X-SIGNATURE"] == hmac_hex(received.body, received.headers["X-TIMESTAMP"])


def test_a_cancel_sends_nothing(notified):
    assert notified.client.post("/_sim/orders/kwikpaisa/6116229263036/cancel").status_code == 200
    assert notified.sandbox.webhooks.query() == [] and notified.receiver.requests == []
