"""DOKU wire fields for a new order, drawn from the scenario's seeded randomness.

`original_request_id` — the Request-Id of the `POST /checkout/v1/payment` that created the
checkout — becomes the order's `transaction_id` (generated as a UUID when the scenario
gives none), so Check Status finds an order by invoice_number or Request-Id through the
core's order_id-then-transaction_id lookup. The acquirer of the channel becomes `bank`;
VA orders get a virtual account number, convenience-store orders a payment code.
"""

from __future__ import annotations

from typing import Any, Mapping

from ...ids import Randomness
from .rules import channel_info

# Channel of a seeded order that names none: a status reached only on one kind of channel
# gets that kind; an order still on the checkout page has none; the rest pay by BCA VA.
DEFAULT_CHANNEL = {"ORDER_GENERATED": None, "ORDER_RECOVERED": None,
                   "REDIRECT": "CREDIT_CARD", "TIMEOUT": "EMONEY_OVO"}


def prepare_order(spec: Mapping[str, Any], rand: Randomness) -> dict:
    status = spec.get("status") or "ORDER_GENERATED"
    channel = spec.get("channel") or DEFAULT_CHANNEL.get(status, "VIRTUAL_ACCOUNT_BCA")
    service, acquirer = channel_info(channel)
    extra: dict[str, Any] = {}
    if service == "VIRTUAL_ACCOUNT":
        extra["virtual_account_number"] = rand.digits(16)
    elif service == "ONLINE_TO_OFFLINE":
        extra["payment_code"] = rand.digits(16)
    return {"transaction_id": spec.get("original_request_id") or rand.uuid4(),
            "channel": channel, "bank": acquirer, "extra": extra}
