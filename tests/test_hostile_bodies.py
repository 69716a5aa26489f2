"""Hostile bodies on every documented endpoint, provider and control alike: nesting 100,000
levels deep, numbers out of range or thousands of digits long, NaN, NUL bytes, unpaired
surrogates, odd unicode and bytes that are not UTF-8. Each answer is a documented status
with its documented body shape (the provider's own 400 where it reads the body), never a
5xx, and no order changes.

Endpoints come from the OpenAPI documents, so a new endpoint is covered as soon as it is
documented. Callers are authenticated (DOKU and KwikPaisa requests are signed over the
hostile bytes) so the bodies reach the parsers behind the auth checks; a hypothesis test
adds generated values in every top-level field of each documented request body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.openapi import control
from simulator.providers import PROVIDERS
from tests.openapi_contract import Contract

DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
MALFORMED = {
    "nested 100,000 arrays": DEEP_ARRAY,
    "nested 100,000 objects": DEEP_OBJECT,
    "unclosed 100,000 arrays": b"[" * 100_000,
    "a 5,000-digit number": b"1" * 5000,
    "NaN": b"NaN",
    "not UTF-8": b"\xff\xfe{}",
    "a raw NUL byte": b'{"a":"x\x00y"}',
}
HOSTILE_VALUES = {
    "a 5,000-digit integer": "1" * 5000,
    "1e999": "1e999",
    "-1e400": "-1e400",
    "nested 10,000 arrays": "[" * 10_000 + "]" * 10_000,
    "an unpaired surrogate": '"\\ud800"',
    "a low surrogate first": '"\\udc00\\ud800"',
    "an escaped NUL": '"A\\u0000B"',
    "odd unicode": json.dumps("\u202e\uffff\U0001f4a9e\u0301\u200b", ensure_ascii=False),
    "a huge string": json.dumps("x" * 200_000),
    "a float": "0.1e-400",
    "null": "null",
    "an object": '{"$ref": "#/a"}',
}
MIDTRANS = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}
FINPAY = {"Authorization": "Basic " + base64.b64encode(b"FNPSIM01:SIMKEY123").decode()}
DOKU_ID, DOKU_SECRET = "MCH-0001-10791114622547", "SK-SIMULATOR-TEST-0001"
KWIKPAISA_KEY, KWIKPAISA_SECRET = "pk_test_simulator_0001", "sk_test_simulator_0001"


# path parameter → a value that names something real (or, for events, nothing that moves)
PATH_VALUES = {"provider": "midtrans", "order_id": "MT-VA-BCA-PENDING", "event": "no-such-event",
               "fault_id": "fault-x", "delivery_id": "1", "name": "midtrans",
               "id": "MT-VA-BCA-PENDING", "orderId": "FP-VABCA-PENDING", "key": "DK-VA-BCA-PENDING"}
PIVOT_SESSION = "f5011fb2-e205-46ad-ac20-481429ba1d32"


def documents() -> dict:
    return {"control": control.document(),
            **{name: p.openapi() for name, p in sorted(PROVIDERS.items()) if p.openapi}}


def concrete(name: str, template: str) -> str:
    def value(match):
        param = match.group(1)
        return PIVOT_SESSION if name == "pivot" and param == "id" else PATH_VALUES.get(param, "x")
    path = re.sub(r"\{([^}]+)\}", value, template)
    return "/_sim" + path if name == "control" else path


def operations():
    """(document name, path template, method, has a request body) for every documented call."""
    found = []
    for name, document in DOCUMENTS.items():
        for template, item in document["paths"].items():
            for method, operation in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    found.append((name, template, method, "requestBody" in operation))
    return found


DOCUMENTS = documents()
OPERATIONS = operations()


def auth_headers(client, sandbox, name: str, method: str, path: str, body: bytes) -> dict:
    """Headers of a valid caller of provider `name` for exactly these bytes."""
    if name == "midtrans":
        return MIDTRANS
    if name == "finpay":
        return FINPAY
    if name == "pivot":
        answer = client.post("/v1/access-token", json={"grantType": "client_credentials"}, headers={
            "X-MERCHANT-ID": "7d2c1e4a-0b6f-4c1d-9a3e-5f8b2c7d1e90",
            "X-MERCHANT-SECRET": "pivot-sim-merchant-secret-0001"})
        # a fresh X-REQUEST-ID, so that a create's body reaches its parser (not the 401 for none)
        return {"Authorization": f"Bearer {answer.get_json()['data']['accessToken']}",
                "X-REQUEST-ID": uuid.uuid4().hex}
    now = sandbox.clock.now()
    if name == "kwikpaisa":
        stamp = str(int(now.timestamp()))
        signature = hmac.new(KWIKPAISA_SECRET.encode(), body + stamp.encode(), hashlib.sha256).hexdigest()
        return {"X-API-KEY": KWIKPAISA_KEY, "X-TIMESTAMP": stamp, "X-SIGNATURE": signature}
    if name == "doku":
        request_id, stamp = str(uuid.uuid4()), now.strftime("%Y-%m-%dT%H:%M:%SZ")
        lines = [f"Client-Id:{DOKU_ID}", f"Request-Id:{request_id}", f"Request-Timestamp:{stamp}",
                 f"Request-Target:{path}"]
        if method != "get":
            lines.append("Digest:" + base64.b64encode(hashlib.sha256(body).digest()).decode())
        mac = hmac.new(DOKU_SECRET.encode(), "\n".join(lines).encode(), hashlib.sha256).digest()
        return {"Client-Id": DOKU_ID, "Request-Id": request_id, "Request-Timestamp": stamp,
                "Signature": "HMACSHA256=" + base64.b64encode(mac).decode()}
    return {}


def send(client, sandbox, name, template, method, body: bytes):
    path = concrete(name, template)
    headers = {"Content-Type": "application/json", **auth_headers(client, sandbox, name, method, path, body)}
    return client.open(path, method=method.upper(), data=body, headers=headers)


def assert_documented(name, template, method, response) -> None:
    assert response.status_code < 500, (name, method, template, response.status_code,
                                        response.get_data(as_text=True)[:300])
    Contract(DOCUMENTS[name]).check(template, method, response)


def orders_snapshot(client) -> list:
    return [(o["provider"], o["order_id"], o["status"], o["version"])
            for o in client.get("/_sim/orders").get_json()["orders"]]


@pytest.mark.parametrize("name, template, method, has_body", OPERATIONS,
                         ids=[f"{o[0]}:{o[2].upper()} {o[1]}" for o in OPERATIONS])
def test_malformed_bodies_get_a_documented_answer(client, sandbox, name, template, method, has_body):
    before = orders_snapshot(client)
    for label, body in MALFORMED.items():
        response = send(client, sandbox, name, template, method, body)
        assert_documented(name, template, method, response)
        if has_body and response.status_code != 401 and name != "pivot" or \
                (name == "pivot" and has_body and method == "post"):
            assert 400 <= response.status_code < 500, (label, response.get_data(as_text=True)[:200])
    assert orders_snapshot(client) == before


@pytest.mark.parametrize("name, template, method, has_body",
                         [o for o in OPERATIONS if o[3]], ids=[f"{o[0]}:{o[2].upper()} {o[1]}"
                                                              for o in OPERATIONS if o[3]])
def test_hostile_values_in_every_field_get_a_documented_answer(client, sandbox, name, template,
                                                               method, has_body):
    document = DOCUMENTS[name]
    operation = document["paths"][template][method]
    schema = operation["requestBody"]["content"].get("application/json", {}).get("schema", {})
    fields = list(_properties(document, schema)) or ["order_id"]

    @given(field=st.sampled_from(fields), value=st.sampled_from(sorted(HOSTILE_VALUES.values())))
    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(field, value):
        body = ('{"%s": %s}' % (field, value)).encode()
        if name == "control" and template in ("/reset", "/scenario"):
            return
        assert_documented(name, template, method, send(client, sandbox, name, template, method, body))

    run()


def _properties(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema.get("properties", {})


def test_the_control_api_refuses_a_deep_body_without_resetting(client):
    before = orders_snapshot(client)
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    for path in ("/_sim/reset", "/_sim/scenario", "/_sim/orders", "/_sim/faults", "/_sim/clock"):
        response = client.post(path, data=DEEP_ARRAY, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.status_code)
        assert "deeper than" in response.get_json()["error"]
    after = orders_snapshot(client)
    assert after != before and [o for o in after if o[1] == "MT-VA-BCA-PENDING"][0][2] == "settlement"


def test_a_deep_body_on_midtrans_cancel_is_its_400(client):
    response = client.post("/v2/MT-VA-BCA-PENDING/cancel", data=DEEP_ARRAY, headers=MIDTRANS)
    assert response.status_code == 400
    assert response.get_json()["status_code"] == "400"
    assert "deeper than 64 levels" in response.get_json()["status_message"]
