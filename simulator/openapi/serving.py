"""The one blueprint that serves the OpenAPI documents (mounted under `/_sim`):

- `GET /_sim/openapi.json`            the control API's document
- `GET /_sim/openapi/<provider>.json` a provider's emulated endpoints
- `GET /_sim/openapi/index`           which documents there are, with their URLs

Providers are asked through their optional `openapi` field; the core names none.
"""

from __future__ import annotations

from flask import Blueprint, url_for

from ..wire import json_response, sandbox
from . import control

openapi_api = Blueprint("sim_openapi", __name__)


def provider_documents() -> dict:
    """name → builder of every provider that documents itself."""
    return {name: p.openapi for name, p in sorted(sandbox().providers.items()) if p.openapi}


@openapi_api.get("/openapi.json")
def control_document():
    return json_response(control.document())


@openapi_api.get("/openapi/index")
def index():
    documents = [{"name": "control", "title": control.TITLE,
                  "url": url_for(".control_document")}]
    documents += [{"name": name, "title": sandbox().providers[name].title,
                   "url": url_for(".provider_document", name=name)} for name in provider_documents()]
    return json_response({"documents": documents})


@openapi_api.get("/openapi/<name>.json")
def provider_document(name: str):
    build = provider_documents().get(name)
    if build is None:
        return json_response({"error": f"no OpenAPI document {name!r}; expected one of "
                                       f"{', '.join(provider_documents())}", "field": "name"}, 404)
    return json_response(build())
