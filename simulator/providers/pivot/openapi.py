"""The OpenAPI 3.1 document of the Pivot paths the simulator emulates (fact sheet §2–§7,
create sheet §4 for the list).

An access token (`POST /v1/access-token` with the merchant id and secret headers) is the
Bearer credential of `/v2/payments/…`. Success is `{"code": "00", "message": "Success",
"data": …}`; every error is `{"code", "message", "error": {"type", "source", "details":
[{"field", "message"}], "traceId"}}`.
"""

from __future__ import annotations

from ...openapi.fragments import (array, json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, response_ref, string, with_generic_errors)
from . import listing, render
from .rules import CANCEL_EVENT_BY_SOURCE, CANCELLATION_REASONS, PAYMENT_METHOD_TYPES, STATUSES

TIMESTAMP = string("RFC 3339 UTC", format="date-time")
MONEY = obj({"value": {"type": "number"}, "currency": string()}, ["value", "currency"])


def success(data: dict) -> dict:
    return obj({"code": {"const": "00"}, "message": {"const": "Success"}, "data": data},
               ["code", "message", "data"])


SCHEMAS = {
    "Error": obj({"code": string(enum=list(render.CODES)), "message": string(), "error": obj({
        "type": string(), "source": string(),
        "details": array(obj({"field": string(), "message": string()}, ["field", "message"])),
        "traceId": string(pattern="^[0-9a-f]{32}$")}, ["type", "source", "details", "traceId"])},
        ["code", "message", "error"]),
    "Money": MONEY,
    "Session": obj({
        "id": string("the payment-session id (a UUID)"), "clientReferenceId": string(),
        "amount": ref("Money"), "autoConfirm": {"type": "boolean"}, "mode": string(),
        "redirectUrl": nullable(obj({name: string() for name in
                                     ("successReturnUrl", "failureReturnUrl", "expirationReturnUrl")})), "paymentType": string(enum=["SINGLE", "MULTIPLE"]),
        "paymentMethod": {}, "statementDescriptor": nullable(string()),
        "saveForFutureUse": {"type": "boolean"}, "showSavedPayment": {"type": "boolean"},
        "expirationMode": string(), "status": string(enum=list(STATUSES)),
        "createdAt": TIMESTAMP, "updatedAt": TIMESTAMP, "expiryAt": nullable(TIMESTAMP),
        "paymentUrl": string(), "chargeDetails": nullable(array(obj({
            "id": nullable(string()), "paymentSessionId": string(), "amount": ref("Money"),
            "status": string(), "isCaptured": {"type": "boolean"}}, ["paymentSessionId", "status"]))),
        "cancelledAt": TIMESTAMP, "cancellationReason": nullable(string()),
        "metadata": {"type": "object"}, "bypassStatusPage": {"type": "boolean"},
    }, ["id", "clientReferenceId", "amount", "mode", "paymentType", "status", "createdAt", "updatedAt"]),
    "SessionAnswer": success(ref("Session")),
    "SessionList": obj({"code": {"const": "00"}, "message": {"const": "Success"},
                        "data": array(ref("Session")),
                        "pagination": obj({name: {"type": "integer", "minimum": 0} for name in
                                           ("page", "perPage", "totalItems", "totalPages")},
                                          ["page", "perPage", "totalItems", "totalPages"])},
                       ["code", "message", "data", "pagination"]),
    "AccessToken": success(obj({"accessToken": string("a JWT"), "expiresIn": string(pattern="^[0-9]+$"),
                                "tokenType": {"const": "Bearer"}}, ["accessToken", "expiresIn", "tokenType"])),
    "CancelRequest": obj({"cancellationReason": string(enum=list(CANCELLATION_REASONS)),
                          "source": string(enum=list(CANCEL_EVENT_BY_SOURCE))}, ["cancellationReason"]),
    "CreateRequest": obj({
        "clientReferenceId": string("letters, digits and '-', 1–100", pattern="^[a-zA-Z0-9-]{1,100}$"),
        "amount": obj({"value": {"type": "number", "exclusiveMinimum": 0}, "currency": string(enum=["IDR"])},
                      ["value"]),
        "mode": string(enum=["REDIRECT", "API"]), "paymentType": string(enum=["SINGLE", "MULTIPLE"]),
        "autoConfirm": {"type": "boolean"},
        "paymentMethod": obj({"type": string(enum=list(PAYMENT_METHOD_TYPES))}),
        "paymentMethodOptions": obj({"virtualAccount": obj({"channel": string()}),
                                     "ewallet": obj({"channel": string()}), "qr": {"type": "object"},
                                     "card": {"type": "object"}}),
        "redirectUrl": obj({name: string(format="uri") for name in
                            ("successReturnUrl", "failureReturnUrl", "expirationReturnUrl")}),
        "expiryAt": string("RFC 3339, in the future (default now + 15 min)"),
        "statementDescriptor": string(maxLength=20), "customer": {"type": "object"},
        "metadata": {"type": "object", "description": "at most 512 characters serialised"},
    }, ["clientReferenceId", "amount"]),
    "TokenRequest": obj({"grantType": string(enum=["client_credentials"])}, ["grantType"]),
}
SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "the accessToken of POST /v1/access-token"},
    "merchantId": {"type": "apiKey", "in": "header", "name": "X-MERCHANT-ID"},
    "merchantSecret": {"type": "apiKey", "in": "header", "name": "X-MERCHANT-SECRET"},
}


