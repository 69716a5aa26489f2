"""Pivot Payment Session API v2 — access token, create, list, cancel and status of payment sessions.

Spec: docs/fact-sheets/pivot.md. Paths: `POST /v1/access-token`,
`POST /v2/payments/{id}/cancel`, `GET /v2/payments/{id}` (Midtrans owns `/v2/{id}/cancel`
and `/v2/{id}/status`; the paths cannot collide, and errors under `/v2/payments` and
`/v1/access-token` are Pivot's because the longest path prefix wins). One corner:
`POST /v2/payments/cancel` (no session id) is Midtrans' `/v2/{id}/cancel` with id
"payments", and gets Midtrans' answer.

Choices where the fact sheet says "simulator's choice" (or leaves a gap):

- Access token: HS256 JWT signed with a random key of the run (32 bytes, made on first use
  and kept in the store, so every process shares it and nobody can mint one from the
  source; it outlives resets, and a restart on a SQLite file keeps it);
  claims `iss` backend-portal, `sub` = `clientId` = `merchantId` = the merchant's
  `merchant_id` credential, `exp` = now + 900 s on the simulator clock (whole seconds,
  truncated); `expiresIn` "900". A token is expired when simulator now ≥ `exp`.
- `/v1/access-token`: credentials are checked before the body. Missing or wrong
  `X-MERCHANT-ID` / `X-MERCHANT-SECRET` → 401 `credentials_invalid`, the same envelope as a
  bad token (details "Request new access token"). No body at all (empty, or only
  whitespace, as some clients send it) → `grantType` defaults to `client_credentials`. A
  body that is sent is decoded as Go would: not JSON / wrong type → 400
  `api_validation_error` "invalid request payload"; `{}` or `grantType` not
  `client_credentials` → 400 with Go-validator texts on `AccessTokenRequest.GrantType`
  ('required' / 'oneof' tag). Content-Type is not checked (Go's binder does not).
- List (`GET /v2/payments`, listing.py): `perPage` default 20 (the cancel sheet; the
  backend's own default is 10), 1..100, a larger one is a 400 rather than silently clipped;
  `sort` ASC by `createdAt` (the backend's default); filters `clientReferenceId`, `id`,
  `status`, `paymentMethodType`, `startDate`/`endDate`; a page past the end is `data: []`
  with the true `totalItems`/`totalPages`. Bearer token required; the caller's merchant's
  sessions only. The journal's `endpoint` is `list`.
- Any token problem (no header, not `Bearer`, malformed, `alg` other than HS256 — `none`
  included —, bad signature, expired, unknown `merchantId`) → the same 401; the journal
  note `token.refused` says which, with `exp` vs simulator `now` when expired.
- `{id}` is the session id (`transaction_id`, a UUID, case-insensitive) only, as the
  sheet says. A clientReferenceId or any non-UUID → 422 `payment not found` (the journal
  names the session id when the value is one of the merchant's clientReferenceIds).
- Session of another merchant → 422 `merchant id is not match` (the backend's answer),
  not "not found".
- Unknown session → 422 `api_validation_error` `payment not found` (the backend), not the
  docs' 404 `resource_missing`.
- Cancel evaluates the clock first: an overdue non-final session reads EXPIRED, so its
  cancel gets 422 `Payment session in EXPIRED status cannot be cancelled`.
- `source`: optional, default MERCHANT; `CUSTOMER` (what Pivot's hosted page sends) may
  also cancel REQUIRE_ACTION, but only for a REDIRECT-mode session; an API-mode session
  gets the REQUIRE_ACTION 400. Empty string = absent.
- Check order on cancel: token (401) → body (400) → session lookup (422) → status (400/422).
- On cancel: `cancelledAt` = `updatedAt` = `expiryAt` = the cancel instant;
  `cancellationReason` = the request's. No `PAYMENT.CANCELLED` callback for API cancels.
- Expiry: default 15 min after creation, clock-driven; every non-final status (ACTIVE and
  PROCESSING included) expires. Seeded sessions in default.yaml carry `expires_in: 24h`.
- Lifecycle events via /_sim: set_payment_method, confirm, activate (MULTIPLE → ACTIVE),
  process, pay, fail (charge failed: back to REQUIRE_PAYMENT_METHOD, the charge reads
  FAILED), close (ACTIVE → INACTIVE), expire, customer_cancel. Events do not pick a
  payment method: a session created without one keeps `paymentMethod: null`.
- Payment-session object: `paymentMethod` details (`virtualAccount`, `qr`, `card`,
  `ewallet` sub-objects), the charge object in `chargeDetails` (one charge once the session
  reached REQUIRE_ACTION/PROCESSING/PAID, SINGLE sessions only; status by session status,
  FAILED after cancel or fail), `paymentUrl` (REDIRECT mode; a JWT of `uuid`, `iss`, `exp`
  on `pay-stg.pivot-payment.com`), `metadata` `{}` when not given. Seeded
  clientReferenceIds use dashes for readability (the simulator does not validate them).
- Errors: `traceId` 32 hex chars from the scenario seed; `details[0].field` is always "".
  Unknown path → 404 `not_found`; wrong method → 405 `method_not_allowed` ("The requested
  method is not allowed for this URL"); body over the limit → 413 `api_validation_error`;
  500 `internal_error` (source SYSTEM); 502/503/504 `bad_gateway` / `service_unavailable`
  / `gateway_timeout` (type GATEWAY_ERROR, source DOWNSTREAM).
- Callbacks (notify.py): PAYMENT.PROCESSING / PAID / EXPIRED / CANCELLED, `X-API-Key` =
  the merchant's `callback_api_key` credential (left out when absent). API cancels send
  none unless merchant feature `api_cancel_callback: true`; customer cancels and expiry do.
  Retried on 5xx / 408 / 429 / no answer after 5m, 15m, 1h, 3h, 6h, 12h.
- Not simulated: IP whitelist, rate limiting, merchant status (403), `X-SubMerchant-Id`
  (ignored), create/confirm/capture.

Create: POST /v2/payments (create.py, create_request.py, pages.py)
- Bearer token, then `X-REQUEST-ID` (missing → 401 credentials_invalid "X-REQUEST-ID header is
  required"; it must be 16–36 of `[A-Za-z0-9_-]`, hyphens accepted as integrators send them).
  Idempotency for 24 h per merchant: the same key and body → the first answer again (HTTP
  included); another body or a first call still running → 409 `idempotency_error` (the docs'
  answer; the backend copy's 400 is not used).
- Validation as the backend's, the first problem wins, `api_validation_error` with the detail
  (sheet §5 texts): JSON of the wrong type → 400 `invalid request payload`; clientReferenceId
  required, `[a-zA-Z0-9-]{1,100}`; amount required and > 0, whole IDR (422), at least 10,000
  for VA, QR and card and 1 for e-wallets, at most 10,000,000,000; mode REDIRECT|API;
  paymentType SINGLE|MULTIPLE (MULTIPLE needs API + autoConfirm); autoConfirm needs a method
  (422); VA and e-wallet need their options block with a channel (422); active channels: VA
  BCA, BNI, BRI, MANDIRI, PERMATA, CIMB; e-wallets SHOPEEPAY, DANA, OVO; others → 422
  `payment method is not found`; expiryAt in the future (422), default now + 15 min; metadata
  ≤ 512 characters; customerId with customer → 422; a customerId alone → 422 `customer not
  found` (the simulator keeps no customers). The sandbox error-simulation amounts (100033 →
  400 … 330000 → 504) answer `message for api error simulation` and make nothing.
- A clientReferenceId this merchant already used → 422 `client reference id already exist`
  while any earlier session with it is alive; once all are EXPIRED or CANCELLED it may be used
  again (the backend's rule). Later sessions are stored as `<ref>~2`, `<ref>~3`… (what the
  dashboard and `/_sim/orders` show); every Pivot answer shows the reference itself, and the
  list finds them all by `clientReferenceId`.
- Status at create: REQUIRE_PAYMENT_METHOD without a method, REQUIRE_CONFIRMATION with one
  and autoConfirm false, REQUIRE_ACTION (charge WAITING_FOR_USER_ACTION) with autoConfirm,
  ACTIVE for MULTIPLE. `POST /v2/payments/{id}/confirm` is not simulated yet (the /_sim
  `confirm` event does it).
- The method block is flattened into `chargeDetails[0]` (§3.1): virtualAccount {channel,
  virtualAccountNumber (16 digits unless the request gives one), virtualAccountName,
  virtualAccountTrxType "C"}, qr {acquirer QRIS, qrType DYNAMIC, qrContent (an EMV QRIS
  payload), qrUrl (a PNG on this simulator)}, ewallet {channel, appRedirectUrl, webRedirectUrl
  (the simulator's e-wallet page), referenceNo}, card {first6, last4, binInformations}.
- `paymentUrl` (REDIRECT mode) is this simulator's `/detail?token=<JWT>` — the same JWT as
  before, now served here: the payer picks a method (set_payment_method + confirm →
  REQUIRE_ACTION), then Pay (→ PAID), Fail (the charge fails; back to REQUIRE_PAYMENT_METHOD),
  Let it expire. "Back to the merchant" is successReturnUrl / expirationReturnUrl /
  failureReturnUrl by outcome.
"""

