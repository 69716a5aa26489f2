"""The notification receiver (simulator/receiver.py): `--fail N` fails each notification N
times on its own, so every notification shows its retries."""

from __future__ import annotations

import requests

from simulator.receiver import Receiver


def test_each_notification_fails_its_own_first_attempts():
    with Receiver(fail_each=2, fail_status=503) as receiver:
        post = lambda path, body: requests.post(receiver.url + path, data=body, timeout=5).status_code
        first = [post("/hooks/midtrans", b'{"order_id":"A"}') for _ in range(3)]
        second = [post("/hooks/midtrans", b'{"order_id":"B"}') for _ in range(3)]
        other_path = post("/hooks/doku", b'{"order_id":"A"}')
    assert first == [503, 503, 200] and second == [503, 503, 200]
    assert other_path == 503                      # another endpoint, another notification


def test_a_script_of_replies_still_wins_for_tests():
    with Receiver(fail_each=1) as receiver:
        receiver.replies = [500]
        codes = [requests.post(receiver.url + "/x", data=b"1", timeout=5).status_code for _ in range(2)]
    assert codes == [500, 503]
