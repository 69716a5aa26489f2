"""Basic auth with merchant id and merchant key (sheet §2): the right pair, built here,
is accepted; anything else is 401 `4010000` with the reason in the journal, never the key."""

from __future__ import annotations

import base64
import json

import pytest

from .conftest import MERCHANT_ID, MERCHANT_KEY, assert_envelope, basic


def test_sheet_example_header():
    assert basic(MERCHANT_ID, MERCHANT_KEY) == "Basic Rk5QU0lNMDE6U0lNS0VZMTIz"


@pytest.mark.parametrize("call", ["cancel", "check"])
def test_correct_credentials_accepted(finpay, call):
    response = getattr(finpay, call)("FP-VABNI-PENDING",
                                     headers={"Authorization": basic(MERCHANT_ID, MERCHANT_KEY)})
    assert_envelope(response, 200, "2000000")


def test_scheme_is_case_insensitive(finpay):
    encoded = base64.b64encode(f"{MERCHANT_ID}:{MERCHANT_KEY}".encode()).decode()
    assert_envelope(finpay.check("FP-VABNI-PENDING", headers={"Authorization": f"basic {encoded}"}),
                    200, "2000000")


BAD = [
    ("wrong key", {"Authorization": basic(MERCHANT_ID, "WRONGKEY99")}, "wrong merchant key"),
    ("key of another case", {"Authorization": basic(MERCHANT_ID, MERCHANT_KEY.lower())},
     "wrong merchant key"),
    ("empty key", {"Authorization": basic(MERCHANT_ID, "")}, "wrong merchant key"),
    ("unknown merchant id", {"Authorization": basic("FNPOTHER", MERCHANT_KEY)}, "no Finpay merchant"),
    ("missing header", {}, "no Authorization header"),
    ("empty header", {"Authorization": ""}, "no Authorization header"),
    ("Bearer scheme", {"Authorization": "Bearer Rk5QU0lNMDE6U0lNS0VZMTIz"}, "scheme 'Bearer' is not the expected one"),
    ("Basic without value", {"Authorization": "Basic"}, "is only the scheme 'Basic', with no credential"),
    ("bad base64", {"Authorization": "Basic %%%not-base64%%%"}, "not base64"),
    ("no colon", {"Authorization": "Basic " + base64.b64encode(b"FNPSIM01SIMKEY123").decode()},
     "no ':'"),
    ("not UTF-8", {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()}, "not base64"),
]


@pytest.mark.parametrize("call", ["cancel", "check"])
@pytest.mark.parametrize("name, headers, reason", BAD, ids=[row[0] for row in BAD])
def test_bad_credentials_refused(finpay, call, name, headers, reason):
    before = finpay.order("FP-VABNI-PENDING")
    assert_envelope(getattr(finpay, call)("FP-VABNI-PENDING", headers=headers), 401, "4010000",
                    "Unauthorized")
    assert finpay.order("FP-VABNI-PENDING")["version"] == before["version"]
    entry = finpay.last_journal()
    assert reason in entry["notes"]["auth"]
    text = json.dumps(entry)
    assert MERCHANT_KEY not in text and "WRONGKEY99" not in text
    assert entry["merchant"] is None


def test_auth_is_checked_before_the_order_id(finpay):
    assert_envelope(finpay.cancel("A" * 40, headers={}), 401, "4010000")
    assert_envelope(finpay.cancel("NO-SUCH-ORDER", headers={}), 401, "4010000")
