"""Contract checks: a real response against an OpenAPI document's response schema.

`Contract(document).check(template, method, response)` finds the operation, then the
response documented for the status (exact code, then a range such as `5XX`) — a status the
document does not list fails — and validates the JSON body against its schema with every
`$ref` resolved inside the document (JSON Schema 2020-12, as OpenAPI 3.1 says).
`Contract.responses()` lists every documented (template, method, status), so a test can
insist that each one has a representative call.
"""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:openapi-document"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def pointer(*parts: str) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Contract:
    def __init__(self, document: dict):
        self.document = document
        self.registry = Registry().with_resource(
            DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))

    def responses(self) -> set[tuple[str, str, str]]:
        return {(template, method, status)
                for template, item in self.document["paths"].items()
                for method, op in item.items() if method in METHODS
                for status in op["responses"]}

    def check(self, template: str, method: str, response) -> None:
        """Fail (AssertionError) unless `response` is documented and matches its schema."""
        method = method.lower()
        operation = self.document["paths"].get(template, {}).get(method)
        assert operation is not None, f"{method.upper()} {template} is not documented"
        status = self._status_key(operation["responses"], response.status_code)
        assert status is not None, (f"{method.upper()} {template}: status {response.status_code} "
                                    f"is not documented (documented: {sorted(operation['responses'])})")
        location = ("paths", template, method, "responses", status)
        documented = operation["responses"][status]
        if "$ref" in documented:
            location = tuple(documented["$ref"].removeprefix("#/").split("/"))
            documented = self._resolve(location)
        content = documented.get("content")
        if not content:
            return
        mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        assert mimetype in content, f"{method.upper()} {template} {status}: content type {mimetype!r} " \
                                    f"is not documented ({sorted(content)})"
        self._validate((*location, "content", mimetype, "schema"),
                       json.loads(response.get_data(as_text=True)),
                       f"{method.upper()} {template} {response.status_code}")

    def _validate(self, location: tuple[str, ...], body, what: str) -> None:
        schema_at = DOCUMENT_URI + "#" + pointer(*location)
        validator = Draft202012Validator({"$ref": schema_at}, registry=self.registry)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, (f"{what}: body breaks its schema: "
                            + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
                            + f"\nbody: {body}")

    def check_examples(self) -> None:
        """Fail unless every media-type example in the document matches its own schema."""
        for location, media in self._media():
            if "example" in media:
                self._validate((*location, "schema"), media["example"], "example at " + "/".join(location))

    def _media(self):
        for section in ("paths", "components"):
            yield from self._walk((section,), self.document[section])

    def _walk(self, location: tuple[str, ...], node):
        if isinstance(node, dict):
            if "schema" in node and location[-2:-1] == ("content",):
                yield location, node
            for key, value in node.items():
                if key not in ("schema", "example", "schemas"):
                    yield from self._walk((*location, key), value)

    def check_component(self, name: str, response) -> None:
        """Fail unless `response` matches the shared response `components.responses[name]`."""
        content = self.document["components"]["responses"][name]["content"]
        mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        assert mimetype in content, f"{name}: content type {mimetype!r} is not documented"
        self._validate(("components", "responses", name, "content", mimetype, "schema"),
                       json.loads(response.get_data(as_text=True)), name)

    def _resolve(self, location: tuple[str, ...]) -> dict:
        node = self.document
        for part in location:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @staticmethod
    def _status_key(responses: dict, code: int) -> str | None:
        for key in (str(code), f"{str(code)[0]}XX", "default"):
            if key in responses:
                return key
        return None


def concrete(template: str, value: str = "x") -> str:
    """`template` with every `{parameter}` filled with `value`."""

    return re.sub(r"\{[^}]+\}", value, template)


def fail_every_request(app) -> None:
    """Make `app` fail unexpectedly on every request (for the documented 5XX answers): the
    default tenant's sandbox breaks where every call, however dispatched, first reads it."""
    def _boom():
        raise RuntimeError("injected by the contract test")
    app.extensions["sandbox"].request_scope = _boom


def oversized_json(max_bytes: int) -> bytes:
    """A JSON body just over `max_bytes`."""
    return b'{"pad":"' + b"x" * max_bytes + b'"}'
