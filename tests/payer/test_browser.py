"""The whole merchant flow with a real browser on the payer pages (tests/browser.py: Debian's
Chromium through Playwright): the merchant's create call → the payer opens the URL it handed
out, picks a method and presses Pay (or Fail, or Let it expire) → the provider's notification,
its signature checked here from the sheet's formula → status → cancel or refund as the rules
allow. No console error, failed request or request leaving the simulator on any page."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timezone

import pytest
import requests

from tests.browser import browser, sim, watched_page  # noqa: F401 (fixtures)
from tests.providers.doku import client as doku

MIDTRANS_KEY = "SB-Mid-server-SIMULATOR-KEY"
MIDTRANS = {"Authorization": "Basic " + base64.b64encode(f"{MIDTRANS_KEY}:".encode()).decode()}
FINISH = "http://127.0.0.1:9/shop/finish"      # the merchant's return page (never loaded)


@pytest.fixture
def payer(browser, sim):
    """A watched page on a freshly reset simulator; the receiver starts empty."""
    sim.restore()
    sim.receiver.clear()
    context, page = watched_page(browser, sim.url)
    yield page
    context.close()
    assert page.problems == []


def midtrans_signature(note: dict) -> str:
    return hashlib.sha512((note["order_id"] + note["status_code"] + note["gross_amount"]
                           + MIDTRANS_KEY).encode()).hexdigest()


def choose_and_pay(page, url: str, method: str, paid_status: str) -> None:
    """The payer's whole visit: open the page, pick `method`, see its QR code, press Pay."""
    page.goto(url)
    page.click(f"button:text-is('{method}')")
    page.wait_for_selector("#payer-qr")
    page.click("button:text-is('Pay')")
    page.wait_for_selector(f"#payer-status:text-is('{paid_status}')")


def notes_for(sim, order_id: str, count: int) -> list[dict]:
    received = sim.receiver.wait_for_matching(lambda r: r.json().get("order_id") == order_id, count)
    return [r.json() for r in received]


def test_midtrans_snap_choose_qris_pay_then_refund(payer, sim):
    answer = requests.post(f"{sim.url}/snap/v1/transactions", headers=MIDTRANS, timeout=5, json={
        "transaction_details": {"order_id": "web-snap-1", "gross_amount": 150000},
        "callbacks": {"finish": FINISH}}).json()
    assert answer["redirect_url"].startswith(sim.url)

    payer.goto(answer["redirect_url"])
    payer.click("button:text-is('QRIS')")
    payer.wait_for_selector("#payer-qr")
    assert "000201" in payer.inner_text("main")
    payer.click("button:text-is('Pay')")
    payer.wait_for_selector("#payer-status:text-is('settlement')")

    pending, settled = notes_for(sim, "web-snap-1", 2)
    assert (pending["transaction_status"], settled["transaction_status"]) == ("pending", "settlement")
    assert settled["payment_type"] == "qris" and settled["gross_amount"] == "150000.00"
    assert settled["signature_key"] == midtrans_signature(settled)
    status = requests.get(f"{sim.url}/v2/web-snap-1/status", headers=MIDTRANS, timeout=5).json()
    assert status["transaction_status"] == "settlement"
    assert payer.get_attribute("#payer-finish", "href") == (
        f"{FINISH}?order_id=web-snap-1&status_code=200&transaction_status=settlement")
    # settled: Midtrans refuses a cancel, the refund is the bank's (driven through /_sim)
    assert requests.post(f"{sim.url}/v2/web-snap-1/cancel", headers=MIDTRANS, timeout=5).json()["status_code"] == "412"
    assert requests.post(f"{sim.url}/_sim/orders/midtrans/web-snap-1/refund", timeout=5).json()["status"] == "refund"


