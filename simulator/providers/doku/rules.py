"""DOKU Checkout: statuses, channels and what each event may do, as data (fact sheet §1, §5).

One `status` field carries both of DOKU's levels: the order-level states a checkout has
before a payment attempt exists (ORDER_GENERATED, ORDER_RECOVERED), the transaction-level
states of the attempt (PENDING, REDIRECT, TIMEOUT, FAILED, SUCCESS, EXPIRED, REFUNDED), and
CANCELLED after a merchant cancel. `render.STATUS_FIELDS` splits it back into Check
Status' `order.status` and `transaction.status`.

"What can DOKU cancel?" is two tables: `EVENTS["cancel"]` (which statuses) and
`CANCEL_BY_SERVICE` / `VA_ACQUIRERS_WITHOUT_CANCEL` (which channels), plus the merchant's
activation (`features.cancel`) and convenience-store flag (`features.cancel_convenience_store`).
"""

from __future__ import annotations

from datetime import timedelta

from ...orders import CHANNEL_NOT_SUPPORTED, FEATURE_DISABLED, Lifecycle, Order, Refusal

STATUSES = ("ORDER_GENERATED", "ORDER_RECOVERED", "PENDING", "REDIRECT", "TIMEOUT", "FAILED",
            "SUCCESS", "EXPIRED", "REFUNDED", "CANCELLED")

# DOKU channel id → (service id, acquirer id), as Check Status reports them.
CHANNELS = {
    "VIRTUAL_ACCOUNT_BCA":                  ("VIRTUAL_ACCOUNT", "BCA"),
    "VIRTUAL_ACCOUNT_BANK_MANDIRI":         ("VIRTUAL_ACCOUNT", "BANK_MANDIRI"),
    "VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI": ("VIRTUAL_ACCOUNT", "BANK_SYARIAH_MANDIRI"),
    "VIRTUAL_ACCOUNT_BRI":                  ("VIRTUAL_ACCOUNT", "BRI"),
    "VIRTUAL_ACCOUNT_BNI":                  ("VIRTUAL_ACCOUNT", "BNI"),
    "VIRTUAL_ACCOUNT_BANK_PERMATA":         ("VIRTUAL_ACCOUNT", "BANK_PERMATA"),
    "VIRTUAL_ACCOUNT_BANK_CIMB":            ("VIRTUAL_ACCOUNT", "BANK_CIMB"),
    "VIRTUAL_ACCOUNT_BANK_DANAMON":         ("VIRTUAL_ACCOUNT", "BANK_DANAMON"),
    "VIRTUAL_ACCOUNT_DOKU":                 ("VIRTUAL_ACCOUNT", "DOKU"),
    "VIRTUAL_ACCOUNT_BTN":                  ("VIRTUAL_ACCOUNT", "BTN"),
    "VIRTUAL_ACCOUNT_BNC":                  ("VIRTUAL_ACCOUNT", "BNC"),
    "VIRTUAL_ACCOUNT_BPD_BALI":             ("VIRTUAL_ACCOUNT", "BPD_BALI"),
    "VIRTUAL_ACCOUNT_BANK_OCBC":            ("VIRTUAL_ACCOUNT", "OCBC"),
    "QRIS":                                 ("QRIS", "QRIS"),
    "ONLINE_TO_OFFLINE_ALFA":               ("ONLINE_TO_OFFLINE", "ALFA"),
    "ONLINE_TO_OFFLINE_INDOMARET":          ("ONLINE_TO_OFFLINE", "INDOMARET"),
    "CREDIT_CARD":                          ("CREDIT_CARD", "CREDIT_CARD"),
    "EMONEY_OVO":                           ("EMONEY", "OVO"),
    "EMONEY_SHOPEEPAY":                     ("EMONEY", "SHOPEEPAY"),
    "EMONEY_DANA":                          ("EMONEY", "DANA"),
    "EMONEY_LINKAJA":                       ("EMONEY", "LINKAJA"),
    "DIRECT_DEBIT_BRI":                     ("DIRECT_DEBIT", "BRI"),
    "PEER_TO_PEER_AKULAKU":                 ("PEER_TO_PEER", "AKULAKU"),
    "PEER_TO_PEER_KREDIVO":                 ("PEER_TO_PEER", "KREDIVO"),
    "JENIUS_PAY":                           ("DIGITAL_BANKING", "JENIUS"),
}
CHANNEL_IDS = tuple(CHANNELS)

# Cancel Order support by service (fact sheet §1). A string value names the merchant
# feature flag that decides (default off); True/False is fixed.
CONVENIENCE_STORE_FLAG = "cancel_convenience_store"
CANCEL_BY_SERVICE = {
    "VIRTUAL_ACCOUNT": True,
    "QRIS": True,
    "ONLINE_TO_OFFLINE": CONVENIENCE_STORE_FLAG,
    "CREDIT_CARD": False,
    "EMONEY": False,
    "DIRECT_DEBIT": False,
    "PEER_TO_PEER": False,
    "DIGITAL_BANKING": False,
}
# VA acquirers excluded from Cancel Order; a prefix covers every regional bank (BPD_*).
VA_ACQUIRERS_WITHOUT_CANCEL = ("BTN", "BNC", "BPD", "OCBC")

