"""Delivery faults: the fault book answering the webhook dispatcher's delivery policy.

A fault with `endpoint: webhook` matches notification deliveries by provider, merchant and
order id, with the same times/after/probability controls (and seeded draws) as faults on
provider calls, and acts on the delivery instead of a request:

    {provider: midtrans, endpoint: webhook, action: drop, times: 1}      # never sent
    {provider: doku, endpoint: webhook, action: duplicate, copies: 3}    # sent three times
    {endpoint: webhook, action: delay, delay: 10m}                       # 10 simulated minutes later

Faults without `endpoint: webhook` never touch deliveries, and these never touch calls.
"""

from __future__ import annotations

from datetime import timedelta

from .faults import FaultBook, WEBHOOK_ENDPOINT
from .store import DeliveryRecord
from .webhooks import DELIVER_ONCE, DeliveryAction, DeliveryPolicy


def delivery_policy(book: FaultBook) -> DeliveryPolicy:
    def policy(delivery: DeliveryRecord) -> DeliveryAction:
        if not book:
            return DELIVER_ONCE
        context = {"endpoint": WEBHOOK_ENDPOINT, "provider": delivery.provider,
                   "merchant": delivery.merchant, "order_id": delivery.order_id}
        for fault in book.faults:
            if not (fault.on_deliveries and fault.matches(context)):
                continue
            firing = book.decide(fault)
            if firing is None:
                continue
            delay = timedelta(seconds=firing.delay)
            note = firing.note()
            if fault.action == "drop":
                return DeliveryAction(copies=0, fault=note)
            if fault.action == "duplicate":
                return DeliveryAction(copies=fault.copies, delay=delay, fault={**note, "copies": fault.copies})
            return DeliveryAction(delay=delay, fault=note)
        return DELIVER_ONCE
    return policy
