"""Bad cancel bodies get Pivot's 400 envelope with the backend's texts and never change the
session (checked through /_sim/orders)."""

from __future__ import annotations

import pytest

from .conftest import VA_CONFIRMATION_SESSION, assert_pivot_error, last_journal, sim_order

PATH = f"/v2/payments/{VA_CONFIRMATION_SESSION}/cancel"
FIELD_TEXT = ("Key: 'CancelUnifiedPaymentSessionRequest.{0}' Error:Field validation for '{0}' "
              "failed on the '{1}' tag")


@pytest.mark.parametrize("kwargs, detail", [
    ({"data": "{not json", "content_type": "application/json"}, "invalid request payload"),
    ({"data": "", "content_type": "application/json"}, "invalid request payload"),
    ({}, "invalid request payload"),
    ({"data": b"\xff\xfe\x00", "content_type": "application/json"}, "invalid request payload"),
    ({"json": ["REQUESTED_BY_CUSTOMER"]}, "invalid request payload"),
    ({"json": "REQUESTED_BY_CUSTOMER"}, "invalid request payload"),
    ({"json": {"cancellationReason": 1}}, "invalid request payload"),
    ({"json": {"cancellationReason": ["DUPLICATED"]}}, "invalid request payload"),
    ({"json": {"cancellationReason": "DUPLICATED", "source": 7}}, "invalid request payload"),
    ({"json": {}}, FIELD_TEXT.format("CancellationReason", "required")),
    ({"json": None}, FIELD_TEXT.format("CancellationReason", "required")),   # JSON null
    ({"json": {"cancellationReason": ""}}, FIELD_TEXT.format("CancellationReason", "required")),
    ({"json": {"cancellationReason": None}}, FIELD_TEXT.format("CancellationReason", "required")),
    ({"json": {"reason": "DUPLICATED"}}, FIELD_TEXT.format("CancellationReason", "required")),
    ({"json": {"cancellationReason": "BECAUSE"}}, FIELD_TEXT.format("CancellationReason", "oneof")),
    ({"json": {"cancellationReason": "duplicated"}}, FIELD_TEXT.format("CancellationReason", "oneof")),
    ({"json": {"cancellationReason": "DUPLICATED\u0000"}}, FIELD_TEXT.format("CancellationReason", "oneof")),
    ({"json": {"cancellationReason": "DUPLICATED", "source": "BANK"}}, FIELD_TEXT.format("Source", "oneof")),
])
def test_bad_body_gets_400_and_leaves_the_session(client, bearer, kwargs, detail):
    if kwargs.get("json", ...) is None:
        kwargs = {"data": "null", "content_type": "application/json"}
    before = sim_order(client, VA_CONFIRMATION_SESSION)
    response = client.post(PATH, headers=bearer, **kwargs)
    body = assert_pivot_error(response, 400, "api_validation_error", detail)
    assert body["message"] == "The request was invalid, or an error occurred in downstream provider"
    assert sim_order(client, VA_CONFIRMATION_SESSION) == before


def test_decoding_problem_is_explained_in_the_journal(client, bearer):
    client.post(PATH, headers=bearer, json={"cancellationReason": 1})
    assert "cancellationReason" in last_journal(client)["notes"]["payload"]


def test_unknown_keys_are_ignored(client, bearer):
    response = client.post(PATH, headers=bearer,
                           json={"cancellationReason": "DUPLICATED", "note": {"x": [1, 2]}})
    assert response.status_code == 200
    assert response.get_json()["data"]["status"] == "CANCELLED"


def test_body_over_one_mib_gets_413_in_pivot_shape(client, bearer):
    before = sim_order(client, VA_CONFIRMATION_SESSION)
    huge = '{"cancellationReason":"DUPLICATED","pad":"' + "x" * (1024 * 1024 + 10) + '"}'
    response = client.post(PATH, headers=bearer, data=huge, content_type="application/json")
    body = assert_pivot_error(response, 413, "api_validation_error")
    assert "1048576" in body["error"]["details"][0]["message"]
    assert sim_order(client, VA_CONFIRMATION_SESSION) == before


def test_body_is_not_read_before_the_token(client):
    response = client.post(PATH, data="{not json", content_type="application/json")
    assert_pivot_error(response, 401, "credentials_invalid")


def test_bad_body_is_checked_before_the_lookup(client, bearer):
    response = client.post("/v2/payments/00000000-0000-4000-8000-000000000000/cancel",
                           headers=bearer, data="", content_type="application/json")
    assert_pivot_error(response, 400, "api_validation_error", "invalid request payload")
