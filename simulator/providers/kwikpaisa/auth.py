"""KwikPaisa v3 request authentication: `X-API-KEY` + `X-TIMESTAMP` + `X-SIGNATURE` (§2).

Checked in this order, each failure a 401 with its own message:

1. all three headers present and non-empty   → `Missing authentication headers: X-….`
2. `X-API-KEY` belongs to a scenario merchant → `Invalid API key.`
3. `X-TIMESTAMP` is UNIX seconds within the merchant's window on the simulator clock
   → `Invalid X-TIMESTAMP: …` / `Request timestamp expired.` / `Request timestamp is too
   far in the future.`
4. `X-SIGNATURE` is the HMAC of (raw body bytes or canonical payload) + X-TIMESTAMP
   (canonical only in strict mode) → `Invalid signature.`, explained in the journal.

`identify()` does 1–3 from the headers alone; `verify()` does 4 once the body is read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping

from ...merchants import Merchant
from ...redaction import mask
from ...wire import annotate, sandbox
from . import features, signature
from .explain import diagnose
from .payload import Body

HEADERS = ("X-API-KEY", "X-SIGNATURE", "X-TIMESTAMP")
INVALID_SIGNATURE = "Invalid signature."
INVALID_API_KEY = "Invalid API key."
TIMESTAMP_EXPIRED = "Request timestamp expired."
TIMESTAMP_IN_FUTURE = "Request timestamp is too far in the future."

_SECONDS = re.compile(r"[0-9]+")
MILLISECOND_DIGITS = 13      # 1778659835000: a JavaScript Date.now(), until the year 2286


class AuthFailure(Exception):
    """Authentication refused; str(exc) is the message of the 401 body."""


@dataclass(frozen=True)
class Caller:
    merchant: Merchant
    signature: str
    timestamp: str


def identify(headers: Mapping[str, str]) -> Caller:
    values = {name: headers.get(name, "") for name in HEADERS}
    missing = [name for name, value in values.items() if not value.strip()]
    if missing:
        annotate(auth=f"missing or empty header(s): {', '.join(missing)}")
        raise AuthFailure(f"Missing authentication headers: {', '.join(missing)}.")
    api_key = values["X-API-KEY"]
    merchant = sandbox().merchants.by_credential("kwikpaisa", "api_key", api_key)
    if merchant is None:
        annotate(auth=f"no KwikPaisa merchant has API key {mask(api_key)}"
                      + ("; live keys are not valid in the sandbox" if api_key.startswith("pk_live_") else ""))
        raise AuthFailure(INVALID_API_KEY)
    annotate(merchant=merchant.id)
    _check_timestamp(values["X-TIMESTAMP"], merchant)
    return Caller(merchant, values["X-SIGNATURE"], values["X-TIMESTAMP"])


def _check_timestamp(text: str, merchant: Merchant) -> None:
    if not _SECONDS.fullmatch(text) or len(text) > MILLISECOND_DIGITS:
        annotate(auth=f"X-TIMESTAMP {text[:40]!r} is not a whole number of seconds")
        raise AuthFailure(f"Invalid X-TIMESTAMP: expected UNIX time in whole seconds "
                          f"(e.g. 1778659835), got {text[:40]!r}.")
    if len(text) == MILLISECOND_DIGITS:
        annotate(auth=f"X-TIMESTAMP {text[:40]} has {len(text)} digits: milliseconds")
        raise AuthFailure(f"Invalid X-TIMESTAMP: {text[:40]} looks like milliseconds; "
                          "send UNIX time in seconds.")
    now = math.floor(sandbox().clock.now().timestamp())
    window = features.timestamp_window(merchant)
    skew = int(text) - now
    if abs(skew) > window:
        annotate(auth=f"X-TIMESTAMP {text} is {abs(skew)} s {'behind' if skew < 0 else 'ahead of'} "
                      f"the simulator clock ({now}); the window is ±{window} s")
        raise AuthFailure(TIMESTAMP_EXPIRED if skew < 0 else TIMESTAMP_IN_FUTURE)


def verify(caller: Caller, raw: bytes, body: Body) -> None:
    merchant = caller.merchant
    strict = features.strict_signature(merchant)
    accepted = accepted_payloads(raw, body, strict)
    secret = merchant.credentials["secret_key"]
    for form, payload in accepted.items():
        if signature.matches(caller.signature, signature.message(payload, caller.timestamp), secret):
            annotate(signature={"result": "valid", "form": form})
            return
    annotate(signature=diagnose(caller.signature, caller.timestamp, raw, body, merchant, accepted,
                                strict, features.timestamp_window(merchant)))
    raise AuthFailure(INVALID_SIGNATURE)


def accepted_payloads(raw: bytes, body: Body, strict: bool) -> dict[str, bytes]:
    """form name → payload bytes whose signature is accepted, most literal first."""
    forms: dict[str, bytes] = {} if strict else {"raw": raw}
    if body.parsed:
        forms["canonical"] = signature.canonical_payload(body.data).encode()
        escaped = signature.canonical_payload(body.data, ascii_escapes=True).encode()
        if escaped != forms["canonical"]:
            forms["canonical (\\u-escaped)"] = escaped
    elif strict:
        forms["raw"] = raw   # nothing canonical exists; the payload error comes next
    return forms
