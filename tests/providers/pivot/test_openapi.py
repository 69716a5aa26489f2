"""Pivot's OpenAPI document is true: a real call for every documented response."""

from __future__ import annotations

import uuid

from tests.provider_contract import ProviderContract, oversized

from .conftest import (GRANT, OTHER_MERCHANT_SESSION, QR_ACTION_SESSION, SAMPLE_SESSION, TOKEN_HEADERS,
                       VA_PAID_SESSION, get_token)

TOKEN = "/v1/access-token"
CANCEL = "/v2/payments/{id}/cancel"
SESSION = "/v2/payments/{id}"
LIST = "/v2/payments"
REASON = {"cancellationReason": "REQUESTED_BY_CUSTOMER"}


def bearer(client) -> dict:
    return {"Authorization": f"Bearer {get_token(client)}"}


def cancel(client, session: str, body=None, **kwargs):
    return client.post(f"/v2/payments/{session}/cancel", json=REASON if body is None else body,
                       headers=bearer(client), **kwargs)


NEW = {"clientReferenceId": "DOC-PV-1", "amount": {"value": 10000}}


def create(client, body, key=None):
    return client.post(LIST, json=body, headers={**bearer(client), "X-REQUEST-ID": key or uuid.uuid4().hex})


class TestPivotDocument(ProviderContract):
    PROVIDER = "pivot"
    CALLS = {
        (LIST, "post", "200"): lambda c: create(c, NEW),
        (LIST, "post", "400"): lambda c: create(c, {**NEW, "amount": {"value": 0}}),
        (LIST, "post", "401"): lambda c: c.post(LIST, json=NEW, headers={"X-REQUEST-ID": "k" * 16}),
        (LIST, "post", "409"): lambda c: [create(c, NEW, "k" * 16), create(c, {**NEW, "clientReferenceId": "X"}, "k" * 16)][1],
        (LIST, "post", "413"): lambda c: c.post(LIST, data=oversized(c), content_type="application/json",
                                                headers={**bearer(c), "X-REQUEST-ID": "k" * 16}),
        (LIST, "post", "422"): lambda c: create(c, {**NEW, "amount": {"value": 10000.5}}),
        (TOKEN, "post", "200"): lambda c: c.post(TOKEN, json=GRANT, headers=TOKEN_HEADERS),
        (TOKEN, "post", "400"): lambda c: c.post(TOKEN, json={"grantType": "password"}, headers=TOKEN_HEADERS),
        (TOKEN, "post", "401"): lambda c: c.post(TOKEN, json=GRANT),
        (TOKEN, "post", "413"): lambda c: c.post(TOKEN, data=oversized(c), headers=TOKEN_HEADERS),
        (CANCEL, "post", "200"): lambda c: cancel(c, SAMPLE_SESSION),
        (CANCEL, "post", "400"): lambda c: cancel(c, SAMPLE_SESSION, {}),
        (CANCEL, "post", "401"): lambda c: c.post(f"/v2/payments/{SAMPLE_SESSION}/cancel", json=REASON),
        (CANCEL, "post", "413"): lambda c: c.post(f"/v2/payments/{SAMPLE_SESSION}/cancel", data=oversized(c),
                                                  headers=bearer(c)),
        (CANCEL, "post", "422"): lambda c: cancel(c, VA_PAID_SESSION),
        (SESSION, "get", "200"): lambda c: c.get(f"/v2/payments/{SAMPLE_SESSION}", headers=bearer(c)),
        (LIST, "get", "200"): lambda c: c.get(LIST, query_string={"perPage": 5}, headers=bearer(c)),
        (LIST, "get", "400"): lambda c: c.get(LIST, query_string={"page": "x"}, headers=bearer(c)),
        (LIST, "get", "401"): lambda c: c.get(LIST),
        (SESSION, "get", "401"): lambda c: c.get(f"/v2/payments/{SAMPLE_SESSION}"),
        (SESSION, "get", "422"): lambda c: c.get(f"/v2/payments/{OTHER_MERCHANT_SESSION}", headers=bearer(c)),
    }


def test_a_refusal_while_waiting_for_the_customer_matches_the_400(client):
    response = cancel(client, QR_ACTION_SESSION)
    assert response.status_code == 400
    TestPivotDocument().contract.check(CANCEL, "post", response)


def test_every_seeded_session_matches(client):
    contract, auth = TestPivotDocument().contract, bearer(client)
    for order in client.get("/_sim/orders?provider=pivot&merchant=PVT-001").get_json()["orders"]:
        contract.check(SESSION, "get", client.get(f"/v2/payments/{order['transaction_id']}", headers=auth))
