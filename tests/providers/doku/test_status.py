"""GET /orders/v1/status/{invoice_number or Request-Id}, and the lifecycle driven through
/_sim as the customer, the bank or the clock would."""

from __future__ import annotations

import pytest

from .client import O2O_CLIENT_ID, O2O_SECRET, call, cancel, original_request_id, sim_order

NOT_FOUND = {"error": {"code": "order_not_found", "message": "Order not found",
                       "type": "invalid_request_error"}}


def status(client, key, **kwargs):
    return call(client, "GET", f"/orders/v1/status/{key}", **kwargs)


def test_pending_va_reads_like_the_sandbox_capture(client):
    body = status(client, "INV-20260513-0001").json
    assert body["order"] == {"invoice_number": "INV-20260513-0001", "amount": 150000,
                             "status": "ORDER_GENERATED"}
    assert body["transaction"]["status"] == "PENDING"
    assert body["transaction"]["original_request_id"] == "fdb69f47-96da-499d-acec-7cdc318ab2fe"
    assert body["service"] == {"id": "VIRTUAL_ACCOUNT"}
    assert body["acquirer"] == {"id": "BCA", "name": "BCA"}
    assert body["channel"] == {"id": "VIRTUAL_ACCOUNT_BCA"}
    assert len(body["virtual_account_info"]["virtual_account_number"]) == 16
    assert body["virtual_account_info"]["created_date"] == "20260115100000"        # WIB
    assert body["additional_info"]["origin"]["api_format"] == "JOKUL"


def test_found_by_request_id(client):
    response = status(client, "fdb69f47-96da-499d-acec-7cdc318ab2fe")
    assert response.status_code == 200
    assert response.json["order"]["invoice_number"] == "INV-20260513-0001"


def test_before_a_channel_is_chosen(client):
    body = status(client, "DK-NOCHANNEL-ORDER_GENERATED").json
    assert body["order"]["status"] == "ORDER_GENERATED"
    assert body["transaction"]["status"] is None
    assert (body["service"], body["acquirer"], body["channel"]) == ({"id": None}, {"id": None}, {"id": None})


@pytest.mark.parametrize("order_id, order_status, transaction_status", [
    ("DK-VA-BCA-SUCCESS", "ORDER_GENERATED", "SUCCESS"),      # order.status does not track payment
    ("DK-VA-BCA-FAILED", "ORDER_GENERATED", "FAILED"),
    ("DK-VA-BCA-EXPIRED", "ORDER_EXPIRED", "EXPIRED"),
    ("DK-VA-BCA-REFUNDED", "ORDER_GENERATED", "REFUNDED"),
    ("DK-CREDIT-CARD-REDIRECT", "ORDER_GENERATED", "REDIRECT"),
    ("DK-EMONEY-OVO-TIMEOUT", "ORDER_GENERATED", "TIMEOUT"),
    ("DK-NOCHANNEL-ORDER_RECOVERED", "ORDER_RECOVERED", None),
])
def test_status_fields(client, order_id, order_status, transaction_status):
    body = status(client, order_id).json
    assert (body["order"]["status"], body["transaction"]["status"]) == (order_status, transaction_status)


def test_cancelled_order_reads_cancelled_and_keeps_its_transaction_status(client):
    assert cancel(client, "DK-QRIS-PENDING").status_code == 200
    body = status(client, "DK-QRIS-PENDING").json
    assert (body["order"]["status"], body["transaction"]["status"]) == ("CANCELLED", "PENDING")
    assert cancel(client, "DK-NOCHANNEL-ORDER_GENERATED").status_code == 200
    body = status(client, "DK-NOCHANNEL-ORDER_GENERATED").json
    assert (body["order"]["status"], body["transaction"]["status"]) == ("CANCELLED", None)


def test_unknown_and_other_merchants_orders_are_not_found(client):
    assert (status(client, "NO-SUCH").status_code, status(client, "NO-SUCH").json) == (404, NOT_FOUND)
    response = status(client, "DK-VA-BCA-PENDING", client_id=O2O_CLIENT_ID, secret=O2O_SECRET)
    assert (response.status_code, response.json) == (404, NOT_FOUND)


