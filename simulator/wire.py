"""Small helpers every provider view uses: the request being served (`call()`), the sandbox of
the running app, JSON in and out, `Stop` (the one way a view ends early), URLs back to this
simulator, and notes for the journal entry of the current request. None of them needs
Flask's request context: they read `simulator.call`."""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache
from typing import Any

from flask import Response, current_app

from .call import Call, current as current_call
from .compact_json import compact
from .limits import children, nesting_depth
from .scope import current_sandbox


KNOWN_SCHEMES = frozenset({"basic", "bearer", "digest", "token", "negotiate", "apikey", "hmac"})


class BodyError(ValueError):
    """The request body is not the JSON the caller promised; the message says why."""


class Stop(Exception):
    """Raised by a view (or anything it calls) to answer `response` at once: an auth
    failure, a validation error, an injected fault. The app renders it, in one place."""

    def __init__(self, response: Response):
        super().__init__(f"stopped with HTTP {response.status_code}")
        self.response = response


def own_url(endpoint: str, provider: str | None = None, **values: Any) -> str:
    """The absolute URL of `endpoint` (a view of the current request's blueprint, or of
    `provider`'s) on this simulator, as the client reached it: same scheme, host, port and
    tenant, and the same mount (`/midtrans/…` when the call came in under the provider
    prefix). A request on another blueprint (a /_sim call, a payer page elsewhere) gets the
    provider's root mount."""
    served = call()
    blueprint = served.blueprint
    if provider is not None and blueprint not in (provider, f"{provider}_prefixed"):
        blueprint = provider
    return served.url_for(f"{blueprint}.{endpoint}", **values)


def call() -> Call:
    """The request being served (RuntimeError outside one)."""
    served = current_call()
    if served is None:
        raise RuntimeError("no request is being served")
    return served


def sandbox():
    """The `Sandbox` (store, clock, journal, merchants…) of the tenant this request is for;
    outside a request, the app's default tenant."""
    box = current_sandbox()
    if box is not None:                     # within a request: its tenant's
        return box
    served = current_call()
    return (served.app if served is not None else current_app).extensions["sandbox"]


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(compact(body), status=status, content_type="application/json")
    if headers:
        response.headers.update(headers)
    return response


def raw_body() -> bytes:
    """The exact request bytes (cached, so signatures and the journal see the same)."""
    return call().body()


def read_json(required: bool = False) -> Any:
    """The body as JSON; None when empty and not required. Raises BodyError with a reason."""
    data = raw_body()
    if not data.strip():
        if required:
            raise BodyError("request body is empty; expected a JSON object")
        return None
    return parse_json(data)


MAX_JSON_DEPTH = 64                               # no provider payload nests deeper than ~6
_UNPAIRED_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def parse_json(data: bytes) -> Any:
    """Strict JSON, safe on hostile input: BodyError (never a 500) for bytes that are not
    UTF-8, syntax errors, NaN/Infinity (not JSON; Go, PHP and Java refuse them), numbers out
    of a double's range or too long to convert, nesting deeper than MAX_JSON_DEPTH (100,000 `[` would exhaust the
    parser's recursion), and strings holding an unpaired UTF-16 surrogate (they cannot be
    encoded back to UTF-8, so echoing one would fail later)."""
    if data == b"{}":             # what most clients send (every cancel): no decoder needed
        return {}
    try:
        # json.loads(data, parse_constant=…, parse_float=…) would build a decoder per call
        value = _DECODER.decode(data.decode(json.detect_encoding(data), "surrogatepass"))
    except UnicodeDecodeError:
        raise BodyError("request body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BodyError(f"request body is not valid JSON: {exc.msg} at line {exc.lineno} "
                        f"column {exc.colno}") from None
    except RecursionError:
        raise BodyError(f"request body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:   # NaN, Infinity, 1e999, a number of thousands of digits
        why = "a number has too many digits" if "digits" in str(exc) else str(exc)[:120]
        raise BodyError(f"request body is not valid JSON: {why}") from None
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and nesting_depth(value) > MAX_JSON_DEPTH:
        raise BodyError(f"request body nests deeper than {MAX_JSON_DEPTH} levels")
    if _UNPAIRED_SURROGATE_ESCAPE.search(data) and not _encodable(value):
        raise BodyError("request body has a string with an unpaired UTF-16 surrogate (\\ud800-\\udfff)")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def _encodable(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        else:
            stack.extend(children(item))
    return True


def annotate(**notes: Any) -> None:
    """Attach notes (endpoint, order_id, signature explanation, fault…) to this request's
    journal entry. Endpoint, order_id and merchant are also match keys of injected faults:
    a fault may fire here (see `simulator.injection`)."""
    served = current_call()
    if served is None:
        return
    served.notes.update(notes)
    if served.injection is not None:
        served.injection.observe(notes)


def describe_scheme(header: str) -> str:
    """What an Authorization header's scheme is, for a journal note, without quoting a
    credential: only a well-known scheme name is ever shown."""
    scheme, space, rest = header.strip().partition(" ")
    known = scheme if scheme.lower() in KNOWN_SCHEMES else None
    if not space or not rest.strip():
        return (f"is only the scheme {known!r}, with no credential" if known
                else "has no scheme (a bare credential)")
    return f"scheme {known!r} is not the expected one" if known else "has an unrecognised scheme"


class BasicAuthError(ValueError):
    """The Authorization header is not usable Basic credentials; the message says why."""


@lru_cache(maxsize=1024)          # a client sends the same header on every call (errors are not cached)
def basic_credentials(header: str | None, expected: str) -> tuple[str, str]:
    """(user, password) from `Authorization: Basic …`, or BasicAuthError naming the problem.

    `expected` describes the pair for the message, e.g. 'merchant_id:merchant_key'."""
    if not header:
        raise BasicAuthError("no Authorization header")
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise BasicAuthError(f"Authorization {describe_scheme(header)}; expected 'Basic <base64 of {expected}>'")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise BasicAuthError(f"Authorization Basic value is not base64 of '{expected}'") from None
    user, colon, password = decoded.partition(":")
    if not colon:
        raise BasicAuthError(f"Authorization Basic value has no ':' (expected '{expected}')")
    return user, password
