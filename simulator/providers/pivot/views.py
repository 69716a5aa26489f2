"""Pivot's real paths: POST /v1/access-token, GET /v2/payments (the list),
POST /v2/payments/{id}/cancel, GET /v2/payments/{id}.

`{id}` is the payment-session id (the order's `transaction_id`, a UUID). Flow per `/v2`
call: Bearer token → (cancel) decode and validate the body → look the session up → check
it is the token merchant's → move it through the engine → render.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response

from ...merchants import Merchant
from ...orders import Order, Refusal
from ...wire import annotate, call, sandbox
from . import auth, listing, payloads, render
from .rules import CANCEL_EVENT_BY_SOURCE, TOKEN_LIFETIME

blueprint = Blueprint("pivot", __name__)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@blueprint.post("/v1/access-token")
def access_token():
    annotate(endpoint="access_token")
    merchant = auth.check_credentials(call().headers.get("X-MERCHANT-ID"),
                                      call().headers.get("X-MERCHANT-SECRET"))
    if merchant is None:
        return render.credentials_invalid()
    try:
        payloads.access_token_request()
    except payloads.Invalid as exc:
        return render.validation_error(str(exc))
    return render.access_token(auth.issue(merchant), int(TOKEN_LIFETIME.total_seconds()))


@blueprint.get("/v2/payments")
def list_sessions():
    annotate(endpoint="list")
    merchant = auth.authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.credentials_invalid()
    try:
        query = listing.parse(call().args)
    except listing.BadQuery as exc:
        annotate(query=str(exc))
        return render.validation_error(str(exc))
    sessions, pagination = listing.page(sandbox().book.list(provider="pivot", merchant=merchant.id), query)
    return render.session_list(sessions, pagination)


@blueprint.post("/v2/payments/<session_id>/cancel")
def cancel(session_id: str):
    annotate(endpoint="cancel", order_id=session_id)
    merchant = auth.authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.credentials_invalid()
    try:
        wanted = payloads.cancel_request()
    except payloads.Invalid as exc:
        return render.validation_error(str(exc))
    found = _session(session_id, merchant)
    if isinstance(found, Response):
        return found
    result = sandbox().book.apply(
        found, CANCEL_EVENT_BY_SOURCE[wanted.source], source="api", merchant=merchant,
        extra={"cancellation_reason": wanted.cancellation_reason, "cancel_source": wanted.source})
    if isinstance(result, Refusal):
        annotate(refusal=result.message)
        return render.cancel_refusal(result)
    return render.session_response(result)


@blueprint.get("/v2/payments/<session_id>")
def status(session_id: str):
    annotate(endpoint="status", order_id=session_id)
    merchant = auth.authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.credentials_invalid()
    found = _session(session_id, merchant)
    return found if isinstance(found, Response) else render.session_response(found)


def _session(session_id: str, merchant: Merchant) -> Order | Response:
    """The session `session_id` of `merchant`, or Pivot's 422 answer (expiry applied)."""
    key = session_id.lower()
    book = sandbox().book
    order = book.find("pivot", key) if _UUID.fullmatch(key) else None
    if order is None or order.transaction_id != key:
        by_reference = book.find("pivot", session_id, merchant.id)
        annotate(lookup=f"{session_id!r} is the clientReferenceId of session "
                        f"{by_reference.transaction_id}; {{id}} is the session id"
                 if by_reference is not None else f"no payment session {session_id!r}")
        return render.payment_not_found()
    if order.merchant != merchant.id:
        annotate(lookup=f"session {key} belongs to merchant {order.merchant}, not {merchant.id}")
        return render.merchant_mismatch()
    return order
