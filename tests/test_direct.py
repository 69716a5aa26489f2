"""Provider API calls served directly (simulator/direct.py): the router picks what Flask's
would, everything it is unsure of goes to Flask, and a direct answer is the one Flask's
dispatch gives."""

import base64
import io

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from simulator.app import create_app
from simulator.direct import DirectCalls, Routes
from simulator.settings import Settings

MIDTRANS = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}


def routes_of(app) -> Routes:
    return app.wsgi_app.app.routes


def direct_of(app) -> DirectCalls:
    return app.wsgi_app.app


def concrete(rule: str) -> str:
    """A path for `rule`, each variable an id-like value no rule has as a static word."""
    path = rule
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        variable = path[start + 1:end]
        value = variable.split("(")[1].split(",")[0].strip(" '\"") if variable.startswith("any(") else "ID-7x9"
        path = path[:start] + value + path[end + 1:]
    return path


def test_every_rule_served_directly_is_the_one_flask_matches(app):
    adapter = app.url_map.bind("localhost")
    served = 0
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path = concrete(rule.rule)
            found = routes_of(app).match(method, path)
            if found is None:
                continue
            served += 1
            endpoint, args = adapter.match(path, method)
            assert endpoint.rsplit(".", 1)[0] == found[0].blueprint, (method, path)
            assert app.view_functions[endpoint] is found[0].view, (method, path)
            assert found[1] == args, (method, path)
    assert served >= 40          # five providers' API calls, at the root and under /<provider>


def test_payer_pages_control_api_head_and_unknown_paths_go_to_flask(app):
    routes = routes_of(app)
    assert routes.match("GET", "/snap/v4/redirection/abc") is None        # a payer page
    assert routes.match("GET", "/_sim/orders") is None
    assert routes.match("HEAD", "/v2/MT-VA-BCA-PENDING/status") is None
    assert routes.match("POST", "/v2/MT-VA-BCA-PENDING/cancel/") is None  # Werkzeug's own 404
    assert routes.match("POST", "/v2//cancel") is None
    assert routes.match("POST", "/v2/MT-VA-BCA-PENDING/cancel") is not None
    assert routes.match("POST", "/midtrans/v2/MT-VA-BCA-PENDING/cancel") is not None


def test_a_value_that_is_a_static_word_elsewhere_is_left_to_flask(app):
    # GET /v2/payments/status: Pivot's session "status", or Midtrans' order "payments"?
    assert routes_of(app).match("GET", "/v2/payments/status") is None
    endpoint, args = app.url_map.bind("localhost").match("/v2/payments/status", "GET")
    assert endpoint == "pivot.status" and args == {"session_id": "status"}


def answer(app, environ_of, through_flask: bool):
    environ = environ_of()
    target = direct_of(app).fallback if through_flask else app.wsgi_app
    captured = {}
    body = b"".join(target(environ, lambda status, headers, exc=None: captured.update(status=status, headers=headers)))
    return captured["status"], sorted(captured["headers"]), body


@pytest.mark.parametrize("method, path, data", [
    ("GET", "/v2/MT-VA-BCA-PENDING/status", None),
    ("POST", "/v2/MT-VA-BCA-PENDING/cancel", b"{}"),
    ("POST", "/v2/MT-VA-BCA-PENDING/cancel", b"{not json"),
    ("POST", "/v2/NO-SUCH-ORDER/cancel", b""),
    ("GET", "/midtrans/v2/MT-CC-SETTLED/status", None),
])
def test_a_direct_answer_is_the_one_flask_dispatch_gives(default_scenario, method, path, data):
    def environ_of():
        return EnvironBuilder(path=path, method=method, data=data, headers=MIDTRANS,
                              content_type="application/json" if data is not None else None).get_environ()
    via_flask = create_app(Settings(store="memory"), scenario=default_scenario)
    direct = create_app(Settings(store="memory"), scenario=default_scenario)
    assert routes_of(direct).match(method, path) is not None
    flask_status, flask_headers, flask_body = answer(via_flask, environ_of, through_flask=True)
    direct_status, direct_headers, direct_body = answer(direct, environ_of, through_flask=False)
    assert (direct_status, direct_headers) == (flask_status, flask_headers)
    assert direct_body == flask_body        # error ids too: both runs draw from one seed
    for app in (via_flask, direct):
        [entry] = app.test_client().get("/_sim/journal").get_json()["entries"]
        assert entry["path"] == path and entry["method"] == method and entry["status"] == int(flask_status[:3])
        assert entry["request"]["headers"]["Authorization"].startswith("Basic ")


