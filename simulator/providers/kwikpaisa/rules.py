"""KwikPaisa v3 Payment Gateway: order statuses and what each event may do, as data (§5).

Read `EVENTS["cancel"]` for "what can KwikPaisa cancel?": `UN_PAID` and `PROCESSING`.
`PAID`, `FAILED`, `EXPIRED` and `CANCELLED` are final and refused (the renderer answers
422 `Order cannot be cancelled. Current status: X.`). The other events are driven through
`/_sim/orders/kwikpaisa/<order_id>/<event>` as the payer, the bank or the clock would.
"""

from __future__ import annotations

from datetime import timedelta

from ...orders import Lifecycle

STATUSES = ("UN_PAID", "PROCESSING", "PAID", "FAILED", "EXPIRED", "CANCELLED")

# `payment_method` values (the order's channel); the sheet only shows UPI.
PAYMENT_METHODS = ("UPI", "CARD", "NETBANKING", "WALLET")
DEFAULT_PAYMENT_METHOD = "UPI"

# event → {from status → to status}. `cancel` is POST /api/v3/pg/order/cancel.
EVENTS = {
    "cancel":  {"UN_PAID": "CANCELLED", "PROCESSING": "CANCELLED"},
    "process": {"UN_PAID": "PROCESSING"},
    "pay":     {"UN_PAID": "PAID", "PROCESSING": "PAID"},
    "fail":    {"UN_PAID": "FAILED", "PROCESSING": "FAILED"},
    "expire":  {"UN_PAID": "EXPIRED", "PROCESSING": "EXPIRED"},
}

EVENTS_DOC = {
    "process": "the payer started a payment; it is in flight at the bank/UPI (UN_PAID → PROCESSING)",
    "pay": "the payment succeeded (UN_PAID or PROCESSING → PAID)",
    "fail": "the payment failed (UN_PAID or PROCESSING → FAILED)",
    "expire": "the checkout expired (UN_PAID or PROCESSING → EXPIRED)",
}

# A payment attempt exists (so `transaction_id` and `payment_method` are shown) once the
# order has been in one of these statuses.
ATTEMPT_STATUSES = frozenset({"PROCESSING", "PAID", "FAILED"})

LIFECYCLE = Lifecycle(
    statuses=STATUSES,
    events=EVENTS,
    expired_status="EXPIRED",
    expires_from=frozenset({"UN_PAID"}),   # a payment in flight waits for the bank
)

DEFAULT_EXPIRY = timedelta(minutes=30)
