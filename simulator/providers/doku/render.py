"""DOKU Checkout response bodies and error catalogue (fact sheet §2, §4, §6, §7).

DOKU answers in two envelopes:
- header/auth (and, here, request-level) errors:
  `{"error": {"code": "...", "message": "<string>", "type": "invalid_request_error"}}`;
- business answers: `{"message": ["<STRING>", ...]}`, plus `"response": {...}` on success.
Every answer of the catalogue is one constant below: (HTTP status, code, message).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Response

from ...orders import CHANNEL_NOT_SUPPORTED, FEATURE_DISABLED, NOT_FOUND, Order, Refusal
from ...wire import json_response, sandbox
from .rules import TIMESTAMP_WINDOW, channel_info

WIB = timezone(timedelta(hours=7))
ERROR_TYPE = "invalid_request_error"

# -- header/auth envelope: (HTTP status, code, message) ------------------------------------
MISSING_HEADER = (400, "invalid_header_request", "Header {} is required")
REQUEST_ID_TOO_LONG = (400, "invalid_header_request", "Header Request-Id must be at most {} characters")
TIMESTAMP_FORMAT = (400, "invalid_header_request", "Invalid format Header Request-Timestamp")
TIMESTAMP_RANGE = (400, "request_time_out_of_range",
                   f"Header Request-Timestamp is not in +- {int(TIMESTAMP_WINDOW.total_seconds())} second of now")
UNKNOWN_CLIENT = (400, "invalid_client_id", "Invalid Client-Id")
BAD_SIGNATURE = (400, "invalid_signature", "Invalid Header Signature")
ORDER_NOT_FOUND = (404, "order_not_found", "Order not found")
REQUEST_ID_REUSED = (409, "idempotent_request",
                     "Request-Id has already been used for a different request; use a new Request-Id")
REQUEST_IN_FLIGHT = (409, "idempotent_request",
                     "A request with this Request-Id is still being processed; check later")

# The recorded production answer: no code, no type.
CANCEL_NOT_ACTIVATED = (400, {"error": {"message": "Merchant not support cancel order, please do "
                                                   "activation through DOKU dashboard."}})

# -- business envelope: refused cancels by current status, then by channel ------------------
ALREADY = {
    "SUCCESS": "ORDER ALREADY PAID",
    "REFUNDED": "ORDER ALREADY REFUNDED",
    "EXPIRED": "ORDER ALREADY EXPIRED",
    "CANCELLED": "ORDER ALREADY CANCELLED",
}
CHANNEL_NOT_SUPPORTED_MESSAGE = "PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION"

# -- generic HTTP errors (unknown path, wrong method, body too large, faults) --------------
GENERIC = {
    400: ("invalid_request", "Bad Request"),
    404: ("not_found", "Not Found"),
    405: ("method_not_allowed", "Method Not Allowed"),
    413: ("request_entity_too_large", "Request body is too large"),
    500: ("internal_server_error", "Internal Server Error"),
    502: ("bad_gateway", "Bad Gateway"),
    503: ("service_unavailable", "Service Unavailable"),
    504: ("gateway_timeout", "Gateway Timeout"),
}

# status → (order.status, transaction.status) in Check Status. None: field is null.
STATUS_FIELDS = {
    "ORDER_GENERATED": ("ORDER_GENERATED", None),
    "ORDER_RECOVERED": ("ORDER_RECOVERED", None),
    "PENDING":         ("ORDER_GENERATED", "PENDING"),
    "REDIRECT":        ("ORDER_GENERATED", "REDIRECT"),
    "TIMEOUT":         ("ORDER_GENERATED", "TIMEOUT"),
    "FAILED":          ("ORDER_GENERATED", "FAILED"),
    "SUCCESS":         ("ORDER_GENERATED", "SUCCESS"),
    "REFUNDED":        ("ORDER_GENERATED", "REFUNDED"),
    "EXPIRED":         ("ORDER_EXPIRED", "EXPIRED"),
    "CANCELLED":       ("CANCELLED", None),
}


# -- envelopes -----------------------------------------------------------------------------

def error(entry: tuple[int, str, str], *args) -> Response:
    status, code, message = entry
    return json_response(error_body(code, message.format(*args)), status)


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "type": ERROR_TYPE}}


def business_error(*messages: str) -> tuple[dict, int]:
    return {"message": list(messages)}, 400


def http_error(code: int, message: str | None = None) -> Response:
    """A request-level error with the real HTTP status: the provider's `error_response`."""
    name, default = GENERIC.get(code, ("error", message or "Error"))
    if code == 413:
        message = f"Request body is too large; the limit is {sandbox().settings.max_body_bytes} bytes"
    elif code != 400 or not message:
        message = default
    return json_response(error_body(name, message), code)


