"""Midtrans' create calls: Core `POST /v2/charge`, card tokens `GET /v2/token`, and Snap
`POST /snap/v1/transactions` (create sheet §1–§8).

Flow of a charge: Basic auth → the body must parse (`null` is the documented 500) →
`Idempotency-Key` → check every field (400 with `validation_messages`) → place the order
(`charge.place`: 406 under HTTP 200 for a taken order id, 411 for a bad card token, 402
under HTTP 200 for a payment type the simulator does not create) → the §5 answer.

A Snap call makes no order: it keeps a checkout session (a run-state record under its
token) and answers 201 `{token, redirect_url}`; the order appears when the payer picks a
method on the page (`pages.py`). Choice (simulator's choice): an order id is "already
taken" for Snap once a Core transaction exists for it. Posting an order id again while
nobody has chosen a method makes another token: the sheet's observers saw 400 there, but
the official Python client's own tests post the same order id twice and expect two tokens.
"""

from __future__ import annotations

from datetime import timedelta


from ... import creation
from ...payer import remember_finish
from ...wire import BodyError, Stop, annotate, call, json_response, own_url, read_json, sandbox
from . import charge, charge_request, render
from .auth import authenticate, authenticate_client_key
from .idempotency_key import honour
from .methods import luhn_ok
from .views import blueprint

SNAP_SESSIONS = "midtrans-snap"         # run-state records: Snap token → its checkout session
SNAP_PAGE_EXPIRY = timedelta(hours=24)  # `page_expiry` when the request gives none (§6)


@blueprint.post("/v2/charge")
def charge_transaction():
    annotate(endpoint="charge")
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        raise Stop(render.unauthorized())
    try:
        body = read_json()
    except BodyError as exc:
        annotate(body=str(exc))
        raise Stop(json_response(render.error_body(413, render.SYNTAX_MESSAGE), 400)) from None
    if body is None:
        annotate(body="the body is empty or null: Midtrans answers 500 (the official client's "
                      "own test expects it)")
        raise Stop(json_response(render.error_body(500, render.UNEXPECTED_MESSAGE), 500))
    if isinstance(body, dict):
        details = body.get("transaction_details")
        if isinstance(details, dict) and isinstance(details.get("order_id"), str):
            annotate(order_id=details["order_id"][:60])
    return honour(merchant, lambda: _charge(body, merchant),
                  remember=lambda answer, status: status == 200 and int(answer["status_code"]) < 300,
                  supported=not _is_permata(body))


def _charge(body, merchant) -> tuple[dict, int]:
    try:
        checked = charge_request.core(body)
    except charge_request.ChannelNotActivated as exc:
        annotate(refusal=f"payment_type {exc} is not simulated: 402 not activated")
        return {"status_code": "402", "status_message": render.NOT_ACTIVATED_MESSAGE,
                "id": sandbox().rand.uuid4()}, 200
    except charge_request.Invalid as exc:
        annotate(validation=exc.messages)
        return render.invalid(exc.messages), 400
    try:
        order = charge.place(checked, merchant)
    except creation.DuplicateOrder:
        annotate(refusal=f"order_id {checked.order_id!r} is already taken")
        return render.error_body(406, render.DUPLICATE_MESSAGE), 200
    except charge.CardTokenRefused as exc:
        annotate(refusal=str(exc))
        return render.error_body(411, render.TOKEN_MESSAGE), 200
    if checked.method.payment_type == "gopay" and checked.options.get("enable_callback"):
        remember_finish(order, checked.options.get("callback_url"))
    return charge.answer(order), 200


def _is_permata(body) -> bool:
    if not isinstance(body, dict):
        return False
    transfer = body.get("bank_transfer")
    return body.get("payment_type") == "permata" or (
        isinstance(transfer, dict) and transfer.get("bank") == "permata")


# -- card tokens -------------------------------------------------------------------------------

@blueprint.get("/v2/token")
def card_token():
    """GET /v2/token?card_number&card_exp_month&card_exp_year&card_cvv&client_key."""
    annotate(endpoint="card_token")
    args = call().args
    merchant = authenticate_client_key(args.get("client_key"))
    if merchant is None:
        raise Stop(render.unauthorized())
    number = (args.get("card_number") or "").replace(" ", "").replace("-", "")
    month, year, cvv = args.get("card_exp_month") or "", args.get("card_exp_year") or "", args.get("card_cvv") or ""
    problems = []
    if not number:
        problems.append("card_number is required")
    elif not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
        problems.append("card_number must be 12 to 19 digits")
    elif not luhn_ok(number):
        problems.append("card_number does not match with Luhn algorithm")
    if not (month.isascii() and month.isdigit() and 1 <= int(month) <= 12):
        problems.append("card_exp_month must be between 01 and 12")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        problems.append("card_exp_year must be 4 digits")
    elif not problems and (int(year), int(month)) < _year_month():
        problems.append("card_exp_year and card_exp_month are in the past")
    if not (cvv.isascii() and cvv.isdigit() and 3 <= len(cvv) <= 4):
        problems.append("card_cvv must be 3 or 4 digits")
    if problems:
        annotate(validation=problems)
        return json_response(render.invalid(problems), 400)
    token_id = charge.issue_token(merchant, number, month.zfill(2), year)
    return json_response({"status_code": "200", "status_message": "Credit card token is created as Token ID.",
                          "token_id": token_id, "hash": token_id[:13]})


def _year_month() -> tuple[int, int]:
    now = sandbox().clock.now()
    return now.year, now.month


# -- Snap ----------------------------------------------------------------------------------------

@blueprint.post("/snap/v1/transactions")
def snap_transaction():
    annotate(endpoint="snap")
    merchant = authenticate(call().headers.get("Authorization"))
    if merchant is None:
        raise Stop(render.snap_error(render.SNAP_UNAUTHORIZED, 401))
    try:
        body = read_json()
    except BodyError as exc:
        annotate(body=str(exc))
        raise Stop(render.snap_error([render.SNAP_BAD_JSON])) from None
    return honour(merchant, lambda: _snap(body, merchant), remember=lambda _, status: status == 201)


def _snap(body, merchant) -> tuple[dict, int]:
    try:
        checked = charge_request.snap(body, SNAP_PAGE_EXPIRY)
    except charge_request.Invalid as exc:
        annotate(validation=exc.messages)
        return {"error_messages": exc.messages}, 400
    details = checked.charge
    annotate(order_id=details.order_id)
    box = sandbox()
    if box.book.get("midtrans", merchant.id, details.order_id) is not None:
        annotate(refusal=f"order_id {details.order_id!r} already has a transaction")
        return {"error_messages": [render.SNAP_TAKEN]}, 400
    token = box.rand.uuid4()
    now = box.clock.now()
    box.run.record_add(SNAP_SESSIONS, token, {
        "merchant": merchant.id, "order_id": details.order_id, "amount": str(details.amount),
        "items": details.items, "customer": details.customer, "passthrough": details.passthrough,
        "methods": checked.methods, "options": checked.options, "finish_url": checked.finish_url,
        "created_at": now.isoformat(), "page_expires_at": (now + checked.page_expiry).isoformat(),
        "payment_expiry": checked.payment_expiry.total_seconds() if checked.payment_expiry else None,
        "payment_start": checked.payment_start.isoformat() if checked.payment_start else None,
    })
    return {"token": token, "redirect_url": own_url("snap_page", token=token)}, 201
