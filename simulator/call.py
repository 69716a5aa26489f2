"""The request being served, as provider code reads it: `current()` gives its `Call`.

A `Call` holds what a provider view, its auth, its renderer and the fault injection read
of the request (method, path, headers, query, body), where it came in (the provider, and
the blueprint — the root mount or the `/<provider>` one), when it started, and the notes
its journal entry will carry. One lives in a context variable for every request the app
serves, whichever way it was dispatched: directly (`simulator.direct`, the provider API
calls) or by Flask (payer pages, the control API, errors outside a route). Provider code
reads the request only through it — never through Flask's `request`/`g` proxies — so a
provider's API call does not need Flask's request context at all.

Reads keep Werkzeug's meaning: the headers are Werkzeug's `EnvironHeaders` (a faster `get`); the path, the
query string and the body are read from the WSGI environ as Werkzeug reads them (the body
with the app's size limit: RequestEntityTooLarge beyond it); anything rarer (the query
arguments, the host) comes from a Flask `Request` over the same environ, made on first use
(under Flask, Flask's own).
"""

from __future__ import annotations

import contextvars
import io
import operator
import time
from functools import lru_cache
from typing import Any, Callable

from flask import Flask
from flask.wrappers import Request
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.sansio.utils import get_content_length

_CURRENT: contextvars.ContextVar["Call | None"] = contextvars.ContextVar("simulator_call", default=None)


class Call:
    __slots__ = ("environ", "app", "provider", "blueprint", "started", "notes", "injection",
                 "sandbox", "scope", "headers", "_request", "_body", "_length")

    def __init__(self, environ: dict, app: Flask, *, provider: str | None = None,
                 blueprint: str | None = None, request: Request | None = None):
        self.environ = environ
        self.app = app
        self.provider = provider          # whose paths were called (None: not a provider's)
        self.blueprint = blueprint        # e.g. "midtrans" or "midtrans_prefixed"
        self.started = time.perf_counter()
        self.notes: dict[str, Any] = {}   # for the journal entry (`wire.annotate`)
        self.injection = None             # the call's `injection.Injection`, when faults exist
        self.sandbox = None               # the tenant's `Sandbox`, once known (`hooks.open`)
        self.scope = None                 # its request scope, entered for the call
        self.headers = request.headers if request is not None else Headers(environ)
        self._request = request
        self._body: bytes | None = None
        self._length: int | None | bool = False       # Content-Length, once read (False: not yet)

    # -- what the request says --------------------------------------------------------------
    @property
    def request(self) -> Request:
        """Flask's request object over this call's environ (made on first use outside Flask),
        with the app's body-size limit."""
        if self._request is None:
            if self._body is not None:      # already read from the stream: the Request reads it again
                self.environ["wsgi.input"] = io.BytesIO(self._body)
            self._request = Request(self.environ)
            self._request.max_content_length = self.app.config["MAX_CONTENT_LENGTH"]
        return self._request

    @property
    def method(self) -> str:
        return self.environ.get("REQUEST_METHOD", "GET").upper()

    @property
    def path(self) -> str:
        return path_of(self.environ.get("PATH_INFO") or "")

    @property
    def query_string(self) -> bytes:
        return self.environ.get("QUERY_STRING", "").encode("latin-1")

    @property
    def content_length(self) -> int | None:
        """The Content-Length header's value (None when absent, or the body is chunked)."""
        if self._length is False:
            value = self.environ.get("CONTENT_LENGTH")
            encoding = self.environ.get("HTTP_TRANSFER_ENCODING")
            if encoding is None and value is not None and value.isascii() and value.isdigit():
                self._length = int(value)        # Werkzeug's answer for plain digits, without its regex
            else:
                self._length = get_content_length(value, encoding)
        return self._length

    @property
    def args(self):
        return self.request.args

    @property
    def host_url(self) -> str:
        return self.request.host_url

    def body(self) -> bytes:
        """The exact request bytes, read once (RequestEntityTooLarge over the limit)."""
        if self._body is None:
            if self._request is not None:
                self._body = self._request.get_data(cache=True)
            else:
                self._body = self._read_body()
        return self._body

    def _read_body(self) -> bytes:
        """What Werkzeug's `get_input_stream(…).read()` gives, without its stream wrappers."""
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        length = self.content_length
        if length is not None and limit is not None and length > limit:
            raise RequestEntityTooLarge()
        stream = self.environ["wsgi.input"]
        if "wsgi.input_terminated" in self.environ:       # the server ends the stream: read to its end
            return _read_to_end(stream, limit)
        if not length:
            return b""
        return _read_exactly(stream, length)

    def environ_headers(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The request headers as (environ keys, their values), e.g. (("HTTP_HOST", …), ("…",
        …)), in the order `headers` gives them (CONTENT_TYPE/LENGTH included even when
        empty, which `headers` skips). A client sends the same header set call after call
        and a server builds its environ in the same order, so the keys are worked out once
        per environ shape and shared; only the values are taken per call."""
        shape = tuple(self.environ)
        known = _HEADER_KEYS.get(shape)
        if known is None:
            if len(_HEADER_KEYS) >= 256:
                _HEADER_KEYS.clear()
            keys = tuple(key for key in shape
                         if key.startswith("HTTP_") and key not in _HTTP_CONTENT or key in CONTENT_KEYS)
            known = _HEADER_KEYS[shape] = (keys, _values_of(keys))
        keys, values = known
        return keys, values(self.environ)

    # -- URLs back to this simulator ------------------------------------------------------------
    def url_for(self, endpoint: str, **values: Any) -> str:
        """The absolute URL of `endpoint` as this request reached the simulator (scheme,
        host, tenant prefix), built as Flask's `url_for(…, _external=True)` builds it."""
        self.app.inject_url_defaults(endpoint, values)
        adapter = self.app.create_url_adapter(self.request)
        return adapter.build(endpoint, values, force_external=True)

    # -- the context --------------------------------------------------------------------------
    def enter(self) -> contextvars.Token:
        return _CURRENT.set(self)

    @staticmethod
    def leave(token: contextvars.Token) -> None:
        _CURRENT.reset(token)


class Headers(EnvironHeaders):
    """Werkzeug's read-only headers over the environ, with a `get` that looks a name up
    directly instead of raising and catching KeyError when it is absent (most optional
    headers, on every call)."""

    def get(self, key, default=None, type=None):      # noqa: A002 (Werkzeug's signature)
        if type is not None or not isinstance(key, str):
            return super().get(key, default, type)
        value = self.environ.get(_environ_key(key))
        return default if value is None else value


@lru_cache(maxsize=256)
def _environ_key(name: str) -> str:
    """Where the environ keeps header `name`, as Werkzeug's EnvironHeaders looks it up."""
    key = name.upper().replace("-", "_")
    return key if key in CONTENT_KEYS else f"HTTP_{key}"


CONTENT_KEYS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})      # as Werkzeug's EnvironHeaders
_HTTP_CONTENT = frozenset({"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"})
# environ keys → the header keys among them, and a function giving their values as a tuple
_HEADER_KEYS: dict[tuple[str, ...], tuple[tuple[str, ...], Callable[[dict], tuple]]] = {}


