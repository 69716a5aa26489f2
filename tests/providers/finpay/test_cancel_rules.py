"""Every row of the sheet's cancellability table (§5), status × channel class, over HTTP on
both mounts; a cancelled order reads CANCELLED through Check Status."""

from __future__ import annotations

import pytest

from .conftest import MOUNTS, assert_envelope

STATUSES = ["PAID", "AUTHENTICATED", "AUTHORIZED", "PARTIALLY_CAPTURED", "CAPTURED",
            "PARTIALLY_REFUNDED", "REFUNDED", "CANCELLED", "INITIATED",
            "AUTHENTICATION_INITIATED", "REQUEST_INITIATED", "FAILURE", "PENDING", "EXPIRED",
            "FAILED"]
# the sheet: unpaid statuses are cancellable (3DS stages as it recommends)
CANCELLABLE = {"REQUEST_INITIATED", "PENDING", "INITIATED", "AUTHENTICATION_INITIATED",
               "AUTHENTICATED"}
# one source of funds per channel class; None = hosted payment page
CLASSES = {"va": "vabca", "retail": "alfamart", "card": "cc", "hosted": None,
           "qris": "qris", "ewallet": "ovo"}
NO_SESSION_YET = {"qris", "ewallet"}   # refused in REQUEST_INITIATED [OBS]

ALL_CHANNELS = ["vabca", "vamandiri", "vabni", "vabri", "vapermata", "vacimb", "qris", "ovo",
                "dana", "shopeepay", "linkaja", "alfamart", "idm", "pospay", "finpaycode", "cc"]
QRIS_AND_EWALLETS = {"qris", "ovo", "dana", "shopeepay", "linkaja"}


def expected_cancellable(status: str, kind: str) -> bool:
    if status == "REQUEST_INITIATED" and kind in NO_SESSION_YET:
        return False
    return status in CANCELLABLE


def assert_cancel(finpay, order_id: str, allowed: bool, mount: str = "", status: str | None = None):
    before = finpay.order(order_id)
    response = finpay.cancel(order_id, mount)
    if allowed:
        body = assert_envelope(response, 200, "2000000", "Request has been processed successfully")
        assert "data" not in body
        check = finpay.check(order_id, mount)
        data = assert_envelope(check, 200, "2000000", "Success")["data"]
        assert data["result"]["payment"]["status"] == "CANCELLED"
        assert data["order"]["id"] == order_id
    else:
        assert_envelope(response, 404, "4040100", "Invalid Transaction Status")
        after = finpay.order(order_id)
        assert (after["status"], after["version"]) == (before["status"], before["version"])
        assert after["status"] == (status or before["status"])


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "prefixed"])
@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize("status", STATUSES)
def test_cancellability_table(finpay, status, kind, mount):
    order_id = finpay.create(status, CLASSES[kind])
    assert_cancel(finpay, order_id, expected_cancellable(status, kind), mount, status)


@pytest.mark.parametrize("channel", ALL_CHANNELS)
def test_request_initiated_per_channel(finpay, channel):
    order_id = finpay.create("REQUEST_INITIATED", channel)
    assert_cancel(finpay, order_id, channel not in QRIS_AND_EWALLETS)


@pytest.mark.parametrize("channel", sorted(QRIS_AND_EWALLETS))
def test_qris_and_ewallets_cancel_once_the_session_exists(finpay, channel):
    order_id = finpay.create("REQUEST_INITIATED", channel)
    assert finpay.event(order_id, "start").get_json()["status"] == "PENDING"
    assert_cancel(finpay, order_id, True)


@pytest.mark.parametrize("order_id, allowed", [
    ("SIM-FP-0001", True), ("FP-VABCA-REQUEST_INITIATED", True), ("FP-QRIS-REQUEST_INITIATED", False),
    ("FP-QRIS-PENDING", True), ("FP-VABCA-PAID", False), ("FP-VABCA-EXPIRED", False),
    ("FP-VABCA-CANCELLED", False), ("FP-CC-AUTHENTICATION_INITIATED", True),
    ("FP-CC-CAPTURED", False), ("FP-HOSTED-REQUEST_INITIATED", True), ("FP-PAYCODE-PENDING", True),
])
def test_seeded_orders(finpay, order_id, allowed):
    assert_cancel(finpay, order_id, allowed)


def test_second_cancel_is_invalid_transaction_status(finpay):
    assert_envelope(finpay.cancel("FP-VAMANDIRI-PENDING"), 200, "2000000")
    assert_envelope(finpay.cancel("FP-VAMANDIRI-PENDING", "/finpay"), 404, "4040100",
                    "Invalid Transaction Status")
    assert finpay.order("FP-VAMANDIRI-PENDING")["status"] == "CANCELLED"


def test_sheet_worked_example(finpay):
    """§11: the documented body, the success envelope, then Check Status reads CANCELLED."""
    response = finpay.cancel("SIM-FP-0001", data='{"order":{"id":"SIM-FP-0001","amount":"22000"}}',
                             headers={"Authorization": "Basic Rk5QU0lNMDE6U0lNS0VZMTIz",
                                      "Content-Type": "application/json",
                                      "Accept": "application/json"})
    assert_envelope(response, 200, "2000000", "Request has been processed successfully")
    data = finpay.check("SIM-FP-0001").get_json()["data"]
    assert data["order"] == {"id": "SIM-FP-0001", "reference": "SIMREF0001", "amount": 22000,
                             "currency": "IDR"}
    assert data["result"]["payment"]["status"] == "CANCELLED"
    assert data["result"]["payment"]["amount"] == 22000
    assert data["sourceOfFunds"]["type"] == "vabca"
    assert data["sourceOfFunds"]["paymentCode"] == "8804483300000001"
    assert data["customer"]["id"] == "buyer@example.test"
