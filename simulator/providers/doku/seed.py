"""DOKU wire fields for a new order, drawn from the scenario's seeded randomness.

`original_request_id` — the Request-Id of the `POST /checkout/v1/payment` that created the
checkout — becomes the order's `transaction_id` (generated as a UUID when the scenario
gives none), so Check Status finds an order by invoice_number or Request-Id through the
core's order_id-then-transaction_id lookup. The acquirer of the channel becomes `bank`;
`channel_fields` gives VA orders a virtual account number, convenience-store orders a
payment code, e-money and QRIS orders an account id and approval code, each with the
references its payment will report.
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
    return {"transaction_id": spec.get("original_request_id") or rand.uuid4(),
            "channel": channel, "bank": acquirer, "extra": channel_fields(channel, rand)}


def channel_fields(channel: str | None, rand: Randomness) -> dict:
    """The numbers an order on `channel` carries, drawn once so that Check Status, the
    notification (and a create answer) show the same ones: the VA number or convenience-store
    payment code the payer sees, and the references a payment will report."""
    service, _ = channel_info(channel)
    extra: dict[str, Any] = {}
    if service == "VIRTUAL_ACCOUNT":
        extra["virtual_account_number"] = rand.digits(16)
        extra["payment_request_id"] = rand.digits(6)
        extra["payment_reference"] = rand.digits(5)
    elif service == "ONLINE_TO_OFFLINE":
        extra["payment_code"] = rand.digits(16)
        extra["store_agent_id"] = rand.digits(8)
    elif service in ("EMONEY", "QRIS"):
        extra["emoney_account_id"] = rand.digits(12)
        extra["approval_code"] = rand.hex(12).upper()
    return extra
