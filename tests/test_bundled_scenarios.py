"""The ready failure-demo scenarios in simulator/bundled_scenarios/: each does what its description says."""

import threading
import time

import pytest
import requests

from simulator.app import create_app
from simulator.settings import Settings

from tests.live import serve
from tests.providers.doku import client as doku
from tests.providers.midtrans.conftest import SERVER_KEY, basic

AUTH = basic(SERVER_KEY)
FINPAY = {"Authorization": "Basic Rk5QU0lNMDE6U0lNS0VZMTIz"}    # FNPSIM01:SIMKEY123


def _app(name):
    return create_app(Settings(), scenario=name)


def _status(client, provider, order_id):
    return client.get(f"/_sim/orders/{provider}/{order_id}").get_json()["status"]


def test_every_scenario_has_a_one_line_description():
    from simulator.providers import PROVIDERS
    from simulator.scenarios import bundled_names, load
    for name in bundled_names():
        description = load(name, PROVIDERS).description
        assert description and "\n" not in description.strip(), name


def test_cancel_timeouts_and_5xx_storm_then_success():
    client = _app("cancel-timeouts-and-5xx").test_client()

    answers = [client.post("/v2/STORM-1/cancel", headers=AUTH) for _ in range(4)]

    assert [a.status_code for a in answers] == [503, 503, 500, 200]
    assert [a.get_json()["status_code"] for a in answers] == ["503", "503", "500", "200"]
    finpay = [client.get("/pg/payment/card/cancel/FP-STORM-1", headers=FINPAY) for _ in range(3)]
    assert [f.get_json()["responseCode"] for f in finpay] == ["5000000", "5000000", "2000000"]


def test_cancel_reset_and_hang_are_real_on_a_socket():
    app = _app("cancel-timeouts-and-5xx")
    with serve(app) as url:
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{url}/v2/RESET-1/cancel", headers=AUTH, timeout=5)
        retry = requests.post(f"{url}/v2/RESET-1/cancel", headers=AUTH, timeout=5)
        assert retry.json()["status_code"] == "200"
        requests.delete(f"{url}/_sim/faults/hang", timeout=5)   # keep the test short:
        requests.post(f"{url}/_sim/faults", timeout=5, json={     # the same hang, 1 s
            "id": "hang-short", "provider": "midtrans", "endpoint": "cancel",
            "order_id": "HANG-1", "action": "hang", "hang": "1s", "times": 1})
        with pytest.raises(requests.exceptions.RequestException):
            requests.post(f"{url}/v2/HANG-1/cancel", headers=AUTH, timeout=0.5)


def test_apply_then_fail_commits_then_loses_the_answer():
    app = _app("apply-then-fail")
    with serve(app) as url:
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{url}/v2/LOST-RESET-1/cancel", headers=AUTH, timeout=5)
        lost_504 = requests.post(f"{url}/v2/LOST-504-1/cancel", headers=AUTH, timeout=5)
        retries = [requests.post(f"{url}/v2/{o}/cancel", headers=AUTH, timeout=5).json()
                   for o in ("LOST-RESET-1", "LOST-504-1")]
        statuses = [requests.get(f"{url}/_sim/orders/midtrans/{o}", timeout=5).json()["status"]
                    for o in ("LOST-RESET-1", "LOST-504-1")]

    assert lost_504.status_code == 504 and lost_504.json()["status_code"] == "504"
    assert statuses == ["cancel", "cancel"]
    assert [r["status_code"] for r in retries] == ["412", "412"]


