"""The app factory: `create_app(settings)` wires store, clock, journal, providers and the
`/_sim` control API into one Flask app.

Each provider's blueprint is mounted twice — at the root (its real paths) and under
`/<provider>` — so a client's base URL can be either `http://127.0.0.1:8080` or
`http://127.0.0.1:8080/midtrans`. Every provider call may meet an injected fault
(`simulator.injection`) and is journaled. Every error, from an
unknown path to an unexpected exception, is answered as JSON in the shape of the provider
whose paths were called (or `{"error": …}` on `/_sim`), never as an HTML page or a trace.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from . import injection, scenarios
from .control import access, control_api, webhooks_api
from .openapi import openapi_api
from .payer import payer
from .providers import PROVIDERS
from .journal import Draft
from .sandbox import Sandbox
from .settings import Settings
from .store import open_store
from .tenants import TENANT_KEY, TenantPaths, Tenants
from .ui import ui
from .wire import Stop, json_response
from .wire import sandbox as current_sandbox

log = logging.getLogger("simulator")
CONTROL_PREFIX = "/_sim"


def create_app(settings: Settings | None = None, *, scenario: scenarios.Scenario | str | None = None,
               store=None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False

    store = store or open_store(settings.store)
    tenants = Tenants(settings, PROVIDERS, store)
    sandbox = tenants.default
    if settings.fresh or not sandbox.join():
        if not isinstance(scenario, scenarios.Scenario):
            scenario = scenarios.load(scenario or settings.scenario, PROVIDERS, sandbox.limits)
        sandbox.load(scenario)
    app.extensions["sandbox"] = sandbox            # the default tenant (the root paths)
    app.extensions["tenants"] = tenants
    app.wsgi_app = TenantPaths(app.wsgi_app)       # /t/<name>/… → that tenant

    blueprint_owner: dict[str, str] = {}
    for name, provider in PROVIDERS.items():
        app.register_blueprint(provider.blueprint)
        app.register_blueprint(provider.blueprint, url_prefix=f"/{name}", name=f"{name}_prefixed")
        blueprint_owner[provider.blueprint.name] = name
        blueprint_owner[f"{name}_prefixed"] = name
    app.register_blueprint(control_api, url_prefix=CONTROL_PREFIX)
    app.register_blueprint(webhooks_api, url_prefix=CONTROL_PREFIX)
    app.register_blueprint(openapi_api, url_prefix=CONTROL_PREFIX)
    app.register_blueprint(ui, url_prefix=f"{CONTROL_PREFIX}/ui")
    app.register_blueprint(payer, url_prefix=CONTROL_PREFIX)
    app.register_blueprint(access.access, url_prefix=CONTROL_PREFIX)

    prefixes = sorted(((prefix, name) for name, p in PROVIDERS.items()
                       for prefix in (f"/{name}/", *p.path_prefixes)),
                      key=lambda item: len(item[0]), reverse=True)

    def provider_of_request(req=None) -> str | None:
        req = req or request._get_current_object()    # one proxy lookup, not one per attribute
        owner = blueprint_owner.get(req.blueprint)
        if owner is not None:
            return owner
        path = req.path
        return next((name for prefix, name in prefixes if path.startswith(prefix)), None)

    @app.before_request
    def start_provider_call():
        req = request._get_current_object()
        g.started = time.perf_counter()
        access.require(req.path, settings.admin_token)
        tenants.sweep()          # idle tenants go, at most once a minute per process
        tenant = req.environ.get(TENANT_KEY)
        box = sandbox if tenant is None else tenants.for_request(tenant)
        if box is None:
            g.unknown_tenant = True
            raise NotFound(f"no tenant {tenant[:64]!r}: it was never made, was deleted, or "
                           "expired after being idle")
        g.sandbox_scope = scope = box.request_scope()
        scope.__enter__()    # the run's meta, read once for this request
        if box.faults:       # the hot path without faults: one truth test
            provider = provider_of_request(req)
            view = app.view_functions.get(req.endpoint)
            if provider is not None and not getattr(view, "payer_page", False):
                injection.begin(box.faults, provider, PROVIDERS[provider].error_response,
                                box.settings.fault_hang_cap)

    @app.after_request
    def journal_provider_call(response):
        req = request._get_current_object()
        provider = provider_of_request(req)
        if provider is not None and not g.get("unknown_tenant"):
            response = injection.finish(response)
            _journal(current_sandbox(), provider, response, req, g._get_current_object())
        return response

    @app.teardown_request
    def end_request(exc):
        scope = g.pop("sandbox_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)

    @app.errorhandler(Stop)
    def stopped(exc: Stop):          # a view's early answer, an injected fault among them
        return exc.response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error_response(500, InternalServerError.description)

    def _error_response(code: int, message: str):
        if request.path.startswith(CONTROL_PREFIX):
            return json_response({"error": message}, code)
        provider = provider_of_request()
        if provider is not None:
            return PROVIDERS[provider].error_response(code, message)
        return json_response({"error": message, "providers": sorted(PROVIDERS),
                              "control_api": CONTROL_PREFIX}, code)

    return app


def _journal(sandbox: Sandbox, provider: str, response, request, g) -> None:
    """The journal entry of this provider call (`request` and `g` are the objects behind
    Flask's proxies: this runs on every provider call), taken as a `Draft`."""
    settings = sandbox.settings
    length = request.content_length or 0
    if length > settings.max_body_bytes:
        request_body = f"<{length} bytes, over the {settings.max_body_bytes}-byte limit>"
    else:
        try:
            request_body = request.get_data(cache=True)
        except HTTPException:
            request_body = "<unreadable>"
    sandbox.journal.record(Draft(
        at=sandbox.clock.now(), provider=provider, notes=dict(g.get("journal_notes") or {}),
        method=request.method, path=request.path, query=request.query_string,
        request_headers=tuple(request.headers.items()), secret_headers=PROVIDERS[provider].secret_headers,
        request_body=Draft.body(request_body, settings.journal_body_cap),
        status=None if injection.aborted(response) else response.status_code,
        response_headers=response.headers,
        response_body=Draft.body("<streamed>" if response.is_streamed else response.get_data(),
                                 settings.journal_body_cap),
        duration_ms=round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 3)))
