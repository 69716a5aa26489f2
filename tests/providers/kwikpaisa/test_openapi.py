"""KwikPaisa's OpenAPI document is true: a real call for every documented response."""

from __future__ import annotations

from tests.provider_contract import ProviderContract, oversized

from .conftest import CANCEL, STATUS, KwikPaisaClient


def kp(client) -> KwikPaisaClient:
    kit = KwikPaisaClient(client)
    kit.freeze()
    return kit


def calls(path: str, call) -> dict:
    return {
        (path, "post", "400"): lambda c: kp(c).call(path, {"order": 1}),
        (path, "post", "401"): lambda c: kp(c).call(path, {"order_id": 6116229263036}, signature="bad"),
        (path, "post", "404"): lambda c: call(kp(c), 404404),
        (path, "post", "409"): lambda c: call(kp(c), "KP2-UPI-UN_PAID"),
        (path, "post", "413"): lambda c: kp(c).call(path, raw=oversized(c)),
    }


CREATE = "/api/v3/pg/order/create"
NEW = {"order_id": "DOC-1", "order_amount": 105, "order_currency": "INR", "service_type": "DIGITAL",
       "customer": {"name": "A", "email": "a@example.test", "phone": "9999999999"},
       "return_url": "https://m.example/r"}


class TestKwikPaisaDocument(ProviderContract):
    PROVIDER = "kwikpaisa"
    CALLS = {
        (CREATE, "post", "200"): lambda c: kp(c).call(CREATE, NEW),
        (CREATE, "post", "400"): lambda c: kp(c).call(CREATE, {**NEW, "customer": None}),
        (CREATE, "post", "401"): lambda c: kp(c).call(CREATE, NEW, signature="bad"),
        (CREATE, "post", "409"): lambda c: [kp(c).call(CREATE, NEW), kp(c).call(CREATE, NEW)][1],
        (CREATE, "post", "413"): lambda c: kp(c).call(CREATE, raw=oversized(c)),
        (CREATE, "post", "422"): lambda c: kp(c).call(CREATE, {**NEW, "order_amount": 0}),
        **calls(CANCEL, KwikPaisaClient.cancel),
        (CANCEL, "post", "200"): lambda c: kp(c).cancel(6116229263036),
        (CANCEL, "post", "422"): lambda c: kp(c).cancel(6116229263038),
        **calls(STATUS, KwikPaisaClient.status),
        (STATUS, "post", "200"): lambda c: kp(c).status("6116229263036"),
    }


def test_the_status_of_every_seeded_order_matches(client):
    contract, kit = TestKwikPaisaDocument().contract, kp(client)
    for order in client.get("/_sim/orders?provider=kwikpaisa&merchant=KP-001").get_json()["orders"]:
        contract.check(STATUS, "post", kit.status(order["order_id"]))
