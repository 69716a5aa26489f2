"""The body of `POST /api/v3/pg/order/create`, checked (create sheet §3, §5). The sheet is
thin; every limit here is the simulator's choice, written down in the package docstring.

`check(body)` returns a `CreateRequest` or raises `Refused(http_status, message)` with the
first problem, in KwikPaisa's error envelope: a missing field is 400 `<field> is required.`,
a malformed one 400 `Invalid payload. <why>`, an amount or currency it will not take 422
(`Invalid order amount.`, `Invalid order currency.`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .payload import INVALID

ORDER_ID_MAX = 50
_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,50}")
_PHONE = re.compile(r"(\+91)?[6-9][0-9]{9}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_AMOUNT = Decimal("10000000")          # ₹1 crore
SERVICE_TYPES = ("DIGITAL", "PHYSICAL_GOODS")
NOTE_MAX, NAME_MAX, URL_MAX = 255, 100, 2048
REQUIRED = ("order_id", "order_amount", "order_currency", "service_type", "customer", "return_url")


class Refused(ValueError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CreateRequest:
    order_id: int | str            # as sent: the signed bytes and the answers keep its type
    amount: Decimal
    currency: str
    service_type: str
    note: str | None
    customer: dict
    return_url: str


def _invalid(why: str) -> Refused:
    return Refused(400, f"{INVALID} {why}")


def check(body: Any) -> CreateRequest:
    if not isinstance(body, dict):
        raise _invalid("Expected a JSON object with order_id, order_amount, order_currency, "
                       "service_type, customer and return_url.")
    for key in REQUIRED:
        if body.get(key) in (None, "") or (isinstance(body.get(key), str) and not body[key].strip()):
            raise Refused(400, f"{key} is required.")
    order_id = body["order_id"]
    if isinstance(order_id, bool) or not isinstance(order_id, (int, str)):
        raise _invalid("order_id must be an integer or a string.")
    if isinstance(order_id, int) and not 0 < order_id < 10 ** ORDER_ID_MAX:
        raise _invalid("order_id must be a positive integer.")
    if isinstance(order_id, str) and not _ORDER_ID.fullmatch(order_id):
        raise _invalid(f"order_id must be 1-{ORDER_ID_MAX} letters, digits, '-' or '_'.")

    amount = body["order_amount"]
    if isinstance(amount, bool) or not isinstance(amount, (int, float, str)):
        raise _invalid("order_amount must be a number.")
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        raise _invalid("order_amount must be a number.") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        raise Refused(422, "Invalid order amount.")
    if body["order_currency"] != "INR":
        raise Refused(422, "Invalid order currency.")
    if body["service_type"] not in SERVICE_TYPES:
        raise _invalid(f"service_type must be one of {', '.join(SERVICE_TYPES)}.")
    note = body.get("order_note")
    if note is not None and (not isinstance(note, str) or len(note) > NOTE_MAX):
        raise _invalid(f"order_note must be a string of at most {NOTE_MAX} characters.")

    customer = body["customer"]
    if not isinstance(customer, dict):
        raise _invalid("customer must be an object with name, email and phone.")
    for key in ("name", "email", "phone"):
        value = customer.get(key)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            raise Refused(400, f"customer.{key} is required.")
        if not isinstance(value, str):
            raise _invalid(f"customer.{key} must be a string.")
    if len(customer["name"]) > NAME_MAX:
        raise _invalid(f"customer.name must be at most {NAME_MAX} characters.")
    if not _EMAIL.fullmatch(customer["email"]):
        raise _invalid("customer.email must be an email address.")
    if not _PHONE.fullmatch(customer["phone"]):
        raise _invalid("customer.phone must be a 10-digit Indian mobile number.")
    url = body["return_url"]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > URL_MAX:
        raise _invalid("return_url must be an http(s) URL.")
    return CreateRequest(order_id=order_id, amount=amount.quantize(Decimal("0.01")), currency="INR",
                         service_type=body["service_type"], note=note,
                         customer={k: customer[k] for k in ("name", "email", "phone")}, return_url=url)
