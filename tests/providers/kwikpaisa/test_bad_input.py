"""Bad input on cancel and status: malformed JSON, wrong types, missing order_id, bodies
that are not objects, a body over 1 MiB, odd ids. Every answer is the KwikPaisa error
envelope with a message that says what is wrong, and the order never changes."""

from __future__ import annotations

import json

import pytest

from .conftest import CANCEL, STATUS, assert_error

TARGET = "KP-UPI-UN_PAID"   # a cancellable order every request below mentions


@pytest.fixture
def unchanged(kp):
    before = kp.order(TARGET)
    yield
    assert kp.order(TARGET) == before


@pytest.mark.parametrize("path", [CANCEL, STATUS])
@pytest.mark.parametrize("raw, message_start", [
    ('{"order_id":"KP-UPI-UN_PAID"', "Invalid payload. Request body is not valid JSON: "),
    ("order_id=KP-UPI-UN_PAID", "Invalid payload. Request body is not valid JSON: "),
    ("{'order_id': 'KP-UPI-UN_PAID'}", "Invalid payload. Request body is not valid JSON: "),
    ("", "Invalid payload. Request body is empty"),
    ('["KP-UPI-UN_PAID"]', "Invalid payload. Expected a JSON object like"),
    ('"KP-UPI-UN_PAID"', "Invalid payload. Expected a JSON object like"),
    (b'{"order_id":"KP-UPI-UN_PAID\xff"}', "Invalid payload. Request body is not UTF-8 text"),
])
def test_malformed_body(kp, unchanged, path, raw, message_start):
    body = assert_error(kp.call(path, raw=raw), 400)
    assert body["message"].startswith(message_start), body["message"]
    assert kp.last_notes()["payload"] == body["message"]


@pytest.mark.parametrize("path", [CANCEL, STATUS])
@pytest.mark.parametrize("value, type_name", [
    ({"id": TARGET}, "an object"), ([TARGET], "an array"), (True, "a boolean"), (False, "a boolean"),
    (6116229263036.0, "a decimal number"), (1.5, "a decimal number"),
])
def test_wrong_order_id_type(kp, unchanged, path, value, type_name):
    assert_error(kp.call(path, {"order_id": value}), 400,
                 f"Invalid payload. order_id must be an integer or a string; got {type_name}.")


def test_decimal_spelling_of_an_integer_id_does_not_cancel_it(kp):
    before = kp.order(6116229263036)
    assert_error(kp.call(CANCEL, raw='{"order_id":6116229263036.0}'), 400)
    assert kp.order(6116229263036) == before


@pytest.mark.parametrize("path", [CANCEL, STATUS])
@pytest.mark.parametrize("body", [{}, {"order_id": None}, {"order_id": ""}, {"order_id": "   "},
                                  {"orderId": TARGET}, {"order": {"order_id": TARGET}}])
def test_missing_order_id(kp, unchanged, path, body):
    assert_error(kp.call(path, body), 400, "order_id is required.")


def test_body_over_one_mebibyte(kp, unchanged, client):
    raw = json.dumps({"order_id": TARGET, "padding": "x" * (1024 * 1024 + 1)})
    body = assert_error(kp.call(CANCEL, raw=raw), 413)
    assert body["message"] == "Request body is too large; the limit is 1048576 bytes."
    entry = client.get("/_sim/journal?provider=kwikpaisa&limit=1").json["entries"][0]
    assert entry["status"] == 413 and "over the 1048576-byte limit" in entry["request"]["body"]


@pytest.mark.parametrize("odd_id", ["KP-UPI-UN_PAID' OR '1'='1", "../KP-UPI-UN_PAID", "कप-१", "x" * 5000,
                                    "KP-UPI-UN_PAID\n", -6116229263036, 10 ** 40, "kp-upi-un_paid"])
def test_odd_ids_are_not_found(kp, unchanged, odd_id):
    assert_error(kp.cancel(odd_id), 404, "Order not found.")


def test_unsigned_malformed_body_is_an_auth_error_first(kp, unchanged):
    assert_error(kp.call(CANCEL, raw="{nope", signature="0" * 64), 401, "Invalid signature.")
    assert kp.last_notes()["signature"]["payload_note"].startswith("the body is not JSON")


def test_extra_keys_are_ignored_but_signed(kp):
    response = kp.call(STATUS, {"order_id": TARGET, "reason": "customer asked", "meta": {"b": 1, "a": 2}})
    assert response.status_code == 200


@pytest.mark.parametrize("order_id", ["³", "١٢٣", "-"])
def test_a_wrong_signature_over_a_unicode_digit_order_id_is_a_401_not_a_500(kp, order_id):
    """str.isdigit() accepts '³' and Arabic-Indic digits; the signature explanation then
    called int() on them and the request failed with a 500 instead of the 401."""
    assert_error(kp.cancel(order_id, signature="0" * 64), 401, "Invalid signature.")
