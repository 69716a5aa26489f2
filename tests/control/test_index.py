"""`GET /_sim` (simulator/control/index.py): every control endpoint with a link, the OpenAPI
documents and the dashboard, and nothing the app serves under /_sim left out."""

from __future__ import annotations


def test_the_index_lists_every_control_endpoint_with_a_link(client, app):
    for path in ("/_sim", "/_sim/"):
        answer = client.get(path)
        assert answer.status_code == 200
    body = client.get("/_sim").get_json()
    listed = {(e["method"], e["path"]) for e in body["endpoints"]}
    pages = {p["path"] for p in body["pages"]}
    assert {"/_sim/ui/", "/_sim/openapi.json", "/_sim/openapi/index"} <= pages
    assert body["endpoints"][0]["url"] == "http://localhost/_sim/health"
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/_sim/") or rule.rule.startswith(("/_sim/ui/", "/_sim/openapi",
                                                                        "/_sim/pay/", "/_sim/login")):
            continue
        path = rule.rule.replace("<path:", "<").replace("<int:", "<")
        served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served - {("GET", "/_sim/")} == listed


def test_the_index_follows_a_tenant(client):
    client.post("/_sim/tenants", json={"name": "idx"})
    body = client.get("/t/idx/_sim").get_json()
    assert body["endpoints"][0]["url"] == "http://localhost/t/idx/_sim/health"
