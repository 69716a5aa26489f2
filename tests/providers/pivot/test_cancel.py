"""POST /v2/payments/{id}/cancel and GET /v2/payments/{id}: the cancellability table and
error catalogue of the fact sheet (§5, §6, §7), on both mounts, over HTTP."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from .conftest import (OTHER_MERCHANT_SESSION, QR_ACTION_SESSION, SAMPLE_SESSION,
                       VA_CONFIRMATION_SESSION, VA_PAID_SESSION, assert_pivot_error, last_journal,
                       new_session, sim_order)

MOUNTS = ["", "/pivot"]
REASONS = ["REQUESTED_BY_CUSTOMER", "DUPLICATED", "VOID_SESSION", "CHARGE_FAILED", "FRAUDULENT"]
REQUIRE_ACTION_TEXT = ("Payment session in REQUIRE_ACTION status can only be cancelled by customer "
                       "on payment page when using redirection method")
FIELD_TEXT = "Key: 'CancelUnifiedPaymentSessionRequest.{0}' Error:Field validation for '{0}' failed on the '{1}' tag"


GO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z")


def go_time(moment: datetime) -> str:
    """RFC 3339 UTC, fraction without trailing zeros (as Go prints time.Time)."""
    text = moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "")
    return text.rstrip("0").rstrip(".") + "Z"


def cancel(client, mount, session_id, bearer, body=None):
    return client.post(f"{mount}/v2/payments/{session_id}/cancel", headers=bearer,
                       json=body if body is not None else {"cancellationReason": "REQUESTED_BY_CUSTOMER"})


# -- the cancellability table -------------------------------------------------------------

CANCELLABLE = ["PV-NONE-REQUIRE_PAYMENT_METHOD", "PV-VA-BCA-REQUIRE_CONFIRMATION",
               "PV-QR-REQUIRE_CONFIRMATION", "PV-CARD-REQUIRE_CONFIRMATION",
               "PV-EWALLET-OVO-REQUIRE_CONFIRMATION"]


@pytest.mark.parametrize("mount", MOUNTS)
@pytest.mark.parametrize("order_id", CANCELLABLE)
def test_cancellable_statuses_are_cancelled(client, sandbox, bearer, mount, order_id):
    before = sim_order(client, order_id)
    response = cancel(client, mount, before["transaction_id"], bearer, {"cancellationReason": "VOID_SESSION"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["code"] == "00" and body["message"] == "Success"
    data = body["data"]
    assert data["id"] == before["transaction_id"]
    assert data["clientReferenceId"] == order_id
    assert data["status"] == "CANCELLED"
    assert data["cancellationReason"] == "VOID_SESSION"
    assert data["cancelledAt"] == data["updatedAt"] == data["expiryAt"] == go_time(sandbox.clock.now())
    assert GO_TIME.fullmatch(data["cancelledAt"]) and GO_TIME.fullmatch(data["createdAt"])
    assert data["amount"] == {"value": 150000 if order_id != "PV-NONE-REQUIRE_PAYMENT_METHOD" else 50000,
                              "currency": "IDR"}
    assert data["bypassStatusPage"] is False
    assert sim_order(client, order_id)["status"] == "CANCELLED"


@pytest.mark.parametrize("mount", MOUNTS)
@pytest.mark.parametrize("order_id, http, detail", [
    ("PV-VA-BCA-REQUIRE_ACTION", 400, REQUIRE_ACTION_TEXT),
    ("PV-QR-REQUIRE_ACTION", 400, REQUIRE_ACTION_TEXT),
    ("PV-CARD-PROCESSING", 422, "Payment session in PROCESSING status cannot be cancelled"),
    ("PV-EWALLET-OVO-PROCESSING", 422, "Payment session in PROCESSING status cannot be cancelled"),
    ("PV-VA-BCA-PAID", 422, "Payment session in PAID status cannot be cancelled"),
    ("PV-CARD-PAID", 422, "Payment session in PAID status cannot be cancelled"),
    ("PV-VA-BCA-EXPIRED", 422, "Payment session in EXPIRED status cannot be cancelled"),
    ("PV-NONE-EXPIRED", 422, "Payment session in EXPIRED status cannot be cancelled"),
    ("PV-QR-CANCELLED", 422, "Payment session in CANCELLED status cannot be cancelled"),
    ("PV-NONE-CANCELLED", 422, "Payment session in CANCELLED status cannot be cancelled"),
    ("PV-MULTI-VA-BCA-ACTIVE", 400, "Payment session cannot be cancelled because it is in ACTIVE status"),
    ("PV-MULTI-QR-INACTIVE", 400, "Payment session cannot be cancelled because it is in INACTIVE status"),
])
def test_refused_statuses_get_the_documented_answer(client, bearer, mount, order_id, http, detail):
    before = sim_order(client, order_id)
    response = cancel(client, mount, before["transaction_id"], bearer)
    body = assert_pivot_error(response, http, "api_validation_error", detail)
    assert body["message"] == "The request was invalid, or an error occurred in downstream provider"
    assert body["error"]["type"] == "API_ERROR" and body["error"]["source"] == "UPSTREAM"
    assert sim_order(client, order_id) == before


@pytest.mark.parametrize("reason", REASONS)
def test_every_documented_reason_is_accepted(client, bearer, reason):
    session = new_session(client, "REQUIRE_CONFIRMATION", channel="QR")
    response = cancel(client, "", session["transaction_id"], bearer, {"cancellationReason": reason})
    assert response.status_code == 200
    assert response.get_json()["data"]["cancellationReason"] == reason


# -- source: CUSTOMER ---------------------------------------------------------------------

def test_customer_may_cancel_require_action_of_a_redirect_session(client, bearer):
    response = cancel(client, "", QR_ACTION_SESSION, bearer,
                      {"cancellationReason": "REQUESTED_BY_CUSTOMER", "source": "CUSTOMER"})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["status"] == "CANCELLED"
    assert data["chargeDetails"][0]["status"] == "FAILED"


def test_customer_cannot_cancel_require_action_of_an_api_mode_session(client, bearer):
    before = sim_order(client, "PV-API-VA-BCA-REQUIRE_ACTION")
    response = cancel(client, "", before["transaction_id"], bearer,
                      {"cancellationReason": "REQUESTED_BY_CUSTOMER", "source": "CUSTOMER"})
    assert_pivot_error(response, 400, "api_validation_error", REQUIRE_ACTION_TEXT)
    assert sim_order(client, "PV-API-VA-BCA-REQUIRE_ACTION") == before


@pytest.mark.parametrize("source", ["MERCHANT", ""])
def test_merchant_source_cannot_cancel_require_action(client, bearer, source):
    response = cancel(client, "", QR_ACTION_SESSION, bearer,
                      {"cancellationReason": "DUPLICATED", "source": source})
    assert_pivot_error(response, 400, "api_validation_error", REQUIRE_ACTION_TEXT)


@pytest.mark.parametrize("source", ["PAID", "CUSTOMER", "MERCHANT"])
def test_customer_source_does_not_widen_final_statuses(client, bearer, source):
    response = cancel(client, "", VA_PAID_SESSION, bearer,
                      {"cancellationReason": "DUPLICATED", "source": source})
    if source == "PAID":
        assert_pivot_error(response, 400, "api_validation_error", FIELD_TEXT.format("Source", "oneof"))
    else:
        assert_pivot_error(response, 422, "api_validation_error",
                           "Payment session in PAID status cannot be cancelled")


# -- lookups ------------------------------------------------------------------------------

@pytest.mark.parametrize("mount", MOUNTS)
@pytest.mark.parametrize("key", [
    "00000000-0000-4000-8000-000000000000",     # a UUID no session has
    "PV-VA-BCA-REQUIRE_CONFIRMATION",           # a clientReferenceId is not the session id
    "not-a-uuid",
    "%20%3Cscript%3E",
])
def test_unknown_session_is_422_payment_not_found(client, bearer, mount, key):
    response = client.post(f"{mount}/v2/payments/{key}/cancel", headers=bearer,
                           json={"cancellationReason": "DUPLICATED"})
    assert_pivot_error(response, 422, "api_validation_error", "payment not found")
    response = client.get(f"{mount}/v2/payments/{key}", headers=bearer)
    assert_pivot_error(response, 422, "api_validation_error", "payment not found")


def test_client_reference_id_lookup_is_explained(client, bearer):
    cancel(client, "", "PV-VA-BCA-REQUIRE_CONFIRMATION", bearer)
    note = last_journal(client, endpoint="cancel")["notes"]["lookup"]
    assert VA_CONFIRMATION_SESSION in note and "clientReferenceId" in note
    assert sim_order(client, "PV-VA-BCA-REQUIRE_CONFIRMATION")["status"] == "REQUIRE_CONFIRMATION"


@pytest.mark.parametrize("mount", MOUNTS)
def test_other_merchants_session_is_422_merchant_id_is_not_match(client, bearer, mount):
    before = sim_order(client, OTHER_MERCHANT_SESSION)
    response = cancel(client, mount, OTHER_MERCHANT_SESSION, bearer)
    assert_pivot_error(response, 422, "api_validation_error", "merchant id is not match")
    response = client.get(f"{mount}/v2/payments/{OTHER_MERCHANT_SESSION}", headers=bearer)
    assert_pivot_error(response, 422, "api_validation_error", "merchant id is not match")
    assert sim_order(client, OTHER_MERCHANT_SESSION) == before


def test_session_id_is_case_insensitive(client, bearer):
    response = cancel(client, "", VA_CONFIRMATION_SESSION.upper(), bearer)
    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == VA_CONFIRMATION_SESSION


# -- status (GET) -------------------------------------------------------------------------

@pytest.mark.parametrize("mount", MOUNTS)
def test_get_after_cancel_shows_cancelled(client, bearer, mount):
    cancelled = cancel(client, mount, SAMPLE_SESSION, bearer).get_json()["data"]
    response = client.get(f"{mount}/v2/payments/{SAMPLE_SESSION}", headers=bearer)
    assert response.status_code == 200
    body = response.get_json()
    assert body["code"] == "00"
    assert body["data"] == cancelled
    assert body["data"]["status"] == "CANCELLED"
    assert body["data"]["metadata"] == {"invoiceNo": "INV001"}
    assert body["data"]["clientReferenceId"] == "1743343932"


def test_get_shows_the_session_object(client, bearer, sandbox):
    body = client.get(f"/v2/payments/{VA_CONFIRMATION_SESSION}", headers=bearer).get_json()
    data = body["data"]
    assert data["status"] == "REQUIRE_CONFIRMATION"
    assert data["paymentMethod"]["type"] == "VIRTUAL_ACCOUNT"
    assert data["paymentMethod"]["virtualAccount"]["channel"] == "BCA"
    assert data["paymentType"] == "SINGLE" and data["mode"] == "REDIRECT"
    assert data["paymentUrl"].startswith("http://localhost/detail?token=")      # the hosted page, on the simulator
    assert data["chargeDetails"] is None
    assert "cancelledAt" not in data and "cancellationReason" not in data
    order = sim_order(client, VA_CONFIRMATION_SESSION)
    assert data["createdAt"] == data["updatedAt"] == go_time(datetime.fromisoformat(order["created_at"]))
    assert data["expiryAt"] == go_time(datetime.fromisoformat(order["expires_at"]))
    assert data["createdAt"].startswith("2026-01-15T03:00:00")   # the scenario start, in UTC


def test_get_paid_session_has_a_successful_charge(client, bearer):
    data = client.get(f"/v2/payments/{VA_PAID_SESSION}", headers=bearer).get_json()["data"]
    assert data["status"] == "PAID"
    charge = data["chargeDetails"][0]
    assert charge["status"] == "SUCCESS" and charge["isCaptured"] is True
    assert charge["paymentSessionId"] == VA_PAID_SESSION


def test_get_without_method_has_null_payment_method(client, bearer):
    data = client.get(f"/v2/payments/{SAMPLE_SESSION}", headers=bearer).get_json()["data"]
    assert data["paymentMethod"] is None


# -- routing next to Midtrans -------------------------------------------------------------

def test_pivot_and_midtrans_paths_do_not_collide(client, bearer):
    pivot = cancel(client, "", VA_CONFIRMATION_SESSION, bearer)
    assert pivot.status_code == 200 and pivot.get_json()["code"] == "00"
    assert last_journal(client)["endpoint"] == "cancel"

    midtrans_auth = {"Authorization": "Basic U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg=="}
    midtrans = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=midtrans_auth)
    assert midtrans.status_code == 200
    assert midtrans.get_json()["transaction_status"] == "cancel"
    status = client.get("/v2/MT-VA-BCA-PENDING/status", headers=midtrans_auth)
    assert status.get_json()["transaction_status"] == "cancel"
    # a Midtrans path with Pivot's token still gets Midtrans' own 401
    refused = client.post("/v2/MT-VA-BCA-SETTLEMENT/cancel", headers=bearer)
    assert refused.status_code == 401 and "status_code" in refused.get_json()


@pytest.mark.parametrize("mount", MOUNTS)
@pytest.mark.parametrize("method, path", [
    ("POST", f"/v2/payments/{SAMPLE_SESSION}/foo"),
    ("GET", f"/v2/payments/{SAMPLE_SESSION}/cancel/extra"),
    ("GET", "/v2/payments/"),
])
def test_unknown_pivot_paths_get_pivot_404(client, bearer, mount, method, path):
    response = client.open(f"{mount}{path}", method=method, headers=bearer)
    assert_pivot_error(response, 404, "not_found")
    assert response.get_json()["message"] == "The requested URL does not exist"


@pytest.mark.parametrize("method, path", [
    ("GET", f"/v2/payments/{SAMPLE_SESSION}/cancel"),
    ("DELETE", f"/v2/payments/{SAMPLE_SESSION}"),
])
def test_wrong_method_gets_pivot_405(client, bearer, method, path):
    assert_pivot_error(client.open(path, method=method, headers=bearer), 405, "method_not_allowed")
