"""`SIM_ADMIN_TOKEN` (simulator/control/access.py): `/_sim`, the dashboard and tenant
creation need the token; provider paths, payer pages, health and the OpenAPI documents stay
open; the CLI refuses a non-loopback host without a token."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from simulator.app import create_app
from simulator.settings import Settings

from tests.live import SimProcess

TOKEN = "adm-7d1f0c2b9e"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
MIDTRANS = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def guarded(default_scenario):
    return create_app(Settings(store="memory", admin_token=TOKEN), scenario=default_scenario).test_client()


@pytest.mark.parametrize("method, path", [
    ("GET", "/_sim/orders"), ("GET", "/_sim/scenario"), ("POST", "/_sim/reset"),
    ("POST", "/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay"), ("POST", "/_sim/tenants"),
    ("GET", "/_sim/tenants"), ("GET", "/_sim/journal"), ("GET", "/_sim/webhooks"),
    ("POST", "/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING/pay"), ("GET", "/_sim"),
])
def test_the_control_api_needs_the_token(guarded, method, path):
    refused = guarded.open(path, method=method, json={})
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer ")
    assert "SIM_ADMIN_TOKEN" in refused.get_json()["error"] and TOKEN not in refused.get_data(as_text=True)
    wrong = guarded.open(path, method=method, json={}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert guarded.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING", headers=BEARER).get_json()["status"] == "pending"


def test_with_the_token_everything_works_tenants_included(guarded):
    made = guarded.post("/_sim/tenants", json={"name": "ci"}, headers=BEARER)
    assert made.status_code == 201
    assert guarded.get("/t/ci/_sim/orders", headers=BEARER).status_code == 200
    assert guarded.get("/t/ci/_sim/orders").status_code == 401          # a tenant's /_sim too
    assert guarded.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay", headers=BEARER).status_code == 200


def test_provider_paths_payer_pages_health_and_openapi_stay_open(guarded):
    assert guarded.get("/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS).get_json()["transaction_status"] == "pending"
    assert guarded.get("/t/nobody/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS).status_code == 404
    assert guarded.get("/_sim/health").get_json()["status"] == "ok"
    assert guarded.get("/_sim/pay/midtrans/MT-VA-BCA-PENDING").status_code == 200
    assert guarded.get("/_sim/openapi/midtrans.json").status_code == 200


def test_the_dashboard_sends_a_browser_to_log_in_then_back(guarded):
    first = guarded.get("/_sim/ui/orders?provider=midtrans")
    assert first.status_code == 303
    assert first.headers["Location"] == "/_sim/login?next=/_sim/ui/orders%3Fprovider%3Dmidtrans"
    form = guarded.get(first.headers["Location"])
    assert form.status_code == 200 and 'name="token"' in form.get_data(as_text=True)

    bad = guarded.post("/_sim/login", data={"token": "guess", "next": "/_sim/ui/orders"})
    assert bad.status_code == 401 and "not the admin token" in bad.get_data(as_text=True)
    assert guarded.get("/_sim/ui/").status_code == 303

    good = guarded.post("/_sim/login", data={"token": TOKEN, "next": "/_sim/ui/orders?provider=midtrans"})
    assert good.status_code == 303 and good.headers["Location"] == "/_sim/ui/orders?provider=midtrans"
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert guarded.get("/_sim/ui/").status_code == 200                   # the cookie is sent back
    assert guarded.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay").status_code == 200


def test_login_never_redirects_off_the_simulator(guarded):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        answer = guarded.post("/_sim/login", data={"token": TOKEN, "next": target})
        assert answer.status_code == 303 and answer.headers["Location"] == "/_sim/ui/", target


def test_without_a_token_nothing_is_asked(client):
    assert client.get("/_sim/orders").status_code == 200
    assert client.get("/_sim/login").status_code == 303


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "SIM_ADMIN_TOKEN": "", **(env or {})})


def test_a_non_loopback_host_without_a_token_is_refused_in_one_line():
    refused = _cli("--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "run.py: error: --host 0.0.0.0: /_sim would be open to the network (credentials, state); "
        "set SIM_ADMIN_TOKEN, or pass --insecure-control to allow it"]


def test_a_non_loopback_host_with_a_token_guards_the_control_api():
    with SimProcess("--host", "0.0.0.0", env={"SIM_ADMIN_TOKEN": TOKEN}) as sim:
        url = sim.url.replace("0.0.0.0", "127.0.0.1")
        assert "needs SIM_ADMIN_TOKEN" in sim.banner
        assert requests.get(f"{url}/_sim/orders", timeout=5).status_code == 401
        assert requests.get(f"{url}/_sim/orders", headers=BEARER, timeout=5).status_code == 200
        assert requests.get(f"{url}/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS, timeout=5).status_code == 200


def test_insecure_control_starts_open_and_says_so():
    with SimProcess("--host", "0.0.0.0", "--insecure-control", env={"SIM_ADMIN_TOKEN": ""}) as sim:
        assert "open to anyone who can reach it" in sim.banner
        assert requests.get(f"{sim.url.replace('0.0.0.0', '127.0.0.1')}/_sim/orders", timeout=5).status_code == 200
