"""Finpay's create call, `POST /pg/payment/card/initiate` (create sheet §1–§6): one endpoint
for every method, chosen by `sourceOfFunds.type` (none: Finpay's hosted page lets the payer
choose).

Flow: Basic auth → the body must parse (`4000000 Bad Request`) → `initiate_request.check`
(the first problem) → the order, REQUEST_INITIATED, expiring `order.timeout` minutes (default
1440) from now, its callbacks sent to `url.callbackUrl` → the §4 answer. A taken order id is
409 `4090000 Duplicate Order ID` whatever the first order's status (simulator's choice).

URLs handed out point at this simulator's payer pages (`pages.py`): the card/hosted page
`/pg/payment/card/access/<64 hex>`, the VA / payment-code instruction page
`/widgetpg/pending/<n>`, and for QRIS `imageurl` (a PNG of the QR) with the payload itself
in `qrString` (a simulator extension: Finpay's own field is not documented).
"""

from __future__ import annotations

from datetime import timedelta


from ... import creation
from ... import payer
from ...payer import remember_finish
from ...webhooks import NOTIFICATION_URL_OVERRIDE
from ...wire import BodyError, Stop, annotate, call, json_response, own_url, read_json, sandbox
from . import initiate_request, render
from .auth import authenticate
from .pages import PAGES, qr
from .rules import channel_class
from .seed import REFERENCE_DIGITS, channel_numbers
from .views import blueprint

DUPLICATE = render.Answer("4090000", "Duplicate Order ID")


@blueprint.post("/pg/payment/card/initiate")
def initiate():
    annotate(endpoint="initiate")
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        raise Stop(render.reply(render.UNAUTHORIZED))
    try:
        checked = initiate_request.check(read_json(required=True))
    except BodyError as exc:
        raise Stop(render.reply(render.BAD_REQUEST, str(exc))) from None
    except initiate_request.Invalid as exc:
        annotate(body=exc.detail)
        raise Stop(render.reply(exc.answer, exc.detail)) from None
    annotate(order_id=checked.order_id)
    box = sandbox()
    drawn = channel_numbers(checked.source_of_funds, box.rand)     # VA number, payment code, card
    extra = {**drawn["extra"], "customer": checked.customer, "return_urls": checked.return_urls,
             NOTIFICATION_URL_OVERRIDE: checked.callback_url}
    if checked.description:
        extra["description"] = checked.description
    try:
        order = creation.create("finpay", {
            "merchant": merchant.id, "order_id": checked.order_id, "transaction_id": box.rand.digits(REFERENCE_DIGITS),
            "amount": checked.amount, "currency": checked.currency, "channel": checked.source_of_funds,
            "bank": drawn["bank"], "status": "REQUEST_INITIATED",
            "expires_at": box.clock.now() + timedelta(minutes=checked.timeout_minutes), "extra": extra})
    except creation.DuplicateOrder:
        annotate(refusal=f"merchant {merchant.id} already has order {checked.order_id!r}")
        raise Stop(render.reply(DUPLICATE)) from None
    remember_finish(order, next(iter(checked.return_urls.values()), None))
    return json_response(answer(order))


def answer(order) -> dict:
    """§4: redirecturl (and paymentCode, imageurl, appurl by method), expiryLink in WIB."""
    box = sandbox()
    kind = channel_class(order.channel)
    body = {"responseCode": render.SUCCESS.code, "responseMessage": render.SUCCESS.message}
    if kind in ("va", "retail"):
        key = box.rand.digits(6)
        body["redirecturl"] = own_url("pending_page", number=key)
    else:
        key = box.rand.hex(64)
        body["redirecturl"] = own_url("card_page", token=key)
    payer.link(PAGES, key, order)
    body["expiryLink"] = render.jakarta_time(order.expires_at)
    if kind in ("va", "retail"):
        body["paymentCode"] = order.extra["payment_code"]
    if kind == "qris":
        body["imageurl"] = own_url("qr_image", token=key)
        body["qrString"] = qr(order)
    if kind == "ewallet":
        body["appurl"] = body["redirecturl"]
    body["processingTime"] = render.processing_time()
    body["traceId"] = box.rand.uuid4()
    return body
