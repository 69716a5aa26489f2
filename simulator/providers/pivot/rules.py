"""Pivot Payment Session API v2: session statuses and what each event may do, as data
(fact sheet §5).

Read `EVENTS["cancel"]` for "what can Pivot cancel?": REQUIRE_PAYMENT_METHOD and
REQUIRE_CONFIRMATION, nothing else. `EVENTS["customer_cancel"]` is the same call with
`"source": "CUSTOMER"` (Pivot's hosted payment page): it may also cancel REQUIRE_ACTION,
but only for a REDIRECT-mode session (`redirect_mode_only`). Every refused status maps to
its documented answer in `render.CANCEL_REFUSALS`.
"""

from __future__ import annotations

from datetime import timedelta

from ...orders import Lifecycle, Order, Refusal, WRONG_STATUS

REQUIRE_PAYMENT_METHOD = "REQUIRE_PAYMENT_METHOD"
REQUIRE_CONFIRMATION = "REQUIRE_CONFIRMATION"
REQUIRE_ACTION = "REQUIRE_ACTION"
PROCESSING = "PROCESSING"
ACTIVE = "ACTIVE"
PAID = "PAID"
EXPIRED = "EXPIRED"
CANCELLED = "CANCELLED"
INACTIVE = "INACTIVE"

STATUSES = (REQUIRE_PAYMENT_METHOD, REQUIRE_CONFIRMATION, REQUIRE_ACTION, PROCESSING, ACTIVE,
            PAID, EXPIRED, CANCELLED, INACTIVE)
FINAL = frozenset({PAID, EXPIRED, CANCELLED, INACTIVE})
NOT_FINAL = frozenset(STATUSES) - FINAL

# `paymentMethod.type`, kept in the order's `channel` (None: no method chosen yet).
PAYMENT_METHOD_TYPES = ("VIRTUAL_ACCOUNT", "QR", "CARD", "EWALLET")
MULTIPLE_STATUSES = frozenset({ACTIVE, INACTIVE})   # only `MULTIPLE` sessions reach these

# event → {from status → to status}. `cancel` / `customer_cancel` are
# POST /v2/payments/{id}/cancel (source MERCHANT / CUSTOMER); the rest are driven through
# /_sim as the merchant, the customer, the partner or the clock would.
EVENTS = {
    "cancel":             {REQUIRE_PAYMENT_METHOD: CANCELLED, REQUIRE_CONFIRMATION: CANCELLED},
    "customer_cancel":    {REQUIRE_PAYMENT_METHOD: CANCELLED, REQUIRE_CONFIRMATION: CANCELLED,
                           REQUIRE_ACTION: CANCELLED},
    "set_payment_method": {REQUIRE_PAYMENT_METHOD: REQUIRE_CONFIRMATION},
    "confirm":            {REQUIRE_CONFIRMATION: REQUIRE_ACTION},
    "activate":           {REQUIRE_CONFIRMATION: ACTIVE},            # MULTIPLE: confirm → ACTIVE
    "process":            {REQUIRE_ACTION: PROCESSING},
    "pay":                {REQUIRE_ACTION: PAID, PROCESSING: PAID},
    "fail":               {REQUIRE_ACTION: REQUIRE_PAYMENT_METHOD, PROCESSING: REQUIRE_PAYMENT_METHOD},
    "close":              {ACTIVE: INACTIVE},
    "expire":             {status: EXPIRED for status in STATUSES if status in NOT_FINAL},
}

CANCEL_EVENT_BY_SOURCE = {"MERCHANT": "cancel", "CUSTOMER": "customer_cancel"}
CANCELLATION_REASONS = ("REQUESTED_BY_CUSTOMER", "DUPLICATED", "VOID_SESSION", "CHARGE_FAILED",
                        "FRAUDULENT")

EVENTS_DOC = {
    "set_payment_method": "the merchant finalised the payment data (REQUIRE_PAYMENT_METHOD → REQUIRE_CONFIRMATION)",
    "confirm": "the session is confirmed; the customer must act (→ REQUIRE_ACTION)",
    "activate": "a MULTIPLE (static VA/QR) session is confirmed (→ ACTIVE)",
    "process": "the customer authenticated; the partner is processing (→ PROCESSING)",
    "pay": "the charge succeeded (→ PAID)",
    "fail": "the charge failed; the session waits for another method (→ REQUIRE_PAYMENT_METHOD)",
    "close": "a MULTIPLE session is closed (ACTIVE → INACTIVE)",
    "expire": "expiryAt passed (any non-final status → EXPIRED)",
    "customer_cancel": "the customer cancelled on the hosted payment page (→ CANCELLED)",
}


# A clientReferenceId may be used again once every earlier session with it is final in one
# of these (the backend's rule, create sheet §5). The store keeps one order per order id, so
# the later sessions are stored as `<ref>~2`, `<ref>~3`… (`~` is never in a reference) and
# every answer shows the reference itself (`reference_of`).
REUSABLE_AFTER = frozenset({EXPIRED, CANCELLED})
REUSE_MARK = "~"


def reference_of(order: Order) -> str:
    """The session's clientReferenceId, as the merchant sent it."""
    return order.order_id.split(REUSE_MARK, 1)[0]


def redirect_mode_only(order: Order, merchant=None) -> Refusal | None:
    """A customer may cancel REQUIRE_ACTION only on the hosted page, i.e. in REDIRECT mode."""
    if order.status == REQUIRE_ACTION and order.extra.get("mode", "REDIRECT") != "REDIRECT":
        return Refusal(WRONG_STATUS, "REQUIRE_ACTION can only be cancelled by the customer on the "
                       "payment page of a REDIRECT-mode session", order)
    return None


LIFECYCLE = Lifecycle(
    statuses=STATUSES,
    events=EVENTS,
    expired_status=EXPIRED,
    expires_from=NOT_FINAL,
    guards={"customer_cancel": (redirect_mode_only,)},
)

DEFAULT_EXPIRY = timedelta(minutes=15)      # expiryAt: 15 min after creation
TOKEN_LIFETIME = timedelta(seconds=900)     # access token: expiresIn "900"
IDEMPOTENCY_TTL = timedelta(hours=24)       # X-REQUEST-ID of a create is remembered this long
