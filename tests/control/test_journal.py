"""GET/DELETE /_sim/journal: what was asked and answered, filtered, bounded, secret-free."""

import base64

from simulator.app import create_app
from simulator.redaction import mask_authorization
from simulator.settings import Settings

from tests.providers.midtrans.conftest import basic, SERVER_KEY


def test_entries_record_request_response_and_notes(client):
    client.post("/v2/MT-VA-BCA-PENDING/cancel", json={}, headers=basic(SERVER_KEY))

    entry = client.get("/_sim/journal?provider=midtrans").get_json()["entries"][-1]

    assert entry["endpoint"] == "cancel"
    assert entry["order_id"] == "MT-VA-BCA-PENDING"
    assert entry["merchant"] == "G000000001"
    assert entry["method"] == "POST" and entry["status"] == 200
    assert entry["request"]["body"] == "{}"
    assert entry["request"]["headers"]["Authorization"] == mask_authorization(
        "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode())
    assert entry["request"]["headers"]["Authorization"].startswith("Basic U0It…·")
    assert '"transaction_status":"cancel"' in entry["response"]["body"]
    assert entry["duration_ms"] >= 0


def test_filters(client):
    client.get("/v2/A/status", headers=basic(SERVER_KEY))
    client.get("/v2/B/status")

    assert client.get("/_sim/journal?status=401").get_json()["count"] == 1
    assert client.get("/_sim/journal?path=/v2/A").get_json()["count"] == 1
    assert client.get("/_sim/journal?order_id=B").get_json()["count"] == 1
    assert client.get("/_sim/journal?endpoint=status").get_json()["count"] == 2
    assert client.get("/_sim/journal?status=abc").status_code == 400


def test_control_calls_are_not_journaled_and_delete_clears(client):
    client.get("/_sim/health")
    client.get("/v2/A/status")

    assert client.delete("/_sim/journal").get_json() == {"status": "ok", "cleared": 1}
    assert client.get("/_sim/journal").get_json()["count"] == 0


def test_journal_is_bounded_by_its_cap(default_scenario):
    app = create_app(Settings(journal_cap=10), scenario=default_scenario)
    client = app.test_client()
    for i in range(25):
        client.get(f"/v2/ORDER-{i}/status")

    body = client.get("/_sim/journal").get_json()

    assert body["count"] == 10 and body["cap"] == 10
    assert body["entries"][0]["order_id"] == "ORDER-15"


def test_non_ascii_digits_in_status_and_limit_are_400s_not_500s(client):
    """Found by schemathesis: '³'.isdigit() is True but int('³') raises (a 500)."""
    for query, field in (("status=%C2%B3", "status"), ("limit=%C2%B3", "limit"), ("status=%D9%A4", "status")):
        response = client.get(f"/_sim/journal?{query}")
        assert response.status_code == 400 and response.get_json()["field"] == field
    assert client.get("/_sim/journal?status=200&limit=2").status_code == 200
