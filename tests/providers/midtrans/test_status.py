"""GET /v2/{id}/status: codes per transaction_status (§7), formats (§4) and signature_key."""

import hashlib

import pytest

from .conftest import SERVER_KEY

STATUS_CODES = [
    ("MT-VA-BCA-PENDING", "pending", "201"),
    ("MT-CARD-BCA-AUTHORIZE", "authorize", "200"),
    ("MT-CARD-BCA-CAPTURE", "capture", "200"),
    ("MT-VA-BCA-SETTLEMENT", "settlement", "200"),
    ("MT-VA-BCA-CANCEL", "cancel", "200"),
    ("MT-VA-BCA-EXPIRE", "expire", "407"),
    ("MT-VA-BCA-DENY", "deny", "202"),
    ("MT-VA-BCA-FAILURE", "failure", "202"),
    ("MT-VA-BCA-REFUND", "refund", "200"),
]


@pytest.mark.parametrize("order_id, status, code", STATUS_CODES)
def test_status_codes(client, auth, order_id, status, code):
    response = client.get(f"/v2/{order_id}/status", headers=auth)

    assert response.status_code == 200
    body = response.get_json()
    assert body["transaction_status"] == status
    assert body["status_code"] == code
    expected = hashlib.sha512(f"{order_id}{code}{body['gross_amount']}{SERVER_KEY}".encode()).hexdigest()
    assert body["signature_key"] == expected


def test_status_after_cancel_has_the_sheet_signature(client, auth):
    client.post("/v2/sim-order-1001/cancel", json={}, headers=auth)

    body = client.get("/v2/sim-order-1001/status", headers=auth).get_json()

    assert body["transaction_status"] == "cancel"
    assert body["status_code"] == "200"
    assert body["status_message"] == "Success, transaction is found"
    assert body["signature_key"] == (
        "a727b0aaf49cc48926dbbdf5162ced7e3fc152dc56cecf1be29eb4d299d5049a"
        "6e6d461e4ccb13bda1f8a6e53eea6bee9f5557dd166df1c0c2b5f1243b73933e")


@pytest.mark.parametrize("order_id, fields", [
    ("MT-VA-PERMATA-PENDING", {"permata_va_number"}),
    ("MT-MANDIRI-BILL-PENDING", {"bill_key", "biller_code"}),
    ("MT-INDOMARET-PENDING", {"payment_code", "store"}),
    ("MT-QRIS-PENDING", {"actions"}),
    ("MT-CARD-MAYBANK-CAPTURE", {"masked_card", "bank", "card_type", "channel", "approval_code"}),
])
def test_method_fields(client, auth, order_id, fields):
    body = client.get(f"/v2/{order_id}/status", headers=auth).get_json()

    assert fields <= set(body)


def test_formats(client, auth):
    body = client.get("/v2/MT-VA-BCA-SETTLEMENT/status", headers=auth).get_json()

    assert body["gross_amount"] == "100000.00"
    assert body["currency"] == "IDR"
    assert body["transaction_time"] == "2026-01-15 10:00:00"       # GMT+7, no offset
    assert body["settlement_time"] == "2026-01-15 10:00:00"
    assert body["merchant_id"] == "G000000001"
    assert "fraud_status" in body


def test_cstore_has_no_fraud_status(client, auth):
    body = client.get("/v2/MT-ALFAMART-PENDING/status", headers=auth).get_json()

    assert "fraud_status" not in body
    assert body["store"] == "alfamart"


def test_unknown_query_parameters_are_ignored(client, auth):
    """midtransclient's notification() sends custom headers as a query string."""
    response = client.get("/v2/MT-VA-BCA-PENDING/status?X-Test=1", headers=auth)

    assert response.get_json()["status_code"] == "201"


def test_status_by_transaction_id(client, auth):
    body = client.get("/v2/3f1c2a9e-7b4d-4c1e-9a55-0d6e2b8f4c11/status", headers=auth).get_json()

    assert body["order_id"] == "sim-order-1001"
