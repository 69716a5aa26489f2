"""Midtrans HTTP notifications (fact sheet §8): the transaction object of the status
endpoint with `status_message` "midtrans payment notification" and its `signature_key`,
POSTed as compact JSON with `User-Agent: Veritrans`.

Every status change notifies (rejected cancels change nothing, so they send nothing).
`status_code` is "202" for cancel and expire notifications (documented); otherwise the
status endpoint's code for the new status (pending 201, deny/failure 202, the rest 200).
Retries follow the sheet's table by reply code, spaced 2m, 10m, 30m, 90m, 210m; 3xx
replies are not followed (307/308 are treated like 301-303: no retry).
"""

from __future__ import annotations

import json
from datetime import timedelta

from ...notification import Notification, Notifier, RetrySchedule
from . import render

STATUS_MESSAGE = "midtrans payment notification"
STATUS_CODE = {**{status: code for status, (code, _) in render.STATUS_ANSWER.items()},
               "cancel": "202", "expire": "202"}
HEADERS = {"Content-Type": "application/json", "Accept": "application/json",
           "User-Agent": "Veritrans"}

RETRIES = RetrySchedule(
    delays=(timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
            timedelta(minutes=90), timedelta(minutes=210)),
    retries_by_status={500: 1, 503: 4, 400: 2, 404: 2, "3xx": 0},
    other_status_retries=5,
    error_retries=5,
)


def build(order, transition, merchant, url, now, rand) -> Notification:
    body = render.transaction(order, STATUS_CODE[order.status], STATUS_MESSAGE,
                              merchant.credentials["server_key"])
    return Notification(order.status, json.dumps(body, separators=(",", ":")).encode(), HEADERS)


NOTIFIER = Notifier(build, RETRIES)
