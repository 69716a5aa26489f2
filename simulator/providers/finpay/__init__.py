"""Finpay (Finnet) PG REST API — initiate (create), Cancel Order, Void and Check Status.

Spec: docs/fact-sheets/finpay.md. Choices where the fact sheet says "simulator's choice":

- Envelope: every answer (errors included) is JSON with `responseCode`, `responseMessage`,
  `processingTime` (float seconds measured for the request, 4 decimals, at least 0.0001)
  and `traceId` (a UUID v4 from the scenario seed); Check Status adds `data`. The HTTP
  status line is always the first three digits of `responseCode`. Fixed catalogue
  messages (Unauthorized, Transaction Not Found, Invalid Transaction Status, General Error)
  are sent verbatim; validation codes append a detail: "Invalid Field Format. <why>".
- Auth: anything wrong with `Authorization: Basic base64(merchant_id:merchant_key)` — no
  header, another scheme, bad base64, no colon, unknown merchant id, wrong key — is HTTP 401
  `4010000 Unauthorized`. The journal's `notes.auth` says which (never the key).
  `Content-Type`/`Accept` headers are not enforced.
- Unknown order (or another merchant's order) on cancel and check: HTTP 404
  `4040001 Transaction Not Found`. The path is the merchant's orderId only; Finpay's
  reference (`data.order.reference`, the order's transaction_id) does not find it.
- A path orderId that is not Alpha Dash 1–30 characters: HTTP 400 `4000001 Invalid Field
  Format. orderId must be …` (checked after auth). An id containing `/` matches no route:
  HTTP 404 `4040000 Not Found`.
- Cancellable: REQUEST_INITIATED, PENDING, INITIATED, AUTHENTICATION_INITIATED,
  AUTHENTICATED (the sheet's recommendation for the 3DS stages) — except QRIS and e-wallets
  (ovo, dana, shopeepay, linkaja) in REQUEST_INITIATED. Everything else — PAID, AUTHORIZED,
  PARTIALLY_CAPTURED, CAPTURED, PARTIALLY_REFUNDED, REFUNDED, CANCELLED (no idempotent
  2000000), FAILURE, FAILED, EXPIRED — gets HTTP 404 `4040100 Invalid Transaction Status`.
  Table and rule: rules.py.
- Statuses: the sheet's 13 plus EXPIRED (the clock's and `expire`'s target; final) and
  FAILED (reachable through the `mark_failed` event; final, like FAILURE).
- Channels are the sheet's source-of-funds ids (vabca … cc); an order without a channel is
  a hosted-page order (no `sourceOfFunds` in Check Status) and cancellable in
  REQUEST_INITIATED. VA/retail orders show a 16-digit `paymentCode`; VA orders a bank code
  as `sourceOfFunds.channel`; `cc` orders a `card` block with mask `512345xxxxxx####`.
- Cancel body: none, `null`, `{}`, or `{"order": null}` mean "no reference". If `order` is
  given, `order.id` is mandatory (`4000002 Invalid Mandatory Field. order.id`, HTTP 400) and
  must be Alpha Dash; `order.amount` is optional, a numeric string of whole rupiah (a JSON
  integer is accepted too). Wrong types / formats: HTTP 400 `4000001 Invalid Field Format.
  <field …>`. Malformed JSON or non-UTF-8: HTTP 400 `4000000 Bad Request. <why>`.
- A body that disagrees with the order (checked once the order is found): another
  `order.id` → HTTP 404 `4040018 Inconsistent Request`; another amount → HTTP 404
  `4040013 Invalid Amount` (the BI-SNAP case codes Finpay's other codes follow). The order
  is left unchanged.
- Check Status ignores any request body. `data.result.payment.statusDesc` is null (as in the
  sheet's sample); `datetime` is the last transition in Jakarta time; amounts are integers.
- Generic errors in the same envelope, code = HTTP status + "0000": unknown path under
  `/pg/` or `/finpay/` → 404 `4040000 Not Found`; wrong method → 405 `4050000 Method Not
  Allowed`; body over the limit → 413 `4130000 Request Entity Too Large`; any internal error
  → 500 `5000000 General Error`.
- Order expiry: `order.timeout` default 1440 minutes; REQUEST_INITIATED, PENDING and the
  3DS stages expire by the clock into EXPIRED.
- Lifecycle events through `/_sim`: see rules.EVENTS_DOC (start, pay, expire, fail,
  mark_failed, 3DS/authorize/capture for `cc` only, void, partial_refund, refund).
- Seeded ids (simulator/bundled_scenarios/default.yaml) read FP-<SOURCE OF FUNDS>-<STATUS>; finpaycode is
  spelled PAYCODE there so FP-PAYCODE-REQUEST_INITIATED fits the 30-character limit.
- Void: `GET /pg/payment/card/void/{orderId}` (optional body, as cancel) and, because the
  sheet's sources disagree on its shape, also `POST /pg/payment/card/void` with
  `{"order": {"id", "amount"?}}` (`order.id` mandatory there). Same auth, id format, body
  and lookup rules as cancel, in one flow (views._change). Paid or authorised orders (PAID,
  AUTHORIZED, PARTIALLY_CAPTURED, CAPTURED — `rules.VOIDABLE`) become CANCELLED (Finpay's
  list has no VOIDED) with `2000000 Request has been processed successfully`; every other
  status — unpaid, and already cancelled, refunded, expired or failed — gets HTTP 403
  `4030015 Transaction Not Permitted` with the order unchanged. A void notifies like any
  change (the `cancel_callback` feature concerns cancels only). Journal endpoint: `void`.
- Refund is not simulated as an endpoint yet (`refund` exists as a /_sim event).
- Initiate, `POST /pg/payment/card/initiate` (initiate.py, initiate_request.py, pages.py):
  one endpoint for every method by `sourceOfFunds.type`; none → the hosted page, where the
  payer picks one. The order starts REQUEST_INITIATED with a 23-digit reference, expires after
  `order.timeout` minutes (default 1440) and sends its callbacks to `url.callbackUrl`.
  Answer: `2000000 Success`, `redirecturl` on this simulator (`/pg/payment/card/access/<64
  hex>` for hosted, card, QRIS and e-wallet; `/widgetpg/pending/<n>` for VA and payment
  codes), `expiryLink` (`YYYY-MM-DD HH:MM:SS`, WIB), `paymentCode` for VA and retail, for QRIS
  `imageurl` (a PNG) and `qrString` (the EMV payload — a simulator extension), `appurl` for
  e-wallets, `processingTime`, `traceId`.
- Initiate refusals, the first problem only (Finpay reports one): malformed JSON → 400
  `4000000 Bad Request`; a missing field → 400 `4000002 Invalid Mandatory Field <field>`
  (order, order.id, order.amount, customer and its email, firstName, mobilePhone, url,
  url.callbackUrl, each item's name, quantity, unitPrice, category); a bad one → 400 `4000001
  Invalid Field Format. <why>` (order.id not Alpha Dash 1–30, amount not whole rupiah or ≤ 0
  or > 14 digits, currency not IDR, timeout, a phone not +62…, "The customer.mobile phone
  format is invalid" as observed, URLs not http(s), items whose Σ unitPrice × quantity is not
  the amount (or itemAmount), amount ≠ itemAmount + surchargeAmount); an unknown source of
  funds → 403 `4030001 Feature Not Allowed`; a taken order id → 409 `4090000 Duplicate Order
  ID` (the sheet's recommendation, whatever the first order's status). Amounts and timeouts
  may be numbers or numeric strings. Unknown keys are ignored.
- Payer pages: Pay is `pay` (→ PAID), for a card `card_payment` (→ CAPTURED, as Finpay
  reports card payments); Fail → FAILURE (not for VA and payment codes); Let it expire. The
  hosted page's choice is the `start` event (→ PENDING) with the method's numbers drawn then.
- Callbacks (notify.py): on every status change, Cancel Order included (merchant feature
  `cancel_callback: false` turns cancel callbacks off); body = Check Status `data` +
  `signature`, PHP-style JSON; headers Content-Type/Accept only; 3 retries after 1 min,
  10 min, 1 h on anything but 2xx.
"""

from ..base import Provider
from . import initiate, notify, openapi, pages, render, rules  # noqa: F401  (initiate: its route)
from .seed import prepare_order
from .views import blueprint

PROVIDER = Provider(
    name="finpay",
    title="Finpay PG REST API",
    lifecycle=rules.LIFECYCLE,
    initial_status=rules.INITIAL_STATUS,
    blueprint=blueprint,
    path_prefixes=("/pg/", "/widgetpg/"),
    error_response=render.http_error,
    credential_keys=("merchant_id", "merchant_key"),
    endpoints=("initiate", "cancel", "void", "check", "payer"),
    optional_credentials=(),
    features={"cancel_callback": "send a callback for cancels (default on)"},
    secret_credentials=("merchant_key",),
    channels=rules.SOURCES_OF_FUNDS,
    default_currency="IDR",
    default_expires_in=rules.DEFAULT_TIMEOUT,
    prepare_order=prepare_order,
    events_doc=rules.EVENTS_DOC,
    notifier=notify.NOTIFIER,
    payer=pages.PAYER,
    openapi=openapi.document,
)
