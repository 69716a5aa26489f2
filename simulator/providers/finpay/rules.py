"""Finpay PG: statuses, sources of funds and what each event may do, as data (sheet §5, §9).

"What can Finpay void?" is `VOIDABLE`: paid or authorised orders. "What can Finpay cancel?"
is `CANCELLABLE` below: one row per status of the sheet's §5
table (plus EXPIRED and FAILED). `REQUEST_INITIATED` carries a per-channel rule on top:
QRIS and e-wallet orders have no provider session yet and answer `4040100`, while VA,
retail, card and hosted-page orders can be cancelled — `CANCEL_ON_REQUEST_INITIATED` by
channel class, applied by the `session_exists` guard.
"""

from __future__ import annotations

from datetime import timedelta

from ...orders import Lifecycle, Order, Refusal

STATUSES = ("PAID", "AUTHENTICATED", "AUTHORIZED", "PARTIALLY_CAPTURED", "CAPTURED",
            "PARTIALLY_REFUNDED", "REFUNDED", "CANCELLED", "INITIATED",
            "AUTHENTICATION_INITIATED", "REQUEST_INITIATED", "FAILURE", "PENDING",
            "EXPIRED", "FAILED")

INITIAL_STATUS = "REQUEST_INITIATED"   # right after initiate [OBS]

# Source-of-funds id (`sourceOfFunds.type`, the order's channel) → channel class.
# An order with no channel is a hosted-page order: the payer has not picked one yet.
CHANNEL_CLASS = {
    "vabca": "va", "vamandiri": "va", "vabni": "va", "vabri": "va", "vapermata": "va",
    "vacimb": "va",
    "qris": "qris",
    "ovo": "ewallet", "dana": "ewallet", "shopeepay": "ewallet", "linkaja": "ewallet",
    "alfamart": "retail", "idm": "retail", "pospay": "retail", "finpaycode": "retail",
    "cc": "card",
}
HOSTED = "hosted"
SOURCES_OF_FUNDS = tuple(CHANNEL_CLASS)


def channel_class(channel: str | None) -> str:
    return CHANNEL_CLASS.get((channel or "").lower(), HOSTED)


# The cancellability table (sheet §5). True: GET /pg/payment/card/cancel moves the order
# to CANCELLED; False: 4040100 Invalid Transaction Status.
CANCELLABLE = {
    "PAID":                     False,  # paid: Void before settlement, Refund after
    "AUTHENTICATED":            True,   # 3DS passed, nothing paid (sheet recommends yes)
    "AUTHORIZED":               False,  # funds reserved: Void, not cancel
    "PARTIALLY_CAPTURED":       False,
    "CAPTURED":                 False,
    "PARTIALLY_REFUNDED":       False,
    "REFUNDED":                 False,
    "CANCELLED":                False,  # already final: 4040100, not an idempotent 2000000
    "INITIATED":                True,   # 3DS initiation (sheet recommends yes)
    "AUTHENTICATION_INITIATED": True,   # 3DS payer step (sheet recommends yes)
    "REQUEST_INITIATED":        True,   # ...but see CANCEL_ON_REQUEST_INITIATED
    "FAILURE":                  False,
    "PENDING":                  True,   # unpaid, payment in progress
    "EXPIRED":                  False,  # final
    "FAILED":                   False,  # final
}

# The Void table (sheet §1, §5): True — paid or authorised and not yet settled (the
# simulator has no settlement, so until refunded) — GET /pg/payment/card/void moves the
# order to CANCELLED (Finpay's list has no VOIDED; CANCELLED is "payment cancelled, no funds
# moved", which a void makes true); False → 4030015 Transaction Not Permitted, unchanged.
VOIDABLE = {status: status in ("PAID", "AUTHORIZED", "PARTIALLY_CAPTURED", "CAPTURED")
            for status in STATUSES}

# REQUEST_INITIATED by channel class: QRIS and e-wallets are refused until the provider
# session exists (the order moves on to PENDING) [OBS].
CANCEL_ON_REQUEST_INITIATED = {"va": True, "retail": True, "card": True, HOSTED: True,
                               "qris": False, "ewallet": False}

UNPAID = ("REQUEST_INITIATED", "PENDING", "INITIATED", "AUTHENTICATION_INITIATED",
          "AUTHENTICATED")


def _moves(sources, to_status: str) -> dict[str, str]:
    return {status: to_status for status in sources}


