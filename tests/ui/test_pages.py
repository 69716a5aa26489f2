"""The dashboard's pages over HTTP (Flask's test client): each renders, filters and pages,
shows what the rules allow, and never shows a credential whole. The browser tests are in
test_browser.py."""

from __future__ import annotations

import base64

import pytest

from tests.test_webhooks import settled

AUTH = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/_sim/ui/", "/_sim/ui/faults", "/_sim/ui/journal", "/_sim/ui/webhooks",
                                  "/_sim/ui/scenario", "/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING"])
def test_every_page_renders_with_the_clock_form(client, path):
    html = page(client, path)
    assert 'name="advance"' in html and 'id="clock-time"' in html
    assert "htmx-2.0.11.min.js" in html and "http://" not in html.replace(client.application.config.get("SERVER_NAME") or "", "")


def test_orders_filter_by_provider_status_merchant_and_id(client):
    html = page(client, "/_sim/ui/?provider=doku&status=PENDING")
    assert "DK-VA-BCA-PENDING" in html and "MT-VA-BCA-PENDING" not in html and "DK-VA-BCA-SUCCESS" not in html
    html = page(client, "/_sim/ui/?q=mt-va-bca")
    assert "MT-VA-BCA-PENDING" in html and "DK-VA-BCA-PENDING" not in html
    html = page(client, "/_sim/ui/?provider=pivot&merchant=PVT-002")
    assert "PV2-VA-BNI-REQUIRE_CONFIRMATION" in html and "PV-QR-PAID" not in html


def test_orders_are_paged_and_link_to_their_page(client):
    total = client.get("/_sim/health").get_json()["orders"]
    html = page(client, "/_sim/ui/")
    assert f"{total} orders" in html and "page 1 of" in html and "next →" in html
    second = page(client, "/_sim/ui/?page=2")
    assert "← previous" in second
    assert 'href="/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING"' in page(client, "/_sim/ui/?q=MT-VA-BCA-PENDING")


def test_an_order_page_offers_the_events_its_rules_allow(client):
    pending = page(client, "/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING")
    for event in ("cancel", "pay", "expire", "fail"):
        assert f">{event}</button>" in pending
    assert ">refund</button>" not in pending
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    settled = page(client, "/_sim/ui/fragments/order?provider=midtrans&id=MT-VA-BCA-PENDING")
    assert ">refund</button>" in settled and ">pay</button>" not in settled
    assert "pending → settlement" in settled


def test_an_order_page_shows_its_calls_with_bodies_and_explanations(client):
    client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH)
    client.post("/v2/MT-VA-BCA-PENDING/cancel", headers={"Authorization": "Basic bm9wZTo="})
    html = page(client, "/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING")
    assert "Calls (2)" in html and "Success, transaction is canceled" in html
    assert "auth explained" in html and "no merchant has that server key" in html
    assert "SB-Mid-server-SIMULATOR-KEY" not in html and AUTH["Authorization"].split()[1] not in html


def test_no_credential_is_shown_whole(client):
    html = page(client, "/_sim/ui/scenario")
    for secret in ("SB-Mid-server-SIMULATOR-KEY", "SIMKEY123", "sk_test_simulator_0001", "SK-SIMULATOR-TEST-0001",
                   "pivot-sim-merchant-secret-0001", "cbk_sim_0001"):
        assert secret not in html
    assert "FNPSIM01" in html and "…·" in html         # ids shown, secrets masked


def test_an_unknown_order_is_a_404_page(client):
    assert "There is no such order" in page(client, "/_sim/ui/orders/midtrans/NO-SUCH", 404)
    page(client, "/_sim/ui/orders/paypal/X", 404)


def test_faults_show_remaining_counts(client):
    client.post("/_sim/faults", json={"provider": "midtrans", "action": "status", "status": 503, "times": 3})
    client.get("/v2/MT-VA-BCA-PENDING/status", headers=AUTH)
    html = page(client, "/_sim/ui/fragments/faults")
    assert "fault-1" in html and "provider=midtrans" in html
    assert '<td class="number">1</td><td class="number">2</td>' in html    # fired 1, remaining 2


def test_the_journal_filters_and_shows_newest_first(client):
    client.get("/v2/MT-VA-BCA-PENDING/status", headers=AUTH)
    client.get("/pg/payment/card/check/FP-VABCA-PENDING", auth=("FNPSIM01", "SIMKEY123"))
    html = page(client, "/_sim/ui/journal")
    assert html.index("/pg/payment/card/check/FP-VABCA-PENDING") < html.index("/v2/MT-VA-BCA-PENDING/status")
    only = page(client, "/_sim/ui/fragments/journal?provider=finpay&status=200")
    assert "FP-VABCA-PENDING" in only and "MT-VA-BCA-PENDING" not in only


def test_webhooks_show_attempts_and_next_retry(notified):
    notified.receiver.replies = [503]
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    notified.receiver.wait_for(2)
    settled(notified.client)       # the sender records "delivered" after the receiver's answer
    html = notified.client.get("/_sim/ui/webhooks").get_data(as_text=True)
    assert "settlement" in html and "503" in html and "delivered" in html and "Resend" in html


def test_an_order_page_links_to_its_payer_page(client):
    html = client.get("/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING").get_data(as_text=True)
    assert 'href="/_sim/pay/midtrans/MT-VA-BCA-PENDING?merchant=G000000001"' in html
    assert client.get("/_sim/pay/midtrans/MT-VA-BCA-PENDING?merchant=G000000001").status_code == 200
