"""The `payment_sandbox` pytest plugin, run on small test files through `pytester`: the
fixture, URLs and credentials, the scenario marker (test, module, path), reset between
tests, servers stopped at session end, and registration through an entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parent.parent

TESTS_USING_THE_FIXTURE = '''
import pytest

def test_changes_an_order(payment_sandbox):
    payment_sandbox.client.pay("midtrans", "MT-VA-BCA-PENDING")
    payment_sandbox.client.load_scenario("wrong-signatures")

def test_sees_the_scenario_again(payment_sandbox):
    assert payment_sandbox.client.health()["scenario"] == "default"
    assert payment_sandbox.client.order("midtrans", "MT-VA-BCA-PENDING")["status"] == "pending"
    assert payment_sandbox.url("midtrans") == payment_sandbox.base_url + "/midtrans"
    assert payment_sandbox.credentials("midtrans")["server_key"] == "SB-Mid-server-SIMULATOR-KEY"
    assert payment_sandbox.credentials("pivot", "PVT-002")["merchant_secret"].endswith("0002")
    open("base_url.txt", "w").write(payment_sandbox.base_url)

@pytest.mark.payment_sandbox_scenario("expired-orders")
def test_marker_picks_the_scenario(payment_sandbox):
    assert payment_sandbox.client.scenario()["name"] == "expired-orders"
'''

MODULE_MARKED_WITH_A_PATH = '''
import pytest

pytestmark = pytest.mark.payment_sandbox_scenario("scenarios/tiny.yaml")

def test_module_marker_with_a_path(payment_sandbox):
    [order] = payment_sandbox.client.orders()
    assert order["order_id"] == "TINY-1"
'''

TINY_SCENARIO = '''
name: tiny
merchants:
  - {provider: midtrans, id: G1, credentials: {server_key: K}}
orders:
  - {provider: midtrans, order_id: TINY-1, amount: 1000}
'''


def test_fixture_marker_and_reset_between_tests(pytester: pytest.Pytester):
    pytester.makepyfile(test_sandbox=TESTS_USING_THE_FIXTURE, test_marked=MODULE_MARKED_WITH_A_PATH)
    (pytester.path / "scenarios").mkdir()
    (pytester.path / "scenarios" / "tiny.yaml").write_text(TINY_SCENARIO)
    result = pytester.runpytest("-p", "simulator.pytest_plugin")
    result.assert_outcomes(passed=4)
    base_url = (pytester.path / "base_url.txt").read_text()
    with pytest.raises(requests.ConnectionError):   # stopped at the end of the session
        requests.get(f"{base_url}/_sim/health", timeout=2)


def test_marker_is_registered(pytester: pytest.Pytester):
    result = pytester.runpytest("-p", "simulator.pytest_plugin", "--markers")
    result.stdout.fnmatch_lines(["*payment_sandbox_scenario(name_or_path)*"])


def test_entry_point_and_root_conftest_register_it_once(pytester: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch):
    """Installed as an entry point *and* named in a root conftest's `pytest_plugins`: pytest
    must not fail with a duplicate registration."""
    dist_info = pytester.path / "site" / "plugin_probe-0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: plugin-probe\nVersion: 0\n")
    (dist_info / "entry_points.txt").write_text(
        "[pytest11]\nsimulator.pytest_plugin = simulator.pytest_plugin\n")
    monkeypatch.setenv("PYTHONPATH", f"{dist_info.parent}:{REPO_ROOT}")
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    pytester.makeconftest('pytest_plugins = ["simulator.pytest_plugin"]')
    pytester.makepyfile(test_it='def test_it(payment_sandbox):\n    assert payment_sandbox.client.health()["status"] == "ok"\n')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


SHARED_SERVER_TESTS = '''
import os
import pytest

@pytest.mark.parametrize("n", range(6))
def test_each_test_starts_from_the_scenario(payment_sandbox, n):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    server = open("server.txt").read()
    assert payment_sandbox.base_url.startswith(server + "/t/pytest-" + worker + "-")
    assert payment_sandbox.url("midtrans") == payment_sandbox.base_url + "/midtrans"
    assert payment_sandbox.client.order("midtrans", "MT-VA-BCA-PENDING")["status"] == "pending"
    payment_sandbox.client.pay("midtrans", "MT-VA-BCA-PENDING")
    payment_sandbox.client.advance_clock("3h")
    with open(f"tenant-{worker}.txt", "a") as seen:
        seen.write(payment_sandbox.base_url + "\\n")

@pytest.mark.payment_sandbox_scenario("scenarios/tiny.yaml")
def test_a_path_marker_loads_the_file_into_the_tenant(payment_sandbox):
    [order] = payment_sandbox.client.orders()
    assert order["order_id"] == "TINY-1"
    assert payment_sandbox.credentials("midtrans") == {"server_key": "K"}

def test_a_scenario_loaded_by_a_test_is_undone(payment_sandbox):
    assert payment_sandbox.client.scenario()["name"] == "default"
    payment_sandbox.client.load_scenario("expired-orders")

def test_and_the_next_test_sees_the_default_again(payment_sandbox):
    assert payment_sandbox.client.scenario()["name"] == "default"
'''


def test_against_a_shared_server_one_tenant_per_xdist_worker(pytester: pytest.Pytester):
    """PAYMENT_SANDBOX_URL: two xdist workers share one real `run.py`, each in its own tenant,
    reset before every test, deleted at the end; the server's own state is never touched."""
    from .live import SimProcess

    pytester.makepyfile(test_shared=SHARED_SERVER_TESTS)
    (pytester.path / "scenarios").mkdir()
    (pytester.path / "scenarios" / "tiny.yaml").write_text(TINY_SCENARIO)
    with SimProcess() as server:
        (pytester.path / "server.txt").write_text(server.url)
        result = pytester.runpytest_subprocess("-p", "simulator.pytest_plugin", "-p", "xdist",
                                               "-n", "2", "--payment-sandbox-url", server.url,
                                               "-p", "no:cacheprovider")
        result.assert_outcomes(passed=9)
        tenants = {line for path in pytester.path.glob("tenant-gw*.txt")
                   for line in path.read_text().split()}
        assert len(tenants) == 2                            # one per worker, not one per test
        assert requests.get(f"{server.url}/_sim/tenants", timeout=5).json()["tenants"] == []
        for base_url in tenants:
            assert requests.get(f"{base_url}/_sim/health", timeout=5).status_code == 404
        root = requests.get(f"{server.url}/_sim/orders/midtrans/MT-VA-BCA-PENDING", timeout=5).json()
        assert root["status"] == "pending"
