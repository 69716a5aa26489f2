"""POST /checkout/v3/cancellations over HTTP: the cancellability table, the error
catalogue, Request-Id idempotency and bad input — and the order is never changed by a
refused request."""

from __future__ import annotations

import json

import pytest

from .client import (CANCEL, CLIENT_ID, NO_CANCEL_CLIENT_ID, NO_CANCEL_SECRET, O2O_CLIENT_ID,
                     O2O_SECRET, call, cancel, cancel_body, original_request_id, sim_order)

PAID = {"message": ["ORDER ALREADY PAID"]}
REFUNDED = {"message": ["ORDER ALREADY REFUNDED"]}
EXPIRED = {"message": ["ORDER ALREADY EXPIRED"]}
CANCELLED = {"message": ["ORDER ALREADY CANCELLED"]}
NOT_SUPPORTED = {"message": ["PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION"]}
NOT_ACTIVATED = {"error": {"message": "Merchant not support cancel order, please do activation "
                                      "through DOKU dashboard."}}
NOT_FOUND = {"error": {"code": "order_not_found", "message": "Order not found",
                       "type": "invalid_request_error"}}

MERCHANT_1 = {}
MERCHANT_2 = {"client_id": NO_CANCEL_CLIENT_ID, "secret": NO_CANCEL_SECRET}
MERCHANT_3 = {"client_id": O2O_CLIENT_ID, "secret": O2O_SECRET}

