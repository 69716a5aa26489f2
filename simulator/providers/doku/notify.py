"""DOKU HTTP Notification (fact sheet §8): a payment's outcome POSTed to the merchant,
signed with the §2 algorithm over the exact bytes sent, Request-Target = the path of the
notification URL.

Sent when an order becomes SUCCESS (`pay`) or FAILED (`fail`). Nothing for cancel (none is
documented), expiry (the Expired Notification payload is unconfirmed; expiring links may
send none) or refund. Body: `order`, `transaction` (status, date of the change,
original_request_id), `service`, `acquirer`, `channel`, then the channel blocks and
`additional_info.origin` that Check Status shows too (`render.channel_blocks`: the VA
number, payment code or e-money references are the order's own). Pretty-printed as DOKU
sends it (2-space indent, LF, no trailing newline; Python's `": "` separators) and signed
over exactly those bytes. Request-Id is a UUID from the run's randomness;
Request-Timestamp the simulator clock. Retries on anything but 2xx: +30 min, +6 h, +12 h
after the original attempt.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

from ...notification import Notification, Notifier, uniform_retries
from . import render, rules, signature

TRANSACTION_STATUS = {"SUCCESS": "SUCCESS", "FAILED": "FAILED"}   # order status → notified
USER_AGENT = "Apache-HttpClient/5.2.3 (Java)"                   # what real deliveries carry

# +30 min, +6 h, +12 h after the original, as waits between attempts.
RETRIES = uniform_retries(timedelta(minutes=30), timedelta(hours=5, minutes=30), timedelta(hours=6))


def body(order, at) -> dict:
    service, acquirer = rules.channel_info(order.channel)
    return {"order": {"invoice_number": order.order_id, "amount": render.amount(order)},
            "transaction": {"status": TRANSACTION_STATUS[order.status], "date": render.utc_stamp(at),
                            "original_request_id": order.transaction_id},
            "service": {"id": service}, "acquirer": {"id": acquirer}, "channel": {"id": order.channel},
            **render.channel_blocks(order)}


def wire_bytes(value: dict) -> bytes:
    """As DOKU sends (and signs) it: pretty-printed, 2-space indent, LF, no trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


def signed_headers(raw: bytes, client_id: str, secret_key: str, request_id: str,
                   timestamp: str, target: str) -> dict:
    components = signature.Components(client_id, request_id, timestamp, target, signature.digest(raw))
    return {"Client-Id": client_id, "Request-Id": request_id, "Request-Timestamp": timestamp,
            "Signature": signature.sign(secret_key, components.string_to_sign()),
            "Content-Type": "application/json", "User-Agent": USER_AGENT}


def build(order, transition, merchant, url, now, rand) -> Notification | None:
    if order.status not in TRANSACTION_STATUS:
        return None
    raw = wire_bytes(body(order, transition.at))
    headers = signed_headers(raw, merchant.credentials["client_id"], merchant.credentials["secret_key"],
                             rand.uuid4(), render.utc_stamp(now), urlsplit(url).path or "/")
    return Notification(TRANSACTION_STATUS[order.status], raw, headers)


NOTIFIER = Notifier(build, RETRIES)
