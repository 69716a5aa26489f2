"""Midtrans Core API v2: statuses and what each event may do, as data (fact sheet §5).

Read `EVENTS["cancel"]` for "what can Midtrans cancel?": pending, authorize and capture.
Everything else (settlement, deny, cancel, expire, failure, refund*, chargeback*) is
refused, and the renderer answers 412. `AUTHORIZE_CANCEL_BY_BANK` adds the acquiring-bank
rule for pre-authorised cards.
"""

from __future__ import annotations

from datetime import timedelta

from ...orders import Lifecycle, Order, Refusal

STATUSES = ("pending", "authorize", "capture", "settlement", "deny", "cancel", "expire",
            "failure", "refund", "partial_refund", "chargeback", "partial_chargeback")

PAYMENT_TYPES = ("credit_card", "bank_transfer", "echannel", "gopay", "qris", "shopeepay",
                 "cstore", "akulaku", "kredivo", "bca_klikpay", "bca_klikbca", "bri_epay",
                 "cimb_clicks", "danamon_online", "uob_ezpay")

# event → {from status → to status}. `cancel` is POST /v2/{id}/cancel; `force_expire` is
# POST /v2/{id}/expire (pending only, per the docs); the others are driven through /_sim
# as the payer, the bank or the clock would.
EVENTS = {
    "cancel":             {"pending": "cancel", "authorize": "cancel", "capture": "cancel"},
    "force_expire":       {"pending": "expire"},
    "expire":             {"pending": "expire", "authorize": "expire"},
    "pay":                {"pending": "settlement"},
    "authorize":          {"pending": "authorize"},
    "authenticate":       {"pending": "capture"},      # 3-D Secure completed on the card page
    "capture":            {"authorize": "capture"},
    "settle":             {"pending": "settlement", "capture": "settlement"},
    "deny":               {"pending": "deny", "authorize": "deny", "settlement": "deny"},
    "fail":               {"pending": "failure"},
    "refund":             {"settlement": "refund", "partial_refund": "refund"},
    "partial_refund":     {"settlement": "partial_refund"},
    "chargeback":         {"settlement": "chargeback", "partial_chargeback": "chargeback"},
    "partial_chargeback": {"settlement": "partial_chargeback"},
}

# May a card in `authorize` be cancelled (voided) before capture? By acquiring bank (§5):
# BCA, BRI, Maybank: before or after capture; BNI: only after capture; Mandiri: after the
# initial charge, which an `authorize` already is. Banks not listed: allowed (our choice).
AUTHORIZE_CANCEL_BY_BANK = {"bca": True, "bri": True, "maybank": True, "mandiri": True, "bni": False}

ACQUIRER_RULE = "acquirer_rule"   # refusal reason: the acquiring bank forbids this cancel


def acquirer_allows_cancel(order: Order, merchant=None) -> Refusal | None:
    if order.status == "authorize" and not AUTHORIZE_CANCEL_BY_BANK.get((order.bank or "").lower(), True):
        return Refusal(ACQUIRER_RULE, f"{order.bank} card transactions can only be cancelled "
                       "after capture", order)
    return None


LIFECYCLE = Lifecycle(
    statuses=STATUSES,
    events=EVENTS,
    expired_status="expire",
    expires_from=frozenset({"pending", "authorize"}),
    guards={"cancel": (acquirer_allows_cancel,)},
)

DEFAULT_EXPIRY = timedelta(hours=24)
IDEMPOTENCY_TTL = timedelta(minutes=5)
IDEMPOTENCY_KEY_MAX = 46          # longer keys are ignored, as documented
