"""The OpenAPI 3.1 document of the DOKU Checkout paths the simulator emulates (sheet §2–§7).

Two envelopes: header/auth and lookup errors `{"error": {"code", "message", "type"}}`
(the Cancel-not-activated answer carries only `message`), and business answers
`{"message": ["…"]}` plus `response` on success. Every request is signed: Client-Id,
Request-Id, Request-Timestamp and `Signature: HMACSHA256=<base64>` (see `signature.py`).
"""

from __future__ import annotations

from ...openapi.fragments import (array, json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, string, with_generic_errors)
from . import render
from .checkout_request import DUE_MINUTES_MAX, PAYMENT_TYPES
from .rules import CHANNEL_IDS, INVOICE_NUMBER_MAX, NOTE_MAX, REQUEST_ID_MAX

SCHEMAS = {
    "Error": obj({"error": obj({"code": string(), "message": string(),
                                "type": string(enum=[render.ERROR_TYPE])}, ["message"])}, ["error"]),
    "Messages": obj({"message": array(string())}, ["message"],
                    description="a business answer: refusals such as ORDER ALREADY PAID"),
    "Cancelled": obj({"message": array(string(enum=["SUCCESS"])), "response": obj({
        "order": obj({"invoice_number": string(), "status": string(enum=["CANCELLED"])},
                     ["invoice_number", "status"]),
        "payment": obj({"original_request_id": string()}, ["original_request_id"]),
        "note": string()}, ["order", "payment", "note"])}, ["message", "response"]),
    "CancelRequest": obj({
        "order": obj({"invoice_number": string(maxLength=INVOICE_NUMBER_MAX)}, ["invoice_number"]),
        "payment": obj({"original_request_id": string("the Request-Id that created the order",
                                                      maxLength=REQUEST_ID_MAX)}, ["original_request_id"]),
        "note": string(maxLength=NOTE_MAX)}, ["order", "payment", "note"]),
    "CheckoutRequest": obj({
        "order": obj({"amount": {"type": ["number", "string"], "description": "IDR, whole rupiah, at most 12 digits"},
                      "invoice_number": string(maxLength=INVOICE_NUMBER_MAX),
                      "currency": string(enum=["IDR"]), "callback_url": string(format="uri"),
                      "callback_url_cancel": string(format="uri"), "callback_url_result": string(format="uri"),
                      "line_items": array(obj({"name": string(), "price": {"type": "number"},
                                               "quantity": {"type": "integer", "minimum": 1}}))},
                     ["amount", "invoice_number"]),
        "payment": obj({"payment_due_date": {"type": "integer", "minimum": 1, "maximum": DUE_MINUTES_MAX,
                                             "description": "minutes until the order expires (default 60)"},
                        "type": string(enum=list(PAYMENT_TYPES)),
                        "payment_method_types": {**array(string()), "description": "channels the page "
                                                 "offers (all active ones when omitted)"}}),
        "customer": {"type": "object"},
        "additional_info": obj({"override_notification_url": string(format="uri")}),
    }, ["order"]),
    "Checkout": obj({"message": array(string(enum=["SUCCESS"])), "response": obj({
        "order": obj({"amount": string("the amount, as a string"), "invoice_number": string(),
                      "currency": string(), "session_id": string(pattern="^[0-9a-f]{32}$")},
                     ["amount", "invoice_number", "session_id"]),
        "payment": obj({"payment_method_types": array(string()), "payment_due_date": {"type": "integer"},
                        "token_id": string(pattern="^[0-9a-f]{32}[0-9]{17}$"),
                        "url": string("the checkout page, on this simulator", format="uri"),
                        "expired_date": string("WIB yyyyMMddHHmmss", pattern="^[0-9]{14}$"),
                        "expired_datetime": string("UTC"), "type": string()},
                       ["payment_method_types", "payment_due_date", "token_id", "url", "expired_date",
                        "expired_datetime"]),
        "customer": {"type": "object"},
        "additional_info": obj({"origin": {"type": "object"}}, ["origin"]),
        "headers": obj({"request_id": string(), "signature": string(), "date": string(),
                        "client_id": string()}, ["request_id", "signature", "date", "client_id"]),
    }, ["order", "payment", "additional_info", "headers"])}, ["message", "response"]),
    "Status": obj({
        "order": obj({"invoice_number": string(), "amount": {"type": "number"},
                      "status": string(enum=sorted({s for s, _ in render.STATUS_FIELDS.values()}))},
                     ["invoice_number", "amount", "status"]),
        "transaction": obj({"status": nullable(string()), "type": string(), "date": string(),
                            "original_request_id": string()}, ["status", "type", "date", "original_request_id"]),
        "service": obj({"id": nullable(string())}, ["id"]),
        "acquirer": obj({"id": nullable(string()), "name": string()}, ["id"]),
        "channel": obj({"id": nullable(string(enum=list(CHANNEL_IDS)))}, ["id"]),
        "virtual_account_info": obj({"virtual_account_number": nullable(string()),
                                     "created_date": string(), "expired_date": nullable(string()),
                                     "reusable_status": {"type": "boolean"}}),
        "online_to_offline_info": obj({"payment_code": nullable(string())}),
        "additional_info": obj({"origin": {"type": "object"}}),
    }, ["order", "transaction", "service", "acquirer", "channel"]),
}
SECURITY = {
    "clientId": {"type": "apiKey", "in": "header", "name": "Client-Id",
                 "description": "the merchant's Client-Id"},
    "signature": {"type": "apiKey", "in": "header", "name": "Signature",
                  "description": "HMACSHA256=base64(HMAC-SHA256(secret key, \"Client-Id:…\\nRequest-Id:…\\n"
                                 "Request-Timestamp:…\\nRequest-Target:<path>[\\nDigest:base64(SHA-256(body))]\"))"},
}
HEADERS = [
    parameter("Request-Id", "header", f"unique per request (at most {REQUEST_ID_MAX} characters)",
              required=True, example="cc682442-6c22-493e-8121-b9ef6b3fa728"),
    parameter("Request-Timestamp", "header", "UTC, YYYY-MM-DDTHH:MM:SSZ, within ±1 hour", required=True,
              schema=string(pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"),
              example="2026-01-15T03:00:00Z"),
]
SIGNED = [{"clientId": [], "signature": []}]


def error(description: str, *entries: tuple) -> dict:
    return json_response(description + ": " + "; ".join(entry[2] for entry in entries), ref("Error"),
                         render.error_body(entries[0][1], entries[0][2]))


def one_of(*names: str) -> dict:
    return {"oneOf": [ref(name) for name in names]}


def paths() -> dict:
    header_errors = (render.MISSING_HEADER, render.TIMESTAMP_FORMAT, render.TIMESTAMP_RANGE,
                     render.UNKNOWN_CLIENT, render.BAD_SIGNATURE)
    return {
        "/checkout/v1/payment": {"post": {
            "summary": "Create a checkout: an order and its hosted payment page",
            "parameters": HEADERS, "security": SIGNED,
            "requestBody": json_body(ref("CheckoutRequest"), example={
                "order": {"amount": 150000, "invoice_number": "INV-20260115-0001",
                          "callback_url": "https://merchant.example/doku/return"},
                "payment": {"payment_due_date": 60, "payment_method_types": ["VIRTUAL_ACCOUNT_BCA", "QRIS"]}}),
            "responses": with_generic_errors({
                "200": json_response("the checkout; payment.url is the page to send the payer to",
                                     ref("Checkout")),
                "400": json_response("a header or signature problem, a body problem (each naming its "
                                     "field), PAYMENT CHANNEL IS INACTIVE, AMOUNT NOT MATCH or "
                                     "DUPLICATE INVOICE NUMBER", one_of("Error", "Messages"),
                                     {"message": ["order.amount must greater than 0"]}),
                "409": json_response("Request-Id seen before: the first answer again, or the "
                                     "idempotent_request error", {"anyOf": [ref("Error"), ref("Checkout"), ref("Messages")]}),
            }, body=True)}},
        "/checkout/v3/cancellations": {"post": {
            "summary": "Cancel an unpaid order", "parameters": HEADERS, "security": SIGNED,
            "requestBody": json_body(ref("CancelRequest"), example={
                "order": {"invoice_number": "INV-20260115-0001"},
                "payment": {"original_request_id": "cc682442-6c22-493e-8121-b9ef6b3fa728"},
                "note": "cancel order"}),
            "responses": with_generic_errors({
                "200": json_response("cancelled", ref("Cancelled")),
                "400": json_response("a header or signature problem, a body problem, a refused "
                                     "cancel (ORDER ALREADY PAID …), or Cancel Order not activated",
                                     one_of("Error", "Messages"), {"message": ["ORDER ALREADY PAID"]}),
                "404": error("no such order of this merchant", render.ORDER_NOT_FOUND),
                "409": json_response("Request-Id seen before: the first answer again, or the "
                                     "idempotent_request error", one_of("Error", "Messages")),
            }, body=True)}},
        "/orders/v1/status/{key}": {"get": {
            "summary": "An order's status",
            "parameters": [parameter("key", "path", "the invoice_number or the Request-Id that "
                                                    "created the order", example="INV-20260115-0001"),
                           *HEADERS],
            "security": SIGNED,
            "responses": with_generic_errors({
                "200": json_response("the order", ref("Status")),
                "400": error("a header or signature problem", *header_errors),
                "404": error("no such order of this merchant", render.ORDER_NOT_FOUND),
            })}},
    }


def document() -> dict:
    return provider_document(
        "doku", "DOKU Checkout (non-SNAP, simulated)",
        "Create (Checkout), Cancel Order and Check Status of DOKU Checkout orders, as the simulator "
        "answers them.",
        paths(), schemas=SCHEMAS, error=ref("Error"), security_schemes=SECURITY)
