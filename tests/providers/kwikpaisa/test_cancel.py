"""Cancel and status over HTTP: every row of the cancellability table (integer and string
ids, every payment method), the error catalogue, both mounts, the status body of §7, the
lifecycle events of /_sim and the clock's expiry."""

from __future__ import annotations

import re

import pytest
import requests

from simulator.providers.kwikpaisa import render

from .conftest import (API_KEY, CANCEL, OTHER_API_KEY, OTHER_SECRET, SHEET_INSTANT,
                       SHEET_TIMESTAMP, STATUS, assert_error, canonical, hmac_hex)

STATUSES = ("UN_PAID", "PROCESSING", "PAID", "FAILED", "EXPIRED", "CANCELLED")
CANCELLABLE = {"UN_PAID", "PROCESSING"}
METHODS = ("UPI", "CARD", "NETBANKING", "WALLET")
INTEGER_IDS = {status: 6116229263036 + i for i, status in enumerate(STATUSES)}
IST_NOW = "13-05-2026 01:40 PM"          # the frozen clock, 2026-05-13T08:10:35Z, in IST
WIRE_TIME = re.compile(r"\d{2}-\d{2}-\d{4} (0[1-9]|1[0-2]):[0-5]\d (AM|PM)")


ID_SPELLINGS = [spelling for status in STATUSES for spelling in (
    pytest.param(status, INTEGER_IDS[status], id=f"{status}-int"),
    pytest.param(status, str(INTEGER_IDS[status]), id=f"{status}-int-as-string"),
    pytest.param(status, f"KP-UPI-{status}", id=f"{status}-string"))]


# -- the cancellability table -------------------------------------------------------------

@pytest.mark.parametrize("status, sent_id", ID_SPELLINGS)
def test_cancellability_table(kp, status, sent_id):
    before = kp.order(sent_id)
    assert before["status"] == status
    response = kp.cancel(sent_id)
    if status in CANCELLABLE:
        assert response.status_code == 200
        assert response.json == {"code": "200", "status": "success",
                                 "message": "Order cancelled successfully.",
                                 "return_data": {"order_id": sent_id, "order_status": "CANCELLED",
                                                 "cancelled_at": IST_NOW}}
        assert type(response.json["return_data"]["order_id"]) is type(sent_id)
        assert kp.order(sent_id)["status"] == "CANCELLED"
    else:
        assert_error(response, 422, f"Order cannot be cancelled. Current status: {status}.")
        assert kp.order(sent_id) == before


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("status", STATUSES)
def test_every_payment_method(kp, method, status):
    response = kp.cancel(f"KP-{method}-{status}")
    assert response.status_code == (200 if status in CANCELLABLE else 422)


def test_second_cancel_is_refused(kp):
    assert kp.cancel("KP-CARD-UN_PAID").status_code == 200
    assert_error(kp.cancel("KP-CARD-UN_PAID"), 422, "Order cannot be cancelled. Current status: CANCELLED.")


# -- the error catalogue --------------------------------------------------------------------

CATALOGUE = [
    ({"signature": "0" * 64}, 401, "Invalid signature."),
    ({"body": {}}, 400, "order_id is required."),
    ({"body": {"order_id": True}}, 400, "Invalid payload. order_id must be an integer or a string; got a boolean."),
    ({"body": {"order_id": "KP-NOPE"}}, 404, "Order not found."),
    ({"body": {"order_id": "KP2-UPI-UN_PAID"}}, 409, "Permission denied."),
    ({"body": {"order_id": 7000000000001}}, 409, "Permission denied."),
    ({"body": {"order_id": "KP-UPI-PAID"}}, 422, "Order cannot be cancelled. Current status: PAID."),
]


@pytest.mark.parametrize("path, kwargs, code, message", [
    (path, *row) for path in (CANCEL, STATUS) for row in CATALOGUE
    if not (path == STATUS and row[1] == 422)])      # status answers every existing order
def test_error_catalogue(kp, path, kwargs, code, message):
    kwargs = dict(kwargs)
    body = kwargs.pop("body", {"order_id": "KP-UPI-UN_PAID"})
    assert_error(kp.call(path, body, **kwargs), code, message)
    assert kp.order("KP-UPI-UN_PAID")["status"] == "UN_PAID"
    assert kp.order("KP2-UPI-UN_PAID")["status"] == "UN_PAID"


