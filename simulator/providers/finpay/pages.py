"""Finpay's payer pages, behind the URLs `POST /pg/payment/card/initiate` hands out (create
sheet §1, §4, §7), and what the payer sees of a Finpay order on any payer page:

- `/pg/payment/card/access/<64 hex>`: the hosted page (no source of funds yet: one button
  per method, named after it; choosing one opens that method's session, REQUEST_INITIATED →
  PENDING, with its VA number or payment code drawn then) and the card page;
- `/widgetpg/pending/<n>`: the VA / payment-code instructions;
- `/pg/payment/card/qr/<64 hex>.png`: the QRIS code as an image (`imageurl`).

Pay is `pay` (→ PAID) or, for a card, `card_payment` (→ CAPTURED, what Finpay reports for
cards); Fail is `fail` (→ FAILURE); Let it expire is `expire`. Each sends Finpay's signed
callback to the create call's `url.callbackUrl`. "Back to the merchant" is `successUrl` once
paid, `failUrl` once failed or expired, else `backUrl` (whichever the call gave).
"""

from __future__ import annotations

from flask import Response

from ... import payer
from ...orders import Order
from ...payer import qris
from ...wire import sandbox
from .rules import channel_class
from .seed import channel_numbers
from .views import blueprint

PAGES = "finpay-page"          # run-state records: page key → {merchant, order_id}
TITLE = "Finpay"
LABELS = {"vabca": "BCA virtual account", "vamandiri": "Mandiri virtual account",
          "vabni": "BNI virtual account", "vabri": "BRI virtual account",
          "vapermata": "Permata virtual account", "vacimb": "CIMB Niaga virtual account",
          "qris": "QRIS", "ovo": "OVO", "dana": "DANA", "shopeepay": "ShopeePay", "linkaja": "LinkAja",
          "alfamart": "Alfamart", "idm": "Indomaret", "pospay": "Pos Indonesia", "finpaycode": "Finpay Code",
          "cc": "Credit card"}
PAID, FAILED = ("PAID", "CAPTURED"), ("FAILURE", "FAILED", "EXPIRED", "CANCELLED")
BUTTONS = {
    "va": {payer.PAY: "pay", payer.EXPIRE: "expire"},
    "retail": {payer.PAY: "pay", payer.EXPIRE: "expire"},
    "card": {payer.PAY: "card_payment", payer.FAIL: "fail", payer.EXPIRE: "expire"},
    "qris": {payer.PAY: "pay", payer.FAIL: "fail", payer.EXPIRE: "expire"},
    "ewallet": {payer.PAY: "pay", payer.FAIL: "fail", payer.EXPIRE: "expire"},
}


def facts(order: Order) -> list[tuple[str, str]]:
    shown = [("Payment method", LABELS.get(order.channel or "", "not chosen yet"))]
    if order.extra.get("payment_code"):
        shown.append(("Virtual account number" if channel_class(order.channel) == "va" else "Payment code",
                      order.extra["payment_code"]))
    if order.channel == "qris":
        shown.append(("QR string", qr(order)))
    if order.channel == "cc":
        shown += [("Card", (order.extra.get("card") or {}).get("mask", "")), ("3-D Secure OTP", "112233")]
    return shown


def buttons(order: Order) -> dict[str, str]:
    return dict(BUTTONS.get(channel_class(order.channel), {}))


def qr(order: Order) -> str | None:
    if order.channel != "qris":
        return None
    merchant = sandbox().merchants.get("finpay", order.merchant)
    return qris.payload((merchant.name if merchant else None) or order.merchant, order.amount,
                        order.transaction_id)


def finish(order: Order, url: str) -> str:
    urls = order.extra.get("return_urls") or {}
    if order.status in PAID:
        return urls.get("successUrl") or urls.get("backUrl") or url
    if order.status in FAILED:
        return urls.get("failUrl") or urls.get("backUrl") or url
    return urls.get("backUrl") or url


PAYER = payer.PayerSpec(facts=facts, buttons=buttons, qr=qr, finish=finish)


def _order_of(key: str) -> Order:
    return payer.linked_order(PAGES, key, "finpay", TITLE)


@blueprint.route("/pg/payment/card/access/<token>", methods=["GET", "POST"])
@payer.page
def card_page(token: str) -> Response:
    order = _order_of(token)
    if order.channel is not None or order.status != "REQUEST_INITIATED":
        return payer.serve_order(order)
    return payer.choosing(order, [payer.Method(kind, label) for kind, label in LABELS.items()], _choose)


@blueprint.route("/widgetpg/pending/<number>", methods=["GET", "POST"])
@payer.page
def pending_page(number: str) -> Response:
    return payer.serve_order(_order_of(number))


@blueprint.get("/pg/payment/card/qr/<token>.png")
@payer.page
def qr_image(token: str) -> Response:
    return payer.qr_image(qr(_order_of(token)), TITLE)


def _choose(order: Order, kind: str) -> None:
    """The payer picked a method on the hosted page: its session opens (→ PENDING), with its
    VA number, payment code or card drawn now."""
    box = sandbox()
    numbers = channel_numbers(kind, box.rand)
    box.book.apply(order, "start", source="payer", merchant=box.merchants.get("finpay", order.merchant),
                   extra=numbers["extra"], fields={"channel": kind, "bank": numbers["bank"]})
