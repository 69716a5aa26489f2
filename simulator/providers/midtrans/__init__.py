"""Midtrans Core API v2 — cancel, expire and status, the reference provider.

Spec: ../shared/providers/midtrans.md. Choices where the fact sheet says "simulator's choice":

- Missing, malformed or non-Basic `Authorization`: the wrong-key answer, HTTP 401,
  `Transaction cannot be authorized with the current client/server key.` Production-looking
  keys (`Mid-server-…`) are just unknown keys → 401.
- Body-404 on cancel (unknown id): HTTP 200, like the status endpoint.
- Cancel of expire, deny, failure, refund*, chargeback*, settlement, cancel: 412
  `Transaction status cannot be updated.` (the live wording) under HTTP 200.
- A card in `pending` (3DS not completed) can be cancelled.
- `authorize` cancels follow the acquiring bank: BCA, BRI, Maybank, Mandiri yes; BNI only
  after capture (412 while in `authorize`); any other bank yes.
- Status endpoint codes: pending 201; expire 407 `Success, transaction is expired`; deny and
  failure 202; everything else (cancelled non-card included) 200.
- Cancel success mirrors the status body (method fields included, no `signature_key`),
  with `status_code` 200 `Success, transaction is canceled`.
- Each error body carries an `id` (a fresh UUID drawn from the scenario seed).
- A request body on cancel/expire is ignored, but malformed JSON gets HTTP 400.
- An id with characters an order_id cannot have (`/`, space, …) is simply "doesn't exist".
- `Idempotency-Key` (≤ 46 chars; longer keys ignored): per merchant, across endpoints,
  5 minutes on the simulator clock; only successful answers are replayed; a retry while
  the first call is in flight gets HTTP 202.
- Unknown paths under `/v2/` and `/midtrans/`: HTTP 404 with a Midtrans-shaped body;
  wrong method: 405; body over the limit: 413.
- Multi-use VA (cancellable in any status) is not simulated.
- Notifications (notify.py): every status change, cancel and expire with `status_code`
  "202"; rejected cancels send none; 3xx replies are not followed.
"""

from datetime import timedelta

from ..base import Provider
from . import create_views, notify, openapi, pages, render, rules  # noqa: F401 (routes)
from .seed import prepare_order
from .views import blueprint

PROVIDER = Provider(
    name="midtrans",
    title="Midtrans Core API v2",
    lifecycle=rules.LIFECYCLE,
    initial_status="pending",
    blueprint=blueprint,
    path_prefixes=("/v2/", "/snap/", "/gopay/"),
    error_response=render.http_error,
    credential_keys=("server_key",),
    secret_credentials=("server_key",),
    channels=rules.PAYMENT_TYPES,
    default_currency="IDR",
    default_expires_in=rules.DEFAULT_EXPIRY,
    order_fields=("fraud_status", "card_channel"),
    prepare_order=prepare_order,
    notifier=notify.NOTIFIER,
    notify_on_create=True,
    payer=pages.PAYER,
    openapi=openapi.document,
)
