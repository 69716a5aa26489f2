"""KwikPaisa test kit: an independent request signer (it does not import the simulator's
signing code) and a client that sends signed calls on a frozen simulator clock.

The clock is frozen at the fact sheet's X-TIMESTAMP 1778659835 (2026-05-13T08:10:35Z), so
the sheet's signatures are valid as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

SHEET_TIMESTAMP = 1778659835
SHEET_INSTANT = "2026-05-13T08:10:35Z"
API_KEY = "pk_test_simulator_0001"
SECRET = "sk_test_simulator_0001"
OTHER_API_KEY = "pk_test_simulator_0002"
OTHER_SECRET = "sk_test_simulator_0002"
CANCEL = "/api/v3/pg/order/cancel"
STATUS = "/api/v3/pg/order/status"


def canonical(value: Any) -> str:
    """Recursively key-sorted compact JSON, slashes unescaped, written out by hand."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical(value[k])}"
                              for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def hmac_hex(payload: str | bytes, timestamp: str | int, secret: str = SECRET) -> str:
    data = payload.encode() if isinstance(payload, str) else payload
    return hmac.new(secret.encode(), data + str(timestamp).encode(), hashlib.sha256).hexdigest()


class KwikPaisaClient:
    def __init__(self, client):
        self.client = client

    def freeze(self, instant: str = SHEET_INSTANT) -> None:
        response = self.client.post("/_sim/clock", json={"set": instant, "frozen": True})
        assert response.status_code == 200, response.json

    def call(self, path: str, body: Any = None, *, raw: bytes | str | None = None,
             api_key: str | None = API_KEY, secret: str = SECRET,
             timestamp: int | str | None = SHEET_TIMESTAMP, signature: str | None = None,
             sign_payload: bytes | str | None = None, sign_timestamp: int | str | None = None,
             prefix: str = "", method: str = "POST"):
        """Send `body` (canonical JSON) or `raw` bytes, signed over what is sent unless
        `sign_payload` / `sign_timestamp` / `signature` say otherwise."""
        data = raw if raw is not None else canonical(body)
        data = data.encode() if isinstance(data, str) else data
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key is not None:
            headers["X-API-KEY"] = api_key
        if timestamp is not None:
            headers["X-TIMESTAMP"] = str(timestamp)
        if signature is None:
            signature = hmac_hex(sign_payload if sign_payload is not None else data,
                                 sign_timestamp if sign_timestamp is not None else timestamp,
                                 secret)
        if signature != "":
            headers["X-SIGNATURE"] = signature
        return self.client.open(prefix + path, method=method, data=data, headers=headers)

    def cancel(self, order_id: Any, **kwargs):
        return self.call(CANCEL, {"order_id": order_id}, **kwargs)

    def status(self, order_id: Any, **kwargs):
        return self.call(STATUS, {"order_id": order_id}, **kwargs)

    def order(self, order_id: Any) -> dict:
        response = self.client.get(f"/_sim/orders/kwikpaisa/{order_id}")
        assert response.status_code == 200, response.json
        return response.json

    def last_notes(self) -> dict:
        entries = self.client.get("/_sim/journal?provider=kwikpaisa&limit=1").json["entries"]
        return entries[-1]["notes"]


@pytest.fixture
def kp(client) -> KwikPaisaClient:
    kit = KwikPaisaClient(client)
    kit.freeze()
    return kit


def assert_error(response, code: int, message: str | None = None) -> dict:
    """The documented error envelope with `code` as both HTTP status and body code."""
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"status", "code", "message"}
    assert body["status"] is False and body["code"] == code
    if message is not None:
        assert body["message"] == message
    return body
