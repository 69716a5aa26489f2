"""DOKU HTTP Notification: the fact sheet's notification vector reproduced by the builder,
a delivered notification verified with this test's own HMAC code, and the events that send
nothing (§2, §8)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
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


def test_the_signer_reproduces_the_sheet_notification_vector():
    headers = notify.signed_headers(VECTOR_BODY, CLIENT_ID, SECRET, VECTOR_REQUEST_ID,
                                    "2026-05-13T02:20:01Z", "/webhooks/doku")
    assert headers["Signature"] == "HMACSHA256=FDO1F/4dFEUN4wgt0JcRJNAclt9sh5JhSyDnzGE52bw="
    assert headers["Request-Id"] == VECTOR_REQUEST_ID


def test_the_builder_sends_the_sheet_fields_pretty_printed_and_signs_those_bytes(sandbox):
    order = sandbox.book.find("doku", "INV-20260513-0001")
    at = datetime(2026, 5, 13, 2, 20, 0, tzinfo=timezone.utc)
    transition = Transition(at, "pay", "PENDING", "SUCCESS", "control")
    paid = dataclasses.replace(order, status="SUCCESS", history=order.history + (transition,))
    merchant = sandbox.merchants.get("doku", CLIENT_ID)
    sent = notify.build(paid, transition, merchant, "https://merchant.example/webhooks/doku?x=1",
                        datetime(2026, 5, 13, 2, 20, 1, tzinfo=timezone.utc), FixedIds())
    body = json.loads(sent.body)
    assert sent.body == json.dumps(body, indent=2).encode()            # 2 spaces, LF, no final newline
    assert not sent.body.endswith(b"\n") and b"\r" not in sent.body
    assert {k: body[k] for k in ("order", "transaction", "service", "acquirer", "channel")} == \
        json.loads(VECTOR_BODY)                                          # the sheet's fields, exactly
    assert list(body)[:5] == ["order", "transaction", "service", "acquirer", "channel"]
    assert body["additional_info"] == {"origin": {"product": "CHECKOUT", "system": "mid-jokul-checkout-system",
                                                  "api_format": "JOKUL", "source": "direct"}}
    digest = base64.b64encode(hashlib.sha256(sent.body).digest()).decode()
    text = string_to_sign(CLIENT_ID, VECTOR_REQUEST_ID, "2026-05-13T02:20:01Z", "/webhooks/doku", sent.body)
    assert sent.headers["Signature"] == sign(SECRET, text) and digest in text


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


def status_body(notified, invoice: str) -> dict:
    from .client import call
    response = call(notified.client, "GET", f"/orders/v1/status/{invoice}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def paid_notification(notified, invoice: str) -> dict:
    notified.client.post("/_sim/clock", json={"set": NOW, "frozen": True})
    assert notified.client.post(f"/_sim/orders/doku/{invoice}/pay").status_code == 200
    [received] = notified.receiver.wait_for(1)
    assert received.body == json.dumps(received.json(), indent=2).encode()
    return received.json()


def test_a_paid_va_order_reports_its_own_va_number_and_payment(notified):
    body = paid_notification(notified, "DK-VA-BCA-PENDING")
    status = status_body(notified, "DK-VA-BCA-PENDING")
    info, payment = body["virtual_account_info"], body["virtual_account_payment"]
    assert info == status["virtual_account_info"] and payment == status["virtual_account_payment"]
    assert len(info["virtual_account_number"]) == 16 and info["virtual_account_number"].isdigit()
    assert info["reusable_status"] is False and len(info["created_date"]) == 14
    assert payment["status"] == "SUCCESS" and payment["date"] == "20260115100000"   # 03:00Z in WIB
    assert [i["name"] for i in payment["identifier"]] == ["REQUEST_ID", "REFERENCE", "CHANNEL_TYPE"]
    assert payment["reference_number"] == payment["identifier"][1]["value"]
    assert body["additional_info"]["origin"]["product"] == "CHECKOUT"


def test_a_paid_convenience_store_order_reports_its_payment_code(notified):
    body = paid_notification(notified, "DK-O2O-ALFA-PENDING")
    status = status_body(notified, "DK-O2O-ALFA-PENDING")
    info = body["online_to_offline_info"]
    assert info == status["online_to_offline_info"]
    assert len(info["payment_code"]) == 16 and info["created_date"] and info["expired_date"]
    assert body["online_to_offline_payment"]["status"] == "SUCCESS"
    assert body["online_to_offline_payment"]["identifier"][0]["name"] == "AGENT_ID"
    assert "virtual_account_info" not in body


def test_a_paid_e_wallet_order_reports_its_emoney_payment(notified):
    body = paid_notification(notified, "DK-EMONEY-OVO-PENDING")
    assert body["emoney_payment"] == status_body(notified, "DK-EMONEY-OVO-PENDING")["emoney_payment"]
    assert set(body["emoney_payment"]) == {"account_id", "approval_code"}
    assert body["service"] == {"id": "EMONEY"}


def test_an_unpaid_va_order_shows_its_number_but_no_payment(client):
    from .client import call
    body = call(client, "GET", "/orders/v1/status/DK-VA-BCA-PENDING").get_json()
    assert body["virtual_account_info"]["virtual_account_number"]
    assert "virtual_account_payment" not in body
