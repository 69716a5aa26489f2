"""Finpay's OpenAPI document is true: a real call for every documented response."""

from __future__ import annotations

from tests.provider_contract import ProviderContract, oversized

from .conftest import GOOD_AUTH

CANCEL = "/pg/payment/card/cancel/{orderId}"
CHECK = "/pg/payment/card/check/{orderId}"
VOID = "/pg/payment/card/void/{orderId}"
VOID_BODY = "/pg/payment/card/void"


class TestFinpayDocument(ProviderContract):
    PROVIDER = "finpay"
    CALLS = {
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
