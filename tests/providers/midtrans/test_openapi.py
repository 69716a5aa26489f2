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


class TestMidtransDocument(ProviderContract):
    PROVIDER = "midtrans"
    CALLS = {
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
