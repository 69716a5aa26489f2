"""Midtrans response bodies and error catalogue (fact sheet §4, §6, §7, §11).

The HTTP line and the body `status_code` differ on purpose: business outcomes (404 not
found, 407 expired, 412 cannot update) travel under HTTP 200 with the code in the body;
request-level failures (400, 401, 405, 413, 5xx) use the real HTTP status. Bodies are
always JSON objects with a numeric-string `status_code`, because the official clients
call `.keys()` and `int()` on them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from flask import Response

from ...orders import NOT_FOUND, Order, Refusal
from ...wire import json_response, sandbox

JAKARTA = timezone(timedelta(hours=7))

NOT_FOUND_MESSAGE = "Transaction doesn't exist."
CANNOT_UPDATE_MESSAGE = "Transaction status cannot be updated."   # the live sandbox wording
UNAUTHORIZED_MESSAGE = "Transaction cannot be authorized with the current client/server key."
# create (create sheet §7)
INVALID_MESSAGE = "One or more parameters in the payload is invalid."
DUPLICATE_MESSAGE = ("The request could not be completed due to a conflict with the current state "
                     "of the target resource, please try again")
NOT_ACTIVATED_MESSAGE = "Payment channel is not activated."
TOKEN_MESSAGE = "Token id is missing, invalid, or timed out"
SYNTAX_MESSAGE = "The request cannot be processed due to syntax error in the request body"
UNEXPECTED_MESSAGE = "Sorry. Our system is recovering from unexpected issues. Please retry."
SNAP_UNAUTHORIZED = ["Access denied due to unauthorized transaction, please check client or server key",
                     "Visit https://snap-docs.midtrans.com/#request-headers for more details"]
SNAP_TAKEN = "transaction_details.order_id has already been taken"
SNAP_BAD_JSON = "There was a problem in the JSON you submitted"

# GET /v2/{id}/status: body status_code and message per transaction_status (§6, §7).
STATUS_ANSWER = {
    "pending":            ("201", "Success, transaction is found"),
    "authorize":          ("200", "Success, transaction is found"),
    "capture":            ("200", "Success, transaction is found"),
    "settlement":         ("200", "Success, transaction is found"),
    "cancel":             ("200", "Success, transaction is found"),
    "expire":             ("407", "Success, transaction is expired"),
    "deny":               ("202", "Success, transaction is found"),
    "failure":            ("202", "Success, transaction is found"),
    "refund":             ("200", "Success, transaction is found"),
    "partial_refund":     ("200", "Success, transaction is found"),
    "chargeback":         ("200", "Success, transaction is found"),
    "partial_chargeback": ("200", "Success, transaction is found"),
}
CANCELLED = ("200", "Success, transaction is canceled")
EXPIRED_BY_API = ("407", "Success, transaction has expired")

# Wire fields a seeded order may carry in `extra`, copied as they are.
METHOD_FIELDS = ("masked_card", "card_type", "approval_code", "eci", "va_numbers",
                 "permata_va_number", "bill_key", "biller_code", "payment_code", "store",
                 "acquirer", "actions", "channel_response_code", "channel_response_message",
                 "custom_field1", "custom_field2", "custom_field3", "metadata")

# Generic HTTP errors (unknown path, wrong method, big body, faults): real HTTP line.
GENERIC_MESSAGES = {
    400: "Bad request",
    404: "The requested resource is not found",
    405: "HTTP method not allowed",
    413: "Request body is too large",
    500: "Internal server error",
    502: "Bank connection problem",
    503: "Service is temporarily unavailable",
    504: "Gateway timeout",
}


@lru_cache(maxsize=1024)
def jakarta_time(moment: datetime | None) -> str | None:
    """`YYYY-MM-DD HH:MM:SS` in Jakarta (isoformat, cut: strftime costs ~4 % of a cancel).
    Cached: every answer about an order shows its same two or three instants again, and a
    scenario's generated orders share theirs (a lookup is a quarter of the formatting;
    equal instants in any zone show the same Jakarta time)."""
    return moment.astimezone(JAKARTA).isoformat(" ", "seconds")[:19] if moment else None


def gross_amount(amount: Decimal) -> str:
    return f"{amount:.2f}"


def signature_key(order_id: str, status_code: str, gross: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross}{server_key}".encode()).hexdigest()


def transaction(order: Order, status_code: str, status_message: str,
                server_key: str | None = None) -> dict:
    """The transaction object of §4; with `server_key`, also its `signature_key`."""
    gross = gross_amount(order.amount)
    body = {
        "status_code": status_code,
        "status_message": status_message,
        "transaction_id": order.transaction_id,
        "order_id": order.order_id,
        "merchant_id": order.merchant,
        "gross_amount": gross,
        "currency": order.currency,
        "payment_type": order.channel,
        "transaction_time": jakarta_time(order.created_at),
        "transaction_status": order.status,
    }
    if order.channel != "cstore":
        body["fraud_status"] = order.extra.get("fraud_status", "deny" if order.status == "deny" else "accept")
    if order.channel == "credit_card":
        body["bank"] = order.bank
        body["channel"] = order.extra.get("card_channel", "dragon")
    for name in METHOD_FIELDS:
        if name in order.extra:
            body[name] = order.extra[name]
    if order.expires_at:
        body["expiry_time"] = jakarta_time(order.expires_at)
    settled = next((t.at for t in order.history if t.to_status == "settlement"), None)
    if settled:
        body["settlement_time"] = jakarta_time(settled)
    if server_key is not None:
        body["signature_key"] = signature_key(order.order_id, status_code, gross, server_key)
    return body


def status_body(order: Order, server_key: str) -> dict:
    code, message = STATUS_ANSWER[order.status]
    return transaction(order, code, message, server_key)


def error_body(status_code: int, message: str) -> dict:
    return {"status_code": str(status_code), "status_message": message, "id": sandbox().rand.uuid4()}


def refusal_body(result: Refusal) -> dict:
    """Every refused cancel/expire (sent under HTTP 200): 404 for unknown ids, else 412."""
    if result.reason == NOT_FOUND:
        return error_body(404, NOT_FOUND_MESSAGE)
    return error_body(412, CANNOT_UPDATE_MESSAGE)


def not_found() -> Response:
    return json_response(error_body(404, NOT_FOUND_MESSAGE))


def unauthorized() -> Response:
    return json_response(error_body(401, UNAUTHORIZED_MESSAGE), 401)


def bad_request(message: str) -> Response:
    return json_response(error_body(400, message), 400)


def invalid(messages: list[str]) -> dict:
    """A create request that breaks the rules (HTTP 400): every problem in validation_messages."""
    return {"status_code": "400", "status_message": INVALID_MESSAGE,
            "validation_messages": messages, "id": sandbox().rand.uuid4()}


def snap_error(messages: list[str], status: int = 400) -> Response:
    """Snap's envelope: only `error_messages`, with the real HTTP status."""
    return json_response({"error_messages": messages}, status)


def http_error(code: int, message: str | None = None) -> Response:
    """A request-level error with the real HTTP status: the provider's `error_response`."""
    if code == 413:
        message = f"Request body is too large; the limit is {sandbox().settings.max_body_bytes} bytes"
    elif code != 400 or not message:
        message = GENERIC_MESSAGES.get(code, message)
    return json_response(error_body(code, message or "Error"), code)
