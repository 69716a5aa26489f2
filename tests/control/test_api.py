"""The /_sim control API contract (DESIGN.md): every call, its 2xx shape and its 4xx errors."""

import pytest

from simulator.app import create_app
from simulator.settings import Settings


def test_health(client):
    body = client.get("/_sim/health").get_json()

    assert body["status"] == "ok"
    assert "midtrans" in body["providers"]
    assert body["scenario"] == "default"
    assert body["orders"] > 100


def test_create_order_returns_201_with_every_contract_field(client):
    response = client.post("/_sim/orders", json={
        "provider": "midtrans", "order_id": "NEW-1", "amount": 12000, "channel": "qris",
        "status": "PENDING", "expires_in": "15m"})

    assert response.status_code == 201
    order = response.get_json()
    for field in ("provider", "merchant", "order_id", "transaction_id", "amount", "currency",
                  "channel", "bank", "status", "created_at", "expires_at", "history"):
        assert field in order
    assert (order["merchant"], order["status"], order["amount"], order["currency"]) == \
        ("G000000001", "pending", "12000", "IDR")


def test_create_without_order_id_generates_one(client):
    order = client.post("/_sim/orders", json={"provider": "midtrans", "amount": 5}).get_json()

    assert order["order_id"].startswith("SIM-")


@pytest.mark.parametrize("body, field, text", [
    ({"provider": "paypal", "amount": 1}, "provider", "'paypal' is not a provider"),
    ({"provider": "midtrans", "amount": 1, "status": "paid"}, "status", "'paid' is not a midtrans status"),
    ({"provider": "midtrans"}, "amount", "None is not an amount"),
    ({"provider": "midtrans", "amount": "lots"}, "amount", "'lots' is not an amount"),
    ({"provider": "midtrans", "amount": 1, "order_id": ["x"]}, "order_id", "is not an id"),
])
def test_create_order_bad_input_is_400_naming_the_field(client, body, field, text):
    response = client.post("/_sim/orders", json=body)

    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert text in response.get_json()["error"]


def test_create_duplicate_is_409(client):
    response = client.post("/_sim/orders", json={"provider": "midtrans", "amount": 1,
                                                 "order_id": "sim-order-1001"})

    assert response.status_code == 409
    assert response.get_json()["field"] == "order_id"


@pytest.mark.parametrize("data", [b"[1]", b"{nope", b"\xff"])
def test_non_object_bodies_are_400(client, data):
    response = client.post("/_sim/orders", data=data, content_type="application/json")

    assert response.status_code == 400
    assert "error" in response.get_json()


def test_list_and_filter(client):
    body = client.get("/_sim/orders?provider=midtrans&status=settlement").get_json()

    assert body["count"] == len(body["orders"]) > 0
    assert {o["status"] for o in body["orders"]} == {"settlement"}
    assert client.get("/_sim/orders?provider=nope").status_code == 400


def test_an_empty_merchant_filter_matches_no_merchant(client):
    # `?merchant=` names a merchant "" (there is none), as on every store: not "any merchant"
    assert client.get("/_sim/orders?provider=midtrans&merchant=").get_json()["count"] == 0
    assert client.get("/_sim/orders/midtrans/sim-order-1001?merchant=").status_code == 404
    assert client.get("/_sim/orders/midtrans/sim-order-1001").status_code == 200


def test_get_order_with_history_and_unknown(client):
    order = client.get("/_sim/orders/midtrans/sim-order-1001").get_json()

    assert order["history"][0]["event"] == "create"
    assert client.get("/_sim/orders/midtrans/NOPE").status_code == 404
    assert client.get("/_sim/orders/nope/NOPE").status_code == 404


def test_lifecycle_event_and_refusal(client):
    paid = client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    again = client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    unknown = client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/teleport")

    assert paid.status_code == 200 and paid.get_json()["status"] == "settlement"
    assert paid.get_json()["history"][-1]["source"] == "control"
    assert again.status_code == 409
    assert again.get_json() == {"error": "pay is not allowed in status 'settlement'",
                                "reason": "wrong_status", "status": "settlement"}
    assert unknown.status_code == 400 and unknown.get_json()["field"] == "event"


def test_reset_restores_orders_clock_and_journal(client):
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    client.post("/_sim/orders", json={"provider": "midtrans", "amount": 1, "order_id": "TEMP"})
    client.post("/_sim/clock", json={"advance": "2d"})
    client.get("/v2/x/status")

    body = client.post("/_sim/reset").get_json()

    assert body["status"] == "ok"
    assert client.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["status"] == "pending"
    assert client.get("/_sim/orders/midtrans/TEMP").status_code == 404
    now = client.get("/_sim/clock").get_json()["now"]
    assert now.startswith("2026-01-15T10:00") and now.endswith("+07:00")   # the scenario's start, in its zone
    assert client.get("/_sim/journal").get_json()["count"] == 0


