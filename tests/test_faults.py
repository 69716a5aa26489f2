"""Failure injection: validation of `faults:` in scenarios, the hit pattern of
times/after/probability, and every action observed by a real client over a real socket."""

from __future__ import annotations

import dataclasses
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from simulator.app import create_app
from simulator.faults import parse_faults
from simulator.providers import PROVIDERS
from simulator.scenarios import Problems, ScenarioError, from_mapping
from simulator.settings import Settings

from .providers.midtrans.conftest import SERVER_KEY, basic

MIDTRANS_ORDER = "MT-VA-BCA-PENDING"


def add_fault(url_or_client, **fault):
    if isinstance(url_or_client, str):
        response = requests.post(f"{url_or_client}/_sim/faults", json=fault, timeout=5)
        assert response.status_code == 201, response.text
        return response.json()
    response = url_or_client.post("/_sim/faults", json=fault)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def midtrans_cancel(url: str, order_id: str = MIDTRANS_ORDER, timeout: float = 5):
    return requests.post(f"{url}/v2/{order_id}/cancel", headers=basic(SERVER_KEY), timeout=timeout)


def journal(url: str, **query) -> list[dict]:
    return requests.get(f"{url}/_sim/journal", params=query, timeout=5).json()["entries"]


# -- validation ------------------------------------------------------------------------------

def scenario_with(faults) -> dict:
    return {"name": "faulty", "seed": 7, "faults": faults}


def problems_of(faults) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        from_mapping(scenario_with(faults), "scenarios/faulty.yaml", PROVIDERS)
    return caught.value.problems


def test_scenario_faults_are_parsed_with_defaults():
    scenario = from_mapping(scenario_with([
        {"provider": "midtrans", "endpoint": "cancel", "method": "post", "action": "status", "status": 503},
        {"action": "delay", "delay": ["200ms", "2s"], "probability": 0.5, "id": "slow"},
    ]), "scenarios/faulty.yaml", PROVIDERS)
    first, second = scenario.faults
    assert first.id == "fault-1" and first.match == {"provider": "midtrans", "endpoint": "cancel",
                                                    "method": "POST"}
    assert second.id == "slow" and second.delay == (0.2, 2.0) and second.match == {}


@pytest.mark.parametrize("fault, expected", [
    ({"action": "explode"}, "faults[0].action: 'explode' is not an action; expected one of delay, status"),
    ({"status": 503}, "faults[0].action: required"),
    ({"action": "status"}, "faults[0].status: required; expected an HTTP error status 400..599"),
    ({"action": "status", "status": 700}, "faults[0].status: 700 is not valid"),
    ({"action": "delay"}, "faults[0].delay: required for action delay"),
    ({"action": "delay", "delay": ["2s", "1s"]}, "faults[0].delay: ['2s', '1s'] is not a range"),
    ({"action": "delay", "delay": "soon"}, "faults[0].delay: 'soon' is not a duration"),
    ({"action": "reset", "provider": "paypal"}, "faults[0].provider: 'paypal' is not a provider"),
    ({"action": "reset", "method": "FETCH"}, "faults[0].method: 'FETCH' is not an HTTP method"),
    ({"action": "reset", "probability": 1.5}, "faults[0].probability: 1.5 is not a probability"),
    ({"action": "reset", "times": 0}, "faults[0].times: 0 is not a count"),
    ({"action": "reset", "after": -1}, "faults[0].after: -1 is not a count"),
    ({"action": "apply_then_fail", "then": 404}, "faults[0].then: 404 is not valid; expected 'reset'"),
    ({"action": "reset", "colour": "red"}, "faults[0].colour: unknown key"),
    ("reset", "faults[0]: expected a mapping"),
])
def test_bad_faults_are_named_by_file_and_key_path(fault, expected):
    problems = problems_of([fault])
    assert problems[0].startswith(f"scenarios/faulty.yaml: {expected}"), problems


def test_duplicate_ids_and_a_non_list_are_refused():
    assert problems_of([{"id": "x", "action": "reset"}, {"id": "x", "action": "empty"}]) == [
        "scenarios/faulty.yaml: faults[1].id: 'x' is already the id of another fault"]
    assert problems_of({"action": "reset"}) == ["scenarios/faulty.yaml: faults: expected a list of faults"]


# -- times / after / probability -------------------------------------------------------------

def hit_pattern(default_scenario, faults, calls: int = 12) -> list[int]:
    scenario = dataclasses.replace(default_scenario, seed=1234, faults=tuple(
        parse_faults(faults, PROVIDERS, Problems("test"))))
    client = create_app(Settings(store="memory"), scenario=scenario).test_client()
    return [client.get("/v2/nothing/status").status_code for _ in range(calls)]


