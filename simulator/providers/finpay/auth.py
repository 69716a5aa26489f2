"""Finpay Basic auth: `Authorization: Basic base64(<Merchant ID> + ":" + <Merchant Key>)`.

Whatever is wrong — no header, another scheme, bad base64, no colon, an unknown merchant
id, the wrong key — the answer is the same 401 `4010000 Unauthorized`; the caller gets
None and the journal says which of these it was (never the key itself).
"""

from __future__ import annotations

import base64
import binascii
import hmac

from ...merchants import Merchant
from ...wire import annotate, sandbox


def authenticate(header: str | None) -> Merchant | None:
    reason, merchant = _check(header)
    if merchant is None:
        annotate(auth=reason)
    return merchant


def _check(header: str | None) -> tuple[str, Merchant | None]:
    if not header:
        return "no Authorization header", None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return f"Authorization scheme {scheme!r} is not Basic", None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "Authorization Basic value is not base64 of 'merchant_id:merchant_key'", None
    merchant_id, colon, key = decoded.partition(":")
    if not colon:
        return "Authorization Basic value has no ':' between merchant id and merchant key", None
    merchant = sandbox().merchants.by_credential("finpay", "merchant_id", merchant_id)
    if merchant is None:
        return f"no Finpay merchant has merchant id {merchant_id[:40]!r}", None
    if not hmac.compare_digest(key.encode(), merchant.credentials["merchant_key"].encode()):
        return f"wrong merchant key for merchant {merchant.id!r}", None
    return "", merchant
