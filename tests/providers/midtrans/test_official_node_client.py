"""The official Node client, npm `midtrans-client` (pinned below), against a live simulator.

The package is installed once per session with `npm install --prefix <dir>` into pytest's
cache folder (reused while the pinned version stays the same), falling back to a session
temporary folder when the cache is disabled. Each test runs a small Node script that calls
the client against `live_url` and prints one JSON object; the assertions are made here.

What the client exposes (read from its lib/httpClient.js and lib/midtransError.js, 1.4.3):
it resolves with the parsed body, or rejects with `MidtransError` carrying `httpStatusCode`,
`ApiResponse` (the parsed body) and `rawHttpClientData` (the axios response). It checks the
body first: `status_code` >= 400 and != 407 rejects with `httpStatusCode` set to the **body's**
code (the string "412", although the HTTP line said 200). Only then does an HTTP status >= 400
reject, with `httpStatusCode` the HTTP status as a number.

Skipped, with the reason shown, only where `node` or `npm` is missing. A failing
`npm install` (registry unreachable, say) fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import skip_unless_required

from .conftest import SERVER_KEY

MIDTRANS_CLIENT_VERSION = "1.4.3"
NPM_INSTALL_TIMEOUT_S = 300
NODE_RUN_TIMEOUT_S = 60

# One case per call: prints {"result": <resolved body>} or {"error": <what the rejection exposes>}.
NODE_SCRIPT = r"""
const midtransClient = require('midtrans-client');
const ApiConfig = require('midtrans-client/lib/apiConfig');

const [baseUrl, serverKey, action, argument] = process.argv.slice(2);
// The client builds URLs as ApiConfig.CORE_SANDBOX_BASE_URL + '/v2/...' and
// ApiConfig.SNAP_SANDBOX_BASE_URL + '/transactions', class-level values.
ApiConfig.CORE_SANDBOX_BASE_URL = baseUrl;
ApiConfig.SNAP_SANDBOX_BASE_URL = baseUrl + '/snap/v1';
const core = new midtransClient.CoreApi({isProduction: false, serverKey: serverKey});
const snap = new midtransClient.Snap({isProduction: false, serverKey: serverKey});

function describe(error) {
  const raw = error.rawHttpClientData;
  return {
    name: error.name,
    isMidtransError: error instanceof midtransClient.MidtransError,
    message: error.message,
    httpStatusCode: error.httpStatusCode === undefined ? 'undefined' : error.httpStatusCode,
    ApiResponse: error.ApiResponse === undefined ? 'undefined' : error.ApiResponse,
    rawHttpStatus: raw && raw.status !== undefined ? raw.status : null,
  };
}

// charge and snap take a JSON body; the transaction actions take an order id
const calls = {
  charge: () => core.charge(JSON.parse(argument)),
  snap: () => snap.createTransaction(JSON.parse(argument)),
};
(calls[action] || (() => core.transaction[action](argument)))()
  .then((result) => { console.log(JSON.stringify({result: result})); })
  .catch((error) => { console.log(JSON.stringify({error: describe(error)})); });
"""


def _installed_version(prefix: Path) -> str | None:
    package_json = prefix / "node_modules" / "midtrans-client" / "package.json"
    try:
        return json.loads(package_json.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture(scope="session")
def node_client_dir(request, tmp_path_factory) -> Path:
    """A folder with midtrans-client installed and the test script written into it."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        skip_unless_required(f"{' and '.join(missing)} not on PATH: the Node midtrans-client test "
                             "needs Node.js and npm")

    cache = getattr(request.config, "cache", None)
    prefix = (Path(cache.mkdir(f"midtrans-client-{MIDTRANS_CLIENT_VERSION}")) if cache is not None
              else tmp_path_factory.mktemp("midtrans-client"))
    if _installed_version(prefix) != MIDTRANS_CLIENT_VERSION:
        try:
            installed = subprocess.run(
                ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                 f"midtrans-client@{MIDTRANS_CLIENT_VERSION}"],
                capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"npm install midtrans-client@{MIDTRANS_CLIENT_VERSION} took over {NPM_INSTALL_TIMEOUT_S} s")
        if installed.returncode != 0 or _installed_version(prefix) != MIDTRANS_CLIENT_VERSION:
            pytest.fail(f"npm install midtrans-client@{MIDTRANS_CLIENT_VERSION} failed "
                        f"(exit {installed.returncode}):\n{installed.stdout}\n{installed.stderr}")

    (prefix / "call_simulator.js").write_text(NODE_SCRIPT)
    return prefix


