"""Pivot response bodies and error catalogue (fact sheet §2, §4, §6, §9).

Success: `{"code":"00","message":"Success","data":…}`. Errors: `{"code","message","error":
{"type","source","details":[{"field","message"}],"traceId"}}` where `message` is the fixed
text of the code and the specific reason lives in `error.details[0].message`. Timestamps
are RFC 3339 UTC with Go's fractional seconds (trailing zeros dropped).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from flask import Response

from ...call import current as current_call
from ...orders import NOT_FOUND, Order, Refusal
from ...wire import call, json_response, own_url, sandbox
from . import rules, tokens

PAY_HOST = "https://pay-stg.pivot-payment.com"

# code → (message, error.type, error.source)
CODES = {
    "api_validation_error": ("The request was invalid, or an error occurred in downstream provider",
                             "API_ERROR", "UPSTREAM"),
    "credentials_invalid": ("Access token is invalid, please verify that the authentication is "
                            "provided and valid", "API_ERROR", "UPSTREAM"),
    "forbidden_access": ("Provided API Key does not have the correct permissions to perform the "
                         "operation", "API_ERROR", "UPSTREAM"),
    "not_found": ("The requested URL does not exist", "API_ERROR", "UPSTREAM"),
    "method_not_allowed": ("The requested method is not allowed for this URL", "API_ERROR", "UPSTREAM"),
    "idempotency_error": ("The same Idempotency-key was provided with a different payload",
                          "API_ERROR", "UPSTREAM"),
    "frequency_above_limit": ("The frequency limit of resource is reached for operation operation",
                              "API_ERROR", "UPSTREAM"),
    "internal_error": ("An internal error was encountered. Please Try again later", "API_ERROR", "SYSTEM"),
    "bad_gateway": ("An internal error was encountered. Please Try again later", "GATEWAY_ERROR", "DOWNSTREAM"),
    "service_unavailable": ("An internal error was encountered. Please Try again later",
                            "GATEWAY_ERROR", "DOWNSTREAM"),
    "gateway_timeout": ("An internal error was encountered. Please Try again later",
                        "GATEWAY_ERROR", "DOWNSTREAM"),
}
CODE_BY_HTTP = {400: "api_validation_error", 401: "credentials_invalid", 403: "forbidden_access",
                404: "not_found", 405: "method_not_allowed", 413: "api_validation_error",
                422: "api_validation_error", 429: "frequency_above_limit", 500: "internal_error",
                502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout"}

REQUEST_NEW_TOKEN = "Request new access token"
INVALID_PAYLOAD = "invalid request payload"
PAYMENT_NOT_FOUND = "payment not found"
MERCHANT_MISMATCH = "merchant id is not match"

# Refused cancels by the session's status (§6): HTTP status, details[0].message template.
CANCEL_REFUSALS = {
    rules.REQUIRE_ACTION: (400, "Payment session in REQUIRE_ACTION status can only be cancelled by "
                                "customer on payment page when using redirection method"),
    **{status: (422, "Payment session in {status} status cannot be cancelled")
       for status in (rules.PROCESSING, rules.PAID, rules.EXPIRED, rules.CANCELLED)},
}
OTHER_REFUSAL = (400, "Payment session cannot be cancelled because it is in {status} status")

# Charge status shown for a session that has a charge (§5), by session status.
CHARGE_STATUS = {rules.REQUIRE_ACTION: "WAITING_FOR_USER_ACTION", rules.PROCESSING: "PROCESSING",
                 rules.PAID: "SUCCESS", rules.EXPIRED: "EXPIRED", rules.CANCELLED: "FAILED",
                 rules.REQUIRE_PAYMENT_METHOD: "FAILED"}
CHARGED = frozenset({rules.REQUIRE_ACTION, rules.PROCESSING, rules.PAID})


# -- formats -----------------------------------------------------------------------------

def timestamp(moment: datetime) -> str:
    """RFC 3339 UTC as Go prints it: `2025-03-30T14:12:12Z`, `…:28.231875Z`."""
    utc = moment.astimezone(timezone.utc)
    fraction = f".{utc.microsecond:06d}".rstrip("0") if utc.microsecond else ""
    return f"{utc:%Y-%m-%dT%H:%M:%S}{fraction}Z"


def money(order: Order) -> dict:
    amount: Decimal = order.amount
    value = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"value": value, "currency": order.currency}


# -- the payment-session object (§4) -----------------------------------------------------

def _reached(order: Order, statuses) -> datetime | None:
    """When the order last moved into one of `statuses`, if ever."""
    return next((t.at for t in reversed(order.history) if t.to_status in statuses), None)


def _charges(order: Order, payment_type: str, updated_at: str) -> list | None:
    charged_at = _reached(order, CHARGED)
    if order.channel is None or payment_type != "SINGLE" or charged_at is None:
        return None
    paid_at = _reached(order, {rules.PAID})
    captured = order.status == rules.PAID
    zero = {"value": 0, "currency": order.currency}
    return [{
        "id": order.extra.get("charge_id"),
        "paymentSessionId": order.transaction_id,
        "paymentSessionClientReferenceId": rules.reference_of(order),
        "amount": money(order),
        "statementDescriptor": order.extra.get("statement_descriptor"),
        "status": CHARGE_STATUS.get(order.status, "FAILED"),
        "authorizedAmount": money(order) if captured else zero,
        "capturedAmount": money(order) if captured else zero,
        "isCaptured": captured,
        "createdAt": timestamp(charged_at),
        "updatedAt": updated_at,
        "paidAt": timestamp(paid_at) if paid_at else None,
        "paymentMethod": order.extra.get("payment_method"),
        # the method's block, flattened into the charge as the backend does (§3.1)
        **{k: v for k, v in (order.extra.get("payment_method") or {}).items() if k != "type"},
    }]


def payment_url(order: Order) -> str:
    """Pivot's hosted page for the session: `/detail?token=<JWT>` on this simulator (the host,
    port and mount the current request came in on); outside a request, Pivot's own host."""
    exp = int(order.expires_at.timestamp()) if order.expires_at else 0
    token = tokens.sign({"uuid": order.transaction_id, "iss": tokens.ISSUER, "exp": exp},
                        sandbox().signing_key(tokens.SIGNING_KEY))
    if current_call() is None:
        return f"{PAY_HOST}/detail?token={token}"
    return own_url("payment_page", provider="pivot", token=token)


