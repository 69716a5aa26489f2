"""`/_sim/tenants`: make, list and delete tenants (see `simulator.tenants`).

    POST /_sim/tenants {"name"?, "scenario"?}   → 201 {"name", "base_url"}
    GET /_sim/tenants                           → {"count", "tenants": [...]}
    DELETE /_sim/tenants/<name>                 → 200 {"deleted"}; 404 when unknown

`scenario` is a bundled scenario's name (or a file in `--scenario-dir`), or a scenario as a
JSON object; without it the tenant gets the server's scenario. A broken scenario is a 400
naming the field, and no tenant is made.
"""

from __future__ import annotations

from flask import current_app, request

from .. import scenarios
from ..store import DEFAULT_TENANT
from ..tenants import ROOT_KEY, TenantError
from ..wire import json_response, sandbox
from .api import ControlError, control_api, json_object, only_keys

KEYS = ("name", "scenario")


def _tenants():
    return current_app.extensions["tenants"]


def base_url(name: str) -> str:
    """`<server>/t/<name>`, on the host and port this request came in on."""
    return f"{request.host_url.rstrip('/')}{request.environ.get(ROOT_KEY, '')}/t/{name}"


@control_api.post("/tenants")
def create_tenant():
    body = only_keys(json_object(), KEYS, "tenant")
    scenario = _scenario(body.get("scenario"))
    try:
        name = _tenants().create(body.get("name"), scenario)
    except TenantError as exc:
        raise ControlError(str(exc), exc.status, field="name") from None
    return json_response({"name": name, "base_url": base_url(name)}, 201)


def _scenario(spec) -> scenarios.Scenario:
    box = sandbox()
    try:
        if spec is None:
            return scenarios.load(box.settings.scenario, box.providers, box.limits)
        if isinstance(spec, str):
            return scenarios.load_named(spec, box.providers, box.limits)
        if isinstance(spec, dict):
            return scenarios.from_mapping(spec, "scenario", box.providers, box.limits)
    except scenarios.ScenarioError as exc:
        items = [p.removeprefix("request: ") for p in exc.problems[:20]]
        raise ControlError(items[0], field="scenario", problems=items) from None
    raise ControlError(f"scenario: {type(spec).__name__} is not a scenario; expected a bundled "
                       "scenario's name or a scenario object", field="scenario")


@control_api.get("/tenants")
def list_tenants():
    timeout = sandbox().settings.tenant_idle_timeout
    records = _tenants().list()
    return json_response({"count": len(records), "idle_timeout_seconds": timeout, "tenants": [
        {"name": t.name, "base_url": base_url(t.name), "created": t.created, "last_seen": t.last_seen}
        for t in records]})


@control_api.delete("/tenants/<name>")
def delete_tenant(name: str):
    if name == DEFAULT_TENANT or not _tenants().remove(name):
        raise ControlError(f"no tenant {name[:64]!r}", 404)
    return json_response({"deleted": name})
