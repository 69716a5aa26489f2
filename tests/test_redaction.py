"""No credential leaves the simulator whole: for every provider and every auth shape (right
key, wrong key, scheme-less, Bearer carrying a key), neither the credential nor an encoding
of it (base64 Basic included) nor a live access token appears in the journal, the webhook
delivery log, the server's log or any answer; a masked form (prefix, `…`, fingerprint) does."""

from __future__ import annotations

import base64
import logging

import pytest

from simulator.receiver import eventually
from simulator.redaction import Redactor, mask, mask_authorization, redact_headers

from .providers.pivot.conftest import get_token

WRONG_KEY = "SB-Mid-server-SOMEONE-ELSES-REAL-KEY"
LIVE_KEY = "pk_live_a_production_key_0001"
SECRETS = {
    "midtrans": ["SB-Mid-server-SIMULATOR-KEY", WRONG_KEY],
    "finpay": ["SIMKEY123", "WRONGKEY999"],
    "kwikpaisa": ["pk_test_simulator_0001", "sk_test_simulator_0001", LIVE_KEY],
    "doku": ["SK-SIMULATOR-TEST-0001"],
    "pivot": ["pivot-sim-merchant-secret-0001", "pivot-wrong-secret-0009", "cbk_sim_0001"],
}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def forms(secret: str) -> list[str]:
    """A secret and the encodings a client might send it in."""
    return [secret, b64(f"{secret}:"), b64(f"FNPSIM01:{secret}"), b64(secret),
            base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=")]


def assert_nothing_leaks(text: str, tokens: list[str] = ()) -> None:
    for secrets in SECRETS.values():
        for secret in secrets:
            for form in forms(secret):
                assert form not in text, f"{form!r} (a form of {secret!r}) leaked"
    for token in tokens:
        assert token not in text and token.split(".")[2] not in text, "a live token leaked"


def call_every_auth_shape(client) -> list[str]:
    """Calls each provider with right, wrong, scheme-less and Bearer-carried credentials;
    returns the live tokens handed out."""
    for key in ("SB-Mid-server-SIMULATOR-KEY", WRONG_KEY):
        for header in (f"Basic {b64(key + ':')}", b64(key + ":"), f"Bearer {key}", key):
            client.post("/v2/MT-VA-BCA-PENDING/status", headers={"Authorization": header})
            client.get("/v2/MT-VA-BCA-PENDING/status", headers={"Authorization": header})
    for key in ("SIMKEY123", "WRONGKEY999"):
        for header in (f"Basic {b64('FNPSIM01:' + key)}", b64("FNPSIM01:" + key), f"Bearer {key}"):
            client.get("/pg/payment/card/check/FP-VABCA-PENDING", headers={"Authorization": header})
    for api_key in ("pk_test_simulator_0001", LIVE_KEY):
        client.post("/api/v3/pg/order/status", json={"order_id": "KP-UPI-UN_PAID"},
                    headers={"X-API-KEY": api_key, "X-SIGNATURE": "0" * 64, "X-TIMESTAMP": "1"})
    client.post("/api/v3/pg/order/status", json={"order_id": "KP-UPI-UN_PAID"},
                headers={"Authorization": "Bearer sk_test_simulator_0001"})
    client.get("/orders/v1/status/INV-1", headers={"Authorization": "Bearer SK-SIMULATOR-TEST-0001",
                                                   "Client-Id": "MCH-0001-10791114622547"})
    for secret in ("pivot-sim-merchant-secret-0001", "pivot-wrong-secret-0009"):
        client.post("/v1/access-token", json={"grantType": "client_credentials"},
                    headers={"X-MERCHANT-ID": "7d2c1e4a-0b6f-4c1d-9a3e-5f8b2c7d1e90",
                             "X-MERCHANT-SECRET": secret})
    token = get_token(client)
    for header in (f"Bearer {token}", token, f"Bearer pivot-sim-merchant-secret-0001"):
        client.get("/v2/payments/f5011fb2-e205-46ad-ac20-481429ba1d32", headers={"Authorization": header})
    return [token]


def test_the_journal_shows_masked_credentials_only(client):
    tokens = call_every_auth_shape(client)
    text = client.get("/_sim/journal").get_data(as_text=True)
    assert_nothing_leaks(text, tokens)
    entries = client.get("/_sim/journal").get_json()["entries"]
    shown = [e["request"]["headers"].get("Authorization") for e in entries]
    assert f"Basic {mask(b64('SB-Mid-server-SIMULATOR-KEY:'))}" in shown
    assert mask(b64("SB-Mid-server-SIMULATOR-KEY:")) in shown            # scheme-less
    assert f"Bearer {mask(tokens[0])}" in shown
    # two different keys stay distinguishable
    assert mask(b64(f"{WRONG_KEY}:")) != mask(b64("SB-Mid-server-SIMULATOR-KEY:"))
    issued = [e for e in entries if e["path"] == "/v1/access-token" and e["status"] == 200]
    assert issued and mask(tokens[0]) in issued[-1]["response"]["body"]


def test_provider_answers_never_echo_a_credential(client):
    texts = []
    for header in (b64("SB-Mid-server-SIMULATOR-KEY:"), f"Bearer {WRONG_KEY}", WRONG_KEY):
        texts.append(client.get("/v2/MT-VA-BCA-PENDING/status",
                                headers={"Authorization": header}).get_data(as_text=True))
        texts.append(client.get("/pg/payment/card/check/FP-1", headers={"Authorization": header})
                     .get_data(as_text=True))
        texts.append(client.get("/v2/payments/x", headers={"Authorization": header}).get_data(as_text=True))
    texts.append(client.post("/api/v3/pg/order/status", json={"order_id": "1"},
                             headers={"X-API-KEY": LIVE_KEY, "X-SIGNATURE": "x", "X-TIMESTAMP": "1"})
                 .get_data(as_text=True))
    assert_nothing_leaks("\n".join(texts))


def test_the_server_log_holds_no_credential(client, caplog):
    with caplog.at_level(logging.DEBUG):
        tokens = call_every_auth_shape(client)
    assert_nothing_leaks(caplog.text, tokens)


def test_the_webhook_log_masks_the_callback_key(notified):
    session = "6e2b8d41-9f3c-4a7e-b1d5-8c0f2a6e9b47"
    assert notified.client.post(f"/_sim/orders/pivot/{session}/pay").status_code == 200
    [received] = notified.receiver.wait_for(1)
    assert received.headers["X-API-Key"] == "cbk_sim_0001"          # sent whole to the merchant
    eventually(lambda: notified.client.get("/_sim/webhooks").get_json()["deliveries"][0]["attempts"])
    text = notified.client.get("/_sim/webhooks").get_data(as_text=True)
    assert_nothing_leaks(text)
    delivery = notified.client.get("/_sim/webhooks").get_json()["deliveries"][0]
    assert delivery["request"]["headers"]["X-API-Key"] == mask("cbk_sim_0001")
    one = notified.client.get(f"/_sim/webhooks/{delivery['id']}").get_data(as_text=True)
    assert_nothing_leaks(one)


# -- the masking functions ------------------------------------------------------------------

def test_mask_keeps_a_short_prefix_and_a_fingerprint():
    assert mask("SB-Mid-server-SIMULATOR-KEY").startswith("SB-M…·")
    assert mask("SB-Mid-server-SIMULATOR-KEY") != mask("SB-Mid-server-SIMULATOR-KEZ")
    assert mask("short").startswith("…·") and "short" not in mask("short")
    assert mask("") == ""


@pytest.mark.parametrize("header, shown", [
    ("Basic U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg==", "Basic U0It…"),
    ("U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg==", "U0It…"),
    ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "Bearer eyJh…"),
    ("Bearer SB-Mid-server-SIMULATOR-KEY", "Bearer SB-M…"),
    ("sch3me!! U0ItTWlkLXNlcnZlci1TSU1VTEFUT1ItS0VZOg==", "sch3…"),
])
def test_every_authorization_shape_is_masked(header, shown):
    masked = mask_authorization(header)
    assert masked.startswith(shown)
    assert header.split(" ")[-1] not in masked
    assert redact_headers([("authorization", header)])["authorization"] == masked


def test_the_redactor_masks_known_secrets_and_any_jwt():
    redactor = Redactor(["sk_test_simulator_0001"])
    text = redactor.text('{"k":"sk_test_simulator_0001","t":"eyJhbGciOi.eyJzdWIiOiJ4.c2lnbmF0dXJlX19f"}')
    assert "sk_test_simulator_0001" not in text and "c2lnbmF0dXJlX19f" not in text
    assert redactor.value({"a": ["sk_test_simulator_0001"]}) == {"a": [mask("sk_test_simulator_0001")]}
