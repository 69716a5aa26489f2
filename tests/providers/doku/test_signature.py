"""Non-SNAP signature: the fact sheet's worked examples, an independent signer, the header
validation order, the ±3600 s window, and what the journal explains for each tamper."""

from __future__ import annotations

import json

import pytest

from simulator.providers.doku import signature

from .client import (CANCEL, CLIENT_ID, NO_CANCEL_CLIENT_ID, NO_CANCEL_SECRET, NOW, SECRET,
                     b64_sha256, call, cancel, cancel_body, hmac_b64, last_notes,
                     original_request_id, sign, string_to_sign)

# -- the worked examples (fact sheet §2) ---------------------------------------------------
EXAMPLE_BODY = (b'{"order":{"invoice_number":"INV-20260513-0001"},"payment":{"original_request_id":'
                b'"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"cancel order"}')
EXAMPLE_POST = signature.Components(
    client_id="MCH-0001-10791114622547", request_id="5b0f3c7e-3d0a-4d55-9a51-6a8f1e2c9b01",
    timestamp="2026-05-13T02:14:00Z", target="/checkout/v3/cancellations",
    digest="9c0V+2UHSTbSM5rMGvffKduL3feWocu1bO5VWCkACwM=")


def test_post_worked_example():
    assert len(EXAMPLE_BODY) == 143
    assert signature.digest(EXAMPLE_BODY) == EXAMPLE_POST.digest
    assert EXAMPLE_POST.string_to_sign() == (
        "Client-Id:MCH-0001-10791114622547\nRequest-Id:5b0f3c7e-3d0a-4d55-9a51-6a8f1e2c9b01\n"
        "Request-Timestamp:2026-05-13T02:14:00Z\nRequest-Target:/checkout/v3/cancellations\n"
        "Digest:9c0V+2UHSTbSM5rMGvffKduL3feWocu1bO5VWCkACwM=")
    assert (signature.sign("SK-SIMULATOR-TEST-0001", EXAMPLE_POST.string_to_sign())
            == "HMACSHA256=RZMeSiThfLaAz2rOn4mkvpcwZ10GjhoLt93mgiqtMPg=")


def test_get_worked_example_has_no_digest_line():
    get = EXAMPLE_POST.with_(request_id="0c9d1e2f-1111-4222-8333-944455556666",
                             target="/orders/v1/status/INV-20260513-0001", digest=None)
    assert "Digest" not in get.string_to_sign()
    assert (signature.sign("SK-SIMULATOR-TEST-0001", get.string_to_sign())
            == "HMACSHA256=QQkHpTryFLxsy6emqxlVlywtER8W+tGJlyq9P0I0sGs=")


def test_notification_worked_example():
    body = (b'{"order":{"invoice_number":"INV-20260513-0001","amount":150000},"transaction":'
            b'{"status":"SUCCESS","date":"2026-05-13T02:20:00Z","original_request_id":'
            b'"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"service":{"id":"VIRTUAL_ACCOUNT"},'
            b'"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"}}')
    components = signature.Components("MCH-0001-10791114622547", "479b663f-5c9d-400d-8e80-3e548a8f7639",
                                      "2026-05-13T02:20:01Z", "/webhooks/doku", signature.digest(body))
    assert components.digest == "VJmO02lytJPkx6K/Wl+7GHRRTVv3Nq/PriAjI7jJ6Z0="
    assert (signature.sign("SK-SIMULATOR-TEST-0001", components.string_to_sign())
            == "HMACSHA256=FDO1F/4dFEUN4wgt0JcRJNAclt9sh5JhSyDnzGE52bw=")


def test_independent_signer_reproduces_the_worked_example():
    text = string_to_sign("MCH-0001-10791114622547", "5b0f3c7e-3d0a-4d55-9a51-6a8f1e2c9b01",
                          "2026-05-13T02:14:00Z", "/checkout/v3/cancellations", EXAMPLE_BODY)
    assert sign("SK-SIMULATOR-TEST-0001", text) == "HMACSHA256=RZMeSiThfLaAz2rOn4mkvpcwZ10GjhoLt93mgiqtMPg="


def test_worked_example_over_http(client):
    """The sheet's own request, replayed at its own timestamp, cancels the sheet's order."""
    client.post("/_sim/clock", json={"set": "2026-05-13T02:14:00Z", "frozen": True})
    response = client.post(CANCEL, data=EXAMPLE_BODY, headers={
        "Client-Id": "MCH-0001-10791114622547", "Request-Id": "5b0f3c7e-3d0a-4d55-9a51-6a8f1e2c9b01",
        "Request-Timestamp": "2026-05-13T02:14:00Z",
        "Signature": "HMACSHA256=RZMeSiThfLaAz2rOn4mkvpcwZ10GjhoLt93mgiqtMPg="})
    # the sheet's order was created with a 24h expiry at the scenario start, months before
    assert response.status_code == 400
    assert response.json == {"message": ["ORDER ALREADY EXPIRED"]}
    assert last_notes(client)["signature"]["valid"] is True


