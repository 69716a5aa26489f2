"""DOKU's non-SNAP request signature, the algorithm alone (fact sheet §2, step by step).

    Digest     = base64(SHA-256(raw body bytes))                    (requests with a body)
    components = "Client-Id:…\\nRequest-Id:…\\nRequest-Timestamp:…\\nRequest-Target:<path>"
                 + "\\nDigest:<Digest>"                               (omitted on GET)
    Signature  = "HMACSHA256=" + base64(HMAC-SHA256(Secret Key, components))

No Flask here: `auth.py` feeds it the request, `explain.py` reuses it to find which
component a client got wrong.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, replace

PREFIX = "HMACSHA256="
NAMES = ("Client-Id", "Request-Id", "Request-Timestamp", "Request-Target", "Digest")


@dataclass(frozen=True)
class Components:
    """The values a signature covers; `digest` is None when the request has no body."""
    client_id: str
    request_id: str
    timestamp: str
    target: str
    digest: str | None

    def with_(self, **changes) -> "Components":
        return replace(self, **changes)

    def string_to_sign(self, names: tuple[str, ...] = NAMES, separator: str = "\n",
                       colon: str = ":") -> str:
        values = (self.client_id, self.request_id, self.timestamp, self.target, self.digest)
        return separator.join(f"{name}{colon}{value}" for name, value in zip(names, values)
                              if value is not None)


def digest(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def mac(secret_key: str, string_to_sign: str) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).digest()


def sign(secret_key: str, string_to_sign: str) -> str:
    """The `Signature` header value: prefixed, padded standard base64."""
    return PREFIX + base64.b64encode(mac(secret_key, string_to_sign)).decode("ascii")


def decode_mac(encoded: str) -> bytes | None:
    """The 32 MAC bytes of a base64 value, padded or not; None when it is not that."""
    try:
        raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def presented_mac(header: str) -> bytes | None:
    """The MAC a well-formed `Signature` header carries (`HMACSHA256=` + base64), or None."""
    if not header.startswith(PREFIX):
        return None
    return decode_mac(header[len(PREFIX):].strip())


def matches(secret_key: str, string_to_sign: str, presented: bytes) -> bool:
    return hmac.compare_digest(mac(secret_key, string_to_sign), presented)
