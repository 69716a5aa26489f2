"""KwikPaisa's create call, `POST /api/v3/pg/order/create`, and its hosted checkout page,
over HTTP with requests signed from the sheet (tests/providers/kwikpaisa/conftest.py)."""

from __future__ import annotations

import copy
import re

import pytest

from .conftest import (SECRET, SHEET_TIMESTAMP, KwikPaisaClient, assert_error, canonical, hmac_hex)

CREATE = "/api/v3/pg/order/create"
SHEET_BODY = {"order_id": "A1", "order_amount": 105, "order_currency": "INR", "service_type": "DIGITAL",
              "customer": {"name": "Test", "email": "t@example.com", "phone": "9999999999"},
              "return_url": "https://m.example/r"}


def body(**changes) -> dict:
    made = copy.deepcopy(SHEET_BODY)
    for key, value in changes.items():
        if key.startswith("customer__"):
            made["customer"][key.removeprefix("customer__")] = value
        elif value is None:
            made.pop(key)
        else:
            made[key] = value
    return made


def test_the_sheet_s_vectors_sign_a_create_both_ways(kp):
    """Sheet §2: recursive key sort and top-level-only sort are both accepted."""
    recursive = canonical(SHEET_BODY)
    assert hmac_hex(recursive, SHEET_TIMESTAMP) == "757b70a2b4e1f7e817c0bc8e693ced8fd53e6e008c526654f067e4427f3aaa25"
    top_level = ('{"customer":{"name":"Test","email":"t@example.com","phone":"9999999999"},"order_amount":105,'
                 '"order_currency":"INR","order_id":"A1","return_url":"https://m.example/r","service_type":"DIGITAL"}')
    assert hmac_hex(top_level, SHEET_TIMESTAMP) == "a01d5676af7711b19d50c055c9216e33f8d065d956cbe8b55192cdbfb727e5c2"
    assert kp.call(CREATE, raw=top_level).status_code == 200
    assert kp.call(CREATE, body(order_id="A2")).status_code == 200


def test_a_create_answers_the_order_and_a_payment_link(kp):
    answer = kp.call(CREATE, body(order_id=7116229263036, order_note="Additional order info"))
    assert answer.status_code == 200
    got = answer.json
    assert (got["code"], got["status"], got["message"]) == ("200", "success", "Order created successfully.")
    data = got["return_data"]
    assert re.fullmatch(r"kp_[0-9a-f-]{36}", data["kwikX_order_id"])
    assert data["order_id"] == 7116229263036 and data["order_amount"] == "105.00" and data["currency"] == "INR"
    assert data["order_status"] == "UN_PAID" and re.fullmatch(r"toc_[0-9a-f]{64}", data["order_token"])
    assert re.fullmatch(r"http://localhost/payment\?payload=[0-9a-f]{64}", data["payment_link"])
    assert data["created_at"] == "13-05-2026 01:40 PM"             # IST
    status = kp.status("7116229263036").json["return_data"]
    assert status["order_status"] == "UN_PAID" and status["kwikX_order_id"] == data["kwikX_order_id"]


def test_the_link_field_name_can_follow_the_client(kp):
    merchant = next(m for m in kp.client.get("/_sim/merchants").json["merchants"]
                    if m["provider"] == "kwikpaisa" and m["credentials"]["secret_key"] == SECRET)
    kp.client.patch(f"/_sim/merchants/kwikpaisa/{merchant['id']}", json={"features": {"payment_link_field": "payment_url"}})
    data = kp.call(CREATE, body(order_id="A3")).json["return_data"]
    assert "payment_url" in data and "payment_link" not in data


