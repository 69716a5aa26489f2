"""The OpenAPI 3.1 document of the Midtrans paths the simulator emulates (fact sheet §1–§7,
create sheet §1–§8): cancel, expire, status, Core charge, card tokens and Snap.

Business outcomes travel under HTTP 200 with the code in the body, so each 200 is a
`oneOf` of the transaction object and the error body; request-level failures (400, 401,
413, 5xx) carry the real HTTP status and the same error body.
"""

from __future__ import annotations

from ...openapi.fragments import (array, json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, response_ref, string, with_generic_errors)
from .render import (CANCELLED, EXPIRED_BY_API, INVALID_MESSAGE, METHOD_FIELDS, NOT_FOUND_MESSAGE,
                     SNAP_UNAUTHORIZED, STATUS_ANSWER)
from .rules import IDEMPOTENCY_KEY_MAX, PAYMENT_TYPES

CODE = string("an HTTP-like status code, as a string", pattern="^[0-9]{3}$")
TIME = string("Asia/Jakarta wall time", pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")

SCHEMAS = {
    "Error": obj({"status_code": CODE, "status_message": string(), "id": string("a fresh UUID")},
                 ["status_code", "status_message", "id"], additional=False),
    "Transaction": obj({
        "status_code": CODE, "status_message": string(),
        "transaction_id": string("Midtrans' id (a UUID)"), "order_id": string("the merchant's id"),
        "merchant_id": string(), "gross_amount": string(pattern=r"^[0-9]+\.[0-9]{2}$"),
        "currency": string(), "payment_type": string(enum=list(PAYMENT_TYPES)),
        "transaction_time": TIME, "transaction_status": string(enum=list(STATUS_ANSWER)),
        "fraud_status": string(enum=["accept", "deny", "challenge"]),
        "bank": nullable(string()), "channel": string(), "expiry_time": TIME, "settlement_time": TIME,
        "signature_key": string("SHA-512 of order_id+status_code+gross_amount+server key (status only)",
                                pattern="^[0-9a-f]{128}$"),
        **{name: {} for name in METHOD_FIELDS},
    }, ["status_code", "status_message", "transaction_id", "order_id", "gross_amount", "currency",
        "payment_type", "transaction_time", "transaction_status"]),
    "Invalid": obj({"status_code": string(enum=["400"]), "status_message": string(enum=[INVALID_MESSAGE]),
                    "validation_messages": array(string()), "id": string("a fresh UUID")},
                   ["status_code", "status_message", "validation_messages", "id"], additional=False),
    "ChargeRequest": obj({
        "payment_type": string(enum=["bank_transfer", "permata", "echannel", "gopay", "qris", "credit_card"]),
        "transaction_details": obj({"order_id": string(maxLength=50),
                                    "gross_amount": {"type": ["integer", "string"]}},
                                   ["order_id", "gross_amount"]),
        "bank_transfer": obj({"bank": string(enum=["bca", "bni", "bri", "cimb", "permata"]),
                              "va_number": string(pattern="^[0-9]+$")}),
        "echannel": obj({"bill_info1": string(), "bill_info2": string(), "bill_key": string()}),
        "gopay": obj({"enable_callback": {"type": "boolean"}, "callback_url": string()}),
        "qris": obj({"acquirer": string(enum=["gopay", "airpay shopee"])}),
        "credit_card": obj({"token_id": string("from GET /v2/token"), "authentication": {"type": "boolean"},
                            "type": string(enum=["authorize"])}),
        "item_details": array(obj({"id": string(), "price": {"type": "integer"},
                                   "quantity": {"type": "integer", "minimum": 1}, "name": string()},
                                  ["price", "quantity", "name"])),
        "customer_details": obj({}), "custom_expiry": obj({
            "order_time": string(), "expiry_duration": {"type": "integer"},
            "unit": string(enum=["second", "minute", "hour", "day"])}, ["expiry_duration"]),
        "custom_field1": string(), "custom_field2": string(), "custom_field3": string(),
        "metadata": obj({}),
    }, ["payment_type", "transaction_details"]),
    "CardToken": obj({"status_code": string(enum=["200"]), "status_message": string(),
                      "token_id": string("single use, 10 minutes"), "hash": string()},
                     ["status_code", "status_message", "token_id"]),
    "SnapToken": obj({"token": string("a UUID"), "redirect_url": string("the simulated Snap page")},
                     ["token", "redirect_url"], additional=False),
    "SnapError": obj({"error_messages": array(string())}, ["error_messages"], additional=False),
}
SECURITY = {"serverKey": {"type": "http", "scheme": "basic",
                          "description": "username: the server key (SB-Mid-server-…), password: empty"}}

NOT_FOUND_EXAMPLE = {"status_code": "404", "status_message": NOT_FOUND_MESSAGE,
                     "id": "b2f4c0a6-0f3e-4a55-9d55-3c7c9a1f0d11"}
RESPONSES = {
    "Unauthorized": json_response("no, malformed or unknown server key", ref("Error"), {
        "status_code": "401", "status_message": "Transaction cannot be authorized with the current "
                                                "client/server key.", "id": NOT_FOUND_EXAMPLE["id"]}),
    "BadRequest": json_response("the request body is not valid JSON", ref("Error")),
}
ID = parameter("id", "path", "the merchant's order_id or Midtrans' transaction_id", example="ORDER-101")
IDEMPOTENCY_KEY = parameter("Idempotency-Key", "header",
                            f"replays a successful answer for 5 minutes; longer than "
                            f"{IDEMPOTENCY_KEY_MAX} characters: ignored", required=False)


def business_answer(description: str, example: dict) -> dict:
    return json_response(description, {"oneOf": [ref("Transaction"), ref("Error")]}, example)


def action(summary: str, success: tuple[str, str]) -> dict:
    return {
        "summary": summary, "parameters": [ID, IDEMPOTENCY_KEY], "security": [{"serverKey": []}],
        "requestBody": json_body({}, required=False, description="ignored, but must be JSON if sent"),
        "responses": with_generic_errors({
            "200": business_answer(f"done (body status_code {success[0]}), or refused in the body: "
                                   "404 unknown id, 412 cannot be updated",
                                   {**NOT_FOUND_EXAMPLE, "status_code": "412",
                                    "status_message": "Transaction status cannot be updated."}),
            "202": json_response("the first call with this Idempotency-Key is still being processed",
                                 ref("Error")),
            "400": response_ref("BadRequest"), "401": response_ref("Unauthorized"),
        }, body=True)}


def create_calls() -> dict:
    in_flight = json_response("the first call with this Idempotency-Key is still being processed", ref("Error"))
    return {
        "/v2/charge": {"post": {
            "summary": "Charge: create a Core API transaction (VA, Mandiri bill, GoPay, QRIS, card)",
            "parameters": [IDEMPOTENCY_KEY], "security": [{"serverKey": []}],
            "requestBody": json_body(ref("ChargeRequest"), example={
                "payment_type": "bank_transfer", "bank_transfer": {"bank": "bca"},
                "transaction_details": {"order_id": "sim-1001", "gross_amount": 44145}}),
            "responses": with_generic_errors({
                "200": business_answer("the new transaction (body status_code 201 pending, 200 card "
                                       "captured, 202 card denied), or refused in the body: 406 "
                                       "order_id taken, 411 bad card token, 402 channel not activated",
                                       {**NOT_FOUND_EXAMPLE, "status_code": "406",
                                        "status_message": "The request could not be completed due to "
                                        "a conflict with the current state of the target resource, "
                                        "please try again"}),
                "202": in_flight,
                "400": json_response("fields break the rules (validation_messages), or the body is "
                                     "not JSON (body status_code 413)",
                                     {"oneOf": [ref("Invalid"), ref("Error")]}),
                "401": response_ref("Unauthorized"),
            }, body=True)}},
        "/v2/token": {"get": {
            "summary": "Card token (single use) for a credit_card charge",
            "parameters": [parameter(name, "query", text, required=True) for name, text in (
                ("card_number", "spaces allowed; must pass Luhn"), ("card_exp_month", "01-12"),
                ("card_exp_year", "four digits"), ("card_cvv", "3 or 4 digits"),
                ("client_key", "the merchant's client key (SB-Mid-client-…)"))],
            "responses": with_generic_errors({
                "200": json_response("the token", ref("CardToken")),
                "400": json_response("a parameter is invalid", ref("Invalid")),
                "401": response_ref("Unauthorized")})}},
        "/snap/v1/transactions": {"post": {
            "summary": "Snap: a checkout page (token + redirect_url); the transaction is made when "
                       "the payer picks a method on it",
            "parameters": [IDEMPOTENCY_KEY], "security": [{"serverKey": []}],
            "requestBody": json_body(obj({"transaction_details": obj(
                {"order_id": string(maxLength=50), "gross_amount": {"type": ["integer", "string"]}},
                ["order_id", "gross_amount"]), "enabled_payments": array(string()),
                "callbacks": obj({"finish": string()}), "expiry": obj({}), "page_expiry": obj({})},
                ["transaction_details"]), example={
                "transaction_details": {"order_id": "sim-2001", "gross_amount": 200000},
                "credit_card": {"secure": True}}),
            "responses": with_generic_errors({
                "201": json_response("the page's token and URL", ref("SnapToken")),
                "202": in_flight,
                "400": json_response("fields break the rules, the order_id already has a "
                                     "transaction, or the body is not JSON", ref("SnapError")),
                "401": json_response("unknown server key", ref("SnapError"),
                                     {"error_messages": SNAP_UNAUTHORIZED}),
            }, body=True)}},
    }


def paths() -> dict:
    return {
        "/v2/{id}/cancel": {"post": action("Cancel a transaction", CANCELLED)},
        "/v2/{id}/expire": {"post": action("Expire a pending transaction now", EXPIRED_BY_API)},
        "/v2/{id}/status": {"get": {
            "summary": "The transaction's status", "parameters": [ID], "security": [{"serverKey": []}],
            "responses": with_generic_errors({
                "200": business_answer("the transaction (body status_code by status: 200, 201 "
                                       "pending, 202 deny/failure, 407 expire), or 404 in the body",
                                       NOT_FOUND_EXAMPLE),
                "401": response_ref("Unauthorized")})}},
        **create_calls(),
    }


def document() -> dict:
    return provider_document(
        "midtrans", "Midtrans Core API v2 (simulated)",
        "Charge (Core API), Snap, card tokens, cancel, expire and status of Midtrans "
        "transactions, as the simulator answers them.",
        paths(), schemas=SCHEMAS, error=ref("Error"), security_schemes=SECURITY, responses=RESPONSES)
