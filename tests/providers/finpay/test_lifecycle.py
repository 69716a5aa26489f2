"""Lifecycle events through /_sim, expiry by the simulator clock (order.timeout, 1440 min
by default), and merchants not seeing each other's orders."""

from __future__ import annotations

import pytest

from .conftest import GOOD_AUTH, assert_envelope, basic


def status_of(finpay, order_id: str) -> str:
    return finpay.check(order_id).get_json()["data"]["result"]["payment"]["status"]


@pytest.mark.parametrize("channel, events, final", [
    ("vabca", ["pay"], "PAID"),
    ("vabca", ["expire"], "EXPIRED"),
    ("vabca", ["fail"], "FAILURE"),
    ("vabca", ["mark_failed"], "FAILED"),
    ("qris", ["start", "pay"], "PAID"),
    ("vabca", ["pay", "partial_refund", "refund"], "REFUNDED"),
    ("vabca", ["pay", "void"], "CANCELLED"),
    ("cc", ["initiate_3ds", "start_authentication", "authenticate", "authorize",
            "partial_capture", "capture"], "CAPTURED"),
    ("cc", ["authorize", "void"], "CANCELLED"),
    ("cc", ["authorize", "capture", "refund"], "REFUNDED"),
])
def test_events(finpay, channel, events, final):
    order_id = finpay.create("REQUEST_INITIATED", channel)
    for event in events:
        response = finpay.event(order_id, event)
        assert response.status_code == 200, response.get_json()
    assert status_of(finpay, order_id) == final
    assert [t["event"] for t in finpay.order(order_id)["history"]][1:] == events


def test_paid_order_cannot_be_cancelled(finpay):
    order_id = finpay.create("PENDING", "vabni")
    finpay.event(order_id, "pay")
    assert_envelope(finpay.cancel(order_id), 404, "4040100", "Invalid Transaction Status")
    assert status_of(finpay, order_id) == "PAID"


@pytest.mark.parametrize("event", ["initiate_3ds", "authorize", "capture"])
def test_card_events_refused_on_other_channels(finpay, event):
    response = finpay.event("FP-VABCA-PENDING", event)
    assert response.status_code == 409
    assert response.get_json()["status"] == "PENDING"


def test_refused_event_names_the_status(finpay):
    response = finpay.event("FP-VABCA-PAID", "pay")
    assert response.status_code == 409 and response.get_json()["reason"] == "wrong_status"


def test_unknown_event_lists_finpay_events(finpay):
    response = finpay.event("FP-VABCA-PENDING", "settle")
    assert response.status_code == 400 and "refund" in response.get_json()["error"]


def test_default_timeout_expires_after_1440_minutes(client, finpay):
    order_id = finpay.create("REQUEST_INITIATED", "vabca")
    client.post("/_sim/clock", json={"advance": "1439m"})
    assert status_of(finpay, order_id) == "REQUEST_INITIATED"
    client.post("/_sim/clock", json={"advance": "2m"})
    assert status_of(finpay, order_id) == "EXPIRED"
    assert_envelope(finpay.cancel(order_id), 404, "4040100", "Invalid Transaction Status")
    assert finpay.order(order_id)["history"][-1]["source"] == "clock"


def test_seeded_order_expiring_in_one_hour(client, finpay):
    assert status_of(finpay, "FP-VABCA-EXPIRES-1H") == "PENDING"
    client.post("/_sim/clock", json={"advance": "1h"})
    assert status_of(finpay, "FP-VABCA-EXPIRES-1H") == "EXPIRED"


def test_paid_orders_do_not_expire(client, finpay):
    client.post("/_sim/clock", json={"advance": "3d"})
    assert status_of(finpay, "FP-VABCA-PAID") == "PAID"
    assert status_of(finpay, "FP-CC-AUTHORIZED") == "AUTHORIZED"


TWO_MERCHANTS = {
    "name": "finpay-two-merchants", "seed": 7,
    "merchants": [
        {"provider": "finpay", "id": "FNPSIM01",
         "credentials": {"merchant_id": "FNPSIM01", "merchant_key": "SIMKEY123"}},
        {"provider": "finpay", "id": "FNPSIM02",
         "credentials": {"merchant_id": "FNPSIM02", "merchant_key": "OTHERKEY456"}},
    ],
    "orders": [
        {"provider": "finpay", "merchant": "FNPSIM01", "order_id": "MINE-1", "amount": 1000,
         "channel": "vabca", "status": "PENDING"},
        {"provider": "finpay", "merchant": "FNPSIM02", "order_id": "THEIRS-1", "amount": 1000,
         "channel": "vabca", "status": "PENDING"},
    ],
}


def test_another_merchants_order_is_not_found(client, finpay):
    assert client.post("/_sim/scenario", json=TWO_MERCHANTS).status_code == 200
    assert_envelope(finpay.cancel("THEIRS-1"), 404, "4040001", "Transaction Not Found")
    assert_envelope(finpay.check("THEIRS-1"), 404, "4040001", "Transaction Not Found")
    assert finpay.order("THEIRS-1")["status"] == "PENDING"
    theirs = {"Authorization": basic("FNPSIM02", "OTHERKEY456")}
    assert_envelope(finpay.cancel("MINE-1", headers=theirs), 404, "4040001")
    assert_envelope(finpay.cancel("THEIRS-1", headers=theirs), 200, "2000000")
    assert_envelope(finpay.cancel("MINE-1", headers=GOOD_AUTH), 200, "2000000")
    # one merchant's key does not open the other's id
    assert_envelope(finpay.check("MINE-1", headers={"Authorization": basic("FNPSIM01", "OTHERKEY456")}),
                    401, "4010000")


def test_reference_is_not_an_order_id(finpay):
    reference = finpay.order("FP-VABCA-PENDING")["transaction_id"]
    assert len(reference) == 23 and reference.isdigit()
    assert_envelope(finpay.cancel(reference), 404, "4040001")