@pytest.fixture
def node_call(node_client_dir, live_url):
    """Run one client call in Node against the live simulator; return the printed JSON."""
    def call(action: str, order_id: str | dict, server_key: str = SERVER_KEY, base_url: str = live_url) -> dict:
        argument = json.dumps(order_id) if isinstance(order_id, dict) else order_id
        env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        finished = subprocess.run(
            ["node", str(node_client_dir / "call_simulator.js"), base_url, server_key, action, argument],
            cwd=node_client_dir, env=env, capture_output=True, text=True, timeout=NODE_RUN_TIMEOUT_S)
        assert finished.returncode == 0, finished.stderr
        return json.loads(finished.stdout)
    return call


def test_the_pinned_version_is_the_one_installed(node_client_dir):
    assert _installed_version(node_client_dir) == MIDTRANS_CLIENT_VERSION


def test_cancel_pending_resolves_with_the_cancelled_transaction(node_call):
    outcome = node_call("cancel", "MT-VA-BCA-PENDING")

    assert outcome["result"]["transaction_status"] == "cancel"
    assert outcome["result"]["status_code"] == "200"


def test_second_cancel_rejects_with_the_body_code_as_http_status_code(node_call):
    node_call("cancel", "MT-GOPAY-PENDING")

    error = node_call("cancel", "MT-GOPAY-PENDING")["error"]

    assert error["isMidtransError"] and error["name"] == "MidtransError"
    # The client puts the body's status_code (a string) in httpStatusCode and its message...
    assert error["httpStatusCode"] == "412"
    assert "HTTP status code: 412" in error["message"]
    assert error["ApiResponse"]["status_code"] == "412"
    # ...while the real HTTP line, visible on the raw axios response, was 200.
    assert error["rawHttpStatus"] == 200


def test_wrong_server_key_rejects_with_http_401(node_call):
    error = node_call("status", "MT-VA-BCA-PENDING", server_key="SB-Mid-server-WRONG")["error"]

    assert error["isMidtransError"]
    assert error["httpStatusCode"] == 401
    assert error["rawHttpStatus"] == 401
    assert error["ApiResponse"]["status_code"] == "401"
    assert "HTTP status code: 401" in error["message"]


def test_status_after_cancel_shows_cancel(node_call):
    node_call("cancel", "MT-CARD-BCA-CAPTURE")

    status = node_call("status", "MT-CARD-BCA-CAPTURE")["result"]

    assert status["transaction_status"] == "cancel"
    assert status["status_code"] == "200"


def test_unknown_order_rejects_with_body_404(node_call):
    error = node_call("status", "NO-SUCH-ORDER")["error"]

    assert error["httpStatusCode"] == "404"
    assert error["rawHttpStatus"] == 200


def test_expire_resolves_with_407_as_a_result_not_an_error(node_call):
    outcome = node_call("expire", "MT-QRIS-PENDING")

    assert "error" not in outcome
    assert outcome["result"]["status_code"] == "407"
    assert outcome["result"]["transaction_status"] == "expire"


def test_prefixed_base_url(node_call, live_url):
    outcome = node_call("cancel", "MT-SHOPEEPAY-PENDING", base_url=f"{live_url}/midtrans")

    assert outcome["result"]["transaction_status"] == "cancel"


def test_charge_resolves_with_a_pending_va(node_call):
    result = node_call("charge", {"payment_type": "bank_transfer", "bank_transfer": {"bank": "bca"},
                                  "transaction_details": {"order_id": "node-charge-1", "gross_amount": 44145}})["result"]

    assert result["status_code"] == "201" and result["transaction_status"] == "pending"
    assert result["va_numbers"][0]["bank"] == "bca"


def test_charge_of_a_taken_order_id_rejects_with_406(node_call):
    body = {"payment_type": "gopay", "transaction_details": {"order_id": "node-dup", "gross_amount": 1000}}
    node_call("charge", body)

    error = node_call("charge", body)["error"]

    assert error["httpStatusCode"] == "406" and error["rawHttpStatus"] == 200


def test_charge_with_amount_0_rejects_with_http_400_and_validation_messages(node_call):
    error = node_call("charge", {"payment_type": "gopay",
                                 "transaction_details": {"order_id": "node-zero", "gross_amount": 0}})["error"]

    assert error["rawHttpStatus"] == 400
    assert isinstance(error["ApiResponse"]["validation_messages"], list)


def test_snap_resolves_with_token_and_redirect_url(node_call, live_url):
    result = node_call("snap", {"transaction_details": {"order_id": "node-snap-1", "gross_amount": 200000},
                                "credit_card": {"secure": True}})["result"]

    assert result["redirect_url"] == f"{live_url}/snap/v4/redirection/{result['token']}"


def test_snap_with_a_wrong_key_rejects_with_401(node_call):
    error = node_call("snap", {"transaction_details": {"order_id": "node-snap-2", "gross_amount": 1}},
                      server_key="dummy")["error"]

    assert error["httpStatusCode"] == 401
