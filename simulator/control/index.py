"""`GET /_sim`: the control API's front page — every endpoint with what it does and a link,
the OpenAPI documents, the dashboard — so that a newcomer can find their way from one URL.

`ENDPOINTS` is the table; a test checks that it lists every `/_sim` route the app has.
"""

from __future__ import annotations

from flask import request

from ..wire import json_response
from .api import control_api

ENDPOINTS: tuple[tuple[str, str, str], ...] = (
    ("GET", "/_sim/health", "what is loaded: scenario, orders, clock, process, store"),
    ("GET", "/_sim/orders", "orders; filters provider, status, merchant"),
    ("POST", "/_sim/orders", "make an order {provider, amount, order_id?, status?, …}"),
    ("GET", "/_sim/orders/<provider>/<order_id>", "one order with its history"),
    ("POST", "/_sim/orders/<provider>/<order_id>/<event>", "drive it: pay, expire, settle, fail, refund…"),
    ("POST", "/_sim/reset", "back to the loaded scenario's initial state"),
    ("GET", "/_sim/scenario", "the loaded scenario, orders included: edit it and POST it back"),
    ("POST", "/_sim/scenario", "load a scenario: {\"name\"}, a scenario object, or YAML"),
    ("GET", "/_sim/merchants", "merchants with credentials, features, notification URLs"),
    ("PATCH", "/_sim/merchants/<provider>/<merchant_id>", "change notification_url or features now"),
    ("GET", "/_sim/clock", "the simulator's time (sign DOKU, KwikPaisa, Pivot requests with it)"),
    ("POST", "/_sim/clock", "advance, set, freeze or unfreeze the clock"),
    ("GET", "/_sim/journal", "every provider call with request, answer and notes"),
    ("DELETE", "/_sim/journal", "clear the journal"),
    ("GET", "/_sim/faults", "faults with their matched and fired counts"),
    ("POST", "/_sim/faults", "add a fault (status, delay, hang, reset, apply_then_fail…)"),
    ("DELETE", "/_sim/faults", "remove every fault"),
    ("DELETE", "/_sim/faults/<fault_id>", "remove one fault"),
    ("GET", "/_sim/webhooks", "notification deliveries with attempts and next attempt"),
    ("GET", "/_sim/webhooks/<delivery_id>", "one delivery"),
    ("POST", "/_sim/webhooks/<delivery_id>/redeliver", "send a delivery again"),
    ("GET", "/_sim/tenants", "tenants: separate worlds under /t/<name>"),
    ("POST", "/_sim/tenants", "make a tenant {name?, scenario?}"),
    ("DELETE", "/_sim/tenants/<name>", "remove a tenant and all its state"),
)
PAGES: tuple[tuple[str, str], ...] = (
    ("/_sim/ui/", "the dashboard"),
    ("/_sim/openapi.json", "OpenAPI document of /_sim"),
    ("/_sim/openapi/index", "OpenAPI documents of the five providers"),
    ("/_sim/pay/<provider>/<order_id>", "an order's payer page (the provider's hosted checkout)"),
    ("/_sim/login", "the dashboard's login, when SIM_ADMIN_TOKEN is set"),
)


@control_api.get("")
@control_api.get("/")
def index():
    root = f"{request.host_url.rstrip('/')}{request.script_root}"
    return json_response({
        "name": "payment sandbox simulator — control API",
        "endpoints": [{"method": method, "path": path, "url": f"{root}{path}", "what": what}
                      for method, path, what in ENDPOINTS],
        "pages": [{"path": path, "url": f"{root}{path}", "what": what} for path, what in PAGES],
    })
