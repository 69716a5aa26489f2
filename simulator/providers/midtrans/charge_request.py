"""A Midtrans create request (Core `POST /v2/charge`, Snap `POST /snap/v1/transactions`),
checked field by field into a `ChargeRequest` (create sheet §3, §4, §6).

`common(body)` checks what both products share (transaction_details, item_details,
customer_details, custom fields, metadata); `core(body)` adds `payment_type` and its method
object and `custom_expiry`; `snap(body)` adds the Snap options. Every problem is collected,
then raised together as `Invalid(messages)`: Core answers them as `validation_messages`,
Snap as `error_messages`. Messages name the field the way Midtrans does
(`transaction_details.gross_amount is required`).

Choices where the sheet gives no text (simulator's choice): type errors say
"`<field>` must be a string/an integer/an object"; order ids may hold letters, digits,
`- _ ~ .`, and also space and `:`, because the official Python client's own tests charge
`py-midtransclient-test-2025-01-15 10:00:00`; an item needs `price`, `quantity` ≥ 1 and
`name`; a negative item price (a discount line) is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ...limits import shown
from .methods import CORE_ALIASES, METHODS, NOT_SIMULATED_TYPES, PaymentMethod, method_for

ORDER_ID = re.compile(r"[A-Za-z0-9\-_~. :]{1,50}")
MAX_GROSS_AMOUNT = 10 ** 13 - 1          # 13 digits of rupiah
TEXT_MAX = 255
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
ORDER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


class Invalid(ValueError):
    """The request breaks one or more rules; `messages` says which, Midtrans' way."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class ChannelNotActivated(ValueError):
    """A payment type Midtrans has but this simulator does not create (cstore, akulaku…)."""


@dataclass
class ChargeRequest:
    order_id: str
    amount: Decimal
    items: list[dict] = field(default_factory=list)
    customer: dict | None = None
    passthrough: dict = field(default_factory=dict)   # custom_field1..3, metadata: echoed back
    method: PaymentMethod | None = None               # Core: the payment_type chosen
    options: dict = field(default_factory=dict)       # the method object (bank_transfer, gopay…)
    expiry: timedelta | None = None                   # custom_expiry, measured from order_time
    order_time: datetime | None = None


