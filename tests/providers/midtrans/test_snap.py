"""Snap `POST /snap/v1/transactions` and its page (create sheet §6, §7, §9), over HTTP."""

from __future__ import annotations

import hashlib
import re

import pytest

from .conftest import SERVER_KEY, basic


def snap(client, body, headers=None):
    return client.post("/snap/v1/transactions", json=body, headers=headers or basic(SERVER_KEY))


def minimal(order_id="snap-1", amount=200000, **more):
    return {"transaction_details": {"order_id": order_id, "gross_amount": amount},
            "credit_card": {"secure": True}, **more}


def page_path(answer: dict) -> str:
    return answer["redirect_url"].removeprefix("http://localhost")


def method_buttons(html: str) -> dict[str, str]:
    return dict(re.findall(r'<button name="method" value="([^"]+)">([^<]+)</button>', html))


def test_snap_answers_201_with_exactly_token_and_redirect_url(client):
    response = snap(client, minimal())
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "redirect_url"}
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", body["token"])
    assert body["redirect_url"] == f"http://localhost/snap/v4/redirection/{body['token']}"


def test_no_transaction_exists_until_the_payer_chooses(client):
    snap(client, minimal("snap-none"))
    status = client.get("/v2/snap-none/status", headers=basic(SERVER_KEY)).get_json()
    assert status["status_code"] == "404"


def test_the_page_offers_every_method_by_name(client):
    html = client.get(page_path(snap(client, minimal()).get_json())).get_data(as_text=True)
    assert method_buttons(html) == {
        "bca_va": "BCA virtual account", "bni_va": "BNI virtual account", "bri_va": "BRI virtual account",
        "cimb_va": "CIMB Niaga virtual account", "permata_va": "Permata virtual account",
        "echannel": "Mandiri bill payment", "gopay": "GoPay", "other_qris": "QRIS", "credit_card": "Credit card"}
    assert "200,000" in html


def test_enabled_payments_limit_the_page(client):
    answer = snap(client, minimal(enabled_payments=["gopay", "bca_va", "alfamart"])).get_json()
    html = client.get(page_path(answer)).get_data(as_text=True)
    assert list(method_buttons(html)) == ["gopay", "bca_va"]


def test_choosing_a_method_makes_the_core_transaction_and_notifies_pending(notified):
    client = notified.client
    answer = snap(client, minimal("snap-va", bni_va={"va_number": "12345678"},
                                  callbacks={"finish": "http://shop.test/done"})).get_json()
    path = page_path(answer)

    chose = client.post(path, data={"method": "bni_va"})
    assert chose.status_code == 303 and chose.headers["Location"].endswith(path)

    status = client.get("/v2/snap-va/status", headers=basic(SERVER_KEY)).get_json()
    assert (status["status_code"], status["transaction_status"], status["payment_type"]) == (
        "201", "pending", "bank_transfer")
    assert status["va_numbers"] == [{"bank": "bni", "va_number": "9888500212345678"}]
    html = client.get(path).get_data(as_text=True)
    assert "9888500212345678" in html and 'value="pay"' in html
    [pending] = notified.receiver.wait_for(1)
    assert pending.json()["transaction_status"] == "pending"


def test_paying_on_the_page_settles_notifies_and_links_back_to_the_merchant(notified):
    client = notified.client
    path = page_path(snap(client, minimal("snap-pay", callbacks={"finish": "http://shop.test/done"})).get_json())
    client.post(path, data={"method": "other_qris"})
    assert client.post(path, data={"action": "pay"}).status_code == 303

    status = client.get("/v2/snap-pay/status", headers=basic(SERVER_KEY)).get_json()
    assert (status["transaction_status"], status["payment_type"]) == ("settlement", "qris")
    received = notified.receiver.wait_for(2)
    settled = received[-1].json()
    assert (settled["transaction_status"], settled["status_code"]) == ("settlement", "200")
    assert settled["signature_key"] == hashlib.sha512(
        (settled["order_id"] + settled["status_code"] + settled["gross_amount"] + SERVER_KEY).encode()).hexdigest()
    html = client.get(path).get_data(as_text=True)
    assert ('href="http://shop.test/done?order_id=snap-pay&amp;status_code=200&amp;'
            'transaction_status=settlement"') in html
    assert 'value="pay"' not in html            # nothing left to press


