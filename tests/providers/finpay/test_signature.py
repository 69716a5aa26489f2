"""The callback signature (sheet §8) against the sheet's §11 test vector, and a signer
written here independently (hashlib + hand-rolled PHP escaping) that must agree."""

from __future__ import annotations

import hashlib
import hmac
import json

from simulator.providers.finpay.signature import php_json_encode, sign, signed

MESSAGE = ('{"customer":{"id":"buyer@example.test"},"order":{"id":"SIM-FP-0001","reference":'
           '"SIMREF0001","amount":22000,"currency":"IDR"},"meta":{"data":null},"result":{"payment":'
           '{"amount":22000,"status":"CANCELLED","statusDesc":null,"datetime":"2025-01-15 10:20:30"}},'
           '"sourceOfFunds":{"type":"vabca","paymentCode":"8804483300000001"}}')
EXPECTED = ("218f49dd5e23e69789ee0ee6a7ecd07dcd2c5a0b70487b9d120b4d1bdcf6a58da11faeea0a7ef37a2a44d9"
            "32d6493d4b91b7ece811a0371e22be4d2a37894947")


def independent_signature(message: str, key: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha512).hexdigest()


def test_sheet_vector():
    body = json.loads(MESSAGE)
    assert php_json_encode(body) == MESSAGE
    assert independent_signature(MESSAGE, "SIMKEY123") == EXPECTED
    assert sign(body, "SIMKEY123") == EXPECTED


def test_signature_is_appended_last_and_ignored_when_resigning():
    body = signed(json.loads(MESSAGE), "SIMKEY123")
    assert list(body)[-1] == "signature" and body["signature"] == EXPECTED
    assert sign(body, "SIMKEY123") == EXPECTED


def test_php_escaping_of_slashes_and_non_ascii():
    body = {"url": "https://merchant.test/cb", "name": "Café"}
    encoded = '{"url":"https:\\/\\/merchant.test\\/cb","name":"Caf\\u00e9"}'
    assert php_json_encode(body) == encoded
    assert sign(body, "k") == independent_signature(encoded, "k")


def test_tampering_changes_the_signature():
    body = json.loads(MESSAGE)
    body["order"]["amount"] = 22001
    assert sign(body, "SIMKEY123") != EXPECTED
    assert sign(json.loads(MESSAGE), "SIMKEY124") != EXPECTED
