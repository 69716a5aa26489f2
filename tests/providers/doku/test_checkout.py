"""DOKU Checkout's create call, `POST /checkout/v1/payment`, and its checkout page, over HTTP
with a client that signs from the sheet alone (tests/providers/doku/client.py)."""

from __future__ import annotations

import json

import pytest

from .client import CLIENT_ID, NOW, SECRET, call, sign, string_to_sign

CREATE = "/checkout/v1/payment"


def body(invoice="INV-CO-1", amount=150000, **extra) -> bytes:
    order = {"amount": amount, "invoice_number": invoice, **extra.pop("order", {})}
    return json.dumps({"order": order, **extra}, separators=(",", ":")).encode()


def create(client, payload: bytes, **kwargs):
    return call(client, "POST", CREATE, payload, **kwargs)


def test_a_checkout_answers_the_sheet_s_fields_and_keeps_its_request_id(client):
    answer = create(client, body(order={"callback_url": "https://shop.example/back"},
                                 payment={"payment_due_date": 30, "payment_method_types": ["VIRTUAL_ACCOUNT_BCA", "QRIS"]},
                                 customer={"name": "Budi"},
                                 additional_info={"account": {"id": "SAC-1"}}),
                    request_id="req-create-1")
    assert answer.status_code == 200
    got = answer.get_json()
    assert got["message"] == ["SUCCESS"]
    response = got["response"]
    assert response["order"]["amount"] == "150000" and response["order"]["invoice_number"] == "INV-CO-1"
    assert len(response["order"]["session_id"]) == 32
    payment = response["payment"]
    assert payment["token_id"].startswith(response["order"]["session_id"]) and len(payment["token_id"]) == 49
    # WIB yyyy · minute · dd · HHmmss · millis of 10:00:00.000 WIB on the 15th
    assert payment["token_id"][32:] == "2026" "00" "15" "100000" "000"
    assert payment["url"] == f"http://localhost/checkout-link-v2/{payment['token_id']}"
    assert payment["expired_date"] == "20260115103000"              # WIB, 30 minutes on
    assert payment["expired_datetime"] == "2026-01-15T03:30:00Z"
    assert payment["payment_method_types"] == ["VIRTUAL_ACCOUNT_BCA", "QRIS"]
    assert payment["type"] == "SALE" and payment["payment_due_date"] == 30
    assert response["customer"] == {"name": "Budi"}
    assert response["additional_info"]["account"] == {"id": "SAC-1"}
    assert response["additional_info"]["origin"]["product"] == "CHECKOUT"
    assert response["headers"]["request_id"] == "req-create-1" and response["headers"]["client_id"] == CLIENT_ID

    status = call(client, "GET", "/orders/v1/status/req-create-1").get_json()   # found by Request-Id
    assert status["order"]["status"] == "ORDER_GENERATED" and status["transaction"]["status"] is None
    assert status["transaction"]["original_request_id"] == "req-create-1"
    assert status["channel"]["id"] is None


def test_under_the_doku_mount_the_page_url_keeps_it(client):
    answer = create(client, body(invoice="INV-MOUNT"), signed_target=CREATE)
    assert answer.status_code == 200
    answer = call(client, "POST", "/doku" + CREATE, body(invoice="INV-MOUNT-2"), signed_target=CREATE)
    assert answer.get_json()["response"]["payment"]["url"].startswith("http://localhost/doku/checkout-link-v2/")


def test_a_retry_with_the_same_request_id_is_409_with_the_first_answer(client):
    first = create(client, body(invoice="INV-RETRY"), request_id="req-retry")
    again = create(client, body(invoice="INV-RETRY"), request_id="req-retry")
    assert again.status_code == 409 and again.get_json() == first.get_json()
    other = create(client, body(invoice="INV-RETRY-2"), request_id="req-retry")
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotent_request"
    assert client.get("/_sim/orders/doku/INV-RETRY-2").status_code == 404


def test_a_reused_invoice_number_with_a_new_request_id_is_refused(client):
    assert create(client, body(invoice="INV-DUP")).status_code == 200
    again = create(client, body(invoice="INV-DUP", amount=1))
    assert again.status_code == 400 and again.get_json() == {"message": ["DUPLICATE INVOICE NUMBER"]}
    assert client.get("/_sim/orders/doku/INV-DUP").get_json()["amount"] == "150000"


