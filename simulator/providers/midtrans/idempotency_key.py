"""Midtrans' `Idempotency-Key` on every POST it honours it for (cancel, expire, charge, Snap):
one function, `honour(merchant, work, remember)`, over the shared `simulator.idempotency`.

Rules (cancel sheet §3, create sheet §8): a key of 1–46 characters (longer ones are
ignored), per merchant and global across endpoints, remembered 5 minutes on the simulator
clock; only answers `remember` accepts (successes) are replayed, whatever the body of the
retry; a retry while the first call is still running gets HTTP 202. Where Midtrans does not
support keys (a Permata VA charge) the caller passes `supported=False` and the key is
ignored, as the docs say.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Response

from ... import idempotency
from ...merchants import Merchant
from ...wire import annotate, call, json_response, sandbox
from . import render
from .rules import IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_TTL

REPLAY_CACHE = "midtrans-idempotency"


def honour(merchant: Merchant, work: Callable[[], tuple[Any, int]],
           remember: Callable[[Any, int], bool], supported: bool = True) -> Response:
    key = call().headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key) <= IDEMPOTENCY_KEY_MAX:
        annotate(idempotency=f"Idempotency-Key of {len(key)} chars ignored (max {IDEMPOTENCY_KEY_MAX})")
        key = None
    if key is not None and not supported:
        annotate(idempotency="Idempotency-Key ignored: not supported for this payment method")
        key = None
    outcome = idempotency.once(
        sandbox().replay_cache(REPLAY_CACHE, IDEMPOTENCY_TTL),
        None if key is None else f"{merchant.id}\n{key}", "", work, remember=remember)
    if isinstance(outcome, idempotency.InFlight):
        annotate(idempotency="same Idempotency-Key still processing: 202")
        return json_response(render.error_body(202, "Request is being processed"), 202)
    if isinstance(outcome, idempotency.Replayed):
        annotate(idempotency="replayed the stored response of this Idempotency-Key")
    return json_response(outcome.body, outcome.status)
