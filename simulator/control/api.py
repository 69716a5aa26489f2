"""`/_sim`: the control API, JSON in and JSON out; errors are `{"error": "..."}`.

The paths and field names follow DESIGN.md's contract table: health, orders (list, get,
create, lifecycle events), reset, scenario load, clock, journal (`faults_api` adds
/_sim/faults). Anything the caller gets wrong is a 400 that names the field and what was
expected; a refused lifecycle event is a 409 with the reason.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re

from flask import Blueprint, request

from .. import scenarios
from ..clock import parse_duration, parse_instant
from ..orders import Order, Refusal, UNKNOWN_EVENT
from ..limits import shown
from ..merchants import MerchantDirectory
from ..store import DuplicateOrder
from ..suggest import did_you_mean
from ..wire import BodyError, json_response, read_json, sandbox

control_api = Blueprint("sim", __name__)
_FIELD_PATH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:[.\[][^ ]*)?$")   # orders[3].status → orders


class ControlError(Exception):
    def __init__(self, message: str, http_status: int = 400, **fields):
        super().__init__(message)
        self.http_status, self.fields = http_status, fields

    @classmethod
    def from_problems(cls, problems: scenarios.Problems) -> "ControlError":
        """A 400 naming the first problem's field, with every problem listed."""
        items = [p.removeprefix(f"{problems.source}: ") for p in problems.items]
        return cls(items[0], field=items[0].split(":", 1)[0].split(".")[0], problems=items)

    @classmethod
    def from_scenario_error(cls, exc: scenarios.ScenarioError, named: bool) -> "ControlError":
        """A 400 for a scenario that did not load: the field is `name` for a named one (the
        file's own problems follow), else the first problem's top-level key; a YAML syntax
        problem names its line and column instead."""
        items = [p.removeprefix("request: ") for p in exc.problems[:20]]
        if named:
            return cls(items[0], field="name", problems=items)
        path = items[0].split(": ", 1)[0]
        field = _FIELD_PATH.match(path)
        return cls(items[0], problems=items, **({"field": field.group(1)} if field else {}))


@control_api.errorhandler(ControlError)
def _control_error(exc: ControlError):
    return json_response({"error": str(exc), **exc.fields}, exc.http_status)


@control_api.errorhandler(BodyError)
def _body_error(exc: BodyError):
    return json_response({"error": str(exc)}, 400)


def json_object() -> dict:
    body = read_json(required=False)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ControlError(f"expected a JSON object; got {type(body).__name__}")
    return body


def only_keys(body: dict, allowed: tuple[str, ...], what: str) -> dict:
    """`body`, or a 400 naming its first key not in `allowed` (with the closest one): a
    mistyped key must never be ignored."""
    for key in body:
        if key not in allowed:
            raise ControlError(f"{key[:40]}: not a {what} field; expected {', '.join(allowed)}"
                               f"{did_you_mean(key, allowed)}", field=key[:40])
    return body


def _order_view(order: Order) -> dict:
    """An order as /_sim shows it: times in the zone of the simulator clock."""
    return order.to_dict(sandbox().clock.now().tzinfo)


# -- health ------------------------------------------------------------------------------

@control_api.get("/health")
def health():
    box = sandbox()
    return json_response({"status": "ok", "providers": sorted(box.providers),
                          "orders": box.run.count(), "scenario": box.scenario.name,
                          "clock": box.clock.describe(), "pid": os.getpid(),
                          "workers": box.settings.workers, "store": box.store.url})


# -- orders ------------------------------------------------------------------------------

@control_api.get("/orders")
def list_orders():
    box = sandbox()
    provider = request.args.get("provider")
    if provider is not None and provider not in box.providers:
        raise ControlError(f"provider: {provider!r} is not a provider; expected one of "
                           f"{', '.join(sorted(box.providers))}", field="provider")
    orders = box.book.list(provider=provider, status=request.args.get("status"),
                           merchant=request.args.get("merchant"),
                           offset=_whole_number("offset", "a number") or 0,
                           limit=_whole_number("limit", "a number"))
    return json_response({"count": len(orders), "orders": [_order_view(o) for o in orders]})


