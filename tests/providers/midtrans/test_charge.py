"""Core API `POST /v2/charge` and `GET /v2/token` (create sheet §4, §5, §7, §8), over HTTP."""

from __future__ import annotations

import hashlib

import pytest

from .conftest import SERVER_KEY, basic

CLIENT_KEY = "SB-Mid-client-SIMULATOR-KEY"


def charge(client, body, headers=None):
    return client.post("/v2/charge", json=body, headers=headers or basic(SERVER_KEY))


def details(order_id="sim-1001", amount=44145):
    return {"order_id": order_id, "gross_amount": amount}


def card_token(client, number="4811111111111114"):
    response = client.get("/v2/token", query_string={
        "card_number": number, "card_exp_month": "12", "card_exp_year": "2030",
        "card_cvv": "123", "client_key": CLIENT_KEY})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token_id"]


@pytest.mark.parametrize("bank, prefix, length", [
    ("bca", "1278", 15), ("bni", "98885002", 16), ("bri", "857", 16), ("cimb", "2810", 16)])
def test_a_va_charge_is_pending_with_its_bank_s_number(client, bank, prefix, length):
    response = charge(client, {"payment_type": "bank_transfer", "transaction_details": details(),
                               "bank_transfer": {"bank": bank}})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status_code"], body["status_message"]) == (
        "201", "Success, Bank Transfer transaction is created")
    assert body["transaction_status"] == "pending" and body["fraud_status"] == "accept"
    assert body["gross_amount"] == "44145.00" and body["currency"] == "IDR"
    [va] = body["va_numbers"]
    assert va["bank"] == bank and va["va_number"].startswith(prefix) and len(va["va_number"]) == length
    assert body["expiry_time"] == "2026-01-16 10:00:00"   # 24 hours after the pinned clock


def test_a_merchant_va_number_is_padded_and_kept(client):
    body = charge(client, {"payment_type": "bank_transfer", "transaction_details": details(),
                           "bank_transfer": {"bank": "bni", "va_number": "12345"}}).get_json()
    assert body["va_numbers"] == [{"bank": "bni", "va_number": "9888500200012345"}]


def test_a_va_number_held_by_a_pending_order_is_not_given_twice(client):
    first = charge(client, {"payment_type": "bank_transfer", "transaction_details": details("a-1"),
                            "bank_transfer": {"bank": "bca", "va_number": "777"}}).get_json()
    second = charge(client, {"payment_type": "bank_transfer", "transaction_details": details("a-2"),
                             "bank_transfer": {"bank": "bca", "va_number": "777"}}).get_json()
    assert first["va_numbers"][0]["va_number"] == "127800000000777"
    assert second["va_numbers"][0]["va_number"] != first["va_numbers"][0]["va_number"]


def test_permata_has_its_own_field_and_message(client):
    body = charge(client, {"payment_type": "bank_transfer", "transaction_details": details(),
                           "bank_transfer": {"bank": "permata"}}).get_json()
    assert body["status_message"] == "Success, PERMATA VA transaction is successful"
    assert body["permata_va_number"].startswith("877800") and "va_numbers" not in body


def test_mandiri_bill_gives_biller_code_and_bill_key(client):
    body = charge(client, {"payment_type": "echannel", "transaction_details": details(),
                           "echannel": {"bill_info1": "Payment:", "bill_info2": "Online purchase",
                                        "bill_key": "123456"}}).get_json()
    assert (body["status_code"], body["status_message"]) == ("201", "OK, Mandiri Bill transaction is successful")
    assert body["biller_code"] == "70012" and body["bill_key"] == "123456"


def test_gopay_actions_point_at_the_simulator_host_the_request_used(client):
    response = client.post("/v2/charge", base_url="http://127.0.0.1:9911",
                           json={"payment_type": "gopay", "transaction_details": details()},
                           headers=basic(SERVER_KEY))
    body = response.get_json()
    assert (body["status_code"], body["status_message"]) == ("201", "GO-PAY transaction is created")
    tid = body["transaction_id"]
    assert {a["name"]: (a["method"], a["url"]) for a in body["actions"]} == {
        "generate-qr-code": ("GET", f"http://127.0.0.1:9911/v2/gopay/{tid}/qr-code"),
        "deeplink-redirect": ("GET", f"http://127.0.0.1:9911/gopay/partner/app/payment-pin?id={tid}"),
        "get-status": ("GET", f"http://127.0.0.1:9911/v2/{tid}/status"),
        "cancel": ("POST", f"http://127.0.0.1:9911/v2/{tid}/cancel"),
    }
    assert body["expiry_time"] == "2026-01-15 10:15:00"     # 15 minutes (our choice)


