"""Midtrans' payer pages, behind the URLs its create answers hand out (create sheet §1, §6, §9):

- the Snap page, `GET /snap/v4/redirection/<token>` (v2 `vtweb` and v3 paths too): one button
  per method the Snap call enabled; choosing one makes the Core transaction exactly as
  `/v2/charge` would (same order id, the method's pending answer, the pending
  notification), then the page shows what the payer needs and Pay / Fail / Let it expire;
- the 3-D Secure page of a card charge (`redirect_url`): Pay completes authentication
  (`capture`), Fail is the bank's `deny`;
- `GET /v2/gopay|qris/<transaction_id>/qr-code`: the QR code as a PNG for an `<img>` or an
  HTTP client, the payer page for a browser that opens it;
- the GoPay app's payment page (`deeplink-redirect`): Pay, Fail, Let it expire.

After the payer acts, "Back to the merchant" goes to Snap's `callbacks.finish` (or GoPay's
`callback_url`) with `order_id`, `status_code` and `transaction_status` appended, as Snap
does. An expired Snap page offers nothing and sends no notification (§6).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask import Response, request

from ... import creation, payer
from ...payer import qris
from ...orders import Order
from ...wire import Stop, sandbox
from . import charge, notify
from .charge_request import ChargeRequest
from .create_views import SNAP_SESSIONS
from .methods import METHODS, PAY_OR_EXPIRE, method_for
from .views import blueprint

TITLE = "Midtrans"
NO_METHOD_YET = "waiting for a payment method"


def facts(order: Order) -> list[tuple[str, str]]:
    extra = order.extra
    method = method_for(order.channel, order.bank)
    shown = [("Payment method", method.label if method else str(order.channel))]
    if extra.get("permata_va_number"):
        shown.append(("Virtual account number", extra["permata_va_number"]))
    for va in extra.get("va_numbers") or ():
        shown.append((f"{str(va.get('bank', '')).upper()} virtual account number", va.get("va_number", "")))
    if extra.get("bill_key"):
        shown += [("Biller code", extra.get("biller_code", "")), ("Bill key", extra["bill_key"])]
    if order.channel in ("gopay", "qris"):
        shown.append(("QR string", qr(order)))
    if order.channel == "credit_card":
        shown += [("Card", extra.get("masked_card", "")), ("3-D Secure OTP", "112233")]
    return shown


def buttons(order: Order) -> dict[str, str]:
    method = method_for(order.channel, order.bank)
    return dict(method.buttons if method else PAY_OR_EXPIRE)


def qr(order: Order) -> str | None:
    if order.channel not in ("gopay", "qris"):
        return None
    merchant = sandbox().merchants.get("midtrans", order.merchant)
    return order.extra.get("qr_string") or qris.payload(
        (merchant.name if merchant else None) or order.merchant, order.amount, order.transaction_id)


def finish(order: Order, url: str) -> str:
    return payer.with_query(url, {"order_id": order.order_id, "status_code": notify.STATUS_CODE[order.status],
                                  "transaction_status": order.status})


PAYER = payer.PayerSpec(facts=facts, buttons=buttons, qr=qr, finish=finish)


# -- Snap --------------------------------------------------------------------------------------

@blueprint.route("/snap/v4/redirection/<token>", methods=["GET", "POST"])
@blueprint.route("/snap/v3/redirection/<token>", methods=["GET", "POST"], endpoint="snap_page_v3")
@blueprint.route("/snap/v2/vtweb/<token>", methods=["GET", "POST"], endpoint="snap_page_v2")
@payer.page
def snap_page(token: str) -> Response:
    box = sandbox()
    session = box.run.record(SNAP_SESSIONS, token)
    if session is None:
        raise Stop(payer.not_found(TITLE))
    order = box.book.get("midtrans", session["merchant"], session["order_id"])
    if order is not None:
        return payer.serve_order(order)
    page_expires_at = datetime.fromisoformat(session["page_expires_at"])
    if request.method == "POST":
        act = payer.posted()
        if act.choose in session["methods"] and box.clock.now() < page_expires_at:
            _choose(session, act.choose)
        return payer.back()
    return payer.render(payer.PayerPage(
        provider_title=TITLE, order_id=session["order_id"], amount=f"{Decimal(session['amount']):,}",
        currency="IDR", status=NO_METHOD_YET, expires_at=page_expires_at,
        methods=[payer.Method(name, METHODS[name].label) for name in session["methods"]],
        notice=None if session["methods"] else "No payment method is enabled for this transaction."))


def _choose(session: dict, method_id: str) -> None:
    """The payer picked a method: the Core transaction, as /v2/charge would make it."""
    box = sandbox()
    merchant = box.merchants.get("midtrans", session["merchant"])
    method = METHODS[method_id]
    options = dict(session["options"].get(method_id) or {})
    if method.payment_type == "qris":
        options.setdefault("acquirer", "gopay")
    expiry = session.get("payment_expiry")
    start = session.get("payment_start") or session["created_at"]
    request_ = ChargeRequest(
        order_id=session["order_id"], amount=Decimal(session["amount"]), items=session["items"],
        customer=session["customer"], passthrough=session["passthrough"], method=method,
        options=options, expiry=timedelta(seconds=expiry) if expiry else None,
        order_time=datetime.fromisoformat(start) if expiry else None)
    try:
        order = charge.place(request_, merchant, source="payer", snap_card=method.payment_type == "credit_card")
    except creation.DuplicateOrder:
        return           # made meanwhile (another tab, a Core charge): the page shows that one
    payer.remember_finish(order, session.get("finish_url"))


# -- pages of a Core transaction ------------------------------------------------------------------

def _order(transaction_id: str, channels: tuple[str, ...]) -> Order:
    order = sandbox().book.find("midtrans", transaction_id)
    if order is None or order.channel not in channels:
        raise Stop(payer.not_found(TITLE))
    return order


@blueprint.route("/v2/token/rba/redirect/<transaction_id>", methods=["GET", "POST"])
@payer.page
def three_ds_page(transaction_id: str) -> Response:
    return payer.serve_order(_order(transaction_id, ("credit_card",)))


@blueprint.route("/v2/<any(gopay, qris):kind>/<transaction_id>/qr-code", methods=["GET", "POST"])
@payer.page
def qr_code(kind: str, transaction_id: str) -> Response:
    order = _order(transaction_id, ("gopay", "qris"))
    if request.method == "POST" or payer.wants_page():
        return payer.serve_order(order)
    return Response(payer.qr_png(qr(order)), mimetype="image/png")


@blueprint.route("/gopay/partner/app/payment-pin", methods=["GET", "POST"])
@payer.page
def gopay_app() -> Response:
    return payer.serve_order(_order(request.args.get("id", ""), ("gopay",)))
