"""DOKU Checkout's real paths: POST /checkout/v3/cancellations and
GET /orders/v1/status/{invoice_number or Request-Id}.

Cancel flow: headers and signature (`auth.py`) → Request-Id idempotency → body fields →
Cancel Order activation → the order whose invoice_number AND original_request_id match,
among this merchant's orders → the engine → render.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ... import idempotency
from ...orders import NOT_FOUND, Refusal
from ...wire import BodyError, annotate, json_response, raw_body, read_json, sandbox
from . import render, rules
from .auth import Caller, authenticate

blueprint = Blueprint("doku", __name__)

REPLAY_CACHE = "doku-request-id"
# body field path → maximum length
CANCEL_FIELDS = {("order", "invoice_number"): rules.INVOICE_NUMBER_MAX,
                 ("payment", "original_request_id"): rules.REQUEST_ID_MAX,
                 ("note",): rules.NOTE_MAX}


@blueprint.post("/checkout/v3/cancellations")
def cancel():
    annotate(endpoint="cancel")
    caller = authenticate()
    if isinstance(caller, Response):
        return caller
    return once_per_request_id(caller, lambda: _cancel(caller))


def once_per_request_id(caller: Caller, work) -> Response:
    """`work()`'s (body, status) under DOKU's Request-Id idempotency (cancel and create): the
    same Request-Id with the same body → 409 with the first answer; with another body, or
    while the first is still running → 409 `idempotent_request`."""
    outcome = idempotency.once(sandbox().replay_cache(REPLAY_CACHE),
                               f"{caller.merchant.id}\n{caller.request_id}",
                               idempotency.fingerprint(raw_body()), work)
    if isinstance(outcome, idempotency.InFlight):
        annotate(idempotency="the first request with this Request-Id is still being processed")
        return render.error(render.REQUEST_IN_FLIGHT)
    if isinstance(outcome, idempotency.Clash):
        annotate(idempotency="Request-Id reused with a different body")
        return render.error(render.REQUEST_ID_REUSED)
    if isinstance(outcome, idempotency.Replayed):
        annotate(idempotency=f"Request-Id seen before: 409 with the first response (HTTP {outcome.status})")
        return json_response(outcome.body, 409)
    return json_response(outcome.body, outcome.status)


@blueprint.get("/orders/v1/status/<path:key>")
def status(key: str):
    annotate(endpoint="status", order_id=key)
    caller = authenticate()
    if isinstance(caller, Response):
        return caller
    order = sandbox().book.find("doku", key, caller.merchant.id)
    if order is None:
        annotate(lookup=f"no order of merchant {caller.merchant.id} has invoice_number or "
                        f"original_request_id {key!r}")
        return render.error(render.ORDER_NOT_FOUND)
    return json_response(render.status_body(order))


def _cancel(caller: Caller) -> tuple[dict, int]:
    try:
        fields, problems = cancel_fields(read_json(required=True))
    except BodyError as exc:
        return render.business_error(str(exc))
    if problems:
        annotate(body=problems)
        return render.business_error(*problems)
    invoice, original, note = fields
    annotate(order_id=invoice)
    merchant = caller.merchant
    not_activated = rules.cancel_activated(None, merchant)
    if not_activated is not None:
        return render.refusal(not_activated)
    book = sandbox().book
    order = book.get("doku", merchant.id, invoice)
    if order is None or order.transaction_id != original:
        annotate(lookup=f"merchant {merchant.id} has no order with invoice_number {invoice!r}"
                 if order is None else
                 f"order {invoice!r} was created with Request-Id {order.transaction_id!r}, "
                 f"not {original!r}")
        return render.refusal(Refusal(NOT_FOUND, "order not found"))
    result = book.apply(order, "cancel", source="api", merchant=merchant, extra={"cancel_note": note})
    if isinstance(result, Refusal):
        annotate(refusal=result.message)
        return render.refusal(result)
    return render.cancelled(result, note), 200


def cancel_fields(body: Any) -> tuple[tuple[str, ...], list[str]]:
    """(invoice_number, original_request_id, note) and the problems found, each naming the
    field. Unknown keys are ignored."""
    if not isinstance(body, dict):
        return (), [f"request body must be a JSON object, not {_json_type(body)}"]
    values, problems = [], []
    for path, limit in CANCEL_FIELDS.items():
        name = ".".join(path)
        value: Any = body
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"{name} is required")
        elif not isinstance(value, str):
            problems.append(f"{name} must be a string, not {_json_type(value)}")
        elif len(value) > limit:
            problems.append(f"{name} must be at most {limit} characters")
        values.append(value)
    return tuple(values), problems


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null", int: "a number", float: "a number"}.get(type(value), "a value")
