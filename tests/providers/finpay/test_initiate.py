"""Finpay's create call, `POST /pg/payment/card/initiate`, and its payer pages, over HTTP."""

from __future__ import annotations

import copy
import re

import pytest

from .conftest import GOOD_AUTH, MERCHANT_KEY, assert_envelope, basic
from .test_notify import expected_signature

INITIATE = "/pg/payment/card/initiate"
BASE = {"customer": {"email": "buyer@example.test", "firstName": "Budi", "lastName": "Utomo",
                     "mobilePhone": "+6281286288844"},
        "order": {"id": "SHOP-FP-1", "amount": "22000", "description": "Testing"},
        "url": {"callbackUrl": "http://127.0.0.1:9/finpay/callback"}}


def request_body(**changes) -> dict:
    body = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for part in parents:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return body


def initiate(client, body, auth=GOOD_AUTH, mount=""):
    return client.post(mount + INITIATE, json=body, headers=auth)


def test_a_hosted_page_initiate_answers_the_sheet_fields(client):
    body = assert_envelope(initiate(client, request_body()), 200, "2000000", "Success")
    assert re.fullmatch(r"http://localhost/pg/payment/card/access/[0-9a-f]{64}", body["redirecturl"])
    assert body["expiryLink"] == "2026-01-16 10:00:00"        # default 1440 minutes, WIB
    assert "paymentCode" not in body
    order = client.get("/_sim/orders/finpay/SHOP-FP-1").get_json()
    assert order["status"] == "REQUEST_INITIATED" and order["channel"] is None
    check = client.get("/pg/payment/card/check/SHOP-FP-1", headers=GOOD_AUTH).get_json()
    assert check["data"]["result"]["payment"]["status"] == "REQUEST_INITIATED"
    assert check["data"]["customer"]["firstName"] == "Budi"


def test_a_va_initiate_hands_out_its_payment_code_and_the_pending_page(client):
    body = assert_envelope(initiate(client, request_body(sourceOfFunds={"type": "vabca"}, order__timeout=60,
                                                         order__amount=150000.0)), 200, "2000000")
    assert re.fullmatch(r"[0-9]{16}", body["paymentCode"])
    assert re.fullmatch(r"http://localhost/widgetpg/pending/[0-9]+", body["redirecturl"])
    assert body["expiryLink"] == "2026-01-15 11:00:00"
    check = client.get("/pg/payment/card/check/SHOP-FP-1", headers=GOOD_AUTH).get_json()
    assert check["data"]["sourceOfFunds"] == {"type": "vabca", "channel": "014", "paymentCode": body["paymentCode"]}
    assert check["data"]["order"]["amount"] == 150000


