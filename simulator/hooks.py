"""What happens around every call the app serves, however it was dispatched (directly by
`simulator.direct`, or by Flask): `open` before the view, `close` on its answer, `release`
at the end, and `error_response` for an exception — the one place each is written.

- open: the tenant the path names (404 in the provider's shape for one that does not
  exist), its run meta read once for the call (`Sandbox.request_scope`), and, when the run
  has faults, the fault injection of a provider API call (never of a payer page);
- close: a provider call's answer as the fault makes it, then its journal entry;
- error_response: `Stop` answers its response; an HTTP error or an unexpected exception is
  answered in the shape of the provider whose paths were called (`{"error": …}` on `/_sim`
  and elsewhere), never as an HTML page or a trace.
"""

from __future__ import annotations

import logging
import time
from typing import Mapping

from flask import Response
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from . import injection
from .call import Call
from .journal import Draft
from .providers.base import Provider
from .sandbox import Sandbox
from .tenants import TENANT_KEY, Tenants
from .wire import Stop, json_response

log = logging.getLogger("simulator")
CONTROL_PREFIX = "/_sim"


class CallHooks:
    def __init__(self, tenants: Tenants, providers: Mapping[str, Provider]):
        self.tenants, self.default, self.providers = tenants, tenants.default, providers

    def open(self, call: Call, payer_page: bool = False) -> None:
        self.tenants.sweep()          # idle tenants go, at most once a minute per process
        tenant = call.environ.get(TENANT_KEY)
        box = self.default if tenant is None else self.tenants.for_request(tenant)
        if box is None:
            raise NotFound(f"no tenant {tenant[:64]!r}: it was never made, was deleted, or "
                           "expired after being idle")
        call.sandbox, call.scope = box, box.request_scope()    # the run's meta, read once for this call
        if box.faults and call.provider is not None and not payer_page:   # without faults: one truth test
            injection.begin(call, box.faults, self.providers[call.provider].error_response,
                            box.settings.fault_hang_cap)

    def close(self, call: Call, response: Response) -> Response:
        if call.provider is None or call.sandbox is None:    # not a provider's, or no such tenant
            return response
        response = injection.finish(call, response)
        _journal(call, response, self.providers[call.provider].secret_headers)
        return response

    @staticmethod
    def release(call: Call) -> None:
        if call.scope is not None:
            call.sandbox.end_scope(call.scope)

    def error_response(self, call: Call, exc: Exception) -> Response:
        if isinstance(exc, Stop):     # a view's early answer, an injected fault among them
            return exc.response
        if isinstance(exc, HTTPException):
            return self.http_error(call, exc.code or 500, exc.description or exc.name)
        log.exception("unexpected error on %s %s", call.method, call.path)
        return self.http_error(call, 500, InternalServerError.description)

    def http_error(self, call: Call, code: int, message: str) -> Response:
        if call.path.startswith(CONTROL_PREFIX):
            return json_response({"error": message}, code)
        if call.provider is not None:
            return self.providers[call.provider].error_response(code, message)
        return json_response({"error": message, "providers": sorted(self.providers),
                              "control_api": CONTROL_PREFIX}, code)


def _journal(call: Call, response: Response, secret_headers: frozenset[str]) -> None:
    """The journal entry of this provider call, taken as a `Draft`."""
    box: Sandbox = call.sandbox
    settings = box.settings
    length = call.content_length or 0
    if length > settings.max_body_bytes:
        request_body = f"<{length} bytes, over the {settings.max_body_bytes}-byte limit>"
    else:
        try:
            request_body = call.body()
        except HTTPException:
            request_body = "<unreadable>"
    request_body, request_length = Draft.body(request_body, settings.journal_body_cap)
    chunks = response.response      # the body in hand, without get_data's join
    answer = (chunks[0] if type(chunks) is list and len(chunks) == 1 and type(chunks[0]) is bytes
              else "<streamed>" if response.is_streamed else response.get_data())
    response_body, response_length = Draft.body(answer, settings.journal_body_cap)
    environ = call.environ
    box.journal.record(Draft._make((      # _make: a third of the cost of Draft(16 arguments)
        box.clock.stamp(), call.provider, call.notes,      # the call is over: its notes are the entry's
        environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO") or "", environ.get("QUERY_STRING", ""),
        *call.environ_headers(), secret_headers, request_body, request_length,
        None if injection.aborted(response) else response.status_code, response.headers,
        response_body, response_length, round((time.perf_counter() - call.started) * 1000, 3))))
