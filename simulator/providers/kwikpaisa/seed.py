"""KwikPaisa wire fields for a new order, drawn from the scenario's seeded randomness:
`kwikX_order_id` (`kp_<uuid>`, kept as the order's transaction_id), the payment method
(the order's channel, UPI unless given) and the `TXN…` id of the payment attempt (shown
once an attempt exists)."""

from __future__ import annotations

from typing import Any, Mapping

from ...ids import Randomness
from .rules import DEFAULT_PAYMENT_METHOD

TXN_DIGITS = 9


def prepare_order(spec: Mapping[str, Any], rand: Randomness) -> dict:
    return {"transaction_id": f"kp_{rand.uuid4()}",
            "channel": spec.get("channel") or DEFAULT_PAYMENT_METHOD,
            "extra": {"payment_transaction_id": f"TXN{rand.digits(TXN_DIGITS)}"}}
