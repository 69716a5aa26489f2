"""Pivot wire fields for a new payment session, drawn from the scenario's seeded randomness:
the payment method details by `paymentMethod.type` (the order's `channel`; none means no
method chosen yet), a charge id, redirect URLs and a statement descriptor.

Scenario orders may set `mode` (REDIRECT | API), `payment_type` (SINGLE | MULTIPLE) and
`metadata`; the order's `bank` is the VA bank or the e-wallet / QR channel.
"""

from __future__ import annotations

from typing import Any, Mapping

from ...ids import Randomness

DEFAULT_CHANNEL = {"VIRTUAL_ACCOUNT": "BCA", "QR": "QRIS", "CARD": "VISA", "EWALLET": "OVO"}
RETURN_URLS = {"successReturnUrl": "https://merchant.example/success",
               "failureReturnUrl": "https://merchant.example/failure",
               "expirationReturnUrl": "https://merchant.example/expiration"}


def payment_method(method_type: str, channel: str, rand: Randomness) -> dict:
    if method_type == "VIRTUAL_ACCOUNT":
        details = {"virtualAccount": {"channel": channel, "virtualAccountNumber": rand.digits(16)}}
    elif method_type == "CARD":
        details = {"card": {"network": channel, "maskedCardNumber": f"444000******{rand.digits(4)}"}}
    elif method_type == "EWALLET":
        details = {"ewallet": {"channel": channel, "phoneNumber": "08111111001"}}
    else:
        details = {"qr": {"channel": channel, "qrString": f"00020101021226{rand.digits(40)}"}}
    return {"type": method_type, **details}


def prepare_order(spec: Mapping[str, Any], rand: Randomness) -> dict:
    method_type = spec.get("channel")
    bank = (spec.get("bank") or DEFAULT_CHANNEL.get(method_type) or "").upper() or None
    extra: dict[str, Any] = {
        "mode": str(spec.get("mode") or "REDIRECT").upper(),
        "payment_type": str(spec.get("payment_type") or "SINGLE").upper(),
        "redirect_url": dict(RETURN_URLS),
        "statement_descriptor": "Pivot Simulator",
        "charge_id": rand.uuid4(),
    }
    if method_type:
        extra["payment_method"] = payment_method(method_type, bank, rand)
    return {"channel": method_type, "bank": bank, "extra": extra}
