"""The README's examples run, in order, against one real server started as the README says
(`python run.py`, default scenario), so that each example works on the state the ones before
it leave. Every bash, python and js block is marked `<!-- readme: run -->` or
`<!-- readme: skip — why -->`; an unmarked block fails this test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import SimProcess
from tests.providers.midtrans.test_official_node_client import node_client_dir  # noqa: F401 (fixture)

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- readme: (run|skip[^>]*) -->\n)?```(bash|python|js)\n(.*?)```", re.S)
BIN = Path(sys.executable).parent
# what a refused call answers, in each provider's envelope: an example must not print one
REFUSALS = ('"status":false', '"error":{', "invalid_signature", "credentials_invalid",
            '"responseCode":"4', '"status_code":"401"', "Unauthorized")


def blocks() -> list[tuple[int, str, str, str | None]]:
    """(line, language, code, marker) of every bash/python/js block, in order."""
    text = README.read_text()
    return [(text[:m.start()].count("\n") + 1, m.group(3), m.group(4), m.group(2))
            for m in BLOCK.finditer(text)]


def test_every_block_says_whether_it_runs():
    unmarked = [f"README.md:{line} ({lang})" for line, lang, _, marker in blocks() if marker is None]
    assert unmarked == [], "mark each block <!-- readme: run --> or <!-- readme: skip — why -->"


def test_the_examples_run_in_order_against_one_server(node_client_dir, tmp_path):  # noqa: F811
    runnable = [(line, lang, code) for line, lang, code, marker in blocks() if marker == "run"]
    assert len(runnable) >= 10
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "NO_PROXY": "127.0.0.1,localhost"}
    with SimProcess() as sim:
        host = sim.url.removeprefix("http://")
        for line, lang, code in runnable:
            code = code.replace("localhost:8080", host).replace("127.0.0.1:8080", host)
            command = {"bash": ["bash", "-euo", "pipefail", "-c", code],
                       "python": [sys.executable, "-c", code],
                       "js": ["node", "-e", code]}[lang]
            if lang == "js" and shutil.which("node") is None:
                pytest.fail("node is needed to run the README's js example")
            done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env,
                                  cwd=node_client_dir if lang == "js" else tmp_path)
            assert done.returncode == 0, f"README.md:{line} ({lang}) failed:\n{done.stdout}\n{done.stderr}"
            assert "Traceback" not in done.stderr and "UnhandledPromiseRejection" not in done.stderr, done.stderr
            refused = [word for word in REFUSALS if word in done.stdout]
            assert refused == [], f"README.md:{line} ({lang}) was refused ({refused}):\n{done.stdout}"
            if lang == "js":
                assert done.stdout.strip() == "cancel", done.stdout