@pytest.mark.parametrize("payload, messages", [
    (b'{"order": {"amount": 1000}}', ["order.invoice_number must be filled"]),
    (body(amount=0), ["order.amount must greater than 0"]),
    (body(amount=-5), ["order.amount must greater than 0"]),
    (body(amount="abc"), ["order.amount must be a number"]),
    (body(amount=True), ["order.amount must be a number"]),
    (body(amount=100.5), ["order.amount must be a whole number of rupiah"]),
    (body(amount=10 ** 13), ["order.amount must be at most 12 digits"]),
    (body(invoice="X" * 65), ["order.invoice_number must be at most 64 characters"]),
    (body(invoice=7), ["order.invoice_number must be a string"]),
    (body(order={"currency": "USD"}), ["order.currency must be IDR"]),
    (body(payment={"payment_due_date": 0}), ["payment.payment_due_date must be a whole number of minutes from 1 to 999999"]),
    (body(payment={"type": "LAYAWAY"}), ["payment.type must be one of SALE, INSTALLMENT, AUTHORIZE"]),
    (body(invoice="I" * 31, payment={"payment_method_types": ["CREDIT_CARD"]}),
     ["order.invoice_number must be at most 30 characters when CREDIT_CARD is offered"]),
    (b'{"payment": {}}', ["order must be filled", "order.invoice_number must be filled", "order.amount must be filled"]),
    (b"[1, 2]", ["request body must be a JSON object"]),
    (body(payment={"payment_method_types": ["NOT_A_REAL_CHANNEL"]}), ["PAYMENT CHANNEL IS INACTIVE"]),
    (body(payment={"payment_method_types": ["QRIS", "doku"]}), ["PAYMENT CHANNEL IS INACTIVE"]),
    (body(amount=150000, order={"line_items": [{"name": "a", "price": 100000, "quantity": 1}]}), ["AMOUNT NOT MATCH"]),
    (body(additional_info={"override_notification_url": "ftp://x"}),
     ["additional_info.override_notification_url must be an http(s) URL of at most 2048 characters"]),
])
def test_bad_bodies_get_the_business_envelope_and_make_no_order(client, payload, messages):
    before = client.get("/_sim/health").get_json()["orders"]
    answer = create(client, payload)
    assert answer.status_code == 400 and answer.get_json() == {"message": messages}
    assert client.get("/_sim/health").get_json()["orders"] == before


def test_malformed_json_is_a_business_error_not_a_500(client):
    answer = create(client, b'{"order": ')
    assert answer.status_code == 400 and list(answer.get_json()) == ["message"]


def test_line_items_that_add_up_and_a_shopee_alias_are_accepted(client):
    answer = create(client, body(invoice="INV-ITEMS", amount="150000.00",
                                 order={"line_items": [{"name": "a", "price": 100000, "quantity": 1},
                                                       {"name": "b", "price": 25000, "quantity": 2}]},
                                 payment={"payment_method_types": ["EMONEY_SHOPEE_PAY"]}))
    assert answer.status_code == 200
    assert client.get("/_sim/orders/doku/INV-ITEMS").get_json()["extra"]["payment_method_types"] == ["EMONEY_SHOPEEPAY"]


def test_bad_signature_or_headers_make_no_order(client):
    answer = create(client, body(invoice="INV-BADSIG"), secret="wrong")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_signature"
    missing = create(client, body(invoice="INV-BADSIG"), drop=("Request-Id",))
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "invalid_header_request"
    assert client.get("/_sim/orders/doku/INV-BADSIG").status_code == 404


def test_inactive_channels_of_a_merchant_refuse_the_session(client):
    merchants = {m["id"]: m for m in client.get("/_sim/merchants").get_json()["merchants"] if m["provider"] == "doku"}
    merchant_id = next(i for i, m in merchants.items() if m["credentials"]["client_id"] == CLIENT_ID)
    client.patch(f"/_sim/merchants/doku/{merchant_id}", json={"features": {"active_channels": ["QRIS"]}})
    refused = create(client, body(invoice="INV-INACTIVE", payment={"payment_method_types": ["VIRTUAL_ACCOUNT_BCA"]}))
    assert refused.get_json() == {"message": ["PAYMENT CHANNEL IS INACTIVE"]}
    allowed = create(client, body(invoice="INV-ACTIVE"))
    assert allowed.get_json()["response"]["payment"]["payment_method_types"] == ["QRIS"]


# -- the checkout page ---------------------------------------------------------------------------

def page_path(answer) -> str:
    return answer.get_json()["response"]["payment"]["url"].removeprefix("http://localhost")


