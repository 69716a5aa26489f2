"""KwikPaisa's create call, `POST /api/v3/pg/order/create` (create sheet §1–§6), and its
hosted checkout page, behind the answer's payment link.

Flow: headers, API key, timestamp and signature (the same `auth` as cancel and status) →
`create_request.check` → the order (UN_PAID, `kwikX_order_id` `kp_<uuid>`, expiring after
30 minutes) → the §4 answer. A taken order_id is 409 `Duplicate order_id.`: KwikPaisa has
no idempotency key, so an identical retry is refused too (sheet §6).

The page (`/payment?payload=<64 hex>`, the v2 link's shape on this simulator) offers one
button per payment method; choosing one starts the payment (UN_PAID → PROCESSING, the
`payment.processing` webhook); then Pay, Fail or Let it expire. UPI shows a `upi://pay` QR.
"Back to the merchant" is `return_url` with `order_id` and `status` appended.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

from ... import creation, payer
from ...orders import Order
from ...wire import Stop, annotate, own_url, raw_body, sandbox
from . import auth, create_request, features, payload, render
from .rules import DEFAULT_EXPIRY, PAYMENT_METHODS
from .seed import prepare_order
from .views import blueprint

CHECKOUTS = "kwikpaisa-checkout"      # run-state records: payload → the order (payer.link)
LINK_FIELD_FEATURE = "payment_link_field"   # merchant feature: the link's field name
TITLE = "KwikPaisa"
LABELS = {"UPI": "UPI", "CARD": "Card", "NETBANKING": "Net banking", "WALLET": "Wallet"}
CREATED = "Order created successfully."
DUPLICATE = "Duplicate order_id."


@blueprint.post("/api/v3/pg/order/create")
def create_order():
    annotate(endpoint="create")
    try:
        caller = auth.identify(request.headers)
        body = payload.read()
        auth.verify(caller, raw_body(), body)
    except auth.AuthFailure as exc:
        raise Stop(render.error(401, str(exc))) from None
    try:
        if not body.parsed:
            raise create_request.Refused(400, f"{payload.INVALID} {body.problem}")
        checked = create_request.check(body.data)
    except create_request.Refused as exc:
        annotate(payload=str(exc))
        raise Stop(render.error(exc.status, str(exc))) from None
    merchant = caller.merchant
    annotate(order_id=str(checked.order_id))
    box = sandbox()
    drawn = prepare_order({}, box.rand)
    try:
        order = creation.create("kwikpaisa", {
            "merchant": merchant.id, "order_id": str(checked.order_id),
            "transaction_id": drawn["transaction_id"], "amount": checked.amount, "currency": "INR",
            "channel": None, "status": "UN_PAID", "expires_at": box.clock.now() + DEFAULT_EXPIRY,
            "extra": {**drawn["extra"], "customer": checked.customer, "service_type": checked.service_type,
                      "order_note": checked.note}})
    except creation.DuplicateOrder:
        annotate(refusal=f"merchant {merchant.id} already has order_id {checked.order_id!r}")
        raise Stop(render.error(409, DUPLICATE)) from None
    token = box.rand.hex(64)
    payer.link(CHECKOUTS, token, order)
    payer.remember_finish(order, checked.return_url)
    link_field = merchant.feature(LINK_FIELD_FEATURE, "payment_link")
    return render.success(CREATED, {
        "kwikX_order_id": order.transaction_id, "order_id": checked.order_id,
        "order_amount": f"{order.amount:.2f}", "currency": order.currency, "order_status": order.status,
        "order_token": f"toc_{token}", link_field: own_url("checkout_page", payload=token),
        "created_at": render.wire_time(order.created_at, features.time_zone(merchant))})


# -- the hosted checkout page --------------------------------------------------------------------

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
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'order_id': order.order_id, 'status': order.status})}"


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