class _Checker:
    def __init__(self):
        self.messages: list[str] = []

    def fail(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def done(self) -> None:
        if self.messages:
            raise Invalid(self.messages)

    def object(self, parent: dict, name: str, where: str, required: bool = False) -> dict | None:
        value = parent.get(name)
        if value is None:
            if required:
                self.fail(f"{where} is required")
            return None
        if not isinstance(value, dict):
            self.fail(f"{where} must be an object")
            return None
        return value

    def text(self, parent: dict, name: str, where: str, required: bool = False,
             max_length: int = TEXT_MAX) -> str | None:
        value = parent.get(name)
        if value is None or value == "":
            if required:
                self.fail(f"{where} is required")
            return None
        if not isinstance(value, str):
            self.fail(f"{where} must be a string")
            return None
        if len(value) > max_length:
            self.fail(f"{where} must be at most {max_length} characters")
            return None
        return value

    def integer(self, parent: dict, name: str, where: str, required: bool = False) -> int | None:
        value = parent.get(name)
        if value is None:
            if required:
                self.fail(f"{where} is required")
            return None
        number = whole_number(value)
        if number is None:
            self.fail(f"{where} must be an integer")
        return number


def whole_number(value: Any) -> int | None:
    """An integer, a whole float (44000.0) or a numeric string ("265000", Java's habit)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and len(value) <= 20:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return int(number) if number.is_finite() and number == number.to_integral_value() else None
    return None


def common(body: Any, check: _Checker, minimum_message: str) -> ChargeRequest | None:
    if not isinstance(body, dict):
        check.fail("transaction_details is required")
        return None
    details = check.object(body, "transaction_details", "transaction_details", required=True)
    order_id = amount = None
    if details is not None:
        order_id = check.text(details, "order_id", "transaction_details.order_id", required=True,
                              max_length=50)
        if order_id is not None and not ORDER_ID.fullmatch(order_id):
            check.fail("transaction_details.order_id may only contain letters, digits, "
                       "space and - _ ~ . :")
            order_id = None
        amount = check.integer(details, "gross_amount", "transaction_details.gross_amount", required=True)
        if amount is not None and amount < 1:
            check.fail(minimum_message)
        elif amount is not None and amount > MAX_GROSS_AMOUNT:
            check.fail(f"transaction_details.gross_amount must be less than or equal to {MAX_GROSS_AMOUNT}")
    items = _items(body, check, amount)
    customer = _customer(body, check)
    passthrough = {}
    for name in ("custom_field1", "custom_field2", "custom_field3"):
        value = check.text(body, name, name)
        if value is not None:
            passthrough[name] = value
    metadata = check.object(body, "metadata", "metadata")
    if metadata is not None:
        passthrough["metadata"] = metadata
    if order_id is None or amount is None:
        return None
    return ChargeRequest(order_id=order_id, amount=Decimal(amount), items=items,
                         customer=customer, passthrough=passthrough)


def _items(body: dict, check: _Checker, amount: int | None) -> list[dict]:
    items = body.get("item_details")
    if items is None:
        return []
    if not isinstance(items, list):
        check.fail("item_details must be an array")
        return []
    total, complete = 0, True
    for index, item in enumerate(items):
        where = f"item_details[{index}]"
        if not isinstance(item, dict):
            check.fail(f"{where} must be an object")
            complete = False
            continue
        price = check.integer(item, "price", f"{where}.price", required=True)
        quantity = check.integer(item, "quantity", f"{where}.quantity", required=True)
        if quantity is not None and quantity < 1:
            check.fail(f"{where}.quantity must be greater than or equal to 1")
        check.text(item, "name", f"{where}.name", required=True)
        check.text(item, "id", f"{where}.id", max_length=50)
        if price is None or quantity is None:
            complete = False
        else:
            total += price * quantity
    if complete and amount is not None and items and total != amount:
        check.fail("transaction_details.gross_amount is not equal to the sum of item_details")
    return [dict(item) for item in items if isinstance(item, dict)]


def _customer(body: dict, check: _Checker) -> dict | None:
    customer = check.object(body, "customer_details", "customer_details")
    if customer is None:
        return None
    for name in ("first_name", "last_name", "email", "phone"):
        check.text(customer, name, f"customer_details.{name}")
    for address in ("billing_address", "shipping_address"):
        block = check.object(customer, address, f"customer_details.{address}")
        if block is not None:
            for name in ("first_name", "last_name", "email", "phone", "address", "city"):
                check.text(block, name, f"customer_details.{address}.{name}")
            check.text(block, "postal_code", f"customer_details.{address}.postal_code", max_length=10)
            check.text(block, "country_code", f"customer_details.{address}.country_code", max_length=3)
    return dict(customer)


# -- Core API ------------------------------------------------------------------------------

CORE_MINIMUM = "transaction_details.gross_amount must be greater than or equal to 1"


def core(body: Any) -> ChargeRequest:
    """The checked Core charge; Invalid, or ChannelNotActivated for a type not simulated."""
    check = _Checker()
    request = common(body, check, CORE_MINIMUM)
    payment_type = check.text(body, "payment_type", "payment_type", required=True) \
        if isinstance(body, dict) else None
    method, options = None, {}
    if payment_type is not None:
        if payment_type in NOT_SIMULATED_TYPES:
            raise ChannelNotActivated(payment_type)
        payment_type, forced_bank = CORE_ALIASES.get(payment_type, (payment_type, None))
        method, options = _method(body, payment_type, forced_bank, check)
    expiry, order_time = _custom_expiry(body, method, check) if isinstance(body, dict) else (None, None)
    check.done()
    assert request is not None and method is not None
    request.method, request.options = method, options
    request.expiry, request.order_time = expiry, order_time
    return request


def _method(body: dict, payment_type: str, forced_bank: str | None,
            check: _Checker) -> tuple[PaymentMethod | None, dict]:
    if payment_type == "bank_transfer":
        block = check.object(body, "bank_transfer", "bank_transfer", required=forced_bank is None) or {}
        bank = forced_bank or check.text(block, "bank", "bank_transfer.bank", required=True)
        method = method_for("bank_transfer", bank) if bank else None
        if bank and method is None:
            check.fail(f"bank_transfer.bank {shown(bank)} is not one of bca, bni, bri, cimb, permata")
        va_number = block.get("va_number")
        if va_number is not None and not (isinstance(va_number, str) and va_number.isdigit()
                                          and va_number.isascii() and len(va_number) <= 30):
            check.fail("bank_transfer.va_number must be a string of digits")
        return method, dict(block)
    if payment_type == "echannel":
        block = check.object(body, "echannel", "echannel", required=True) or {}
        check.text(block, "bill_info1", "echannel.bill_info1", required=True)
        check.text(block, "bill_info2", "echannel.bill_info2", required=True)
        bill_key = block.get("bill_key")
        if bill_key is not None and not (isinstance(bill_key, str) and bill_key.isascii()
                                         and bill_key.isdigit() and 6 <= len(bill_key) <= 12):
            check.fail("echannel.bill_key must be 6 to 12 digits")
        return METHODS["echannel"], dict(block)
    if payment_type == "gopay":
        block = check.object(body, "gopay", "gopay") or {}
        if "enable_callback" in block and not isinstance(block["enable_callback"], bool):
            check.fail("gopay.enable_callback must be a boolean")
        check.text(block, "callback_url", "gopay.callback_url", max_length=2048)
        return METHODS["gopay"], dict(block)
    if payment_type == "qris":
        block = check.object(body, "qris", "qris") or {}
        acquirer = block.get("acquirer", "gopay")
        if acquirer not in ("gopay", "airpay shopee"):
            check.fail("qris.acquirer must be gopay or airpay shopee")
        return METHODS["other_qris"], {**block, "acquirer": acquirer}
    if payment_type == "credit_card":
        block = check.object(body, "credit_card", "credit_card") or {}
        if "authentication" in block and not isinstance(block["authentication"], bool):
            check.fail("credit_card.authentication must be a boolean")
        if block.get("type") not in (None, "authorize"):
            check.fail("credit_card.type must be authorize when given")
        return METHODS["credit_card"], dict(block)
    check.fail(f"payment_type {shown(payment_type)} is not supported")
    return None, {}


def _custom_expiry(body: dict, method: PaymentMethod | None,
                   check: _Checker) -> tuple[timedelta | None, datetime | None]:
    block = check.object(body, "custom_expiry", "custom_expiry")
    if block is None:
        return None, None
    duration = check.integer(block, "expiry_duration", "custom_expiry.expiry_duration", required=True)
    unit = block.get("unit", "minute")
    if unit not in UNIT_SECONDS:
        check.fail("custom_expiry.unit must be one of second, minute, hour, day")
        return None, None
    order_time = None
    if block.get("order_time") is not None:
        try:
            order_time = datetime.strptime(str(block["order_time"]), ORDER_TIME_FORMAT)
        except ValueError:
            check.fail("custom_expiry.order_time must look like 2025-01-15 10:00:00 +0700")
    if duration is None:
        return None, order_time
    expiry = timedelta(seconds=duration * UNIT_SECONDS[unit]) if duration < 10 ** 9 else None
    if expiry is None or expiry < timedelta(seconds=20):
        check.fail("custom_expiry.expiry_duration must be at least 20 seconds")
        return None, order_time
    if method is not None and expiry > method.max_expiry:
        check.fail(f"custom_expiry is too long; {method.payment_type} allows at most "
                   f"{method.max_expiry.days} days")
        return None, order_time
    return expiry, order_time


# -- Snap ------------------------------------------------------------------------------------

SNAP_MINIMUM = "transaction_details.gross_amount must be greater than or equal to 0.01"
SNAP_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
PAGE_EXPIRY_MIN, PAGE_EXPIRY_MAX = timedelta(minutes=5), timedelta(days=7)


@dataclass
class SnapRequest:
    charge: ChargeRequest
    methods: list[str]                    # METHODS keys the page offers, in order
    finish_url: str | None
    page_expiry: timedelta
    payment_expiry: timedelta | None      # `expiry`: from start_time (or the page's creation)
    payment_start: datetime | None
    options: dict                         # per-method objects: bca_va, gopay, credit_card…


def snap(body: Any, default_page_expiry: timedelta) -> SnapRequest:
    check = _Checker()
    request = common(body, check, SNAP_MINIMUM)
    body = body if isinstance(body, dict) else {}
    methods = _enabled(body, check)
    callbacks = check.object(body, "callbacks", "callbacks") or {}
    finish = check.text(callbacks, "finish", "callbacks.finish", max_length=2048)
    page_expiry = _snap_duration(body, "page_expiry", check) or default_page_expiry
    if not PAGE_EXPIRY_MIN <= page_expiry <= PAGE_EXPIRY_MAX:
        check.fail("page_expiry.duration must be between 5 minutes and 7 days")
    payment_expiry = _snap_duration(body, "expiry", check)
    start = None
    expiry_block = body.get("expiry")
    if isinstance(expiry_block, dict) and expiry_block.get("start_time") is not None:
        try:
            start = datetime.strptime(str(expiry_block["start_time"]), ORDER_TIME_FORMAT)
        except ValueError:
            check.fail("expiry.start_time must look like 2025-01-15 10:00:00 +0700")
    options = {}
    for name in ("credit_card", "bca_va", "bni_va", "bri_va", "cimb_va", "permata_va", "gopay",
                 "echannel"):
        block = check.object(body, name, name)
        if block is not None:
            options[name] = dict(block)
    for bank in ("bca_va", "bni_va", "bri_va", "cimb_va", "permata_va"):
        number = options.get(bank, {}).get("va_number")
        if number is not None and not (isinstance(number, str) and number.isascii() and number.isdigit()):
            check.fail(f"{bank}.va_number must be a string of digits")
    check.done()
    assert request is not None
    return SnapRequest(charge=request, methods=methods, finish_url=finish, page_expiry=page_expiry,
                       payment_expiry=payment_expiry, payment_start=start, options=options)


def _enabled(body: dict, check: _Checker) -> list[str]:
    """The page's methods: `enabled_payments` (aliases expanded, unknown names ignored, as
    Snap ignores a channel the merchant lacks), or all of them."""
    enabled = body.get("enabled_payments")
    if enabled is None:
        return list(METHODS)
    if not isinstance(enabled, list) or not all(isinstance(name, str) for name in enabled):
        check.fail("enabled_payments must be an array of strings")
        return []
    chosen: list[str] = []
    for name in enabled:
        for method in SNAP_ALIASES.get(name, (name,)):
            if method in METHODS and method not in chosen:
                chosen.append(method)
    return chosen


SNAP_ALIASES = {"bank_transfer": ("bca_va", "bni_va", "bri_va", "cimb_va", "permata_va", "echannel"),
                "other_va": ()}


def _snap_duration(body: dict, name: str, check: _Checker) -> timedelta | None:
    block = check.object(body, name, name)
    if block is None:
        return None
    duration = check.integer(block, "duration", f"{name}.duration", required=True)
    unit = block.get("unit", "minute" if name == "expiry" else "day")
    if unit not in SNAP_UNITS:
        check.fail(f"{name}.unit must be one of minute, hour, day (or their plurals)")
        return None
    if duration is None:
        return None
    if not 1 <= duration < 10 ** 7:
        check.fail(f"{name}.duration must be greater than or equal to 1")
        return None
    return timedelta(seconds=duration * SNAP_UNITS[unit])
