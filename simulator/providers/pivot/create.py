"""Pivot's create call, `POST /v2/payments` (create sheet §1–§6): a payment session.

Flow: Bearer token → `X-REQUEST-ID` (required, 16–36 of `[A-Za-z0-9_-]`) → idempotency on it
(24 h, per merchant; the same key and body → the first answer again; another body → 409
`idempotency_error`, the docs' answer) → `create_request.check` (the backend's validations,
its sandbox error-simulation amounts) → the session → the session object.

The session's status: REQUIRE_PAYMENT_METHOD without a method (the payer picks one on the
hosted page), REQUIRE_CONFIRMATION with a method and `autoConfirm: false`, REQUIRE_ACTION
with `autoConfirm: true` (its charge WAITING_FOR_USER_ACTION, the VA number / QR in
`chargeDetails[0]`), ACTIVE for a MULTIPLE (static) session. A `clientReferenceId` of this
merchant's still-alive session is 422 `client reference id already exist`; once all its
sessions are EXPIRED or CANCELLED it is free again (`free_order_id`).
"""

from __future__ import annotations

import re


from ... import creation, idempotency
from ...merchants import Merchant
from ...payer import remember_finish
from ...wire import BodyError, Stop, annotate, call, json_response, raw_body, read_json, sandbox
from . import auth, create_request, render, rules
from .pages import method_details
from .views import blueprint

REPLAY_CACHE = "pivot-request-id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{16,36}")
DUPLICATE_REFERENCE = "client reference id already exist"


@blueprint.post("/v2/payments")
def create_session():
    annotate(endpoint="create")
    merchant = auth.authenticate(call().headers.get("Authorization"))
    if merchant is None:
        raise Stop(render.credentials_invalid())
    key = call().headers.get("X-REQUEST-ID", "").strip()
    if not key:
        annotate(idempotency="X-REQUEST-ID is missing: the idempotency middleware answers 401")
        raise Stop(render.error(401, "credentials_invalid", "X-REQUEST-ID header is required"))
    if not _REQUEST_ID.fullmatch(key):
        raise Stop(render.validation_error("X-REQUEST-ID must be 16-36 letters, digits, '-' or '_'"))
    cache = sandbox().replay_cache(REPLAY_CACHE, rules.IDEMPOTENCY_TTL)
    outcome = idempotency.once(cache, f"{merchant.id}\n{key}", idempotency.fingerprint(raw_body()),
                               lambda: _create(merchant))
    if isinstance(outcome, (idempotency.Clash, idempotency.InFlight)):
        annotate(idempotency="X-REQUEST-ID reused with a different body, or the first is still running")
        raise Stop(render.error(409, "idempotency_error", "The same Idempotency-key was provided with a "
                                                          "different payload"))
    if isinstance(outcome, idempotency.Replayed):
        annotate(idempotency="X-REQUEST-ID seen before with this body: the first answer again")
    return json_response(outcome.body, outcome.status)


def _create(merchant: Merchant) -> tuple[dict, int]:
    box = sandbox()
    try:
        checked = create_request.check(read_json(required=True), box.clock.now())
    except BodyError as exc:
        annotate(payload=str(exc))
        return _error(400, "api_validation_error", render.INVALID_PAYLOAD)
    except create_request.SimulatedError as exc:
        annotate(simulation=f"amount answers HTTP {exc.http} (the backend's error-simulation table)")
        return _error(exc.http, render.CODE_BY_HTTP.get(exc.http, "internal_error"), str(exc))
    except create_request.Invalid as exc:
        annotate(payload=exc.detail)
        return _error(exc.http, "api_validation_error", exc.detail)
    annotate(order_id=checked.reference)
    session_id = box.rand.uuid4()
    extra = {"mode": checked.mode, "payment_type": checked.payment_type, "auto_confirm": checked.auto_confirm,
             "redirect_url": checked.redirect_url, "statement_descriptor": checked.statement_descriptor,
             "charge_id": box.rand.uuid4(), "metadata": checked.metadata}
    if checked.customer is not None:
        extra["customer"] = checked.customer
    if checked.method_type:
        extra["payment_method"] = method_details(checked.method_type, checked.channel, session_id,
                                                 checked.method_options, merchant, checked.amount)
    order_id = free_order_id(merchant.id, checked.reference)
    if order_id is None:
        annotate(refusal=f"merchant {merchant.id} has a session with clientReferenceId "
                         f"{checked.reference!r} that is not EXPIRED or CANCELLED")
        return _error(422, "api_validation_error", DUPLICATE_REFERENCE)
    try:
        order = creation.create("pivot", {
            "merchant": merchant.id, "order_id": order_id, "transaction_id": session_id,
            "amount": checked.amount, "currency": checked.currency, "channel": checked.method_type,
            "bank": checked.channel, "status": initial_status(checked), "expires_at": checked.expiry_at,
            "extra": extra})
    except creation.DuplicateOrder:       # another request took the same id meanwhile
        return _error(422, "api_validation_error", DUPLICATE_REFERENCE)
    if checked.redirect_url:
        remember_finish(order, next(iter(checked.redirect_url.values()), None))
    return {"code": "00", "message": "Success", "data": render.session(order)}, 200


def _error(http: int, code: str, detail: str) -> tuple[dict, int]:
    return render.error_body(code, detail), http


def free_order_id(merchant_id: str, reference: str) -> str | None:
    """The order id a new session with `reference` is stored under: the reference itself, or
    `<reference>~<n>` after n-1 earlier sessions, all EXPIRED or CANCELLED (expiry applied as
    they are read); None while one of them is still alive."""
    book = sandbox().book
    n, order_id = 1, reference
    while (earlier := book.get("pivot", merchant_id, order_id)) is not None:
        if earlier.status not in rules.REUSABLE_AFTER:
            return None
        n += 1
        order_id = f"{reference}{rules.REUSE_MARK}{n}"
    return order_id


def initial_status(checked: create_request.CreateRequest) -> str:
    if checked.method_type is None:
        return rules.REQUIRE_PAYMENT_METHOD
    if checked.payment_type == "MULTIPLE":
        return rules.ACTIVE
    return rules.REQUIRE_ACTION if checked.auto_confirm else rules.REQUIRE_CONFIRMATION
