"""Void (sheet §1, §5): GET /pg/payment/card/void/{orderId} — and POST /pg/payment/card/void
with the order in the body — voids paid or authorised orders (→ CANCELLED, 2000000) and
answers every other status 4030015 Transaction Not Permitted with the order unchanged."""

from __future__ import annotations

import pytest

from simulator.providers.finpay.rules import STATUSES, VOIDABLE

from .conftest import GOOD_AUTH, MOUNTS, basic, assert_envelope

VOID = "/pg/payment/card/void/"


def void(client, order_id: str, mount: str = "", headers=None, **kwargs):
    return client.get(f"{mount}{VOID}{order_id}", headers=GOOD_AUTH if headers is None else headers, **kwargs)


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_row_of_the_void_table(client, finpay, status):
    channel = "cc" if status in ("AUTHORIZED", "PARTIALLY_CAPTURED", "CAPTURED", "AUTHENTICATED",
                                 "INITIATED", "AUTHENTICATION_INITIATED") else "vabca"
    order_id = finpay.create(status, channel)
    before = finpay.order(order_id)
    response = void(client, order_id)
    if VOIDABLE[status]:
        assert_envelope(response, 200, "2000000", "Request has been processed successfully")
        after = finpay.order(order_id)
        assert after["status"] == "CANCELLED"
        assert after["history"][-1] | {"at": None} == {"at": None, "event": "void", "from": status,
                                                       "to": "CANCELLED", "source": "api"}
        assert finpay.check(order_id).get_json()["data"]["result"]["payment"]["status"] == "CANCELLED"
    else:
        assert_envelope(response, 403, "4030015", "Transaction Not Permitted")
        assert finpay.order(order_id) == before


def test_the_void_table_is_what_the_sheet_says():
    assert [s for s, ok in VOIDABLE.items() if ok] == ["PAID", "AUTHORIZED", "PARTIALLY_CAPTURED", "CAPTURED"]


@pytest.mark.parametrize("mount", MOUNTS)
def test_a_paid_order_is_voided_at_both_mounts(client, finpay, mount):
    order_id = "FP-VABCA-PAID" if not mount else "FP-CC-AUTHORIZED"
    assert_envelope(void(client, order_id, mount), 200, "2000000")
    assert finpay.order(order_id)["status"] == "CANCELLED"


def test_a_second_void_is_not_permitted(client, finpay):
    assert_envelope(void(client, "FP-VABCA-PAID"), 200, "2000000")
    assert_envelope(void(client, "FP-VABCA-PAID"), 403, "4030015")


def test_the_post_shape_names_the_order_in_the_body(client, finpay):
    response = client.post("/pg/payment/card/void", json={"order": {"id": "FP-CC-PAID", "amount": "250000"}},
                           headers=GOOD_AUTH)
    assert_envelope(response, 200, "2000000")
    assert finpay.order("FP-CC-PAID")["status"] == "CANCELLED"
    missing = client.post("/pg/payment/card/void", json={}, headers=GOOD_AUTH)
    assert_envelope(missing, 400, "4000002", "Invalid Mandatory Field")


@pytest.mark.parametrize("order_id, body, http, code", [
    ("NO-SUCH-ORDER", None, 404, "4040001"),
    ("bad id!", None, 400, "4000001"),
    ("FP-VABCA-PAID", {"order": {"id": "FP-OTHER"}}, 404, "4040018"),
    ("FP-VABCA-PAID", {"order": {"id": "FP-VABCA-PAID", "amount": "1"}}, 404, "4040013"),
    ("FP-VABCA-PAID", {"order": {"amount": "100000"}}, 400, "4000002"),
    ("FP-VABCA-PAID", [1], 400, "4000001"),
])
def test_bad_voids_get_their_codes_and_change_nothing(client, finpay, order_id, body, http, code):
    before = client.get("/_sim/orders?provider=finpay").get_json()
    assert_envelope(void(client, order_id, json=body), http, code)
    assert client.get("/_sim/orders?provider=finpay").get_json() == before


def test_another_merchants_credentials_and_bad_auth(client, finpay):
    assert_envelope(void(client, "FP-VABCA-PAID", headers={"Authorization": basic("FNPSIM01", "WRONG")}),
                    401, "4010000", "Unauthorized")
    assert_envelope(void(client, "FP-VABCA-PAID", headers={}), 401, "4010000")
    assert finpay.order("FP-VABCA-PAID")["status"] == "PAID"


def test_the_journal_says_void_and_faults_match_it(client, finpay):
    assert client.post("/_sim/faults", json={"provider": "finpay", "endpoint": "void", "action": "status",
                                             "status": 503, "times": 1}).status_code == 201
    assert_envelope(void(client, "FP-VABCA-PAID"), 503, "5030000")
    assert finpay.order("FP-VABCA-PAID")["status"] == "PAID"
    assert_envelope(void(client, "FP-VABCA-PAID"), 200, "2000000")
    entry = finpay.last_journal()
    assert (entry["endpoint"], entry["order_id"], entry["merchant"]) == ("void", "FP-VABCA-PAID", "FNPSIM01")


def test_a_void_sends_a_callback(notified):
    notified.client.get("/pg/payment/card/void/FP-VABCA-PAID", headers=GOOD_AUTH)
    [received] = notified.receiver.wait_for(1)
    assert received.json()["result"]["payment"]["status"] == "CANCELLED"
    assert received.json()["order"]["id"] == "FP-VABCA-PAID"
