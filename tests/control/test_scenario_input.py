"""Hostile scenario input through POST /_sim/scenario, /_sim/faults and the loader: no file
outside the scenario directory is read (and the answer never tells a missing file from an
existing one), no device is read, YAML aliases and deep nesting are refused, problem
messages quote only a short prefix of a value, and orders, delays and hangs are capped.
Every refusal is a fast, small 400 naming the field."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.app import create_app
from simulator.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ALIAS_BOMB = """name: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
orders: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
VALID = "name: mine\ndescription: a scenario of my own\nseed: 3\n"


@pytest.fixture
def scenario_dir(tmp_path):
    directory = tmp_path / "scenarios"
    directory.mkdir()
    (directory / "mine.yaml").write_text(VALID)
    (directory / "nested").mkdir()
    (directory / "nested" / "deeper.yml").write_text(VALID.replace("mine", "deeper"))
    outside = tmp_path / "secret.yaml"
    outside.write_text(VALID.replace("mine", "outside"))
    (directory / "escape.yaml").symlink_to(outside)
    (directory / "big.yaml").write_text(VALID + "#" * 5000)
    return directory


@pytest.fixture
def sim(default_scenario, scenario_dir):
    app = create_app(Settings(scenario_dir=str(scenario_dir), max_scenario_bytes=4096, max_orders=1000,
                              fault_delay_cap=30), scenario=default_scenario)
    return app.test_client()


def refused(response, field: str | None, max_bytes: int = 4096) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    assert len(response.get_data()) <= max_bytes, len(response.get_data())
    body = response.get_json()
    assert field is ... or body.get("field") == field, body
    return body


@pytest.mark.parametrize("name", ["/etc/hostname", "../../../etc/passwd", "/etc/no/such/file",
                                  "nested/../../secret", "escape", "escape.yaml", "/dev/zero",
                                  "no-such-scenario", "../secret.yaml", "./../secret"])
def test_a_name_outside_the_scenario_directory_is_refused_alike(sim, name):
    started = time.perf_counter()
    body = refused(sim.post("/_sim/scenario", json={"name": name}), "name")
    assert time.perf_counter() - started < 1
    assert body["error"] == (f"name: {name!r} is not a bundled scenario or a .yaml file in the scenario "
                             f"directory; bundled: {', '.join(sorted(p.stem for p in (ROOT / 'simulator' / 'bundled_scenarios').glob('*.yaml')))}")
    assert sim.get("/_sim/health").get_json()["scenario"] == "default"


@pytest.mark.parametrize("name, loaded", [("mine", "mine"), ("mine.yaml", "mine"),
                                          ("nested/deeper", "deeper"), ("expired-orders", "expired-orders")])
def test_bundled_names_and_files_in_the_directory_load(sim, name, loaded):
    response = sim.post("/_sim/scenario", json={"name": name})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["scenario"] == loaded


@pytest.mark.parametrize("name", [["a"], {"x": 1}, 7, None, "", "x" * 1000, "a\x00b"])
def test_a_name_that_is_not_a_short_string_is_refused(sim, name):
    refused(sim.post("/_sim/scenario", json={"name": name}), "name")


def test_a_file_over_the_size_cap_is_refused(sim):
    body = refused(sim.post("/_sim/scenario", json={"name": "big"}), "name")
    assert "larger than 4096 bytes" in body["error"]


def test_an_alias_bomb_is_refused_small_and_fast(sim):
    started = time.perf_counter()
    body = refused(sim.post("/_sim/scenario", data=ALIAS_BOMB, content_type="application/yaml"), None)
    assert time.perf_counter() - started < 1
    assert body["error"].startswith("line 3 column 8: not valid YAML: aliases (*name) are not allowed")


