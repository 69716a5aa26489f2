"""The optional Cancel Order body (sheet §3): nothing, `{}` or a matching reference are
accepted; a mismatching or malformed body gets Finpay's envelope and the order is unchanged."""

from __future__ import annotations

import json

import pytest

from .conftest import GOOD_AUTH, assert_envelope

ORDER = "FP-VABRI-PENDING"   # amount 100000
JSON_HEADERS = {**GOOD_AUTH, "Content-Type": "application/json"}


def status_and_version(finpay) -> tuple:
    order = finpay.order(ORDER)
    return order["status"], order["version"]


@pytest.mark.parametrize("body", [
    None, b"", b"   ", b"null", b"{}", b'{"order": null}',
    json.dumps({"order": {"id": ORDER}}).encode(),
    json.dumps({"order": {"id": ORDER, "amount": "100000"}}).encode(),
    json.dumps({"order": {"id": ORDER, "amount": 100000}}).encode(),
    json.dumps({"order": {"id": ORDER, "amount": "100000"}, "extra": "ignored"}).encode(),
], ids=["none", "empty", "blank", "null", "{}", "order-null", "id-only", "id-amount-string",
        "id-amount-integer", "extra-keys"])
def test_accepted_bodies(finpay, body):
    kwargs = {} if body is None else {"data": body}
    assert_envelope(finpay.cancel(ORDER, headers=JSON_HEADERS, **kwargs), 200, "2000000",
                    "Request has been processed successfully")
    assert finpay.order(ORDER)["status"] == "CANCELLED"


REFUSED = [
    ("other order id", {"order": {"id": "FP-VABCA-PENDING", "amount": "100000"}}, 404, "4040018",
     "order.id 'FP-VABCA-PENDING'"),
    ("other amount", {"order": {"id": ORDER, "amount": "100001"}}, 404, "4040013", "100001"),
    ("other amount as integer", {"order": {"id": ORDER, "amount": 5}}, 404, "4040013", "100000"),
    ("amount as object", {"order": {"id": ORDER, "amount": {"value": 100000}}}, 400, "4000001",
     "order.amount"),
    ("amount with decimals", {"order": {"id": ORDER, "amount": "100000.00"}}, 400, "4000001",
     "order.amount"),
    ("amount as float", {"order": {"id": ORDER, "amount": 100000.5}}, 400, "4000001", "order.amount"),
    ("amount as boolean", {"order": {"id": ORDER, "amount": True}}, 400, "4000001", "order.amount"),
    ("amount negative", {"order": {"id": ORDER, "amount": "-100000"}}, 400, "4000001", "order.amount"),
    ("amount 15 digits", {"order": {"id": ORDER, "amount": "1" * 15}}, 400, "4000001", "order.amount"),
    ("order as list", {"order": [ORDER]}, 400, "4000001", "order must be an object"),
    ("order as string", {"order": ORDER}, 400, "4000001", "order must be an object"),
    ("body as list", [{"order": {"id": ORDER}}], 400, "4000001", "JSON object"),
    ("body as number", 7, 400, "4000001", "JSON object"),
    ("order.id missing", {"order": {"amount": "100000"}}, 400, "4000002", "order.id"),
    ("order.id as number", {"order": {"id": 12345}}, 400, "4000001", "order.id"),
    ("order.id not alpha dash", {"order": {"id": "FP VABRI"}}, 400, "4000001", "order.id"),
    ("order.id too long", {"order": {"id": "X" * 31}}, 400, "4000001", "order.id"),
]


@pytest.mark.parametrize("name, body, http_status, code, detail", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_bodies(finpay, name, body, http_status, code, detail):
    before = status_and_version(finpay)
    response = finpay.cancel(ORDER, headers=JSON_HEADERS, data=json.dumps(body))
    message = assert_envelope(response, http_status, code)["responseMessage"]
    assert detail in message
    assert status_and_version(finpay) == before
    assert detail in finpay.last_journal()["notes"]["body"]


@pytest.mark.parametrize("raw, detail", [
    (b"{", "not valid JSON"),
    (b'{"order": {"id": "FP-VABRI-PENDING",}}', "not valid JSON"),
    (b"order=FP-VABRI-PENDING", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_malformed_bodies(finpay, raw, detail):
    before = status_and_version(finpay)
    body = assert_envelope(finpay.cancel(ORDER, headers=JSON_HEADERS, data=raw), 400, "4000000",
                           "Bad Request")
    assert detail in body["responseMessage"]
    assert status_and_version(finpay) == before


def test_body_over_one_mib(finpay):
    before = status_and_version(finpay)
    big = json.dumps({"order": {"id": ORDER}, "pad": "x" * (1024 * 1024)})
    body = assert_envelope(finpay.cancel(ORDER, headers=JSON_HEADERS, data=big), 413, "4130000",
                           "Request Entity Too Large")
    assert "1048576" in body["responseMessage"]
    assert status_and_version(finpay) == before


def test_unknown_order_wins_over_a_mismatching_body(finpay):
    assert_envelope(finpay.cancel("NO-SUCH-ORDER", headers=JSON_HEADERS,
                                  data=json.dumps({"order": {"id": ORDER}})), 404, "4040001")


def test_wrong_status_with_a_matching_body(finpay):
    body = json.dumps({"order": {"id": "FP-VABRI-PAID", "amount": "100000"}})
    assert_envelope(finpay.cancel("FP-VABRI-PAID", headers=JSON_HEADERS, data=body), 404, "4040100")


def test_check_ignores_a_body(finpay):
    assert_envelope(finpay.check(ORDER, data=b"{not json"), 200, "2000000", "Success")