def test_qris_answers_an_image_url_and_the_qr_string(client):
    body = initiate(client, request_body(sourceOfFunds={"type": "qris"})).get_json()
    assert body["qrString"].startswith("000201") and "ID.CO.QRIS.WWW" in body["qrString"]
    image = client.get(body["imageurl"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"


def test_under_the_finpay_mount_urls_keep_it(client):
    body = initiate(client, request_body(), mount="/finpay").get_json()
    assert body["redirecturl"].startswith("http://localhost/finpay/pg/payment/card/access/")


@pytest.mark.parametrize("changes, http, code, message", [
    ({"order": None}, 400, "4000002", "Invalid Mandatory Field. order"),
    ({"order__id": None}, 400, "4000002", "Invalid Mandatory Field. order.id"),
    ({"order__id": "has space"}, 400, "4000001", "Invalid Field Format. order.id must be 1-30 letters, digits, '-' or '_'"),
    ({"order__id": "X" * 31}, 400, "4000001", None),
    ({"order__amount": None}, 400, "4000002", "Invalid Mandatory Field. order.amount"),
    ({"order__amount": "0"}, 400, "4000001", "Invalid Field Format. order.amount must be greater than 0"),
    ({"order__amount": "12.5"}, 400, "4000001", "Invalid Field Format. order.amount must be a whole number"),
    ({"order__amount": "abc"}, 400, "4000001", "Invalid Field Format. order.amount must be a numeric string"),
    ({"order__amount": [1]}, 400, "4000001", None),
    ({"order__amount": "1" * 15}, 400, "4000001", "Invalid Field Format. order.amount must be at most 14 digits"),
    ({"order__currency": "USD"}, 400, "4000001", "Invalid Field Format. order.currency must be IDR"),
    ({"customer__mobilePhone": "081286288844"}, 400, "4000001",
     "Invalid Field Format. The customer.mobile phone format is invalid"),
    ({"customer__email": None}, 400, "4000002", "Invalid Mandatory Field. customer.email"),
    ({"url": None}, 400, "4000002", "Invalid Mandatory Field. url"),
    ({"url__callbackUrl": "javascript:x"}, 400, "4000001", None),
    ({"order__item": [{"name": "Kaos", "quantity": "1", "unitPrice": "22000"}]}, 400, "4000002",
     "Invalid Mandatory Field. order.item.0.category"),
    ({"order__item": [{"name": "Kaos", "quantity": "1", "unitPrice": "20000", "category": "General"}]}, 400, "4000001",
     "Invalid Field Format. the sum of order.item unitPrice × quantity must equal the order's amount"),
    ({"sourceOfFunds": {"type": "bitcoin"}}, 403, "4030001", None),
])
def test_bad_bodies_get_finpay_s_codes_and_make_no_order(client, changes, http, code, message):
    assert_envelope(initiate(client, request_body(**changes)), http, code, message)
    assert client.get("/_sim/orders/finpay/SHOP-FP-1").status_code == 404


def test_malformed_json_bad_auth_and_a_duplicate(client):
    bad = client.post(INITIATE, data=b'{"order": ', content_type="application/json", headers=GOOD_AUTH)
    assert_envelope(bad, 400, "4000000")
    assert_envelope(initiate(client, request_body(), auth={"Authorization": basic("FNPSIM01", "wrong")}),
                    401, "4010000", "Unauthorized")
    assert client.get("/_sim/orders/finpay/SHOP-FP-1").status_code == 404
    assert_envelope(initiate(client, request_body()), 200, "2000000")
    assert_envelope(initiate(client, request_body(order__amount="1")), 409, "4090000", "Duplicate Order ID")
    assert client.get("/_sim/orders/finpay/SHOP-FP-1").get_json()["amount"] == "22000"


def test_items_that_add_up_are_accepted(client):
    items = [{"name": "Kaos", "quantity": "1", "unitPrice": "100000", "category": "General"},
             {"name": "Ongkir", "quantity": 1, "unitPrice": 50000, "category": "Shipping"}]
    assert initiate(client, request_body(order__amount="150000", order__item=items)).status_code == 200


# -- the payer pages -------------------------------------------------------------------------------

def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def test_the_hosted_page_choose_a_va_pay_and_the_callback_goes_to_callback_url(notified, receiver):
    client = notified.client
    callback = receiver.url + "/shop/finpay-callback"
    body = initiate(client, request_body(url__callbackUrl=callback, url__successUrl="https://shop.example/ok",
                                         url__failUrl="https://shop.example/fail")).get_json()
    page = path_of(body["redirecturl"])
    html = client.get(page).get_data(as_text=True)
    assert 'value="vabca">BCA virtual account</button>' in html and 'value="qris">QRIS</button>' in html
    client.post(page, data={"method": "vabni"})
    order = client.get("/_sim/orders/finpay/SHOP-FP-1").get_json()
    assert (order["status"], order["channel"]) == ("PENDING", "vabni")
    html = client.get(page).get_data(as_text=True)
    assert order["extra"]["payment_code"] in html and 'value="fail"' not in html
    client.post(page, data={"action": "pay"})
    received = notified.receiver.wait_for_matching(lambda r: r.path == "/shop/finpay-callback", 2)
    statuses = [r.json()["result"]["payment"]["status"] for r in received]
    assert statuses == ["PENDING", "PAID"]
    assert all(r.json()["signature"] == expected_signature(r.body, MERCHANT_KEY) for r in received)
    assert 'href="https://shop.example/ok"' in client.get(page).get_data(as_text=True)
    check = client.get("/pg/payment/card/check/SHOP-FP-1", headers=GOOD_AUTH).get_json()
    assert check["data"]["result"]["payment"]["status"] == "PAID"
    void = client.get("/pg/payment/card/void/SHOP-FP-1", headers=GOOD_AUTH)
    assert_envelope(void, 200, "2000000")


def test_a_card_pays_as_captured_and_a_failed_one_links_to_fail_url(client):
    body = initiate(client, request_body(sourceOfFunds={"type": "cc"})).get_json()
    page = path_of(body["redirecturl"])
    assert "3-D Secure OTP" in client.get(page).get_data(as_text=True)
    client.post(page, data={"action": "pay"})
    assert client.get("/_sim/orders/finpay/SHOP-FP-1").get_json()["status"] == "CAPTURED"

    body = initiate(client, request_body(order__id="SHOP-FP-2", sourceOfFunds={"type": "ovo"},
                                         url__failUrl="https://shop.example/fail")).get_json()
    page = path_of(body["redirecturl"])
    assert body["appurl"] == body["redirecturl"]
    client.post(page, data={"action": "fail"})
    assert client.get("/_sim/orders/finpay/SHOP-FP-2").get_json()["status"] == "FAILURE"
    assert 'href="https://shop.example/fail"' in client.get(page).get_data(as_text=True)


def test_let_it_expire_and_unknown_pages(client):
    body = initiate(client, request_body(sourceOfFunds={"type": "alfamart"})).get_json()
    page = path_of(body["redirecturl"])
    client.post(page, data={"action": "expire"})
    assert client.get("/_sim/orders/finpay/SHOP-FP-1").get_json()["status"] == "EXPIRED"
    assert client.get("/widgetpg/pending/999999999").status_code == 404
    assert client.get("/pg/payment/card/access/" + "0" * 64).status_code == 404
    cancel = client.get("/pg/payment/card/cancel/SHOP-FP-1", headers=GOOD_AUTH)
    assert_envelope(cancel, 404, "4040100")


def test_an_unpaid_initiated_order_can_be_cancelled(client):
    initiate(client, request_body(sourceOfFunds={"type": "vamandiri"}))
    assert_envelope(client.get("/pg/payment/card/cancel/SHOP-FP-1", headers=GOOD_AUTH), 200, "2000000")
