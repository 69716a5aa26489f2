"""Pivot payment callbacks (fact sheet §8): `{"event": "PAYMENT.<STATUS>", "data": <the
payment-session object>}` with the merchant's static `X-API-Key` (its `callback_api_key`
credential; the header is left out when the merchant has none). No signature.

Sent when a session becomes PROCESSING, PAID, EXPIRED (clock or event) or CANCELLED by the
customer (`customer_cancel`). An API cancel (`cancel`) sends nothing by default, as the
backend does; merchant feature `api_cancel_callback: true` turns it on. Retries when the
merchant answers 5xx, 408 or 429, or does not answer: after 5 min, 15 min, 1 h, 3 h, 6 h,
12 h; other answers are final.
"""

from __future__ import annotations

import json
from datetime import timedelta

from ...notification import Notification, Notifier, RetrySchedule
from . import render, rules

NOTIFIED = frozenset({rules.PROCESSING, rules.PAID, rules.EXPIRED, rules.CANCELLED})
API_CANCEL_FEATURE = "api_cancel_callback"
DELAYS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=3),
          timedelta(hours=6), timedelta(hours=12))
RETRIES = RetrySchedule(DELAYS, retries_by_status={"5xx": len(DELAYS), 408: len(DELAYS), 429: len(DELAYS)},
                        error_retries=len(DELAYS))


def build(order, transition, merchant, url, now, rand) -> Notification | None:
    if order.status not in NOTIFIED:
        return None
    if transition.event == "cancel" and not merchant.feature(API_CANCEL_FEATURE):
        return None
    event = f"PAYMENT.{order.status}"
    raw = json.dumps({"event": event, "data": render.session(order)}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if merchant.credentials.get("callback_api_key"):
        headers["X-API-Key"] = merchant.credentials["callback_api_key"]
    return Notification(event, raw, headers)


NOTIFIER = Notifier(build, RETRIES)
