"""The KwikPaisa v3 signature formula (§2), shared by request checks and webhooks:

    X-SIGNATURE = lowercase_hex(HMAC-SHA256(key=secret_key, msg=payload + X-TIMESTAMP))

`payload` is the JSON body; its canonical form is the parsed body with keys sorted at every
level, compact (no spaces), slashes unescaped. Non-ASCII text is kept as raw UTF-8 in
`canonical_payload`; `canonical_payload(..., ascii_escapes=True)` gives the `\\u00e9`
spelling that PHP's `json_encode` produces by default.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def canonical_payload(data: Any, ascii_escapes: bool = False) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_escapes)


def message(payload: str | bytes, timestamp: str) -> bytes:
    """What is HMAC'd: the payload bytes followed by the timestamp, no separator."""
    body = payload.encode("utf-8") if isinstance(payload, str) else payload
    return body + timestamp.encode("ascii")


def hmac_state(data: bytes, secret_key: str) -> "hmac.HMAC":
    """An HMAC-SHA256 that has consumed `data`; `.copy()` it to sign data + more."""
    return hmac.new(secret_key.encode("utf-8"), data, hashlib.sha256)


def digest(signed: bytes, secret_key: str) -> bytes:
    return hmac_state(signed, secret_key).digest()


def sign(payload: str | bytes, timestamp: str, secret_key: str) -> str:
    return digest(message(payload, timestamp), secret_key).hex()


def matches(provided: str, signed: bytes, secret_key: str) -> bool:
    return hmac.compare_digest(provided.encode("utf-8", "replace"), digest(signed, secret_key).hex().encode())
