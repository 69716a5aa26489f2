"""The OpenAPI 3.1 document of the Finpay PG paths the simulator emulates (sheet §3–§7).

Every answer, errors included, is one envelope (`responseCode`, `responseMessage`,
`processingTime`, `traceId`; Check Status adds `data`); the HTTP status is the first three
digits of `responseCode`.
"""

from __future__ import annotations

from ...openapi.fragments import (array, json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, response_ref, string, with_generic_errors)
from . import render
from .rules import ORDER_ID_PATTERN, SOURCES_OF_FUNDS, STATUSES

ANY = {}
SCHEMAS = {
    "Envelope": obj({
        "responseCode": string("HTTP status + service code + case code", pattern="^[0-9]{7}$"),
        "responseMessage": string(), "processingTime": {"type": "number", "exclusiveMinimum": 0},
        "traceId": string("a UUID"),
    }, ["responseCode", "responseMessage", "processingTime", "traceId"]),
    "CheckStatus": {"allOf": [{"$ref": "#/components/schemas/Envelope"}, obj({"data": obj({
        "customer": obj({name: nullable(string()) for name in
                         ("id", "email", "firstName", "lastName", "mobilePhone")}),
        "order": obj({"id": string(), "reference": string(), "amount": {"type": "integer"},
                      "currency": string()}, ["id", "reference", "amount", "currency"]),
        "card": ANY, "meta": obj({"data": ANY}),
        "result": obj({"payment": obj({"amount": {"type": "integer"}, "status": string(enum=list(STATUSES)),
                                       "statusDesc": nullable(string()), "datetime": string()},
                                      ["amount", "status", "datetime"])}, ["payment"]),
        "sourceOfFunds": obj({"type": string(enum=list(SOURCES_OF_FUNDS)), "channel": string(),
                              "paymentCode": nullable(string())}, ["type"]),
    }, ["customer", "order", "meta", "result"])}, ["data"])]},
    "CancelRequest": nullable(obj({"order": nullable(obj({
        "id": string("must be the path's orderId", pattern=f"^{ORDER_ID_PATTERN}$"),
        "amount": {"type": ["string", "integer"], "description": "whole rupiah, e.g. \"22000\""},
    }, ["id"]))})),
}
SCHEMAS["VoidRequest"] = obj({"order": obj({
    "id": string("the merchant's order id", pattern=f"^{ORDER_ID_PATTERN}$"),
    "amount": {"type": ["string", "integer"], "description": "whole rupiah, e.g. \"22000\""},
}, ["id"])}, ["order"])
SECURITY = {"merchantKey": {"type": "http", "scheme": "basic",
                            "description": "username: merchant id, password: merchant key"}}


def answer(text: str, *answers: render.Answer) -> dict:
    """A response in the envelope, its example the first catalogue answer."""
    first = answers[0]
    return json_response(f"{text}: " + ", ".join(f"{a.code} {a.message}" for a in answers),
                         ref("Envelope"), {"responseCode": first.code, "responseMessage": first.message,
                                           "processingTime": 0.0123,
                                           "traceId": "7b0e8f3e-3c44-4d2b-9d0c-5f5d2d6b1a10"})


RESPONSES = {"Unauthorized": answer("anything wrong with the Basic credentials", render.UNAUTHORIZED)}
ORDER_ID = parameter("orderId", "path", "the merchant's order id (Alpha Dash, 1–30)", example="SIM-FP-0001")


def operation(summary: str, responses: dict, body: dict | None = None) -> dict:
    op = {"summary": summary, "parameters": [ORDER_ID], "security": [{"merchantKey": []}],
          "responses": with_generic_errors({**responses, "401": response_ref("Unauthorized")},
                                           body=body is not None)}
    if body is not None:
        op["requestBody"] = body
    return op


def paths() -> dict:
    return {
        "/pg/payment/card/cancel/{orderId}": {"get": operation(
            "Cancel an order (a GET with an optional JSON body)", {
                "200": answer("cancelled", render.CANCELLED),
                "400": answer("the orderId or the body is malformed", render.INVALID_FIELD_FORMAT,
                              render.INVALID_MANDATORY_FIELD, render.BAD_REQUEST),
                "404": answer("unknown order, body disagreeing with it, or a status that cannot be "
                              "cancelled", render.TRANSACTION_NOT_FOUND, render.INCONSISTENT_REQUEST,
                              render.INVALID_AMOUNT, render.INVALID_TRANSACTION_STATUS),
            }, body=json_body(ref("CancelRequest"), required=False,
                              example={"order": {"id": "SIM-FP-0001", "amount": "22000"}}))},
        "/pg/payment/card/void/{orderId}": {"get": operation(
            "Void a paid or authorised order (a GET with an optional JSON body)", {
                "200": answer("voided: the order reads CANCELLED", render.CANCELLED),
                "400": answer("the orderId or the body is malformed", render.INVALID_FIELD_FORMAT,
                              render.INVALID_MANDATORY_FIELD, render.BAD_REQUEST),
                "403": answer("the order is not paid or authorised", render.TRANSACTION_NOT_PERMITTED),
                "404": answer("unknown order, or a body disagreeing with it", render.TRANSACTION_NOT_FOUND,
                              render.INCONSISTENT_REQUEST, render.INVALID_AMOUNT),
            }, body=json_body(ref("CancelRequest"), required=False,
                              example={"order": {"id": "SIM-FP-0001", "amount": "22000"}}))},
        "/pg/payment/card/void": {"post": {
            "summary": "Void a paid or authorised order named in the body",
            "security": [{"merchantKey": []}],
            "requestBody": json_body(ref("VoidRequest"), example={"order": {"id": "SIM-FP-0001"}}),
            "responses": with_generic_errors({
                "200": answer("voided: the order reads CANCELLED", render.CANCELLED),
                "400": answer("the body is malformed or names no order", render.INVALID_MANDATORY_FIELD,
                              render.INVALID_FIELD_FORMAT, render.BAD_REQUEST),
                "401": response_ref("Unauthorized"),
                "403": answer("the order is not paid or authorised", render.TRANSACTION_NOT_PERMITTED),
                "404": answer("unknown order, or an amount disagreeing with it", render.TRANSACTION_NOT_FOUND,
                              render.INVALID_AMOUNT)}, body=True)}},
        "/pg/payment/card/check/{orderId}": {"get": operation("Check an order's status", {
            "200": json_response("the order", ref("CheckStatus")),
            "400": answer("the orderId is malformed", render.INVALID_FIELD_FORMAT),
            "404": answer("unknown order", render.TRANSACTION_NOT_FOUND),
        })},
    }


def document() -> dict:
    return provider_document(
        "finpay", "Finpay PG REST API (simulated)",
        "Cancel Order, Void and Check Status of Finpay orders, as the simulator answers them.",
        paths(), schemas=SCHEMAS, error=ref("Envelope"), security_schemes=SECURITY, responses=RESPONSES)
