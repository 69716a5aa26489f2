"""X-API-KEY / X-TIMESTAMP / X-SIGNATURE over HTTP: accepted signatures (sheet vectors, raw
and canonical forms, strict mode), tampering, the check order, the timestamp window on the
simulator clock, and the journal's explanation of every mismatch."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import yaml

from simulator.redaction import mask

from .conftest import (API_KEY, CANCEL, OTHER_API_KEY, OTHER_SECRET, SHEET_TIMESTAMP, STATUS,
                       assert_error, canonical, hmac_hex)

UNPAID = "KP-UPI-UN_PAID"
NESTED = {"order_id": UNPAID, "customer": {"phone": "9999999999", "name": "Test",
                                           "email": "t@example.com"}, "order_amount": 105}


# -- accepted --------------------------------------------------------------------------

@pytest.mark.parametrize("body, signature", [
    ('{"order_id":6116229263036}', "ed817054e857bd3189e3f60f3329142ea220462ab169febd6e5e4e4010dff3f5"),
    ('{"order_id":"6116229263036"}', "c95c6167d3c9c063e6ab3b0805282cdd4ddc18f323acb50a2ef35c1c1273b97a"),
])
def test_sheet_signature_is_accepted_over_http(kp, body, signature):
    response = kp.call(CANCEL, raw=body, signature=signature)
    assert response.status_code == 200, response.json
    assert response.json["return_data"]["order_id"] == json.loads(body)["order_id"]


def test_raw_body_signature_is_accepted(kp):
    raw = '{ "order_id" : "KP-UPI-UN_PAID", "customer": {"name": "Test", "email": "t@example.com"} }'
    response = kp.call(STATUS, raw=raw)            # signed over exactly these bytes
    assert response.status_code == 200
    assert kp.last_notes()["signature"] == {"result": "valid", "form": "raw"}


def test_canonical_signature_is_accepted_for_an_unsorted_body(kp):
    raw = json.dumps(NESTED)                        # sent unsorted, with spaces
    response = kp.call(STATUS, raw=raw, sign_payload=canonical(NESTED))
    assert response.status_code == 200
    assert kp.last_notes()["signature"] == {"result": "valid", "form": "canonical"}


def test_canonical_signature_with_unicode_escapes_is_accepted(kp):
    body = {"order_id": UNPAID, "order_note": "café"}
    escaped = json.dumps(body, sort_keys=True, separators=(",", ":"))   # "caf\u00e9"
    response = kp.call(STATUS, raw=canonical(body), sign_payload=escaped)
    assert response.status_code == 200


def test_strict_merchant_accepts_canonical_and_refuses_raw(kp):
    body = {"order_id": "KP2-UPI-UN_PAID", "note": "x"}
    raw = '{"order_id": "KP2-UPI-UN_PAID", "note": "x"}'
    assert kp.call(STATUS, raw=raw, api_key=OTHER_API_KEY, secret=OTHER_SECRET,
                   sign_payload=canonical(body)).status_code == 200
    refused = kp.call(STATUS, raw=raw, api_key=OTHER_API_KEY, secret=OTHER_SECRET)
    assert_error(refused, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["mode"].startswith("strict")
    assert [t["form"] for t in note["tried"]] == ["canonical"]
    assert note["component"] == "payload" and "strict_signature" in note["likely_mistake"]


# -- tampering ---------------------------------------------------------------------------

def test_tampered_body_is_refused_and_explained(kp):
    before = kp.order(UNPAID)
    signed = canonical({"order_id": "KP-UPI-PAID"})
    response = kp.call(CANCEL, {"order_id": UNPAID}, sign_payload=signed)
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    sent = canonical({"order_id": UNPAID})
    assert note["result"] == "mismatch"
    assert note["expected_canonical_payload"] == sent
    assert note["expected_message"] == f"{sent}{SHEET_TIMESTAMP}"
    # the first 8 hex characters only: the journal must not be a signing oracle
    assert note["expected_signature"] == hmac_hex(sent, SHEET_TIMESTAMP)[:8] + "…"
    assert all(len(t["signature"]) == 9 for t in note["tried"])
    assert hmac_hex(sent, SHEET_TIMESTAMP) not in kp.client.get("/_sim/journal").get_data(as_text=True)
    assert note["received_signature"] == hmac_hex(signed, SHEET_TIMESTAMP)
    assert {t["form"] for t in note["tried"]} == {"raw", "canonical"}
    assert note["component"] is None and note["likely_mistake"] is None
    assert "changed after signing" in note["hint"]
    assert kp.order(UNPAID) == before


def test_tampered_timestamp_is_refused_and_explained(kp):
    response = kp.cancel(UNPAID, timestamp=SHEET_TIMESTAMP + 7, sign_timestamp=SHEET_TIMESTAMP)
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["x_timestamp"] == str(SHEET_TIMESTAMP + 7)
    assert note["component"] == "timestamp"
    assert f"signed with X-TIMESTAMP {SHEET_TIMESTAMP}" in note["likely_mistake"]
    assert kp.order(UNPAID)["status"] == "UN_PAID"


def test_unknown_api_key_is_refused(kp):
    response = kp.cancel(UNPAID, api_key="pk_test_nobody")
    assert_error(response, 401, "Invalid API key.")
    assert "no KwikPaisa merchant has API key" in kp.last_notes()["auth"]
    assert kp.order(UNPAID)["status"] == "UN_PAID"


def test_wrong_secret_is_refused_and_explained(kp):
    response = kp.cancel(UNPAID, secret="sk_test_guess")
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["component"] is None and mask(API_KEY) in note["hint"]
    assert API_KEY not in str(note)
    assert kp.order(UNPAID)["status"] == "UN_PAID"


def test_other_merchants_secret_is_named(kp):
    response = kp.cancel(UNPAID, secret=OTHER_SECRET)
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["component"] == "secret" and "KP-002" in note["likely_mistake"]


def test_the_secret_never_reaches_the_journal(kp, client):
    kp.cancel(UNPAID, secret="sk_test_guess")
    kp.cancel(UNPAID)
    journal = client.get("/_sim/journal").get_data(as_text=True)
    assert "sk_test_simulator_0001" not in journal and "sk_test_guess" not in journal


# -- the journal names the likely mistake ---------------------------------------------------

SLASHED = {"order_id": UNPAID, "return_url": "https://shop.example/return"}


@pytest.mark.parametrize("body, mistake_payload, mistake_ts, component, words", [
    (SLASHED, canonical(SLASHED).replace("/", "\\/"), None, "payload", "escaped slashes"),
    (SLASHED, json.dumps(SLASHED, sort_keys=True), None, "payload", "spaces"),
    ({"order_id": 6116229263036}, '{"order_id":"6116229263036"}', None, "payload",
     "signed order_id as a string but sent it as an integer"),
    ({"order_id": "6116229263036"}, '{"order_id":6116229263036}', None, "payload",
     "signed order_id as an integer but sent it as a string"),
    ({"order_id": UNPAID}, None, SHEET_TIMESTAMP * 1000 + 417, "timestamp", "millisecond"),
])
def test_signature_mistakes_are_named(kp, body, mistake_payload, mistake_ts, component, words):
    response = kp.call(STATUS, body, sign_payload=mistake_payload, sign_timestamp=mistake_ts)
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["component"] == component
    assert words in note["likely_mistake"]
    assert note["expected_canonical_payload"] == canonical(body)


def test_top_level_only_sort_of_the_doc_node_sample_is_named(kp):
    sent = json.dumps(NESTED, separators=(",", ":"))                     # JSON.stringify(body)
    signed = json.dumps({k: NESTED[k] for k in sorted(NESTED)}, separators=(",", ":"))
    response = kp.call(STATUS, raw=sent, sign_payload=signed)
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["component"] == "payload" and "only at the top level" in note["likely_mistake"]
    assert note["expected_canonical_payload"] == canonical(NESTED)
    assert note["matched_message"] == f"{signed}{SHEET_TIMESTAMP}"


def test_payload_without_timestamp_is_named(kp):
    payload = canonical({"order_id": UNPAID})
    response = kp.status(UNPAID, signature=hmac_hex(payload, ""))
    assert_error(response, 401, "Invalid signature.")
    assert "without appending X-TIMESTAMP" in kp.last_notes()["signature"]["likely_mistake"]


@pytest.mark.parametrize("transform", [
    str.upper, lambda hex_digest: base64.b64encode(bytes.fromhex(hex_digest)).decode()])
def test_uppercase_or_base64_digest_is_refused_and_named(kp, transform):
    signature = transform(hmac_hex(canonical({"order_id": UNPAID}), SHEET_TIMESTAMP))
    response = kp.status(UNPAID, signature=signature)
    assert_error(response, 401, "Invalid signature.")
    note = kp.last_notes()["signature"]
    assert note["component"] == "encoding" and "uppercase hex or base64" in note["likely_mistake"]
    assert "expected 64 lowercase hex characters" in note["signature_format"]


# -- missing headers and check order --------------------------------------------------------

@pytest.mark.parametrize("missing", ["api_key", "timestamp", "signature"])
def test_missing_header_is_named(kp, missing):
    kwargs = {missing: None if missing != "signature" else ""}
    response = kp.cancel(UNPAID, **kwargs)
    header = {"api_key": "X-API-KEY", "timestamp": "X-TIMESTAMP", "signature": "X-SIGNATURE"}[missing]
    assert_error(response, 401, f"Missing authentication headers: {header}.")
    assert kp.order(UNPAID)["status"] == "UN_PAID"


def test_all_headers_missing(client):
    response = client.post(CANCEL, json={"order_id": UNPAID})
    assert_error(response, 401, "Missing authentication headers: X-API-KEY, X-SIGNATURE, X-TIMESTAMP.")


def test_empty_header_counts_as_missing(kp):
    assert_error(kp.cancel(UNPAID, api_key=""), 401, "Missing authentication headers: X-API-KEY.")


@pytest.mark.parametrize("kwargs, message", [
    ({"api_key": None, "timestamp": "soon"}, "Missing authentication headers: X-API-KEY."),
    ({"api_key": "pk_test_nobody", "timestamp": "soon"}, "Invalid API key."),
    ({"timestamp": SHEET_TIMESTAMP - 3600, "signature": "0" * 64}, "Request timestamp expired."),
])
def test_check_order_headers_then_key_then_timestamp_then_signature(kp, kwargs, message):
    assert_error(kp.cancel(UNPAID, **kwargs), 401, message)


# -- timestamp window -------------------------------------------------------------------

@pytest.mark.parametrize("offset, message", [
    (-300, None), (300, None), (0, None),
    (-301, "Request timestamp expired."), (301, "Request timestamp is too far in the future."),
])
def test_default_window_edges(kp, offset, message):
    response = kp.status(UNPAID, timestamp=SHEET_TIMESTAMP + offset)
    if message is None:
        assert response.status_code == 200, response.json
    else:
        assert_error(response, 401, message)
        assert "the window is ±300 s" in kp.last_notes()["auth"]


def test_window_follows_the_simulator_clock(kp, client):
    assert kp.status(UNPAID).status_code == 200
    client.post("/_sim/clock", json={"advance": "301s"})
    assert_error(kp.status(UNPAID), 401, "Request timestamp expired.")
    assert kp.status(UNPAID, timestamp=SHEET_TIMESTAMP + 301).status_code == 200


@pytest.fixture
def window_60(client, kp):
    scenario = yaml.safe_load((Path(__file__).parents[3] / "simulator/bundled_scenarios/default.yaml").read_text())
    for merchant in scenario["merchants"]:
        if merchant["id"] == "KP-001":
            merchant["features"] = {"timestamp_window_seconds": 60}
    assert client.post("/_sim/scenario", json=scenario).status_code == 200
    kp.freeze()
    return kp


@pytest.mark.parametrize("offset, ok", [(-60, True), (60, True), (-61, False), (61, False)])
def test_window_is_configurable_per_merchant(window_60, offset, ok):
    response = window_60.status(UNPAID, timestamp=SHEET_TIMESTAMP + offset)
    assert (response.status_code == 200) is ok
    if not ok:
        assert "the window is ±60 s" in window_60.last_notes()["auth"]


@pytest.mark.parametrize("value", ["soon", "1778659835.0", "2026-05-13T08:10:35Z", "-1778659835",
                                   "+1778659835", "1e9", "１７７８６５９８３５",
                                   "1778659835000000", "9" * 400])
def test_timestamp_must_be_whole_seconds(kp, value):
    body = assert_error(kp.status(UNPAID, timestamp=value), 401)
    assert body["message"].startswith("Invalid X-TIMESTAMP: expected UNIX time in whole seconds")


def test_millisecond_timestamp_is_named(kp):
    millis = SHEET_TIMESTAMP * 1000
    assert_error(kp.status(UNPAID, timestamp=millis), 401,
                 f"Invalid X-TIMESTAMP: {millis} looks like milliseconds; send UNIX time in seconds.")
