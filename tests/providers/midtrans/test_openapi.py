"""Midtrans' OpenAPI document is true: a real call for every documented response."""

from __future__ import annotations

from simulator.providers.midtrans.rules import IDEMPOTENCY_TTL
from tests.provider_contract import ProviderContract, oversized

from .conftest import SERVER_KEY, basic

AUTH = basic(SERVER_KEY)
WRONG = basic("SB-Mid-server-WRONG")


def in_flight(client, action: str):
    """A retry while the first call with the same Idempotency-Key is still processing."""
    sandbox = client.application.extensions["sandbox"]
    sandbox.replay_cache("midtrans-idempotency", IDEMPOTENCY_TTL).claim("G000000001\nK-1", "")
    return client.post(f"/v2/MT-VA-BCA-PENDING/{action}", headers={**AUTH, "Idempotency-Key": "K-1"})


def action_calls(action: str) -> dict:
    template = f"/v2/{{id}}/{action}"
    return {
        (template, "post", "200"): lambda c: c.post(f"/v2/MT-VA-BCA-PENDING/{action}", headers=AUTH),
        (template, "post", "202"): lambda c: in_flight(c, action),
        (template, "post", "400"): lambda c: c.post(f"/v2/MT-VA-BCA-PENDING/{action}", headers=AUTH,
                                                     data="{not json"),
        (template, "post", "401"): lambda c: c.post(f"/v2/MT-VA-BCA-PENDING/{action}", headers=WRONG),
        (template, "post", "413"): lambda c: c.post(f"/midtrans/v2/MT-VA-BCA-PENDING/{action}",
                                                     headers=AUTH, data=oversized(c)),
    }


CHARGE = {"payment_type": "bank_transfer", "bank_transfer": {"bank": "bca"},
          "transaction_details": {"order_id": "doc-1", "gross_amount": 44145}}
SNAP = {"transaction_details": {"order_id": "doc-snap", "gross_amount": 200000}}
TOKEN = {"card_number": "4811111111111114", "card_exp_month": "12", "card_exp_year": "2030",
         "card_cvv": "123", "client_key": "SB-Mid-client-SIMULATOR-KEY"}


def claimed(client, path: str, body: dict):
    """A retry while the first call with the same Idempotency-Key is still processing."""
    sandbox = client.application.extensions["sandbox"]
    sandbox.replay_cache("midtrans-idempotency", IDEMPOTENCY_TTL).claim("G000000001\nK-2", "")
    return client.post(path, json=body, headers={**AUTH, "Idempotency-Key": "K-2"})


def create_calls() -> dict:
    return {
        ("/v2/charge", "post", "200"): lambda c: c.post("/v2/charge", json=CHARGE, headers=AUTH),
        ("/v2/charge", "post", "202"): lambda c: claimed(c, "/v2/charge", CHARGE),
        ("/v2/charge", "post", "400"): lambda c: c.post("/v2/charge", json={**CHARGE, "payment_type": 7},
                                                         headers=AUTH),
        ("/v2/charge", "post", "401"): lambda c: c.post("/v2/charge", json=CHARGE, headers=WRONG),
        ("/v2/charge", "post", "413"): lambda c: c.post("/midtrans/v2/charge", headers=AUTH, data=oversized(c)),
        ("/v2/token", "get", "200"): lambda c: c.get("/v2/token", query_string=TOKEN),
        ("/v2/token", "get", "400"): lambda c: c.get("/v2/token", query_string={**TOKEN, "card_cvv": "x"}),
        ("/v2/token", "get", "401"): lambda c: c.get("/v2/token", query_string={**TOKEN, "client_key": "no"}),
        ("/snap/v1/transactions", "post", "201"): lambda c: c.post("/snap/v1/transactions", json=SNAP, headers=AUTH),
        ("/snap/v1/transactions", "post", "202"): lambda c: claimed(c, "/snap/v1/transactions", SNAP),
        ("/snap/v1/transactions", "post", "400"): lambda c: c.post("/snap/v1/transactions", json={}, headers=AUTH),
        ("/snap/v1/transactions", "post", "401"): lambda c: c.post("/snap/v1/transactions", json=SNAP,
                                                                    headers=WRONG),
        ("/snap/v1/transactions", "post", "413"): lambda c: c.post("/midtrans/snap/v1/transactions",
                                                                    headers=AUTH, data=oversized(c)),
    }


class TestMidtransDocument(ProviderContract):
    PROVIDER = "midtrans"
    CALLS = {
        **create_calls(),
        **action_calls("cancel"),
        **action_calls("expire"),
        ("/v2/{id}/status", "get", "200"): lambda c: c.get("/v2/sim-order-1001/status", headers=AUTH),
        ("/v2/{id}/status", "get", "401"): lambda c: c.get("/v2/sim-order-1001/status"),
    }


def test_business_refusals_under_200_match_the_error_branch(client):
    contract = TestMidtransDocument().contract
    for path in ("/v2/NOPE/cancel", "/v2/MT-VA-BCA-SETTLEMENT/cancel", "/v2/MT-VA-BCA-SETTLEMENT/expire"):
        response = client.post(path, headers=AUTH)
        assert response.status_code == 200 and response.get_json()["status_code"] in ("404", "412")
        contract.check(path.replace(path.split("/")[2], "{id}"), "post", response)
    contract.check("/v2/{id}/status", "get", client.get("/v2/NOPE/status", headers=AUTH))


def test_the_status_of_every_seeded_order_matches(client):
    contract = TestMidtransDocument().contract
    for order in client.get("/_sim/orders?provider=midtrans").get_json()["orders"]:
        contract.check("/v2/{id}/status", "get", client.get(f"/v2/{order['order_id']}/status", headers=AUTH))


def test_every_create_answer_matches(client):
    contract = TestMidtransDocument().contract
    token = client.get("/v2/token", query_string=TOKEN).get_json()["token_id"]
    bodies = [
        {**CHARGE, "transaction_details": {"order_id": "doc-2", "gross_amount": 1}},
        {"payment_type": "permata", "transaction_details": {"order_id": "doc-3", "gross_amount": 1}},
        {"payment_type": "echannel", "echannel": {"bill_info1": "a", "bill_info2": "b"},
         "transaction_details": {"order_id": "doc-4", "gross_amount": 1}},
        {"payment_type": "gopay", "transaction_details": {"order_id": "doc-5", "gross_amount": 1}},
        {"payment_type": "qris", "transaction_details": {"order_id": "doc-6", "gross_amount": 1}},
        {"payment_type": "credit_card", "credit_card": {"token_id": token},
         "transaction_details": {"order_id": "doc-7", "gross_amount": 1}},
        {"payment_type": "credit_card", "credit_card": {"token_id": "used"},
         "transaction_details": {"order_id": "doc-8", "gross_amount": 1}},
        {"payment_type": "cstore", "transaction_details": {"order_id": "doc-9", "gross_amount": 1}},
        {**CHARGE, "transaction_details": {"order_id": "doc-2", "gross_amount": 1}},
    ]
    for body in bodies:
        contract.check("/v2/charge", "post", client.post("/v2/charge", json=body, headers=AUTH))
    contract.check("/v2/charge", "post", client.post("/v2/charge", data="{", headers=AUTH))
