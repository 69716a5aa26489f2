"""GET /v2/payments: the token merchant's payment sessions, filtered and paged (create sheet
§4), and the access token asked for without a body."""

from __future__ import annotations

import math

import pytest

from .conftest import (MERCHANT_ID, MERCHANT_SECRET, OTHER_MERCHANT_SESSION, SAMPLE_SESSION,
                       assert_pivot_error, get_token, last_journal)


@pytest.fixture
def sessions(client) -> list[dict]:
    """PVT-001's sessions, as the control API lists them (insertion order)."""
    return [o for o in client.get("/_sim/orders?provider=pivot&merchant=PVT-001").get_json()["orders"]]


def listing(client, bearer, **query):
    response = client.get("/v2/payments", query_string=query, headers=bearer)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["code"], body["message"]) == ("00", "Success")
    return body


def test_the_first_page_has_twenty_sessions_and_the_totals(client, bearer, sessions):
    body = listing(client, bearer)
    assert body["pagination"] == {"page": 1, "perPage": 20, "totalItems": len(sessions),
                                  "totalPages": math.ceil(len(sessions) / 20)}
    assert [s["id"] for s in body["data"]] == [o["transaction_id"] for o in sessions[:20]]
    assert body["data"][0] == client.get(f"/v2/payments/{body['data'][0]['id']}", headers=bearer).get_json()["data"]


def test_pages_cover_every_session_once(client, bearer, sessions):
    seen = []
    for page in range(1, 6):
        seen += [s["id"] for s in listing(client, bearer, page=page, perPage=7)["data"]]
    assert seen == [o["transaction_id"] for o in sessions]
    last = listing(client, bearer, page=math.ceil(len(sessions) / 7), perPage=7)
    assert len(last["data"]) == len(sessions) % 7 or len(last["data"]) == 7
    beyond = listing(client, bearer, page=99, perPage=7)
    assert beyond["data"] == [] and beyond["pagination"]["totalItems"] == len(sessions)


def test_per_page_may_be_one_hundred(client, bearer, sessions):
    body = listing(client, bearer, perPage=100)
    assert len(body["data"]) == len(sessions) and body["pagination"]["totalPages"] == 1


def test_the_client_reference_id_finds_its_session(client, bearer):
    body = listing(client, bearer, clientReferenceId="1743343932")
    assert [s["id"] for s in body["data"]] == [SAMPLE_SESSION]
    assert body["pagination"] == {"page": 1, "perPage": 20, "totalItems": 1, "totalPages": 1}
    assert listing(client, bearer, clientReferenceId="no-such-reference")["data"] == []


def test_filters_and_sort(client, bearer, sessions):
    paid = listing(client, bearer, status="PAID", perPage=100)["data"]
    assert paid and {s["status"] for s in paid} == {"PAID"}
    qr = listing(client, bearer, paymentMethodType="QR", perPage=100)["data"]
    assert qr and {s["paymentMethod"]["type"] for s in qr if s["paymentMethod"]} <= {"QR"}
    newest_first = listing(client, bearer, sort="DESC", perPage=100)["data"]
    assert len(newest_first) == len(sessions)
    assert listing(client, bearer, id=SAMPLE_SESSION.upper())["data"][0]["id"] == SAMPLE_SESSION


def test_another_merchants_sessions_are_never_listed(client, bearer):
    ids = [s["id"] for s in listing(client, bearer, perPage=100)["data"]]
    assert OTHER_MERCHANT_SESSION not in ids
    assert listing(client, bearer, clientReferenceId="PV2-VA-BNI-REQUIRE_CONFIRMATION")["data"] == []


def test_a_new_session_state_shows_in_the_list(client):
    client.post("/_sim/clock", json={"advance": "25h"})      # every seeded session expires
    bearer = {"Authorization": f"Bearer {get_token(client)}"}   # (and so did the old token)
    statuses = {s["status"] for s in listing(client, bearer, perPage=100)["data"]}
    assert "REQUIRE_PAYMENT_METHOD" not in statuses and "EXPIRED" in statuses


@pytest.mark.parametrize("query, message", [
    ({"page": "x"}, "invalid page format. Use number format instead"),
    ({"page": "0"}, "invalid page format. Use number format instead"),
    ({"page": "-1"}, "invalid page format. Use number format instead"),
    ({"perPage": "101"}, "invalid perPage: the maximum is 100"),
    ({"perPage": "1" * 400}, "invalid perPage format. Use number format instead"),
    ({"perPage": "²"}, "invalid perPage format. Use number format instead"),
    ({"startDate": "2026-01-15"}, "invalid startDate format. Use 'YYYY-MM-DDTHH:mm:ssZ' format"),
    ({"endDate": "2026-13-45T99:00:00Z"}, "invalid endDate format. Use 'YYYY-MM-DDTHH:mm:ssZ' format"),
    ({"sort": "sideways"}, "invalid sort format. Use ASC or DESC"),
])
def test_bad_query_values_are_the_backends_400(client, bearer, query, message):
    response = client.get("/v2/payments", query_string=query, headers=bearer)
    body = assert_pivot_error(response, 400, "api_validation_error", message)
    assert body["error"]["type"] == "API_ERROR"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}])
def test_a_token_is_required(client, headers):
    response = client.get("/v2/payments", headers=headers)
    assert_pivot_error(response, 401, "credentials_invalid", "Request new access token")


def test_the_list_is_journaled_as_list(client, bearer):
    client.get("/v2/payments", headers=bearer)
    entry = last_journal(client)
    assert entry["endpoint"] == "list" and entry["merchant"] == "PVT-001"


def test_the_prefixed_mount_lists_too(client, bearer):
    assert client.get("/pivot/v2/payments", headers=bearer).status_code == 200


# -- the access token without a body ---------------------------------------------------------

TOKEN_HEADERS = {"X-MERCHANT-ID": MERCHANT_ID, "X-MERCHANT-SECRET": MERCHANT_SECRET}


@pytest.mark.parametrize("body", [b"", b"  \n"])
def test_a_token_asked_for_without_a_body_defaults_the_grant_type(client, body):
    response = client.post("/v1/access-token", data=body, headers=TOKEN_HEADERS)
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["data"]["accessToken"]
    assert client.get("/v2/payments", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    note = last_journal(client, endpoint="access_token")["notes"]["payload"]
    assert "grantType defaults to client_credentials" in note


@pytest.mark.parametrize("body, message", [
    (b"{}", "Key: 'AccessTokenRequest.GrantType' Error:Field validation for 'GrantType' failed on the 'required' tag"),
    (b'{"grantType":"password"}', "Key: 'AccessTokenRequest.GrantType' Error:Field validation for 'GrantType' failed on the 'oneof' tag"),
    (b"null!", "invalid request payload"),
])
def test_a_body_that_is_sent_is_still_validated(client, body, message):
    response = client.post("/v1/access-token", data=body, headers=TOKEN_HEADERS)
    assert_pivot_error(response, 400, "api_validation_error", message)


def test_credentials_are_still_checked_first(client):
    response = client.post("/v1/access-token", data=b"", headers={**TOKEN_HEADERS, "X-MERCHANT-SECRET": "x"})
    assert_pivot_error(response, 401, "credentials_invalid")
    assert get_token(client)
