"""KwikPaisa's hosted checkout page, behind the create answer's payment link
(`/payment?payload=<64 hex>`, the v2 link's shape on this simulator), and what the payer sees
of a KwikPaisa order on any payer page.

One button per payment method; choosing one starts the payment (UN_PAID → PROCESSING, the
`payment.processing` webhook); then Pay, Fail or Let it expire. UPI shows a `upi://pay` QR.
"Back to the merchant" is `return_url` with `order_id` and `status` appended.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

from ... import payer
from ...orders import Order
from ...wire import sandbox
from .rules import PAYMENT_METHODS
from .views import blueprint

CHECKOUTS = "kwikpaisa-checkout"      # run-state records: payload → the order (payer.link)
TITLE = "KwikPaisa"
LABELS = {"UPI": "UPI", "CARD": "Card", "NETBANKING": "Net banking", "WALLET": "Wallet"}


def facts(order: Order) -> list[tuple[str, str]]:
    shown = [("Payment method", LABELS.get(order.channel or "", "not chosen yet"))]
    if order.channel == "UPI":
        shown += [("UPI ID", vpa(order)), ("UPI intent", qr(order))]
    if order.channel == "CARD":
        shown += [("Card", "4111 11•• •••• 1111"), ("OTP", "123456")]
    return shown


def buttons(order: Order) -> dict[str, str]:
    if order.channel is None:
        return {}
    return {payer.PAY: "pay", payer.FAIL: "fail", payer.EXPIRE: "expire"}


def vpa(order: Order) -> str:
    return f"{order.merchant.lower()}@kwikpaisa"


def qr(order: Order) -> str | None:
    if order.channel != "UPI":
        return None
    merchant = sandbox().merchants.get("kwikpaisa", order.merchant)
    return "upi://pay?" + urlencode({"pa": vpa(order), "pn": (merchant.name if merchant else None) or order.merchant,
                                     "am": f"{order.amount:.2f}", "cu": "INR", "tr": order.transaction_id})


def finish(order: Order, url: str) -> str:
    return payer.with_query(url, {"order_id": order.order_id, "status": order.status})


PAYER = payer.PayerSpec(facts=facts, buttons=buttons, qr=qr, finish=finish)


@blueprint.route("/payment", methods=["GET", "POST"])
@payer.page
def checkout_page() -> Response:
    order = payer.linked_order(CHECKOUTS, request.args.get("payload", ""), "kwikpaisa", TITLE)
    if order.status != "UN_PAID" or order.channel is not None:
        return payer.serve_order(order)
    return payer.choosing(order, [payer.Method(method, LABELS[method]) for method in PAYMENT_METHODS], _start)


def _start(order: Order, method: str) -> None:
    """The payer picked a method: the payment starts (UN_PAID → PROCESSING)."""
    box = sandbox()
    box.book.apply(order, "process", source="payer", merchant=box.merchants.get("kwikpaisa", order.merchant),
                   fields={"channel": method})