def test_times_and_after_pick_the_matches_to_hit(default_scenario):
    pattern = hit_pattern(default_scenario, [{"action": "status", "status": 503, "after": 2, "times": 3}],
                          calls=7)
    assert pattern == [401, 401, 503, 503, 503, 401, 401]


def test_probability_replays_the_same_sequence_for_the_same_seed(default_scenario):
    faults = [{"provider": "midtrans", "action": "status", "status": 500, "probability": 0.5}]
    first, second = hit_pattern(default_scenario, faults, 40), hit_pattern(default_scenario, faults, 40)
    assert first == second
    assert 5 < first.count(500) < 35


def test_reset_restores_the_scenario_faults_and_their_counters(default_scenario):
    scenario = dataclasses.replace(default_scenario, faults=tuple(parse_faults(
        [{"action": "status", "status": 503, "times": 1}], PROVIDERS, Problems("test"))))
    client = create_app(Settings(store="memory"), scenario=scenario).test_client()
    assert client.get("/v2/x/status").status_code == 503
    assert client.get("/v2/x/status").status_code == 401
    add_fault(client, action="empty")
    client.post("/_sim/reset")
    assert [f["id"] for f in client.get("/_sim/faults").get_json()["faults"]] == ["fault-1"]
    assert client.get("/v2/x/status").status_code == 503


def test_control_calls_never_meet_a_fault(client):
    add_fault(client, action="status", status=503)
    assert client.get("/_sim/health").status_code == 200


def test_match_on_merchant_and_order_id_fires_before_the_order_is_touched(client):
    add_fault(client, provider="midtrans", merchant="G000000001", order_id=MIDTRANS_ORDER,
              action="status", status=503)
    assert client.get("/v2/MT-VA-BNI-PENDING/status", headers=basic(SERVER_KEY)).status_code == 200
    assert client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=basic("wrong")).status_code == 401
    assert client.post(f"/v2/{MIDTRANS_ORDER}/cancel", headers=basic(SERVER_KEY)).status_code == 503
    assert client.get(f"/_sim/orders/midtrans/{MIDTRANS_ORDER}").get_json()["status"] == "pending"


def test_the_test_client_gets_a_marker_for_reset_and_hang(client):
    add_fault(client, action="hang", hang="30s")
    response = client.get("/v2/x/status")
    assert response.status_code == 599 and response.headers["X-Simulator-Abort"] == "hang"
    assert response.data == b""


# -- actions over a real socket --------------------------------------------------------------

def test_reset_is_a_connection_reset(live_url):
    add_fault(live_url, provider="midtrans", endpoint="cancel", action="reset")
    with pytest.raises(requests.ConnectionError) as caught:
        midtrans_cancel(live_url)
    assert "Connection reset by peer" in str(caught.value)   # RST, not a polite FIN
    entry = journal(live_url, endpoint="cancel")[-1]
    assert entry["status"] is None and entry["notes"]["fault"] == {"id": "fault-1", "action": "reset"}
    assert requests.get(f"{live_url}/_sim/orders/midtrans/{MIDTRANS_ORDER}").json()["status"] == "pending"


def test_hang_holds_the_connection_without_answering(live_url):
    add_fault(live_url, provider="midtrans", action="hang", hang="1s")
    started = time.perf_counter()
    with pytest.raises(requests.ReadTimeout):
        midtrans_cancel(live_url, timeout=0.4)
    assert time.perf_counter() - started < 1
    entry = journal(live_url, provider="midtrans")[-1]   # fired before the view: no endpoint yet
    assert entry["status"] is None
    assert entry["notes"]["fault"] == {"id": "fault-1", "action": "hang", "hang_ms": 1000}


def test_hang_then_closes_without_a_response(live_url):
    add_fault(live_url, action="hang", hang="300ms")
    with pytest.raises(requests.ConnectionError) as caught:
        midtrans_cancel(live_url, timeout=3)
    assert not isinstance(caught.value, requests.ReadTimeout)


def test_hang_is_capped_by_the_setting(default_scenario):
    from .live import serve
    app = create_app(Settings(store="memory", fault_hang_cap=0), scenario=default_scenario)
    with serve(app) as url:
        refused = requests.post(f"{url}/_sim/faults", json={"action": "hang", "hang": "1h"}, timeout=5)
        assert refused.status_code == 400 and refused.json()["field"] == "hang"
        assert "SIM_FAULT_HANG_CAP" in refused.json()["error"]
        add_fault(url, action="hang")                     # no duration: the cap, here 0 s
        with pytest.raises(requests.ConnectionError):
            midtrans_cancel(url, timeout=3)
        assert journal(url)[-1]["notes"]["fault"]["hang_ms"] == 0


def test_status_in_midtrans_shape(live_url):
    add_fault(live_url, provider="midtrans", action="status", status=503)
    response = midtrans_cancel(live_url)
    assert response.status_code == 503
    body = response.json()
    assert body["status_code"] == "503" and body["status_message"] == "Service is temporarily unavailable"