# -- accepted ---------------------------------------------------------------------------------

def test_independently_signed_cancel_is_accepted(client):
    response = cancel(client, "INV-20260513-0001")
    assert response.status_code == 200
    assert response.json["message"] == ["SUCCESS"]
    assert last_notes(client)["signature"] == {"valid": True, "request_target": CANCEL}


def test_unpadded_base64_signature_is_accepted(client):
    body = cancel_body("DK-VA-BCA-PENDING", original_request_id(client, "DK-VA-BCA-PENDING"))
    request_id = "unpadded-1"
    padded = sign(SECRET, string_to_sign(CLIENT_ID, request_id, NOW, CANCEL, body))
    assert padded.endswith("=")
    response = call(client, "POST", CANCEL, body, request_id=request_id, signature=padded.rstrip("="))
    assert response.status_code == 200


def test_lower_case_header_names_are_accepted_over_a_real_socket(live_url, client):
    import requests
    body = cancel_body("DK-QRIS-PENDING", original_request_id(client, "DK-QRIS-PENDING"))
    request_id = "lower-case-1"
    headers = {"client-id": CLIENT_ID, "request-id": request_id, "request-timestamp": NOW,
               "signature": sign(SECRET, string_to_sign(CLIENT_ID, request_id, NOW, CANCEL, body)),
               "content-type": "application/json"}
    response = requests.post(live_url + CANCEL, data=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text


def test_percent_encoded_status_path_over_a_real_socket(live_url, client):
    import requests
    client.post("/_sim/orders", json={"provider": "doku", "merchant": CLIENT_ID, "order_id": "INV 7",
                                      "amount": 5000, "status": "PENDING"})
    targets = ("/orders/v1/status/INV%207", "/doku/orders/v1/status/INV%207", "/orders/v1/status/INV 7")
    for number, target in enumerate(targets):
        request_id = f"encoded-{number}"
        headers = {"Client-Id": CLIENT_ID, "Request-Id": request_id, "Request-Timestamp": NOW,
                   "Signature": sign(SECRET, string_to_sign(CLIENT_ID, request_id, NOW, target, None))}
        response = requests.get(live_url + "/doku/orders/v1/status/INV%207", headers=headers, timeout=10)
        assert response.status_code == 200, (target, response.text)


def test_get_is_signed_without_digest(client):
    response = call(client, "GET", "/orders/v1/status/DK-VA-BCA-PENDING")
    assert response.status_code == 200
    assert response.json["order"]["invoice_number"] == "DK-VA-BCA-PENDING"


# -- header validation order and answers ------------------------------------------------------

def _error(code, message):
    return {"error": {"code": code, "message": message, "type": "invalid_request_error"}}


@pytest.mark.parametrize("drop, message", [
    (("Client-Id", "Request-Id", "Request-Timestamp", "Signature"), "Header Client-Id is required"),
    (("Client-Id",), "Header Client-Id is required"),
    (("Request-Id", "Request-Timestamp", "Signature"), "Header Request-Id is required"),
    (("Request-Timestamp", "Signature"), "Header Request-Timestamp is required"),
    (("Signature",), "Header Signature is required"),
])
def test_missing_headers_one_at_a_time(client, drop, message):
    response = call(client, "POST", CANCEL, b"{}", drop=drop)
    assert response.status_code == 400
    assert response.json == _error("invalid_header_request", message)


def test_empty_header_counts_as_missing(client):
    response = call(client, "POST", CANCEL, b"{}", signature="")
    assert response.json == _error("invalid_header_request", "Header Signature is required")


def test_request_id_over_128_characters(client):
    response = call(client, "POST", CANCEL, b"{}", request_id="x" * 129)
    assert response.status_code == 400
    assert response.json == _error("invalid_header_request", "Header Request-Id must be at most 128 characters")


@pytest.mark.parametrize("stamp", ["2026-09-21 03:30:00", "2026-01-15T03:00:00", "2026-01-15T10:00:00+07:00",
                                   "2026-01-15T03:00:00.000Z", "2026-13-15T03:00:00Z", "yesterday"])
def test_timestamp_format(client, stamp):
    response = call(client, "POST", CANCEL, b"{}", timestamp=stamp)
    assert response.status_code == 400
    assert response.json == _error("invalid_header_request", "Invalid format Header Request-Timestamp")


OUT_OF_RANGE = _error("request_time_out_of_range", "Header Request-Timestamp is not in +- 3600 second of now")


def test_timestamp_window_is_checked_before_the_client_id(client):
    response = call(client, "POST", CANCEL, b"{}", client_id="MCH-UNKNOWN", timestamp="2026-01-15T01:59:59Z")
    assert response.json == OUT_OF_RANGE


@pytest.mark.parametrize("stamp, accepted", [
    ("2026-01-15T04:00:00Z", True), ("2026-01-15T04:00:01Z", False),
    ("2026-01-15T02:00:00Z", True), ("2026-01-15T01:59:59Z", False),
])
def test_timestamp_window_on_the_simulator_clock(client, stamp, accepted):
    response = call(client, "GET", "/orders/v1/status/DK-VA-BCA-PENDING", timestamp=stamp)
    if accepted:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json) == (400, OUT_OF_RANGE)


