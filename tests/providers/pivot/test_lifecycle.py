"""Pivot lifecycle through /_sim (set_payment_method, confirm, process, pay, fail, expire…),
the clock-driven default expiry, and the Go-style timestamp format."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulator.providers.pivot import render

from .conftest import assert_pivot_error, get_token, new_session, sim_order

EXPIRED_TEXT = "Payment session in EXPIRED status cannot be cancelled"


def drive(client, order_id, event):
    return client.post(f"/_sim/orders/pivot/{order_id}/{event}")


@pytest.mark.parametrize("start, events, final", [
    ("REQUIRE_PAYMENT_METHOD", ["set_payment_method", "confirm", "pay"], "PAID"),
    ("REQUIRE_PAYMENT_METHOD", ["set_payment_method", "confirm", "process", "pay"], "PAID"),
    ("REQUIRE_ACTION", ["process", "fail"], "REQUIRE_PAYMENT_METHOD"),
    ("REQUIRE_CONFIRMATION", ["activate", "close"], "INACTIVE"),
    ("PROCESSING", ["expire"], "EXPIRED"),
    ("ACTIVE", ["expire"], "EXPIRED"),
    ("REQUIRE_ACTION", ["customer_cancel"], "CANCELLED"),
])
def test_events_move_the_session(client, start, events, final):
    order = new_session(client, start, channel="EWALLET")
    for event in events:
        response = drive(client, order["order_id"], event)
        assert response.status_code == 200, response.get_json()
    assert sim_order(client, order["order_id"])["status"] == final


@pytest.mark.parametrize("status, event", [
    ("PAID", "expire"), ("CANCELLED", "pay"), ("REQUIRE_PAYMENT_METHOD", "confirm"),
    ("EXPIRED", "set_payment_method"), ("INACTIVE", "close"),
])
def test_refused_events_answer_409(client, status, event):
    order = new_session(client, status)
    response = drive(client, order["order_id"], event)
    assert response.status_code == 409
    assert response.get_json()["status"] == status and response.get_json()["reason"] == "wrong_status"
    assert sim_order(client, order["order_id"])["status"] == status


def test_session_paid_through_sim_reads_paid_over_the_api(client, bearer):
    order = new_session(client, "REQUIRE_ACTION", channel="VIRTUAL_ACCOUNT", bank="BRI")
    drive(client, order["order_id"], "pay")
    data = client.get(f"/v2/payments/{order['transaction_id']}", headers=bearer).get_json()["data"]
    assert data["status"] == "PAID"
    assert data["chargeDetails"][0]["status"] == "SUCCESS"
    assert data["chargeDetails"][0]["paidAt"] == data["updatedAt"]
    assert data["paymentMethod"]["virtualAccount"]["channel"] == "BRI"
    assert_pivot_error(client.post(f"/v2/payments/{order['transaction_id']}/cancel", headers=bearer,
                                   json={"cancellationReason": "DUPLICATED"}),
                       422, "api_validation_error", "Payment session in PAID status cannot be cancelled")


def test_default_expiry_is_15_minutes_on_the_simulator_clock(client):
    order = new_session(client, "REQUIRE_CONFIRMATION")
    created = datetime.fromisoformat(order["created_at"])
    assert datetime.fromisoformat(order["expires_at"]) - created == (
        datetime.fromisoformat("2026-01-01T00:15:00") - datetime.fromisoformat("2026-01-01T00:00:00"))
    client.post("/_sim/clock", json={"advance": "14m59s"})
    assert sim_order(client, order["order_id"])["status"] == "REQUIRE_CONFIRMATION"
    client.post("/_sim/clock", json={"advance": "1s"})
    fresh = {"Authorization": f"Bearer {get_token(client)}"}   # the first token expired too
    response = client.post(f"/v2/payments/{order['transaction_id']}/cancel", headers=fresh,
                           json={"cancellationReason": "DUPLICATED"})
    assert_pivot_error(response, 422, "api_validation_error", EXPIRED_TEXT)
    assert sim_order(client, order["order_id"])["status"] == "EXPIRED"


def test_seeded_session_on_default_expiry_expires_with_the_clock(client):
    client.post("/_sim/clock", json={"advance": "14m"})
    transaction_id = sim_order(client, "PV-VA-BCA-EXPIRES-15M")["transaction_id"]
    client.post("/_sim/clock", json={"advance": "1m"})
    bearer = {"Authorization": f"Bearer {get_token(client)}"}
    data = client.get(f"/v2/payments/{transaction_id}", headers=bearer).get_json()["data"]
    assert data["status"] == "EXPIRED"
    assert data["updatedAt"] == data["expiryAt"]


@pytest.mark.parametrize("moment, text", [
    (datetime(2025, 3, 30, 14, 12, 12, tzinfo=timezone.utc), "2025-03-30T14:12:12Z"),
    (datetime(2025, 3, 30, 14, 12, 28, 231875, tzinfo=timezone.utc), "2025-03-30T14:12:28.231875Z"),
    (datetime(2025, 3, 30, 14, 12, 28, 500000, tzinfo=timezone.utc), "2025-03-30T14:12:28.5Z"),
    (datetime.fromisoformat("2026-01-15T10:00:00.010+07:00"), "2026-01-15T03:00:00.01Z"),
])
def test_timestamps_are_go_rfc3339_utc(moment, text):
    assert render.timestamp(moment) == text
