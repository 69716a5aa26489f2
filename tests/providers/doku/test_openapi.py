"""DOKU's OpenAPI document is true: a real call for every documented response."""

from __future__ import annotations

import json

from tests.provider_contract import ProviderContract, oversized

from .client import CANCEL, NO_CANCEL_CLIENT_ID, NO_CANCEL_SECRET, call, cancel, cancel_body

STATUS = "/orders/v1/status/{key}"
CREATE = "/checkout/v1/payment"
CHECKOUT = json.dumps({"order": {"amount": 150000, "invoice_number": "INV-DOC-1"},
                       "payment": {"payment_method_types": ["QRIS"]}}).encode()


def created_twice(client):
    call(client, "POST", CREATE, CHECKOUT, request_id="R-C")
    return call(client, "POST", CREATE, CHECKOUT, request_id="R-C")


def twice(client):
    cancel(client, "DK-VA-DOKU-PENDING", request_id="R-1")
    return cancel(client, "DK-VA-DOKU-PENDING", request_id="R-1")


class TestDokuDocument(ProviderContract):
    PROVIDER = "doku"
    CALLS = {
        (CREATE, "post", "200"): lambda c: call(c, "POST", CREATE, CHECKOUT),
        (CREATE, "post", "400"): lambda c: call(c, "POST", CREATE, b'{"order": {"amount": 0}}'),
        (CREATE, "post", "409"): created_twice,
        (CREATE, "post", "413"): lambda c: call(c, "POST", CREATE, oversized(c)),
        (CANCEL, "post", "200"): lambda c: cancel(c, "DK-VA-DOKU-PENDING"),
        (CANCEL, "post", "400"): lambda c: cancel(c, "DK-VA-DOKU-PENDING", drop=("Signature",)),
        (CANCEL, "post", "404"): lambda c: call(c, "POST", CANCEL, cancel_body("NOPE", "NOPE")),
        (CANCEL, "post", "409"): twice,
        (CANCEL, "post", "413"): lambda c: call(c, "POST", CANCEL, oversized(c)),
        (STATUS, "get", "200"): lambda c: call(c, "GET", "/orders/v1/status/DK-VA-DOKU-PENDING"),
        (STATUS, "get", "400"): lambda c: call(c, "GET", "/orders/v1/status/DK-VA-DOKU-PENDING",
                                               timestamp="yesterday"),
        (STATUS, "get", "404"): lambda c: call(c, "GET", "/orders/v1/status/NOPE"),
    }


def test_every_kind_of_400_matches_the_document(client):
    contract = TestDokuDocument().contract
    answers = [cancel(client, "DK-VA-BCA-SUCCESS"),                          # business refusal
               call(client, "POST", CANCEL, b"[1]"),                         # body problem
               call(client, "POST", CANCEL, cancel_body("DK2-VA-BCA-PENDING", "x"),  # not activated
                    client_id=NO_CANCEL_CLIENT_ID, secret=NO_CANCEL_SECRET)]
    for response in answers:
        assert response.status_code == 400
        contract.check(CANCEL, "post", response)


def test_the_status_of_every_seeded_order_matches(client):
    contract = TestDokuDocument().contract
    for order in client.get("/_sim/orders?provider=doku").get_json()["orders"]:
        if order["merchant"] == "MCH-0001-10791114622547":
            contract.check(STATUS, "get", call(client, "GET", f"/orders/v1/status/{order['order_id']}"))
