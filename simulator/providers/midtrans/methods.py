"""The Midtrans payment methods this simulator creates, as one table (create sheet §4, §5, §6).

Each row says what Snap calls the method (`enabled_payments`), how the payer page names it,
the Core `payment_type` and bank, the charge answer's `status_code` and `status_message`,
how long the payment stays open by default and at most (`custom_expiry`), and the buttons
its payer page shows with the lifecycle event each applies.

Choices (simulator's choice, sheet §10): GoPay and QRIS stay open 15 minutes by default;
a card waiting for 3-D Secure 10 minutes; virtual accounts and Mandiri bill 24 hours.
"Fail" exists where the payer or the bank can refuse (card 3-D Secure → `deny`, GoPay and
QRIS rejected in the app → `deny`); a virtual account or a bill can only be paid or left to
expire. VA numbers are the bank's prefix and the merchant's (or a random) number, the
sample lengths of §5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Mapping

from ...payer import EXPIRE, FAIL, PAY


@dataclass(frozen=True)
class PaymentMethod:
    snap_id: str
    label: str
    payment_type: str
    bank: str | None
    created: tuple[str, str]                 # charge answer: status_code, status_message
    expiry: timedelta                        # default time to pay
    max_expiry: timedelta                    # the longest custom_expiry accepted
    buttons: Mapping[str, str] = field(default_factory=dict)   # payer button → event


VA_CREATED = ("201", "Success, Bank Transfer transaction is created")
PAY_OR_EXPIRE = {PAY: "pay", EXPIRE: "expire"}
PAY_FAIL_OR_EXPIRE = {PAY: "pay", FAIL: "deny", EXPIRE: "expire"}
DAY, DAYS_180 = timedelta(hours=24), timedelta(days=180)


def _va(bank: str, label: str, created=VA_CREATED) -> PaymentMethod:
    return PaymentMethod(f"{bank}_va", label, "bank_transfer", bank, created, DAY, DAYS_180, PAY_OR_EXPIRE)


METHODS: dict[str, PaymentMethod] = {m.snap_id: m for m in (
    _va("bca", "BCA virtual account"),
    _va("bni", "BNI virtual account"),
    _va("bri", "BRI virtual account"),
    _va("cimb", "CIMB Niaga virtual account"),
    _va("permata", "Permata virtual account", ("201", "Success, PERMATA VA transaction is successful")),
    PaymentMethod("echannel", "Mandiri bill payment", "echannel", "mandiri",
                  ("201", "OK, Mandiri Bill transaction is successful"), DAY, DAYS_180, PAY_OR_EXPIRE),
    PaymentMethod("gopay", "GoPay", "gopay", None, ("201", "GO-PAY transaction is created"),
                  timedelta(minutes=15), timedelta(days=7), PAY_FAIL_OR_EXPIRE),
    PaymentMethod("other_qris", "QRIS", "qris", None, ("201", "QRIS transaction is created"),
                  timedelta(minutes=15), timedelta(days=5), PAY_FAIL_OR_EXPIRE),
    PaymentMethod("credit_card", "Credit card", "credit_card", None,
                  ("201", "Success, Credit Card transaction is successful"),
                  timedelta(minutes=10), DAYS_180,
                  {PAY: "authenticate", FAIL: "deny", EXPIRE: "expire"}),
)}

# VA number: the bank's prefix, then the merchant's number cut or zero-padded to `digits`.
VA_FORMAT = {"bca": ("1278", 11), "bni": ("98885002", 8), "bri": ("857", 13),
             "cimb": ("2810", 12), "permata": ("877800", 10)}
BILLER_CODE = "70012"                          # Mandiri bill: the company code of §5

# `payment_type: "permata"` (a doc sample's mistake) means a Permata VA.
CORE_ALIASES = {"permata": ("bank_transfer", "permata")}
# Payment types Midtrans has but this simulator does not create: 402 "not activated".
NOT_SIMULATED_TYPES = frozenset({"cstore", "akulaku", "kredivo", "shopeepay", "bca_klikpay",
                                 "bca_klikbca", "bri_epay", "cimb_clicks", "danamon_online",
                                 "uob_ezpay", "ovo", "dana"})

CARD_CHARGED = ("200", "Success, Credit Card transaction is successful")
CARD_DENIED = ("202", "Card is not authorized")
CARD_CHALLENGED = ("201", "Success, Credit Card transaction is successful")


def method_for(payment_type: str | None, bank: str | None) -> PaymentMethod | None:
    """The row of an order's payment type (and bank, for a VA)."""
    if payment_type == "bank_transfer":
        return METHODS.get(f"{(bank or '').lower()}_va")
    return next((m for m in METHODS.values() if m.payment_type == payment_type), None)


@dataclass(frozen=True)
class TestCard:
    brand: str
    bank: str
    outcome: str        # "accept", "deny" (by the bank) or "challenge" (by fraud detection)


# Midtrans' sandbox test cards (sheet §5); any other card that passes Luhn is accepted.
TEST_CARDS = {
    "4811111111111114": TestCard("visa", "bni", "accept"),
    "4911111111111113": TestCard("visa", "bni", "deny"),
    "4411111111111118": TestCard("visa", "bca", "challenge"),
    "5211111111111117": TestCard("mastercard", "mandiri", "accept"),
    "5111111111111118": TestCard("mastercard", "mandiri", "deny"),
}


def card(number: str) -> TestCard:
    brand = {"4": "visa", "5": "mastercard", "3": "jcb"}.get(number[:1], "visa")
    return TEST_CARDS.get(number, TestCard(brand, "bni", "accept"))


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0
