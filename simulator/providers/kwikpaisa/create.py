"""KwikPaisa's create call, `POST /api/v3/pg/order/create` (create sheet §1–§6); its hosted
checkout page, behind the answer's payment link, is `pages.py`.

Flow: headers, API key, timestamp and signature (the same `auth` as cancel and status) →
`create_request.check` → the order (UN_PAID, `kwikX_order_id` `kp_<uuid>`, expiring after
30 minutes) → the §4 answer. A taken order_id is 409 `Duplicate order_id.`: KwikPaisa has
no idempotency key, so an identical retry is refused too (sheet §6).
"""

from __future__ import annotations


from ... import creation, payer
from ...wire import Stop, annotate, call, own_url, raw_body, sandbox
from . import auth, create_request, features, payload, render
from .pages import CHECKOUTS
from .rules import DEFAULT_EXPIRY
from .seed import prepare_order
from .views import blueprint

LINK_FIELD_FEATURE = "payment_link_field"   # merchant feature: the link's field name
CREATED = "Order created successfully."
DUPLICATE = "Duplicate order_id."


@blueprint.post("/api/v3/pg/order/create")
def create_order():
    annotate(endpoint="create")
    try:
        caller = auth.identify(call().headers)
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
