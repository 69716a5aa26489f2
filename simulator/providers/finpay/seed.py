"""Finpay wire fields for a new order, drawn from the scenario's seeded randomness: the
23-digit Finpay reference (the order's transaction_id), a payment code for VA and retail
channels, a masked card for `cc`, and a customer."""

from __future__ import annotations

from typing import Any, Mapping

from ...ids import Randomness
from .rules import channel_class

VA_BANKS = {"vabca": "bca", "vamandiri": "mandiri", "vabni": "bni", "vabri": "bri",
            "vapermata": "permata", "vacimb": "cimb"}
CARD_BIN = "512345"
REFERENCE_DIGITS = 23              # Finpay's reference (the order's transaction_id)
CARD_INFO = {"brand": "MASTERCARD", "issuing": "SIMULATOR BANK", "type": "CREDIT",
             "subType": "STANDARD", "country": "ID"}


def prepare_order(spec: Mapping[str, Any], rand: Randomness) -> dict:
    channel = spec.get("channel")
    customer = _customer(rand)
    numbers = channel_numbers(channel, rand)
    return {"transaction_id": rand.digits(REFERENCE_DIGITS), "channel": channel, "bank": numbers["bank"],
            "extra": {"customer": customer, **numbers["extra"]}}


def channel_numbers(channel: str | None, rand: Randomness) -> dict:
    """What a source of funds carries, drawn once: a 16-digit payment code for VA and retail
    (the VA number), a masked card for `cc`; and the VA's bank."""
    kind = channel_class(channel)
    extra: dict[str, Any] = {}
    if kind in ("va", "retail"):
        extra["payment_code"] = rand.digits(16)
    elif kind == "card":
        extra["card"] = {"mask": f"{CARD_BIN}xxxxxx{rand.digits(4)}", "info": dict(CARD_INFO)}
    return {"bank": VA_BANKS.get(channel), "extra": extra}


def _customer(rand: Randomness) -> dict:
    number = rand.digits(6)
    email = f"buyer{number}@example.test"
    return {"id": email, "email": email, "firstName": "Simulator", "lastName": f"Buyer {number}",
            "mobilePhone": f"+62812{rand.digits(7)}"}
