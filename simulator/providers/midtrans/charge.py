"""Placing a Midtrans charge: a checked `ChargeRequest` and its method → a new order and the
charge answer (create sheet §4, §5, §9).

One path for Core `POST /v2/charge` and for a payer choosing a method on a Snap page: the
method fills in what the payer will need (VA number, Mandiri bill key, QR string, GoPay
actions, the 3-D Secure page), the order is created through `simulator.creation` (refused
whole on a duplicate order id), and Midtrans' notification of the new status goes out.

Card tokens from `GET /v2/token` are single use and live 10 minutes (simulator's choice);
a charge with a missing, used, expired or another merchant's token gets 411. The outcome
follows the test card (methods.TEST_CARDS): accepted, denied by the bank (`deny`, 202), or
challenged by fraud detection (`capture` with `fraud_status: challenge`, 201). With
`authentication: true` (and every card chosen on a Snap page) the order waits in `pending`
for the 3-D Secure page, whose Pay moves it to `capture`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ... import creation
from ...payer import qris
from ...merchants import Merchant
from ...orders import Order
from ...wire import annotate, own_url, sandbox
from . import render
from .charge_request import ChargeRequest
from .methods import (BILLER_CODE, CARD_CHALLENGED, CARD_CHARGED, CARD_DENIED, VA_FORMAT,
                      PaymentMethod, card, method_for)

CARD_TOKENS = "midtrans-card-token"      # run-state records: token id → the card it stands for
VA_IN_USE = "midtrans-va"                # (merchant, bank, number) → the order holding it
CARD_TOKEN_TTL = timedelta(minutes=10)
SNAP_TEST_CARD = "4811111111111114"      # the card a payer "enters" on a Snap page


class CardTokenRefused(ValueError):
    """The charge's token_id is missing, used, expired or not this merchant's (411)."""


def place(request: ChargeRequest, merchant: Merchant, source: str = "api",
          snap_card: bool = False) -> Order:
    """Create the order of a checked charge. Raises creation.DuplicateOrder (nothing made)
    or CardTokenRefused (nothing made; the token is spent only when the order is)."""
    box = sandbox()
    method = request.method
    now = box.clock.now()
    start = request.order_time or now
    expires_at = start + (request.expiry or method.expiry)
    extra: dict[str, Any] = dict(request.passthrough)
    status = "pending"
    transaction_id = box.rand.uuid4()
    bank = method.bank

    if method.payment_type == "credit_card":
        status, bank, extra_card = _card(request, merchant, transaction_id, snap_card)
        extra.update(extra_card)
        if status != "pending":
            expires_at = None
    elif method.payment_type == "bank_transfer":
        number = _va_number(merchant, method, request.options.get("va_number"), request.order_id)
        if method.bank == "permata":
            extra["permata_va_number"] = number
        else:
            extra["va_numbers"] = [{"bank": method.bank, "va_number": number}]
    elif method.payment_type == "echannel":
        extra.update(bill_key=request.options.get("bill_key") or box.rand.digits(12),
                     biller_code=BILLER_CODE)
    elif method.payment_type in ("gopay", "qris"):
        extra["qr_string"] = qris.payload(merchant.name or merchant.id, request.amount, transaction_id)
        extra["actions"] = _actions(method, transaction_id)
        if method.payment_type == "qris":
            extra["acquirer"] = request.options.get("acquirer", "gopay")
    if request.customer is not None:
        extra["customer_details"] = request.customer
    if request.items:
        extra["item_details"] = request.items

    spec = {"merchant": merchant.id, "order_id": request.order_id, "transaction_id": transaction_id,
            "amount": request.amount, "currency": "IDR", "channel": method.payment_type,
            "bank": bank, "status": status, "extra": extra,
            # a captured or denied card is final: no expiry
            **({"expires_at": expires_at} if expires_at else {"expires_in": None})}
    if method.payment_type != "credit_card" or snap_card:
        return creation.create("midtrans", spec, source=source)
    token_id = request.options["token_id"]
    token = sandbox().run.record_take(CARD_TOKENS, token_id)
    if token is None:
        raise CardTokenRefused("credit_card.token_id was used by a concurrent charge")
    try:
        return creation.create("midtrans", spec, source=source)
    except creation.DuplicateOrder:
        sandbox().run.record_add(CARD_TOKENS, token_id, token)   # not spent: nothing was made
        raise


def answer(order: Order) -> dict:
    """The charge answer of §5 for a just-made order."""
    body = render.transaction(order, *created_code(order))
    body.pop("settlement_time", None)
    extra = order.extra
    if order.channel == "qris":
        body["qr_string"] = extra.get("qr_string")
        body["expire_time"] = body.get("expiry_time")
    if order.channel == "credit_card":
        for name in ("redirect_url", "three_ds_version", "challenge_completion", "on_us"):
            if name in extra:
                body[name] = extra[name]
    return body


def created_code(order: Order) -> tuple[str, str]:
    if order.channel == "credit_card" and order.status != "pending":
        if order.status == "deny":
            return CARD_DENIED
        if order.extra.get("fraud_status") == "challenge":
            return CARD_CHALLENGED
        return CARD_CHARGED
    method = method_for(order.channel, order.bank)
    return method.created if method else ("201", "Success, transaction is created")


# -- cards -----------------------------------------------------------------------------------

def _card(request: ChargeRequest, merchant: Merchant, transaction_id: str,
          snap_card: bool) -> tuple[str, str, dict]:
    if snap_card:
        token = {"card_number": SNAP_TEST_CARD}
        three_ds = True
    else:
        token = _token(request.options.get("token_id"), merchant)
        three_ds = bool(request.options.get("authentication"))
    number = token["card_number"]
    test_card = card(number)
    bank = str(request.options.get("bank") or test_card.bank).lower()
    extra = {"masked_card": f"{number[:8]}-{number[-4:]}", "card_type": "credit",
             "three_ds_version": "2", "on_us": False}
    if three_ds:
        extra["redirect_url"] = own_url("three_ds_page", transaction_id=transaction_id)
        extra["challenge_completion"] = False
        return "pending", bank, extra
    if test_card.outcome == "deny":
        extra.update(channel_response_code="05", channel_response_message="Do not honor",
                     fraud_status="accept")
        return "deny", bank, extra
    extra.update(approval_code=sandbox().rand.digits(13), eci="05", channel_response_code="00",
                 channel_response_message="Approved",
                 fraud_status="challenge" if test_card.outcome == "challenge" else "accept")
    return ("authorize" if request.options.get("type") == "authorize" else "capture"), bank, extra


def _token(token_id: Any, merchant: Merchant) -> dict:
    if not isinstance(token_id, str) or not token_id:
        raise CardTokenRefused("credit_card.token_id is missing")
    token = sandbox().run.record(CARD_TOKENS, token_id)
    if token is None:
        raise CardTokenRefused("credit_card.token_id is unknown or was already used")
    if token["merchant"] != merchant.id:
        raise CardTokenRefused("credit_card.token_id was made with another merchant's client key")
    if sandbox().clock.now() >= datetime.fromisoformat(token["expires_at"]):
        raise CardTokenRefused(f"credit_card.token_id timed out ({CARD_TOKEN_TTL} after it was made)")
    return token


def issue_token(merchant: Merchant, number: str, month: str, year: str) -> str:
    """A single-use token for a card (GET /v2/token): `<first 8>-<last 4>-<uuid>`."""
    box = sandbox()
    token_id = f"{number[:8]}-{number[-4:]}-{box.rand.uuid4()}"
    box.run.record_add(CARD_TOKENS, token_id, {
        "merchant": merchant.id, "card_number": number, "exp": f"{month}/{year}",
        "expires_at": (box.clock.now() + CARD_TOKEN_TTL).isoformat()})
    return token_id


# -- virtual accounts, QR codes, actions -------------------------------------------------------

def _va_number(merchant: Merchant, method: PaymentMethod, wanted: str | None, order_id: str) -> str:
    """The VA number: the merchant's (cut or zero-padded to the bank's length) unless another
    pending order holds it, else a random one (sheet §4)."""
    box = sandbox()
    prefix, digits = VA_FORMAT[method.bank]
    if wanted:
        number = prefix + wanted[:digits].rjust(digits, "0")
        key = f"{merchant.id}\n{method.bank}\n{number}"
        holder = {"order_id": order_id}
        if box.run.record_add(VA_IN_USE, key, holder):
            return number
        current = box.run.record(VA_IN_USE, key)
        other = box.book.get("midtrans", merchant.id, (current or {}).get("order_id", ""))
        if current is not None and (other is None or other.status != "pending") \
                and box.run.record_replace(VA_IN_USE, key, current, holder):
            return number
        annotate(va_number=f"{number} is held by pending order {current and current['order_id']!r}; "
                           "issued another number")
    return prefix + box.rand.digits(digits)


def _actions(method: PaymentMethod, transaction_id: str) -> list[dict]:
    kind = "gopay" if method.payment_type == "gopay" else "qris"
    actions = [{"name": "generate-qr-code", "method": "GET",
                "url": own_url("qr_code", kind=kind, transaction_id=transaction_id)}]
    if kind == "gopay":
        actions += [
            {"name": "deeplink-redirect", "method": "GET",
             "url": own_url("gopay_app", id=transaction_id)},
            {"name": "get-status", "method": "GET", "url": own_url("status", tx_id=transaction_id)},
            {"name": "cancel", "method": "POST", "url": own_url("cancel", tx_id=transaction_id)},
        ]
    return actions
