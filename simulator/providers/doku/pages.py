"""DOKU's checkout page, behind `payment.url` (`/checkout-link-v2/<token_id>`, create sheet
§1, §4, §7), and what the payer sees of a DOKU order on any payer page.

While the order has no channel (ORDER_GENERATED, ORDER_RECOVERED) the page offers one button
per channel the create call allowed, named after it. Choosing one is the bank making the
channel transaction: the order moves to PENDING (a card to REDIRECT, waiting for 3-D Secure)
with its VA number, payment code or QR drawn now, as DOKU generates them only when the payer
picks a bank. Then the page shows them with Pay / Fail / Let it expire; Pay and Fail send
DOKU's signed notification. "Back to the merchant" is the create call's `order.callback_url`.
"""

from __future__ import annotations

from flask import Response

from ... import payer
from ...orders import Order
from ...payer import qris
from ...wire import sandbox
from .checkout import CHECKOUTS
from .rules import channel_info
from .seed import channel_fields
from .views import blueprint

TITLE = "DOKU Checkout"
NO_CHANNEL = ("ORDER_GENERATED", "ORDER_RECOVERED")
LABELS = {
    "VIRTUAL_ACCOUNT_BCA": "BCA virtual account",
    "VIRTUAL_ACCOUNT_BANK_MANDIRI": "Mandiri virtual account",
    "VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI": "BSI (Syariah Mandiri) virtual account",
    "VIRTUAL_ACCOUNT_BRI": "BRI virtual account",
    "VIRTUAL_ACCOUNT_BNI": "BNI virtual account",
    "VIRTUAL_ACCOUNT_BANK_PERMATA": "Permata virtual account",
    "VIRTUAL_ACCOUNT_BANK_CIMB": "CIMB Niaga virtual account",
    "VIRTUAL_ACCOUNT_BANK_DANAMON": "Danamon virtual account",
    "VIRTUAL_ACCOUNT_DOKU": "DOKU virtual account",
    "VIRTUAL_ACCOUNT_BTN": "BTN virtual account",
    "VIRTUAL_ACCOUNT_BNC": "BNC virtual account",
    "VIRTUAL_ACCOUNT_BPD_BALI": "BPD Bali virtual account",
    "VIRTUAL_ACCOUNT_BANK_OCBC": "OCBC virtual account",
    "QRIS": "QRIS",
    "ONLINE_TO_OFFLINE_ALFA": "Alfamart / Alfamidi",
    "ONLINE_TO_OFFLINE_INDOMARET": "Indomaret",
    "CREDIT_CARD": "Credit card",
    "EMONEY_OVO": "OVO",
    "EMONEY_SHOPEEPAY": "ShopeePay",
    "EMONEY_DANA": "DANA",
    "EMONEY_LINKAJA": "LinkAja",
    "DIRECT_DEBIT_BRI": "BRI direct debit",
    "PEER_TO_PEER_AKULAKU": "Akulaku PayLater",
    "PEER_TO_PEER_KREDIVO": "Kredivo",
    "JENIUS_PAY": "Jenius Pay",
}
# service → the payer's buttons once the channel is chosen (a VA or a store code cannot fail)
BUTTONS = {
    "VIRTUAL_ACCOUNT": {payer.PAY: "pay", payer.EXPIRE: "expire"},
    "ONLINE_TO_OFFLINE": {payer.PAY: "pay", payer.EXPIRE: "expire"},
}
ANY_CHANNEL = {payer.PAY: "pay", payer.FAIL: "fail", payer.EXPIRE: "expire"}


def facts(order: Order) -> list[tuple[str, str]]:
    extra = order.extra
    shown = [("Payment channel", LABELS.get(order.channel or "", order.channel or "not chosen yet"))]
    if extra.get("virtual_account_number"):
        shown.append(("Virtual account number", extra["virtual_account_number"]))
    if extra.get("payment_code"):
        shown.append(("Payment code", extra["payment_code"]))
    if order.channel == "QRIS":
        shown.append(("QR string", qr(order)))
    if order.channel == "CREDIT_CARD":
        shown += [("Card", "4111 11•• •••• 1111"), ("3-D Secure OTP", "112233")]
    return shown


def buttons(order: Order) -> dict[str, str]:
    if order.channel is None:
        return {}
    service, _ = channel_info(order.channel)
    return dict(BUTTONS.get(service, ANY_CHANNEL))


def qr(order: Order) -> str | None:
    if order.channel != "QRIS":
        return None
    merchant = sandbox().merchants.get("doku", order.merchant)
    return qris.payload((merchant.name if merchant else None) or order.merchant, order.amount,
                        order.extra.get("session_id") or order.transaction_id)


PAYER = payer.PayerSpec(facts=facts, buttons=buttons, qr=qr)


@blueprint.route("/checkout-link-v2/<token_id>", methods=["GET", "POST"])
@payer.page
def checkout_page(token_id: str) -> Response:
    order = payer.linked_order(CHECKOUTS, token_id, "doku", TITLE)
    if order.status not in NO_CHANNEL:
        return payer.serve_order(order)
    offered = order.extra.get("payment_method_types") or []
    return payer.choosing(order, [payer.Method(c, LABELS.get(c, c)) for c in offered], _choose,
                          "waiting for a payment channel")


def _choose(order: Order, channel: str) -> None:
    """The payer picked `channel`: DOKU makes the channel transaction (its numbers now)."""
    box = sandbox()
    service, acquirer = channel_info(channel)
    event = "redirect" if service == "CREDIT_CARD" else "select_channel"
    box.book.apply(order, event, source="payer", merchant=box.merchants.get("doku", order.merchant),
                   extra=channel_fields(channel, box.rand), fields={"channel": channel, "bank": acquirer})
