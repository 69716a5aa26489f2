"""Several processes, one simulator: `python run.py --workers N` on a SQLite file, an LMDB
file (named, or the private one of the memory store) or Redis, and two `run.py` instances
sharing one Redis. Real processes and real servers throughout;
requests go to the shared port and land on whichever worker the kernel picks, so each
check repeats a call until several different workers (`/_sim/health` pids) answered."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time
from pathlib import Path

import pytest
import requests

from simulator.receiver import Receiver

from .live import SimProcess, pids_of

AUTH = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}
PIVOT = {"X-MERCHANT-ID": "7d2c1e4a-0b6f-4c1d-9a3e-5f8b2c7d1e90",
         "X-MERCHANT-SECRET": "pivot-sim-merchant-secret-0001"}
PIVOT_SESSION = "f5011fb2-e205-46ad-ac20-481429ba1d32"


def scenario_file(tmp_path: Path, pending: int, notification_url: str | None = None) -> str:
    """A scenario with one Midtrans merchant and `pending` pending orders."""
    hook = f", notification_url: {notification_url}" if notification_url else ""
    path = tmp_path / "race.yaml"
    path.write_text(f"""name: race
description: many pending Midtrans orders
seed: 7
merchants:
  - {{provider: midtrans, id: G1, credentials: {{server_key: SB-Mid-server-SIMULATOR-KEY}}{hook}}}
orders:
  - generate: {{provider: midtrans, count: {pending}, statuses: {{pending: 1}}, channels: [bank_transfer]}}
