"""Pivot auth: merchant credentials buy an access token; the token (Bearer) opens `/v2`.

- `POST /v1/access-token` checks `X-MERCHANT-ID` / `X-MERCHANT-SECRET` against the
  scenario's merchants (credentials `merchant_id`, `merchant_secret`) and `issue`s an HS256
  JWT that expires `TOKEN_LIFETIME` after now on the simulator clock.
- `authenticate` reads `Authorization: Bearer <token>`: well-formed, HS256, signed with the
  simulator key, not expired on the simulator clock, `merchantId` a scenario merchant.

Every failure gets the same documented 401; the journal says why (`annotate(token=…)` or
`annotate(auth=…)`), never with a secret or the signing key.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone

from ...merchants import Merchant
from ...wire import annotate, describe_scheme, sandbox
from . import tokens
from .rules import TOKEN_LIFETIME

PROVIDER = "pivot"


def check_credentials(merchant_id: str | None, secret: str | None) -> Merchant | None:
    """The merchant whose `X-MERCHANT-ID` / `X-MERCHANT-SECRET` these are, or None."""
    if not merchant_id or not secret:
        missing = [name for name, value in (("X-MERCHANT-ID", merchant_id),
                                            ("X-MERCHANT-SECRET", secret)) if not value]
        annotate(auth=f"missing header(s): {', '.join(missing)}")
        return None
    merchant = sandbox().merchants.by_credential(PROVIDER, "merchant_id", merchant_id)
    if merchant is None:
        annotate(auth=f"no Pivot merchant has X-MERCHANT-ID {merchant_id!r}")
        return None
    if not hmac.compare_digest(merchant.credentials["merchant_secret"].encode(), secret.encode()):
        annotate(auth=f"X-MERCHANT-SECRET is not the secret of merchant {merchant.id}")
        return None
    annotate(merchant=merchant.id)
    return merchant


def issue(merchant: Merchant) -> str:
    """A fresh access token for `merchant`, valid for TOKEN_LIFETIME on the simulator clock."""
    exp = int((sandbox().clock.now() + TOKEN_LIFETIME).timestamp())
    return tokens.sign(tokens.access_claims(merchant.credentials["merchant_id"], exp),
                       sandbox().signing_key(tokens.SIGNING_KEY))


def authenticate(header: str | None) -> Merchant | None:
    """The merchant an `Authorization: Bearer` header speaks for, or None (journal says why)."""
    if not header:
        return _refuse("missing_header", "no Authorization header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _refuse("not_bearer", f"Authorization {describe_scheme(header)}; expected 'Bearer <token>'")
    try:
        claims = tokens.verify(token.strip(), sandbox().signing_key(tokens.SIGNING_KEY))
    except tokens.TokenError as exc:
        return _refuse(exc.reason, str(exc))
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return _refuse(tokens.MALFORMED, f"exp claim {exp!r} is not a number")
    now = sandbox().clock.now()
    if now.timestamp() >= exp:
        return _refuse("expired", "the token has expired on the simulator clock",
                       exp=exp, exp_at=_iso(exp), now=now.isoformat())
    merchant_id = claims.get("merchantId")
    merchant = (sandbox().merchants.by_credential(PROVIDER, "merchant_id", merchant_id)
                if isinstance(merchant_id, str) else None)
    if merchant is None:
        return _refuse("unknown_merchant", f"merchantId claim {merchant_id!r} is no Pivot "
                       "merchant of this scenario")
    annotate(merchant=merchant.id)
    return merchant


def _refuse(reason: str, message: str, **details) -> None:
    annotate(token={"refused": reason, "why": message, **details})
    return None


def _iso(unix: float) -> str | None:
    try:
        return datetime.fromtimestamp(unix, timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return None