def test_a_card_chosen_on_snap_waits_for_3ds_and_fail_denies(client):
    path = page_path(snap(client, minimal("snap-card")).get_json())
    client.post(path, data={"method": "credit_card"})
    assert client.get("/v2/snap-card/status", headers=basic(SERVER_KEY)).get_json()["transaction_status"] == "pending"
    client.post(path, data={"action": "fail"})
    assert client.get("/v2/snap-card/status", headers=basic(SERVER_KEY)).get_json()["transaction_status"] == "deny"


def test_let_it_expire_expires_the_transaction(client):
    path = page_path(snap(client, minimal("snap-exp")).get_json())
    client.post(path, data={"method": "gopay"})
    client.post(path, data={"action": "expire"})
    status = client.get("/v2/snap-exp/status", headers=basic(SERVER_KEY)).get_json()
    assert (status["status_code"], status["transaction_status"]) == ("407", "expire")


def test_an_expired_page_offers_nothing_and_makes_nothing(client, sandbox):
    path = page_path(snap(client, minimal("snap-late", page_expiry={"duration": 10, "unit": "minutes"})).get_json())
    client.post("/_sim/clock", json={"advance": "11m"})
    html = client.get(path).get_data(as_text=True)
    assert "This payment page has expired." in html and not method_buttons(html)
    client.post(path, data={"method": "gopay"})
    assert sandbox.book.get("midtrans", "G000000001", "snap-late") is None


def test_snap_expiry_sets_the_payment_deadline(client):
    path = page_path(snap(client, minimal("snap-deadline", expiry={"duration": 2, "unit": "hours"})).get_json())
    client.post(path, data={"method": "bca_va"})
    status = client.get("/v2/snap-deadline/status", headers=basic(SERVER_KEY)).get_json()
    assert status["expiry_time"] == "2026-01-15 12:00:00"


def test_an_order_id_with_a_transaction_is_taken_for_snap(client, sandbox):
    response = snap(client, minimal("MT-VA-BCA-PENDING"))
    assert response.status_code == 400
    assert response.get_json() == {"error_messages": ["transaction_details.order_id has already been taken"]}


def test_an_order_id_nobody_paid_yet_can_get_another_token(client):
    first = snap(client, minimal("py-midtransclient-test-2026-01-15 10:00:00")).get_json()
    second = snap(client, minimal("py-midtransclient-test-2026-01-15 10:00:00")).get_json()
    assert first["token"] != second["token"]
    client.post(page_path(first), data={"method": "gopay"})
    # the second page now shows the transaction the first one made
    html = client.get(page_path(second)).get_data(as_text=True)
    assert "GoPay" in html and not method_buttons(html)


@pytest.mark.parametrize("body, message", [
    (None, "transaction_details is required"),
    ({}, "transaction_details is required"),
    ({"transaction_details": {"gross_amount": 1}}, "transaction_details.order_id is required"),
    (minimal(amount=0), "transaction_details.gross_amount must be greater than or equal to 0.01"),
    (minimal(amount=100, item_details=[{"id": "a", "price": 30, "quantity": 3, "name": "x"}]),
     "transaction_details.gross_amount is not equal to the sum of item_details"),
    (minimal(enabled_payments="gopay"), "enabled_payments must be an array of strings"),
    (minimal(page_expiry={"duration": 1, "unit": "minute"}), "page_expiry.duration must be between 5 minutes and 7 days"),
    (minimal(customer_details=["x"]), "customer_details must be an object"),
])
def test_bad_snap_requests_get_400_error_messages_and_make_nothing(client, sandbox, body, message):
    before = sandbox.run.count()
    response = client.post("/snap/v1/transactions", data="null" if body is None else None,
                           json=body if body is not None else None, headers=basic(SERVER_KEY))
    assert response.status_code == 400
    assert message in response.get_json()["error_messages"]
    assert set(response.get_json()) == {"error_messages"}
    assert sandbox.run.count() == before