def _values_of(keys: tuple[str, ...]) -> Callable[[dict], tuple]:
    """What reads those keys' values from an environ, as a tuple (`itemgetter` in C; it
    gives a bare value for one key and needs at least one)."""
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda environ: (environ[key],)
    return lambda environ: ()


def header_name(environ_key: str) -> str:
    """A header's name as Werkzeug's `EnvironHeaders` gives it: HTTP_X_API_KEY → X-Api-Key."""
    return environ_key.removeprefix("HTTP_").replace("_", "-").title()


def path_of(path_info: str) -> str:
    """A PATH_INFO as Werkzeug's request reads it: `decoded`, one leading '/'."""
    return "/" + decoded(path_info).lstrip("/")


def decoded(path_info: str) -> str:
    """PATH_INFO's bytes (a WSGI string is latin-1) as UTF-8 text, as Werkzeug decodes them."""
    return path_info if path_info.isascii() else path_info.encode("latin-1").decode("utf-8", "replace")


def _read_to_end(stream, limit: int | None) -> bytes:
    """The stream's bytes to its end, or RequestEntityTooLarge past `limit`."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(65536 if limit is None else min(65536, limit - size + 1))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            raise RequestEntityTooLarge()


def _read_exactly(stream, length: int) -> bytes:
    """`length` bytes, or ClientDisconnected when the stream ends before them."""
    chunks, size = [], 0
    while size < length:
        chunk = stream.read(min(65536, length - size))
        if not chunk:
            raise ClientDisconnected()
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def current() -> Call | None:
    """The call being served in this thread, None outside one."""
    return _CURRENT.get()