def test_paid_while_cancelling_the_cancel_loses():
    app = _app("paid-while-cancelling")
    with serve(app) as url:
        answer = {}
        cancel = threading.Thread(target=lambda: answer.update(requests.post(
            f"{url}/v2/RACE-1/cancel", headers=AUTH, timeout=15).json()))
        started = time.monotonic()
        cancel.start()
        time.sleep(0.5)
        paid = requests.post(f"{url}/_sim/orders/midtrans/RACE-1/pay", timeout=5)
        cancel.join(15)
        order = requests.get(f"{url}/_sim/orders/midtrans/RACE-1", timeout=5).json()

    assert paid.status_code == 200
    assert time.monotonic() - started >= 5
    assert answer["status_code"] == "412"
    assert order["status"] == "settlement"
    assert [h["event"] for h in order["history"]] == ["create", "pay"]


def test_expired_orders_follow_the_frozen_clock():
    client = _app("expired-orders").test_client()
    assert client.post("/v2/MT-ALREADY-EXPIRED/cancel", headers=AUTH).get_json()["status_code"] == "412"
    assert _status(client, "midtrans", "MT-EXPIRES-15M") == "pending"

    client.post("/_sim/clock", json={"advance": "16m"})

    assert _status(client, "midtrans", "MT-EXPIRES-15M") == "expire"
    assert client.post("/v2/MT-EXPIRES-15M/cancel", headers=AUTH).get_json()["status_code"] == "412"
    assert _status(client, "midtrans", "MT-EXPIRES-24H") == "pending"
    client.post("/_sim/clock", json={"advance": "1h"})
    assert client.get("/pg/payment/card/cancel/FP-EXPIRES-1H", headers=FINPAY).get_json()["responseCode"] == "4040100"
    assert {_status(client, p, o) for p, o in (("doku", "DK-EXPIRES-1H"), ("kwikpaisa", "KP-EXPIRES-30M"),
                                               ("pivot", "PV-EXPIRES-15M"))} == {"EXPIRED"}


def _doku_cancel(client, secret):
    now = client.get("/_sim/clock").get_json()["now"][:19] + "Z"
    body = doku.cancel_body("INV-20260513-0001", "fdb69f47-96da-499d-acec-7cdc318ab2fe")
    return doku.call(client, "POST", doku.CANCEL, body, secret=secret, timestamp=now)


def test_wrong_signatures_are_refused_and_explained():
    client = _app("wrong-signatures").test_client()

    response = _doku_cancel(client, doku.SECRET)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_signature"
    note = client.get("/_sim/journal?provider=doku").get_json()["entries"][-1]["notes"]["signature"]
    assert note["expected_string_to_sign"].startswith("Client-Id:MCH-0001-10791114622547\n")
    assert "SK-ROTATED" not in str(note)
    assert _status(client, "doku", "INV-20260513-0001") == "PENDING"


def test_doku_cancel_not_activated():
    client = _app("doku-cancel-not-activated").test_client()

    response = _doku_cancel(client, doku.SECRET)

    assert response.status_code == 400
    assert response.get_json() == {"error": {"message": "Merchant not support cancel order, please do "
                                             "activation through DOKU dashboard."}}
    assert _status(client, "doku", "INV-20260513-0001") == "PENDING"


def test_webhook_receiver_fails_twice_then_recovers():
    from simulator.providers import PROVIDERS
    from simulator.receiver import Receiver, eventually
    from simulator.scenarios import load

    from tests.conftest import FAST_WEBHOOKS, with_notification_url

    with Receiver() as receiver:
        receiver.replies = [503, 503]
        scenario = with_notification_url(load("webhook-receiver-recovers", PROVIDERS), receiver.url)
        app = create_app(Settings(webhook_time_scale=FAST_WEBHOOKS), scenario=scenario)
        client = app.test_client()
        try:
            assert client.post("/v2/MT-RETRY-1/cancel", headers=AUTH).get_json()["status_code"] == "200"
            [delivery] = eventually(lambda: [d for d in client.get("/_sim/webhooks").get_json()["deliveries"]
                                             if d["status"] == "delivered"])
        finally:
            app.extensions["sandbox"].webhooks.stop()

    assert [a["status"] for a in delivery["attempts"]] == [503, 503, 200]
    assert len(receiver.requests) == 3
