"""Pivot's create call, `POST /v2/payments`, its hosted payment page, and the list finding the
new session, over HTTP with tokens from `POST /v1/access-token`."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
import re
import uuid

import pytest

from .conftest import assert_pivot_error, get_token, sim_order

CREATE = "/v2/payments"
MINIMAL = {"clientReferenceId": "SHOP-PV-1", "amount": {"value": 10000, "currency": "IDR"},
           "redirectUrl": {"successReturnUrl": "https://shop.example/success",
                           "failureReturnUrl": "https://shop.example/failure",
                           "expirationReturnUrl": "https://shop.example/expired"}}


def body(**changes) -> dict:
    made = copy.deepcopy(MINIMAL)
    made.update(changes)
    return made


def create(client, payload, key: str | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token or get_token(client)}",
               "X-REQUEST-ID": key or uuid.uuid4().hex}
    return client.post(CREATE, json=payload, headers=headers)


def test_a_redirect_session_starts_waiting_for_a_method_with_a_payment_url(client):
    answer = create(client, body())
    assert answer.status_code == 200
    data = answer.get_json()["data"]
    assert answer.get_json()["code"] == "00"
    assert data["status"] == "REQUIRE_PAYMENT_METHOD" and data["clientReferenceId"] == "SHOP-PV-1"
    assert re.fullmatch(r"[0-9a-f-]{36}", data["id"])
    assert data["paymentUrl"].startswith("http://localhost/detail?token=")
    assert data["amount"] == {"value": 10000, "currency": "IDR"} and data["mode"] == "REDIRECT"
    assert data["chargeDetails"] is None and data["paymentMethod"] is None
    created, expiry = (datetime.fromisoformat(data[k].replace("Z", "+00:00")) for k in ("createdAt", "expiryAt"))
    assert expiry - created == timedelta(minutes=15)
    token = get_token(client)
    listed = client.get(f"{CREATE}?clientReferenceId=SHOP-PV-1", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [s["id"] for s in listed["data"]] == [data["id"]]
    status = client.get(f"{CREATE}/{data['id']}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert status["data"]["status"] == "REQUIRE_PAYMENT_METHOD"


def test_an_auto_confirmed_va_answers_its_charge_with_the_va_number(client):
    data = create(client, body(mode="API", autoConfirm=True, paymentMethod={"type": "VIRTUAL_ACCOUNT"},
                               paymentMethodOptions={"virtualAccount": {"channel": "BCA", "virtualAccountName": "Toko"}},
                               statementDescriptor="Toko Sim", metadata={"invoiceNo": "INV-1"})).get_json()["data"]
    assert data["status"] == "REQUIRE_ACTION" and "paymentUrl" not in data
    [charge] = data["chargeDetails"]
    assert charge["status"] == "WAITING_FOR_USER_ACTION" and charge["paidAt"] is None
    assert charge["paymentSessionClientReferenceId"] == "SHOP-PV-1"
    va = charge["virtualAccount"]
    assert va["channel"] == "BCA" and re.fullmatch(r"[0-9]{16}", va["virtualAccountNumber"])
    assert va["virtualAccountName"] == "Toko" and data["metadata"] == {"invoiceNo": "INV-1"}


def test_an_auto_confirmed_qr_answers_the_qr_content_and_an_image(client):
    data = create(client, body(mode="API", autoConfirm=True, paymentMethod={"type": "QR"})).get_json()["data"]
    qr = data["chargeDetails"][0]["qr"]
    assert qr["qrContent"].startswith("000201") and "ID.CO.QRIS.WWW" in qr["qrContent"]
    image = client.get(qr["qrUrl"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.data[:4] == b"\x89PNG"


def test_a_method_without_auto_confirm_requires_confirmation(client):
    data = create(client, body(paymentMethod={"type": "CARD"})).get_json()["data"]
    assert data["status"] == "REQUIRE_CONFIRMATION"


def test_the_same_request_id_replays_and_another_body_is_409(client):
    token = get_token(client)
    first = create(client, body(), key="req-0000000000000001", token=token)
    again = create(client, body(), key="req-0000000000000001", token=token)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    other = create(client, body(clientReferenceId="SHOP-PV-2"), key="req-0000000000000001", token=token)
    assert_pivot_error(other, 409, "idempotency_error")
    assert client.get("/_sim/orders/pivot/SHOP-PV-2").status_code == 404


def test_a_used_client_reference_id_is_422(client):
    token = get_token(client)
    create(client, body(), token=token)
    assert_pivot_error(create(client, body(amount={"value": 20000}), token=token), 422, "api_validation_error",
                       "client reference id already exist")
    assert sim_order(client, "SHOP-PV-1")["amount"] == "10000"


@pytest.mark.parametrize("changes, http, detail", [
    ({"clientReferenceId": None}, 400, "Key: 'CreateUnifiedPaymentSessionRequest.ClientReferenceID' Error:"
                                       "Field validation for 'ClientReferenceID' failed on the 'required' tag"),
    ({"clientReferenceId": "has space"}, 400, "client reference ID must be in alphanumeric format"),
    ({"clientReferenceId": 7}, 400, "invalid request payload"),
    ({"amount": {"value": 0}}, 400, "amount is required"),
    ({"amount": {"value": "10000"}}, 400, "invalid request payload"),
    ({"amount": {"value": 10000.5}}, 422, "amount value is not permitted to use decimal format"),
    ({"amount": {"value": 5000}, "paymentMethod": {"type": "QR"}}, 400, "amount value below the minimum"),
    ({"amount": {"value": 10 ** 11}}, 400, "amount value above the maximum"),
    ({"expiryAt": "2020-01-01T00:00:00Z"}, 422, "expiry time is not permitted to be less than current time"),
    ({"autoConfirm": True}, 422, "the confirm request should have a chosen payment method"),
    ({"paymentMethod": {"type": "VIRTUAL_ACCOUNT"}}, 422, "payment method options for virtual account can not be empty"),
    ({"paymentMethod": {"type": "EWALLET"}, "paymentMethodOptions": {"ewallet": {"channel": "GOPAY"}}}, 422,
     "payment method is not found"),
    ({"paymentMethod": {"type": "CRYPTO"}}, 422, "payment method is not found"),
    ({"paymentType": "MULTIPLE"}, 400, "paymentType 'MULTIPLE' is only allowed when mode is set to 'API'"),
    ({"metadata": {"k": "x" * 600}}, 400, "metadata exceeds maximum allowed length of 512 characters"),
    ({"customer": {"email": "a@b.co"}, "customerId": "c-1"}, 422,
     "customer information conflict between customerId and CustomerInformation"),
    ({"amount": {"value": 100055}}, 404, "message for api error simulation"),
    ({"amount": {"value": 100099}}, 500, "message for api error simulation"),
])
def test_bad_bodies_get_the_backend_s_answers_and_make_no_session(client, changes, http, detail):
    payload = body(**{k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        payload.pop(key)
    before = client.get("/_sim/health").get_json()["orders"]
    response = create(client, payload)
    assert response.status_code == http
    assert response.get_json()["error"]["details"][0]["message"] == detail
    assert client.get("/_sim/health").get_json()["orders"] == before


def test_not_json_no_token_and_no_request_id(client):
    token = get_token(client)
    bad = client.post(CREATE, data=b"{", content_type="application/json",
                      headers={"Authorization": f"Bearer {token}", "X-REQUEST-ID": uuid.uuid4().hex})
    assert_pivot_error(bad, 400, "api_validation_error", "invalid request payload")
    assert_pivot_error(client.post(CREATE, json=body(), headers={"X-REQUEST-ID": uuid.uuid4().hex}),
                       401, "credentials_invalid")
    assert_pivot_error(client.post(CREATE, json=body(), headers={"Authorization": f"Bearer {token}"}),
                       401, "credentials_invalid", "X-REQUEST-ID header is required")
    assert client.get("/_sim/orders/pivot/SHOP-PV-1").status_code == 404


# -- the hosted page -------------------------------------------------------------------------------

def page_of(data) -> str:
    return data["paymentUrl"].removeprefix("http://localhost")


def test_the_page_offers_methods_then_a_va_is_paid_and_the_callback_sent(notified):
    client = notified.client
    client.post("/_sim/clock", json={"frozen": True})
    data = create(client, body()).get_json()["data"]
    page = page_of(data)
    html = client.get(page).get_data(as_text=True)
    assert 'value="VA_BCA">BCA virtual account</button>' in html and 'value="QR">QRIS</button>' in html
    client.post(page, data={"method": "VA_BNI"})
    session = sim_order(client, "SHOP-PV-1")
    assert (session["status"], session["channel"], session["bank"]) == ("REQUIRE_ACTION", "VIRTUAL_ACCOUNT", "BNI")
    number = session["extra"]["payment_method"]["virtualAccount"]["virtualAccountNumber"]
    assert number in client.get(page).get_data(as_text=True)
    client.post(page, data={"action": "pay"})
    [received] = notified.receiver.wait_for(1)
    sent = received.json()
    assert sent["event"] == "PAYMENT.PAID" and sent["data"]["id"] == data["id"]
    assert sent["data"]["chargeDetails"][0]["virtualAccount"]["virtualAccountNumber"] == number
    assert sent["data"]["chargeDetails"][0]["paidAt"] is not None
    assert 'href="https://shop.example/success"' in client.get(page).get_data(as_text=True)
    token = get_token(client)
    cancel = client.post(f"{CREATE}/{data['id']}/cancel", json={"cancellationReason": "REQUESTED_BY_CUSTOMER"},
                         headers={"Authorization": f"Bearer {token}"})
    assert_pivot_error(cancel, 422, "api_validation_error", "Payment session in PAID status cannot be cancelled")


def test_a_failed_charge_goes_back_to_choosing_and_let_it_expire(client):
    data = create(client, body()).get_json()["data"]
    page = page_of(data)
    client.post(page, data={"method": "QR"})
    assert 'id="payer-qr"' in client.get(page).get_data(as_text=True)
    client.post(page, data={"action": "fail"})
    assert sim_order(client, "SHOP-PV-1")["status"] == "REQUIRE_PAYMENT_METHOD"
    assert 'name="method"' in client.get(page).get_data(as_text=True)
    client.post(page, data={"method": "EWALLET_DANA"})
    client.post(page, data={"action": "expire"})
    assert sim_order(client, "SHOP-PV-1")["status"] == "EXPIRED"
    assert 'href="https://shop.example/expired"' in client.get(page).get_data(as_text=True)


def test_an_unchosen_session_can_be_cancelled_and_a_bad_token_is_404(client):
    data = create(client, body()).get_json()["data"]
    token = get_token(client)
    cancel = client.post(f"{CREATE}/{data['id']}/cancel", json={"cancellationReason": "DUPLICATED"},
                         headers={"Authorization": f"Bearer {token}"})
    assert cancel.status_code == 200 and cancel.get_json()["data"]["status"] == "CANCELLED"
    assert client.get("/detail?token=nope").status_code == 404
    assert client.get("/detail").status_code == 404


def test_a_client_reference_id_is_free_again_once_its_sessions_are_expired_or_cancelled(client):
    token = get_token(client)
    bearer = {"Authorization": f"Bearer {token}"}
    first = create(client, body(), token=token).get_json()["data"]
    cancelled = client.post(f"{CREATE}/{first['id']}/cancel", json={"cancellationReason": "DUPLICATED"}, headers=bearer)
    assert cancelled.get_json()["data"]["status"] == "CANCELLED"
    second = create(client, body(amount={"value": 20000}), token=token)
    assert second.status_code == 200
    second = second.get_json()["data"]
    assert second["clientReferenceId"] == "SHOP-PV-1" and second["id"] != first["id"]
    assert_pivot_error(create(client, body(), token=token), 422, "api_validation_error",
                       "client reference id already exist")              # the second is alive
    client.post("/_sim/clock", json={"advance": "16m"})                     # … until it expires
    third = create(client, body(amount={"value": 30000}), token=get_token(client)).get_json()["data"]
    listed = client.get(f"{CREATE}?clientReferenceId=SHOP-PV-1", headers={"Authorization": f"Bearer {get_token(client)}"})
    sessions = listed.get_json()["data"]
    assert [(s["id"], s["status"], s["clientReferenceId"]) for s in sessions] == [
        (first["id"], "CANCELLED", "SHOP-PV-1"), (second["id"], "EXPIRED", "SHOP-PV-1"),
        (third["id"], "REQUIRE_PAYMENT_METHOD", "SHOP-PV-1")]
    status = client.get(f"{CREATE}/{third['id']}", headers={"Authorization": f"Bearer {get_token(client)}"})
    assert status.get_json()["data"]["amount"] == {"value": 30000, "currency": "IDR"}
