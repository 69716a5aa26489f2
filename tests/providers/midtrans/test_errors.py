"""Midtrans error catalogue (§2, §6) and bad input: the documented HTTP line and body,
always a JSON object with a numeric status_code, never a changed order."""

import base64

import pytest

from .conftest import basic


def _unchanged(client, order_id="MT-VA-BCA-PENDING"):
    order = client.get(f"/_sim/orders/midtrans/{order_id}").get_json()
    return order["status"] == "pending" and len(order["history"]) == 1


@pytest.mark.parametrize("headers, why", [
    (basic("SB-Mid-server-WRONG"), "no merchant has that server key"),
    (basic("Mid-server-SIMULATOR-KEY"), "no merchant has that server key"),
    ({}, "no Authorization header"),
    ({"Authorization": "Bearer SB-Mid-server-SIMULATOR-KEY"}, "scheme 'Bearer' is not the expected one"),
    ({"Authorization": "Basic %%%not-base64"}, "not base64"),
])
@pytest.mark.parametrize("method, path", [("POST", "/v2/MT-VA-BCA-PENDING/cancel"),
                                          ("GET", "/v2/MT-VA-BCA-PENDING/status"),
                                          ("POST", "/v2/MT-VA-BCA-PENDING/expire")])
def test_bad_credentials_are_http_401(client, headers, why, method, path):
    response = client.open(path, method=method, headers=headers)

    assert response.status_code == 401
    body = response.get_json()
    assert body["status_code"] == "401"
    assert body["status_message"] == ("Transaction cannot be authorized with the current "
                                      "client/server key.")
    assert len(body["id"]) == 36
    assert _unchanged(client)
    entry = client.get("/_sim/journal?provider=midtrans&limit=1").get_json()["entries"][0]
    assert why in entry["notes"]["auth"]
    assert "SIMULATOR-KEY" not in str(entry)        # the journal never keeps the key


@pytest.mark.parametrize("path", ["/v2/NO-SUCH-ORDER/cancel", "/v2/NO-SUCH-ORDER/expire"])
def test_unknown_id_is_body_404_under_http_200(client, auth, path):
    response = client.post(path, headers=auth)

    assert response.status_code == 200
    assert response.get_json()["status_code"] == "404"
    assert response.get_json()["status_message"] == "Transaction doesn't exist."


def test_status_of_unknown_id(client, auth):
    response = client.get("/v2/NO-SUCH-ORDER/status", headers=auth)

    assert response.status_code == 200
    assert response.get_json()["status_code"] == "404"


@pytest.mark.parametrize("path", [
    "/v2/MT%20VA/cancel",              # a space, as the client sends it unencoded
    "/v2/MT-VA-BCA-PENDING%3B/cancel",
    "/v2/" + "X" * 51 + "/cancel",     # longer than an order_id may be
])
def test_odd_ids_are_not_found(client, auth, path):
    response = client.post(path, headers=auth)

    assert response.status_code == 200
    assert response.get_json()["status_code"] == "404"


def test_id_with_a_slash_is_a_json_404(client, auth):
    response = client.post("/v2/MT-VA/BCA-PENDING/cancel", headers=auth)

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["status_code"] == "404"


def test_another_merchants_key_cannot_see_the_order(app, client):
    from simulator.merchants import Merchant, MerchantDirectory
    box = app.extensions["sandbox"]
    other = Merchant("midtrans", "G000000002", {"server_key": "SB-Mid-server-OTHER"})
    box.replace_merchants(MerchantDirectory([*box.merchants, other]))

    response = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=basic("SB-Mid-server-OTHER"))

    assert response.get_json()["status_code"] == "404"
    assert _unchanged(client)


def test_wrong_method_is_405_json(client, auth):
    response = client.get("/v2/MT-VA-BCA-PENDING/cancel", headers=auth)

    assert response.status_code == 405
    assert response.get_json()["status_code"] == "405"
    assert response.get_json()["status_message"] == "HTTP method not allowed"


@pytest.mark.parametrize("path", ["/v2/MT-VA-BCA-PENDING/refundz", "/midtrans/nothing", "/v2/"])
def test_unknown_path_is_404_json(client, auth, path):
    response = client.post(path, headers=auth)

    assert response.status_code == 404
    assert response.get_json()["status_code"] == "404"


def test_malformed_json_is_400_and_changes_nothing(client, auth):
    response = client.post("/v2/MT-VA-BCA-PENDING/cancel", data=b'{"broken": ', headers=auth)

    assert response.status_code == 400
    body = response.get_json()
    assert body["status_code"] == "400"
    assert "not valid JSON" in body["status_message"]
    assert _unchanged(client)


def test_body_over_one_mib_is_413_and_changes_nothing(client, auth):
    response = client.post("/v2/MT-VA-BCA-PENDING/cancel", data=b"{" + b" " * (1024 * 1024) + b"}",
                           headers=auth)

    assert response.status_code == 413
    body = response.get_json()
    assert body["status_code"] == "413"
    assert "1048576 bytes" in body["status_message"]
    assert _unchanged(client)


def test_non_utf8_body_is_400(client, auth):
    response = client.post("/v2/MT-VA-BCA-PENDING/cancel", data=b"\xff\xfe\x00", headers=auth)

    assert response.status_code == 400
    assert response.get_json()["status_code"] == "400"
    assert _unchanged(client)


def test_unexpected_exception_is_a_json_500_without_a_trace(app, client, auth, monkeypatch):
    box = app.extensions["sandbox"]
    monkeypatch.setattr(box.book, "find", lambda *a, **k: 1 / 0)

    response = client.get("/v2/MT-VA-BCA-PENDING/status", headers=auth)

    assert response.status_code == 500
    assert response.get_json()["status_code"] == "500"
    assert "Traceback" not in response.get_data(as_text=True)


def test_auth_header_encoding_is_the_documented_one(auth):
    assert auth["Authorization"] == "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()
    assert auth["Authorization"] == "Basic U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg=="
