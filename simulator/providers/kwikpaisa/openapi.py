"""The OpenAPI 3.1 document of the KwikPaisa v3 paths the simulator emulates (§2–§7).

Both endpoints take `{"order_id": …}` signed with `X-API-KEY`, `X-TIMESTAMP` and
`X-SIGNATURE` (HMAC-SHA256 hex of body + timestamp). Success is
`{"code": "200", "status": "success", "message", "return_data"}`; every error is
`{"status": false, "code": <the HTTP status>, "message"}`.
"""

from __future__ import annotations

from ...openapi.fragments import (json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, response_ref, string, with_generic_errors)
from . import create, render
from .rules import PAYMENT_METHODS, STATUSES

ORDER_ID = {"type": ["integer", "string"], "description": "the merchant's order_id, echoed as sent"}
TIME = nullable(string("dd-MM-yyyy hh:mm AM in the merchant's time zone"))


def success(return_data: dict) -> dict:
    return obj({"code": {"const": "200"}, "status": {"const": "success"}, "message": string(),
                "return_data": return_data}, ["code", "status", "message", "return_data"])


SCHEMAS = {
    "Error": obj({"status": {"const": False}, "code": {"type": "integer"}, "message": string()},
                 ["status", "code", "message"]),
    "OrderRequest": obj({"order_id": ORDER_ID}, ["order_id"]),
    "Cancelled": success(obj({"order_id": ORDER_ID, "order_status": {"const": "CANCELLED"},
                              "cancelled_at": TIME}, ["order_id", "order_status", "cancelled_at"])),
    "Status": success(obj({
        "kwikX_order_id": string(), "order_id": ORDER_ID, "order_amount": string(pattern=r"^[0-9]+\.[0-9]{2}$"),
        "currency": string(), "order_status": string(enum=list(STATUSES)),
        "payment_method": nullable(string(enum=list(PAYMENT_METHODS))), "transaction_id": nullable(string()),
        "created_at": TIME, "paid_at": TIME, "cancelled_at": TIME,
    }, ["kwikX_order_id", "order_id", "order_amount", "currency", "order_status", "created_at"])),
}
SCHEMAS["CreateRequest"] = obj({
    "order_id": ORDER_ID, "order_amount": {"type": "number", "exclusiveMinimum": 0, "description": "INR"},
    "order_currency": {"const": "INR"}, "order_note": string(maxLength=255),
    "service_type": string(enum=["DIGITAL", "PHYSICAL_GOODS"]),
    "customer": obj({"name": string(), "email": string(), "phone": string("10-digit Indian mobile")},
                    ["name", "email", "phone"]),
    "return_url": string(format="uri")},
    ["order_id", "order_amount", "order_currency", "service_type", "customer", "return_url"])
SCHEMAS["Created"] = success(obj({
    "kwikX_order_id": string(), "order_id": ORDER_ID, "order_amount": string(pattern=r"^[0-9]+\.[0-9]{2}$"),
    "currency": string(), "order_status": {"const": "UN_PAID"}, "order_token": string(pattern="^toc_[0-9a-f]{64}$"),
    "payment_link": string("the hosted checkout page, on this simulator (field name: the merchant "
                           "feature payment_link_field)", format="uri"), "created_at": TIME},
    ["kwikX_order_id", "order_id", "order_amount", "currency", "order_status", "created_at"]))
SECURITY = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY", "description": "pk_test_…"},
    "signature": {"type": "apiKey", "in": "header", "name": "X-SIGNATURE",
                  "description": "hex HMAC-SHA256(secret key, raw body bytes + X-TIMESTAMP)"},
}
TIMESTAMP = parameter("X-TIMESTAMP", "header", "UNIX seconds on the server's clock", required=True,
                      schema=string(pattern="^[0-9]+$"), example="1778659835")


def error(description: str, example: str, code: int) -> dict:
    return json_response(description, ref("Error"), {"status": False, "code": code, "message": example})


RESPONSES = {
    "BadRequest": error("the body is not {\"order_id\": …}", "order_id is required.", 400),
    "Unauthorized": error("missing headers, unknown API key, stale timestamp or wrong signature",
                          "Invalid signature.", 401),
    "NotFound": error("the merchant has no such order", render.NOT_FOUND_MESSAGE, 404),
    "Conflict": error("the order belongs to another merchant", render.PERMISSION_DENIED, 409),
}


def operation(summary: str, answer: dict, **more: dict) -> dict:
    return {"summary": summary, "parameters": [TIMESTAMP], "security": [{"apiKey": [], "signature": []}],
            "requestBody": json_body(ref("OrderRequest"), example={"order_id": 6116229263036}),
            "responses": with_generic_errors({
                "200": answer, "400": response_ref("BadRequest"), "401": response_ref("Unauthorized"),
                "404": response_ref("NotFound"), "409": response_ref("Conflict"), **more}, body=True)}


def paths() -> dict:
    return {
        "/api/v3/pg/order/create": {"post": {
            "summary": "Create an order and its hosted checkout page", "parameters": [TIMESTAMP],
            "security": [{"apiKey": [], "signature": []}],
            "requestBody": json_body(ref("CreateRequest"), example={
                "order_id": 6116229263036, "order_amount": 105, "order_currency": "INR",
                "service_type": "DIGITAL", "customer": {"name": "Ajay", "email": "ajay@example.test",
                                                        "phone": "9999999999"},
                "return_url": "https://merchant.example/return"}),
            "responses": with_generic_errors({
                "200": json_response("created: send the payer to payment_link", ref("Created")),
                "400": error("a required field is missing or malformed", "customer.email is required.", 400),
                "401": response_ref("Unauthorized"),
                "409": error("the order_id is taken", create.DUPLICATE, 409),
                "422": error("an amount or currency KwikPaisa will not take", "Invalid order amount.", 422),
            }, body=True)}},
        "/api/v3/pg/order/cancel": {"post": operation(
            "Cancel an unpaid order", json_response("cancelled", ref("Cancelled")),
            **{"422": error("the order's status cannot be cancelled",
                            "Order cannot be cancelled. Current status: PAID.", 422)})},
        "/api/v3/pg/order/status": {"post": operation(
            "An order's status", json_response("the order", ref("Status")))},
    }


def document() -> dict:
    return provider_document(
        "kwikpaisa", "KwikPaisa Payment Gateway API v3 (simulated)",
        "Create, cancel and status of KwikPaisa orders, as the simulator answers them.",
        paths(), schemas=SCHEMAS, error=ref("Error"), security_schemes=SECURITY, responses=RESPONSES)
