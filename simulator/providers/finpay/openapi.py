"""The OpenAPI 3.1 document of the Finpay PG paths the simulator emulates (sheet §3–§7).

Every answer, errors included, is one envelope (`responseCode`, `responseMessage`,
`processingTime`, `traceId`; Check Status adds `data`); the HTTP status is the first three
digits of `responseCode`.
"""

from __future__ import annotations

from ...openapi.fragments import (array, json_body, json_response, nullable, obj, parameter,
                                  provider_document, ref, response_ref, string, with_generic_errors)
from . import initiate, initiate_request, render
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
SCHEMAS["InitiateRequest"] = obj({
    "order": obj({"id": string("Alpha Dash, 1–30", pattern=f"^{ORDER_ID_PATTERN}$"),
                  "amount": {"type": ["string", "number"], "description": "whole rupiah, e.g. \"22000\""},
                  "currency": string(enum=["IDR"]), "description": string(maxLength=127),
                  "timeout": {"type": ["string", "integer"], "description": "minutes (default 1440)"},
                  "item": array(obj({"name": string(), "quantity": {"type": ["string", "integer"]},
                                     "unitPrice": {"type": ["string", "integer"]}, "category": string()},
                                    ["name", "quantity", "unitPrice", "category"]))}, ["id", "amount"]),
    "customer": obj({"email": string(), "firstName": string(), "lastName": string(),
                     "mobilePhone": string("E.164, +62…", pattern="^\\+62[0-9]{8,13}$")},
                    ["email", "firstName", "mobilePhone"]),
    "url": obj({"callbackUrl": string(format="uri"), "successUrl": string(format="uri"),
                "failUrl": string(format="uri"), "backUrl": string(format="uri")}, ["callbackUrl"]),
    "sourceOfFunds": obj({"type": string(enum=list(SOURCES_OF_FUNDS))}, ["type"]),
}, ["order", "customer", "url"])
SCHEMAS["Initiated"] = {"allOf": [ref("Envelope"), obj({
    "redirecturl": string("the payer page, on this simulator", format="uri"),
    "expiryLink": string("YYYY-MM-DD HH:MM:SS, WIB", pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"),
    "paymentCode": string("the VA number or payment code (VA and retail)"),
    "imageurl": string("QRIS: the QR code as a PNG", format="uri"),
    "qrString": string("QRIS: the EMV payload (a simulator extension)"),
    "appurl": string("e-wallets: the app page", format="uri")}, ["redirecturl", "expiryLink"])]}
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
        "/pg/payment/card/initiate": {"post": {
            "summary": "Initiate a payment: one endpoint for every method (sourceOfFunds.type; none: "
                       "the hosted page)",
            "security": [{"merchantKey": []}],
            "requestBody": json_body(ref("InitiateRequest"), example={
                "customer": {"email": "buyer@example.test", "firstName": "Budi", "mobilePhone": "+6281286288844"},
                "order": {"id": "SHOP-FP-0001", "amount": "22000"},
                "url": {"callbackUrl": "https://merchant.example/finpay/callback"},
                "sourceOfFunds": {"type": "vabca"}}),
            "responses": with_generic_errors({
                "200": json_response("initiated: send the payer to redirecturl", ref("Initiated")),
                "400": answer("a missing or malformed field (the first one), or malformed JSON",
                              render.INVALID_MANDATORY_FIELD, render.INVALID_FIELD_FORMAT, render.BAD_REQUEST),
                "401": response_ref("Unauthorized"),
                "403": answer("the source of funds is not enabled", initiate_request.FEATURE_NOT_ALLOWED),
                "409": answer("the order id is taken", initiate.DUPLICATE)}, body=True)}},
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
        "Initiate, Cancel Order, Void and Check Status of Finpay orders, as the simulator answers them.",
        paths(), schemas=SCHEMAS, error=ref("Envelope"), security_schemes=SECURITY, responses=RESPONSES)
