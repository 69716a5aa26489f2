"""Finpay's OpenAPI document is true: a real call for every documented response."""

from __future__ import annotations

from tests.provider_contract import ProviderContract, oversized

from .conftest import GOOD_AUTH

CANCEL = "/pg/payment/card/cancel/{orderId}"
CHECK = "/pg/payment/card/check/{orderId}"
VOID = "/pg/payment/card/void/{orderId}"
VOID_BODY = "/pg/payment/card/void"
INITIATE = "/pg/payment/card/initiate"
NEW = {"customer": {"email": "b@example.test", "firstName": "B", "mobilePhone": "+6281286288844"},
       "order": {"id": "DOC-FP-1", "amount": "22000"}, "url": {"callbackUrl": "http://127.0.0.1:9/cb"}}


class TestFinpayDocument(ProviderContract):
    PROVIDER = "finpay"
    CALLS = {
        (INITIATE, "post", "200"): lambda c: c.post(INITIATE, headers=GOOD_AUTH, json={**NEW, "sourceOfFunds": {"type": "qris"}}),
        (INITIATE, "post", "400"): lambda c: c.post(INITIATE, headers=GOOD_AUTH, json={}),
        (INITIATE, "post", "401"): lambda c: c.post(INITIATE, json=NEW),
        (INITIATE, "post", "403"): lambda c: c.post(INITIATE, headers=GOOD_AUTH, json={**NEW, "sourceOfFunds": {"type": "x"}}),
        (INITIATE, "post", "409"): lambda c: [c.post(INITIATE, headers=GOOD_AUTH, json=NEW),
                                              c.post(INITIATE, headers=GOOD_AUTH, json=NEW)][1],
        (INITIATE, "post", "413"): lambda c: c.post(INITIATE, headers=GOOD_AUTH, data=oversized(c)),
        (CANCEL, "get", "200"): lambda c: c.get("/pg/payment/card/cancel/FP-VABCA-PENDING", headers=GOOD_AUTH),
        (CANCEL, "get", "400"): lambda c: c.get("/pg/payment/card/cancel/FP-VABCA-PENDING", headers=GOOD_AUTH,
                                                json={"order": {"amount": "1"}}),
        (CANCEL, "get", "401"): lambda c: c.get("/pg/payment/card/cancel/FP-VABCA-PENDING"),
        (CANCEL, "get", "404"): lambda c: c.get("/pg/payment/card/cancel/FP-VABCA-PAID", headers=GOOD_AUTH),
        (CANCEL, "get", "413"): lambda c: c.get("/finpay/pg/payment/card/cancel/FP-VABCA-PENDING",
                                                headers=GOOD_AUTH, data=oversized(c)),
        (VOID, "get", "200"): lambda c: c.get("/pg/payment/card/void/FP-VABCA-PAID", headers=GOOD_AUTH),
        (VOID, "get", "400"): lambda c: c.get("/pg/payment/card/void/FP-VABCA-PAID", headers=GOOD_AUTH,
                                              json={"order": {"amount": "1"}}),
        (VOID, "get", "401"): lambda c: c.get("/pg/payment/card/void/FP-VABCA-PAID"),
        (VOID, "get", "403"): lambda c: c.get("/pg/payment/card/void/FP-VABCA-PENDING", headers=GOOD_AUTH),
        (VOID, "get", "404"): lambda c: c.get("/pg/payment/card/void/NOPE", headers=GOOD_AUTH),
        (VOID, "get", "413"): lambda c: c.get("/pg/payment/card/void/FP-VABCA-PAID", headers=GOOD_AUTH,
                                              data=oversized(c)),
        (VOID_BODY, "post", "200"): lambda c: c.post(VOID_BODY, headers=GOOD_AUTH,
                                                     json={"order": {"id": "FP-CC-PAID"}}),
        (VOID_BODY, "post", "400"): lambda c: c.post(VOID_BODY, headers=GOOD_AUTH, json={}),
        (VOID_BODY, "post", "401"): lambda c: c.post(VOID_BODY, json={"order": {"id": "FP-CC-PAID"}}),
        (VOID_BODY, "post", "403"): lambda c: c.post(VOID_BODY, headers=GOOD_AUTH,
                                                     json={"order": {"id": "FP-VABCA-PENDING"}}),
        (VOID_BODY, "post", "404"): lambda c: c.post(VOID_BODY, headers=GOOD_AUTH, json={"order": {"id": "NOPE"}}),
        (VOID_BODY, "post", "413"): lambda c: c.post(VOID_BODY, headers=GOOD_AUTH, data=oversized(c)),
        (CHECK, "get", "200"): lambda c: c.get("/pg/payment/card/check/SIM-FP-0001", headers=GOOD_AUTH),
        (CHECK, "get", "400"): lambda c: c.get("/pg/payment/card/check/not.an.id", headers=GOOD_AUTH),
        (CHECK, "get", "401"): lambda c: c.get("/pg/payment/card/check/SIM-FP-0001"),
        (CHECK, "get", "404"): lambda c: c.get("/pg/payment/card/check/NOPE", headers=GOOD_AUTH),
    }


def test_the_status_of_every_seeded_order_matches(client):
    contract = TestFinpayDocument().contract
    for order in client.get("/_sim/orders?provider=finpay").get_json()["orders"]:
        contract.check(CHECK, "get", client.get(f"/pg/payment/card/check/{order['order_id']}",
                                                headers=GOOD_AUTH))