def test_timestamp_window_follows_the_clock_when_it_moves(client):
    assert client.post("/_sim/clock", json={"advance": "1h"}).status_code == 200
    assert call(client, "GET", "/orders/v1/status/DK-QRIS-PENDING").status_code == 200   # exactly 3600 s
    client.post("/_sim/clock", json={"advance": "1s"})
    assert call(client, "GET", "/orders/v1/status/DK-QRIS-PENDING").json == OUT_OF_RANGE
    assert call(client, "GET", "/orders/v1/status/DK-QRIS-PENDING",
                timestamp="2026-01-15T04:00:01Z").status_code == 200


def test_unknown_client_id(client):
    response = call(client, "POST", CANCEL, b"{}", client_id="MCH-9999-00000000000000")
    assert response.status_code == 400
    assert response.json == _error("invalid_client_id", "Invalid Client-Id")


INVALID_SIGNATURE = _error("invalid_signature", "Invalid Header Signature")


# -- tampering: DOKU's answer, and the journal says which component -------------------------

def _body(client, order_id="DK-VA-BCA-PENDING", note="cancel order"):
    return cancel_body(order_id, original_request_id(client, order_id), note)


def _refused_with_note(client, response) -> dict:
    assert response.status_code == 400
    assert response.json == INVALID_SIGNATURE
    note = last_notes(client)["signature"]
    assert note["valid"] is False
    journal = json.dumps(client.get("/_sim/journal").json)
    assert "SK-SIMULATOR-TEST" not in journal          # never the secret
    return note


def _unchanged(client, order_id="DK-VA-BCA-PENDING"):
    order = client.get(f"/_sim/orders/doku/{order_id}").json
    assert (order["status"], order["version"]) == ("PENDING", 0)


def test_tampered_body_byte(client):
    signed = _body(client)
    sent = signed.replace(b"cancel order", b"cancel ordes")
    note = _refused_with_note(client, call(client, "POST", CANCEL, sent, signed_body=signed))
    assert note["differs"] is None                        # an HMAC cannot tell which byte
    assert note["digest"] == b64_sha256(sent) != b64_sha256(signed)
    assert f"Digest:{b64_sha256(sent)}" in note["expected_string_to_sign"]
    assert "Secret Key is likely wrong" in note["explanation"]
    _unchanged(client)


def test_tampered_target_path(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client),
                                           signed_target="/checkout/v1/payment"))
    assert note["differs"] == "Request-Target"
    assert "Request-Target:/checkout/v1/payment" in note["signed_string_to_sign"]
    assert "Request-Target:/checkout/v3/cancellations" in note["expected_string_to_sign"]
    _unchanged(client)


def test_tampered_timestamp(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client),
                                           signed={"timestamp": "2026-01-15T02:59:58Z"}))
    assert note["differs"] == "Request-Timestamp"
    assert "2 s before" in note["explanation"]
    assert "Request-Timestamp:2026-01-15T02:59:58Z" in note["signed_string_to_sign"]
    _unchanged(client)


def test_tampered_request_id(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client), request_id="sent-id",
                                           signed={"request_id": "signed-id"}))
    assert note["differs"] is None
    assert "Request-Id:sent-id" in note["expected_string_to_sign"]
    assert "Request-Id" in note["explanation"]
    _unchanged(client)


def test_request_id_confused_with_original_request_id(client):
    body = _body(client)
    original = original_request_id(client, "DK-VA-BCA-PENDING")
    note = _refused_with_note(client, call(client, "POST", CANCEL, body, signed={"request_id": original}))
    assert note["differs"] == "Request-Id"
    assert "original_request_id" in note["explanation"]


def test_tampered_client_id(client):
    """Signed as merchant 2 (its Client-Id and key), sent with merchant 1's Client-Id."""
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client), secret=NO_CANCEL_SECRET,
                                           signed={"client_id": NO_CANCEL_CLIENT_ID}))
    assert note["differs"] == "Client-Id"
    assert NO_CANCEL_CLIENT_ID in note["explanation"]
    _unchanged(client)


