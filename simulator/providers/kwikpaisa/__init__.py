"""KwikPaisa Payment Gateway API v3 — order create, cancel and status.

Spec: docs/fact-sheets/kwikpaisa.md. Choices where the fact sheet says "simulator's choice":

Authentication (auth.py, explain.py, features.py)
- Check order: the three headers present and non-empty → X-API-KEY → X-TIMESTAMP →
  X-SIGNATURE; every failure is HTTP 401 in the error envelope. Messages: `Missing
  authentication headers: X-SIGNATURE.` (names the missing ones), `Invalid API key.`,
  `Invalid X-TIMESTAMP: expected UNIX time in whole seconds (e.g. 1778659835), got '…'.`,
  `Invalid X-TIMESTAMP: 1778659835000 looks like milliseconds; send UNIX time in seconds.`
  (exactly 13 digits; longer numbers are just invalid), `Request timestamp expired.` (too old), `Request timestamp is too far
  in the future.`, and the documented `Invalid signature.`
- X-TIMESTAMP must be ASCII digits only (no sign, no decimals, no spaces) and within
  ±`timestamp_window_seconds` (merchant feature, default 300) of the simulator clock, floored
  to whole seconds; exactly ±window is accepted. No nonce / replay cache. Note that the
  clock is the simulator's (`GET /_sim/clock`), not the wall clock.
- What is signed: a signature is accepted over the raw body bytes + X-TIMESTAMP, or over the
  canonical payload + X-TIMESTAMP — recursively key-sorted, compact, slashes unescaped,
  non-ASCII as raw UTF-8 or as \\u escapes (both spellings accepted, the doc is silent).
  Numbers in the canonical form are re-serialised the way Python's json does (a float 105.0
  stays `105.0`); a client whose JSON library prints floats differently is covered by the raw
  form. Merchant feature `strict_signature: true` accepts the canonical forms only (the raw
  body is then tried only if the body is not JSON, so that the 400 can be reached).
- Lowercase hex only; an uppercase or base64 digest is refused (and explained).
- A signature mismatch journals `notes.signature`: the expected canonical payload, message
  and digest, each accepted form tried, and, when a replayed mistake reproduces the
  signature, `component` (payload, timestamp, secret, encoding) and `likely_mistake` (top-level
  -only sort, escaped slashes, spaces, keys unsorted, order_id type, payload without/before
  the timestamp, millisecond or changed timestamp, another merchant's secret, uppercase or
  base64 digest). Never the secret.
- `Content-Type` / `Accept` are not enforced.

Orders and lookups (rules.py, views.py, payload.py, seed.py)
- `order_id` may be an integer or a string; lookup matches either spelling (6116229263036 and
  "6116229263036" are the same order) and the responses echo it in the type sent. A
  `kwikX_order_id` (`kp_…`) is not accepted as order_id (404).
- Body problems are HTTP 400: missing / null / empty / blank order_id → `order_id is
  required.`; malformed JSON, empty body, a body that is not an object, an order_id that is
  an object, array, boolean or decimal → `Invalid payload. <what is wrong>` (the documented
  text followed by the reason). Extra keys are ignored (they are still signed).
- Authentication comes before the body: an unsigned malformed body is a 401.
- Another merchant's order: 409 `Permission denied.` (the OpenAPI's label); unknown order:
  404 `Order not found.`
- Not cancellable (PAID, FAILED, EXPIRED, CANCELLED): 422 `Order cannot be cancelled. Current
  status: PAID.` A second cancel is the same 422 with `CANCELLED`.
- Lifecycle (driven through /_sim): process UN_PAID → PROCESSING; pay and fail from UN_PAID
  or PROCESSING; expire from UN_PAID or PROCESSING. FAILED is final. A late pay after a
  cancel is refused: the order stays CANCELLED. New orders start UN_PAID and expire 30
  minutes after creation unless the scenario says otherwise; the clock expires only UN_PAID
  orders (a payment in flight waits for pay/fail, or an explicit expire).
- `payment_method` is the order's channel: UPI (default), CARD, NETBANKING, WALLET. It and
  `transaction_id` (`TXN` + 9 digits) are shown once a payment attempt exists (the order is
  or has been PROCESSING, PAID or FAILED), else null.
- Status body: the §7 fields; `paid_at` only for PAID, `cancelled_at` only for CANCELLED (the
  time of that transition; a seeded order's creation time).

Create (create.py, create_request.py) — the sheet is thin; all of this is the simulator's choice
- `POST /api/v3/pg/order/create`, signed exactly like cancel and status (the nested
  `customer` is where recursive vs top-level key sorting matters: both are accepted, as is
  the raw body). Auth comes before the body.
- Required: order_id, order_amount, order_currency, service_type, customer {name, email,
  phone}, return_url → 400 `<field> is required.` (the first missing one). Malformed ones →
  400 `Invalid payload. <why>`: order_id an integer > 0 or 1–50 of `[A-Za-z0-9_-]`;
  service_type DIGITAL or PHYSICAL_GOODS; order_note ≤ 255; customer.name ≤ 100, email an
  address, phone a 10-digit Indian mobile (optionally +91); return_url http(s). An amount ≤ 0,
  over ₹1 crore or with more than two decimals → 422 `Invalid order amount.`; a currency
  other than INR → 422 `Invalid order currency.` Extra keys are ignored (still signed).
- A taken order_id (either spelling) → 409 `Duplicate order_id.` — also for an identical
  retry: KwikPaisa has no idempotency key.
- Answer 200: `{"code":"200","status":"success","message":"Order created successfully.",
  "return_data":{kwikX_order_id, order_id (as sent), order_amount "105.00", currency,
  order_status UN_PAID, order_token "toc_<64 hex>", payment_link, created_at}}`. The link's
  field name is the merchant feature `payment_link_field` (default `payment_link`), for a
  client written against another name. The link is this simulator's
  `/payment?payload=<64 hex>` (v2's shape), same host, port and tenant prefix as the call.
- The order: UN_PAID, no payment method yet, expiring after 30 minutes.
- Hosted page: one button per method (UPI, Card, Net banking, Wallet); choosing one starts
  the payment (`process`: UN_PAID → PROCESSING, the payment.processing webhook), then Pay,
  Fail and Let it expire. UPI shows a `upi://pay?pa=<merchant>@kwikpaisa&…` QR. "Back to the
  merchant" is return_url + `?order_id=…&status=<order_status>`.

Formats and envelopes (render.py, features.py)
- `created_at` / `paid_at` / `cancelled_at`: `dd-MM-yyyy hh:mm AM` in the merchant feature
  `time_zone` (IANA name or ±HH:MM), default Asia/Kolkata (IST) — the natural zone for an
  Indian gateway; set `time_zone: UTC` to match the doc's samples literally.
- Errors outside a view under `/api/v3/pg/` or `/kwikpaisa/`: the error envelope with the
  real HTTP status (404 unknown path, 405 wrong method, 413 body over the limit, 5xx).
- Webhooks (notify.py): payment.success / failed / processing / expired on PAID / FAILED /
  PROCESSING / EXPIRED; none on cancel (none is documented). Body compact and recursively
  key-sorted, signed over exactly those bytes + X-TIMESTAMP (simulator clock). Any 2xx
  acknowledges; 3 retries after 1 min, 10 min, 1 h.
"""