def test_other_merchant_can_cancel_its_own_order_and_kp001_cannot(kp):
    assert_error(kp.cancel("KP2-UPI-UN_PAID"), 409, "Permission denied.")
    assert "belongs to merchant KP-002" in kp.last_notes()["lookup"]
    response = kp.cancel("KP2-UPI-UN_PAID", api_key=OTHER_API_KEY, secret=OTHER_SECRET)
    assert response.status_code == 200
    assert response.json["return_data"]["cancelled_at"] == "13-05-2026 08:10 AM"   # KP-002: UTC
    assert_error(kp.cancel("KP-UPI-UN_PAID", api_key=OTHER_API_KEY, secret=OTHER_SECRET), 409)


def test_kwikx_order_id_is_not_an_order_id(kp):
    kwikx = kp.order("KP-UPI-UN_PAID")["transaction_id"]
    assert kwikx.startswith("kp_")
    assert_error(kp.cancel(kwikx), 404, "Order not found.")
    assert "kwikX_order_id" in kp.last_notes()["lookup"]


@pytest.mark.parametrize("code, message", [
    (429, "Too many requests."), (500, "Internal server error."), (503, "Service temporarily unavailable."),
])
def test_generic_errors_use_the_error_envelope(app, code, message):
    with app.test_request_context():
        assert_error(render.http_error(code), code, message)


# -- mounts and generic HTTP errors ---------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/kwikpaisa"])
def test_both_mounts(kp, prefix):
    status = kp.status("KP-WALLET-UN_PAID", prefix=prefix)
    assert status.status_code == 200 and status.json["return_data"]["order_status"] == "UN_PAID"
    assert kp.cancel("KP-WALLET-UN_PAID", prefix=prefix).status_code == 200
    assert kp.status("KP-WALLET-UN_PAID", prefix=prefix).json["return_data"]["order_status"] == "CANCELLED"


@pytest.mark.parametrize("prefix", ["", "/kwikpaisa"])
def test_wrong_method_and_unknown_path(kp, prefix):
    assert_error(kp.call(CANCEL, {"order_id": 1}, prefix=prefix, method="GET"), 405,
                 "Method not allowed. Use POST.")
    assert_error(kp.call("/api/v3/pg/order/refund", {"order_id": 1}, prefix=prefix), 404,
                 "Resource not found.")


# -- status body (§7) -------------------------------------------------------------------