def test_deep_nesting_is_refused(sim):
    body = refused(sim.post("/_sim/scenario", data="orders: " + "[" * 100_000, content_type="application/yaml"),
                   None)
    assert "nests deeper than 64 levels" in body["error"] or "not valid YAML" in body["error"]
    assert sim.get("/_sim/health").get_json()["scenario"] == "default"
    refused(sim.post("/_sim/scenario", json={"name": "x", "orders": [[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]}),
            "orders")


def test_problem_messages_quote_a_short_prefix_only(sim):
    huge = "x" * 200_000
    body = refused(sim.post("/_sim/scenario", json={"name": "x", "seed": [huge] * 3,
                                                     "merchants": [{"provider": huge, "id": huge}]}), "seed")
    assert all(len(problem) < 400 for problem in body["problems"])
    body = refused(sim.post("/_sim/faults", json={"action": huge, huge: 1}), ...)
    assert all(len(problem) < 400 for problem in body["problems"])


def test_the_total_number_of_orders_is_capped(sim):
    blocks = [{"generate": {"provider": "midtrans", "count": 600}}] * 2
    body = refused(sim.post("/_sim/scenario", json={"name": "many", "merchants": [
        {"provider": "midtrans", "id": "M", "credentials": {"server_key": "SB-Mid-server-X"}}], "orders": blocks}),
        "orders")
    assert "1200 orders in all; at most 1000 (SIM_MAX_ORDERS)" in body["error"]
    one = refused(sim.post("/_sim/scenario", json={"name": "many", "merchants": [
        {"provider": "midtrans", "id": "M", "credentials": {"server_key": "SB-Mid-server-X"}}],
        "orders": [{"generate": {"provider": "midtrans", "count": 5000}}]}), "orders")
    assert "expected 1..1000" in one["error"]


@pytest.mark.parametrize("fault, field", [
    ({"action": "delay", "delay": "3650d"}, "delay"),
    ({"action": "delay", "delay": ["1s", "31s"]}, "delay"),
    ({"action": "status", "status": 503, "delay": "31s"}, "delay"),
    ({"action": "hang", "hang": "61s"}, "hang"),
])
def test_delays_and_hangs_over_their_caps_are_refused(sim, fault, field):
    body = refused(sim.post("/_sim/faults", json=fault), field)
    assert "allowed (SIM_FAULT_" in body["error"]
    refused(sim.post("/_sim/scenario", json={"name": "slow", "faults": [fault]}), "faults")


def test_a_delay_within_the_cap_is_accepted(sim):
    assert sim.post("/_sim/faults", json={"action": "delay", "delay": "30s"}).status_code == 201


def _run(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=30, env={**os.environ, "SIM_MAX_SCENARIO_BYTES": "4096"})


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "/etc"])
def test_the_cli_refuses_what_is_not_a_regular_file(path):
    started = time.perf_counter()
    result = _run("validate", path)
    assert result.returncode == 1 and time.perf_counter() - started < 10
    assert len(result.stderr.splitlines()) == 1 and "no such scenario file" in result.stderr


def test_the_cli_reads_a_file_up_to_the_cap(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(VALID + "#" * 5000)
    result = _run("validate", str(big))
    assert result.returncode == 1 and "larger than 4096 bytes (SIM_MAX_SCENARIO_BYTES)" in result.stderr


@pytest.mark.parametrize("fault, field", [
    ({"action": "content_type", "content_type": "text/html\r\nX-Evil: 1"}, "content_type"),
    ({"action": "content_type", "content_type": "x/" + "y" * 300}, "content_type"),
    ({"endpoint": "webhook", "action": "duplicate", "copies": 1000}, "copies"),
    ({"id": "f" * 101, "action": "reset"}, "id"),
])
def test_fault_values_that_would_break_answers_are_refused(sim, fault, field):
    refused(sim.post("/_sim/faults", json=fault), field)


def test_an_amount_too_large_for_any_provider_is_refused(sim):
    body = refused(sim.post("/_sim/orders", json={"provider": "midtrans", "amount": "1e999999999"}), "amount")
    assert "largest amount" in body["error"]
    made = sim.post("/_sim/orders", json={"provider": "midtrans", "amount": "1e12"}).get_json()
    assert made["amount"] == "1000000000000"        # written out, never 1E+12
