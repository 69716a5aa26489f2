"""DOKU non-SNAP request authentication, in the order the real sandbox checks (fact sheet §2):

1. headers present, one at a time: Client-Id → Request-Id → Request-Timestamp → Signature
   (names are case-insensitive, as HTTP says); Request-Id at most 128 characters;
2. Request-Timestamp strictly `YYYY-MM-DDTHH:MM:SSZ` and within ±3600 s of the
   simulator clock — before the Client-Id lookup;
3. Client-Id belongs to a scenario merchant;
4. Signature: `HMACSHA256=` + base64 HMAC over the component string (`signature.py`),
   compared as decoded bytes so padded and unpadded base64 both pass.

The Request-Target may be the real DOKU path or the path as received: a client whose base
URL is `http://host/doku` signs either `/checkout/v3/cancellations` (DOKU's libraries sign
the endpoint path they know) or `/doku/checkout/v3/cancellations` (clients that sign the
URL path they call); both are accepted. A refused signature gets DOKU's answer, and the
journal gets `explain.explain`'s note on what differed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Response

from ...merchants import Merchant
from ...wire import annotate, call, raw_body, sandbox
from . import explain, render, signature
from .rules import REQUEST_ID_MAX, TIMESTAMP_WINDOW

MOUNT = "/doku"
REQUIRED_HEADERS = ("Client-Id", "Request-Id", "Request-Timestamp", "Signature")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_BODYLESS = ("GET", "HEAD", "DELETE")


@dataclass(frozen=True)
class Caller:
    merchant: Merchant
    request_id: str


def authenticate() -> Caller | Response:
    """The signed-in merchant, or DOKU's header-error response (first failure wins)."""
    served = call()
    headers = {name: (served.headers.get(name) or "").strip() for name in REQUIRED_HEADERS}
    for name, value in headers.items():
        if not value:
            annotate(auth=f"header {name} is missing or empty")
            return render.error(render.MISSING_HEADER, name)
    if len(headers["Request-Id"]) > REQUEST_ID_MAX:
        annotate(auth=f"Request-Id has {len(headers['Request-Id'])} characters")
        return render.error(render.REQUEST_ID_TOO_LONG, REQUEST_ID_MAX)

    stamp = _parse_timestamp(headers["Request-Timestamp"])
    if stamp is None:
        annotate(auth="Request-Timestamp is not YYYY-MM-DDTHH:MM:SSZ (UTC)")
        return render.error(render.TIMESTAMP_FORMAT)
    now = sandbox().clock.now()
    if abs(now - stamp) > TIMESTAMP_WINDOW:
        annotate(auth=f"Request-Timestamp is {int((stamp - now).total_seconds())} s from the "
                      f"simulator clock ({render.utc_stamp(now)}); allowed ±{int(TIMESTAMP_WINDOW.total_seconds())} s")
        return render.error(render.TIMESTAMP_RANGE)

    merchant = sandbox().merchants.by_credential("doku", "client_id", headers["Client-Id"])
    if merchant is None:
        annotate(auth=f"no DOKU merchant has Client-Id {headers['Client-Id']!r}")
        return render.error(render.UNKNOWN_CLIENT)
    annotate(merchant=merchant.id)

    bodyless = served.method in _BODYLESS
    body = b"" if bodyless else raw_body()
    expected = signature.Components(
        client_id=headers["Client-Id"], request_id=headers["Request-Id"],
        timestamp=headers["Request-Timestamp"], target=_canonical(served.path),
        digest=None if bodyless else signature.digest(body))
    targets = accepted_targets()
    secret = merchant.credentials["secret_key"]
    presented = signature.presented_mac(headers["Signature"])
    if presented is not None:
        for target in targets:
            if signature.matches(secret, expected.with_(target=target).string_to_sign(), presented):
                annotate(signature={"valid": True, "request_target": target})
                return Caller(merchant, headers["Request-Id"])

    attempt = explain.Attempt(expected=expected, accepted_targets=targets, method=served.method,
                              path=served.path, query=served.query_string.decode("latin-1"),
                              url_root=served.host_url.rstrip("/"), body=body,
                              header=headers["Signature"])
    others = [(m.credentials["client_id"], m.credentials["secret_key"])
              for m in sandbox().merchants.for_provider("doku") if m.id != merchant.id]
    annotate(signature=explain.explain(attempt, secret, merchant.credentials["client_id"], others))
    return render.error(render.BAD_SIGNATURE)


def accepted_targets() -> tuple[str, ...]:
    """The Request-Targets a signature may cover: the real DOKU path first, then the path as
    received (with the /doku mount), each also as sent on the wire (percent-encoded)."""
    served = call()
    raw = (served.environ.get("RAW_URI") or served.environ.get("REQUEST_URI") or "").split("?", 1)[0]
    path = served.path
    options = (_canonical(path), _canonical(raw), path, raw)
    return tuple(dict.fromkeys(t for t in options if t))


def _canonical(path: str) -> str:
    return path[len(MOUNT):] if path.startswith(MOUNT + "/") else path


def _parse_timestamp(value: str) -> datetime | None:
    if not _TIMESTAMP.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