def test_status_is_signed_over_the_encoded_or_decoded_path(client):
    client.post("/_sim/orders", json={"provider": "doku", "merchant": "MCH-0001-10791114622547",
                                      "order_id": "INV 7", "amount": 5000, "status": "PENDING"})
    assert status(client, "INV%207", signed_target="/orders/v1/status/INV 7").status_code == 200


# -- lifecycle through /_sim --------------------------------------------------------------------

def drive(client, order_id, event):
    return client.post(f"/_sim/orders/doku/{order_id}/{event}")


def test_pay_then_cancel_is_already_paid(client):
    assert drive(client, "DK-VA-BCA-PENDING", "pay").json["status"] == "SUCCESS"
    response = cancel(client, "DK-VA-BCA-PENDING")
    assert (response.status_code, response.json) == (400, {"message": ["ORDER ALREADY PAID"]})


def test_fail_then_cancel_succeeds(client):
    assert drive(client, "DK-QRIS-PENDING", "fail").json["status"] == "FAILED"
    assert cancel(client, "DK-QRIS-PENDING").status_code == 200


def test_refund_after_pay(client):
    drive(client, "DK-VA-BRI-PENDING", "pay")
    assert drive(client, "DK-VA-BRI-PENDING", "refund").json["status"] == "REFUNDED"
    assert cancel(client, "DK-VA-BRI-PENDING").json == {"message": ["ORDER ALREADY REFUNDED"]}


def test_select_channel_redirect_and_time_out(client):
    assert drive(client, "DK-VA-BCA-ORDER_GENERATED", "select_channel").json["status"] == "PENDING"
    assert drive(client, "DK-CREDIT-CARD-PENDING", "redirect").json["status"] == "REDIRECT"
    assert drive(client, "DK-EMONEY-OVO-PENDING", "time_out").json["status"] == "TIMEOUT"


def test_refused_event_is_409(client):
    response = drive(client, "DK-VA-BCA-SUCCESS", "expire")
    assert response.status_code == 409
    assert response.json["status"] == "SUCCESS"


def test_expire_recover_at_most_three_times(client):
    for _ in range(3):
        assert drive(client, "DK-VA-BCA-PENDING", "expire").json["status"] == "EXPIRED"
        assert drive(client, "DK-VA-BCA-PENDING", "recover").json["status"] == "ORDER_RECOVERED"
    drive(client, "DK-VA-BCA-PENDING", "expire")
    response = drive(client, "DK-VA-BCA-PENDING", "recover")
    assert response.status_code == 409
    assert response.json["reason"] == "recovery_limit"


def test_recovered_order_can_be_cancelled(client):
    drive(client, "DK-QRIS-PENDING", "expire")
    drive(client, "DK-QRIS-PENDING", "recover")
    assert cancel(client, "DK-QRIS-PENDING").status_code == 200


def test_the_clock_expires_orders(client):
    client.post("/_sim/clock", json={"advance": "59m"})
    assert sim_order(client, "DK-VA-BCA-EXPIRES-1H")["status"] == "PENDING"
    client.post("/_sim/clock", json={"advance": "2m"})      # the scenario loaded a moment after 03:00Z
    assert sim_order(client, "DK-VA-BCA-EXPIRES-1H")["status"] == "EXPIRED"
    response = cancel(client, "DK-VA-BCA-EXPIRES-1H", timestamp="2026-01-15T04:01:00Z")
    assert (response.status_code, response.json) == (400, {"message": ["ORDER ALREADY EXPIRED"]})


def test_original_request_id_is_generated_for_orders_created_without_one(client):
    created = client.post("/_sim/orders", json={"provider": "doku", "merchant": "MCH-0001-10791114622547",
                                                "amount": 1000, "channel": "QRIS", "status": "PENDING"})
    assert created.status_code == 201
    assert len(created.json["transaction_id"]) == 36
    given = client.post("/_sim/orders", json={"provider": "doku", "merchant": "MCH-0001-10791114622547",
                                              "order_id": "INV-OWN", "amount": 1000,
                                              "original_request_id": "my-create-request-id"})
    assert given.json["transaction_id"] == "my-create-request-id"
    assert original_request_id(client, "INV-OWN") == "my-create-request-id"
    assert given.json["status"] == "ORDER_GENERATED" and given.json["channel"] is None
