"""Midtrans Core API v2 and Snap — charge, Snap, card tokens, cancel, expire and status,
the reference provider.

Spec: docs/fact-sheets/midtrans.md and docs/fact-sheets/create/midtrans.md. Modules:
views (cancel, expire, status), create_views (charge, token, Snap), charge_request (field
rules), methods (the payment-method table), charge (making the order), pages (payer pages),
render, notify, rules, auth, idempotency_key, seed, openapi.

Choices for the create calls (create sheet §10 and its gaps):

- A successful charge answers HTTP 200 with the body's 201/200/202; "Payment channel is not
  activated." (402) for cstore, akulaku, kredivo, shopeepay… also under HTTP 200.
- GoPay and QRIS stay open 15 minutes, a 3-D Secure card 10, VAs and Mandiri bill 24 hours.
- QRIS answers carry both `expiry_time` and `expire_time`; `qr_string` is an EMVCo payload
  with a valid CRC. GoPay's `deeplink-redirect` is the simulator's GoPay app page.
- VA numbers: the bank's prefix + the merchant's number (cut or zero-padded) or random
  digits; a number held by another pending order is not reused.
- Order ids may also hold space and `:` (the official Python client's tests charge
  `py-midtransclient-test-<date> <time>`). An order id stays taken after cancel, deny and
  expire (406); the docs free an expired id for reuse, which is not simulated.
- A `null` body on /v2/charge is the documented HTTP 500 "…unexpected…" (the official
  client's own test expects it); malformed JSON is HTTP 400 with body code 413.
- Validation texts: Core says `transaction_details.gross_amount must be greater than or
  equal to 1`, Snap `… 0.01`; other texts name the field Midtrans' way ("… is required",
  "… must be an integer").
- Card tokens live 10 minutes, are single use and per merchant; test cards 4811 1111 1111
  1114 (accept), 4911 1111 1111 1113 (bank deny, 202), 4411 1111 1111 1118 (fraud
  challenge); any other Luhn-valid number is accepted. A card chosen on a Snap page is the
  accept card and waits for 3-D Secure.
- Snap: an order id is taken once a Core transaction exists; posting it again before the
  payer chose a method gives another token (the official Python tests do this). Snap pages
  live `page_expiry` (24 h default) and send nothing when they expire.
- `X-Override-Notification` / `X-Append-Notification` are accepted and ignored: the
  scenario merchant's notification URL is used.

Choices for cancel, expire and status:

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
    endpoints=("charge", "card_token", "snap", "status", "cancel", "expire", "payer"),
    optional_credentials=("client_key",),
    features={},
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
