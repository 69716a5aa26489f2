"""Pivot access tokens: the sheet's JWT vector, an independent HS256 implementation,
tampering, expiry on the simulator clock, and the journal's refusal notes."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from simulator.providers.pivot import tokens

from .conftest import (GRANT, MERCHANT_ID, OTHER_MERCHANT_ID, OTHER_MERCHANT_SECRET, SAMPLE_SESSION,
                       SHEET_KEY, TOKEN_HEADERS, assert_pivot_error, b64url, decode_part, get_token,
                       hs256, last_journal)

SHEET_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJiYWNrZW5kLXBvcnRhbCIsInN1YiI6IjdkMmMxZTRhLTBiNmYtNGMxZC05YTNlLTVmOGIyYzdkMWU5MCIs"
    "ImV4cCI6MTc3ODY2MDczNSwiY2xpZW50SWQiOiI3ZDJjMWU0YS0wYjZmLTRjMWQtOWEzZS01ZjhiMmM3ZDFlOTAiLCJt"
    "ZXJjaGFudElkIjoiN2QyYzFlNGEtMGI2Zi00YzFkLTlhM2UtNWY4YjJjN2QxZTkwIn0."
    "LhnVX1UsbtCff79nsuyZ_cCNCzU_cz-SOeJifJh7cIU")
SHEET_CLAIMS = {"iss": "backend-portal", "sub": MERCHANT_ID, "exp": 1778660735,
                "clientId": MERCHANT_ID, "merchantId": MERCHANT_ID}
INVALID_MESSAGE = ("Access token is invalid, please verify that the authentication is provided "
                   "and valid")
STATUS_PATH = f"/v2/payments/{SAMPLE_SESSION}"


@pytest.fixture
def run_key(sandbox) -> bytes:
    return sandbox.signing_key(tokens.SIGNING_KEY)


def independent_verify(token: str, key: bytes) -> dict:
    head, body, signature = token.split(".")
    expected = b64url(hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest())
    assert hmac.compare_digest(expected, signature)
    assert decode_part(head) == {"alg": "HS256", "typ": "JWT"}
    return decode_part(body)


# -- the sheet's vector and independent checks ------------------------------------------

def test_sheet_vector_is_reproduced_exactly():
    assert tokens.sign(tokens.access_claims(MERCHANT_ID, 1778660735), SHEET_KEY) == SHEET_TOKEN


def test_independent_signer_reproduces_the_sheet_vector():
    assert hs256({"alg": "HS256", "typ": "JWT"}, SHEET_CLAIMS, SHEET_KEY) == SHEET_TOKEN


def test_simulator_verifies_the_sheet_vector():
    assert tokens.verify(SHEET_TOKEN, SHEET_KEY) == SHEET_CLAIMS


def test_issued_token_verifies_independently(client, sandbox, run_key):
    response = client.post("/v1/access-token", json=GRANT, headers=TOKEN_HEADERS)
    assert response.status_code == 200
    body = response.get_json()
    assert body["code"] == "00" and body["message"] == "Success"
    assert body["data"]["expiresIn"] == "900" and body["data"]["tokenType"] == "Bearer"
    claims = independent_verify(body["data"]["accessToken"], run_key)
    assert list(claims) == ["iss", "sub", "exp", "clientId", "merchantId"]
    assert claims["iss"] == "backend-portal"
    assert claims["sub"] == claims["clientId"] == claims["merchantId"] == MERCHANT_ID
    assert claims["exp"] == int(sandbox.clock.now().timestamp()) + 900


def test_token_signed_by_independent_signer_is_accepted(client, sandbox, run_key):
    exp = int(sandbox.clock.now().timestamp()) + 60
    token = hs256({"alg": "HS256", "typ": "JWT"}, {**SHEET_CLAIMS, "exp": exp}, run_key)
    response = client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == SAMPLE_SESSION


def test_other_merchant_gets_its_own_token(client, run_key):
    claims = independent_verify(get_token(client, OTHER_MERCHANT_ID, OTHER_MERCHANT_SECRET), run_key)
    assert claims["merchantId"] == OTHER_MERCHANT_ID


# -- tampering ----------------------------------------------------------------------------

def _tampered(kind: str, token: str) -> str:
    head, body, signature = token.split(".")
    if kind == "payload changed":
        claims = decode_part(body)
        claims["merchantId"] = OTHER_MERCHANT_ID
        return f"{head}.{b64url(json.dumps(claims).encode())}.{signature}"
    if kind == "signature changed":
        return f"{head}.{body}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    if kind == "alg none":
        none_head = b64url(b'{"alg":"none","typ":"JWT"}')
        return f"{none_head}.{body}."
    if kind == "other key":
        return hs256({"alg": "HS256", "typ": "JWT"}, decode_part(body), key=b"not-the-key")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind, refused", [
    ("payload changed", "bad_signature"),
    ("signature changed", "bad_signature"),
    ("alg none", "wrong_algorithm"),
    ("other key", "bad_signature"),
])
def test_tampered_token_is_refused(client, kind, refused):
    token = _tampered(kind, get_token(client))
    response = client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    body = assert_pivot_error(response, 401, "credentials_invalid", "Request new access token")
    assert body["message"] == INVALID_MESSAGE
    assert body["error"]["type"] == "API_ERROR" and body["error"]["source"] == "UPSTREAM"
    assert last_journal(client)["notes"]["token"]["refused"] == refused


@pytest.mark.parametrize("header, refused", [
    (None, "missing_header"),
    ("Basic abc", "not_bearer"),
    ("Bearer", "not_bearer"),
    ("Bearer not-a-jwt", "malformed"),
    ("Bearer a.b.c", "malformed"),
    ("Bearer " + SHEET_TOKEN.replace(".", "", 1), "malformed"),
])
def test_bad_authorization_header_is_refused(client, header, refused):
    headers = {"Authorization": header} if header is not None else {}
    response = client.post(f"{STATUS_PATH}/cancel", headers=headers,
                           json={"cancellationReason": "DUPLICATED"})
    assert_pivot_error(response, 401, "credentials_invalid", "Request new access token")
    assert last_journal(client)["notes"]["token"]["refused"] == refused


def test_token_for_unknown_merchant_is_refused(client, sandbox, run_key):
    stranger = "00000000-0000-4000-8000-000000000000"
    exp = int(sandbox.clock.now().timestamp()) + 60
    token = hs256({"alg": "HS256", "typ": "JWT"}, {"iss": "backend-portal", "sub": stranger,
                                                   "exp": exp, "clientId": stranger,
                                                   "merchantId": stranger}, run_key)
    response = client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    assert_pivot_error(response, 401, "credentials_invalid")
    assert last_journal(client)["notes"]["token"]["refused"] == "unknown_merchant"


def test_journal_never_holds_the_signing_key_or_secret(client, run_key):
    token = _tampered("payload changed", get_token(client))
    client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    text = client.get("/_sim/journal").get_data(as_text=True)
    for form in (run_key.hex(), b64url(run_key), run_key.decode("latin-1")):
        assert form not in text
    assert "pivot-sim-merchant-secret-0001" not in text


# -- the signing key is the run's own ------------------------------------------------------

def test_a_token_minted_with_a_key_from_the_source_is_refused(client, sandbox):
    exp = int(sandbox.clock.now().timestamp()) + 60
    token = hs256({"alg": "HS256", "typ": "JWT"}, {**SHEET_CLAIMS, "exp": exp}, SHEET_KEY)
    response = client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    assert_pivot_error(response, 401, "credentials_invalid")
    assert last_journal(client)["notes"]["token"]["refused"] == "bad_signature"


def test_each_run_has_its_own_key_which_survives_a_reset(client, sandbox, run_key, default_scenario):
    from simulator.app import create_app
    from simulator.settings import Settings
    other = create_app(Settings(store="memory"), scenario=default_scenario).extensions["sandbox"]
    assert len(run_key) == 32 and other.signing_key(tokens.SIGNING_KEY) != run_key
    token = get_token(client)
    assert client.post("/_sim/reset").status_code == 200
    assert client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_processes_on_one_store_file_share_the_key(tmp_path, default_scenario):
    from simulator.app import create_app
    from simulator.settings import Settings
    settings = Settings(store=f"sqlite:{tmp_path / 'run.db'}")
    first = create_app(settings, scenario=default_scenario).test_client()
    second = create_app(settings, scenario=default_scenario).test_client()
    token = get_token(first)
    response = second.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


# -- expiry on the simulator clock --------------------------------------------------------

@pytest.mark.parametrize("advance, expected", [("899s", 200), ("900s", 401), ("901s", 401)])
def test_token_expires_after_900_seconds_of_simulator_time(client, advance, expected):
    headers = {"Authorization": f"Bearer {get_token(client)}"}
    assert client.post("/_sim/clock", json={"advance": advance}).status_code == 200
    response = client.get(STATUS_PATH, headers=headers)
    assert response.status_code == expected
    if expected == 401:
        assert_pivot_error(response, 401, "credentials_invalid", "Request new access token")
        note = last_journal(client)["notes"]["token"]
        assert note["refused"] == "expired"
        assert note["now"] >= note["exp_at"]


def test_expired_note_carries_exp_and_simulator_now(client, sandbox):
    token = get_token(client)
    exp = decode_part(token.split(".")[1])["exp"]
    client.post("/_sim/clock", json={"advance": "901s"})
    client.get(STATUS_PATH, headers={"Authorization": f"Bearer {token}"})
    note = last_journal(client)["notes"]["token"]
    assert note["exp"] == exp
    assert note["now"] == sandbox.clock.now().isoformat()


# -- /v1/access-token errors --------------------------------------------------------------

@pytest.mark.parametrize("headers, why", [
    ({"X-MERCHANT-ID": MERCHANT_ID, "X-MERCHANT-SECRET": "wrong"}, "is not the secret"),
    ({"X-MERCHANT-ID": "nobody", "X-MERCHANT-SECRET": "pivot-sim-merchant-secret-0001"}, "no Pivot merchant"),
    ({"X-MERCHANT-ID": MERCHANT_ID}, "missing header(s): X-MERCHANT-SECRET"),
    ({}, "missing header(s): X-MERCHANT-ID, X-MERCHANT-SECRET"),
    ({"X-MERCHANT-ID": MERCHANT_ID, "X-MERCHANT-SECRET": OTHER_MERCHANT_SECRET}, "is not the secret"),
])
def test_wrong_credentials_get_401(client, headers, why):
    response = client.post("/v1/access-token", json=GRANT, headers=headers)
    assert_pivot_error(response, 401, "credentials_invalid", "Request new access token")
    assert why in last_journal(client)["notes"]["auth"]


@pytest.mark.parametrize("kwargs, detail", [
    ({"json": {"grantType": "password"}},
     "Key: 'AccessTokenRequest.GrantType' Error:Field validation for 'GrantType' failed on the 'oneof' tag"),
    ({"json": {}},
     "Key: 'AccessTokenRequest.GrantType' Error:Field validation for 'GrantType' failed on the 'required' tag"),
    ({"json": {"grantType": 1}}, "invalid request payload"),
    ({"data": "{grantType:", "content_type": "application/json"}, "invalid request payload"),
    ({"data": "null"}, "Key: 'AccessTokenRequest.GrantType' Error:Field validation for 'GrantType' "
                       "failed on the 'required' tag"),   # an empty body defaults instead: test_list.py
    ({"json": ["client_credentials"]}, "invalid request payload"),
])
def test_bad_token_request_body_gets_400(client, kwargs, detail):
    response = client.post("/v1/access-token", headers=TOKEN_HEADERS, **kwargs)
    body = assert_pivot_error(response, 400, "api_validation_error", detail)
    assert body["message"] == "The request was invalid, or an error occurred in downstream provider"


def test_access_token_on_the_prefixed_mount(client, run_key):
    response = client.post("/pivot/v1/access-token", json=GRANT, headers=TOKEN_HEADERS)
    assert response.status_code == 200
    independent_verify(response.get_json()["data"]["accessToken"], run_key)


def test_access_token_wrong_method_is_pivot_shaped(client):
    assert_pivot_error(client.get("/v1/access-token"), 405, "method_not_allowed")
