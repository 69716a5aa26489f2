"""The OpenAPI 3.1 document of the `/_sim` control API (`simulator.control`).

Every error of `/_sim` is `{"error": "<what is wrong>", ...}`, sometimes with `field` (the
field that is wrong), `problems`, `reason` and `status`; request-level errors (body over
the limit, an unexpected failure) use the same shape.
"""

from __future__ import annotations

from .fragments import (array, document as build_document, json_body, json_response, nullable, obj, parameter,
                        ref, response_ref, string)

TITLE = "Payment sandbox simulator — control API"

ANY_OBJECT = {"type": "object"}

SCHEMAS = {
    "Error": obj({"error": string("what is wrong"), "field": string("the field that is wrong"),
                  "problems": array(string()), "reason": string(), "status": nullable(string())},
                 ["error"]),
    "Status": obj({"status": {"const": "ok"}}, ["status"]),
    "Clock": obj({"now": string("ISO-8601 instant", format="date-time"), "frozen": {"type": "boolean"}},
                 ["now", "frozen"]),
    "Transition": obj({"at": string(format="date-time"), "event": string(), "from": nullable(string()),
                       "to": string(), "source": string()}, ["at", "event", "from", "to", "source"]),
    "Order": obj({
        "provider": string(), "merchant": string(), "order_id": string(),
        "transaction_id": string("the provider-side id"), "amount": string("decimal, as a string"),
        "currency": string(), "channel": nullable(string()), "bank": nullable(string()),
        "status": string("in the provider's own vocabulary"),
        "created_at": string(format="date-time"), "expires_at": nullable(string(format="date-time")),
        "history": array(ref("Transition")), "extra": ANY_OBJECT, "version": {"type": "integer"},
    }, ["provider", "merchant", "order_id", "transaction_id", "amount", "currency", "channel",
        "bank", "status", "created_at", "expires_at", "history"]),
    "NewOrder": obj({
        "provider": string(), "merchant": string(), "order_id": string(), "amount": {"type": ["number", "string"]},
        "currency": string(), "channel": string(), "bank": string(), "status": string(),
        "expires_in": string("a duration such as 30m or 24h"),
    }, ["provider", "amount"], description="A scenario order; provider-specific keys are accepted too."),
    "Merchant": obj({"provider": string(), "id": string(), "name": nullable(string()),
                     "credentials": ANY_OBJECT, "features": ANY_OBJECT,
                     "notification_url": nullable(string())}, ["provider", "id", "credentials"]),
    "Fault": obj({"id": string(), "action": string()}, ["id", "action"],
                 description="An injected fault as listed (match keys, action, controls, counters)."),
    "NewFault": obj({
        "id": string(), "provider": string(), "endpoint": string(), "merchant": string(),
        "order_id": string(), "method": string(),
        "action": string(enum=["status", "delay", "reset", "hang", "malformed", "empty",
                               "apply_then_fail", "drop", "duplicate"]),
        "status": {"type": "integer"}, "delay": string(), "times": {"type": "integer"},
        "after": {"type": "integer"}, "probability": {"type": "number"}, "then": string(),
    }, ["action"], description="The same mapping as an entry of a scenario's `faults:` list."),
    "JournalEntry": obj({"at": string(format="date-time"), "provider": string(),
                         "endpoint": nullable(string()), "order_id": nullable(string()),
                         "merchant": nullable(string()), "method": string(), "path": string(),
                         "request": ANY_OBJECT, "response": ANY_OBJECT},
                        ["at", "provider", "method", "path"]),
    "Delivery": obj({"id": {"type": "integer"}, "provider": string(), "order_id": string(),
                     "status": string(), "attempts": array(ANY_OBJECT)},
                    ["id", "provider", "status", "attempts"]),
    "ScenarioLoaded": obj({"status": {"const": "ok"}, "scenario": string(), "orders": {"type": "integer"},
                           "scenario_version": {"type": "integer", "description": "+1 per load or merchant "
                                                "change, not per reset"}},
                          ["status", "scenario", "orders", "scenario_version"]),
    "Tenant": obj({"name": string(pattern="^[A-Za-z0-9_-]{1,64}$"),
                   "base_url": string("<server>/t/<name>: every provider path and /_sim under it",
                                      format="uri"),
                   "created": {"type": "number"}, "last_seen": {"type": "number"}}, ["name", "base_url"]),
    "DocumentIndex": obj({"documents": array(obj({"name": string(), "title": string(),
                                                  "url": string()}, ["name", "title", "url"]))},
                         ["documents"]),
}