def test_snap_malformed_json(client):
    response = client.post("/snap/v1/transactions", data="{", headers=basic(SERVER_KEY))
    assert response.status_code == 400
    assert response.get_json() == {"error_messages": ["There was a problem in the JSON you submitted"]}


def test_snap_wrong_key_is_401_with_unauthorized(client):
    response = snap(client, minimal(), headers=basic("dummy"))
    assert response.status_code == 401
    assert "unauthorized" in response.get_json()["error_messages"][0]


def test_an_unknown_token_is_a_404_page(client):
    response = client.get("/snap/v4/redirection/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_reset_forgets_snap_sessions(client):
    path = page_path(snap(client, minimal("snap-reset")).get_json())
    client.post("/_sim/reset")
    assert client.get(path).status_code == 404


def test_the_3ds_page_captures_and_notifies(notified):
    client = notified.client
    token = client.get("/v2/token", query_string={
        "card_number": "4811111111111114", "card_exp_month": "12", "card_exp_year": "2030",
        "card_cvv": "123", "client_key": "SB-Mid-client-SIMULATOR-KEY"}).get_json()["token_id"]
    answer = client.post("/v2/charge", json={
        "payment_type": "credit_card", "transaction_details": {"order_id": "3ds-1", "gross_amount": 12145},
        "credit_card": {"token_id": token, "authentication": True}}, headers=basic(SERVER_KEY)).get_json()
    path = answer["redirect_url"].removeprefix("http://localhost")
    assert "48111111-1114" in client.get(path).get_data(as_text=True)
    client.post(path, data={"action": "pay"})
    status = client.get("/v2/3ds-1/status", headers=basic(SERVER_KEY)).get_json()
    assert (status["transaction_status"], status["fraud_status"]) == ("capture", "accept")
    notes = [r.json() for r in notified.receiver.wait_for(2)]
    assert [n["transaction_status"] for n in notes] == ["pending", "capture"]
    # and the merchant can still cancel a captured card, as the rules allow
    cancelled = client.post("/v2/3ds-1/cancel", headers=basic(SERVER_KEY)).get_json()
    assert cancelled["transaction_status"] == "cancel"


def test_the_generic_payer_page_serves_a_core_va(client):
    client.post("/v2/charge", json={"payment_type": "bank_transfer", "bank_transfer": {"bank": "bca"},
                                    "transaction_details": {"order_id": "va-page", "gross_amount": 5000}},
                headers=basic(SERVER_KEY))
    html = client.get("/_sim/pay/midtrans/va-page").get_data(as_text=True)
    assert "BCA virtual account number" in html
    client.post("/_sim/pay/midtrans/va-page", data={"action": "pay"})
    order = client.get("/_sim/orders/midtrans/va-page").get_json()
    assert order["status"] == "settlement"
    assert order["history"][-1]["source"] == "payer"


def test_payer_pages_ignore_injected_faults(client):
    path = page_path(snap(client, minimal("snap-fault")).get_json())
    client.post("/_sim/faults", json={"provider": "midtrans", "action": "status", "status": 503})
    assert client.get(path).status_code == 200
    assert client.post("/v2/charge", json={}, headers=basic(SERVER_KEY)).status_code == 503


def test_a_seeded_order_gets_pages_too(client):
    html = client.get("/_sim/pay/midtrans/MT-VA-BCA-PENDING").get_data(as_text=True)
    assert 'value="pay"' in html and 'value="expire"' in html


def test_clock_driven_expiry_of_a_chosen_method(client):
    path = page_path(snap(client, minimal("snap-clock")).get_json())
    client.post(path, data={"method": "gopay"})
    client.post("/_sim/clock", json={"advance": "16m"})
    status = client.get("/v2/snap-clock/status", headers=basic(SERVER_KEY)).get_json()
    assert status["transaction_status"] == "expire"