def test_a_body_over_the_limit_is_refused_before_it_is_read(default_scenario):
    app = create_app(Settings(store="memory", max_body_bytes=1024), scenario=default_scenario)
    environ = EnvironBuilder(path="/v2/MT-VA-BCA-PENDING/cancel", method="POST", headers=MIDTRANS,
                             data=b"{" + b" " * 2000 + b"}", content_type="application/json").get_environ()
    statuses = []
    b"".join(app.wsgi_app(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses == ["413 REQUEST ENTITY TOO LARGE"]
    client = app.test_client()
    assert client.get("/v2/MT-VA-BCA-PENDING/status", headers=MIDTRANS).get_json()["transaction_status"] == "pending"
    [entry] = [e for e in client.get("/_sim/journal").get_json()["entries"] if e["status"] == 413]
    assert entry["request"]["body"] == "<2002 bytes, over the 1024-byte limit>"


def test_a_client_that_sends_less_than_its_content_length_gets_400(default_scenario):
    app = create_app(Settings(store="memory"), scenario=default_scenario)
    environ = EnvironBuilder(path="/v2/MT-VA-BCA-PENDING/cancel", method="POST", headers=MIDTRANS).get_environ()
    environ.pop("wsgi.input_terminated", None)
    environ.update({"CONTENT_LENGTH": "50", "wsgi.input": io.BytesIO(b"{}")})
    statuses = []
    body = b"".join(app.wsgi_app(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses == ["400 BAD REQUEST"] and b'"status_code":"400"' in body


def test_a_journal_that_fails_gets_the_providers_500_not_the_servers(default_scenario, caplog):
    app = create_app(Settings(store="memory"), scenario=default_scenario)
    def broken(entry):
        raise RuntimeError("the store is down")
    app.extensions["sandbox"].journal.record = broken
    answer = app.test_client().post("/v2/MT-VA-BCA-PENDING/cancel", headers=MIDTRANS)
    assert answer.status_code == 500
    assert answer.get_json()["status_code"] == "500" and "Traceback" not in answer.get_data(as_text=True)
    assert "unexpected error on POST /v2/MT-VA-BCA-PENDING/cancel" in caplog.text


ODD_ANSWERS = {      # answers no provider view gives today, that Werkzeug sends changed
    "204 with a body": lambda: Response(b"{}", status=204, content_type="application/json"),
    "304": lambda: Response(b"{}", status=304, content_type="application/json"),
    "101": lambda: Response(b"", status=101),
    "a non-ASCII Location": lambda: Response(b"{}", status=302, headers={"Location": "/payé?à=1"}),
    "a Content-Location": lambda: Response(b"{}", headers={"Content-Location": "/é"}),
    "a streamed body": lambda: Response(iter([b'{"a":', b"1}"]), content_type="application/json"),
    "streamed text with its length": lambda: Response(iter(['{"a":', '1}']), headers={"Content-Length": "7"}),
    "no Content-Length": lambda: _without_length(Response(b'{"a":1}', content_type="application/json")),
}


def _without_length(response: Response) -> Response:
    del response.headers["Content-Length"]
    return response


@pytest.mark.parametrize("kind", ODD_ANSWERS)
def test_an_answer_werkzeug_would_change_is_sent_as_werkzeug_sends_it(app, monkeypatch, kind):
    path = "/v2/MT-VA-BCA-PENDING/status"
    routes = routes_of(app)
    route, _ = routes.match("GET", path)
    monkeypatch.setitem(routes._by_group["GET"], route.group, route._replace(view=lambda **_: ODD_ANSWERS[kind]()))
    environ = EnvironBuilder(path=path, headers=MIDTRANS).get_environ()
    sent, expected = {}, {}
    body = b"".join(app.wsgi_app(environ, lambda status, headers, exc=None: sent.update(s=status, h=headers)))
    wanted = b"".join(ODD_ANSWERS[kind]()(environ, lambda status, headers, exc=None: expected.update(s=status, h=headers)))
    assert (sent["s"], sorted(sent["h"]), body) == (expected["s"], sorted(expected["h"]), wanted)


def test_a_request_made_after_the_body_was_read_reads_the_same_bytes(app, monkeypatch):
    from simulator.wire import call, raw_body

    def view(**_):
        first = raw_body()
        return Response(first + b"|" + call().request.get_data(), content_type="text/plain")
    path = "/v2/MT-VA-BCA-PENDING/cancel"
    routes = routes_of(app)
    route, _ = routes.match("POST", path)
    monkeypatch.setitem(routes._by_group["POST"], route.group, route._replace(view=view))
    environ = EnvironBuilder(path=path, method="POST", data=b'{"a": 1}', headers=MIDTRANS).get_environ()
    body = b"".join(app.wsgi_app(environ, lambda status, headers, exc=None: None))
    assert body == b'{"a": 1}|{"a": 1}'