from ..base import Provider
from . import create, notify, openapi, pages, render, rules  # noqa: F401  (create: its route)
from .seed import prepare_order
from .views import blueprint

PROVIDER = Provider(
    name="kwikpaisa",
    title="KwikPaisa Payment Gateway API v3",
    lifecycle=rules.LIFECYCLE,
    initial_status="UN_PAID",
    blueprint=blueprint,
    path_prefixes=("/api/v3/pg/", "/payment"),
    error_response=render.http_error,
    credential_keys=("api_key", "secret_key"),
    endpoints=("create", "cancel", "status", "payer"),
    optional_credentials=(),
    features={"timestamp_window_seconds": "X-TIMESTAMP tolerance (default 300)", "strict_signature": "accept only canonical signatures (default off)", "time_zone": "zone of created_at and friends (default Asia/Kolkata)", "payment_link_field": "the create answer's link field name (default payment_link)"},
    secret_credentials=("api_key", "secret_key"),
    channels=rules.PAYMENT_METHODS,
    default_currency="INR",
    default_expires_in=rules.DEFAULT_EXPIRY,
    prepare_order=prepare_order,
    events_doc=rules.EVENTS_DOC,
    notifier=notify.NOTIFIER,
    payer=pages.PAYER,
    openapi=openapi.document,
)
