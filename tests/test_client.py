"""`simulator.client.SandboxClient` against a live server: every method, and errors as
`SandboxError` carrying the status and the simulator's `error`/`field`/`reason`."""

from __future__ import annotations

import pytest
import requests

from simulator.client import SandboxClient, SandboxError

from .live import serve

MIDTRANS_AUTH = ("SB-Mid-server-SIMULATOR-KEY", "")


@pytest.fixture
def sim(live_url):
    with SandboxClient(live_url, timeout=5) as client:
        yield client


def cancel_midtrans(base_url: str, order_id: str) -> dict:
    return requests.post(f"{base_url}/v2/{order_id}/cancel", auth=MIDTRANS_AUTH, timeout=5).json()


def test_health_and_merchants(sim):
    health = sim.health()
    assert health["status"] == "ok" and "midtrans" in health["providers"]
    assert {m["id"] for m in sim.merchants("pivot")} == {"PVT-001", "PVT-002"}
    assert len(sim.merchants()) > len(sim.merchants("pivot"))


def test_orders_create_list_get_and_events(sim):
    created = sim.create_order("midtrans", 25000, order_id="CLIENT-1", channel="qris")
    assert created["status"] == "pending"
    assert sim.order("midtrans", "CLIENT-1")["amount"] == created["amount"]
    assert "CLIENT-1" in {o["order_id"] for o in sim.orders(provider="midtrans", status="pending")}
    assert all(o["status"] == "settlement" for o in sim.orders(provider="midtrans", status="settlement"))
    assert sim.pay("midtrans", "CLIENT-1")["status"] == "settlement"
    assert sim.expire("midtrans", "MT-VA-BCA-PENDING")["status"] == "expire"
    assert sim.event("midtrans", "MT-VA-BNI-PENDING", "expire")["status"] == "expire"


def test_refused_event_is_a_sandbox_error_with_reason(sim):
    with pytest.raises(SandboxError) as refused:
        sim.pay("midtrans", "MT-VA-BCA-CANCEL")
    assert refused.value.status == 409 and refused.value.reason


def test_bad_input_is_a_sandbox_error_naming_the_field(sim):
    with pytest.raises(SandboxError) as bad:
        sim.create_order("nowhere", 1000)
    assert bad.value.status == 400 and bad.value.field == "provider"
    assert "nowhere" in str(bad.value)
    with pytest.raises(SandboxError) as unknown:
        sim.order("midtrans", "NO-SUCH-ORDER")
    assert unknown.value.status == 404


def test_reset_brings_the_scenario_back(sim):
    sim.pay("midtrans", "MT-VA-BCA-PENDING")
    sim.reset()
    assert sim.order("midtrans", "MT-VA-BCA-PENDING")["status"] == "pending"


def test_scenario_by_name_yaml_and_mapping(sim):
    assert sim.load_scenario("expired-orders")["scenario"] == "expired-orders"
    assert sim.scenario()["name"] == "expired-orders"
    yaml_text = ("name: tiny\nmerchants:\n  - {provider: midtrans, id: G1, credentials: {server_key: K}}\n"
                 "orders:\n  - {provider: midtrans, order_id: T-1, amount: 1000}\n")
    assert sim.load_scenario(yaml_text)["orders"] == 1
    mapping = {"name": "tiny-mapping", "merchants": [
        {"provider": "finpay", "id": "F1", "credentials": {"merchant_id": "F1", "merchant_key": "K"}}]}
    assert sim.load_scenario(mapping)["scenario"] == "tiny-mapping"
    with pytest.raises(SandboxError) as missing:
        sim.load_scenario("no-such-scenario")
    assert missing.value.status == 400


def test_clock_now_advance_set(sim):
    sim.set_clock("2026-01-15T10:00:00+07:00", frozen=True)
    assert sim.now()["frozen"] is True
    moved = sim.advance_clock("30m")
    assert moved["now"].startswith("2026-01-15T10:30:00")
    assert sim.set_clock(frozen=False)["frozen"] is False
    with pytest.raises(SandboxError) as bad:
        sim.advance_clock("soon")
    assert bad.value.field == "advance"


def test_journal_query_and_clear(sim, live_url):
    cancel_midtrans(live_url, "MT-VA-BCA-PENDING")
    cancel_midtrans(live_url, "MT-VA-BNI-PENDING")
    [entry] = sim.journal(provider="midtrans", order_id="MT-VA-BCA-PENDING", endpoint="cancel")
    assert entry["status"] == 200
    assert len(sim.journal(provider="midtrans", limit=1)) == 1
    assert sim.clear_journal()["cleared"] == 2
    assert sim.journal() == []


def test_faults_add_list_remove_clear(sim, live_url):
    fault = sim.add_fault("status", status=503, provider="midtrans", endpoint="cancel", times=1)
    assert [f["id"] for f in sim.faults()] == [fault["id"]]
    assert requests.post(f"{live_url}/v2/MT-VA-BCA-PENDING/cancel", auth=MIDTRANS_AUTH,
                         timeout=5).status_code == 503
    assert sim.remove_fault(fault["id"])["removed"] == fault["id"]
    sim.add_fault("delay", delay="1ms")
    assert sim.clear_faults()["cleared"] == 1
    with pytest.raises(SandboxError) as bad:
        sim.add_fault("explode")
    assert bad.value.field == "action"


def test_webhooks_list_get_redeliver_and_wait(notified):
    with serve(notified.app) as url, SandboxClient(url) as sim:
        cancel_midtrans(url, "sim-order-1001")
        [delivery] = sim.wait_for_deliveries(1, provider="midtrans", order_id="sim-order-1001")
        assert sim.webhook(delivery["id"])["status"] == "delivered"
        again = sim.redeliver(delivery["id"])
        assert again["redelivery_of"] == delivery["id"]
        assert len(sim.wait_for_deliveries(2, provider="midtrans")) == 2
        with pytest.raises(TimeoutError):
            sim.wait_for_deliveries(1, provider="pivot", timeout=0.1)
        with pytest.raises(SandboxError) as unknown:
            sim.webhook(999_999)
        assert unknown.value.status == 404