@pytest.mark.parametrize("payload, code, message", [
    (body(order_id=None), 400, "order_id is required."),
    (body(customer=None), 400, "customer is required."),
    (body(return_url=None), 400, "return_url is required."),
    (body(customer__email=""), 400, "customer.email is required."),
    (body(order_id={"x": 1}), 400, "Invalid payload. order_id must be an integer or a string."),
    (body(order_id="has space"), 400, "Invalid payload. order_id must be 1-50 letters, digits, '-' or '_'."),
    (body(order_id="X" * 51), 400, "Invalid payload. order_id must be 1-50 letters, digits, '-' or '_'."),
    (body(order_amount=0), 422, "Invalid order amount."),
    (body(order_amount=-1), 422, "Invalid order amount."),
    (body(order_amount=10.001), 422, "Invalid order amount."),
    (body(order_amount="lots"), 400, "Invalid payload. order_amount must be a number."),
    (body(order_currency="USD"), 422, "Invalid order currency."),
    (body(service_type="GAMES"), 400, "Invalid payload. service_type must be one of DIGITAL, PHYSICAL_GOODS."),
    (body(customer__phone="12345"), 400, "Invalid payload. customer.phone must be a 10-digit Indian mobile number."),
    (body(customer__email="nope"), 400, "Invalid payload. customer.email must be an email address."),
    (body(return_url="ftp://x"), 400, "Invalid payload. return_url must be an http(s) URL."),
    ([1, 2], 400, None),
])
def test_bad_bodies_get_the_error_envelope_and_make_no_order(kp, payload, code, message):
    before = kp.client.get("/_sim/health").json["orders"]
    assert_error(kp.call(CREATE, payload), code, message)
    assert kp.client.get("/_sim/health").json["orders"] == before


def test_malformed_json_bad_signature_and_duplicates(kp):
    assert_error(kp.call(CREATE, raw=b'{"order_id": '), 400)
    assert_error(kp.call(CREATE, body(order_id="B1"), secret="wrong"), 401, "Invalid signature.")
    assert kp.client.get("/_sim/orders/kwikpaisa/B1").status_code == 404
    assert kp.call(CREATE, body(order_id="B1")).status_code == 200
    assert_error(kp.call(CREATE, body(order_id="B1")), 409, "Duplicate order_id.")   # no replay
    assert_error(kp.call(CREATE, body(order_id="B1", order_amount=1)), 409, "Duplicate order_id.")
    assert kp.order("B1")["amount"] == "105.00"


# -- the hosted page -------------------------------------------------------------------------------

def link(answer) -> str:
    return answer.json["return_data"]["payment_link"].removeprefix("http://localhost")


def test_the_page_offers_methods_then_upi_pays_and_webhooks_are_signed(notified):
    kp = KwikPaisaClient(notified.client)
    kp.freeze()
    page = link(kp.call(CREATE, body(order_id="P1")))
    html = notified.client.get(page).get_data(as_text=True)
    for method, label in (("UPI", "UPI"), ("CARD", "Card"), ("NETBANKING", "Net banking"), ("WALLET", "Wallet")):
        assert f'value="{method}">{label}</button>' in html
    notified.client.post(page, data={"method": "UPI"})
    html = notified.client.get(page).get_data(as_text=True)
    assert "upi://pay?pa=" in html and 'id="payer-qr"' in html
    assert kp.status("P1").json["return_data"]["payment_method"] == "UPI"
    notified.client.post(page, data={"action": "pay"})
    processing, paid = notified.receiver.wait_for(2)
    assert [processing.json()["event"], paid.json()["event"]] == ["payment.processing", "payment.success"]
    for received in (processing, paid):
        headers = {k.lower(): v for k, v in received.headers.items()}
        assert headers["x-signature"] == hmac_hex(received.body, headers["x-timestamp"])
    assert paid.json()["data"] == {"order_id": "P1", "amount": "105.00", "currency": "INR", "status": "PAID"}
    assert kp.status("P1").json["return_data"]["order_status"] == "PAID"
    assert 'href="https://m.example/r?order_id=P1&amp;status=PAID"' in notified.client.get(page).get_data(as_text=True)
    assert_error(kp.cancel("P1"), 422, "Order cannot be cancelled. Current status: PAID.")


def test_fail_expire_cancel_and_unknown_links(kp):
    client = kp.client
    page = link(kp.call(CREATE, body(order_id="F1")))
    client.post(page, data={"method": "CARD"})
    client.post(page, data={"action": "fail"})
    assert kp.order("F1")["status"] == "FAILED"
    page = link(kp.call(CREATE, body(order_id="E1")))
    client.post(page, data={"method": "WALLET"})
    client.post(page, data={"action": "expire"})
    assert kp.order("E1")["status"] == "EXPIRED"
    link(kp.call(CREATE, body(order_id="C1")))
    assert kp.cancel("C1").json["return_data"]["order_status"] == "CANCELLED"
    page = link(kp.call(CREATE, body(order_id="T1")))
    client.post("/_sim/clock", json={"advance": "31m"})
    assert "EXPIRED" in client.get(page).get_data(as_text=True)
    assert client.get("/payment?payload=nope").status_code == 404
    assert client.get("/payment").status_code == 404
