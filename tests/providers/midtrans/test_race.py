"""Races against a real threaded server: compare-and-set means exactly one winner."""

from concurrent.futures import ThreadPoolExecutor

import requests

from .conftest import basic, SERVER_KEY


def _cancel(session_url):
    session, url = session_url
    return session.post(url, json={}, headers=basic(SERVER_KEY), timeout=30).json()["status_code"]


def test_200_concurrent_cancels_have_exactly_one_winner(live_url):
    url = f"{live_url}/v2/MT-VA-BCA-PENDING/cancel"
    sessions = [requests.Session() for _ in range(20)]

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(_cancel, [(sessions[i % 20], url) for i in range(200)]))

    assert codes.count("200") == 1
    assert codes.count("412") == 199
    order = requests.get(f"{live_url}/_sim/orders/midtrans/MT-VA-BCA-PENDING", timeout=10).json()
    assert order["status"] == "cancel"
    assert [h["event"] for h in order["history"]].count("cancel") == 1


def test_pay_racing_cancel_ends_in_exactly_one_outcome(live_url):
    order_ids = [f"MT-VA-BNI-PENDING", "MT-VA-BRI-PENDING", "MT-GOPAY-PENDING", "MT-QRIS-PENDING",
                 "MT-SHOPEEPAY-PENDING", "MT-AKULAKU-PENDING", "MT-INDOMARET-PENDING",
                 "MT-ALFAMART-PENDING", "MT-MANDIRI-BILL-PENDING", "MT-VA-PERMATA-PENDING"]

    def pay(order_id):
        return requests.post(f"{live_url}/_sim/orders/midtrans/{order_id}/pay", timeout=30).status_code

    def cancel(order_id):
        return requests.post(f"{live_url}/v2/{order_id}/cancel", headers=basic(SERVER_KEY),
                             timeout=30).json()["status_code"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        pays = [pool.submit(pay, o) for o in order_ids]
        cancels = [pool.submit(cancel, o) for o in order_ids]

    for order_id, paid, cancelled in zip(order_ids, pays, cancels):
        order = requests.get(f"{live_url}/_sim/orders/midtrans/{order_id}", timeout=10).json()
        outcomes = {paid.result(): "pay", cancelled.result(): "cancel"}
        if order["status"] == "settlement":
            assert (paid.result(), cancelled.result()) == (200, "412")
        else:
            assert order["status"] == "cancel"
            assert (paid.result(), cancelled.result()) == (409, "200")
        assert len(order["history"]) == 2, outcomes