def test_urls_keep_the_provider_prefix_when_the_client_uses_it(client):
    body = client.post("/midtrans/v2/charge", json={"payment_type": "qris", "transaction_details": details()},
                       headers=basic(SERVER_KEY)).get_json()
    assert body["actions"][0]["url"] == f"http://localhost/midtrans/v2/qris/{body['transaction_id']}/qr-code"


def test_qris_has_a_valid_emv_qr_string_and_both_expiry_spellings(client):
    body = charge(client, {"payment_type": "qris", "transaction_details": details(),
                           "qris": {"acquirer": "gopay"}}).get_json()
    assert body["acquirer"] == "gopay"
    qr = body["qr_string"]
    assert qr.startswith("000201") and qr[-8:-4] == "6304"
    assert qr[-4:] == f"{_crc16(qr[:-4].encode()):04X}"
    assert "540544145" + "5802ID" in qr                 # tag 54: the amount, then the country
    assert body["expire_time"] == body["expiry_time"]


def test_the_qr_code_url_answers_a_png(client):
    body = charge(client, {"payment_type": "qris", "transaction_details": details()}).get_json()
    url = body["actions"][0]["url"].removeprefix("http://localhost")
    response = client.get(url, headers={"Accept": "*/*"})
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")


def test_a_card_without_3ds_is_captured(client):
    body = charge(client, {"payment_type": "credit_card", "transaction_details": details(),
                           "credit_card": {"token_id": card_token(client)}}).get_json()
    assert (body["status_code"], body["transaction_status"], body["fraud_status"]) == ("200", "capture", "accept")
    assert body["masked_card"] == "48111111-1114" and body["channel_response_code"] == "00"
    assert "expiry_time" not in body


def test_a_card_with_3ds_waits_on_its_page(client):
    body = charge(client, {"payment_type": "credit_card", "transaction_details": details(),
                           "credit_card": {"token_id": card_token(client), "authentication": True}}).get_json()
    assert (body["status_code"], body["transaction_status"]) == ("201", "pending")
    assert body["redirect_url"] == f"http://localhost/v2/token/rba/redirect/{body['transaction_id']}"
    assert "approval_code" not in body


def test_the_bank_s_deny_card_is_denied_with_202(client):
    body = charge(client, {"payment_type": "credit_card", "transaction_details": details(),
                           "credit_card": {"token_id": card_token(client, "4911111111111113")}}).get_json()
    assert (body["status_code"], body["transaction_status"]) == ("202", "deny")


def test_a_card_token_is_single_use(client, sandbox):
    token = card_token(client)
    charge(client, {"payment_type": "credit_card", "transaction_details": details("c-1"),
                    "credit_card": {"token_id": token}})
    again = charge(client, {"payment_type": "credit_card", "transaction_details": details("c-2"),
                            "credit_card": {"token_id": token}})
    assert again.status_code == 200
    assert again.get_json()["status_code"] == "411"
    assert again.get_json()["status_message"] == "Token id is missing, invalid, or timed out"
    assert sandbox.book.get("midtrans", "G000000001", "c-2") is None


def test_a_token_survives_a_duplicate_order_id(client):
    token = card_token(client)
    charge(client, {"payment_type": "gopay", "transaction_details": details("dup-1")})
    refused = charge(client, {"payment_type": "credit_card", "transaction_details": details("dup-1"),
                              "credit_card": {"token_id": token}}).get_json()
    assert refused["status_code"] == "406"
    ok = charge(client, {"payment_type": "credit_card", "transaction_details": details("dup-2"),
                         "credit_card": {"token_id": token}}).get_json()
    assert ok["status_code"] == "200"


def test_card_token_refuses_a_number_failing_luhn(client):
    response = client.get("/v2/token", query_string={
        "card_number": "4811111111111115", "card_exp_month": "12", "card_exp_year": "2030",
        "card_cvv": "123", "client_key": CLIENT_KEY})
    assert response.status_code == 400
    body = response.get_json()
    assert body["status_code"] == "400"
    assert body["validation_messages"] == ["card_number does not match with Luhn algorithm"]


