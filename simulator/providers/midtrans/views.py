"""Midtrans' real paths: POST /v2/{id}/cancel, POST /v2/{id}/expire, GET /v2/{id}/status.

`{id}` is the merchant's order_id or Midtrans' transaction_id. Flow per call: Basic auth
→ look the order up among the authenticated merchant's orders → (cancel/expire) honour
`Idempotency-Key`, then move the order through the engine → render.
"""

from __future__ import annotations

from flask import Blueprint

from ...orders import Refusal
from ...wire import BodyError, annotate, call, json_response, read_json, sandbox
from . import render
from .auth import authenticate
from .charge_request import ORDER_ID
from .idempotency_key import honour

blueprint = Blueprint("midtrans", __name__)

# an order_id (charge_request.ORDER_ID: up to 50 of letters, digits, - _ ~ . space :) or a
# transaction_id (a UUID, 36 chars)
_PLAUSIBLE_ID = ORDER_ID


@blueprint.post("/v2/<tx_id>/cancel")
def cancel(tx_id: str):
    return _act(tx_id, "cancel", "cancel", render.CANCELLED)


@blueprint.post("/v2/<tx_id>/expire")
def expire(tx_id: str):
    return _act(tx_id, "force_expire", "expire", render.EXPIRED_BY_API)


@blueprint.get("/v2/<tx_id>/status")
def status(tx_id: str):
    annotate(endpoint="status", order_id=tx_id)
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.unauthorized()
    order = _find(tx_id, merchant.id)
    if order is None:
        return render.not_found()
    return json_response(render.status_body(order, merchant.credentials["server_key"]))


def _find(tx_id: str, merchant_id: str):
    if not _PLAUSIBLE_ID.fullmatch(tx_id):
        annotate(lookup=f"{tx_id!r} is neither a Midtrans order_id (letters, digits, - _ ~ . "
                        "space :, max 50) nor a transaction_id")
        return None
    return sandbox().book.find("midtrans", tx_id, merchant_id)


def _act(tx_id: str, event: str, endpoint: str, success: tuple[str, str]):
    annotate(endpoint=endpoint, order_id=tx_id)
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.unauthorized()
    try:
        read_json()   # the body is ignored (clients send {}, nothing, or null) but must parse
    except BodyError as exc:
        return render.bad_request(str(exc))

    return honour(merchant, lambda: _transition(tx_id, event, merchant, success),
                  remember=lambda body, _: body["status_code"] == success[0])   # only successes replay


def _transition(tx_id: str, event: str, merchant, success: tuple[str, str]) -> tuple[dict, int]:
    order = _find(tx_id, merchant.id)
    if order is None:
        return render.error_body(404, render.NOT_FOUND_MESSAGE), 200
    result = sandbox().book.apply(order, event, source="api", merchant=merchant)
    if isinstance(result, Refusal):
        annotate(refusal=result.message)
        return render.refusal_body(result), 200
    return render.transaction(result, *success), 200
