"""Over real sockets (waitress): clients send Cancel Order as a GET with a JSON body, and
some send none; both must work end to end."""

from __future__ import annotations

import requests

from .conftest import MERCHANT_ID, MERCHANT_KEY


def test_get_with_and_without_body(live_url):
    auth = (MERCHANT_ID, MERCHANT_KEY)   # requests builds the Basic header itself
    with_body = requests.get(f"{live_url}/pg/payment/card/cancel/FP-VABCA-PENDING", auth=auth,
                             json={"order": {"id": "FP-VABCA-PENDING", "amount": "100000"}}, timeout=5)
    assert with_body.status_code == 200 and with_body.json()["responseCode"] == "2000000"
    without = requests.get(f"{live_url}/finpay/pg/payment/card/cancel/FP-VABNI-PENDING", auth=auth,
                           timeout=5)
    assert without.status_code == 200 and without.json()["responseCode"] == "2000000"
    check = requests.get(f"{live_url}/pg/payment/card/check/FP-VABCA-PENDING", auth=auth, timeout=5)
    assert check.json()["data"]["result"]["payment"]["status"] == "CANCELLED"
    refused = requests.get(f"{live_url}/pg/payment/card/cancel/FP-VABCA-PENDING",
                           auth=(MERCHANT_ID, "wrong"), timeout=5)
    assert refused.status_code == 401 and refused.json()["responseCode"] == "4010000"
