"""The body of `POST /checkout/v1/payment`, checked (create sheet §3, §6): every problem is
collected, then the call is refused in DOKU's business envelope `{"message": [...]}`.

`check(body, merchant)` returns a `CheckoutRequest` or raises `Refused(messages)`. The
order of refusals: field problems (each naming its field), then `PAYMENT CHANNEL IS
INACTIVE` (an unknown or inactive code rejects the whole session), then `AMOUNT NOT MATCH`
(line items whose Σ price × quantity is not `order.amount`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ...merchants import Merchant
from .rules import CHANNEL_IDS, INVOICE_NUMBER_MAX

CARD_INVOICE_MAX = 30              # invoice_number length when CREDIT_CARD is offered
AMOUNT_DIGITS = 12
DUE_MINUTES_MAX = 999_999          # payment_due_date: at most 6 digits
DEFAULT_DUE_MINUTES = 60
PAYMENT_TYPES = ("SALE", "INSTALLMENT", "AUTHORIZE")
URL_MAX = 2048
# spellings seen in requests for one channel (the docs' sample and the echoes disagree)
ALIASES = {"EMONEY_SHOPEE_PAY": "EMONEY_SHOPEEPAY"}
ACTIVE_CHANNELS_FEATURE = "active_channels"   # merchant feature: the account's active channels
CHANNEL_INACTIVE = "PAYMENT CHANNEL IS INACTIVE"
AMOUNT_NOT_MATCH = "AMOUNT NOT MATCH"


class Refused(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class CheckoutRequest:
    invoice_number: str
    amount: Decimal
    currency: str
    due_minutes: int
    payment_type: str
    channels: tuple[str, ...]           # what the page offers
    channels_asked: tuple[str, ...] | None   # as the request listed them (echoed), or None
    callback_url: str | None
    order: dict                         # the request's order object (echoed fields)
    customer: dict | None
    additional_info: dict | None
    notification_url: str | None        # additional_info.override_notification_url


def active_channels(merchant: Merchant) -> tuple[str, ...]:
    """The channels DOKU has activated for this merchant: every simulated channel unless
    the scenario's `features.active_channels` lists fewer."""
    listed = merchant.feature(ACTIVE_CHANNELS_FEATURE, None)
    if isinstance(listed, list):
        return tuple(c for c in CHANNEL_IDS if c in listed)
    return CHANNEL_IDS


def check(body: Any, merchant: Merchant) -> CheckoutRequest:
    if not isinstance(body, dict):
        raise Refused(["request body must be a JSON object"])
    problems: list[str] = []
    order = _object(body, "order", problems, required=True)
    payment = _object(body, "payment", problems) or {}
    customer = _object(body, "customer", problems)
    additional = _object(body, "additional_info", problems)

    invoice = order.get("invoice_number") if order else None
    if invoice is None or (isinstance(invoice, str) and not invoice.strip()):
        problems.append("order.invoice_number must be filled")
    elif not isinstance(invoice, str):
        problems.append("order.invoice_number must be a string")
    elif len(invoice) > INVOICE_NUMBER_MAX:
        problems.append(f"order.invoice_number must be at most {INVOICE_NUMBER_MAX} characters")
    amount = _amount(order.get("amount") if order else None, problems)
    currency = order.get("currency", "IDR") if order else "IDR"
    if currency != "IDR":
        problems.append("order.currency must be IDR")
    urls = {}
    for key in ("callback_url", "callback_url_cancel", "callback_url_result"):
        urls[key] = _url(order.get(key) if order else None, f"order.{key}", problems)
    notification_url = _url((additional or {}).get("override_notification_url"),
                            "additional_info.override_notification_url", problems)

    due = payment.get("payment_due_date", DEFAULT_DUE_MINUTES)
    if isinstance(due, bool) or not isinstance(due, int) or not 1 <= due <= DUE_MINUTES_MAX:
        problems.append(f"payment.payment_due_date must be a whole number of minutes from 1 to {DUE_MINUTES_MAX}")
    payment_type = payment.get("type", "SALE")
    if payment_type not in PAYMENT_TYPES:
        problems.append(f"payment.type must be one of {', '.join(PAYMENT_TYPES)}")
    asked = payment.get("payment_method_types")
    if asked is not None and (not isinstance(asked, list) or not all(isinstance(c, str) for c in asked)):
        problems.append("payment.payment_method_types must be an array of channel codes")
        asked = None
    if isinstance(invoice, str) and asked and "CREDIT_CARD" in asked and len(invoice) > CARD_INVOICE_MAX:
        problems.append(f"order.invoice_number must be at most {CARD_INVOICE_MAX} characters when "
                        "CREDIT_CARD is offered")
    line_items = order.get("line_items") if order else None
    total = _line_items_total(line_items, problems)
    if problems:
        raise Refused(problems)

    active = active_channels(merchant)
    if asked is not None:
        channels = tuple(dict.fromkeys(ALIASES.get(c, c) for c in asked))
        if not channels or any(c not in active for c in channels):
            raise Refused([CHANNEL_INACTIVE])
    else:
        channels = active
    if total is not None and total != amount:
        raise Refused([AMOUNT_NOT_MATCH])
    return CheckoutRequest(
        invoice_number=invoice, amount=amount, currency=currency, due_minutes=due,
        payment_type=payment_type, channels=channels,
        channels_asked=tuple(asked) if asked is not None else None,
        callback_url=urls["callback_url"], order=order, customer=customer,
        additional_info=additional, notification_url=notification_url)


def _object(body: dict, key: str, problems: list[str], required: bool = False) -> dict | None:
    value = body.get(key)
    if value is None:
        if required:
            problems.append(f"{key} must be filled")
        return None
    if not isinstance(value, dict):
        problems.append(f"{key} must be an object")
        return None
    return value


def _amount(value: Any, problems: list[str]) -> Decimal | None:
    """A number, or a numeric string such as WooCommerce's "150000.00"; whole rupiah."""
    if value is None or value == "":
        problems.append("order.amount must be filled")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        problems.append("order.amount must be a number")
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append("order.amount must be a number")
        return None
    if not amount.is_finite():
        problems.append("order.amount must be a number")
    elif amount <= 0:
        problems.append("order.amount must greater than 0")
    elif amount != amount.to_integral_value():
        problems.append("order.amount must be a whole number of rupiah")
    elif len(str(int(amount))) > AMOUNT_DIGITS:
        problems.append(f"order.amount must be at most {AMOUNT_DIGITS} digits")
    else:
        return amount.quantize(Decimal(1))
    return None


def _url(value: Any, name: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("http://", "https://")) or len(value) > URL_MAX:
        problems.append(f"{name} must be an http(s) URL of at most {URL_MAX} characters")
        return None
    return value


def _line_items_total(items: Any, problems: list[str]) -> Decimal | None:
    """Σ price × quantity of `order.line_items`, or None when there are none."""
    if items is None:
        return None
    if not isinstance(items, list):
        problems.append("order.line_items must be an array")
        return None
    total = Decimal(0)
    for i, item in enumerate(items):
        where = f"order.line_items[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        price, quantity = item.get("price"), item.get("quantity")
        try:
            price = Decimal(str(price)) if not isinstance(price, bool) and isinstance(price, (int, float, str)) else None
        except InvalidOperation:
            price = None
        if price is None or not price.is_finite() or price < 0:
            problems.append(f"{where}.price must be a number")
            continue
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            problems.append(f"{where}.quantity must be a whole number of at least 1")
            continue
        total += price * quantity
    return total
