"""The app factory: `create_app(settings)` wires store, clock, journal, providers and the
`/_sim` control API into one Flask app.

Each provider's blueprint is mounted twice — at the root (its real paths) and under
`/<provider>` — so a client's base URL can be either `http://127.0.0.1:8080` or
`http://127.0.0.1:8080/midtrans`. A provider's API calls are served before Flask
(`simulator.direct`: the same views without Flask's request machinery); payer pages, `/_sim`
and anything else go through Flask. Either way `simulator.hooks` wraps the call: every
provider call may meet an injected fault (`simulator.injection`) and is journaled, and every
error, from an unknown path to an unexpected exception, is answered as JSON in the shape of
the provider whose paths were called (or `{"error": …}` on `/_sim`), never as an HTML page
or a trace.
"""

from __future__ import annotations

from flask import Flask, g, request

from . import direct, scenarios
from .call import Call, current as current_call
from .control import access, control_api, webhooks_api
from .openapi import openapi_api
from .payer import payer
from .providers import PROVIDERS
from .hooks import CONTROL_PREFIX, CallHooks
from .settings import Settings
from .store import open_store
from .tenants import TenantPaths, Tenants
from .ui import ui



def create_app(settings: Settings | None = None, *, scenario: scenarios.Scenario | str | None = None,
               store=None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False

    store = store or open_store(settings.store, durable=settings.store_durable)
    tenants = Tenants(settings, PROVIDERS, store)
    sandbox = tenants.default
    if settings.fresh or not sandbox.join():
        if not isinstance(scenario, scenarios.Scenario):
            scenario = scenarios.load(scenario or settings.scenario, PROVIDERS, sandbox.limits)
        sandbox.load(scenario)
    app.extensions["sandbox"] = sandbox            # the default tenant (the root paths)
    app.extensions["tenants"] = tenants

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

    def provider_of_request(req) -> str | None:
        owner = blueprint_owner.get(req.blueprint)
        if owner is not None:
            return owner
        path = req.path
        return next((name for prefix, name in prefixes if path.startswith(prefix)), None)

    hooks = CallHooks(tenants, PROVIDERS)

    # -- what Flask serves (payer pages, /_sim, errors): the same hooks as direct calls --
    @app.before_request
    def open_call():
        req = request._get_current_object()    # one proxy lookup, not one per attribute
        call = Call(req.environ, app, provider=provider_of_request(req), blueprint=req.blueprint,
                    request=req)
        g.call_token = call.enter()
        access.require(req.path, settings.admin_token)
        hooks.open(call, payer_page=getattr(app.view_functions.get(req.endpoint), "payer_page", False))

    @app.after_request
    def close_call(response):
        return hooks.close(current_call(), response)

    @app.teardown_request
    def release_call(exc):
        call = current_call()
        if call is not None:
            hooks.release(call)
            Call.leave(g.pop("call_token"))

    @app.errorhandler(Exception)
    def error(exc: Exception):
        call = current_call()
        if call is None:     # an error before open_call (none is known): a bare call for its shape
            req = request._get_current_object()
            call = Call(req.environ, app, provider=provider_of_request(req), blueprint=req.blueprint, request=req)
        return hooks.error_response(call, exc)

    # -- provider API calls: served before Flask (see simulator.direct) --
    routes = direct.Routes(app.url_map.iter_rules(), app.view_functions, blueprint_owner,
                           served=lambda view: not getattr(view, "payer_page", False))
    app.wsgi_app = TenantPaths(direct.DirectCalls(app, app.wsgi_app, hooks, routes))
    return app