RESPONSES = {
    "BadRequest": json_response("a field is wrong; `field` names it", ref("Error"),
                                {"error": "provider: 'paypal' is not a provider; expected one of doku, "
                                          "finpay, kwikpaisa, midtrans, pivot", "field": "provider"}),
    "NotFound": json_response("no such thing", ref("Error"), {"error": "no midtrans order 'X'"}),
    "Conflict": json_response("refused: already exists, or the lifecycle refuses the event", ref("Error")),
    "TooLarge": json_response("the request body is over the configured limit", ref("Error")),
    "ServerError": json_response("an unexpected failure, answered as JSON", ref("Error")),
    "MethodNotAllowed": json_response("the path exists but not with this method "
                                      "(answered on any documented path)", ref("Error")),
}


def ok(description: str, schema: dict, status: str = "200", **errors: str) -> dict:
    """An operation's responses: its success plus the named shared error responses."""
    responses = {status: json_response(description, schema)}
    responses.update({code: response_ref(name) for code, name in errors.items()})
    responses["5XX"] = response_ref("ServerError")
    return responses


def operation(summary: str, responses: dict, *, parameters: list | None = None,
              body: dict | None = None, tag: str = "control") -> dict:
    op = {"summary": summary, "tags": [tag], "responses": responses}
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = body
        op["responses"] = {**responses, "413": response_ref("TooLarge")}
    return op


def query(name: str, description: str, **kw) -> dict:
    return parameter(name, "query", description, **kw)


def path(name: str, description: str, **kw) -> dict:
    return parameter(name, "path", description, **kw)


PROVIDER = path("provider", "a provider name (midtrans, doku, finpay, kwikpaisa, pivot)")
ORDER_ID = path("order_id", "the merchant's order_id or the provider's transaction_id")
MERCHANT_QUERY = query("merchant", "the merchant id, when several merchants share the order_id")


def listing(key: str, item: str) -> dict:
    return obj({"count": {"type": "integer"}, key: array(ref(item))}, ["count", key])