CANCEL_FEATURE = "cancel"             # merchant feature: Cancel Order activated by DOKU
MAX_RECOVERIES = 3                    # "recover abandoned cart" at most three times

# event → {from status → to status}. `cancel` is POST /checkout/v3/cancellations; the
# others are driven through /_sim as the customer, the bank or the clock would.
_UNPAID = ("ORDER_GENERATED", "ORDER_RECOVERED", "PENDING", "FAILED")
_IN_FLIGHT = ("ORDER_GENERATED", "ORDER_RECOVERED", "PENDING", "REDIRECT", "TIMEOUT", "FAILED")
EVENTS = {
    "cancel":         {s: "CANCELLED" for s in _UNPAID},
    "select_channel": {"ORDER_GENERATED": "PENDING", "ORDER_RECOVERED": "PENDING"},
    "redirect":       {"ORDER_GENERATED": "REDIRECT", "ORDER_RECOVERED": "REDIRECT", "PENDING": "REDIRECT"},
    "time_out":       {"ORDER_GENERATED": "TIMEOUT", "ORDER_RECOVERED": "TIMEOUT", "PENDING": "TIMEOUT"},
    "pay":            {s: "SUCCESS" for s in _IN_FLIGHT},
    "fail":           {"PENDING": "FAILED", "REDIRECT": "FAILED", "TIMEOUT": "FAILED"},
    "expire":         {s: "EXPIRED" for s in _IN_FLIGHT},
    "recover":        {"EXPIRED": "ORDER_RECOVERED"},
    "refund":         {"SUCCESS": "REFUNDED"},
}
EVENTS_DOC = {
    "select_channel": "the customer picks a channel on the checkout page (→ PENDING)",
    "redirect": "a card payment waits for 3-D Secure (→ REDIRECT)",
    "time_out": "an e-money payment times out (→ TIMEOUT)",
    "pay": "the customer pays (→ SUCCESS)",
    "fail": "the payment attempt fails; the customer may retry (→ FAILED)",
    "expire": "payment_due_date passes (→ EXPIRED)",
    "recover": f"the customer reopens an expired order, at most {MAX_RECOVERIES}× (→ ORDER_RECOVERED)",
    "refund": "the merchant refunds a paid order (→ REFUNDED)",
    "cancel": "Cancel Order, as POST /checkout/v3/cancellations does (→ CANCELLED)",
}


def channel_info(channel: str | None) -> tuple[str | None, str | None]:
    """(service id, acquirer id) of a DOKU channel; (None, None) before one is chosen."""
    return CHANNELS.get(channel or "", (None, None))


def cancel_activated(order: Order | None, merchant) -> Refusal | None:
    if merchant is not None and not merchant.feature(CANCEL_FEATURE):
        return Refusal(FEATURE_DISABLED, "Cancel Order is not activated for this merchant", order)
    return None


def channel_allows_cancel(order: Order, merchant) -> Refusal | None:
    """An order whose customer has not chosen a channel yet can always be cancelled."""
    if order.channel is None:
        return None
    service, acquirer = channel_info(order.channel)
    rule = CANCEL_BY_SERVICE.get(service, False)
    if isinstance(rule, str):
        rule = bool(merchant is not None and merchant.feature(rule))
    if rule and service == "VIRTUAL_ACCOUNT" and acquirer.startswith(VA_ACQUIRERS_WITHOUT_CANCEL):
        rule = False
    if not rule:
        return Refusal(CHANNEL_NOT_SUPPORTED, f"{order.channel} orders cannot be cancelled", order)
    return None


def recoveries_left(order: Order, merchant) -> Refusal | None:
    done = sum(1 for t in order.history if t.event == "recover")
    if done >= MAX_RECOVERIES:
        return Refusal("recovery_limit", f"order was already recovered {done} times", order)
    return None


LIFECYCLE = Lifecycle(
    statuses=STATUSES,
    events=EVENTS,
    expired_status="EXPIRED",
    # a recovered order keeps its past expires_at, so the clock does not expire it again
    expires_from=frozenset(_IN_FLIGHT) - {"ORDER_RECOVERED"},
    guards={"cancel": (cancel_activated, channel_allows_cancel), "recover": (recoveries_left,)},
)

DEFAULT_EXPIRY = timedelta(minutes=60)       # payment.payment_due_date default
TIMESTAMP_WINDOW = timedelta(seconds=3600)   # Request-Timestamp must be within ± this
REQUEST_ID_MAX = 128
INVOICE_NUMBER_MAX = 64
NOTE_MAX = 255