def test_card_token_needs_a_known_client_key(client):
    response = client.get("/v2/token", query_string={"card_number": "4811111111111114",
                                                      "client_key": "SB-Mid-client-NOPE"})
    assert response.status_code == 401 and response.get_json()["status_code"] == "401"


def test_a_duplicate_order_id_is_406_under_http_200(client, sandbox):
    first = charge(client, {"payment_type": "gopay", "transaction_details": details("dup")})
    again = charge(client, {"payment_type": "bank_transfer", "transaction_details": details("dup", 1),
                            "bank_transfer": {"bank": "bca"}})
    assert again.status_code == 200
    assert again.get_json()["status_code"] == "406"
    order = sandbox.book.get("midtrans", "G000000001", "dup")
    assert order.channel == "gopay" and order.transaction_id == first.get_json()["transaction_id"]


def test_scenario_order_ids_are_taken_too(client):
    body = charge(client, {"payment_type": "gopay", "transaction_details": details("MT-VA-BCA-PENDING")}).get_json()
    assert body["status_code"] == "406"


@pytest.mark.parametrize("body, message", [
    ({"payment_type": "gopay"}, "transaction_details is required"),
    ({"payment_type": "gopay", "transaction_details": {"gross_amount": 1}}, "transaction_details.order_id is required"),
    ({"payment_type": "gopay", "transaction_details": {"order_id": "x"}}, "transaction_details.gross_amount is required"),
    ({"payment_type": "gopay", "transaction_details": details(amount=0)},
     "transaction_details.gross_amount must be greater than or equal to 1"),
    ({"payment_type": "gopay", "transaction_details": details(amount=-5)},
     "transaction_details.gross_amount must be greater than or equal to 1"),
    ({"payment_type": "gopay", "transaction_details": details(amount="abc")},
     "transaction_details.gross_amount must be an integer"),
    ({"payment_type": "gopay", "transaction_details": details(amount=10.5)},
     "transaction_details.gross_amount must be an integer"),
    ({"payment_type": "gopay", "transaction_details": details(order_id="x" * 51)},
     "transaction_details.order_id must be at most 50 characters"),
    ({"payment_type": "gopay", "transaction_details": details(order_id=12345)},
     "transaction_details.order_id must be a string"),
    ({"payment_type": "gopay", "transaction_details": details(order_id="a/b")},
     "transaction_details.order_id may only contain letters, digits, space and - _ ~ . :"),
    ({"transaction_details": details()}, "payment_type is required"),
    ({"payment_type": "bitcoin", "transaction_details": details()}, "payment_type 'bitcoin' is not supported"),
    ({"payment_type": "bank_transfer", "transaction_details": details()}, "bank_transfer is required"),
    ({"payment_type": "bank_transfer", "transaction_details": details(), "bank_transfer": {"bank": "xyz"}},
     "bank_transfer.bank 'xyz' is not one of bca, bni, bri, cimb, permata"),
    ({"payment_type": "echannel", "transaction_details": details(), "echannel": {"bill_info1": "a"}},
     "echannel.bill_info2 is required"),
    ({"payment_type": "gopay", "transaction_details": details(), "customer_details": [{"first_name": "a"}]},
     "customer_details must be an object"),
    ({"payment_type": "gopay", "transaction_details": details(amount=100),
      "item_details": [{"id": "a", "price": 30, "quantity": 3, "name": "Kaos"}]},
     "transaction_details.gross_amount is not equal to the sum of item_details"),
    ({"payment_type": "gopay", "transaction_details": details(), "custom_expiry": {"expiry_duration": 5, "unit": "second"}},
     "custom_expiry.expiry_duration must be at least 20 seconds"),
    ({"payment_type": "qris", "transaction_details": details(), "custom_expiry": {"expiry_duration": 6, "unit": "day"}},
     "custom_expiry is too long; qris allows at most 5 days"),
])
def test_bad_requests_get_400_with_validation_messages_and_make_nothing(client, sandbox, body, message):
    before = sandbox.run.count()
    response = charge(client, body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["status_code"] == "400"
    assert answer["status_message"] == "One or more parameters in the payload is invalid."
    assert message in answer["validation_messages"]
    assert answer["id"]
    assert sandbox.run.count() == before


def test_items_summing_to_the_amount_are_accepted_and_echoed_in_status(client):
    charge(client, {"payment_type": "bank_transfer", "transaction_details": details("it-1", 150000),
                    "bank_transfer": {"bank": "bni"},
                    "item_details": [{"id": "SKU-1", "price": 100000, "quantity": 1, "name": "Kaos"},
                                     {"id": "SHIP", "price": 50000, "quantity": 1, "name": "Ongkir"}],
                    "custom_field1": "cf-1", "metadata": {"cart_id": "c-77"}})
    status = client.get("/v2/it-1/status", headers=basic(SERVER_KEY)).get_json()
    assert status["transaction_status"] == "pending"
    assert status["custom_field1"] == "cf-1" and status["metadata"] == {"cart_id": "c-77"}


def test_a_numeric_string_amount_is_accepted(client):
    body = charge(client, {"payment_type": "gopay", "transaction_details": details(amount="265000")}).get_json()
    assert body["gross_amount"] == "265000.00"


def test_custom_expiry_sets_the_expiry_time(client):
    body = charge(client, {"payment_type": "bank_transfer", "transaction_details": details(),
                           "bank_transfer": {"bank": "bca"},
                           "custom_expiry": {"order_time": "2026-01-15 10:00:00 +0700",
                                             "expiry_duration": 60, "unit": "minute"}}).get_json()
    assert body["expiry_time"] == "2026-01-15 11:00:00"


def test_a_payment_type_not_simulated_is_not_activated(client, sandbox):
    before = sandbox.run.count()
    response = charge(client, {"payment_type": "cstore", "transaction_details": details(),
                               "cstore": {"store": "indomaret"}})
    assert response.status_code == 200
    assert response.get_json()["status_code"] == "402"
    assert response.get_json()["status_message"] == "Payment channel is not activated."
    assert sandbox.run.count() == before


def test_a_null_body_is_the_documented_500(client):
    response = client.post("/v2/charge", data="null", headers=basic(SERVER_KEY))
    assert response.status_code == 500
    body = response.get_json()
    assert body["status_code"] == "500" and "unexpected" in body["status_message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_malformed_json_is_400(client):
    response = client.post("/v2/charge", data="{not json", headers=basic(SERVER_KEY))
    assert response.status_code == 400
    assert response.get_json()["status_message"] == \
        "The request cannot be processed due to syntax error in the request body"


def test_a_wrong_server_key_is_401_and_makes_nothing(client, sandbox):
    before = sandbox.run.count()
    response = charge(client, {"payment_type": "gopay", "transaction_details": details()},
                      headers=basic("SB-Mid-server-WRONG"))
    assert response.status_code == 401 and response.get_json()["status_code"] == "401"
    assert sandbox.run.count() == before


def test_idempotency_key_replays_the_first_charge_whatever_the_body(client):
    headers = {**basic(SERVER_KEY), "Idempotency-Key": "charge-key-1"}
    first = charge(client, {"payment_type": "gopay", "transaction_details": details("ik-1")}, headers)
    again = charge(client, {"payment_type": "gopay", "transaction_details": details("ik-2")}, headers)
    assert again.get_json() == first.get_json()
    assert client.get("/_sim/orders/midtrans/ik-2").status_code == 404


def test_idempotency_key_is_ignored_for_permata(client):
    headers = {**basic(SERVER_KEY), "Idempotency-Key": "permata-key"}
    first = charge(client, {"payment_type": "bank_transfer", "transaction_details": details("pk-1"),
                            "bank_transfer": {"bank": "permata"}}, headers)
    again = charge(client, {"payment_type": "bank_transfer", "transaction_details": details("pk-1"),
                            "bank_transfer": {"bank": "permata"}}, headers)
    assert first.get_json()["status_code"] == "201"
    assert again.get_json()["status_code"] == "406"


def test_a_charge_sends_the_pending_notification(notified):
    body = charge(notified.client, {"payment_type": "bank_transfer", "transaction_details": details("n-1"),
                                    "bank_transfer": {"bank": "bri"}}).get_json()
    [received] = notified.receiver.wait_for(1)
    note = received.json()
    assert (note["order_id"], note["transaction_status"], note["status_code"]) == ("n-1", "pending", "201")
    assert note["va_numbers"] == body["va_numbers"]
    assert note["signature_key"] == hashlib.sha512(
        (note["order_id"] + note["status_code"] + note["gross_amount"] + SERVER_KEY).encode()).hexdigest()


def _crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc
