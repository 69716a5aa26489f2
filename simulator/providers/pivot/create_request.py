"""The body of `POST /v2/payments`, checked the way Pivot's backend does (create sheet §2, §5):
decoded into its Go struct (a wrong JSON type or not-JSON is `invalid request payload`),
then validated, the first problem wins. `check(body, now)` returns a `CreateRequest` or
raises `Invalid(detail, http)`; the answer is `api_validation_error` with the detail in
`error.details[0].message`.

Also here: the backend's sandbox error-simulation amounts (§5), answered before anything is
made.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ...clock import parse_instant
from .render import INVALID_PAYLOAD
from .rules import DEFAULT_EXPIRY, PAYMENT_METHOD_TYPES

STRUCT = "CreateUnifiedPaymentSessionRequest"
_REFERENCE = re.compile(r"[a-zA-Z0-9-]+")
REFERENCE_MAX = 100
METADATA_MAX = 512
DESCRIPTOR_MAX = 20
MODES, PAYMENT_TYPES = ("REDIRECT", "API"), ("SINGLE", "MULTIPLE")
# the merchant's active channels and amount limits (the backend's example configuration)
VA_CHANNELS = ("BCA", "BNI", "BRI", "MANDIRI", "PERMATA", "CIMB")
EWALLET_CHANNELS = ("SHOPEEPAY", "DANA", "OVO")
MIN_AMOUNT = {"VIRTUAL_ACCOUNT": 10000, "QR": 10000, "CARD": 10000, "EWALLET": 1, None: 1}
MAX_AMOUNT = 10_000_000_000
# sandbox amounts that answer an error instead of a session (§5)
SIMULATED_ERRORS = {100033: 400, 100044: 403, 100055: 404, 100066: 409, 100088: 429,
                    100099: 500, 110000: 502, 220000: 503, 330000: 504}
SIMULATED_ERROR_MESSAGE = "message for api error simulation"


class Invalid(ValueError):
    def __init__(self, detail: str, http: int = 400):
        super().__init__(detail)
        self.detail, self.http = detail, http


class SimulatedError(Exception):
    def __init__(self, http: int):
        super().__init__(SIMULATED_ERROR_MESSAGE)
        self.http = http


@dataclass(frozen=True)
class CreateRequest:
    reference: str
    amount: Decimal
    currency: str
    mode: str
    payment_type: str
    auto_confirm: bool
    method_type: str | None
    channel: str | None            # VA bank, e-wallet, QRIS or card network
    method_options: dict
    redirect_url: dict | None
    expiry_at: datetime
    statement_descriptor: str | None
    customer: dict | None
    metadata: dict


def _typed(body: dict, key: str, kind) -> Any:
    """Go's decoder: a present value of the wrong JSON type fails the whole body."""
    value = body.get(key)
    if value is not None and (not isinstance(value, kind) or (kind is not bool and isinstance(value, bool))):
        raise Invalid(INVALID_PAYLOAD)
    return value


def _required(field: str) -> Invalid:
    go = field[0].upper() + field[1:]
    return Invalid(f"Key: '{STRUCT}.{go}' Error:Field validation for '{go}' failed on the 'required' tag")


def check(body: Any, now: datetime) -> CreateRequest:
    if not isinstance(body, dict):
        raise Invalid(INVALID_PAYLOAD)
    reference = _typed(body, "clientReferenceId", str)
    amount_block = _typed(body, "amount", dict) or {}
    mode = _typed(body, "mode", str) or "REDIRECT"
    payment_type = _typed(body, "paymentType", str) or "SINGLE"
    auto_confirm = _typed(body, "autoConfirm", bool) or False
    method = _typed(body, "paymentMethod", dict) or {}
    options = _typed(body, "paymentMethodOptions", dict) or {}
    redirect = _typed(body, "redirectUrl", dict)
    expiry = _typed(body, "expiryAt", str)
    descriptor = _typed(body, "statementDescriptor", str)
    customer = _typed(body, "customer", dict)
    customer_id = _typed(body, "customerId", str)
    metadata = _typed(body, "metadata", dict) or {}
    value = amount_block.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise Invalid(INVALID_PAYLOAD)

    if not reference:
        raise _required("ClientReferenceID")
    if len(reference) > REFERENCE_MAX or not _REFERENCE.fullmatch(reference):
        raise Invalid("client reference ID must be in alphanumeric format")
    if isinstance(value, (int, float)) and int(value) == value and int(value) in SIMULATED_ERRORS:
        raise SimulatedError(SIMULATED_ERRORS[int(value)])
    if mode not in MODES:
        raise Invalid(f"mode must be one of {' '.join(MODES)}")
    if payment_type not in PAYMENT_TYPES:
        raise Invalid(f"paymentType must be one of {' '.join(PAYMENT_TYPES)}")
    if payment_type == "MULTIPLE" and mode != "API":
        raise Invalid("paymentType 'MULTIPLE' is only allowed when mode is set to 'API'")
    if payment_type == "MULTIPLE" and not auto_confirm:
        raise Invalid("paymentType 'MULTIPLE' requires autoConfirm to be set to true")

    method_type = method.get("type")
    if method_type is not None and method_type not in PAYMENT_METHOD_TYPES:
        raise Invalid("payment method is not found", 422)
    if auto_confirm and method_type is None:
        raise Invalid("the confirm request should have a chosen payment method", 422)
    channel = _channel(method_type, options)

    currency = amount_block.get("currency") or "IDR"
    if currency != "IDR":
        raise Invalid("payment method is not found", 422)
    if value is None or value == 0:
        raise Invalid("amount is required")
    amount = Decimal(str(value))
    if amount < 0:
        raise Invalid("amount value below the minimum")
    if amount != amount.to_integral_value():
        raise Invalid("amount value is not permitted to use decimal format", 422)
    if amount < MIN_AMOUNT[method_type]:
        raise Invalid("amount value below the minimum")
    if amount > MAX_AMOUNT:
        raise Invalid("amount value above the maximum")

    expiry_at = now + DEFAULT_EXPIRY
    if expiry:
        try:
            expiry_at = parse_instant(expiry)
        except ValueError:
            raise Invalid(INVALID_PAYLOAD) from None
        if expiry_at <= now:
            raise Invalid("expiry time is not permitted to be less than current time", 422)
    if descriptor is not None and len(descriptor) > DESCRIPTOR_MAX:
        raise Invalid(f"statementDescriptor must be at most {DESCRIPTOR_MAX} characters")
    if customer is not None and customer_id is not None:
        raise Invalid("customer information conflict between customerId and CustomerInformation", 422)
    if customer_id is not None:
        raise Invalid("customer not found", 422)
    if customer is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(customer.get("email") or "")):
        raise Invalid("customer email must be a valid email address")
    if len(json.dumps(metadata, separators=(",", ":"))) > METADATA_MAX:
        raise Invalid(f"metadata exceeds maximum allowed length of {METADATA_MAX} characters")
    if redirect is not None:
        for key, url in redirect.items():
            if key in ("successReturnUrl", "failureReturnUrl", "expirationReturnUrl") and not (
                    isinstance(url, str) and url.startswith(("http://", "https://"))):
                raise Invalid(f"redirectUrl.{key} must be an http(s) URL")
    return CreateRequest(
        reference=reference, amount=amount.quantize(Decimal(1)), currency=currency, mode=mode,
        payment_type=payment_type, auto_confirm=auto_confirm, method_type=method_type, channel=channel,
        method_options=options, redirect_url=redirect, expiry_at=expiry_at,
        statement_descriptor=descriptor, customer=customer, metadata=metadata)


def _channel(method_type: str | None, options: dict) -> str | None:
    """The VA bank / e-wallet of the method, from its options block (required for both)."""
    if method_type == "VIRTUAL_ACCOUNT":
        block = options.get("virtualAccount")
        if not isinstance(block, dict) or not block.get("channel"):
            raise Invalid("payment method options for virtual account can not be empty", 422)
        if block["channel"] not in VA_CHANNELS:
            raise Invalid("payment method is not found", 422)
        return block["channel"]
    if method_type == "EWALLET":
        block = options.get("ewallet")
        if not isinstance(block, dict) or not block.get("channel"):
            raise Invalid("payment method options for ewallet can not be empty", 422)
        if block["channel"] not in EWALLET_CHANNELS:
            raise Invalid("payment method is not found", 422)
        return block["channel"]
    if method_type == "QR":
        return "QRIS"
    if method_type == "CARD":
        return "VISA"
    return None