def error(description: str, code: str, detail: str) -> dict:
    message, kind, source = render.CODES[code]
    return json_response(description, ref("Error"), {"code": code, "message": message, "error": {
        "type": kind, "source": source, "details": [{"field": "", "message": detail}],
        "traceId": "0" * 32}})


RESPONSES = {
    "Unauthorized": error("missing, malformed, expired or unknown credentials",
                          "credentials_invalid", render.REQUEST_NEW_TOKEN),
    "Invalid": error("the body does not decode or validate", "api_validation_error", render.INVALID_PAYLOAD),
    "Unprocessable": error("no such session, another merchant's, or (cancel) a status that cannot "
                           "be cancelled", "api_validation_error", render.PAYMENT_NOT_FOUND),
}
SESSION_ID = parameter("id", "path", "the payment-session id", example="f5011fb2-e205-46ad-ac20-481429ba1d32")
BEARER = [{"bearer": []}]


def paths() -> dict:
    return {
        "/v1/access-token": {"post": {
            "summary": "Get an access token", "security": [{"merchantId": [], "merchantSecret": []}],
            "requestBody": json_body(ref("TokenRequest"), required=False, example={"grantType": "client_credentials"},
                                     description="optional: no body at all means client_credentials"),
            "responses": with_generic_errors({
                "200": json_response("the token", ref("AccessToken")),
                "400": response_ref("Invalid"), "401": response_ref("Unauthorized")}, body=True)}},
        "/v2/payments": {"post": {
            "summary": "Create a payment session", "security": BEARER,
            "parameters": [parameter("X-REQUEST-ID", "header", "idempotency key, 16–36 characters, kept 24 h",
                                     required=True, example="req-0000000000000001")],
            "requestBody": json_body(ref("CreateRequest"), example={
                "clientReferenceId": "INV-20260513-0001", "amount": {"value": 150000, "currency": "IDR"},
                "redirectUrl": {"successReturnUrl": "https://merchant.example/s",
                                "failureReturnUrl": "https://merchant.example/f",
                                "expirationReturnUrl": "https://merchant.example/e"}}),
            "responses": with_generic_errors({
                "200": json_response("the new session (REDIRECT mode: send the payer to paymentUrl)",
                                     ref("SessionAnswer")),
                "400": error("the body does not decode or validate", "api_validation_error", "amount is required"),
                "401": response_ref("Unauthorized"),
                "409": error("X-REQUEST-ID reused with another body", "idempotency_error",
                             "The same Idempotency-key was provided with a different payload"),
                "422": error("a business rule: used clientReferenceId, decimal IDR, method not found…",
                             "api_validation_error", "client reference id already exist"),
            }, body=True)}, "get": {
            "summary": "The merchant's payment sessions, filtered and paged", "security": BEARER,
            "parameters": [
                parameter("clientReferenceId", "query", "exact match", required=False),
                parameter("id", "query", "a payment-session id", required=False),
                parameter("status", "query", "only sessions in this status", required=False,
                          schema=string(enum=list(STATUSES))),
                parameter("paymentMethodType", "query", "only this method type", required=False,
                          schema=string(enum=list(PAYMENT_METHOD_TYPES))),
                parameter("startDate", "query", "created at or after, YYYY-MM-DDTHH:mm:ssZ", required=False),
                parameter("endDate", "query", "created at or before, YYYY-MM-DDTHH:mm:ssZ", required=False),
                parameter("page", "query", "from 1 (default 1)", required=False,
                          schema={"type": "integer", "minimum": 1}),
                parameter("perPage", "query", f"1..{listing.MAX_PER_PAGE} (default {listing.DEFAULT_PER_PAGE})",
                          required=False, schema={"type": "integer", "minimum": 1,
                                                  "maximum": listing.MAX_PER_PAGE}),
                parameter("sort", "query", "by createdAt (default ASC)", required=False,
                          schema=string(enum=list(listing.SORTS))),
                parameter("sortBy", "query", "createdAt only", required=False, schema=string(enum=["createdAt"]))],
            "responses": with_generic_errors({
                "200": json_response("a page of sessions (an empty list when nothing matches)", ref("SessionList")),
                "400": error("a query value is not valid", "api_validation_error",
                             "invalid page format. Use number format instead"),
                "401": response_ref("Unauthorized")})}},
        "/v2/payments/{id}/cancel": {"post": {
            "summary": "Cancel a payment session", "parameters": [SESSION_ID], "security": BEARER,
            "requestBody": json_body(ref("CancelRequest"), example={"cancellationReason": "REQUESTED_BY_CUSTOMER"}),
            "responses": with_generic_errors({
                "200": json_response("the cancelled session", ref("SessionAnswer")),
                "400": error("the body is invalid, or the session waits for the customer's action",
                             "api_validation_error", render.INVALID_PAYLOAD),
                "401": response_ref("Unauthorized"), "422": response_ref("Unprocessable")}, body=True)}},
        "/v2/payments/{id}": {"get": {
            "summary": "A payment session", "parameters": [SESSION_ID], "security": BEARER,
            "responses": with_generic_errors({
                "200": json_response("the session", ref("SessionAnswer")),
                "401": response_ref("Unauthorized"), "422": response_ref("Unprocessable")})}},
    }


def document() -> dict:
    return provider_document(
        "pivot", "Pivot Payment Session API v2 (simulated)",
        "Access token, create, list, cancel and status of Pivot payment sessions, as the simulator answers them.",
        paths(), schemas=SCHEMAS, error=ref("Error"), security_schemes=SECURITY, responses=RESPONSES)
