"""Schemathesis against a live simulator, one test per OpenAPI document: for every
operation it generates valid requests (and, where the operation has inputs to break,
invalid ones) and checks each answer is not a 5xx, has a documented status and content
type, and matches its documented schema.

Bounded to stay fast: `FUZZ_EXAMPLES` examples per operation and mode, no deadline,
examples derandomized so the suite is reproducible. Setting SIM_FUZZ_EXAMPLES explores:
that many examples, drawn at random on each run. Half the cases carry valid credentials where they do not depend on the
body (Midtrans and Finpay Basic, a Pivot Bearer token) so business paths run too; DOKU and
KwikPaisa sign the body, so their cases exercise the auth and validation errors.
"""

from __future__ import annotations

import base64
import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis import GenerationMode, checks

from simulator.app import create_app
from simulator.providers import PROVIDERS
from simulator.serving import BackgroundServer
from simulator.settings import Settings

EXPLORING = "SIM_FUZZ_EXAMPLES" in os.environ
FUZZ_EXAMPLES = int(os.environ.get("SIM_FUZZ_EXAMPLES", "20"))
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance,
          checks.status_code_conformance, checks.content_type_conformance]
DOCUMENTS = ["control", *sorted(name for name, p in PROVIDERS.items() if p.openapi)]


def basic(user: str, password: str = "") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def pivot_bearer(url: str) -> dict:
    answer = requests.post(f"{url}/v1/access-token", json={"grantType": "client_credentials"}, headers={
        "X-MERCHANT-ID": "7d2c1e4a-0b6f-4c1d-9a3e-5f8b2c7d1e90",
        "X-MERCHANT-SECRET": "pivot-sim-merchant-secret-0001"}, timeout=5)
    return {"Authorization": f"Bearer {answer.json()['data']['accessToken']}"}


# document → (live server URL → headers of a valid caller), for the default scenario.
VALID_CREDENTIALS = {
    "midtrans": lambda url: basic("SB-Mid-server-SIMULATOR-KEY"),
    "finpay": lambda url: basic("FNPSIM01", "SIMKEY123"),
    "pivot": pivot_bearer,
}


@pytest.fixture(scope="module")
def live_simulator():
    app = create_app(Settings(store="memory"))
    with BackgroundServer(app) as server:
        yield server.url
    app.extensions["sandbox"].webhooks.stop()


def document_url(url: str, name: str) -> str:
    return f"{url}/_sim/openapi.json" if name == "control" else f"{url}/_sim/openapi/{name}.json"


def fuzz(operation, mode: GenerationMode, base_url: str, credentials: dict | None) -> str | None:
    """Run one operation in one generation mode; the failure report, or None."""
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception as exc:   # nothing to negate in this operation
        return None if mode is GenerationMode.NEGATIVE else f"{operation.label}: {exc}"

    @given(case=strategy, authenticated=st.booleans())
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=not EXPLORING,
              suppress_health_check=list(HealthCheck), print_blob=False)
    def run(case, authenticated):
        headers = credentials if authenticated and credentials else None
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    try:
        run()
    except Exception as exc:
        if type(exc).__name__ == "Unsatisfiable" and mode is GenerationMode.NEGATIVE:
            return None    # no inputs that could be made invalid
        return f"{operation.label} ({mode.value}): {exc}"
    return None


@pytest.mark.parametrize("name", DOCUMENTS)
def test_schemathesis_finds_nothing(live_simulator, name):
    schema = schemathesis.openapi.from_url(document_url(live_simulator, name))
    base_url = f"{live_simulator}/_sim" if name == "control" else live_simulator
    credentials = VALID_CREDENTIALS[name](live_simulator) if name in VALID_CREDENTIALS else None
    failures = [report for result in schema.get_all_operations()
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                if (report := fuzz(result.ok(), mode, base_url, credentials))]
    assert not failures, "\n\n".join(failures)