def test_unknown_client_id_is_refused_before_the_signature(client):
    response = call(client, "POST", CANCEL, _body(client), client_id="MCH-0001-00000000000000",
                    signed={"client_id": CLIENT_ID})
    assert response.json == _error("invalid_client_id", "Invalid Client-Id")
    _unchanged(client)


def test_tampered_secret(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client), secret="SK-WRONG"))
    assert note["differs"] is None
    assert "Secret Key" in note["explanation"]
    _unchanged(client)


def test_secret_of_another_merchant(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client), secret=NO_CANCEL_SECRET))
    assert note["differs"] == "Secret Key"
    assert NO_CANCEL_CLIENT_ID in note["explanation"]


# -- common client mistakes, each recognised -----------------------------------------------

def _layout(client, body, transform):
    request_id = "mistake-1"
    text = transform(string_to_sign(CLIENT_ID, request_id, NOW, CANCEL, body))
    return call(client, "POST", CANCEL, body, request_id=request_id, signature=sign(SECRET, text))


def test_digest_over_minified_json_instead_of_raw_bytes(client):
    compact = _body(client)
    pretty = json.dumps(json.loads(compact), indent=2).encode()
    note = _refused_with_note(client, call(client, "POST", CANCEL, pretty, signed_body=compact))
    assert note["differs"] == "Digest"
    assert "re-serialised JSON (minified)" in note["explanation"]


def test_digest_line_missing_on_post(client):
    body = _body(client)
    note = _refused_with_note(client, _layout(client, body, lambda t: t.rsplit("\n", 1)[0]))
    assert note["differs"] == "Digest"
    assert "left the Digest line out" in note["explanation"]


def test_digest_line_on_get(client):
    path = "/orders/v1/status/DK-VA-BCA-PENDING"
    text = string_to_sign(CLIENT_ID, "get-1", NOW, path, b"")
    response = call(client, "GET", path, request_id="get-1", signature=sign(SECRET, text))
    note = _refused_with_note(client, response)
    assert note["differs"] == "Digest"
    assert "GET has no Digest line" in note["explanation"]


@pytest.mark.parametrize("transform, fragment", [
    (lambda t: t + "\n", "ends with a newline"),
    (lambda t: t.replace("\n", "\r\n"), "CRLF"),
    (lambda t: "\n".join(line.split(":", 1)[0].lower() + ":" + line.split(":", 1)[1]
                         for line in t.split("\n")), "lower case"),
])
def test_layout_mistakes(client, transform, fragment):
    note = _refused_with_note(client, _layout(client, _body(client), transform))
    assert note["differs"] == "format"
    assert fragment in note["explanation"]


def test_query_string_in_request_target(client):
    path = "/orders/v1/status/DK-VA-BCA-PENDING"
    note = _refused_with_note(client, call(client, "GET", path + "?lang=id", signed_target=path + "?lang=id"))
    assert note["differs"] == "Request-Target"
    assert "query string" in note["explanation"]


@pytest.mark.parametrize("encode, fragment", [
    (lambda text: hmac_b64(SECRET, text), "lacks the 'HMACSHA256=' prefix"),
    (lambda text: "hmacsha256=" + hmac_b64(SECRET, text), "prefix must be exactly"),
])
def test_signature_format_mistakes(client, encode, fragment):
    body = _body(client)
    text = string_to_sign(CLIENT_ID, "fmt-1", NOW, CANCEL, body)
    note = _refused_with_note(client, call(client, "POST", CANCEL, body, request_id="fmt-1",
                                           signature=encode(text)))
    assert note["differs"] == "Signature format"
    assert fragment in note["explanation"]


def test_signature_that_is_not_base64(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client), signature="HMACSHA256=???"))
    assert note["differs"] == "Signature format"


# -- the /doku mount ---------------------------------------------------------------------------

@pytest.mark.parametrize("signed_target", [CANCEL, "/doku" + CANCEL])
def test_doku_mount_accepts_the_real_path_or_the_path_called(client, signed_target):
    body = _body(client)
    response = call(client, "POST", "/doku" + CANCEL, body, signed_target=signed_target)
    assert response.status_code == 200, response.json
    assert last_notes(client)["signature"] == {"valid": True, "request_target": signed_target}


def test_root_mount_refuses_a_signature_over_the_doku_prefixed_path(client):
    note = _refused_with_note(client, call(client, "POST", CANCEL, _body(client), signed_target="/doku" + CANCEL))
    assert note["differs"] == "Request-Target"
    assert "/doku mount prefix" in note["explanation"]
    _unchanged(client)


@pytest.mark.parametrize("signed_target", ["/orders/v1/status/DK-QRIS-PENDING",
                                           "/doku/orders/v1/status/DK-QRIS-PENDING"])
def test_doku_mount_status(client, signed_target):
    response = call(client, "GET", "/doku/orders/v1/status/DK-QRIS-PENDING", signed_target=signed_target)
    assert response.status_code == 200