@control_api.post("/orders")
def create_order():
    box = sandbox()
    body = json_object()
    problems = scenarios.Problems("request")
    spec = scenarios.check_order(body, "", box.providers, box.merchants, problems)
    if spec is None:
        raise ControlError.from_problems(problems)
    provider = box.providers[spec["provider"]]
    order = scenarios.build_order(spec, provider, box.clock.now(), box.rand, source="control")
    try:
        box.run.insert(order)
    except DuplicateOrder:
        raise ControlError(f"order_id: {order.order_id!r} already exists for {provider.name} "
                           f"merchant {order.merchant!r}", 409, field="order_id") from None
    return json_response(_order_view(order), 201)


def _find(provider: str, order_id: str) -> Order:
    box = sandbox()
    if provider not in box.providers:
        raise ControlError(f"{provider!r} is not a provider; expected one of "
                           f"{', '.join(sorted(box.providers))}", 404, field="provider")
    order = box.book.find(provider, order_id, request.args.get("merchant"))
    if order is None:
        raise ControlError(f"no {provider} order {order_id!r}", 404)
    return order


@control_api.get("/orders/<provider>/<path:order_id>")
def get_order(provider: str, order_id: str):
    return json_response(_order_view(_find(provider, order_id)))


@control_api.post("/orders/<provider>/<path:order_id>/<event>")
def drive_order(provider: str, order_id: str, event: str):
    box = sandbox()
    order = _find(provider, order_id)
    json_object()  # a body is optional, but if given it must be a JSON object
    result = box.book.apply(order, event, source="control",
                            merchant=box.merchants.get(provider, order.merchant))
    if isinstance(result, Refusal):
        if result.reason == UNKNOWN_EVENT:
            raise ControlError(f"event: {event!r} is not a {provider} event; expected one of "
                               f"{', '.join(sorted(box.lifecycle(provider).events))}", field="event")
        raise ControlError(result.message, 409, reason=result.reason, status=result.status)
    return json_response(_order_view(result))


# -- scenario, reset ---------------------------------------------------------------------

@control_api.post("/reset")
def reset():
    box = sandbox()
    json_object()   # no body is needed, but one that is not a JSON object is refused, not ignored
    box.reset()
    return json_response({"status": "ok", "scenario": box.scenario.name, "orders": box.run.count(),
                          "scenario_version": box.meta().scenario_epoch})


@control_api.get("/scenario")
def current_scenario():
    """The loaded scenario as a document POST /_sim/scenario takes back: its orders, faults
    and clock as written (generate: blocks stay blocks), its merchants as they are now
    (PATCH changes included). `source` and `bundled` are only information."""
    box = sandbox()
    raw = box.scenario.raw
    document = {"name": box.scenario.name, "description": box.scenario.description,
                "seed": box.scenario.seed}
    if raw.get("clock") is not None:
        document["clock"] = _plain(raw["clock"])
    document["merchants"] = [{k: v for k, v in m.to_dict().items() if v not in (None, {})}
                             for m in box.merchants]
    document["orders"] = _plain(raw.get("orders") or [])
    document["faults"] = _plain(raw.get("faults") or [])
    return json_response({**document, "source": box.scenario.source,
                          "bundled": scenarios.bundled_names()})


