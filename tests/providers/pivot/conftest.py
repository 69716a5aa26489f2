"""Pivot test helpers: the default scenario's merchants, an access token, Bearer headers,
and a small HS256 signer written here, independent of the simulator's `tokens` module."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

MERCHANT_ID = "7d2c1e4a-0b6f-4c1d-9a3e-5f8b2c7d1e90"
MERCHANT_SECRET = "pivot-sim-merchant-secret-0001"
OTHER_MERCHANT_ID = "2f8e4b1c-6d3a-4e9f-8b7c-1a5d9e3f6c24"
OTHER_MERCHANT_SECRET = "pivot-sim-merchant-secret-0002"
# the key the fact sheet's sample token was signed with (the simulator signs with a random
# key of its run, `sandbox.signing_key("pivot-jwt")`)
SHEET_KEY = b"pivot-sim-jwt-secret-0001"

# fixed session ids of simulator/bundled_scenarios/default.yaml
SAMPLE_SESSION = "f5011fb2-e205-46ad-ac20-481429ba1d32"        # REQUIRE_PAYMENT_METHOD
VA_CONFIRMATION_SESSION = "3c4a9f2e-1b7d-4e8a-9c6f-2d5b8e1a7f30"  # REQUIRE_CONFIRMATION
QR_ACTION_SESSION = "6e2b8d41-9f3c-4a7e-b1d5-8c0f2a6e9b47"       # REQUIRE_ACTION
VA_PAID_SESSION = "9a7f3e12-4c8b-4d6a-a2e9-5b1c7d3f8e64"         # PAID
OTHER_MERCHANT_SESSION = "b4d8e2a6-7c1f-4b9e-8d3a-1f6c9e2b5a08"  # PVT-002, REQUIRE_CONFIRMATION

TOKEN_HEADERS = {"X-MERCHANT-ID": MERCHANT_ID, "X-MERCHANT-SECRET": MERCHANT_SECRET}
GRANT = {"grantType": "client_credentials"}


def b64url(data: bytes) -> str:
    return base64.b64encode(data).decode().replace("+", "-").replace("/", "_").rstrip("=")


def hs256(header: dict, claims: dict, key: bytes) -> str:
    """An HS256 JWT built by hand (not with the simulator's code)."""
    head = b64url(json.dumps(header, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(mac)}"


def decode_part(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture(autouse=True)
def frozen_clock(client):
    """Freeze the simulator clock so token lifetimes and timestamps are exact."""
    assert client.post("/_sim/clock", json={"frozen": True}).status_code == 200


def get_token(client, merchant_id=MERCHANT_ID, secret=MERCHANT_SECRET) -> str:
    response = client.post("/v1/access-token", json=GRANT,
                           headers={"X-MERCHANT-ID": merchant_id, "X-MERCHANT-SECRET": secret})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]["accessToken"]


@pytest.fixture
def bearer(client) -> dict:
    return {"Authorization": f"Bearer {get_token(client)}"}


def sim_order(client, key: str) -> dict:
    response = client.get(f"/_sim/orders/pivot/{key}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def new_session(client, status: str, **fields) -> dict:
    """A fresh PVT-001 session through the control API (expiry 15 min unless told)."""
    body = {"provider": "pivot", "merchant": "PVT-001", "amount": 125000, "status": status, **fields}
    response = client.post("/_sim/orders", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def assert_pivot_error(response, http: int, code: str, detail: str | None = None) -> dict:
    assert response.status_code == http, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "error"}
    error = body["error"]
    assert set(error) == {"type", "source", "details", "traceId"}
    assert len(error["traceId"]) == 32 and int(error["traceId"], 16) >= 0
    assert error["details"][0]["field"] == ""
    if detail is not None:
        assert error["details"][0]["message"] == detail
    return body


def last_journal(client, **filters) -> dict:
    entries = client.get("/_sim/journal", query_string={"provider": "pivot", **filters}).get_json()["entries"]
    assert entries
    return entries[-1]
