"""HS256 JSON Web Tokens (RFC 7519 compact form), with the standard library only.

Pivot's access token is an HS256 JWT whose claims are `iss`, `sub`, `exp`, `clientId` and
`merchantId` (fact sheet §2). Pivot's signing key is private, so the simulator signs with
a random key of its own run (`Sandbox.signing_key(SIGNING_KEY)`, kept in the store), never
with a constant anyone could read in the source. Pure functions, no clock and no Flask:
`verify` checks the form and the signature only; expiry and the merchant are the caller's
business.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, Mapping

SIGNING_KEY = "pivot-jwt"            # the purpose name of the run's key
ISSUER = "backend-portal"
HEADER = {"alg": "HS256", "typ": "JWT"}

# Why a token was refused (the journal's `token.refused`).
MALFORMED = "malformed"
WRONG_ALGORITHM = "wrong_algorithm"
BAD_SIGNATURE = "bad_signature"


class TokenError(ValueError):
    """The token is not one the simulator signed; `reason` is one of the constants above."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenError(MALFORMED, f"{text[:20]!r}… is not base64url") from None


def _compact(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _signature(signing_input: str, key: bytes) -> str:
    return b64url(hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest())


def sign(claims: Mapping[str, Any], key: bytes) -> str:
    """`claims` as an HS256 JWT; compact JSON in the claims' own key order."""
    signing_input = f"{b64url(_compact(HEADER))}.{b64url(_compact(claims))}"
    return f"{signing_input}.{_signature(signing_input, key)}"


def access_claims(merchant_id: str, exp: int) -> dict:
    """The claims of an access token, in the order Pivot's sample token has them."""
    return {"iss": ISSUER, "sub": merchant_id, "exp": exp, "clientId": merchant_id,
            "merchantId": merchant_id}


def _json_object(part: str, what: str) -> dict:
    try:
        value = json.loads(b64url_decode(part))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TokenError(MALFORMED, f"the JWT {what} is not JSON") from None
    if not isinstance(value, dict):
        raise TokenError(MALFORMED, f"the JWT {what} is not a JSON object")
    return value


def verify(token: str, key: bytes) -> dict:
    """The claims of `token` if it is a well-formed HS256 JWT signed with `key`."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise TokenError(MALFORMED, f"a JWT has 3 dot-separated parts; this one has {len(parts)}")
    header = _json_object(parts[0], "header")
    if header.get("alg") != "HS256":
        raise TokenError(WRONG_ALGORITHM, f"JWT alg is {header.get('alg')!r}; only 'HS256' is accepted")
    claims = _json_object(parts[1], "payload")
    expected = _signature(f"{parts[0]}.{parts[1]}", key)
    if not hmac.compare_digest(expected.encode("ascii"), parts[2].encode("ascii", "replace")):
        raise TokenError(BAD_SIGNATURE, "the signature does not match HS256(header.payload) under "
                         "the simulator's key: header or payload changed, or signed with another key")
    return claims
