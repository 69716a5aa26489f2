"""Finpay callbacks: HMAC-SHA512 over PHP-style json_encode, checked with this test's own
code (and that code checked against the sheet's §11 vector); cancel callbacks and their
switch (§8)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json

from simulator.merchants import MerchantDirectory

from simulator.receiver import eventually
from .conftest import GOOD_AUTH, MERCHANT_KEY

SHEET_MESSAGE = ('{"customer":{"id":"buyer@example.test"},"order":{"id":"SIM-FP-0001","reference":'
                 '"SIMREF0001","amount":22000,"currency":"IDR"},"meta":{"data":null},"result":'
                 '{"payment":{"amount":22000,"status":"CANCELLED","statusDesc":null,"datetime":'
                 '"2025-01-15 10:20:30"}},"sourceOfFunds":{"type":"vabca","paymentCode":"8804483300000001"}}')
SHEET_SIGNATURE = ("218f49dd5e23e69789ee0ee6a7ecd07dcd2c5a0b70487b9d120b4d1bdcf6a58d"
                   "a11faeea0a7ef37a2a44d932d6493d4b91b7ece811a0371e22be4d2a37894947")


def php_json(value) -> str:
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")


def expected_signature(raw: bytes, key: str) -> str:
    unsigned = {k: v for k, v in json.loads(raw).items() if k != "signature"}
    return hmac.new(key.encode(), php_json(unsigned).encode(), hashlib.sha512).hexdigest()


def test_the_verifier_agrees_with_the_sheet_vector():
    sent = SHEET_MESSAGE[:-1] + f',"signature":"{SHEET_SIGNATURE}"}}'
    assert expected_signature(sent.encode(), "SIMKEY123") == SHEET_SIGNATURE


def test_a_cancel_sends_a_signed_cancelled_callback(notified):
    answer = notified.client.get("/pg/payment/card/cancel/FP-VABCA-PENDING", headers=GOOD_AUTH)
    assert answer.status_code == 200
    [received] = notified.receiver.wait_for(1)
    body = received.json()
    assert body["result"]["payment"]["status"] == "CANCELLED"
    assert body["order"]["id"] == "FP-VABCA-PENDING"
    assert list(body)[-1] == "signature"
    assert body["signature"] == expected_signature(received.body, MERCHANT_KEY)
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    assert received.body == (php_json(unsigned)[:-1] + f',"signature":"{body["signature"]}"}}').encode()


def test_a_payment_sends_a_paid_callback(notified):
    notified.client.post("/_sim/orders/finpay/FP-VABCA-PENDING/pay")
    [received] = notified.receiver.wait_for(1)
    assert received.json()["result"]["payment"]["status"] == "PAID"
    assert received.json()["signature"] == expected_signature(received.body, MERCHANT_KEY)


def test_cancel_callbacks_can_be_switched_off(notified):
    box = notified.sandbox
    box.replace_merchants(MerchantDirectory(
        dataclasses.replace(m, features={**m.features, "cancel_callback": False})
        if m.provider == "finpay" else m for m in box.merchants))
    assert notified.client.get("/pg/payment/card/cancel/FP-VABCA-PENDING", headers=GOOD_AUTH).status_code == 200
    notified.client.post("/_sim/orders/finpay/FP-VABCA-REQUEST_INITIATED/pay")
    [delivery] = eventually(lambda: box.webhooks.query())
    assert delivery["order_id"] == "FP-VABCA-REQUEST_INITIATED"