def test_midtrans_core_gopay_fail_in_the_app(payer, sim):
    answer = requests.post(f"{sim.url}/v2/charge", headers=MIDTRANS, timeout=5, json={
        "payment_type": "gopay", "transaction_details": {"order_id": "web-gopay-1", "gross_amount": 44000}}).json()
    deeplink = next(a["url"] for a in answer["actions"] if a["name"] == "deeplink-redirect")

    payer.goto(deeplink)
    payer.click("button:text-is('Fail')")
    payer.wait_for_selector("#payer-status:text-is('deny')")

    pending, denied = notes_for(sim, "web-gopay-1", 2)
    assert (denied["transaction_status"], denied["status_code"]) == ("deny", "202")
    assert denied["signature_key"] == midtrans_signature(denied)
    status = requests.get(f"{sim.url}/v2/web-gopay-1/status", headers=MIDTRANS, timeout=5).json()
    assert status["transaction_status"] == "deny"


def test_midtrans_card_3ds_pay_then_cancel(payer, sim):
    token = requests.get(f"{sim.url}/v2/token", timeout=5, params={
        "card_number": "4811111111111114", "card_exp_month": "12", "card_exp_year": "2030",
        "card_cvv": "123", "client_key": "SB-Mid-client-SIMULATOR-KEY"}).json()["token_id"]
    answer = requests.post(f"{sim.url}/v2/charge", headers=MIDTRANS, timeout=5, json={
        "payment_type": "credit_card", "credit_card": {"token_id": token, "authentication": True},
        "transaction_details": {"order_id": "web-card-1", "gross_amount": 12145}}).json()

    payer.goto(answer["redirect_url"])
    assert "48111111-1114" in payer.inner_text("main")
    payer.click("button:text-is('Pay')")
    payer.wait_for_selector("#payer-status:text-is('capture')")

    captured = notes_for(sim, "web-card-1", 2)[-1]
    assert (captured["transaction_status"], captured["fraud_status"]) == ("capture", "accept")
    assert captured["signature_key"] == midtrans_signature(captured)
    cancelled = requests.post(f"{sim.url}/v2/web-card-1/cancel", headers=MIDTRANS, timeout=5).json()
    assert cancelled["transaction_status"] == "cancel"


def test_midtrans_va_let_it_expire(payer, sim):
    answer = requests.post(f"{sim.url}/snap/v1/transactions", headers=MIDTRANS, timeout=5, json={
        "transaction_details": {"order_id": "web-snap-2", "gross_amount": 10000},
        "enabled_payments": ["bca_va"]}).json()

    payer.goto(answer["redirect_url"])
    assert payer.locator("button[name=method]").all_inner_texts() == ["BCA virtual account"]
    payer.click("button:text-is('BCA virtual account')")
    payer.wait_for_selector("dt:text-is('BCA virtual account number')")
    payer.click("button:text-is('Let it expire')")
    payer.wait_for_selector("#payer-status:text-is('expire')")

    expired = notes_for(sim, "web-snap-2", 2)[-1]
    assert (expired["transaction_status"], expired["status_code"]) == ("expire", "202")
    assert expired["signature_key"] == midtrans_signature(expired)


# -- DOKU Checkout ---------------------------------------------------------------------------------

def sim_utc_stamp(sim) -> str:
    """The simulator's own time, as DOKU's Request-Timestamp (the sim's clock is not wall time)."""
    now = datetime.fromisoformat(requests.get(f"{sim.url}/_sim/clock", timeout=5).json()["now"])
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def doku_call(sim, method: str, path: str, body: bytes | None, request_id: str):
    """A DOKU request signed from the sheet alone (tests/providers/doku/client.py)."""
    stamp = sim_utc_stamp(sim)
    text = doku.string_to_sign(doku.CLIENT_ID, request_id, stamp, path, None if method == "GET" else body)
    headers = {"Client-Id": doku.CLIENT_ID, "Request-Id": request_id, "Request-Timestamp": stamp,
               "Signature": doku.sign(doku.SECRET, text), "Content-Type": "application/json"}
    return requests.request(method, f"{sim.url}{path}", data=body, headers=headers, timeout=5)