""")
    return str(path)


FILE_STORES = ["sqlite", "lmdb"]


def file_store(kind: str, tmp_path: Path) -> str:
    return {"sqlite": f"sqlite:{tmp_path / 'run.db'}", "lmdb": f"lmdb:{tmp_path / 'run.lmdb'}"}[kind]


def store_of(kind: str, request, tmp_path: Path) -> str:
    if kind in FILE_STORES:
        return file_store(kind, tmp_path)
    server = request.getfixturevalue("redis_server")
    server.flush()
    return server.url


@pytest.fixture(params=[*FILE_STORES, "redis"])
def store_url(request, tmp_path):
    return store_of(request.param, request, tmp_path)


@pytest.fixture(params=[*FILE_STORES, "redis", "private"])
def workers(request, tmp_path):
    """Four workers on one store; "private": on the memory store, which `--workers` turns
    into a private LMDB file."""
    store = "memory" if request.param == "private" else store_of(request.param, request, tmp_path)
    with SimProcess("--workers", "4", "--store", store, "--fresh") as sim:
        yield sim


def test_health_names_the_answering_process(workers):
    health = requests.get(f"{workers.url}/_sim/health", timeout=5).json()
    assert health["workers"] == 4
    assert len(pids_of(workers.url)) >= 2


def test_every_worker_sees_every_change(workers):
    url = workers.url
    created = requests.post(f"{url}/_sim/orders", json={"provider": "midtrans", "order_id": "X-1",
                                                       "amount": 5000, "expires_in": "24h"}, timeout=5)
    assert created.status_code == 201
    assert {requests.get(f"{url}/v2/X-1/status", headers=AUTH, timeout=5).json()["transaction_status"]
            for _ in range(20)} == {"pending"}

    # the clock: every worker reads the advanced time at once
    requests.post(f"{url}/_sim/clock", json={"advance": "25h"}, timeout=5)
    assert {requests.get(f"{url}/v2/X-1/status", headers=AUTH, timeout=5).json()["transaction_status"]
            for _ in range(20)} == {"expire"}

    # the journal: one journal whichever worker wrote or reads it
    requests.delete(f"{url}/_sim/journal", timeout=5)
    for _ in range(30):
        requests.get(f"{url}/v2/X-1/status", headers=AUTH, timeout=5)
    counts = {requests.get(f"{url}/_sim/journal?provider=midtrans", timeout=5).json()["count"]
              for _ in range(10)}
    assert counts == {30}


def test_a_fault_with_times_fires_exactly_that_often_in_all(workers):
    url = workers.url
    fault = {"provider": "midtrans", "endpoint": "status", "action": "status", "status": 503, "times": 5}
    assert requests.post(f"{url}/_sim/faults", json=fault, timeout=5).status_code == 201
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: requests.get(f"{url}/v2/MT-VA-BCA-PENDING/status",
                                                     headers=AUTH, timeout=5).status_code, range(60)))
    assert codes.count(503) == 5 and codes.count(200) == 55
    listed = requests.get(f"{url}/_sim/faults", timeout=5).json()["faults"][0]
    assert (listed["matched"], listed["fired"]) == (60, 5)


def test_an_idempotency_key_replays_on_every_worker(workers):
    url = workers.url
    headers = {**AUTH, "Idempotency-Key": "shared-retry"}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda _: requests.post(f"{url}/v2/MT-VA-BCA-PENDING/cancel",
                                                       headers=headers, timeout=5).json(), range(24)))
    settled = [b for b in bodies if b["status_code"] != "202"]
    assert settled and all(b == settled[0] for b in settled)
    assert settled[0]["transaction_status"] == "cancel"
    history = requests.get(f"{url}/_sim/orders/midtrans/MT-VA-BCA-PENDING", timeout=5).json()["history"]
    assert [h["event"] for h in history] == ["create", "cancel"]


def test_an_access_token_works_on_every_worker(workers):
    url = workers.url
    token = requests.post(f"{url}/v1/access-token", json={"grantType": "client_credentials"},
                          headers=PIVOT, timeout=5).json()["data"]["accessToken"]
    codes = {requests.get(f"{url}/v2/payments/{PIVOT_SESSION}", headers={"Authorization": f"Bearer {token}"},
                          timeout=5).status_code for _ in range(20)}
    assert codes == {200}


def test_a_scenario_load_and_a_reset_reach_every_worker(workers):
    url = workers.url
    assert requests.post(f"{url}/_sim/scenario", json={"name": "expired-orders"}, timeout=10).status_code == 200
    assert {requests.get(f"{url}/_sim/health", timeout=5).json()["scenario"] for _ in range(20)} == {"expired-orders"}
    requests.post(f"{url}/_sim/clock", json={"advance": "2h"}, timeout=5)
    requests.post(f"{url}/_sim/reset", timeout=10)
    frozen_at = {requests.get(f"{url}/_sim/clock", timeout=5).json()["now"] for _ in range(20)}
    assert len(frozen_at) == 1   # every worker: the scenario's frozen start again


def test_generated_ids_never_collide_across_workers(workers):
    url = workers.url
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: requests.post(f"{url}/_sim/orders", json={
            "provider": "midtrans", "amount": 1000, "channel": "bank_transfer"}, timeout=5).json(), range(80)))
    assert len({m["order_id"] for m in made}) == 80
    assert len({m["transaction_id"] for m in made}) == 80


def test_racing_pay_and_cancel_never_both_win(store_url, tmp_path):
    pairs = 1000
    with SimProcess("--workers", "4", "--store", store_url, "--fresh",
                    "--scenario", scenario_file(tmp_path, pairs)) as sim:
        orders = [o["order_id"] for o in requests.get(f"{sim.url}/_sim/orders", timeout=30).json()["orders"]]
        assert len(orders) == pairs
        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))

        def cancel(order_id):
            return order_id, "cancel", session.post(f"{sim.url}/v2/{order_id}/cancel", headers=AUTH,
                                                    timeout=30).json()["status_code"]

        def pay(order_id):
            return order_id, "pay", session.post(f"{sim.url}/_sim/orders/midtrans/{order_id}/pay",
                                                 timeout=30).status_code

        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            jobs = [pool.submit(job, o) for o in orders for job in (cancel, pay)]
            answers = [j.result() for j in jobs]
        final = {o["order_id"]: o for o in session.get(f"{sim.url}/_sim/orders", timeout=30).json()["orders"]}

    won = {}
    for order_id, kind, code in answers:
        if (kind, code) in (("cancel", "200"), ("pay", 200)):
            assert order_id not in won, f"{order_id}: both {won[order_id]} and {kind} won"
            won[order_id] = kind
    assert len(won) == pairs
    for order_id, kind in won.items():
        order = final[order_id]
        assert order["status"] == {"cancel": "cancel", "pay": "settlement"}[kind]
        assert [h["event"] for h in order["history"]] == ["create", kind]


@pytest.mark.parametrize("kind", FILE_STORES)
def test_kill_9_loses_no_acknowledged_change(kind, tmp_path):
    store = file_store(kind, tmp_path)
    acknowledged, stop = [], False
    with SimProcess("--workers", "4", "--store", store, "--fresh",
                    "--scenario", scenario_file(tmp_path, 600)) as sim:
        orders = [o["order_id"] for o in requests.get(f"{sim.url}/_sim/orders", timeout=30).json()["orders"]]

        def cancel(order_id):
            if stop:
                return
            try:
                body = requests.post(f"{sim.url}/v2/{order_id}/cancel", headers=AUTH, timeout=10).json()
            except (requests.RequestException, ValueError):
                return              # no answer: not acknowledged
            if body.get("status_code") == "200":
                acknowledged.append(order_id)

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(cancel, o) for o in orders]
            deadline = time.monotonic() + 10
            while len(acknowledged) < 100 and time.monotonic() < deadline:
                time.sleep(0.01)
            sim.kill()                # every process of the server, mid-load
            stop = True
            concurrent.futures.wait(futures)
    assert len(acknowledged) >= 100
    with SimProcess("--store", store) as restarted:           # joins the run on the file
        final = {o["order_id"]: o["status"] for o in
                 requests.get(f"{restarted.url}/_sim/orders", timeout=30).json()["orders"]}
    lost = [o for o in acknowledged if final[o] != "cancel"]
    assert lost == [] and len(final) == 600


@pytest.mark.parametrize("kind", FILE_STORES)
def test_one_notification_per_transition_with_four_workers(kind, tmp_path):
    with Receiver() as receiver, SimProcess(
            "--workers", "4", "--store", file_store(kind, tmp_path), "--fresh",
            "--scenario", scenario_file(tmp_path, 50, f"{receiver.url}/hook"),
            env={"SIM_WEBHOOK_TIME_SCALE": "0.000001"}) as sim:
        orders = [o["order_id"] for o in requests.get(f"{sim.url}/_sim/orders", timeout=10).json()["orders"]]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda o: requests.post(f"{sim.url}/_sim/orders/midtrans/{o}/pay", timeout=10), orders))
        received = receiver.wait_for(50, timeout=20)
        time.sleep(0.5)               # a duplicate would arrive by now
        deliveries = requests.get(f"{sim.url}/_sim/webhooks", timeout=10).json()["deliveries"]
    assert len(receiver.requests) == 50
    assert sorted(json.loads(r.body)["order_id"] for r in received) == sorted(orders)
    assert len(deliveries) == 50 and {d["status"] for d in deliveries} == {"delivered"}
    assert all(len(d["attempts"]) == 1 for d in deliveries), \
        [d["attempts"] for d in deliveries if len(d["attempts"]) != 1]


def test_two_instances_on_one_redis_behave_as_one(redis_server):
    redis_server.flush()
    with SimProcess("--store", redis_server.url, "--fresh") as first, \
            SimProcess("--store", redis_server.url) as second:      # joins, does not reload
        assert "joined" in second.banner or second.banner
        created = requests.post(f"{first.url}/_sim/orders", json={"provider": "midtrans", "order_id": "R-1",
                                                                 "amount": 700, "expires_in": "1h"}, timeout=5)
        assert created.status_code == 201
        assert requests.get(f"{second.url}/v2/R-1/status", headers=AUTH, timeout=5).json()["transaction_status"] == "pending"
        requests.post(f"{second.url}/_sim/clock", json={"advance": "2h"}, timeout=5)
        assert requests.get(f"{first.url}/v2/R-1/status", headers=AUTH, timeout=5).json()["transaction_status"] == "expire"
        assert requests.post(f"{first.url}/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH, timeout=5).json()["status_code"] == "200"
        assert requests.post(f"{second.url}/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH, timeout=5).json()["status_code"] == "412"
        first_pid = requests.get(f"{first.url}/_sim/health", timeout=5).json()["pid"]
        second_pid = requests.get(f"{second.url}/_sim/health", timeout=5).json()["pid"]
        assert first_pid != second_pid


@pytest.mark.parametrize("kind", FILE_STORES)
def test_a_restart_joins_the_run_and_fresh_reloads_it(kind, tmp_path):
    store = file_store(kind, tmp_path)
    with SimProcess("--store", store) as sim:
        requests.post(f"{sim.url}/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH, timeout=5)
    with SimProcess("--store", store, "--scenario", "expired-orders") as joined:
        health = requests.get(f"{joined.url}/_sim/health", timeout=5).json()
        order = requests.get(f"{joined.url}/_sim/orders/midtrans/MT-VA-BCA-PENDING", timeout=5).json()
    assert health["scenario"] == "default" and order["status"] == "cancel"
    with SimProcess("--store", store, "--fresh") as fresh:
        order = requests.get(f"{fresh.url}/_sim/orders/midtrans/MT-VA-BCA-PENDING", timeout=5).json()
    assert order["status"] == "pending"


def test_the_dashboard_reads_the_shared_run_on_every_worker(workers):
    url = workers.url
    requests.post(f"{url}/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay", timeout=5)
    pages = [requests.get(f"{url}/_sim/ui/fragments/order?provider=midtrans&id=MT-VA-BCA-PENDING", timeout=5)
             for _ in range(12)]
    assert {p.status_code for p in pages} == {200}
    assert all('id="order-status" class="status">settlement<' in p.text for p in pages)


def test_a_tenant_lives_in_the_shared_state(store_url):
    """Made on one instance, used and changed on another, deleted on the first: every
    process sees the same tenants (two run.py processes on one SQLite file or Redis)."""
    with SimProcess("--store", store_url, "--fresh") as first, SimProcess("--store", store_url) as second:
        made = requests.post(f"{first.url}/_sim/tenants", json={"name": "ci-job-7"}, timeout=5)
        assert made.status_code == 201 and made.json()["base_url"] == f"{first.url}/t/ci-job-7"
        on_second = f"{second.url}/t/ci-job-7"
        assert requests.post(f"{on_second}/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH,
                             timeout=5).json()["transaction_status"] == "cancel"
        # the tenant's change is the tenant's own: the root's order is untouched, on both
        assert requests.get(f"{first.url}/v2/MT-VA-BCA-PENDING/status", headers=AUTH,
                            timeout=5).json()["transaction_status"] == "pending"
        assert requests.get(f"{first.url}/t/ci-job-7/v2/MT-VA-BCA-PENDING/status", headers=AUTH,
                            timeout=5).json()["transaction_status"] == "cancel"
        assert [t["name"] for t in requests.get(f"{second.url}/_sim/tenants", timeout=5).json()["tenants"]] == ["ci-job-7"]
        assert requests.delete(f"{first.url}/_sim/tenants/ci-job-7", timeout=5).status_code == 200
        gone = requests.get(f"{on_second}/v2/MT-VA-BCA-PENDING/status", headers=AUTH, timeout=5)
        assert gone.status_code == 404 and gone.json()["status_code"] == "404"
        assert requests.get(f"{second.url}/_sim/tenants", timeout=5).json()["tenants"] == []
