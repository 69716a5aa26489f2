"""DOKU Checkout (non-SNAP "Jokul") — create (Checkout), Cancel Order and Check Status.

Spec: the DOKU fact sheet and its create addendum. Paths: `POST /checkout/v1/payment`,
`POST /checkout/v3/cancellations`, `GET /orders/v1/status/{invoice_number or Request-Id}`,
and the checkout page `/checkout-link-v2/<token_id>`, at the root and under `/doku`.

Choices where the fact sheet says "simulator's choice" (or says nothing):

Authentication
- Every header/auth failure is HTTP 400 in the error envelope
  `{"error":{"code","message","type":"invalid_request_error"}}`; a wrong signature is
  400 `invalid_signature` / `Invalid Header Signature` (with `type`, like its siblings).
- A bad timestamp format is `invalid_header_request` / `Invalid format Header
  Request-Timestamp`. Only `YYYY-MM-DDTHH:MM:SSZ` is accepted (no fractional seconds, no
  offsets). The window is ±3600 s inclusive, on the simulator clock.
- An empty header counts as missing. A Request-Id over 128 characters is 400
  `invalid_header_request` (checked right after the presence checks).
- The `HMACSHA256=` prefix is case-sensitive; the base64 after it may be padded or not.
  The Digest line is present on POST (even for an empty body) and absent on GET.
- Request-Target: accepted over the real DOKU path (`/checkout/v3/cancellations`, also when
  called under `/doku`, because DOKU's libraries sign the endpoint path they know) and over
  the path as received (`/doku/checkout/v3/cancellations`, for clients that sign the path of
  the URL they call); for each, both the decoded and the percent-encoded spelling. The query
  string is never part of it. At the root mount, a signature over `/doku/…` is refused.
- Responses are not signed (no `Response-Timestamp`/`Signature` response headers).

Cancel Order
- Success: HTTP 200 `{"message":["SUCCESS"],"response":{"order":{"invoice_number",
  "status":"CANCELLED"},"payment":{"original_request_id"},"note"}}`. No notification is sent.
- Checks after the signature: Request-Id idempotency → body fields → Cancel Order
  activation → order lookup → status → channel.
- Not activated (`features.cancel` off): the recorded 400 body exactly, no code/type.
- Order not found, or `invoice_number` and `original_request_id` not of the same order of
  this merchant (another merchant's order included): 404 `order_not_found` / `Order not found`
  in the error envelope.
- Refusals in the business envelope, HTTP 400: SUCCESS `ORDER ALREADY PAID`, REFUNDED
  `ORDER ALREADY REFUNDED`, EXPIRED `ORDER ALREADY EXPIRED`, CANCELLED `ORDER ALREADY
  CANCELLED`; unsupported channel, and the channel-only states REDIRECT (cards) and TIMEOUT
  (e-money): `PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION`. Status is checked before
  channel, so a paid card order reads `ORDER ALREADY PAID`.
- Cancellable: ORDER_GENERATED, ORDER_RECOVERED, PENDING and FAILED (still unpaid), on VA
  (not BTN, BNC, BPD*, OCBC) and QRIS; convenience store (ONLINE_TO_OFFLINE_*) only when
  the merchant's `features.cancel_convenience_store` is on (default off). An order whose
  customer has not chosen a channel yet is cancellable.
- Body: a JSON object with `order.invoice_number` (≤ 64), `payment.original_request_id`
  (≤ 128) and `note` (≤ 255), all non-empty strings; unknown keys ignored. Malformed JSON,
  wrong types, missing or too-long fields: 400 business envelope, one message per problem,
  each naming the field (e.g. `["payment.original_request_id is required"]`).
- Request-Id idempotency (`replay_cache("doku-request-id")`, no expiry, bounded): keyed per
  merchant (Client-Id) — two merchants may use the same Request-Id. Only authenticated
  requests reach it (header/signature failures are not remembered, so a client may fix its
  signature and retry with the same Request-Id). Every answer after that is remembered —
  success and business refusals alike: the same Request-Id with the same raw body → HTTP 409
  with the first response's body; with a different body → 409 `idempotent_request`; while the
  first is still running → 409 `idempotent_request` ("still being processed"). The
  fingerprint is the SHA-256 of the raw body. Check Status (a GET) is not idempotency-checked.

Check Status
- `order.status`: ORDER_GENERATED for every payment-level status (as observed: it does not
  track payment), ORDER_RECOVERED, ORDER_EXPIRED for EXPIRED, and `CANCELLED` after a cancel.
  `transaction.status`: the payment-level status, null before a channel is chosen; a
  cancelled order keeps the transaction status it had (null for ORDER_GENERATED/RECOVERED).
  `service`/`acquirer`/`channel` ids are null before a channel is chosen.
- Unknown id (or another merchant's): 404 `order_not_found` in the error envelope.

Orders and lifecycle
- One `status` field holds both levels: ORDER_GENERATED, ORDER_RECOVERED, PENDING, REDIRECT,
  TIMEOUT, FAILED, SUCCESS, EXPIRED (= ORDER_EXPIRED), REFUNDED, CANCELLED.
- `original_request_id` is the order's `transaction_id` (scenario key `original_request_id`,
  or `transaction_id`; generated as a UUID when absent); `bank` is the channel's acquirer.
- Orders expire by the clock 60 minutes after creation (payment_due_date's default) unless
  the scenario says otherwise; a recovered order does not expire again by the clock.
- /_sim events: select_channel, redirect, time_out, pay, fail, expire, recover (≤ 3×), refund.
- Generic errors (unknown path under /checkout/, /orders/ or /doku/, wrong method, body
  over the limit, 5xx): the error envelope with the real HTTP status (404 `not_found`, 405
  `method_not_allowed`, 413 `request_entity_too_large`, …).

Create: POST /checkout/v1/payment (checkout.py, checkout_request.py, pages.py)
- Same headers, signature and Request-Id idempotency as cancel (one replay cache, keyed per
  merchant): a retry with the same Request-Id and body is 409 with the first answer.
- The order: ORDER_GENERATED, no channel, `original_request_id` = the create's Request-Id
  (what cancel and notifications carry), expiring `payment_due_date` minutes (default 60)
  after the call on the simulator clock.
- Answer (§4): `order.amount` a string, `session_id` 32 hex, `token_id` = session id + 17
  digits (WIB yyyy·minute·dd·HHmmss·millis), `payment.url` = this simulator's
  `/checkout-link-v2/<token_id>` (same host, port, `/doku` mount and tenant prefix as the
  call), `expired_date` (WIB yyyyMMddHHmmss) and `expired_datetime` (UTC), `type`, the
  customer and additional_info echoed with `origin`, and `headers` {request_id, signature,
  date, client_id}: the signature is DOKU's component scheme over the response object with
  Request-Target /checkout/v1/payment (audit only; no client checks it). `response.uuid`, an
  over-long integer in real answers, is not sent (sheet §8.6: off by default).
- Refusals, HTTP 400 in the business envelope, all field problems at once, each naming the
  field (`order.invoice_number must be filled`, `order.amount must greater than 0`, …);
  malformed JSON → the body problem. Then `PAYMENT CHANNEL IS INACTIVE` when any listed code
  is unknown or not active (the whole session is refused; DOKU's Shopee spelling
  EMONEY_SHOPEE_PAY is accepted as EMONEY_SHOPEEPAY). A merchant's active channels are every
  simulated channel unless its `features.active_channels` lists fewer. Then `AMOUNT NOT
  MATCH` when line items' Σ price × quantity differs from order.amount.
- Chosen: `payment_method_types` omitted → 200 with every active channel (the 500 one
  account saw is left to a fault); amounts may be numeric strings with `.00`, never other
  decimals (IDR); currency IDR only; invoice_number ≤ 30 characters only when CREDIT_CARD is
  listed explicitly; a reused invoice_number with a new Request-Id → 400 `DUPLICATE INVOICE
  NUMBER` whatever the first order's status (an invoice is one order here);
  `additional_info.override_notification_url` receives this order's notifications instead of
  the merchant's URL; `auto_redirect` is echoed, not acted on (the page links back instead).
- The checkout page offers one button per allowed channel; choosing is DOKU generating the
  channel transaction (`select_channel` → PENDING, a card `redirect` → REDIRECT), with the VA
  number / payment code / QR drawn then. Pay, Fail (not for VA and convenience store) and Let
  it expire follow; "Back to the merchant" is `order.callback_url`.

HTTP Notification (notify.py)
- Sent on SUCCESS (`pay`) and FAILED (`fail`) only; none for cancel, expiry or refund.
  Pretty-printed JSON as DOKU sends it (2-space indent, LF, no trailing newline, `": "`
  after keys — the colon spacing of DOKU's Java printer is not recorded), signed over the
  bytes sent with Request-Target = the notification URL's path. Retries at +30 min, +6 h,
  +12 h after the original.
- Channel blocks, in Check Status and the notification alike: VA → `virtual_account_info`
  (number, created/expired date in WIB `yyyyMMddHHmmss`, `reusable_status` false) and,
  once a payment ended (SUCCESS or FAILED), `virtual_account_payment` (identifier
  REQUEST_ID / REFERENCE / CHANNEL_TYPE 6014, `reference_number`, `date`, `status`);
  ALFA/INDOMARET → `online_to_offline_info` (payment code, created/expired date) and
  `online_to_offline_payment` (identifier AGENT_ID, date, status); e-money and QRIS →
  `emoney_payment` (`account_id`, `approval_code`) once paid; always
  `additional_info.origin` (§7 sample). The numbers are drawn once per order
  (seed.channel_fields), so every answer shows the same VA number. An order whose channel
  was never chosen has no blocks but `additional_info`.
"""

from ..base import Provider
from . import checkout, notify, openapi, pages, render, rules  # noqa: F401  (checkout: its routes)
from .seed import prepare_order
from .views import blueprint

PROVIDER = Provider(
    name="doku",
    title="DOKU Checkout (non-SNAP)",
    lifecycle=rules.LIFECYCLE,
    initial_status="ORDER_GENERATED",
    blueprint=blueprint,
    path_prefixes=("/checkout/", "/orders/", "/checkout-link-v2/"),
    error_response=render.http_error,
    credential_keys=("client_id", "secret_key"),
    endpoints=("payment", "cancel", "status", "payer"),
    optional_credentials=(),
    features={"cancel": "Cancel Order is activated (default off)", "cancel_convenience_store": "convenience-store orders may be cancelled (default off)", "active_channels": "the channels DOKU activated (default: every simulated one)"},
    secret_credentials=("secret_key",),
    channels=rules.CHANNEL_IDS,
    default_currency="IDR",
    default_expires_in=rules.DEFAULT_EXPIRY,
    order_fields=("original_request_id",),
    prepare_order=prepare_order,
    events_doc=rules.EVENTS_DOC,
    notifier=notify.NOTIFIER,
    payer=pages.PAYER,
    openapi=openapi.document,
)
