"""Builders for the pieces every OpenAPI document repeats: the document shell, JSON
responses and request bodies, parameters, `$ref`s. No document content lives here."""

from __future__ import annotations

from typing import Any

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"


def document(title: str, description: str, paths: dict, *, schemas: dict | None = None,
             responses: dict | None = None, security_schemes: dict | None = None,
             servers: list[dict] | None = None, version: str = "1.0.0") -> dict:
    components: dict[str, Any] = {"schemas": schemas or {}}
    if responses:
        components["responses"] = responses
    if security_schemes:
        components["securitySchemes"] = security_schemes
    doc = {"openapi": OPENAPI_VERSION,
           "info": {"title": title, "version": version, "description": description},
           "paths": paths, "components": components}
    if servers:
        doc["servers"] = servers
    return doc


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def response_ref(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def json_response(description: str, schema: dict, example: Any = None) -> dict:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"description": description, "content": {JSON: media}}


def json_body(schema: dict, *, required: bool = True, example: Any = None,
              description: str | None = None) -> dict:
    body = {"required": required, "content": json_response("", schema, example)["content"]}
    if description:
        body["description"] = description
    return body


def parameter(name: str, where: str, description: str, *, required: bool | None = None,
              schema: dict | None = None, example: Any = None) -> dict:
    """A parameter; path parameters are always required, others optional unless told."""
    param = {"name": name, "in": where, "description": description,
             "required": where == "path" if required is None else required,
             "schema": schema or {"type": "string"}}
    if example is not None:
        param["example"] = example
    return param


def string(description: str | None = None, **extra) -> dict:
    schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def nullable(schema: dict) -> dict:
    """`schema` or null (OpenAPI 3.1: a JSON Schema type list)."""
    kinds = schema.get("type")
    if isinstance(kinds, str):
        widened = {**schema, "type": [kinds, "null"]}
        if "enum" in schema:
            widened["enum"] = [*schema["enum"], None]
        return widened
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, required: tuple[str, ...] | list[str] = (), *,
        additional: bool | dict = True, description: str | None = None) -> dict:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if additional is not True:
        schema["additionalProperties"] = additional
    if description:
        schema["description"] = description
    return schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


# -- what every provider document shares -------------------------------------------------

def provider_document(name: str, title: str, description: str, paths: dict, *, schemas: dict,
                      error: dict, security_schemes: dict, responses: dict | None = None) -> dict:
    """A provider's document: its real paths served at the root and under `/<name>`, and the
    request-level errors every provider answers in its own `error` shape (as components
    `NotFound` for an unknown path, `MethodNotAllowed`, `TooLarge`, `ServerError`)."""
    generic = {
        "NotFound": json_response("an unknown path under the provider's prefixes", error),
        "MethodNotAllowed": json_response("a documented path called with another method", error),
        "TooLarge": json_response("the request body is over the simulator's limit", error),
        "ServerError": json_response("an unexpected failure or an injected 5xx fault, in the "
                                     "provider's error shape", error),
    }
    return document(title, description, paths, schemas=schemas,
                    responses={**generic, **(responses or {})}, security_schemes=security_schemes,
                    servers=[{"url": "/", "description": "the provider's real paths at the root"},
                             {"url": f"/{name}", "description": f"the same paths under /{name}"}])


def with_generic_errors(responses: dict, *, body: bool = False) -> dict:
    """`responses` plus the documented 5XX (and 413 when the operation takes a body)."""
    extra = {"413": response_ref("TooLarge")} if body else {}
    return {**responses, **extra, "5XX": response_ref("ServerError")}
