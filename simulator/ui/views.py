"""The dashboard's pages and their live fragments (read only; actions are `/_sim` calls).

Each page is `<page>.html` and renders its fragment inline the first time; the fragment's
own route (`/fragments/<name>`) serves the same partial for htmx to poll.
"""

from __future__ import annotations

import json
import math
from datetime import datetime

from flask import Blueprint, abort, render_template, request

from .. import scenarios
from ..faults import WEBHOOK_ENDPOINT
from ..orders import Order
from ..redaction import mask
from ..wire import sandbox

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

PAGE_SIZE = 50
JOURNAL_ROWS = 100
POLL = "every 1s, sim-changed from:body"      # how live fragments refresh


@ui.app_template_filter("pretty")
def pretty(value) -> str:
    """A JSON value as indented text (a JSON string is parsed first when it is one)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def relative(moment: datetime | None, now: datetime) -> str:
    """`in 2 h 5 m` / `4 m ago`, on the simulator clock."""
    if moment is None:
        return "never"
    seconds = int((moment - now).total_seconds())
    span = abs(seconds)
    parts = [(span // 86400, "d"), (span % 86400 // 3600, "h"), (span % 3600 // 60, "m")]
    text = " ".join(f"{n} {unit}" for n, unit in parts if n)[:12] or f"{span} s"
    return f"in {text}" if seconds > 0 else f"{text} ago"


@ui.context_processor
def common() -> dict:
    box = sandbox()
    now = box.clock.now()
    return {"clock": box.clock.describe(), "clock_shown": now.replace(microsecond=0).isoformat(sep=" "),
            "scenario_name": box.scenario.name, "poll": POLL, "providers": sorted(box.providers)}


# -- orders ----------------------------------------------------------------------------------

def _order_filters() -> dict:
    args = request.args
    return {"provider": args.get("provider") or None, "status": args.get("status") or None,
            "merchant": args.get("merchant") or None, "q": (args.get("q") or "").strip(),
            "page": max(1, int(args["page"])) if args.get("page", "").isdigit() else 1}


def _orders_context() -> dict:
    box, filters = sandbox(), _order_filters()
    if filters["provider"] not in (None, *box.providers):
        filters["provider"] = None
    start = (filters["page"] - 1) * PAGE_SIZE
    listed = dict(provider=filters["provider"], merchant=filters["merchant"])
    if filters["status"] or filters["q"]:
        matching = [o for o in box.book.list(status=filters["status"], **listed)
                    if filters["q"].lower() in (o.order_id + " " + o.transaction_id).lower()]
        total, orders = len(matching), matching[start:start + PAGE_SIZE]
    else:
        orders = box.book.list(offset=start, limit=PAGE_SIZE, **listed)
        total = box.run.count() if not any(listed.values()) else len(box.book.list(**listed))
    return {"orders": orders, "filters": filters, "total": total,
            "pages": max(1, math.ceil(total / PAGE_SIZE)), "now": box.clock.now()}


@ui.get("/")
def orders_page():
    return render_template("orders.html", **_orders_context())


@ui.get("/fragments/orders")
def orders_fragment():
    return render_template("_orders_table.html", **_orders_context())


# -- one order -------------------------------------------------------------------------------

def _order_context(provider: str, order_id: str) -> dict:
    box = sandbox()
    if provider not in box.providers:
        abort(404)
    order = box.book.find(provider, order_id)
    if order is None:
        abort(404)
    keys = {order.order_id, order.transaction_id}
    journal = [e for e in box.journal.query(provider=provider) if e.get("order_id") in keys]
    deliveries = [d for d in box.webhooks.query(provider=provider, order_id=order.order_id)
                  if d["merchant"] == order.merchant]
    return {"order": order, "now": box.clock.now(), "events": allowed_events(order),
            "journal": box.redactor.value(list(reversed(journal))),
            "deliveries": box.redactor.value(list(reversed(deliveries)))}


def allowed_events(order: Order) -> list[str]:
    """Every event the provider's rules allow from the order's status (guards included)."""
    box = sandbox()
    lifecycle = box.lifecycle(order.provider)
    merchant = box.merchants.get(order.provider, order.merchant)
    return [event for event in lifecycle.events if lifecycle.check(event, order, merchant) is None]


@ui.get("/orders/<provider>/<path:order_id>")
def order_page(provider: str, order_id: str):
    return render_template("order.html", **_order_context(provider, order_id),
                           has_payer_page=sandbox().providers[provider].payer is not None)


@ui.get("/fragments/order")
def order_fragment():
    return render_template("_order_detail.html",
                           **_order_context(request.args.get("provider", ""), request.args.get("id", "")))


# -- clock -----------------------------------------------------------------------------------

@ui.get("/fragments/clock")
def clock_fragment():
    return render_template("_clock_now.html")


# -- faults ----------------------------------------------------------------------------------

def _faults_context() -> dict:
    box = sandbox()
    faults = box.faults.listing()
    for fault in faults:
        times = fault.get("times")
        fault["remaining"] = "∞" if times is None else max(0, times - fault["fired"])
        fault["on"] = ", ".join(f"{k}={fault[k]}" for k in ("provider", "endpoint", "merchant",
                                                            "order_id", "method") if k in fault) or "every call"
    return {"faults": faults}


@ui.get("/faults")
def faults_page():
    return render_template("faults.html", demos=scenario_list(), webhook_endpoint=WEBHOOK_ENDPOINT,
                           **_faults_context())


@ui.get("/fragments/faults")
def faults_fragment():
    return render_template("_faults_table.html", **_faults_context())


# -- journal ---------------------------------------------------------------------------------

def _journal_context() -> dict:
    box, args = sandbox(), request.args
    status = args.get("status", "")
    entries = box.journal.query(provider=args.get("provider") or None, path=args.get("path") or None,
                                status=int(status) if status.isascii() and status.isdigit() else None)
    return {"entries": box.redactor.value(list(reversed(entries[-JOURNAL_ROWS:]))),
            "filters": {k: args.get(k, "") for k in ("provider", "path", "status")}}


@ui.get("/journal")
def journal_page():
    return render_template("journal.html", **_journal_context())


@ui.get("/fragments/journal")
def journal_fragment():
    return render_template("_journal_table.html", **_journal_context())


# -- webhooks --------------------------------------------------------------------------------

def _webhooks_context() -> dict:
    box = sandbox()
    return {"deliveries": box.redactor.value(list(reversed(box.webhooks.query())))}


@ui.get("/webhooks")
def webhooks_page():
    return render_template("webhooks.html", **_webhooks_context())


@ui.get("/fragments/webhooks")
def webhooks_fragment():
    return render_template("_webhooks_table.html", **_webhooks_context())


# -- scenario --------------------------------------------------------------------------------

def scenario_list() -> list[dict]:
    """The bundled scenarios with their one-line descriptions."""
    found = []
    for name in scenarios.bundled_names():
        try:
            description = scenarios.load(name, sandbox().providers).description
        except scenarios.ScenarioError:
            description = "(does not load)"
        found.append({"name": name, "description": description})
    return found


@ui.get("/scenario")
def scenario_page():
    box = sandbox()
    merchants = []
    for merchant in box.merchants:
        secret = box.providers[merchant.provider].secret_credentials
        merchants.append({"provider": merchant.provider, "id": merchant.id,
                          "notification_url": merchant.notification_url,
                          "credentials": {k: mask(str(v)) if k in secret else v
                                          for k, v in merchant.credentials.items()}})
    return render_template("scenario.html", scenario=box.scenario, merchants=merchants,
                           orders=box.run.count(), bundled=scenario_list())


@ui.app_template_global()
def since(moment, now) -> str:
    return relative(moment, now)


@ui.app_template_filter("local")
def local(moment: datetime | None) -> str:
    """An instant as the simulator clock shows time (its zone), to the second."""
    if moment is None:
        return "—"
    zone = sandbox().clock.now().tzinfo
    return moment.astimezone(zone).replace(microsecond=0).isoformat(sep=" ")


@ui.errorhandler(404)
def not_found(exc):
    return render_template("error.html", message="There is no such order or page."), 404
