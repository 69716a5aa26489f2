"""Finpay Basic auth: `Authorization: Basic base64(<Merchant ID> + ":" + <Merchant Key>)`.

Whatever is wrong — no header, another scheme, bad base64, no colon, an unknown merchant
id, the wrong key — the answer is the same 401 `4010000 Unauthorized`; the caller gets
None and the journal says which of these it was (never the key itself).
"""

from __future__ import annotations

import hmac

from ...merchants import Merchant
from ...wire import BasicAuthError, annotate, basic_credentials, sandbox


def authenticate(header: str | None) -> Merchant | None:
    reason, merchant = _check(header)
    if merchant is None:
        annotate(auth=reason)
    else:
        annotate(merchant=merchant.id)
    return merchant


def _check(header: str | None) -> tuple[str, Merchant | None]:
    try:
        merchant_id, key = basic_credentials(header, "merchant_id:merchant_key")
    except BasicAuthError as exc:
        return str(exc), None
    merchant = sandbox().merchants.by_credential("finpay", "merchant_id", merchant_id)
    if merchant is None:
        return f"no Finpay merchant has merchant id {merchant_id[:40]!r}", None
    if not hmac.compare_digest(key.encode(), merchant.credentials["merchant_key"].encode()):
        return f"wrong merchant key for merchant {merchant.id!r}", None
    return "", merchant
