"""Tenants (simulator/tenants.py, /_sim/tenants): each one a separate world under
`/t/<name>`, over HTTP with Flask's test client; two real processes sharing one store are
in tests/test_scale_out.py."""

from __future__ import annotations

import base64
import time

import pytest

from simulator.app import create_app
from simulator.settings import Settings

MIDTRANS = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}


def tenant(client, name: str | None = None, **body) -> dict:
    response = client.post("/_sim/tenants", json={**({"name": name} if name else {}), **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_creating_a_tenant_answers_its_name_and_base_url(client):
    assert tenant(client, "ci-1") == {"name": "ci-1", "base_url": "http://localhost/t/ci-1"}


def test_a_name_is_made_when_none_is_given(client):
    made = tenant(client)
    assert made["name"].startswith("t-") and made["base_url"].endswith(f"/t/{made['name']}")


def test_a_duplicate_name_is_409_and_a_bad_one_400(client):
    tenant(client, "dup")
    again = client.post("/_sim/tenants", json={"name": "dup"})
    assert again.status_code == 409 and again.get_json()["field"] == "name"
    for bad in ("has space", "x" * 65, "", "a/b", "default", 7):
        answer = client.post("/_sim/tenants", json={"name": bad})
        assert answer.status_code in (400, 409), bad
        assert answer.get_json()["field"] == "name"


def test_a_broken_scenario_is_400_naming_the_field_and_leaves_no_tenant(client):
    answer = client.post("/_sim/tenants", json={"name": "broken", "scenario": {"name": "x", "merchants": 3}})
    assert answer.status_code == 400 and answer.get_json()["field"] == "scenario"
    assert client.post("/_sim/tenants", json={"name": "broken", "scenario": "no-such-scenario"}).status_code == 400
    assert client.get("/_sim/tenants").get_json()["count"] == 0
    assert client.get("/t/broken/_sim/health").status_code == 404


def test_unknown_fields_are_refused(client):
    answer = client.post("/_sim/tenants", json={"nmae": "x"})
    assert answer.status_code == 400 and answer.get_json()["field"] == "nmae"


def test_a_tenant_sees_only_its_own_orders(client):
    base = "/t/" + tenant(client, "iso")["name"]
    cancelled = client.post(f"{base}/v2/MT-VA-BCA-PENDING/cancel", headers=MIDTRANS).get_json()
    assert cancelled["transaction_status"] == "cancel"
    assert client.get("/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS).get_json()["transaction_status"] == "pending"
    assert client.get(f"{base}/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["status"] == "cancel"


def test_the_provider_prefix_mount_works_under_a_tenant(client):
    base = "/t/" + tenant(client, "mounts")["name"]
    answer = client.get(f"{base}/midtrans/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS)
    assert answer.status_code == 200 and answer.get_json()["transaction_status"] == "pending"


def test_clock_faults_journal_and_scenario_are_per_tenant(client):
    base = "/t/" + tenant(client, "world", scenario="expired-orders")["name"]
    client.post(f"{base}/_sim/clock", json={"advance": "48h"})
    client.post(f"{base}/_sim/faults", json={"provider": "midtrans", "action": "status", "status": 503})
    assert client.get(f"{base}/_sim/scenario").get_json()["name"] == "expired-orders"
    assert client.get("/_sim/scenario").get_json()["name"] == "default"
    assert client.get(f"{base}/v2/anything/status", headers=MIDTRANS).status_code == 503
    assert client.get("/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS).status_code == 200
    assert client.get("/_sim/faults").get_json()["count"] == 0
    assert client.get(f"{base}/_sim/journal").get_json()["entries"]
    assert all(e["path"] != "/v2/anything/status" for e in client.get("/_sim/journal").get_json()["entries"])
    assert client.get(f"{base}/_sim/clock").get_json()["now"] != client.get("/_sim/clock").get_json()["now"]


def test_urls_handed_out_keep_the_tenant_prefix(client):
    base = "/t/" + tenant(client, "urls")["name"]
    page = client.post(f"{base}/snap/v1/transactions", headers=MIDTRANS,
                       json={"transaction_details": {"order_id": "t-snap", "gross_amount": 1000}}).get_json()
    assert page["redirect_url"].startswith("http://localhost/t/urls/snap/v4/redirection/")
    path = page["redirect_url"].removeprefix("http://localhost")
    client.post(path, data={"method": "gopay"})
    assert client.get(f"{base}/_sim/orders/midtrans/t-snap").get_json()["channel"] == "gopay"
    assert client.get("/_sim/orders/midtrans/t-snap").status_code == 404
    html = client.get(f"{base}/_sim/ui/").get_data(as_text=True)
    assert "/t/urls/_sim/ui/static/ui.css" in html


def test_listing_and_deleting(client):
    tenant(client, "one")
    tenant(client, "two")
    listed = client.get("/_sim/tenants").get_json()
    assert [t["name"] for t in listed["tenants"]] == ["one", "two"]
    assert listed["tenants"][0]["base_url"] == "http://localhost/t/one"
    assert client.delete("/_sim/tenants/one").get_json() == {"deleted": "one"}
    assert client.delete("/_sim/tenants/one").status_code == 404
    assert [t["name"] for t in client.get("/_sim/tenants").get_json()["tenants"]] == ["two"]


def test_a_deleted_tenant_s_paths_answer_404_in_the_provider_s_shape(client):
    base = "/t/" + tenant(client, "gone")["name"]
    client.delete("/_sim/tenants/gone")
    answer = client.get(f"{base}/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS)
    assert answer.status_code == 404 and answer.get_json()["status_code"] == "404"
    control = client.get(f"{base}/_sim/orders")
    assert control.status_code == 404 and "no tenant 'gone'" in control.get_json()["error"]


def test_an_unknown_tenant_is_404_and_journals_nowhere(client):
    before = len(client.get("/_sim/journal").get_json()["entries"])
    answer = client.post("/t/never-made/v2/MT-VA-BCA-PENDING/cancel", headers=MIDTRANS)
    assert answer.status_code == 404
    assert client.get("/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS).get_json()["transaction_status"] == "pending"
    assert len(client.get("/_sim/journal").get_json()["entries"]) == before + 1   # the status call only


def test_an_idle_tenant_expires(default_scenario):
    # a timeout long enough that a loaded machine (-n 4) reaches the first check within it
    app = create_app(Settings(store="memory", tenant_idle_timeout=1.0), scenario=default_scenario)
    client = app.test_client()
    base = "/t/" + tenant(client, "idle")["name"]
    assert client.get(f"{base}/_sim/health").status_code == 200
    time.sleep(1.2)
    assert client.get(f"{base}/_sim/health").status_code == 404
    assert client.get("/_sim/tenants").get_json()["count"] == 0


def test_a_tenant_can_reset_without_touching_the_root(client):
    base = "/t/" + tenant(client, "reset")["name"]
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    client.post(f"{base}/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    client.post(f"{base}/_sim/reset")
    assert client.get(f"{base}/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["status"] == "pending"
    assert client.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["status"] == "settlement"


@pytest.mark.parametrize("path", ["/t/", "/t//v2/x/status", "/t/a%2Fb/_sim/health"])
def test_odd_tenant_paths_are_404_never_500(client, path):
    assert client.get(path).status_code == 404
