"""`/_sim/webhooks`: list with filters, one delivery, redelivery, errors, reset."""

from __future__ import annotations

from simulator.receiver import eventually


def delivered(client, **filters) -> list[dict]:
    def check():
        found = client.get("/_sim/webhooks", query_string=filters).get_json()["deliveries"]
        return found if found and all(d["status"] == "delivered" for d in found) else None
    return eventually(check)


def pay_two_orders(client) -> None:
    client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    client.post("/_sim/orders/midtrans/MT-VA-BNI-PENDING/pay")


def test_the_list_shows_each_delivery_with_its_request_and_attempts(notified):
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    [delivery] = delivered(notified.client)
    assert delivery["provider"] == "midtrans" and delivery["merchant"] == "G000000001"
    assert delivery["order_id"] == "MT-VA-BCA-PENDING" and delivery["event"] == "settlement"
    assert delivery["url"] == f"{notified.receiver.url}/hooks/midtrans"
    assert delivery["request"]["headers"]["User-Agent"] == "Veritrans"
    assert delivery["request"]["body"].encode() == notified.receiver.requests[0].body
    [attempt] = delivery["attempts"]
    assert attempt["status"] == 200 and attempt["error"] is None and attempt["latency_ms"] >= 0
    assert attempt["at"]
    listing = notified.client.get("/_sim/webhooks").get_json()
    assert listing["count"] == 1 and listing["cap"] == notified.sandbox.settings.webhook_log_cap


def test_filters_by_provider_order_and_status(notified):
    pay_two_orders(notified.client)
    assert len(delivered(notified.client)) == 2
    client = notified.client
    assert len(delivered(client, provider="midtrans")) == 2
    assert client.get("/_sim/webhooks?provider=doku").get_json()["deliveries"] == []
    [bni] = delivered(client, order_id="MT-VA-BNI-PENDING")
    assert bni["order_id"] == "MT-VA-BNI-PENDING"
    assert client.get("/_sim/webhooks?status=failed").get_json()["deliveries"] == []
    assert len(client.get("/_sim/webhooks?status=delivered").get_json()["deliveries"]) == 2


def test_an_unknown_status_filter_is_a_400_naming_it(client):
    answer = client.get("/_sim/webhooks?status=done")
    assert answer.status_code == 400 and answer.get_json()["field"] == "status"


def test_one_delivery_and_an_unknown_one(notified):
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    [delivery] = delivered(notified.client)
    assert notified.client.get(f"/_sim/webhooks/{delivery['id']}").get_json() == delivery
    missing = notified.client.get("/_sim/webhooks/999")
    assert missing.status_code == 404 and "999" in missing.get_json()["error"]
    assert notified.client.post("/_sim/webhooks/999/redeliver").status_code == 404


def test_redeliver_sends_the_same_bytes_again_as_a_new_delivery(notified):
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    [original] = delivered(notified.client)
    answer = notified.client.post(f"/_sim/webhooks/{original['id']}/redeliver")
    assert answer.status_code == 202
    again = answer.get_json()
    assert again["id"] != original["id"] and again["redelivery_of"] == original["id"]
    first, second = notified.receiver.wait_for(2)
    assert first.body == second.body
    assert len(delivered(notified.client)) == 2


def test_reset_clears_the_log(notified):
    notified.client.post("/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay")
    delivered(notified.client)
    notified.client.post("/_sim/reset")
    assert notified.client.get("/_sim/webhooks").get_json() == {"count": 0, "cap": 1000,
                                                              "deliveries": []}