def session(order: Order) -> dict:
    extra = order.extra
    mode = extra.get("mode", "REDIRECT")
    payment_type = "MULTIPLE" if order.status in rules.MULTIPLE_STATUSES else extra.get("payment_type", "SINGLE")
    updated_at = timestamp(order.history[-1].at if order.history else order.created_at)
    cancelled_at = _reached(order, {rules.CANCELLED}) if order.status == rules.CANCELLED else None
    expiry = cancelled_at or order.expires_at
    body = {
        "id": order.transaction_id,
        "clientReferenceId": rules.reference_of(order),
        "amount": money(order),
        "autoConfirm": extra.get("auto_confirm", False),
        "mode": mode,
        "redirectUrl": extra.get("redirect_url"),
        "paymentType": payment_type,
        "paymentMethod": extra.get("payment_method") if order.channel else None,
        "statementDescriptor": extra.get("statement_descriptor"),
        "saveForFutureUse": False,
        "showSavedPayment": False,
        "expirationMode": extra.get("expiration_mode", "LOOSE"),
        "status": order.status,
        "createdAt": timestamp(order.created_at),
        "updatedAt": updated_at,
        "expiryAt": timestamp(expiry) if expiry else None,
    }
    if mode == "REDIRECT":
        body["paymentUrl"] = payment_url(order)
    body["chargeDetails"] = _charges(order, payment_type, updated_at)
    if cancelled_at is not None:
        body["cancelledAt"] = timestamp(cancelled_at)
        body["cancellationReason"] = extra.get("cancellation_reason")
    body["metadata"] = extra.get("metadata", {})
    body["bypassStatusPage"] = False
    return body


def success(data) -> Response:
    return json_response({"code": "00", "message": "Success", "data": data})


def session_response(order: Order) -> Response:
    return success(session(order))


def session_list(orders: list[Order], pagination: dict) -> Response:
    return json_response({"code": "00", "message": "Success", "data": [session(o) for o in orders],
                          "pagination": pagination})


def access_token(token: str, expires_in: int) -> Response:
    return success({"accessToken": token, "expiresIn": str(expires_in), "tokenType": "Bearer"})


# -- errors (§6) ---------------------------------------------------------------------------

def error_body(code: str, detail: str, field: str = "") -> dict:
    message, kind, source = CODES[code]
    return {"code": code, "message": message, "error": {
        "type": kind, "source": source, "details": [{"field": field, "message": detail}],
        "traceId": sandbox().rand.hex(32)}}


def error(http: int, code: str, detail: str, field: str = "") -> Response:
    return json_response(error_body(code, detail, field), http)


def credentials_invalid() -> Response:
    return error(401, "credentials_invalid", REQUEST_NEW_TOKEN)


def validation_error(detail: str, http: int = 400) -> Response:
    return error(http, "api_validation_error", detail)


def payment_not_found() -> Response:
    return validation_error(PAYMENT_NOT_FOUND, 422)


def merchant_mismatch() -> Response:
    return validation_error(MERCHANT_MISMATCH, 422)


def cancel_refusal(result: Refusal) -> Response:
    """A refused cancel, by the session's status (§6)."""
    if result.reason == NOT_FOUND or result.order is None:
        return payment_not_found()
    http, template = CANCEL_REFUSALS.get(result.order.status, OTHER_REFUSAL)
    return validation_error(template.format(status=result.order.status), http)


def http_error(code: int, message: str | None = None) -> Response:
    """A request-level error (unknown path, wrong method, big body, fault): `error_response`."""
    pivot_code = CODE_BY_HTTP.get(code, "internal_error" if code >= 500 else "api_validation_error")
    if code == 413:
        detail = f"request body is too large; the limit is {sandbox().settings.max_body_bytes} bytes"
    elif code in (404, 405):
        detail = f"{call().method} {call().path}: {CODES[pivot_code][0]}"
    elif code == 401:
        detail = REQUEST_NEW_TOKEN
    else:
        detail = message or CODES[pivot_code][0]
    return error(code, pivot_code, detail)
