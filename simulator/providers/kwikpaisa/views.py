"""KwikPaisa's real paths: POST /api/v3/pg/order/cancel and POST /api/v3/pg/order/status.

Flow per call: headers, API key and timestamp (`auth.identify`) → read the body once →
signature over it (`auth.verify`) → `order_id` from the body → look it up among the
merchant's orders (another merchant's order: 409) → cancel through the engine, or render
the status.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ...merchants import Merchant
from ...orders import Order, Refusal
from ...wire import annotate, call, raw_body, sandbox
from . import auth, features, payload, render

blueprint = Blueprint("kwikpaisa", __name__)


@blueprint.post("/api/v3/pg/order/cancel")
def cancel():
    return _serve("cancel")


@blueprint.post("/api/v3/pg/order/status")
def status():
    return _serve("status")


def _serve(endpoint: str) -> Response:
    annotate(endpoint=endpoint)
    try:
        caller = auth.identify(call().headers)
        body = payload.read()
        auth.verify(caller, raw_body(), body)
        sent_id = payload.order_id(body)
    except auth.AuthFailure as exc:
        return render.error(401, str(exc))
    except payload.PayloadError as exc:
        annotate(payload=str(exc))
        return render.error(400, str(exc))
    merchant = caller.merchant
    annotate(order_id=str(sent_id))
    found = _lookup(str(sent_id), merchant)
    if isinstance(found, Response):
        return found
    zone = features.time_zone(merchant)
    if endpoint == "status":
        return render.status(found, sent_id, zone)
    result = sandbox().book.apply(found, "cancel", source="api", merchant=merchant)
    if isinstance(result, Refusal):
        annotate(refusal=result.message)
        return render.refusal(result)
    return render.cancelled(result, sent_id, zone)


def _lookup(order_id: str, merchant: Merchant) -> Order | Response:
    """The merchant's order with this merchant order_id, or the documented 404 / 409."""
    book = sandbox().book
    order = book.find("kwikpaisa", order_id, merchant.id)
    if order is not None and order.order_id == order_id:
        return order
    if order is not None:
        annotate(lookup=f"{order_id!r} is the kwikX_order_id of order {order.order_id!r}; "
                        "the API takes the merchant's own order_id")
        return render.error(404, render.NOT_FOUND_MESSAGE)
    other = book.find("kwikpaisa", order_id)
    if other is not None and other.order_id == order_id:
        annotate(lookup=f"order {order_id!r} belongs to merchant {other.merchant}, not {merchant.id}")
        return render.error(409, render.PERMISSION_DENIED)
    annotate(lookup=f"merchant {merchant.id} has no order {order_id!r}")
    return render.error(404, render.NOT_FOUND_MESSAGE)
