"""DOKU Checkout's create call, `POST /checkout/v1/payment` (create sheet §1–§6).

Flow: headers and signature (`auth.py`, Request-Target `/checkout/v1/payment`) → Request-Id
idempotency (the same helper as cancel) → the body (`checkout_request.check`) → the order:
ORDER_GENERATED, no channel yet, its `original_request_id` (the order's transaction_id) = this
call's Request-Id, expiring `payment_due_date` minutes from now → the §4 answer, whose
`payment.url` is the checkout page on this simulator (`pages.py`).

The checkout session (token → order) is a run-state record, so every process serves the page.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response

from ... import creation
from ...orders import Order
from ...payer import link, remember_finish
from ...compact_json import compact
from ...webhooks import NOTIFICATION_URL_OVERRIDE
from ...wire import BodyError, annotate, own_url, read_json, sandbox
from . import checkout_request, render, signature
from .auth import Caller, authenticate
from .views import blueprint, once_per_request_id

CHECKOUTS = "doku-checkout"           # run-state records: token_id → the order (payer.link)
TARGET = "/checkout/v1/payment"
DUPLICATE_INVOICE = "DUPLICATE INVOICE NUMBER"


@blueprint.post(TARGET)
def create_checkout():
    annotate(endpoint="payment")
    caller = authenticate()
    if isinstance(caller, Response):
        return caller
    return once_per_request_id(caller, lambda: _create(caller))


def _create(caller: Caller) -> tuple[dict, int]:
    try:
        checked = checkout_request.check(read_json(required=True), caller.merchant)
    except BodyError as exc:
        return render.business_error(str(exc))
    except checkout_request.Refused as exc:
        annotate(body=exc.messages)
        return render.business_error(*exc.messages)
    annotate(order_id=checked.invoice_number)
    box = sandbox()
    now = box.clock.now()
    session_id = box.rand.hex(32)
    token_id = session_id + _token_stamp(now)
    extra = {"session_id": session_id, "token_id": token_id, "payment_type": checked.payment_type,
             "payment_method_types": list(checked.channels)}
    if checked.notification_url:
        extra[NOTIFICATION_URL_OVERRIDE] = checked.notification_url
    try:
        order = creation.create("doku", {
            "merchant": caller.merchant.id, "order_id": checked.invoice_number,
            "transaction_id": caller.request_id, "amount": checked.amount, "currency": checked.currency,
            "status": "ORDER_GENERATED", "expires_at": now + timedelta(minutes=checked.due_minutes),
            "extra": extra})
    except creation.DuplicateOrder:
        annotate(refusal=f"merchant {caller.merchant.id} already has invoice_number "
                         f"{checked.invoice_number!r} (simulator's choice: refused)")
        return render.business_error(DUPLICATE_INVOICE)
    link(CHECKOUTS, token_id, order)
    remember_finish(order, checked.callback_url)
    return answer(order, checked, caller), 200


def _token_stamp(moment) -> str:
    """The 17 digits DOKU appends to the session id: WIB yyyy + minute + dd + HHmmss + millis
    (the sheet's reading of real tokens, lower-case `mm` pattern included)."""
    wib = moment.astimezone(render.WIB)
    return f"{wib:%Y}{wib:%M}{wib:%d}{wib:%H%M%S}{wib.microsecond // 1000:03d}"


def answer(order: Order, checked: checkout_request.CheckoutRequest, caller: Caller) -> dict:
    """§4: amount as a string, expiry in WIB and in UTC, the page URL on this simulator."""
    now = sandbox().clock.now()
    echoed = {k: v for k, v in checked.order.items() if k in ("callback_url", "callback_url_cancel",
                                                            "callback_url_result", "language", "auto_redirect")}
    response = {
        "order": {"amount": str(int(order.amount)), "invoice_number": order.order_id,
                  "currency": order.currency, "session_id": order.extra["session_id"], **echoed},
        "payment": {"payment_method_types": list(checked.channels_asked or checked.channels),
                    "payment_due_date": checked.due_minutes, "token_id": order.extra["token_id"],
                    "url": own_url("checkout_page", token_id=order.extra["token_id"]),
                    "expired_date": render.wib_stamp(order.expires_at),
                    "expired_datetime": render.utc_stamp(order.expires_at),
                    "type": checked.payment_type},
    }
    if checked.customer is not None:
        response["customer"] = checked.customer
    response["additional_info"] = {**(checked.additional_info or {}), "origin": dict(render.ORIGIN)}
    date = render.utc_stamp(now)
    secret = caller.merchant.credentials["secret_key"]
    client_id = caller.merchant.credentials["client_id"]
    components = signature.Components(client_id, caller.request_id, date, TARGET,
                                      signature.digest(compact(response).encode()))
    response["headers"] = {"request_id": caller.request_id,
                           "signature": signature.sign(secret, components.string_to_sign()),
                           "date": date, "client_id": client_id}
    return {"message": ["SUCCESS"], "response": response}
