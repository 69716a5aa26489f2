"""The control API's OpenAPI document: served, a valid OpenAPI 3.1 document, and true —
every documented (path, method, status) has a representative real call here whose
response matches the documented schema, and every real response's status is documented."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from simulator.openapi import control
from tests.openapi_contract import Contract, concrete, fail_every_request, oversized_json

DOCUMENT = control.document()
CONTRACT = Contract(DOCUMENT)


def pay_for_a_delivery(client) -> int:
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    return client.get("/_sim/webhooks").get_json()["deliveries"][0]["id"]


def first_provider_document(client) -> str:
    documents = client.get("/_sim/openapi/index").get_json()["documents"][1:]
    if not documents:
        pytest.skip("no provider documents itself yet")
    return documents[0]["url"]


def too_large(client, path):
    return client.post(path, data=oversized_json(client.application.config["MAX_CONTENT_LENGTH"]),
                       content_type="application/json")


# (path template, method, status) → a real call (webhook calls get a client whose merchants
# are notified at a receiver).
CALLS = {
    ("/", "get", "200"): lambda c: c.get("/_sim/"),
    ("/health", "get", "200"): lambda c: c.get("/_sim/health"),
    ("/merchants/{provider}/{merchant_id}", "patch", "200"):
        lambda c: c.patch("/_sim/merchants/midtrans/G000000001", json={"notification_url": None}),
    ("/merchants/{provider}/{merchant_id}", "patch", "400"):
        lambda c: c.patch("/_sim/merchants/midtrans/G000000001", json={"notifcation_url": None}),
    ("/merchants/{provider}/{merchant_id}", "patch", "404"):
        lambda c: c.patch("/_sim/merchants/midtrans/NOPE", json={}),
    ("/merchants/{provider}/{merchant_id}", "patch", "413"):
        lambda c: c.patch("/_sim/merchants/midtrans/G000000001", content_type="application/json",
                          data=oversized_json(c.application.config["MAX_CONTENT_LENGTH"])),
    ("/tenants", "get", "200"): lambda c: [c.post("/_sim/tenants", json={"name": "doc"}), c.get("/_sim/tenants")][1],
    ("/tenants", "post", "201"): lambda c: c.post("/_sim/tenants", json={"name": "doc"}),
    ("/tenants", "post", "400"): lambda c: c.post("/_sim/tenants", json={"name": "a b"}),
    ("/tenants", "post", "409"): lambda c: [c.post("/_sim/tenants", json={"name": "doc"}),
                                            c.post("/_sim/tenants", json={"name": "doc"})][1],
    ("/tenants", "post", "413"): lambda c: too_large(c, "/_sim/tenants"),
    ("/tenants/{name}", "delete", "200"): lambda c: [c.post("/_sim/tenants", json={"name": "doc"}),
                                                     c.delete("/_sim/tenants/doc")][1],
    ("/tenants/{name}", "delete", "404"): lambda c: c.delete("/_sim/tenants/nope"),
    ("/orders", "get", "200"): lambda c: c.get("/_sim/orders?provider=midtrans&status=pending"),
    ("/orders", "get", "400"): lambda c: c.get("/_sim/orders?provider=paypal"),
    ("/orders", "post", "201"): lambda c: c.post("/_sim/orders", json={"provider": "midtrans", "amount": 5}),
    ("/orders", "post", "400"): lambda c: c.post("/_sim/orders", json={"provider": "paypal", "amount": 5}),
    ("/orders", "post", "409"): lambda c: c.post("/_sim/orders", json={
        "provider": "midtrans", "amount": 5, "order_id": "MT-VA-BCA-PENDING"}),
    ("/orders", "post", "413"): lambda c: too_large(c, "/_sim/orders"),
    ("/orders/{provider}/{order_id}", "get", "200"): lambda c: c.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING"),
    ("/orders/{provider}/{order_id}", "get", "404"): lambda c: c.get("/_sim/orders/midtrans/NOPE"),
    ("/orders/{provider}/{order_id}/{event}", "post", "200"):
        lambda c: c.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay"),
    ("/orders/{provider}/{order_id}/{event}", "post", "400"):
        lambda c: c.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/fly"),
    ("/orders/{provider}/{order_id}/{event}", "post", "404"): lambda c: c.post("/_sim/orders/paypal/X/pay"),
    ("/orders/{provider}/{order_id}/{event}", "post", "409"):
        lambda c: [c.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay"),
                   c.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")][1],
    ("/orders/{provider}/{order_id}/{event}", "post", "413"):
        lambda c: too_large(c, "/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay"),
    ("/reset", "post", "200"): lambda c: c.post("/_sim/reset"),
    ("/reset", "post", "400"): lambda c: c.post("/_sim/reset", data=b"[1]", content_type="application/json"),
    ("/reset", "post", "413"): lambda c: too_large(c, "/_sim/reset"),
    ("/scenario", "get", "200"): lambda c: c.get("/_sim/scenario"),
    ("/scenario", "post", "200"): lambda c: c.post("/_sim/scenario", json={"name": "default"}),
    ("/scenario", "post", "400"): lambda c: c.post("/_sim/scenario", json={"name": "no-such-scenario"}),
    ("/scenario", "post", "413"): lambda c: too_large(c, "/_sim/scenario"),
    ("/clock", "get", "200"): lambda c: c.get("/_sim/clock"),
    ("/clock", "post", "200"): lambda c: c.post("/_sim/clock", json={"advance": "30m"}),
    ("/clock", "post", "400"): lambda c: c.post("/_sim/clock", json={"advance": "soon"}),
    ("/clock", "post", "413"): lambda c: too_large(c, "/_sim/clock"),
    ("/journal", "get", "200"): lambda c: c.get("/_sim/journal?provider=midtrans&limit=5"),
    ("/journal", "get", "400"): lambda c: c.get("/_sim/journal?status=ok"),
    ("/journal", "delete", "200"): lambda c: c.delete("/_sim/journal"),
    ("/merchants", "get", "200"): lambda c: c.get("/_sim/merchants"),
    ("/faults", "get", "200"): lambda c: c.get("/_sim/faults"),
    ("/faults", "post", "201"): lambda c: c.post("/_sim/faults", json={
        "provider": "midtrans", "endpoint": "cancel", "action": "status", "status": 503, "times": 2}),
    ("/faults", "post", "400"): lambda c: c.post("/_sim/faults", json={"action": "explode"}),
    ("/faults", "post", "409"): lambda c: [c.post("/_sim/faults", json={"id": "f", "action": "reset"}),
                                           c.post("/_sim/faults", json={"id": "f", "action": "reset"})][1],
    ("/faults", "post", "413"): lambda c: too_large(c, "/_sim/faults"),
    ("/faults", "delete", "200"): lambda c: c.delete("/_sim/faults"),
    ("/faults/{fault_id}", "delete", "200"): lambda c: [c.post("/_sim/faults", json={"id": "f", "action": "reset"}),
                                                        c.delete("/_sim/faults/f")][1],
    ("/faults/{fault_id}", "delete", "404"): lambda c: c.delete("/_sim/faults/nope"),
    ("/webhooks", "get", "200"): lambda c: [pay_for_a_delivery(c), c.get("/_sim/webhooks?provider=midtrans")][1],
    ("/webhooks", "get", "400"): lambda c: c.get("/_sim/webhooks?status=lost"),
    ("/webhooks/{delivery_id}", "get", "200"): lambda c: c.get(f"/_sim/webhooks/{pay_for_a_delivery(c)}"),
    ("/webhooks/{delivery_id}", "get", "404"): lambda c: c.get("/_sim/webhooks/999"),
    ("/webhooks/{delivery_id}/redeliver", "post", "202"):
        lambda c: c.post(f"/_sim/webhooks/{pay_for_a_delivery(c)}/redeliver"),
    ("/webhooks/{delivery_id}/redeliver", "post", "404"): lambda c: c.post("/_sim/webhooks/999/redeliver"),
    ("/openapi.json", "get", "200"): lambda c: c.get("/_sim/openapi.json"),
    ("/openapi/index", "get", "200"): lambda c: c.get("/_sim/openapi/index"),
    ("/openapi/{name}.json", "get", "200"): lambda c: c.get(first_provider_document(c)),
    ("/openapi/{name}.json", "get", "404"): lambda c: c.get("/_sim/openapi/paypal.json"),
}
SERVER_ERRORS = sorted(key for key in CONTRACT.responses() if key[2] == "5XX")


def test_the_document_is_valid_openapi_3_1():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"].startswith("3.1")


def test_every_example_matches_its_schema():
    CONTRACT.check_examples()


def test_it_is_served_and_listed(client):
    assert client.get("/_sim/openapi.json").get_json() == DOCUMENT
    index = client.get("/_sim/openapi/index").get_json()["documents"]
    assert index[0] == {"name": "control", "title": control.TITLE, "url": "/_sim/openapi.json"}


def test_every_documented_response_has_a_representative_call():
    assert set(CALLS) | set(SERVER_ERRORS) == CONTRACT.responses()


@pytest.mark.parametrize("template, method, status", sorted(CALLS))
def test_real_responses_match_the_document(request, template, method, status):
    # only the webhook calls need merchants notified at a receiver (a slower fixture)
    client = (request.getfixturevalue("notified").client if template.startswith("/webhooks")
              else request.getfixturevalue("client"))
    response = CALLS[template, method, status](client)
    assert str(response.status_code) == status
    CONTRACT.check(template, method, response)


@pytest.mark.parametrize("template, method, status", SERVER_ERRORS)
def test_unexpected_failures_match_the_documented_5xx(app, template, method, status):
    fail_every_request(app)
    response = app.test_client().open(f"/_sim{concrete(template, '1')}", method=method.upper())
    assert response.status_code == 500
    CONTRACT.check(template, method, response)


def test_an_undocumented_status_fails_the_contract(client):
    with pytest.raises(AssertionError, match="status 404 is not documented"):
        CONTRACT.check("/health", "get", client.get("/_sim/orders/midtrans/NOPE"))