def _plain(value):
    """YAML's dates and times as the ISO text a scenario also accepts."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


@control_api.post("/scenario")
def load_scenario():
    box = sandbox()
    content_type = request.mimetype or ""
    named = False
    try:
        if "yaml" in content_type or "text/plain" in content_type:
            try:
                text = request.get_data().decode("utf-8")
            except UnicodeDecodeError:
                raise ControlError("the YAML body is not UTF-8 text") from None
            scenario = scenarios.parse(text, "request", box.providers, box.limits)
        else:
            body = json_object()
            named = set(body) == {"name"}
            if named:
                scenario = scenarios.load_named(body["name"], box.providers, box.limits)
            else:
                scenario = scenarios.from_mapping(body, "request", box.providers, box.limits)
    except scenarios.ScenarioError as exc:
        raise ControlError.from_scenario_error(exc, named=named) from None
    box.load(scenario)
    return json_response({"status": "ok", "scenario": scenario.name, "orders": box.run.count(),
                          "scenario_version": box.meta().scenario_epoch})


# -- clock -------------------------------------------------------------------------------

@control_api.get("/clock")
def read_clock():
    return json_response(sandbox().clock.describe())


@control_api.post("/clock")
def move_clock():
    clock = sandbox().clock
    body = only_keys(json_object(), ("advance", "set", "frozen"), "clock")
    frozen = body.get("frozen")
    if frozen is not None and not isinstance(frozen, bool):
        raise ControlError(f"frozen: {frozen!r} is not true or false", field="frozen")
    if "advance" in body:
        try:
            clock.advance(parse_duration(body["advance"]))
        except ValueError as exc:
            raise ControlError(f"advance: {exc}", field="advance") from None
    elif "set" in body:
        try:
            clock.set(parse_instant(body["set"]), frozen)
        except ValueError as exc:
            raise ControlError(f"set: {exc}", field="set") from None
    elif frozen is not None:
        clock.set(clock.now(), frozen)
    else:
        raise ControlError('expected {"advance": "30m"} or {"set": "2026-01-15T10:00:00+07:00"}')
    if frozen is not None and clock.frozen != frozen:
        clock.set(clock.now(), frozen)
    return json_response(clock.describe())


# -- journal -----------------------------------------------------------------------------

@control_api.get("/journal")
def journal():
    box = sandbox()
    status = _whole_number("status", "an HTTP status code")
    entries = box.journal.query(provider=request.args.get("provider"), path=request.args.get("path"),
                                status=status,
                                order_id=request.args.get("order_id"),
                                endpoint=request.args.get("endpoint"),
                                method=request.args.get("method"))
    limit = _whole_number("limit", "a number")
    if limit is not None:
        entries = entries[-limit:] if limit else []
    return json_response({"count": len(entries), "cap": box.journal.cap,
                          "entries": box.redactor.value(entries)})


def _whole_number(name: str, what: str) -> int | None:
    """Query parameter `name` as a non-negative integer (ASCII digits only: str.isdigit()
    also accepts '³', which int() refuses), None when absent; else a 400 naming it."""
    value = request.args.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ControlError(f"{name}: {value!r} is not {what}", field=name)
    return int(value)


@control_api.delete("/journal")
def clear_journal():
    return json_response({"status": "ok", "cleared": sandbox().journal.clear()})


@control_api.get("/merchants")
def merchants():
    return json_response({"merchants": [m.to_dict() for m in sandbox().merchants]})


MERCHANT_CHANGES = ("notification_url", "features")


@control_api.patch("/merchants/<provider>/<merchant_id>")
def change_merchant(provider: str, merchant_id: str):
    """Point a merchant's notifications somewhere else, or switch its features, on a running
    server: every process sees it at its next request; orders stay."""
    box = sandbox()
    merchant = box.merchants.get(provider, merchant_id)
    if merchant is None:
        raise ControlError(f"no {provider[:40]} merchant {merchant_id[:64]!r}", 404)
    body = only_keys(json_object(), MERCHANT_CHANGES, "merchant change")
    changes = {}
    if "notification_url" in body:
        url = body["notification_url"]
        if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))
                                    and len(url) <= 2048):
            raise ControlError(f"notification_url: {shown(url)} is not an http(s) URL (or null for none)",
                               field="notification_url")
        changes["notification_url"] = url
    if "features" in body:
        features = body["features"]
        if not isinstance(features, dict):
            raise ControlError("features: expected a mapping of feature flags", field="features")
        only_keys(features, tuple(box.providers[provider].features), f"{provider} merchant feature")
        changes["features"] = {**merchant.features, **features}
    changed = dataclasses.replace(merchant, **changes)
    box.replace_merchants(MerchantDirectory(changed if m is merchant else m for m in box.merchants))
    return json_response(changed.to_dict())