def test_status_in_doku_shape(live_url):
    add_fault(live_url, provider="doku", endpoint="cancel", action="status", status=500)
    response = requests.post(f"{live_url}/checkout/v3/cancellations", json={}, timeout=5)
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_server_error", "message": "Internal Server Error",
                                         "type": response.json()["error"]["type"]}}


def test_status_in_finpay_shape(live_url):
    add_fault(live_url, provider="finpay", action="status", status=503)
    response = requests.get(f"{live_url}/pg/payment/card/cancel/ANY", timeout=5)
    assert response.status_code == 503
    body = response.json()
    assert body["responseCode"] == "5030000" and body["responseMessage"] == "Service Unavailable"


def test_malformed_keeps_the_status_and_truncates_the_body(live_url):
    add_fault(live_url, provider="midtrans", endpoint="status", action="malformed")
    response = requests.get(f"{live_url}/v2/{MIDTRANS_ORDER}/status", headers=basic(SERVER_KEY), timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.text.startswith('{"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_empty_body(live_url):
    add_fault(live_url, provider="midtrans", action="empty")
    response = requests.get(f"{live_url}/v2/{MIDTRANS_ORDER}/status", headers=basic(SERVER_KEY), timeout=5)
    assert response.status_code == 200 and response.content == b""


def test_content_type_is_wrong_on_the_real_body(live_url):
    add_fault(live_url, provider="midtrans", action="content_type")
    response = requests.get(f"{live_url}/v2/{MIDTRANS_ORDER}/status", headers=basic(SERVER_KEY), timeout=5)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.json()["order_id"] == MIDTRANS_ORDER


def test_delay_holds_the_answer(live_url):
    add_fault(live_url, provider="midtrans", action="delay", delay="400ms")
    started = time.perf_counter()
    response = requests.get(f"{live_url}/v2/{MIDTRANS_ORDER}/status", headers=basic(SERVER_KEY), timeout=5)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and 0.4 <= elapsed < 1.5
    assert journal(live_url)[-1]["notes"]["fault"] == {"id": "fault-1", "action": "delay", "delay_ms": 400}


def test_delayed_calls_wait_side_by_side_while_other_calls_go_on(live_url):
    """The server runs one app thread at a time (simulator/gate.py); a delay lets go of it."""
    add_fault(live_url, provider="midtrans", endpoint="status", action="delay", delay="600ms")
    status = f"{live_url}/v2/{MIDTRANS_ORDER}/status"
    with ThreadPoolExecutor(8) as pool:
        started = time.perf_counter()
        delayed = [pool.submit(requests.get, status, headers=basic(SERVER_KEY), timeout=5) for _ in range(6)]
        time.sleep(0.1)
        health = requests.get(f"{live_url}/_sim/health", timeout=5)
        health_at = time.perf_counter() - started
        answers = [future.result() for future in delayed]
        elapsed = time.perf_counter() - started
    assert health.status_code == 200 and health_at < 0.5
    assert [a.status_code for a in answers] == [200] * 6
    assert 0.6 <= elapsed < 1.5            # six 600 ms delays at once, not 3.6 s one after another


def test_a_status_fault_may_be_slow(live_url):
    add_fault(live_url, action="status", status=503, delay=["300ms", "350ms"])
    started = time.perf_counter()
    assert midtrans_cancel(live_url).status_code == 503
    assert time.perf_counter() - started >= 0.3


# -- apply, then fail ------------------------------------------------------------------------

def order_status(url: str, order_id: str = MIDTRANS_ORDER) -> str:
    return requests.get(f"{url}/_sim/orders/midtrans/{order_id}", timeout=5).json()["status"]


def test_apply_then_reset_commits_the_cancel_and_the_retry_is_refused(live_url):
    add_fault(live_url, provider="midtrans", endpoint="cancel", action="apply_then_fail", times=1)
    with pytest.raises(requests.ConnectionError):
        midtrans_cancel(live_url)
    assert order_status(live_url) == "cancel"
    retry = midtrans_cancel(live_url)
    assert retry.status_code == 200 and retry.json()["status_code"] == "412"
    lost = journal(live_url, endpoint="cancel")[0]
    assert lost["status"] is None
    assert lost["notes"]["fault"] == {"id": "fault-1", "action": "apply_then_fail", "then": "reset",
                                      "applied_status": 200}


def test_apply_then_504_answers_the_providers_504(live_url):
    add_fault(live_url, provider="midtrans", endpoint="cancel", action="apply_then_fail", then=504,
              times=1)
    response = midtrans_cancel(live_url)
    assert response.status_code == 504
    assert response.json()["status_code"] == "504" and response.json()["status_message"] == "Gateway timeout"
    assert order_status(live_url) == "cancel"
    assert midtrans_cancel(live_url).json()["status_code"] == "412"