def test_the_page_offers_the_allowed_channels_then_shows_the_va_and_pays(notified):
    client = notified.client
    client.post("/_sim/clock", json={"set": NOW, "frozen": True})
    answer = create(client, body(invoice="INV-PAGE", order={"callback_url": "https://shop.example/back"},
                                 payment={"payment_method_types": ["VIRTUAL_ACCOUNT_BCA", "QRIS"]}),
                    request_id="req-page")
    path = page_path(answer)
    html = client.get(path).get_data(as_text=True)
    assert 'value="VIRTUAL_ACCOUNT_BCA">BCA virtual account</button>' in html
    assert 'value="QRIS">QRIS</button>' in html and "Alfamart" not in html
    chosen = client.post(path, data={"method": "VIRTUAL_ACCOUNT_BCA"})
    assert chosen.status_code == 303
    order = client.get("/_sim/orders/doku/INV-PAGE").get_json()
    assert order["status"] == "PENDING" and order["channel"] == "VIRTUAL_ACCOUNT_BCA"
    va = order["extra"]["virtual_account_number"]
    html = client.get(path).get_data(as_text=True)
    assert va in html and 'value="pay"' in html and 'value="fail"' not in html
    assert 'href="https://shop.example/back"' in html
    status = call(client, "GET", "/orders/v1/status/INV-PAGE").get_json()
    assert status["virtual_account_info"]["virtual_account_number"] == va

    assert client.post(path, data={"action": "pay"}).status_code == 303
    [received] = notified.receiver.wait_for(1)
    headers = {k.lower(): v for k, v in received.headers.items()}
    text = string_to_sign(CLIENT_ID, headers["request-id"], NOW, "/hooks/doku", received.body)
    assert headers["signature"] == sign(SECRET, text)
    sent = received.json()
    assert sent["transaction"]["status"] == "SUCCESS" and sent["transaction"]["original_request_id"] == "req-page"
    assert sent["virtual_account_info"]["virtual_account_number"] == va
    assert call(client, "GET", "/orders/v1/status/req-page").get_json()["transaction"]["status"] == "SUCCESS"
    cancel = call(client, "POST", "/checkout/v3/cancellations",
                  json.dumps({"order": {"invoice_number": "INV-PAGE"}, "payment": {"original_request_id": "req-page"},
                              "note": "too late"}).encode())
    assert cancel.status_code == 400 and cancel.get_json() == {"message": ["ORDER ALREADY PAID"]}


def test_qris_shows_a_qr_and_fail_sends_failed(notified):
    client = notified.client
    client.post("/_sim/clock", json={"set": NOW, "frozen": True})
    path = page_path(create(client, body(invoice="INV-QR", payment={"payment_method_types": ["QRIS"]})))
    client.post(path, data={"method": "QRIS"})
    html = client.get(path).get_data(as_text=True)
    assert 'id="payer-qr"' in html and "ID.CO.QRIS.WWW" in html
    client.post(path, data={"action": "fail"})
    [received] = notified.receiver.wait_for(1)
    assert received.json()["transaction"]["status"] == "FAILED"


def test_a_chosen_va_can_be_cancelled_and_a_left_page_expires(client):
    path = page_path(create(client, body(invoice="INV-CANCEL"), request_id="req-cancel"))
    client.post(path, data={"method": "VIRTUAL_ACCOUNT_BNI"})
    cancel = call(client, "POST", "/checkout/v3/cancellations",
                  json.dumps({"order": {"invoice_number": "INV-CANCEL"},
                              "payment": {"original_request_id": "req-cancel"}, "note": "n"}).encode())
    assert cancel.status_code == 200 and cancel.get_json()["response"]["order"]["status"] == "CANCELLED"

    path = page_path(create(client, body(invoice="INV-EXPIRE", payment={"payment_due_date": 5})))
    client.post("/_sim/clock", json={"advance": "6m"})
    html = client.get(path).get_data(as_text=True)
    assert "EXPIRED" in html and 'name="method"' not in html
    client.post(path, data={"method": "QRIS"})
    assert client.get("/_sim/orders/doku/INV-EXPIRE").get_json()["status"] == "EXPIRED"


def test_let_it_expire_and_an_unknown_token(client):
    path = page_path(create(client, body(invoice="INV-LET")))
    client.post(path, data={"method": "ONLINE_TO_OFFLINE_ALFA"})
    assert "Payment code" in client.get(path).get_data(as_text=True)
    client.post(path, data={"action": "expire"})
    assert client.get("/_sim/orders/doku/INV-LET").get_json()["status"] == "EXPIRED"
    assert client.get("/checkout-link-v2/nope").status_code == 404
    assert client.post(path, data={"method": "NOT_OFFERED"}).status_code == 303


def test_an_override_notification_url_gets_the_order_s_notifications(notified, receiver):
    client = notified.client
    client.post("/_sim/clock", json={"set": NOW, "frozen": True})
    override = receiver.url + "/override/doku"
    path = page_path(create(client, body(invoice="INV-OVR", additional_info={"override_notification_url": override})))
    client.post(path, data={"method": "QRIS"})
    client.post(path, data={"action": "pay"})
    [received] = notified.receiver.wait_for(1)
    assert received.path == "/override/doku"
