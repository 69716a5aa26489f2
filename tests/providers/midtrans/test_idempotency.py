"""Idempotency-Key (§3, §10): a stored successful response replays for 5 minutes."""

import json


def test_same_key_replays_the_first_success(client, auth):
    headers = {**auth, "Idempotency-Key": "retry-1"}
    first = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)
    replay = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers, data=b'{"other":1}')

    assert first.get_json()["status_code"] == "200"
    assert replay.status_code == 200
    assert replay.get_json() == first.get_json()
    history = client.get("/_sim/orders/midtrans/MT-VA-BCA-PENDING").get_json()["history"]
    assert [h["event"] for h in history] == ["create", "cancel"]


def test_key_is_global_across_endpoints(client, auth):
    headers = {**auth, "Idempotency-Key": "shared-key"}
    first = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)
    other = client.post("/v2/MT-VA-BNI-PENDING/expire", headers=headers)

    assert other.get_json() == first.get_json()
    assert client.get("/_sim/orders/midtrans/MT-VA-BNI-PENDING").get_json()["status"] == "pending"


def test_key_expires_after_five_minutes_of_simulator_time(client, auth):
    headers = {**auth, "Idempotency-Key": "retry-2"}
    client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)
    client.post("/_sim/clock", json={"advance": "5m1s"})

    again = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)

    assert again.get_json()["status_code"] == "412"


def test_failures_are_not_replayed(client, auth):
    headers = {**auth, "Idempotency-Key": "retry-3"}
    failed = client.post("/v2/MT-VA-BCA-SETTLEMENT/cancel", headers=headers)
    ok = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)

    assert failed.get_json()["status_code"] == "412"
    assert ok.get_json()["status_code"] == "200"


def test_key_longer_than_46_chars_is_ignored(client, auth):
    headers = {**auth, "Idempotency-Key": "k" * 47}
    client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)

    second = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)

    assert second.get_json()["status_code"] == "412"
    entry = client.get("/_sim/journal?limit=1").get_json()["entries"][0]
    assert "ignored" in entry["notes"]["idempotency"]


def test_keys_are_per_merchant_and_cleared_by_reset(client, auth):
    headers = {**auth, "Idempotency-Key": "retry-4"}
    client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)
    client.post("/_sim/reset")

    after_reset = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)

    assert json.loads(after_reset.data)["status_code"] == "200"


def test_a_failed_first_attempt_never_blocks_its_retry(client, auth, store_fails_once):
    """The first call dies mid-change (here: the store refuses the write); its key is
    released, so the retry with the same key is processed instead of answering 202."""
    headers = {**auth, "Idempotency-Key": "dies-first"}
    first = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)
    assert first.status_code == 500 and first.get_json()["status_code"] == "500"
    retry = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers=headers)
    assert retry.status_code == 200
    assert retry.get_json()["status_code"] == "200"
    assert retry.get_json()["transaction_status"] == "cancel"


def test_a_refused_first_attempt_is_not_replayed(client, auth):
    headers = {**auth, "Idempotency-Key": "refused-first"}
    refused = client.post("/v2/MT-CARD-BNI-AUTHORIZE/cancel", headers=headers)
    assert refused.get_json()["status_code"] == "412"
    client.post("/_sim/orders/midtrans/MT-CARD-BNI-AUTHORIZE/capture")
    retry = client.post("/v2/MT-CARD-BNI-AUTHORIZE/cancel", headers=headers)
    assert retry.get_json()["status_code"] == "200"