SMALL = """
name: tiny
description: one order
merchants:
  - {provider: midtrans, id: G9, credentials: {server_key: SB-Mid-server-TINY}}
orders:
  - {provider: midtrans, order_id: ONLY, amount: 1000}
"""


def test_load_scenario_as_yaml_json_and_by_name(client):
    as_yaml = client.post("/_sim/scenario", data=SMALL, content_type="application/yaml")
    assert as_yaml.get_json() == {"status": "ok", "scenario": "tiny", "orders": 1, "scenario_version": 2}

    as_json = client.post("/_sim/scenario", json={
        "name": "tiny-json", "merchants": [{"provider": "midtrans", "id": "G9",
                                           "credentials": {"server_key": "SB-Mid-server-TINY"}}]})
    assert as_json.get_json()["orders"] == 0

    by_name = client.post("/_sim/scenario", json={"name": "default"})
    assert by_name.get_json()["scenario"] == "default"
    # +1 per load (or merchant edit), not per reset: how the pytest plugin knows a reset is enough
    assert by_name.get_json()["scenario_version"] == 4
    assert client.post("/_sim/reset").get_json()["scenario_version"] == 4


def test_invalid_scenario_is_400_with_every_problem(client):
    response = client.post("/_sim/scenario", data="name: x\norders:\n  - {provider: nope}\n",
                           content_type="application/yaml")

    assert response.status_code == 400
    assert response.get_json()["error"].startswith("orders[0].provider: 'nope'")
    assert response.get_json()["field"] == "orders"
    assert client.get("/_sim/health").get_json()["scenario"] == "default"   # old one stays


def test_clock_advance_set_and_errors(client):
    assert client.post("/_sim/clock", json={"set": "2026-02-01T00:00:00Z", "frozen": True}).get_json() == \
        {"now": "2026-02-01T00:00:00+00:00", "frozen": True}
    assert client.post("/_sim/clock", json={"advance": "90m"}).get_json()["now"] == "2026-02-01T01:30:00+00:00"
    assert client.get("/_sim/clock").get_json()["frozen"] is True
    assert client.post("/_sim/clock", json={"advance": "soon"}).get_json()["field"] == "advance"
    assert client.post("/_sim/clock", json={"set": "2026-02-01"}).status_code == 400
    assert client.post("/_sim/clock", json={}).status_code == 400


def test_unknown_control_path_and_method_are_json(client):
    assert client.get("/_sim/nothing").get_json() == {"error": client.get("/_sim/nothing").get_json()["error"]}
    assert client.get("/_sim/nothing").status_code == 404
    assert client.put("/_sim/reset").status_code == 405
    assert "error" in client.put("/_sim/reset").get_json()