def test_doku_checkout_choose_bca_va_pay_then_cancel_is_refused(payer, sim):
    body = json.dumps({"order": {"amount": 150000, "invoice_number": "web-doku-1", "callback_url": FINISH},
                       "payment": {"payment_method_types": ["VIRTUAL_ACCOUNT_BCA", "QRIS"]}}).encode()
    answer = doku_call(sim, "POST", "/checkout/v1/payment", body, "req-web-doku-1").json()
    url = answer["response"]["payment"]["url"]
    assert url.startswith(f"{sim.url}/checkout-link-v2/")

    payer.goto(url)
    payer.click("button:text-is('BCA virtual account')")
    payer.wait_for_selector("#payer-status:text-is('PENDING')")
    va = requests.get(f"{sim.url}/_sim/orders/doku/web-doku-1", timeout=5).json()["extra"]["virtual_account_number"]
    assert va in payer.inner_text("main")
    payer.click("button:text-is('Pay')")
    payer.wait_for_selector("#payer-status:text-is('SUCCESS')")
    assert payer.get_attribute("#payer-finish", "href") == FINISH

    [note] = sim.receiver.wait_for_matching(
        lambda r: r.json().get("order", {}).get("invoice_number") == "web-doku-1", 1)
    headers = {k.lower(): v for k, v in note.headers.items()}
    text = doku.string_to_sign(doku.CLIENT_ID, headers["request-id"], headers["request-timestamp"],
                               "/hooks/doku", note.body)
    assert headers["signature"] == doku.sign(doku.SECRET, text)
    transaction = note.json()["transaction"]
    assert (transaction["status"], transaction["original_request_id"]) == ("SUCCESS", "req-web-doku-1")
    assert note.json()["virtual_account_info"]["virtual_account_number"] == va
    status = doku_call(sim, "GET", "/orders/v1/status/req-web-doku-1", None, "req-web-doku-2").json()
    assert status["transaction"]["status"] == "SUCCESS"
    cancel = doku_call(sim, "POST", "/checkout/v3/cancellations", json.dumps({
        "order": {"invoice_number": "web-doku-1"}, "payment": {"original_request_id": "req-web-doku-1"},
        "note": "too late"}).encode(), "req-web-doku-3")
    assert cancel.status_code == 400 and cancel.json() == {"message": ["ORDER ALREADY PAID"]}


# -- Finpay ----------------------------------------------------------------------------------------

def test_finpay_hosted_page_choose_qris_pay_then_void(payer, sim):
    from tests.providers.finpay.conftest import GOOD_AUTH, MERCHANT_KEY
    from tests.providers.finpay.test_notify import expected_signature
    callback = f"{sim.receiver.url}/shop/finpay"
    answer = requests.post(f"{sim.url}/pg/payment/card/initiate", headers=GOOD_AUTH, timeout=5, json={
        "customer": {"email": "b@example.test", "firstName": "Budi", "mobilePhone": "+6281286288844"},
        "order": {"id": "web-finpay-1", "amount": "22000"},
        "url": {"callbackUrl": callback, "successUrl": FINISH}}).json()
    assert answer["responseCode"] == "2000000" and answer["redirecturl"].startswith(sim.url)

    choose_and_pay(payer, answer["redirecturl"], "QRIS", "PAID")
    assert payer.get_attribute("#payer-finish", "href") == FINISH

    received = sim.receiver.wait_for_matching(lambda r: r.path == "/shop/finpay", 2)
    assert [r.json()["result"]["payment"]["status"] for r in received] == ["PENDING", "PAID"]
    assert all(r.json()["signature"] == expected_signature(r.body, MERCHANT_KEY) for r in received)
    check = requests.get(f"{sim.url}/pg/payment/card/check/web-finpay-1", headers=GOOD_AUTH, timeout=5).json()
    assert check["data"]["result"]["payment"]["status"] == "PAID"
    void = requests.get(f"{sim.url}/pg/payment/card/void/web-finpay-1", headers=GOOD_AUTH, timeout=5).json()
    assert void["responseCode"] == "2000000"


# -- KwikPaisa -------------------------------------------------------------------------------------

