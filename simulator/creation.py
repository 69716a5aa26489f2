"""Orders made by a provider's own create call (or by a payer choosing a method on a hosted
page): one path for every provider, so each create is the same three steps.

`create(provider, spec, source)` builds the order from a validated spec (the same builder as
scenario and `/_sim` orders), inserts it — refused with `DuplicateOrder` if the merchant
already has that order id, so a duplicate never half-makes an order — and, when the provider
notifies on create (Midtrans' `pending` notification), submits that notification like any
status change.
"""

from __future__ import annotations

from typing import Any, Mapping

from .orders import Order
from .scenarios import build_order
from .store import DuplicateOrder
from .wire import annotate, sandbox

__all__ = ["DuplicateOrder", "create"]


def create(provider_name: str, spec: Mapping[str, Any], source: str = "api") -> Order:
    box = sandbox()
    provider = box.providers[provider_name]
    order = build_order({"provider": provider_name, **spec}, provider, box.clock.now(), box.rand,
                        source=source, prepare=False)
    box.run.insert(order)                 # DuplicateOrder: nothing was written
    annotate(order_id=order.order_id, created=order.status)
    if provider.notify_on_create:
        box.created(order)
    return order
