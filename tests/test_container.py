"""The container (Dockerfile, compose.yaml), tested without a Docker engine: the image's
entry command is run here with exactly the image's environment (no flag, an empty working
directory), its HEALTHCHECK command is run against it, and compose's two replicas are run
with compose's environment on a real redis-server, where they must act as one simulator."""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent                 # where `pip install` put payment-sandbox
TOKEN = "container-token-5e1a"
MIDTRANS = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def image_env() -> dict[str, str]:
    env = {}
    for instruction, args in dockerfile():
        if instruction == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(args)))
    return env


def exec_form(instruction: str) -> list[str]:
    [args] = [a for i, a in dockerfile() if i == instruction]
    if instruction == "HEALTHCHECK":
        args = args.split(" CMD ", 1)[1]
    return json.loads(args)


class Container:
    """The image's CMD, run as the container would: only the image's ENV (plus `env`), no
    flags, in an empty directory; SIM_PORT=0 so the test gets a free port."""

    def __init__(self, workdir: Path, **env: str):
        command = exec_form("CMD")
        environment = {"PATH": f"{BIN}:/usr/bin:/bin", **image_env(), "SIM_PORT": "0", **env}
        self.process = subprocess.Popen([str(BIN / command[0]), *command[1:]], cwd=workdir,
                                        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, start_new_session=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on http://0\.0\.0\.0:(\d+)", line)
        if not match:
            self.stop()
            raise AssertionError(f"did not start: {line}{self.process.stderr.read()}")
        self.port = match.group(1)
        self.url = f"http://127.0.0.1:{self.port}"

    def healthcheck(self, port: str | None = None) -> subprocess.CompletedProcess:
        command = exec_form("HEALTHCHECK")
        assert command[0] == "python"
        return subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True, timeout=30,
                              env={"PATH": os.environ["PATH"], "SIM_PORT": port or self.port})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)
        self.process.stdout.close()
        self.process.stderr.close()


def test_the_image_is_slim_runs_as_a_user_and_checks_its_health():
    instructions = dockerfile()
    [base] = [a for i, a in instructions if i == "FROM"]
    assert re.fullmatch(r"python:3\.\d+-slim", base)
    [user] = [a for i, a in instructions if i == "USER"]
    assert user not in ("root", "0")
    assert exec_form("HEALTHCHECK") == ["python", "-m", "simulator.healthcheck"]
    assert exec_form("CMD") == ["payment-sandbox"]
    assert image_env()["SIM_HOST"] == "0.0.0.0"


def test_the_entry_command_runs_from_the_environment_alone(tmp_path):
    container = Container(tmp_path, SIM_ADMIN_TOKEN=TOKEN, SIM_SCENARIO="expired-orders")
    try:
        assert container.healthcheck().returncode == 0
        health = requests.get(f"{container.url}/_sim/health", timeout=5).json()
        assert health["scenario"] == "expired-orders" and health["store"] == "memory"
        assert requests.get(f"{container.url}/_sim/orders", timeout=5).status_code == 401
        orders = requests.get(f"{container.url}/_sim/orders", timeout=5,
                              headers={"Authorization": f"Bearer {TOKEN}"})
        assert orders.status_code == 200 and orders.json()["count"] > 0
    finally:
        container.stop()
    failed = container.healthcheck()
    assert failed.returncode == 1 and "no healthy simulator" in failed.stdout


def test_without_a_token_the_container_refuses_to_start_in_one_line(tmp_path):
    command = exec_form("CMD")
    result = subprocess.run([str(BIN / command[0])], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={"PATH": f"{BIN}:/usr/bin:/bin", **image_env(), "SIM_PORT": "0"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "payment-sandbox: error: --host 0.0.0.0: /_sim would be open to the network (credentials, "
        "state); set SIM_ADMIN_TOKEN, or pass --insecure-control to allow it"]


def test_compose_s_two_replicas_share_one_run_on_redis(redis_server, tmp_path):
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    replicas = [s for s in compose["services"].values() if s.get("build") == "."]
    assert len(replicas) == 2 and replicas[0]["environment"] == replicas[1]["environment"]
    assert "redis" in compose["services"]
    env = {k: str(v) for k, v in replicas[0]["environment"].items()}
    assert env["SIM_STORE"] == "redis://redis:6379/0"
    env.update(SIM_STORE=redis_server.url, SIM_ADMIN_TOKEN=TOKEN)   # compose's host → the test's
    redis_server.flush()
    first = Container(tmp_path, **env)
    try:
        second = Container(tmp_path, **env)
        try:
            cancelled = requests.post(f"{first.url}/v2/MT-VA-BCA-PENDING/cancel", headers=MIDTRANS, timeout=5)
            assert cancelled.json()["transaction_status"] == "cancel"
            seen = requests.get(f"{second.url}/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS, timeout=5)
            assert seen.json()["transaction_status"] == "cancel"
            made = requests.post(f"{second.url}/_sim/tenants", json={"name": "job-1"}, timeout=5,
                                 headers={"Authorization": f"Bearer {TOKEN}"})
            assert made.status_code == 201
            assert requests.get(f"{first.url}/t/job-1/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS,
                                timeout=5).json()["transaction_status"] == "pending"
        finally:
            second.stop()
    finally:
        first.stop()


def test_the_files_the_image_copies_make_a_complete_package(tmp_path):
    """`pip install .` of just what the Dockerfile COPYs must carry the bundled scenarios,
    templates and static files (package data), or the container would start without them."""
    import shutil
    import zipfile
    context = tmp_path / "context"
    context.mkdir()
    for instruction, args in dockerfile():
        if instruction == "COPY":
            *sources, _ = args.split()
            for source in sources:
                (shutil.copytree if (ROOT / source).is_dir() else shutil.copy)(
                    ROOT / source, context / source,
                    **({"ignore": shutil.ignore_patterns("__pycache__")} if (ROOT / source).is_dir() else {}))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(tmp_path / "dist"), str(context)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("simulator/bundled_scenarios/default.yaml", "simulator/payer/templates/payer.html",
                   "simulator/ui/static/ui.css", "simulator/healthcheck.py"):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "payment-sandbox = simulator.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
