"""Midtrans wire fields for a new order, drawn from the scenario's seeded randomness:
masked card and approval code for cards, VA numbers per bank, Mandiri bill keys,
convenience-store payment codes, e-wallet actions."""

from __future__ import annotations

from typing import Any, Mapping

from ...ids import Randomness

DEFAULT_BANK = {"credit_card": "bni", "bank_transfer": "bca", "cstore": "indomaret"}
CARD_PREFIXES = {"bni": "41111111", "mandiri": "52111111", "bca": "48111111",
                 "bri": "45111111", "maybank": "51111111"}


def prepare_order(spec: Mapping[str, Any], rand: Randomness) -> dict:
    payment_type = spec.get("channel") or "bank_transfer"
    bank = (spec.get("bank") or DEFAULT_BANK.get(payment_type) or "").lower() or None
    extra: dict[str, Any] = {}
    if payment_type == "credit_card":
        extra.update(masked_card=f"{CARD_PREFIXES.get(bank, '48111111')}-{rand.digits(4)}",
                     card_type="credit", approval_code=rand.digits(13), eci="05")
    elif payment_type == "bank_transfer" and bank == "permata":
        extra["permata_va_number"] = rand.digits(18)
    elif payment_type == "bank_transfer":
        extra["va_numbers"] = [{"bank": bank, "va_number": rand.digits(11)}]
    elif payment_type == "echannel":
        extra.update(bill_key=rand.digits(12), biller_code="70012")
    elif payment_type == "cstore":
        extra.update(payment_code=rand.digits(16), store=bank)
    elif payment_type in ("gopay", "qris", "shopeepay"):
        extra["actions"] = [{"name": "generate-qr-code", "method": "GET",
                             "url": f"/v2/qris/{payment_type}/qr-code"}]
    return {"channel": payment_type, "bank": bank, "extra": extra}
