"""`/_sim/faults`: add, list (with counters), remove one, clear; 400s name the field."""

from __future__ import annotations


def test_add_list_and_count_firings(client):
    added = client.post("/_sim/faults", json={"provider": "midtrans", "action": "status", "status": 503})
    assert added.status_code == 201
    assert added.get_json() == {"provider": "midtrans", "action": "status", "status": 503,
                                "id": "fault-1", "matched": 0, "fired": 0}
    client.get("/v2/x/status")
    client.get("/pg/payment/card/check/x")
    listing = client.get("/_sim/faults").get_json()
    assert listing["count"] == 1 and listing["faults"][0]["fired"] == 1


def test_an_id_may_be_chosen_and_is_unique(client):
    assert client.post("/_sim/faults", json={"id": "flaky", "action": "reset"}).status_code == 201
    again = client.post("/_sim/faults", json={"id": "flaky", "action": "reset"})
    assert again.status_code == 409 and again.get_json()["field"] == "id"
    assert client.post("/_sim/faults", json={"action": "empty"}).get_json()["id"] == "fault-2"


def test_bad_input_is_a_400_naming_the_field(client):
    response = client.post("/_sim/faults", json={"action": "status", "status": "soon"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "status"
    assert body["error"].startswith("status: 'soon' is not valid; expected an HTTP error status")
    assert client.post("/_sim/faults", json=[1]).status_code == 400
    unknown = client.post("/_sim/faults", json={"action": "reset", "provider": "nope"}).get_json()
    assert unknown["field"] == "provider"


def test_delete_one_and_clear(client):
    for action in ("reset", "empty", "malformed"):
        client.post("/_sim/faults", json={"action": action})
    assert client.delete("/_sim/faults/fault-2").get_json() == {"status": "ok", "removed": "fault-2"}
    assert client.delete("/_sim/faults/fault-2").status_code == 404
    assert [f["id"] for f in client.get("/_sim/faults").get_json()["faults"]] == ["fault-1", "fault-3"]
    assert client.delete("/_sim/faults").get_json() == {"status": "ok", "cleared": 2}
    assert client.get("/_sim/faults").get_json() == {"count": 0, "faults": []}


def test_reset_drops_added_faults(client):
    client.post("/_sim/faults", json={"action": "reset"})
    client.post("/_sim/reset")
    assert client.get("/_sim/faults").get_json()["count"] == 0


def test_a_loaded_scenario_brings_its_faults(client):
    response = client.post("/_sim/scenario", json={
        "name": "flaky", "seed": 1, "faults": [{"provider": "midtrans", "action": "status", "status": 500}]})
    assert response.status_code == 200
    assert client.get("/_sim/faults").get_json()["faults"][0]["id"] == "fault-1"
    bad = client.post("/_sim/scenario", json={"name": "flaky", "faults": [{"action": "boom"}]})
    assert bad.status_code == 400 and bad.get_json()["error"].startswith("faults[0].action:")
    assert bad.get_json()["field"] == "faults"


def test_the_journal_shows_the_fault(client):
    client.post("/_sim/faults", json={"provider": "midtrans", "endpoint": "status", "action": "empty"})
    client.get("/v2/MT-VA-BCA-PENDING/status")
    entry = client.get("/_sim/journal?provider=midtrans").get_json()["entries"][-1]
    assert entry["endpoint"] == "status" and entry["notes"]["fault"] == {"id": "fault-1", "action": "empty"}
