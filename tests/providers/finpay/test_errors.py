"""The error catalogue (sheet §6 plus the simulator's documented choices), one row each,
over HTTP on both mounts: exact HTTP status = first three digits of `responseCode`, the
message, a float processingTime and a UUID traceId; the order never changes."""

from __future__ import annotations

import pytest

from .conftest import GOOD_AUTH, MOUNTS, assert_envelope, basic

ONE_MIB = 1024 * 1024

# (name, order_id, request kwargs, HTTP status, responseCode, message prefix)
CATALOGUE = [
    ("unknown order", "NO-SUCH-ORDER", {}, 404, "4040001", "Transaction Not Found"),
    ("bad auth", "FP-VABCA-PENDING", {"headers": {"Authorization": basic("FNPSIM01", "nope")}},
     401, "4010000", "Unauthorized"),
    ("paid", "FP-VABCA-PAID", {}, 404, "4040100", "Invalid Transaction Status"),
    ("captured", "FP-CC-CAPTURED", {}, 404, "4040100", "Invalid Transaction Status"),
    ("expired", "FP-VABCA-EXPIRED", {}, 404, "4040100", "Invalid Transaction Status"),
    ("already cancelled", "FP-VABCA-CANCELLED", {}, 404, "4040100", "Invalid Transaction Status"),
    ("failure", "FP-VABCA-FAILURE", {}, 404, "4040100", "Invalid Transaction Status"),
    ("qris before session", "FP-QRIS-REQUEST_INITIATED", {}, 404, "4040100",
     "Invalid Transaction Status"),
    ("orderId over 30 chars", "A" * 31, {}, 400, "4000001", "Invalid Field Format"),
    ("orderId with a dot", "FP.VABCA.PENDING", {}, 400, "4000001", "Invalid Field Format"),
    ("orderId with a space", "FP%20VABCA", {}, 400, "4000001", "Invalid Field Format"),
    ("orderId non-ASCII", "FP-%C3%A9", {}, 400, "4000001", "Invalid Field Format"),
    ("malformed JSON body", "FP-VABCA-PENDING", {"data": "{"}, 400, "4000000", "Bad Request"),
    ("missing order.id", "FP-VABCA-PENDING", {"json": {"order": {"amount": "100000"}}},
     400, "4000002", "Invalid Mandatory Field"),
    ("order.id mismatch", "FP-VABCA-PENDING", {"json": {"order": {"id": "FP-VABNI-PENDING"}}},
     404, "4040018", "Inconsistent Request"),
    ("amount mismatch", "FP-VABCA-PENDING",
     {"json": {"order": {"id": "FP-VABCA-PENDING", "amount": "99999"}}}, 404, "4040013", "Invalid Amount"),
    ("body over 1 MiB", "FP-VABCA-PENDING", {"data": b" " * (ONE_MIB + 1)}, 413, "4130000",
     "Request Entity Too Large"),
]


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "prefixed"])
@pytest.mark.parametrize("name, order_id, kwargs, http_status, code, message", CATALOGUE,
                         ids=[row[0] for row in CATALOGUE])
def test_cancel_error_catalogue(finpay, client, mount, name, order_id, kwargs, http_status, code, message):
    seeded = client.get(f"/_sim/orders/finpay/{order_id}")
    before = seeded.get_json() if seeded.status_code == 200 else None
    response = finpay.cancel(order_id, mount, **kwargs)
    assert_envelope(response, http_status, code, message)
    if before is not None:
        after = finpay.order(order_id)
        assert (after["status"], after["version"]) == (before["status"], before["version"])


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "prefixed"])
@pytest.mark.parametrize("order_id, headers, http_status, code", [
    ("NO-SUCH-ORDER", GOOD_AUTH, 404, "4040001"),
    ("FP-VABCA-PAID", {}, 401, "4010000"),
    ("A" * 31, GOOD_AUTH, 400, "4000001"),
])
def test_check_errors(finpay, mount, order_id, headers, http_status, code):
    assert_envelope(finpay.check(order_id, mount, headers=headers), http_status, code)


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "prefixed"])
def test_unknown_path_and_wrong_method(client, mount):
    assert_envelope(client.get(f"{mount}/pg/payment/card/nothing/X", headers=GOOD_AUTH),
                    404, "4040000", "Not Found")
    assert_envelope(client.get(f"{mount}/pg/payment/card/cancel/a/b", headers=GOOD_AUTH),
                    404, "4040000", "Not Found")
    assert_envelope(client.post(f"{mount}/pg/payment/card/cancel/FP-VABCA-PENDING", headers=GOOD_AUTH),
                    405, "4050000", "Method Not Allowed")


def test_internal_error_is_general_error(finpay, sandbox, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("store exploded")
    monkeypatch.setattr(sandbox.book, "get", broken)
    for call in (finpay.cancel, finpay.check):
        body = assert_envelope(call("FP-VABCA-PENDING"), 500, "5000000", "General Error")
        assert "exploded" not in body["responseMessage"]


def test_refusal_reason_is_journaled(finpay):
    finpay.cancel("FP-OVO-REQUEST_INITIATED")
    entry = finpay.last_journal()
    assert entry["endpoint"] == "cancel" and entry["order_id"] == "FP-OVO-REQUEST_INITIATED"
    assert "no provider session" in entry["notes"]["refusal"]
