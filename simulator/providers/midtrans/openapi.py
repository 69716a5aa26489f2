"""The OpenAPI 3.1 document of the Midtrans paths the simulator emulates (fact sheet §1–§7).

Business outcomes travel under HTTP 200 with the code in the body, so each 200 is a
`oneOf` of the transaction object and the error body; request-level failures (400, 401,
413, 5xx) carry the real HTTP status and the same error body.
"""

from __future__ import annotations

from ...openapi.fragments import (json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, response_ref, string, with_generic_errors)
from .render import CANCELLED, EXPIRED_BY_API, METHOD_FIELDS, NOT_FOUND_MESSAGE, STATUS_ANSWER
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
    }


def document() -> dict:
    return provider_document(
        "midtrans", "Midtrans Core API v2 (simulated)",
        "Cancel, expire and status of Midtrans transactions, as the simulator answers them.",
        paths(), schemas=SCHEMAS, error=ref("Error"), security_schemes=SECURITY, responses=RESPONSES)