def refusal(result: Refusal) -> tuple[dict, int]:
    """Every refused cancel as (body, HTTP status)."""
    if result.reason == NOT_FOUND:
        status, code, message = ORDER_NOT_FOUND
        return error_body(code, message), status
    if result.reason == FEATURE_DISABLED:
        status, body = CANCEL_NOT_ACTIVATED
        return body, status
    if result.reason == CHANNEL_NOT_SUPPORTED or result.status not in ALREADY:
        return business_error(CHANNEL_NOT_SUPPORTED_MESSAGE)
    return business_error(ALREADY[result.status])


# -- bodies ----------------------------------------------------------------------------------

def cancelled(order: Order, note: str) -> dict:
    return {"message": ["SUCCESS"],
            "response": {"order": {"invoice_number": order.order_id, "status": "CANCELLED"},
                         "payment": {"original_request_id": order.transaction_id},
                         "note": note}}


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def wib_stamp(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y%m%d%H%M%S")


def status_body(order: Order) -> dict:
    """Check Status (§7). A cancelled order reads `order.status` CANCELLED and keeps the
    transaction status it had when it was cancelled (null if no channel was chosen)."""
    order_status, transaction_status = STATUS_FIELDS[order.status]
    if order.status == "CANCELLED":
        before = next((t.from_status for t in reversed(order.history) if t.to_status == "CANCELLED"), None)
        transaction_status = STATUS_FIELDS.get(before, (None, None))[1]
    if order.channel is None:
        transaction_status = None
    service, acquirer = channel_info(order.channel)
    body = {
        "order": {"invoice_number": order.order_id, "amount": amount(order),
                  "status": order_status},
        "transaction": {"status": transaction_status, "type": "PAYMENT",
                        "date": utc_stamp(order.history[-1].at if order.history else order.created_at),
                        "original_request_id": order.transaction_id},
        "service": {"id": service},
        "acquirer": {"id": acquirer, "name": acquirer} if acquirer else {"id": None},
        "channel": {"id": order.channel},
    }
    body.update(channel_blocks(order))
    return body


ORIGIN = {"product": "CHECKOUT", "system": "mid-jokul-checkout-system", "api_format": "JOKUL",
          "source": "direct"}
OUTCOMES = ("SUCCESS", "FAILED")      # a payment attempt that ended: its block is reported


def payment_outcome(order: Order):
    """The last transition into SUCCESS or FAILED (the payment the blocks report), if any."""
    return next((t for t in reversed(order.history) if t.to_status in OUTCOMES), None)


def channel_blocks(order: Order) -> dict:
    """The channel blocks of Check Status and the notification (§7, §8), from the order's own
    numbers: `virtual_account_info` (+ `virtual_account_payment` once a payment ended),
    `online_to_offline_info` (+ `online_to_offline_payment`), `emoney_payment` for e-money
    and QRIS once paid; then `additional_info.origin`."""
    service, _ = channel_info(order.channel)
    extra, outcome = order.extra, payment_outcome(order)
    created = wib_stamp(order.created_at)
    expires = wib_stamp(order.expires_at) if order.expires_at else None
    blocks: dict = {}
    if service == "VIRTUAL_ACCOUNT":
        blocks["virtual_account_info"] = {
            "virtual_account_number": extra.get("virtual_account_number"),
            "created_date": created, "expired_date": expires, "reusable_status": False}
        if outcome is not None:
            blocks["virtual_account_payment"] = {
                "identifier": [{"name": "REQUEST_ID", "value": extra.get("payment_request_id")},
                               {"name": "REFERENCE", "value": extra.get("payment_reference")},
                               {"name": "CHANNEL_TYPE", "value": "6014"}],
                "reference_number": extra.get("payment_reference"),
                "date": wib_stamp(outcome.at), "status": outcome.to_status}
    elif service == "ONLINE_TO_OFFLINE":
        blocks["online_to_offline_info"] = {"payment_code": extra.get("payment_code"),
                                            "created_date": created, "expired_date": expires}
        if outcome is not None:
            blocks["online_to_offline_payment"] = {
                "identifier": [{"name": "AGENT_ID", "value": extra.get("store_agent_id")}],
                "date": wib_stamp(outcome.at), "status": outcome.to_status}
    elif service in ("EMONEY", "QRIS") and outcome is not None and outcome.to_status == "SUCCESS":
        blocks["emoney_payment"] = {"account_id": extra.get("emoney_account_id"),
                                    "approval_code": extra.get("approval_code")}
    blocks["additional_info"] = {"origin": dict(ORIGIN)}
    return blocks


def amount(order: Order):
    return int(order.amount) if order.amount == order.amount.to_integral_value() else float(order.amount)
