"""A DOKU client for the tests, written from the fact sheet alone: it does not import the
simulator's signing code, so a request it signs checks the simulator against the spec."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

CLIENT_ID = "MCH-0001-10791114622547"
SECRET = "SK-SIMULATOR-TEST-0001"
NO_CANCEL_CLIENT_ID, NO_CANCEL_SECRET = "MCH-0002-10791114622548", "SK-SIMULATOR-TEST-0002"
O2O_CLIENT_ID, O2O_SECRET = "MCH-0003-10791114622549", "SK-SIMULATOR-TEST-0003"
NOW = "2026-01-15T03:00:00Z"          # the default scenario's clock start, frozen by the tests
CANCEL = "/checkout/v3/cancellations"


def b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def string_to_sign(client_id: str, request_id: str, timestamp: str, target: str,
                   body: bytes | None) -> str:
    lines = [f"Client-Id:{client_id}", f"Request-Id:{request_id}",
             f"Request-Timestamp:{timestamp}", f"Request-Target:{target}"]
    if body is not None:
        lines.append(f"Digest:{b64_sha256(body)}")
    return "\n".join(lines)


def hmac_b64(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def sign(secret: str, text: str) -> str:
    return "HMACSHA256=" + hmac_b64(secret, text)


def cancel_body(invoice: str, original_request_id: str, note: str = "cancel order") -> bytes:
    return json.dumps({"order": {"invoice_number": invoice},
                       "payment": {"original_request_id": original_request_id},
                       "note": note}, separators=(",", ":")).encode()


def call(client, method: str, path: str, body: bytes | None = None, *, client_id: str = CLIENT_ID,
         secret: str = SECRET, request_id: str | None = None, timestamp: str = NOW,
         signed: dict | None = None, signed_target: str | None = None,
         signed_body: bytes | None = None, signature: str | None = None, drop: tuple = (),
         lower_case: bool = False):
    """Send a signed request. `signed` overrides the values signed (not the ones sent):
    keys client_id, request_id, timestamp; `signed_target`/`signed_body` likewise."""
    sent = {"client_id": client_id, "request_id": request_id or str(uuid.uuid4()),
            "timestamp": timestamp}
    values = {**sent, **(signed or {})}
    if method == "GET":
        digest_body = None
    else:
        digest_body = signed_body if signed_body is not None else (body or b"")
    text = string_to_sign(values["client_id"], values["request_id"], values["timestamp"],
                          signed_target or path.split("?")[0], digest_body)
    headers = {"Client-Id": sent["client_id"], "Request-Id": sent["request_id"],
               "Request-Timestamp": sent["timestamp"],
               "Signature": signature if signature is not None else sign(secret, text),
               "Content-Type": "application/json"}
    for name in drop:
        headers.pop(name)
    if lower_case:
        headers = {k.lower(): v for k, v in headers.items()}
    return client.open(path, method=method, data=body, headers=headers)


def original_request_id(client, order_id: str) -> str:
    return client.get(f"/_sim/orders/doku/{order_id}").json["transaction_id"]


def sim_order(client, order_id: str) -> dict:
    return client.get(f"/_sim/orders/doku/{order_id}").json


def cancel(client, order_id: str, path: str = CANCEL, **kwargs):
    return call(client, "POST", path, cancel_body(order_id, original_request_id(client, order_id)), **kwargs)


def last_notes(client) -> dict:
    entries = client.get("/_sim/journal", query_string={"provider": "doku"}).json["entries"]
    return entries[-1]["notes"]
