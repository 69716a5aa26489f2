"""The contract tests every provider's OpenAPI document gets. A provider's test module
subclasses `ProviderContract` with its `PROVIDER` name and `CALLS`: (path template, method,
status) → a function of the Flask test client making a real call that answers that
status. The suite then checks the document is valid OpenAPI 3.1 and served, that its
examples match their schemas, that every documented response has a call, that each call's
response matches the document, that unexpected failures answer the documented 5XX, and
that an unknown path and a wrong method answer the documented NotFound and
MethodNotAllowed shapes."""

from __future__ import annotations

from typing import Callable

import pytest
from openapi_spec_validator import validate

from simulator.providers import PROVIDERS
from tests.openapi_contract import Contract, concrete, fail_every_request


def oversized(client) -> bytes:
    from tests.openapi_contract import oversized_json
    return oversized_json(client.application.config["MAX_CONTENT_LENGTH"])


class ProviderContract:
    PROVIDER: str
    CALLS: dict[tuple[str, str, str], Callable]

    @property
    def document(self) -> dict:
        return PROVIDERS[self.PROVIDER].openapi()

    @property
    def contract(self) -> Contract:
        return Contract(self.document)

    def server_errors(self) -> list[tuple[str, str, str]]:
        return sorted(key for key in self.contract.responses() if key[2] == "5XX")

    def test_the_document_is_valid_openapi_3_1(self):
        validate(self.document)

    def test_every_example_matches_its_schema(self):
        self.contract.check_examples()

    def test_it_is_served_and_listed(self, client):
        url = f"/_sim/openapi/{self.PROVIDER}.json"
        assert client.get(url).get_json() == self.document
        assert url in [d["url"] for d in client.get("/_sim/openapi/index").get_json()["documents"]]

    def test_every_documented_response_has_a_representative_call(self):
        assert set(self.CALLS) | set(self.server_errors()) == self.contract.responses()

    def test_real_responses_match_the_document(self, client, documented_call):
        template, method, status = documented_call
        response = self.CALLS[documented_call](client)
        assert str(response.status_code) == status, response.get_data(as_text=True)
        self.contract.check(template, method, response)
        # the endpoint the view journaled is one a fault may name (Provider.endpoints)
        [entry] = client.get(f"/_sim/journal?provider={self.PROVIDER}&limit=1").get_json()["entries"]
        assert entry["endpoint"] in (None, *PROVIDERS[self.PROVIDER].endpoints), entry["endpoint"]

    def test_unexpected_failures_match_the_documented_5xx(self, app):
        fail_every_request(app)
        client = app.test_client()
        for template, method, _ in self.server_errors():
            for prefix in ("", f"/{self.PROVIDER}"):
                response = client.open(prefix + concrete(template), method=method.upper())
                assert response.status_code == 500
                self.contract.check(template, method, response)

    def test_an_unknown_path_and_a_wrong_method_answer_the_documented_shapes(self, client):
        self.contract.check_component("NotFound", client.get(f"/{self.PROVIDER}/no/such/path"))
        template, item = next(iter(self.document["paths"].items()))
        wrong = "PUT" if "put" not in item else "PATCH"
        response = client.open(concrete(template), method=wrong)
        assert response.status_code == 405
        self.contract.check_component("MethodNotAllowed", response)


def pytest_generate_tests(metafunc):
    """Parametrize `documented_call` with the keys of the test class's CALLS."""
    if "documented_call" in metafunc.fixturenames:
        keys = sorted(metafunc.cls.CALLS)
        metafunc.parametrize("documented_call", keys, ids=["-".join(k) for k in keys])
