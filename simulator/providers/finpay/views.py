"""Finpay PG's real paths: GET /pg/payment/card/cancel/{orderId} and
GET /pg/payment/card/void/{orderId} (each with an optional JSON body), POST
/pg/payment/card/void (the order in the body), and GET /pg/payment/card/check/{orderId}.

Flow of a change (cancel, void): Basic auth → the orderId must be Alpha Dash (1–30) → the
optional body must parse → look the order up among the authenticated merchant's orders →
the body must agree with it → move it through the engine → Finpay's envelope.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ...merchants import Merchant
from ...orders import Refusal
from ...wire import annotate, call, sandbox
from . import payload, render
from .auth import authenticate
from .payload import PayloadError

blueprint = Blueprint("finpay", __name__)


@blueprint.get("/pg/payment/card/cancel/<order_id>")
def cancel(order_id: str):
    return _change(order_id, "cancel", render.CANCELLED, render.INVALID_TRANSACTION_STATUS)


@blueprint.get("/pg/payment/card/void/<order_id>")
def void(order_id: str):
    return _change(order_id, "void", render.CANCELLED, render.TRANSACTION_NOT_PERMITTED)


@blueprint.post("/pg/payment/card/void")
def void_by_body():
    """The OpenAPI rendering's shape: the order named in the body (`order.id` mandatory)."""
    annotate(endpoint="void")
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.reply(render.UNAUTHORIZED)
    try:
        reference = payload.order_reference()
    except PayloadError as exc:
        annotate(body=exc.detail)
        return render.reply(exc.answer, exc.detail)
    if reference.order_id is None:
        annotate(body="order.id is required when the order is not in the path")
        return render.reply(render.INVALID_MANDATORY_FIELD, "order.id")
    return _change(reference.order_id, "void", render.CANCELLED, render.TRANSACTION_NOT_PERMITTED)


@blueprint.get("/pg/payment/card/check/<order_id>")
def check(order_id: str):
    merchant = _caller("check", order_id)
    if not isinstance(merchant, Merchant):
        return merchant
    order = sandbox().book.get("finpay", merchant.id, order_id)   # a body, if any, is ignored
    if order is None:
        return render.reply(render.TRANSACTION_NOT_FOUND)
    return render.reply(render.SUCCESS, data=render.check_data(order))


def _change(order_id: str, event: str, success: render.Answer, not_allowed: render.Answer) -> Response:
    """Cancel or void `order_id`: the one flow both follow, refusals included."""
    merchant = _caller(event, order_id)
    if not isinstance(merchant, Merchant):
        return merchant
    try:
        reference = payload.order_reference()
        order = sandbox().book.get("finpay", merchant.id, order_id)
        if order is None:
            return render.reply(render.TRANSACTION_NOT_FOUND)
        payload.check_against(reference, order)
    except PayloadError as exc:
        annotate(body=exc.detail)
        return render.reply(exc.answer, exc.detail)
    result = sandbox().book.apply(order, event, source="api", merchant=merchant)
    if isinstance(result, Refusal):
        annotate(refusal=result.message)
        return render.refusal(result, not_allowed)
    return render.reply(success)


def _caller(endpoint: str, order_id: str) -> Merchant | Response:
    """The authenticated merchant, or the answer that refuses the call."""
    annotate(endpoint=endpoint, order_id=order_id)
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        return render.reply(render.UNAUTHORIZED)
    if not payload.valid_order_id(order_id):
        detail = "orderId must be 1-30 letters, digits, '-' or '_'"
        annotate(lookup=f"{order_id[:60]!r}: {detail}")
        return render.reply(render.INVALID_FIELD_FORMAT, detail)
    return merchant