# (order, caller, HTTP status, body or None for success) — the sheet's §1/§5 tables
TABLE = [
    # statuses on a supported channel
    ("DK-NOCHANNEL-ORDER_GENERATED", MERCHANT_1, 200, None),
    ("DK-NOCHANNEL-ORDER_RECOVERED", MERCHANT_1, 200, None),
    ("DK-VA-BCA-ORDER_GENERATED", MERCHANT_1, 200, None),
    ("DK-VA-BCA-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-BCA-FAILED", MERCHANT_1, 200, None),
    ("DK-VA-BCA-SUCCESS", MERCHANT_1, 400, PAID),
    ("DK-VA-BCA-EXPIRED", MERCHANT_1, 400, EXPIRED),
    ("DK-VA-BCA-REFUNDED", MERCHANT_1, 400, REFUNDED),
    ("DK-VA-BCA-CANCELLED", MERCHANT_1, 400, CANCELLED),
    ("DK-QRIS-ORDER_GENERATED", MERCHANT_1, 200, None),
    ("DK-QRIS-PENDING", MERCHANT_1, 200, None),
    ("DK-QRIS-FAILED", MERCHANT_1, 200, None),
    ("DK-QRIS-SUCCESS", MERCHANT_1, 400, PAID),
    ("DK-QRIS-EXPIRED", MERCHANT_1, 400, EXPIRED),
    ("DK-QRIS-REFUNDED", MERCHANT_1, 400, REFUNDED),
    ("DK-QRIS-CANCELLED", MERCHANT_1, 400, CANCELLED),
    # channel-only in-flight states, and a paid card (status is checked before channel)
    ("DK-CREDIT-CARD-REDIRECT", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-EMONEY-OVO-TIMEOUT", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-CREDIT-CARD-SUCCESS", MERCHANT_1, 400, PAID),
    # every channel, unpaid: VA except BTN, BNC, BPD, OCBC; QRIS above; nothing else
    ("DK-VA-MANDIRI-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-SYARIAH-MANDIRI-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-BRI-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-BNI-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-PERMATA-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-CIMB-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-DANAMON-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-DOKU-PENDING", MERCHANT_1, 200, None),
    ("DK-VA-BTN-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-VA-BNC-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-VA-BPD-BALI-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-VA-OCBC-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-O2O-ALFA-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),        # flag off by default
    ("DK-O2O-INDOMARET-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-CREDIT-CARD-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-EMONEY-OVO-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-EMONEY-SHOPEEPAY-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-EMONEY-DANA-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-EMONEY-LINKAJA-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-DIRECT-DEBIT-BRI-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-PEER-TO-PEER-AKULAKU-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-PEER-TO-PEER-KREDIVO-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    ("DK-JENIUS-PAY-PENDING", MERCHANT_1, 400, NOT_SUPPORTED),
    # convenience store with the merchant's flag on
    ("DK3-O2O-ALFA-PENDING", MERCHANT_3, 200, None),
    ("DK3-O2O-INDOMARET-PENDING", MERCHANT_3, 200, None),
    # Cancel Order not activated: whatever the order's state
    ("DK2-VA-BCA-PENDING", MERCHANT_2, 400, NOT_ACTIVATED),
    ("DK2-VA-BCA-SUCCESS", MERCHANT_2, 400, NOT_ACTIVATED),
]


@pytest.mark.parametrize("order_id, caller, status, body", TABLE, ids=[row[0] for row in TABLE])
def test_cancellability_table(client, order_id, caller, status, body):
    before = sim_order(client, order_id)
    response = cancel(client, order_id, **caller)
    assert response.status_code == status
    after = sim_order(client, order_id)
    if body is None:
        assert response.json == {"message": ["SUCCESS"], "response": {
            "order": {"invoice_number": order_id, "status": "CANCELLED"},
            "payment": {"original_request_id": before["transaction_id"]},
            "note": "cancel order"}}
        assert after["status"] == "CANCELLED"
        assert after["history"][-1]["source"] == "api"
    else:
        assert response.json == body
        assert (after["status"], after["version"]) == (before["status"], before["version"])


def test_every_seeded_doku_channel_is_in_the_table(client):
    seeded = {o["channel"] for o in client.get("/_sim/orders?provider=doku").json["orders"]}
    from simulator.providers.doku.rules import CHANNEL_IDS
    assert seeded >= set(CHANNEL_IDS)
    tabled = {row[0] for row in TABLE}
    for channel in CHANNEL_IDS:
        assert any(sim_order(client, oid)["channel"] == channel for oid in tabled), channel


def test_second_cancel_is_refused(client):
    assert cancel(client, "DK-VA-BCA-PENDING").status_code == 200
    response = cancel(client, "DK-VA-BCA-PENDING")
    assert (response.status_code, response.json) == (400, CANCELLED)


# -- not found ---------------------------------------------------------------------------------

def test_unknown_invoice(client):
    response = call(client, "POST", CANCEL, cancel_body("NO-SUCH-INVOICE", "x"))
    assert (response.status_code, response.json) == (404, NOT_FOUND)


def test_original_request_id_of_another_order(client):
    other = original_request_id(client, "DK-QRIS-PENDING")
    response = call(client, "POST", CANCEL, cancel_body("DK-VA-BCA-PENDING", other))
    assert (response.status_code, response.json) == (404, NOT_FOUND)
    assert sim_order(client, "DK-VA-BCA-PENDING")["status"] == "PENDING"
    assert sim_order(client, "DK-QRIS-PENDING")["status"] == "PENDING"


def test_invoice_number_given_as_original_request_id(client):
    response = call(client, "POST", CANCEL, cancel_body("DK-VA-BCA-PENDING", "DK-VA-BCA-PENDING"))
    assert (response.status_code, response.json) == (404, NOT_FOUND)


def test_another_merchants_order_is_not_found(client):
    response = call(client, "POST", CANCEL, cancel_body(
        "DK2-VA-BCA-PENDING", original_request_id(client, "DK2-VA-BCA-PENDING")))
    assert (response.status_code, response.json) == (404, NOT_FOUND)
    assert sim_order(client, "DK2-VA-BCA-PENDING")["status"] == "PENDING"


def test_not_activated_is_answered_before_the_lookup(client):
    response = call(client, "POST", CANCEL, cancel_body("NO-SUCH-INVOICE", "x"), **MERCHANT_2)
    assert (response.status_code, response.json) == (400, NOT_ACTIVATED)


# -- Request-Id idempotency --------------------------------------------------------------------

def _body(client, order_id="DK-VA-BCA-PENDING", note="cancel order"):
    return cancel_body(order_id, original_request_id(client, order_id), note)


def test_same_request_id_same_body_gets_409_with_the_original_response(client):
    body = _body(client)
    first = call(client, "POST", CANCEL, body, request_id="idem-1")
    assert first.status_code == 200
    again = call(client, "POST", CANCEL, body, request_id="idem-1", timestamp="2026-01-15T03:00:05Z")
    assert again.status_code == 409
    assert again.json == first.json
    assert len(sim_order(client, "DK-VA-BCA-PENDING")["history"]) == 2     # cancelled once


def test_same_request_id_different_body_is_idempotent_request(client):
    assert call(client, "POST", CANCEL, _body(client), request_id="idem-2").status_code == 200
    response = call(client, "POST", CANCEL, _body(client, "DK-QRIS-PENDING"), request_id="idem-2")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "idempotent_request"
    assert response.json["error"]["type"] == "invalid_request_error"
    assert sim_order(client, "DK-QRIS-PENDING")["status"] == "PENDING"


def test_a_refused_answer_is_remembered_too(client):
    body = _body(client, "DK-VA-BCA-SUCCESS")
    first = call(client, "POST", CANCEL, body, request_id="idem-3")
    again = call(client, "POST", CANCEL, body, request_id="idem-3")
    assert (first.status_code, again.status_code) == (400, 409)
    assert again.json == first.json == PAID


def test_a_request_refused_by_its_signature_is_not_remembered(client):
    body = _body(client)
    assert call(client, "POST", CANCEL, body, request_id="idem-4", secret="SK-WRONG").status_code == 400
    assert call(client, "POST", CANCEL, body, request_id="idem-4").status_code == 200


def test_request_ids_are_per_merchant(client):
    assert call(client, "POST", CANCEL, _body(client), request_id="shared-id").status_code == 200
    response = call(client, "POST", CANCEL, _body(client, "DK3-O2O-ALFA-PENDING"),
                    request_id="shared-id", **MERCHANT_3)
    assert response.status_code == 200


def test_reset_forgets_request_ids(client):
    body = _body(client)
    assert call(client, "POST", CANCEL, body, request_id="idem-5").status_code == 200
    client.post("/_sim/reset")
    client.post("/_sim/clock", json={"set": "2026-01-15T03:00:00Z", "frozen": True})
    assert call(client, "POST", CANCEL, _body(client), request_id="idem-5").status_code == 200


# -- bad input: DOKU's envelope, a message naming the problem, the order unchanged --------------

def _unchanged(client, order_id="DK-VA-BCA-PENDING"):
    order = sim_order(client, order_id)
    assert (order["status"], order["version"]) == ("PENDING", 0)


def _fields(client, **changes):
    body = json.loads(_body(client))
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = body
        for part in parents:
            node = node[part]
        if value is KeyError:
            del node[leaf]
        else:
            node[leaf] = value
    return json.dumps(body).encode()


@pytest.mark.parametrize("changes, messages", [
    ({"order__invoice_number": KeyError}, ["order.invoice_number is required"]),
    ({"payment__original_request_id": KeyError}, ["payment.original_request_id is required"]),
    ({"note": KeyError}, ["note is required"]),
    ({"order": KeyError, "note": KeyError},
     ["order.invoice_number is required", "note is required"]),
    ({"payment": None}, ["payment.original_request_id is required"]),
    ({"note": ""}, ["note is required"]),
    ({"note": 5}, ["note must be a string, not a number"]),
    ({"order__invoice_number": ["DK-VA-BCA-PENDING"]}, ["order.invoice_number must be a string, not an array"]),
    ({"note": "x" * 256}, ["note must be at most 255 characters"]),
    ({"order__invoice_number": "I" * 65}, ["order.invoice_number must be at most 64 characters"]),
])
def test_bad_fields(client, changes, messages):
    response = call(client, "POST", CANCEL, _fields(client, **changes))
    assert (response.status_code, response.json) == (400, {"message": messages})
    _unchanged(client)


def test_unknown_keys_are_ignored(client):
    body = json.loads(_body(client))
    body.update(client={"id": CLIENT_ID}, cancel={"reason": "x"})
    assert call(client, "POST", CANCEL, json.dumps(body).encode()).status_code == 200


@pytest.mark.parametrize("raw, message", [
    (b'{"order": {', "request body is not valid JSON"),
    (b"", "request body is empty; expected a JSON object"),
    (b"[1, 2]", "request body must be a JSON object, not an array"),
    (b"{\"note\": \"\xc3\x28\"}", "request body is not UTF-8 text"),
])
def test_malformed_body(client, raw, message):
    response = call(client, "POST", CANCEL, raw)
    assert response.status_code == 400
    assert response.json["message"][0].startswith(message)
    _unchanged(client)


def test_body_over_one_mebibyte(client):
    body = _fields(client, note="x" * (1024 * 1024))
    response = call(client, "POST", CANCEL, body)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert "1048576 bytes" in response.json["error"]["message"]
    _unchanged(client)


def test_odd_characters_in_the_invoice_number(client):
    response = call(client, "POST", CANCEL, cancel_body("INV/../ü\u0000<script>", "x"))
    assert (response.status_code, response.json) == (404, NOT_FOUND)


# -- generic errors in DOKU's shape --------------------------------------------------------------

@pytest.mark.parametrize("method, path, status, code", [
    ("GET", CANCEL, 405, "method_not_allowed"),
    ("GET", "/doku" + CANCEL, 405, "method_not_allowed"),
    ("POST", "/checkout/v9/unknown", 404, "not_found"),
    ("GET", "/doku/anything", 404, "not_found"),
])
def test_generic_errors(client, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
