"""The command line (`payment-sandbox`, and `python run.py` in a checkout): validate, --help,
--port 0, a restart on a SQLite file, and the installed script run from another directory."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.live import SimProcess
from tests.providers.midtrans.conftest import basic, SERVER_KEY

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "payment-sandbox"     # what `pip install` put on PATH


def _run(*args, **kwargs):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, **kwargs)


def test_validate_ok_and_errors(tmp_path):
    ok = _run("validate", "default")
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text("name: bad\norders:\n  - {provider: midtrans, amount: 1, status: PAYED}\n")
    bad = _run("validate", str(bad_file))

    assert ok.returncode == 0 and "ok" in ok.stdout
    assert bad.returncode == 1
    assert f"{bad_file}: orders[0].status: 'PAYED' is not a midtrans status" in bad.stderr


def test_help_explains_each_flag():
    out = _run("--help").stdout

    for flag in ("--host", "--port", "--scenario", "--store", "validate"):
        assert flag in out


class _Server:
    """`python run.py` as a user starts it, on a free port, read from its first line."""

    def __init__(self, *args):
        self.process = subprocess.Popen([sys.executable, "run.py", "--port", "0", *args], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line + self.process.stderr.read()
        self.url = match.group(1)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def test_restart_on_a_sqlite_file_keeps_orders_and_history(tmp_path):
    store = f"sqlite:{tmp_path / 'sim.db'}"
    first = _Server("--store", store)
    try:
        cancel = requests.post(f"{first.url}/v2/MT-VA-BCA-PENDING/cancel", json={},
                               headers=basic(SERVER_KEY), timeout=10).json()
        created = requests.post(f"{first.url}/_sim/orders", timeout=10,
                                json={"provider": "midtrans", "order_id": "KEEP-ME", "amount": 1})
    finally:
        first.stop()
    assert cancel["status_code"] == "200" and created.status_code == 201

    second = _Server("--store", store)
    try:
        order = requests.get(f"{second.url}/_sim/orders/midtrans/MT-VA-BCA-PENDING", timeout=10).json()
        kept = requests.get(f"{second.url}/_sim/orders/midtrans/KEEP-ME", timeout=10)
    finally:
        second.stop()
    assert order["status"] == "cancel"
    assert [h["event"] for h in order["history"]] == ["create", "cancel"]
    assert kept.status_code == 200


def test_workers_on_the_memory_store_get_a_private_throwaway_lmdb_file():
    from simulator.cli import _prepare_store
    from simulator.settings import Settings
    settings, note, app = _prepare_store(Settings(workers=2, store="memory", port=0))
    assert settings.store.startswith("lmdb:") and settings.store_durable is False and app is None
    assert "private LMDB file" in note and "deleted at exit" in note
    named, _, _ = _prepare_store(Settings(workers=2, store=settings.store, port=0))
    assert named.store_durable is True


def test_bad_scenario_exits_nonzero_with_the_error():
    result = _run("--port", "0", "--scenario", "no-such-scenario")

    assert result.returncode == 1
    assert "no-such-scenario: no such scenario" in result.stderr


def test_a_bad_store_is_a_one_line_error_with_exit_code_2(tmp_path):
    for store, says in [("postgres://x", "expected 'memory', 'sqlite:PATH', 'lmdb:PATH' or 'redis://HOST:PORT/DB'"),
                        ("redis://localhost:notaport/0", "--store 'redis://localhost:notaport/0'"),
                        ("redis://127.0.0.1:1/0", "cannot reach"),
                        ("sqlite:/proc/self/no/such.db", "cannot open it")]:
        result = _run("--port", "0", "--store", store)
        assert result.returncode == 2, (store, result.stderr)
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def _script(*args, cwd):
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_installed_script_has_exactly_run_py_s_flags(tmp_path):
    script_help = _script("--help", cwd=tmp_path)
    assert script_help.returncode == 0
    run_py_help = _run("--help").stdout
    assert script_help.stdout.startswith("usage: payment-sandbox ")
    # the same options and subcommands, word for word (only the usage line wraps differently)
    assert script_help.stdout.partition("\n\n")[2] == run_py_help.partition("\n\n")[2]
    assert re.findall(r"--[a-z-]+", script_help.stdout) == re.findall(r"--[a-z-]+", run_py_help)


def test_the_installed_script_finds_the_bundled_scenarios_from_any_directory(tmp_path):
    """Run from an empty directory: no checkout around, the scenarios come from the package."""
    checked = _script("validate", "expired-orders", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "simulator/bundled_scenarios/expired-orders.yaml: ok" in checked.stdout
    with SimProcess("--scenario", "webhook-receiver-recovers", command=[str(SCRIPT)], cwd=tmp_path) as sim:
        health = requests.get(f"{sim.url}/_sim/health", timeout=5).json()
        assert health["scenario"] == "webhook-receiver-recovers"
        loaded = requests.post(f"{sim.url}/_sim/scenario", json={"name": "expired-orders"}, timeout=5)
        assert loaded.status_code == 200 and loaded.json()["scenario"] == "expired-orders"
    bad = _script("--port", "0", "--store", "postgres://x", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("payment-sandbox: error: --store")


@pytest.mark.parametrize("args, says", [
    (["--threads", "0"], "--threads 0: expected 1-1024"),
    (["--threads", "-3"], "--threads -3: expected 1-1024"),
    (["--workers", "0"], "--workers 0: expected 1-256"),
    (["--port", "70000"], "--port 70000: expected 0-65535 (0 picks a free port)"),
    (["--port", "-1"], "--port -1: expected 0-65535 (0 picks a free port)"),
    (["--port", "abc"], "argument --port: invalid int value: 'abc'"),
    (["--host", "999.1.1.1"], "--host 999.1.1.1: not a valid address or host name"),
    (["--prot", "9000"], "unrecognized flag --prot; did you mean --port?"),
    (["--scenaro=expired-orders"], "unrecognized flag --scenaro; did you mean --scenario?"),
    (["validate", "--scenari", "x"], "unrecognized flag --scenari; did you mean --scenario?"),
    (["serve", "--threads", "0"], "--threads 0: expected 1-1024"),
    (["--store", "sqlite:/proc/self/no/such.db"], "--store sqlite:/proc/self/no/such.db: cannot open it"),
])
def test_a_bad_flag_is_one_line_naming_it_with_exit_code_2(args, says):
    result = _run(*args) if "--port" in args or "validate" in args else _run("--port", "0", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("run.py: error: ") and says in line, line


def test_a_bad_environment_variable_is_one_line_naming_it():
    for variable, value, says in [("SIM_PORT", "abc", "SIM_PORT='abc': expected an integer"),
                                  ("SIM_FRESH", "maybe", "SIM_FRESH='maybe': expected 1/0, true/false"),
                                  ("SIM_THREADS", "0", "--threads 0: expected 1-1024")]:
        result = subprocess.run([sys.executable, "run.py"], cwd=ROOT, capture_output=True, text=True,
                                timeout=60, env={**os.environ, variable: value})
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert says in result.stderr


def test_a_port_in_use_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for workers in ("1", "2"):
            result = subprocess.run([sys.executable, "run.py", "--port", port, "--workers", workers],
                                    cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert result.returncode == 2, result.stderr
            assert result.stderr.strip().splitlines() == [
                f"run.py: error: --host 127.0.0.1 --port {port}: cannot listen: Address already in use"]


def test_serve_is_the_default_subcommand_and_version_prints_one():
    for args in (["serve"], ["--port", "0", "serve"], ["serve", "--scenario", "expired-orders"]):
        with SimProcess(*args) as sim:
            assert requests.get(f"{sim.url}/_sim/health", timeout=5).json()["status"] == "ok"
    from simulator import __version__
    version = _run("--version")
    assert version.returncode == 0 and version.stdout == f"run.py {__version__}\n"


def test_help_lists_bundled_scenarios_environment_variables_and_the_control_api():
    out = _run("--help").stdout
    assert "Bundled scenarios: apply-then-fail, cancel-timeouts-and-5xx, default," in out
    for variable in ("SIM_PORT", "SIM_STORE", "SIM_ADMIN_TOKEN", "SIM_TENANT_IDLE_TIMEOUT"):
        assert variable in out
    assert "http://HOST:PORT/_sim" in out and "{serve,validate}" in out