def test_status_of_a_paid_order(kp):
    response = kp.status(6116229263038)
    assert response.status_code == 200
    body = response.json
    assert (body["code"], body["status"], body["message"]) == ("200", "success", "Order status fetched successfully.")
    data = body["return_data"]
    assert re.fullmatch(r"kp_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        data["kwikX_order_id"])
    assert re.fullmatch(r"TXN\d{9}", data["transaction_id"])
    assert data["order_id"] == 6116229263038
    assert (data["order_amount"], data["currency"], data["order_status"], data["payment_method"]) == \
        ("105.00", "INR", "PAID", "UPI")
    assert WIRE_TIME.fullmatch(data["created_at"]) and WIRE_TIME.fullmatch(data["paid_at"])
    assert data["created_at"] == "15-01-2026 08:30 AM"       # scenario start, 10:00 +07:00, in IST
    assert "cancelled_at" not in data


def test_status_echoes_order_id_type(kp):
    assert kp.status("6116229263038").json["return_data"]["order_id"] == "6116229263038"


def test_status_of_an_unpaid_order_has_no_attempt(kp):
    data = kp.status("KP-CARD-UN_PAID").json["return_data"]
    assert data["payment_method"] is None and data["transaction_id"] is None
    assert data["order_amount"] == "2500.50"
    assert "paid_at" not in data and "cancelled_at" not in data


@pytest.mark.parametrize("status", ["PROCESSING", "FAILED"])
def test_status_shows_the_payment_attempt(kp, status):
    data = kp.status(f"KP-NETBANKING-{status}").json["return_data"]
    assert data["payment_method"] == "NETBANKING" and data["transaction_id"].startswith("TXN")


def test_status_after_cancel_carries_cancelled_at(kp):
    cancelled_at = kp.cancel("KP-UPI-UN_PAID").json["return_data"]["cancelled_at"]
    data = kp.status("KP-UPI-UN_PAID").json["return_data"]
    assert data["order_status"] == "CANCELLED" and data["cancelled_at"] == cancelled_at
    assert "paid_at" not in data and data["transaction_id"] is None


# -- lifecycle through /_sim and the clock ------------------------------------------------

def _drive(client, order_id, event):
    return client.post(f"/_sim/orders/kwikpaisa/{order_id}/{event}")


def test_process_then_cancel_keeps_the_attempt(kp, client):
    assert _drive(client, "KP-UPI-UN_PAID", "process").json["status"] == "PROCESSING"
    processing = kp.status("KP-UPI-UN_PAID").json["return_data"]
    assert processing["order_status"] == "PROCESSING" and processing["transaction_id"].startswith("TXN")
    assert kp.cancel("KP-UPI-UN_PAID").status_code == 200
    cancelled = kp.status("KP-UPI-UN_PAID").json["return_data"]
    assert cancelled["transaction_id"] == processing["transaction_id"]
    late_payment = _drive(client, "KP-UPI-UN_PAID", "pay")
    assert late_payment.status_code == 409 and late_payment.json["status"] == "CANCELLED"


@pytest.mark.parametrize("start, event, end", [
    ("UN_PAID", "process", "PROCESSING"), ("UN_PAID", "pay", "PAID"), ("PROCESSING", "pay", "PAID"),
    ("UN_PAID", "fail", "FAILED"), ("PROCESSING", "fail", "FAILED"),
    ("UN_PAID", "expire", "EXPIRED"), ("PROCESSING", "expire", "EXPIRED"),
])
def test_lifecycle_events(kp, client, start, event, end):
    response = _drive(client, f"KP-CARD-{start}", event)
    assert response.status_code == 200 and response.json["status"] == end
    cancel = kp.cancel(f"KP-CARD-{start}")
    if end in CANCELLABLE:
        assert cancel.status_code == 200
    else:
        assert_error(cancel, 422, f"Order cannot be cancelled. Current status: {end}.")


@pytest.mark.parametrize("status", ["PAID", "FAILED", "EXPIRED", "CANCELLED"])
def test_final_statuses_refuse_events(client, status):
    for event in ("process", "pay", "fail", "expire"):
        assert _drive(client, f"KP-WALLET-{status}", event).status_code == 409


def test_paid_at_after_pay(kp, client):
    _drive(client, "KP-UPI-UN_PAID", "pay")
    assert kp.status("KP-UPI-UN_PAID").json["return_data"]["paid_at"] == IST_NOW


def test_new_orders_start_unpaid_and_expire_after_30_minutes(kp, client):
    created = client.post("/_sim/orders", json={"provider": "kwikpaisa", "merchant": "KP-001",
                                                "order_id": "KP-FRESH", "amount": 105})
    assert created.status_code == 201
    order = created.json
    assert (order["status"], order["currency"], order["channel"]) == ("UN_PAID", "INR", "UPI")
    client.post("/_sim/clock", json={"advance": "1799s"})
    assert kp.status("KP-FRESH", timestamp=SHEET_TIMESTAMP + 1799).json["return_data"]["order_status"] == "UN_PAID"
    client.post("/_sim/clock", json={"advance": "1s"})
    assert_error(kp.cancel("KP-FRESH", timestamp=SHEET_TIMESTAMP + 1800), 422,
                 "Order cannot be cancelled. Current status: EXPIRED.")


def test_processing_orders_do_not_expire_by_the_clock(kp, client):
    client.post("/_sim/orders", json={"provider": "kwikpaisa", "merchant": "KP-001",
                                      "order_id": "KP-FRESH", "amount": 105, "status": "PROCESSING"})
    client.post("/_sim/clock", json={"advance": "2h"})
    assert kp.cancel("KP-FRESH", timestamp=SHEET_TIMESTAMP + 7200).status_code == 200


def test_time_zone_is_a_merchant_feature(kp, client):
    response = client.post("/_sim/scenario", json={
        "name": "tz", "clock": {"start": "2026-05-13T08:10:35Z", "frozen": True},
        "merchants": [{"provider": "kwikpaisa", "id": "KP-001",
                       "credentials": {"api_key": "pk_test_simulator_0001", "secret_key": "sk_test_simulator_0001"},
                       "features": {"time_zone": "-03:00"}}],
        "orders": [{"provider": "kwikpaisa", "order_id": "A1", "amount": 1}]})
    assert response.status_code == 200, response.json
    assert kp.cancel("A1").json["return_data"]["cancelled_at"] == "13-05-2026 05:10 AM"


def test_over_a_real_socket(live_url):
    requests.post(f"{live_url}/_sim/clock", json={"set": SHEET_INSTANT, "frozen": True}, timeout=5)
    payload = canonical({"order_id": 6116229263036})
    headers = {"Content-Type": "application/json", "X-API-KEY": API_KEY,
               "X-TIMESTAMP": str(SHEET_TIMESTAMP), "X-SIGNATURE": hmac_hex(payload, SHEET_TIMESTAMP)}
    response = requests.post(f"{live_url}/kwikpaisa{CANCEL}", data=payload, headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json()["return_data"] == {"order_id": 6116229263036, "order_status": "CANCELLED",
                                              "cancelled_at": IST_NOW}
