"""`python run.py`: validate, --help, --port 0, and a restart on a SQLite file."""

import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.providers.midtrans.conftest import basic, SERVER_KEY

ROOT = Path(__file__).resolve().parent.parent


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


def test_bad_scenario_exits_nonzero_with_the_error():
    result = _run("--port", "0", "--scenario", "no-such-scenario")

    assert result.returncode == 1
    assert "no-such-scenario: no such scenario" in result.stderr


def test_a_bad_store_is_a_one_line_error_with_exit_code_2(tmp_path):
    for store, says in [("postgres://x", "expected 'memory', 'sqlite:PATH' or 'redis://HOST:PORT/DB'"),
                        ("redis://localhost:notaport/0", "--store 'redis://localhost:notaport/0'"),
                        ("redis://127.0.0.1:1/0", "cannot reach"),
                        ("sqlite:/proc/self/no/such.db", "cannot open it")]:
        result = _run("--port", "0", "--store", store)
        assert result.returncode == 2, (store, result.stderr)
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
