"""KwikPaisa webhooks (fact sheet §8): `{"event": "payment.<outcome>", "data": {order_id,
amount, currency, status}}`, compact and recursively key-sorted, signed over exactly
those bytes + X-TIMESTAMP with the request formula (`signature.sign`).

Events by new status: PAID → payment.success, FAILED → payment.failed, PROCESSING →
payment.processing, EXPIRED → payment.expired. A cancel sends nothing (no cancellation
event is documented). `order_id` is a string and `amount` has two decimals, as in the
sample. X-TIMESTAMP is the simulator clock in UNIX seconds. Any 2xx acknowledges; retries
(schedule undocumented; our choice): 3, after 1 min, 10 min and 1 h.
"""

from __future__ import annotations

from datetime import timedelta

from ...notification import Notification, Notifier, uniform_retries
from . import signature

EVENTS = {"PAID": "payment.success", "FAILED": "payment.failed",
          "PROCESSING": "payment.processing", "EXPIRED": "payment.expired"}
RETRIES = uniform_retries(timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


def build(order, transition, merchant, url, now, rand) -> Notification | None:
    event = EVENTS.get(order.status)
    if event is None:
        return None
    payload = {"event": event, "data": {"order_id": str(order.order_id), "amount": f"{order.amount:.2f}",
                                        "currency": order.currency, "status": order.status}}
    raw = signature.canonical_payload(payload).encode()
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", "X-TIMESTAMP": timestamp,
               "X-SIGNATURE": signature.sign(raw, timestamp, merchant.credentials["secret_key"])}
    return Notification(event, raw, headers)


NOTIFIER = Notifier(build, RETRIES)
