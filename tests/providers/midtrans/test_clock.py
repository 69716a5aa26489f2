"""Expiry follows the simulator clock (§5): an overdue pending order reads `expire`."""


def test_order_expires_when_the_clock_passes_expires_in(client, auth):
    created = client.post("/_sim/orders", json={
        "provider": "midtrans", "order_id": "CLOCK-1", "amount": 50000,
        "channel": "bank_transfer", "bank": "bca", "expires_in": "24h"})
    assert created.status_code == 201

    client.post("/_sim/clock", json={"advance": "25h"})
    status = client.get("/v2/CLOCK-1/status", headers=auth).get_json()
    cancel = client.post("/v2/CLOCK-1/cancel", headers=auth).get_json()

    assert status["transaction_status"] == "expire"
    assert status["status_code"] == "407"
    assert cancel["status_code"] == "412"
    history = client.get("/_sim/orders/midtrans/CLOCK-1").get_json()["history"]
    assert history[-1] == {"at": created.get_json()["expires_at"], "event": "expire",
                           "from": "pending", "to": "expire", "source": "clock"}


def test_not_yet_expired_one_second_before(client, auth):
    client.post("/_sim/clock", json={"advance": "59m59s"})

    body = client.get("/v2/MT-VA-BCA-EXPIRES-1H/status", headers=auth).get_json()

    assert body["transaction_status"] == "pending"


def test_expired_by_clock_also_in_the_order_list(client):
    client.post("/_sim/clock", json={"advance": "1h"})

    orders = client.get("/_sim/orders?provider=midtrans&status=expire").get_json()["orders"]

    assert "MT-VA-BCA-EXPIRES-1H" in {o["order_id"] for o in orders}
