"""Failure injection, the request side: which fault hits this provider call, and what it
does to the call.

A call's match keys become known in steps: provider and method before the view, then
endpoint, order_id and merchant as the view annotates them (`wire.annotate` calls
`observe`). Each fault is considered once, at the first checkpoint where all of its match
keys are known, in list order; at most one fault fires per call. So a fault on a merchant
or an order id fires after authentication but before the order is touched.

What a firing fault does:
- delay: waits (any action may carry a delay, waited first);
- status, reset, hang: stop the view at once (the provider did nothing) by raising
  `FaultFired`, whose response the app returns;
- malformed, empty, content_type, apply_then_fail: let the view run and commit, then
  corrupt or lose its response in `finish`.

Reset and hang have no response. The app asks the server to drop the connection through
the callable at `environ[ABORT_KEY]` (see `simulator.serving`), and returns a placeholder
the server never sends. Without such a server (Flask's test client has no socket) the
placeholder is what the caller gets: an empty 599 with `X-Simulator-Abort: reset|hang`,
and nothing is waited.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from flask import Response

from . import gate
from .call import Call, current as current_call
from .faults import RESET, FaultBook, Firing
from .wire import Stop, annotate

ABORT_KEY = "simulator.abort"         # environ: callable(kind, hold_seconds) from the server
ABORT_HEADER = "X-Simulator-Abort"    # marks the placeholder of a response never sent
ABORT_PLACEHOLDER_STATUS = 599
OBSERVED_NOTES = ("endpoint", "order_id", "merchant")
STOPS_THE_VIEW = ("status", "reset", "hang")


class FaultFired(Stop):
    """Raised at a checkpoint to stop the view; the app answers `response`."""


class Injection:
    """One provider call's passage through the fault book."""

    def __init__(self, book: FaultBook, context: dict[str, str],
                 error_response: Callable[[int, str], Response], hang_cap: float):
        self.book, self.context = book, context
        self.error_response, self.hang_cap = error_response, hang_cap
        self.pending = list(book.faults)
        self.firing: Firing | None = None

    def observe(self, notes: Mapping[str, Any]) -> None:
        for key in OBSERVED_NOTES:
            if notes.get(key) is not None:
                self.context[key] = str(notes[key])
        self.checkpoint()

    def checkpoint(self) -> None:
        if self.firing is not None:
            return
        known = self.context.keys()
        for fault in list(self.pending):
            if not fault.match.keys() <= known:
                continue
            self.pending.remove(fault)
            if not fault.matches(self.context):
                continue
            firing = self.book.decide(fault)
            if firing is not None:
                self._fire(firing)
                return

    def _fire(self, firing: Firing) -> None:
        self.firing = firing
        fault, note = firing.fault, firing.note()
        hold = min(fault.hang if fault.hang is not None else self.hang_cap, self.hang_cap)
        if fault.action == "hang":
            note["hang_ms"] = round(hold * 1000)
        annotate(fault=note)
        if firing.delay:
            gate.sleep(firing.delay)
        if fault.action == "status":
            raise FaultFired(self.error_response(fault.status, f"injected fault {fault.id}"))
        if fault.action == "reset":
            raise FaultFired(_abort(RESET))
        if fault.action == "hang":
            raise FaultFired(_abort("hang", hold))

    def finish(self, response: Response) -> Response:
        """The view's response as the client gets it."""
        if self.firing is None or self.firing.fault.action in STOPS_THE_VIEW:
            return response
        fault, note = self.firing.fault, self.firing.note()
        if fault.action == "malformed":
            body = response.get_data()
            response.set_data(body[: len(body) // 2] or b"{")
        elif fault.action == "empty":
            response.set_data(b"")
        elif fault.action == "content_type":
            response.headers["Content-Type"] = fault.content_type
        elif fault.action == "apply_then_fail":
            note.update(then=fault.then, applied_status=response.status_code)
            response = (_abort(RESET) if fault.then == RESET
                        else self.error_response(fault.then, f"injected fault {fault.id}"))
        annotate(fault=note)
        return response


def begin(call: Call, book: FaultBook, error_response: Callable[[int, str], Response],
          hang_cap: float) -> None:
    """Start considering faults for this provider call (only when the book has any)."""
    call.injection = Injection(book, {"provider": call.provider, "method": call.method},
                               error_response, hang_cap)
    call.injection.checkpoint()


def finish(call: Call, response: Response) -> Response:
    return response if call.injection is None else call.injection.finish(response)


def aborted(response: Response) -> bool:
    """True for the placeholder of a reset or hang: the client got no response at all."""
    return response.status_code == ABORT_PLACEHOLDER_STATUS and ABORT_HEADER in response.headers


def _abort(kind: str, hold: float = 0.0) -> Response:
    served = current_call()
    ask_server = served.environ.get(ABORT_KEY) if served is not None else None
    if ask_server is not None:
        ask_server(kind, hold)
    response = Response(b"", status=ABORT_PLACEHOLDER_STATUS)
    response.headers[ABORT_HEADER] = kind
    return response
