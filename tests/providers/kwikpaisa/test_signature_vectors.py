"""The fact sheet's signature test vectors (§2, §8) against the simulator's formula and
against the independent test signer, so both agree with the sheet and with each other."""

from __future__ import annotations

import json

import pytest

from simulator.providers.kwikpaisa import signature

from .conftest import SECRET, canonical, hmac_hex

TS = "1778659835"

VECTORS = [
    ({"order_id": 6116229263036}, '{"order_id":6116229263036}',
     "ed817054e857bd3189e3f60f3329142ea220462ab169febd6e5e4e4010dff3f5"),
    ({"order_id": "6116229263036"}, '{"order_id":"6116229263036"}',
     "c95c6167d3c9c063e6ab3b0805282cdd4ddc18f323acb50a2ef35c1c1273b97a"),
    ({"order_id": "123456", "amount": "100"}, '{"amount":"100","order_id":"123456"}',
     "438d57dd3530934ea65502213942beba2b7a1aa57fb9ba3b405dcf113efa07d9"),
]

NESTED_BODY = ('{"order_id":"A1","customer":{"phone":"9999999999","name":"Test",'
               '"email":"t@example.com"},"order_amount":105}')
NESTED_RECURSIVE = ('{"customer":{"email":"t@example.com","name":"Test","phone":"9999999999"},'
                    '"order_amount":105,"order_id":"A1"}')
NESTED_RECURSIVE_SIG = "4d6ac3372a66387dd38ee29cb63170d46ca407d74abee8a8e35c5cfb755c0e75"
NESTED_TOP_LEVEL = ('{"customer":{"phone":"9999999999","name":"Test","email":"t@example.com"},'
                    '"order_amount":105,"order_id":"A1"}')
NESTED_TOP_LEVEL_SIG = "5117c42d16ef56b81cf460f5e86d8499085a0de8d7f0c931adb13b949d97c8d1"


@pytest.mark.parametrize("data, payload, expected", VECTORS)
def test_sheet_vectors(data, payload, expected):
    assert signature.canonical_payload(data) == payload
    assert signature.message(payload, TS) == (payload + TS).encode()
    assert signature.sign(payload, TS, SECRET) == expected
    assert canonical(data) == payload and hmac_hex(payload, TS) == expected


def test_nested_object_is_sorted_at_every_level():
    data = json.loads(NESTED_BODY)
    assert signature.canonical_payload(data) == NESTED_RECURSIVE == canonical(data)
    assert signature.sign(NESTED_RECURSIVE, TS, SECRET) == NESTED_RECURSIVE_SIG


def test_nested_object_top_level_only_sort_signs_differently():
    top_level_only = json.dumps({k: json.loads(NESTED_BODY)[k] for k in sorted(json.loads(NESTED_BODY))},
                                separators=(",", ":"))
    assert top_level_only == NESTED_TOP_LEVEL
    assert signature.sign(NESTED_TOP_LEVEL, TS, SECRET) == NESTED_TOP_LEVEL_SIG != NESTED_RECURSIVE_SIG


def test_integer_and_string_order_id_sign_differently():
    assert VECTORS[0][2] != VECTORS[1][2]


def test_slashes_stay_unescaped():
    assert signature.canonical_payload({"return_url": "https://shop.example/ok"}) == \
        '{"return_url":"https://shop.example/ok"}'


def test_webhook_vector():
    body = ('{"data":{"amount":"105.00","currency":"INR","order_id":"6116229263036",'
            '"status":"PAID"},"event":"payment.success"}')
    assert signature.canonical_payload(json.loads(body)) == body
    assert signature.sign(body, "1778660100", SECRET) == \
        "d46bc7f01164afc60ecede7759a92d303b620990c01ce80d3de4804205700be6"