def paths() -> dict:
    optional_object = json_body(ANY_OBJECT, required=False,
                                description="optional; if given, a JSON object")
    return {
        "/": {"get": operation("The control API's index (also at /_sim without the slash): every endpoint with a link", ok("the index", obj({
            "name": string(), "endpoints": array(obj({"method": string(), "path": string(), "url": string(),
                                                      "what": string()}, ["method", "path", "url", "what"])),
            "pages": array(obj({"path": string(), "url": string(), "what": string()}, ["path", "url", "what"]))},
            ["endpoints", "pages"])))},
        "/health": {"get": operation("Is the simulator up, with what", ok("up", obj({
            "status": {"const": "ok"}, "providers": array(string()), "orders": {"type": "integer"},
            "scenario": nullable(string()), "clock": ref("Clock")},
            ["status", "providers", "orders", "scenario"])))},
        "/orders": {
            "get": operation("List orders", ok("the orders", listing("orders", "Order"), **{"400": "BadRequest"}),
                             parameters=[query("provider", "only this provider's"),
                                         query("status", "only orders in this status"),
                                         query("merchant", "only this merchant's"),
                                         query("offset", "skip this many (default 0)",
                                               schema=string(pattern="^[0-9]+$")),
                                         query("limit", "at most this many (default all)",
                                               schema=string(pattern="^[0-9]+$"))]),
            "post": operation("Create an order", ok("the new order", ref("Order"), "201",
                                                    **{"400": "BadRequest", "409": "Conflict"}),
                              body=json_body(ref("NewOrder"), example={
                                  "provider": "midtrans", "order_id": "ORDER-42", "amount": 150000,
                                  "channel": "credit_card", "bank": "bni", "status": "capture"})),
        },
        "/orders/{provider}/{order_id}": {"get": operation(
            "One order with its history", ok("the order", ref("Order"), **{"404": "NotFound"}),
            parameters=[PROVIDER, ORDER_ID, MERCHANT_QUERY])},
        "/orders/{provider}/{order_id}/{event}": {"post": operation(
            "Drive the lifecycle as the payer or the bank would (pay, expire, settle, …)",
            ok("the order after the event", ref("Order"),
               **{"400": "BadRequest", "404": "NotFound", "409": "Conflict"}),
            parameters=[PROVIDER, ORDER_ID, path("event", "an event of the provider's rules"),
                        MERCHANT_QUERY], body=optional_object)},
        "/reset": {"post": operation("Back to the loaded scenario's initial state",
                                     ok("reset", ref("ScenarioLoaded"), **{"400": "BadRequest"}),
                                     body=optional_object)},
        "/scenario": {
            "get": operation("The loaded scenario", ok("the scenario", obj({
                "name": string(), "description": nullable(string()), "source": nullable(string()),
                "seed": {}, "merchants": array(ref("Merchant")), "bundled": array(string())},
                ["name", "merchants", "bundled"]))),
            "post": operation("Load another scenario", ok("loaded", ref("ScenarioLoaded"),
                                                          **{"400": "BadRequest"}),
                              body={"required": True, "content": {
                                  "application/json": {"schema": ANY_OBJECT, "example": {"name": "default"}},
                                  "application/yaml": {"schema": string("a scenario file")}}}),
        },
        "/clock": {
            "get": operation("Read the clock", ok("the clock", ref("Clock"))),
            "post": operation("Move or freeze the clock", ok("the clock", ref("Clock"), **{"400": "BadRequest"}),
                              body=json_body(obj({"advance": string("a duration: 30m, 2h, 1d"),
                                                  "set": string(format="date-time"),
                                                  "frozen": {"type": "boolean"}}),
                                             example={"advance": "30m"})),
        },
        "/journal": {
            "get": operation("Recorded provider requests and responses", ok("the entries", obj({
                "count": {"type": "integer"}, "cap": {"type": "integer"},
                "entries": array(ref("JournalEntry"))}, ["count", "cap", "entries"]),
                **{"400": "BadRequest"}), parameters=[
                query(name, f"only entries with this {name}") for name in
                ("provider", "path", "order_id", "endpoint", "method")] + [
                query("status", "only entries answered with this HTTP status", schema=string(pattern="^[0-9]+$")),
                query("limit", "only the last N entries", schema=string(pattern="^[0-9]+$"))]),
            "delete": operation("Clear the journal", ok("cleared", obj({
                "status": {"const": "ok"}, "cleared": {"type": "integer"}}, ["status", "cleared"]))),
        },
        "/merchants": {"get": operation("The scenario's merchants", ok("the merchants", obj(
            {"merchants": array(ref("Merchant"))}, ["merchants"])))},
        "/merchants/{provider}/{merchant_id}": {"patch": operation(
            "Change a merchant's notification_url or features on the running server",
            ok("the merchant as changed", ref("Merchant"), **{"400": "BadRequest", "404": "NotFound"}),
            parameters=[PROVIDER, path("merchant_id", "the merchant's id in the scenario")],
            body=json_body(obj({"notification_url": nullable(string(format="uri")),
                                "features": {"type": "object"}}),
                           example={"notification_url": "http://127.0.0.1:9000/hooks"}))},
        "/tenants": {
            "get": operation("The tenants", ok("the tenants", obj({
                "count": {"type": "integer"}, "idle_timeout_seconds": {"type": "number"},
                "tenants": array(ref("Tenant"))}, ["count", "tenants"]))),
            "post": operation("Make a tenant: a separate world under /t/<name>",
                              ok("made", ref("Tenant"), "201", **{"400": "BadRequest", "409": "Conflict"}),
                              body=json_body(obj({"name": string(pattern="^[A-Za-z0-9_-]{1,64}$"),
                                                  "scenario": {"type": ["string", "object"]}}),
                                             required=False, example={"name": "ci-job-42"}))},
        "/tenants/{name}": {"delete": operation(
            "Remove a tenant and all its state", ok("removed", obj({"deleted": string()}, ["deleted"]),
                                                    **{"404": "NotFound"}),
            parameters=[path("name", "the tenant's name")])},
        "/faults": {
            "get": operation("Injected faults", ok("the faults", listing("faults", "Fault"))),
            "post": operation("Inject a fault", ok("the fault as listed", ref("Fault"), "201",
                                                   **{"400": "BadRequest", "409": "Conflict"}),
                              body=json_body(ref("NewFault"), example={
                                  "provider": "midtrans", "endpoint": "cancel", "action": "status",
                                  "status": 503, "times": 2})),
            "delete": operation("Clear every fault", ok("cleared", obj({
                "status": {"const": "ok"}, "cleared": {"type": "integer"}}, ["status", "cleared"]))),
        },
        "/faults/{fault_id}": {"delete": operation("Remove one fault", ok("removed", obj({
            "status": {"const": "ok"}, "removed": string()}, ["status", "removed"]), **{"404": "NotFound"}),
            parameters=[path("fault_id", "the fault's id")])},
        "/webhooks": {"get": operation("Notification deliveries", ok("the deliveries", obj({
            "count": {"type": "integer"}, "cap": {"type": "integer"},
            "deliveries": array(ref("Delivery"))}, ["count", "cap", "deliveries"]), **{"400": "BadRequest"}),
            parameters=[query("provider", "only this provider's"), query("order_id", "only this order's"),
                        query("status", "only deliveries in this status")])},
        "/webhooks/{delivery_id}": {"get": operation("One delivery with its attempts", ok(
            "the delivery", ref("Delivery"), **{"404": "NotFound"}),
            parameters=[path("delivery_id", "the delivery's id", schema={"type": "integer", "minimum": 0})])},
        "/webhooks/{delivery_id}/redeliver": {"post": operation(
            "Send the same bytes again as a new delivery", ok("the new delivery", ref("Delivery"), "202",
                                                              **{"404": "NotFound"}),
            parameters=[path("delivery_id", "the delivery's id", schema={"type": "integer", "minimum": 0})])},
        "/openapi.json": {"get": operation("This document", ok("an OpenAPI 3.1 document", ANY_OBJECT),
                                           tag="openapi")},
        "/openapi/index": {"get": operation("Every OpenAPI document the simulator serves",
                                            ok("the documents", ref("DocumentIndex")), tag="openapi")},
        "/openapi/{name}.json": {"get": operation(
            "A provider's OpenAPI document", ok("an OpenAPI 3.1 document", ANY_OBJECT, **{"404": "NotFound"}),
            parameters=[path("name", "a provider name")], tag="openapi")},
    }


def document() -> dict:
    return build_document(
        TITLE, "The `/_sim` control API: orders, lifecycle events, scenario, clock, journal, "
               "faults and webhook deliveries. JSON in, JSON out; errors are `{\"error\": …}`.",
        paths(), schemas=SCHEMAS, responses=RESPONSES, servers=[{"url": "/_sim"}])