def test_unknown_root_path_is_json_naming_the_providers(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 404
    assert "midtrans" in response.get_json()["providers"]


def test_out_of_range_times_are_400s_naming_the_field_not_500s(client):
    """Found by schemathesis: huge durations and far instants raised OverflowError (500)."""
    for body, field in [({"advance": 1.7976931348623155e308}, "advance"), ({"advance": "9000000d"}, "advance"),
                        ({"set": "9999-12-31T23:00:00+00:00"}, "set")]:
        response = client.post("/_sim/clock", json=body)
        assert response.status_code == 400 and response.get_json()["field"] == field
    created = client.post("/_sim/orders", json={"provider": "midtrans", "amount": 5, "expires_in": "99999999d"})
    assert created.status_code == 400 and created.get_json()["field"] == "expires_in"
    assert client.get("/_sim/health").status_code == 200


def test_a_provider_that_is_not_a_string_is_a_400_not_a_500(client):
    """Found by schemathesis: an unhashable provider (a list, an object) raised TypeError."""
    for provider in (["midtrans"], {"name": "midtrans"}):
        response = client.post("/_sim/orders", json={"provider": provider, "amount": 5})
        assert response.status_code == 400 and response.get_json()["field"] == "provider"
    loaded = client.post("/_sim/scenario", json={"name": "x", "merchants": [{"provider": ["midtrans"]}]})
    assert loaded.status_code == 400 and "is not a provider" in loaded.get_json()["error"]


def test_orders_are_paged_with_offset_and_limit(client):
    everything = [o["order_id"] for o in client.get("/_sim/orders?provider=midtrans").get_json()["orders"]]
    page = client.get("/_sim/orders?provider=midtrans&offset=2&limit=3").get_json()
    assert page["count"] == 3 and [o["order_id"] for o in page["orders"]] == everything[2:5]
    pending = [o["order_id"] for o in client.get("/_sim/orders?provider=midtrans&status=pending").get_json()["orders"]]
    paged = client.get("/_sim/orders?provider=midtrans&status=pending&offset=1&limit=2").get_json()["orders"]
    assert [o["order_id"] for o in paged] == pending[1:3]
    bad = client.get("/_sim/orders?limit=many")
    assert bad.status_code == 400 and bad.get_json()["field"] == "limit"


def test_reset_of_a_run_too_large_for_a_snapshot_builds_it_again(default_scenario, monkeypatch, tmp_path):
    import simulator.store.sqlite as sqlite_store
    monkeypatch.setattr(sqlite_store, "SNAPSHOT_MAX_ORDERS", 10)     # (the memory store keeps one always)
    client = create_app(Settings(store=f"sqlite:{tmp_path / 'run.db'}"), scenario=default_scenario).test_client()
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    assert client.post("/_sim/reset").status_code == 200
    assert client.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["status"] == "pending"


def test_a_merchant_s_notification_url_can_be_set_on_a_running_server(client):
    changed = client.patch("/_sim/merchants/midtrans/G000000001",
                           json={"notification_url": "http://127.0.0.1:9/hooks"})
    assert changed.status_code == 200 and changed.get_json()["notification_url"] == "http://127.0.0.1:9/hooks"
    [merchant] = [m for m in client.get("/_sim/merchants").get_json()["merchants"] if m["id"] == "G000000001"]
    assert merchant["notification_url"] == "http://127.0.0.1:9/hooks"
    client.post("/_sim/reset")                      # a reset restores orders, not merchant changes
    assert client.get("/_sim/scenario").get_json()["merchants"][0]["notification_url"] == "http://127.0.0.1:9/hooks"
    assert client.patch("/_sim/merchants/midtrans/G000000001",
                        json={"notification_url": None}).get_json()["notification_url"] is None


def test_a_merchant_change_refuses_typos_and_bad_values(client):
    typo = client.patch("/_sim/merchants/midtrans/G000000001", json={"notifcation_url": "http://x"})
    assert typo.status_code == 400 and typo.get_json() == {
        "error": "notifcation_url: not a merchant change field; expected notification_url, features; "
                 "did you mean 'notification_url'?", "field": "notifcation_url"}
    bad = client.patch("/_sim/merchants/midtrans/G000000001", json={"notification_url": "ftp://x"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "notification_url"
    assert client.patch("/_sim/merchants/midtrans/NOPE", json={}).status_code == 404
    assert client.get("/_sim/merchants").get_json()["merchants"][0]["notification_url"] is None


def test_the_scenario_reads_back_with_its_orders_and_loads_again(client):
    document = client.get("/_sim/scenario").get_json()
    assert document["orders"][0]["order_id"] == "sim-order-1001"
    assert any("generate" in o for o in document["orders"])            # blocks stay blocks
    document["orders"].append({"provider": "midtrans", "order_id": "EDITED-1", "amount": 1000})
    loaded = client.post("/_sim/scenario", json=document)               # source/bundled are ignored
    assert loaded.status_code == 200
    assert client.get("/_sim/orders/midtrans/EDITED-1").status_code == 200
    assert loaded.get_json()["orders"] == client.get("/_sim/health").get_json()["orders"]


def test_the_clock_body_refuses_a_typo(client):
    answer = client.post("/_sim/clock", json={"advnce": "1h"})
    assert answer.status_code == 400 and answer.get_json()["field"] == "advnce"
    assert "did you mean 'advance'?" in answer.get_json()["error"]


def test_an_order_says_who_made_it_and_made_ids_never_repeat_after_a_reset(client):
    assert client.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["origin"] == "scenario"
    first = client.post("/_sim/orders", json={"provider": "midtrans", "amount": 1000}).get_json()
    assert first["origin"] == "control"
    client.post("/_sim/reset")
    second = client.post("/_sim/orders", json={"provider": "midtrans", "amount": 1000}).get_json()
    assert second["order_id"] != first["order_id"] and second["transaction_id"] != first["transaction_id"]
    charged = client.post("/v2/charge", headers={"Authorization": "Basic U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg=="},
                          json={"payment_type": "qris", "transaction_details": {"order_id": "ORIGIN-1",
                                                                                "gross_amount": 1000}})
    assert charged.status_code == 200
    assert client.get("/_sim/orders/midtrans/ORIGIN-1").get_json()["origin"] == "api"