# event → {from status → to status}. `cancel` is the Cancel Order endpoint; the others are
# driven through /_sim as the payer, the bank, Finpay's back office or the clock would.
EVENTS = {
    "cancel":          _moves([s for s, allowed in CANCELLABLE.items() if allowed], "CANCELLED"),
    "start":           {"REQUEST_INITIATED": "PENDING"},   # payer opened the channel
    "pay":             _moves(UNPAID, "PAID"),
    "expire":          _moves(UNPAID, "EXPIRED"),
    "fail":            _moves(UNPAID + ("AUTHORIZED",), "FAILURE"),
    "mark_failed":     _moves(UNPAID + ("AUTHORIZED",), "FAILED"),
    # cards: 3-D Secure, authorisation and capture
    "initiate_3ds":    _moves(("REQUEST_INITIATED", "PENDING"), "INITIATED"),
    "start_authentication": {"INITIATED": "AUTHENTICATION_INITIATED"},
    "authenticate":    _moves(("INITIATED", "AUTHENTICATION_INITIATED"), "AUTHENTICATED"),
    "authorize":       _moves(("REQUEST_INITIATED", "PENDING", "AUTHENTICATED"), "AUTHORIZED"),
    "partial_capture": {"AUTHORIZED": "PARTIALLY_CAPTURED"},
    "capture":         _moves(("AUTHORIZED", "PARTIALLY_CAPTURED"), "CAPTURED"),
    "card_payment":    _moves(("REQUEST_INITIATED", "PENDING", "AUTHENTICATED"), "CAPTURED"),
    # after payment
    "void":            _moves([s for s, allowed in VOIDABLE.items() if allowed], "CANCELLED"),
    "partial_refund":  _moves(("PAID", "CAPTURED"), "PARTIALLY_REFUNDED"),
    "refund":          _moves(("PAID", "CAPTURED", "PARTIALLY_REFUNDED"), "REFUNDED"),
}

EVENTS_DOC = {
    "cancel": "Cancel Order (the merchant's GET /pg/payment/card/cancel)",
    "start": "the payer opened the QRIS/e-wallet/VA session: REQUEST_INITIATED → PENDING",
    "pay": "the payer paid: → PAID",
    "expire": "order.timeout passed: → EXPIRED (the clock does this by itself)",
    "fail": "the operation was declined/rejected: → FAILURE",
    "mark_failed": "→ FAILED, the spelling some third-party status mappers use",
    "initiate_3ds": "card: 3DS initiation → INITIATED",
    "start_authentication": "card: 3DS payer authentication → AUTHENTICATION_INITIATED",
    "authenticate": "card: 3DS passed → AUTHENTICATED",
    "authorize": "card: funds reserved → AUTHORIZED",
    "partial_capture": "card: part captured → PARTIALLY_CAPTURED",
    "capture": "card: captured → CAPTURED",
    "card_payment": "card: the payer's card paid in one go (3DS, authorised, captured) → CAPTURED",
    "void": "Void (the merchant's GET /pg/payment/card/void): paid or authorised → CANCELLED",
    "partial_refund": "→ PARTIALLY_REFUNDED",
    "refund": "→ REFUNDED",
}

CARD_ONLY_EVENTS = ("initiate_3ds", "start_authentication", "authenticate", "authorize",
                    "partial_capture", "capture", "card_payment")

NO_PROVIDER_SESSION = "no_provider_session"   # refusal: QRIS/e-wallet still REQUEST_INITIATED
NOT_A_CARD = "not_a_card"                     # refusal: card event on a non-card order


def session_exists(order: Order, merchant=None) -> Refusal | None:
    kind = channel_class(order.channel)
    if order.status == "REQUEST_INITIATED" and not CANCEL_ON_REQUEST_INITIATED[kind]:
        return Refusal(NO_PROVIDER_SESSION, f"a {order.channel} order in REQUEST_INITIATED has no "
                       "provider session yet and cannot be cancelled", order)
    return None


def card_order(order: Order, merchant=None) -> Refusal | None:
    if channel_class(order.channel) != "card":
        return Refusal(NOT_A_CARD, f"only card (cc) orders go through 3DS, authorisation and "
                       f"capture; this one is {order.channel or 'a hosted-page order'}", order)
    return None


LIFECYCLE = Lifecycle(
    statuses=STATUSES,
    events=EVENTS,
    expired_status="EXPIRED",
    expires_from=frozenset(UNPAID),
    guards={"cancel": (session_exists,), **{event: (card_order,) for event in CARD_ONLY_EVENTS}},
)

DEFAULT_TIMEOUT = timedelta(minutes=1440)   # order.timeout default at initiate

# Order ids are "Alpha Dash": letters, digits, '-' and '_', 1 to 30 characters.
ORDER_ID_PATTERN = r"[A-Za-z0-9_-]{1,30}"
