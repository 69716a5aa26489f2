"""POST /v2/{id}/cancel: every row of the fact sheet's cancellability table (§5, §10)."""

import pytest

# (order in default.yaml, body status_code, status afterwards)
CANCELLABILITY = [
    ("MT-VA-BCA-PENDING", "200", "cancel"),
    ("MT-GOPAY-PENDING", "200", "cancel"),
    ("MT-QRIS-PENDING", "200", "cancel"),
    ("MT-MANDIRI-BILL-PENDING", "200", "cancel"),
    ("MT-INDOMARET-PENDING", "200", "cancel"),
    ("MT-AKULAKU-PENDING", "200", "cancel"),
    ("MT-CARD-BNI-PENDING", "200", "cancel"),          # card waiting for 3DS: our choice, yes
    ("MT-CARD-BCA-AUTHORIZE", "200", "cancel"),
    ("MT-CARD-BRI-AUTHORIZE", "200", "cancel"),
    ("MT-CARD-MAYBANK-AUTHORIZE", "200", "cancel"),
    ("MT-CARD-MANDIRI-AUTHORIZE", "200", "cancel"),
    ("MT-CARD-BNI-AUTHORIZE", "412", "authorize"),     # BNI: only after capture
    ("MT-CARD-BNI-CAPTURE", "200", "cancel"),
    ("MT-CARD-BCA-CAPTURE", "200", "cancel"),
    ("MT-CARD-MANDIRI-CAPTURE", "200", "cancel"),
    ("MT-VA-BCA-SETTLEMENT", "412", "settlement"),     # refund instead
    ("MT-CARD-BNI-SETTLEMENT", "412", "settlement"),
    ("MT-VA-BCA-DENY", "412", "deny"),
    ("MT-VA-BCA-CANCEL", "412", "cancel"),
    ("MT-VA-BCA-EXPIRE", "412", "expire"),
    ("MT-VA-BCA-FAILURE", "412", "failure"),
    ("MT-VA-BCA-REFUND", "412", "refund"),
    ("MT-CARD-BNI-PARTIAL_REFUND", "412", "partial_refund"),
    ("MT-CARD-BNI-CHARGEBACK", "412", "chargeback"),
    ("MT-CARD-BNI-PARTIAL_CHARGEBACK", "412", "partial_chargeback"),
]


@pytest.mark.parametrize("order_id, code, status_after", CANCELLABILITY)
def test_cancellability_table(client, auth, order_status, order_id, code, status_after):
    response = client.post(f"/v2/{order_id}/cancel", json={}, headers=auth)

    assert response.status_code == 200          # business outcomes travel under HTTP 200
    body = response.get_json()
    assert body["status_code"] == code
    if code == "200":
        assert body["status_message"] == "Success, transaction is canceled"
        assert body["transaction_status"] == "cancel"
        assert body["order_id"] == order_id
    else:
        assert body["status_message"] == "Transaction status cannot be updated."
        assert len(body["id"]) == 36
    assert order_status(order_id) == status_after


def test_cancel_success_body_matches_the_sheet_example(client, auth):
    body = client.post("/v2/sim-order-1001/cancel", json={}, headers=auth).get_json()

    assert body == {
        "status_code": "200", "status_message": "Success, transaction is canceled",
        "transaction_id": "3f1c2a9e-7b4d-4c1e-9a55-0d6e2b8f4c11", "order_id": "sim-order-1001",
        "merchant_id": "G000000001", "gross_amount": "150000.00", "currency": "IDR",
        "payment_type": "bank_transfer", "transaction_time": "2026-01-15 10:00:00",
        "transaction_status": "cancel", "fraud_status": "accept",
        "va_numbers": [{"bank": "bca", "va_number": body["va_numbers"][0]["va_number"]}],
        "expiry_time": "2026-01-16 10:00:00",
    }
    assert body["va_numbers"][0]["va_number"].isdigit()


def test_cancel_by_transaction_id(client, auth, order_status):
    body = client.post("/v2/3f1c2a9e-7b4d-4c1e-9a55-0d6e2b8f4c11/cancel", headers=auth).get_json()

    assert body["status_code"] == "200"
    assert body["order_id"] == "sim-order-1001"
    assert order_status("sim-order-1001") == "cancel"


@pytest.mark.parametrize("body", [b"", b"{}", b"null"])
def test_cancel_accepts_what_each_official_client_sends(client, auth, body):
    response = client.post("/v2/MT-GOPAY-PENDING/cancel", data=body, headers=auth)

    assert response.get_json()["status_code"] == "200"


def test_second_cancel_is_412_and_history_has_one_cancel(client, auth):
    client.post("/v2/MT-QRIS-PENDING/cancel", headers=auth)
    second = client.post("/v2/MT-QRIS-PENDING/cancel", headers=auth)

    assert second.status_code == 200
    assert second.get_json()["status_code"] == "412"
    history = client.get("/_sim/orders/midtrans/MT-QRIS-PENDING").get_json()["history"]
    assert [h["event"] for h in history] == ["create", "cancel"]
    assert history[-1]["source"] == "api"


def test_card_cancel_carries_card_fields(client, auth):
    body = client.post("/v2/MT-CARD-BCA-CAPTURE/cancel", headers=auth).get_json()

    assert body["payment_type"] == "credit_card"
    assert body["bank"] == "bca"
    assert body["masked_card"].startswith("48111111-") and len(body["masked_card"]) == 13
    assert body["card_type"] == "credit"
    assert body["gross_amount"] == "250000.00"


def test_prefixed_mount_behaves_the_same(client, auth, order_status):
    body = client.post("/midtrans/v2/MT-VA-BNI-PENDING/cancel", json={}, headers=auth).get_json()

    assert body["status_code"] == "200"
    assert order_status("MT-VA-BNI-PENDING") == "cancel"


def test_expire_endpoint(client, auth, order_status):
    expired = client.post("/v2/MT-VA-BRI-PENDING/expire", json={}, headers=auth)
    again = client.post("/v2/MT-VA-BRI-PENDING/expire", json={}, headers=auth)
    settled = client.post("/v2/MT-VA-BRI-SETTLEMENT/expire", json={}, headers=auth)

    assert expired.status_code == 200
    assert expired.get_json()["status_code"] == "407"
    assert expired.get_json()["status_message"] == "Success, transaction has expired"
    assert expired.get_json()["transaction_status"] == "expire"
    assert again.get_json()["status_code"] == "412"
    assert settled.get_json()["status_code"] == "412"
    assert order_status("MT-VA-BRI-PENDING") == "expire"
    assert order_status("MT-VA-BRI-SETTLEMENT") == "settlement"


def test_authorize_expires_only_via_the_clock_not_the_expire_api(client, auth, order_status):
    body = client.post("/v2/MT-CARD-BCA-AUTHORIZE/expire", headers=auth).get_json()

    assert body["status_code"] == "412"
    assert order_status("MT-CARD-BCA-AUTHORIZE") == "authorize"
