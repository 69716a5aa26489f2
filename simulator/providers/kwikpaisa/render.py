"""KwikPaisa response bodies and error catalogue (§4, §6, §7, §9).

Two envelopes, as documented:

    success  {"code": "200", "status": "success", "message": …, "return_data": {…}}
    error    {"status": false, "code": <int, the HTTP status>, "message": …}

Times are `dd-MM-yyyy hh:mm AM` in the merchant's `time_zone` feature; amounts are
strings with two decimals; `order_id` is echoed in the type the client sent.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from flask import Response

from ...orders import NOT_FOUND, Order, Refusal
from ...wire import json_response, sandbox
from .rules import ATTEMPT_STATUSES

CANCELLED = "Order cancelled successfully."
STATUS_FETCHED = "Order status fetched successfully."
NOT_FOUND_MESSAGE = "Order not found."
PERMISSION_DENIED = "Permission denied."

# Statuses whose status body carries the time the order entered them.
TIMESTAMPED = {"PAID": "paid_at", "CANCELLED": "cancelled_at"}

# Generic HTTP errors (unknown path, wrong method, big body, injected faults).
GENERIC_MESSAGES = {
    400: "Invalid payload.",
    401: "Unauthorized.",
    403: "Access denied.",
    404: "Resource not found.",
    405: "Method not allowed. Use POST.",
    409: "Duplicate request conflict.",
    422: "Validation failed.",
    429: "Too many requests.",
    500: "Internal server error.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable.",
    504: "Gateway timeout.",
}


def wire_time(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).strftime("%d-%m-%Y %I:%M %p") if moment else None


def success(message: str, return_data: dict) -> Response:
    return json_response({"code": "200", "status": "success", "message": message,
                          "return_data": return_data})


def error(code: int, message: str) -> Response:
    return json_response({"status": False, "code": code, "message": message}, code)


def cancelled(order: Order, sent_id: int | str, zone: tzinfo) -> Response:
    return success(CANCELLED, {"order_id": sent_id, "order_status": order.status,
                               "cancelled_at": wire_time(_entered(order, "CANCELLED"), zone)})


def status(order: Order, sent_id: int | str, zone: tzinfo) -> Response:
    attempted = order.status in ATTEMPT_STATUSES or any(
        t.to_status in ATTEMPT_STATUSES for t in order.history)
    data = {
        "kwikX_order_id": order.transaction_id,
        "order_id": sent_id,
        "order_amount": f"{order.amount:.2f}",
        "currency": order.currency,
        "order_status": order.status,
        "payment_method": order.channel if attempted else None,
        "transaction_id": order.extra.get("payment_transaction_id") if attempted else None,
        "created_at": wire_time(order.created_at, zone),
    }
    if order.status in TIMESTAMPED:
        data[TIMESTAMPED[order.status]] = wire_time(_entered(order, order.status), zone)
    return success(STATUS_FETCHED, data)


def _entered(order: Order, status_name: str) -> datetime | None:
    """When the order last entered `status_name` (its creation, for a seeded order)."""
    return next((t.at for t in reversed(order.history) if t.to_status == status_name), None)


def refusal(result: Refusal) -> Response:
    if result.reason == NOT_FOUND:
        return error(404, NOT_FOUND_MESSAGE)
    return error(422, f"Order cannot be cancelled. Current status: {result.status}.")


def http_error(code: int, message: str | None = None) -> Response:
    """A request-level error in KwikPaisa's error envelope: the provider's `error_response`."""
    if code == 413:
        message = (f"Request body is too large; the limit is "
                   f"{sandbox().settings.max_body_bytes} bytes.")
    else:
        message = GENERIC_MESSAGES.get(code, message or "Error.")
    return error(code, message)