from ..base import Provider
from . import create, notify, openapi, pages, render, rules  # noqa: F401  (create: its route)
from .seed import prepare_order
from .views import blueprint

PROVIDER = Provider(
    name="pivot",
    title="Pivot Payment Session API v2",
    lifecycle=rules.LIFECYCLE,
    initial_status=rules.REQUIRE_PAYMENT_METHOD,
    blueprint=blueprint,
    path_prefixes=("/v2/payments", "/v1/access-token", "/detail"),
    error_response=render.http_error,
    credential_keys=("merchant_id", "merchant_secret"),
    endpoints=("access_token", "create", "list", "cancel", "status", "payer"),
    optional_credentials=("callback_api_key",),
    features={"api_cancel_callback": "send PAYMENT.CANCELLED for API cancels (default off)"},
    secret_credentials=("merchant_secret", "callback_api_key"),
    channels=rules.PAYMENT_METHOD_TYPES,
    default_currency="IDR",
    default_expires_in=rules.DEFAULT_EXPIRY,
    order_fields=("mode", "payment_type", "metadata"),
    prepare_order=prepare_order,
    secret_headers=frozenset({"x-merchant-secret"}),
    events_doc=rules.EVENTS_DOC,
    notifier=notify.NOTIFIER,
    payer=pages.PAYER,
    openapi=openapi.document,
)
