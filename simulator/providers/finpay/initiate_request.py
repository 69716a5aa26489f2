"""The body of `POST /pg/payment/card/initiate`, checked (create sheet §3, §5).

`check(body)` returns an `InitiateRequest` or raises `Invalid(answer, detail)` with the
first problem, as Finpay answers one problem at a time: a missing field is `4000002 Invalid
Mandatory Field <field>`, a wrong one `4000001 Invalid Field Format. <why>`, a source of
funds the merchant cannot use `4030001 Feature Not Allowed`. Unknown keys are ignored (a
WooCommerce plugin copies its credentials into the body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from . import render
from .rules import ORDER_ID_PATTERN, SOURCES_OF_FUNDS

FEATURE_NOT_ALLOWED = render.Answer("4030001", "Feature Not Allowed")
_ORDER_ID = re.compile(ORDER_ID_PATTERN)
_PHONE = re.compile(r"\+62[0-9]{8,13}")
_DIGITS = re.compile(r"[0-9]+")
AMOUNT_DIGITS, TIMEOUT_DIGITS, DESCRIPTION_MAX, URL_MAX = 14, 8, 127, 320
DEFAULT_TIMEOUT_MINUTES = 1440
RETURN_URLS = ("successUrl", "failUrl", "backUrl")


class Invalid(ValueError):
    def __init__(self, answer: render.Answer, detail: str):
        super().__init__(detail)
        self.answer, self.detail = answer, detail


def _mandatory(field: str) -> Invalid:
    return Invalid(render.INVALID_MANDATORY_FIELD, field)


def _format(why: str) -> Invalid:
    return Invalid(render.INVALID_FIELD_FORMAT, why)


@dataclass(frozen=True)
class InitiateRequest:
    order_id: str
    amount: Decimal
    currency: str
    timeout_minutes: int
    description: str | None
    customer: dict
    callback_url: str
    return_urls: dict                 # successUrl / failUrl / backUrl given
    source_of_funds: str | None       # None: the hosted page lets the payer choose
    items: list


def check(body: Any) -> InitiateRequest:
    if not isinstance(body, dict):
        raise Invalid(render.BAD_REQUEST, "the body must be a JSON object")
    order = _object(body, "order")
    customer = _object(body, "customer")
    urls = _object(body, "url")
    source = body.get("sourceOfFunds")

    order_id = order.get("id")
    if order_id in (None, ""):
        raise _mandatory("order.id")
    if not isinstance(order_id, str) or not _ORDER_ID.fullmatch(order_id):
        raise _format("order.id must be 1-30 letters, digits, '-' or '_'")
    amount = _whole_rupiah(order.get("amount"), "order.amount", AMOUNT_DIGITS, required=True)
    if amount <= 0:
        raise _format("order.amount must be greater than 0")
    currency = order.get("currency", "IDR")
    if currency != "IDR":
        raise _format("order.currency must be IDR")
    description = order.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > DESCRIPTION_MAX):
        raise _format(f"order.description must be a string of at most {DESCRIPTION_MAX} characters")
    timeout = order.get("timeout")
    minutes = DEFAULT_TIMEOUT_MINUTES if timeout in (None, "") else int(
        _whole_rupiah(timeout, "order.timeout", TIMEOUT_DIGITS, required=True))
    if minutes < 1:
        raise _format("order.timeout must be at least 1 minute")
    items = _items(order, amount)

    for key in ("email", "firstName", "mobilePhone"):
        if not isinstance(customer.get(key), str) or not customer[key].strip():
            raise _mandatory(f"customer.{key}")
    if not _PHONE.fullmatch(customer["mobilePhone"]):
        raise _format("The customer.mobile phone format is invalid")

    callback = urls.get("callbackUrl")
    if callback in (None, ""):
        raise _mandatory("url.callbackUrl")
    returns = {key: urls[key] for key in RETURN_URLS if urls.get(key) not in (None, "")}
    for key, value in {"callbackUrl": callback, **returns}.items():
        if not isinstance(value, str) or not value.startswith(("http://", "https://")) or len(value) > URL_MAX:
            raise _format(f"url.{key} must be an http(s) URL of at most {URL_MAX} characters")

    kind = None
    if source is not None:
        if not isinstance(source, dict):
            raise _format("sourceOfFunds must be an object")
        kind = source.get("type")
        if kind in (None, ""):
            raise _mandatory("sourceOfFunds.type")
        if kind not in SOURCES_OF_FUNDS:
            raise Invalid(FEATURE_NOT_ALLOWED, f"sourceOfFunds.type {str(kind)[:30]!r} is not enabled")
    return InitiateRequest(order_id=order_id, amount=amount, currency=currency,
                           timeout_minutes=minutes, description=description,
                           customer={k: v for k, v in customer.items()
                                     if k in ("id", "email", "firstName", "lastName", "mobilePhone")},
                           callback_url=callback, return_urls=returns, source_of_funds=kind, items=items)


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        raise _mandatory(key)
    if not isinstance(value, dict):
        raise _format(f"{key} must be an object")
    return value


def _whole_rupiah(value: Any, field: str, digits: int, required: bool = False) -> Decimal:
    """A numeric string ("22000") or a number (150000.0): whole, at most `digits` digits."""
    if value in (None, ""):
        raise _mandatory(field)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _format(f"{field} must be a numeric string")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _format(f"{field} must be a numeric string") from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise _format(f"{field} must be a whole number")
    if len(str(int(number))) > digits:
        raise _format(f"{field} must be at most {digits} digits")
    return number.quantize(Decimal(1))


def _items(order: dict, amount: Decimal) -> list:
    """`order.item[]` (each with name, quantity, unitPrice, category — the live sandbox asks
    for category); their Σ unitPrice × quantity must be `itemAmount`, or `amount` when no
    itemAmount is given; `amount` must be itemAmount + surchargeAmount when those are given."""
    items = order.get("item")
    item_amount = order.get("itemAmount")
    surcharge = order.get("surchargeAmount")
    if item_amount not in (None, ""):
        item_amount = _whole_rupiah(item_amount, "order.itemAmount", AMOUNT_DIGITS)
        extra = _whole_rupiah(surcharge, "order.surchargeAmount", AMOUNT_DIGITS) if surcharge not in (None, "") else 0
        if item_amount + extra != amount:
            raise _format("order.amount must be order.itemAmount + order.surchargeAmount")
    else:
        item_amount = amount
    if items is None:
        return []
    if not isinstance(items, list):
        raise _format("order.item must be an array")
    total = Decimal(0)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _format(f"order.item.{i} must be an object")
        for key in ("name", "quantity", "unitPrice", "category"):
            if item.get(key) in (None, ""):
                raise _mandatory(f"order.item.{i}.{key}")
        quantity = _whole_rupiah(item["quantity"], f"order.item.{i}.quantity", 6)
        total += _whole_rupiah(item["unitPrice"], f"order.item.{i}.unitPrice", AMOUNT_DIGITS) * quantity
    if total != item_amount:
        raise _format("the sum of order.item unitPrice × quantity must equal the order's amount")
    return items