def kwikpaisa_call(sim, path: str, body: dict):
    """Signed from the sheet (tests/providers/kwikpaisa/conftest.py) with the simulator's time."""
    from tests.providers.kwikpaisa.conftest import API_KEY, canonical, hmac_hex
    now = datetime.fromisoformat(requests.get(f"{sim.url}/_sim/clock", timeout=5).json()["now"])
    stamp = str(int(now.timestamp()))
    data = canonical(body).encode()
    return requests.post(f"{sim.url}{path}", data=data, timeout=5, headers={
        "Content-Type": "application/json", "X-API-KEY": API_KEY, "X-TIMESTAMP": stamp,
        "X-SIGNATURE": hmac_hex(data, stamp)})


def test_kwikpaisa_hosted_page_upi_pay_then_cancel_is_refused(payer, sim):
    from tests.providers.kwikpaisa.conftest import hmac_hex
    answer = kwikpaisa_call(sim, "/api/v3/pg/order/create", {
        "order_id": "web-kp-1", "order_amount": 105, "order_currency": "INR", "service_type": "DIGITAL",
        "customer": {"name": "Ajay", "email": "ajay@example.test", "phone": "9999999999"},
        "return_url": FINISH}).json()
    link = answer["return_data"]["payment_link"]
    assert link.startswith(f"{sim.url}/payment?payload=")

    choose_and_pay(payer, link, "UPI", "PAID")
    assert payer.get_attribute("#payer-finish", "href") == f"{FINISH}?order_id=web-kp-1&status=PAID"

    received = sim.receiver.wait_for_matching(lambda r: r.json().get("data", {}).get("order_id") == "web-kp-1", 2)
    assert [r.json()["event"] for r in received] == ["payment.processing", "payment.success"]
    assert all(r.headers["X-SIGNATURE"] == hmac_hex(r.body, r.headers["X-TIMESTAMP"]) for r in received)
    status = kwikpaisa_call(sim, "/api/v3/pg/order/status", {"order_id": "web-kp-1"}).json()
    assert status["return_data"]["order_status"] == "PAID"
    cancel = kwikpaisa_call(sim, "/api/v3/pg/order/cancel", {"order_id": "web-kp-1"})
    assert cancel.status_code == 422


# -- Pivot -----------------------------------------------------------------------------------------

def test_pivot_redirect_session_choose_qris_pay_and_the_list_finds_it(payer, sim):
    from tests.providers.pivot.conftest import GRANT, TOKEN_HEADERS
    token = requests.post(f"{sim.url}/v1/access-token", json=GRANT, headers=TOKEN_HEADERS, timeout=5).json()
    bearer = {"Authorization": f"Bearer {token['data']['accessToken']}"}
    answer = requests.post(f"{sim.url}/v2/payments", timeout=5, headers={**bearer, "X-REQUEST-ID": "web-pivot-0000001"},
                           json={"clientReferenceId": "web-pivot-1", "amount": {"value": 25000, "currency": "IDR"},
                                 "redirectUrl": {"successReturnUrl": FINISH, "failureReturnUrl": FINISH + "?failed",
                                                 "expirationReturnUrl": FINISH + "?expired"}}).json()["data"]
    assert answer["status"] == "REQUIRE_PAYMENT_METHOD" and answer["paymentUrl"].startswith(f"{sim.url}/detail?token=")

    choose_and_pay(payer, answer["paymentUrl"], "QRIS", "PAID")
    assert payer.get_attribute("#payer-finish", "href") == FINISH

    [note] = sim.receiver.wait_for_matching(lambda r: r.json().get("data", {}).get("clientReferenceId") == "web-pivot-1", 1)
    assert note.json()["event"] == "PAYMENT.PAID" and note.json()["data"]["chargeDetails"][0]["status"] == "SUCCESS"
    listed = requests.get(f"{sim.url}/v2/payments", params={"clientReferenceId": "web-pivot-1"}, headers=bearer,
                          timeout=5).json()["data"]
    assert [s["status"] for s in listed] == ["PAID"]
    cancel = requests.post(f"{sim.url}/v2/payments/{answer['id']}/cancel", headers=bearer, timeout=5,
                           json={"cancellationReason": "REQUESTED_BY_CUSTOMER"})
    assert cancel.status_code == 422
