"""Finpay's callback signature (sheet §8): lowercase hex HMAC-SHA512, keyed with the
merchant key, over PHP's `json_encode` of the body without `signature`.

PHP's defaults: compact (no spaces), keys in the order given, `/` escaped as `\\/`, non-ASCII
as `\\uXXXX`. The signed body is sent as the same object with `signature` appended last.
Used by callbacks (notify.py); kept here so the algorithm and its test vector live with
the provider.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Mapping


def php_json_encode(value: Any) -> str:
    """`json_encode($value)` with PHP's default flags."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


def sign(body: Mapping[str, Any], merchant_key: str) -> str:
    """The signature of `body` (any `signature` field in it is left out)."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    message = php_json_encode(unsigned).encode("utf-8")
    return hmac.new(merchant_key.encode("utf-8"), message, hashlib.sha512).hexdigest()


def signed(body: Mapping[str, Any], merchant_key: str) -> dict:
    """`body` plus its `signature`, placed last."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return {**unsigned, "signature": sign(unsigned, merchant_key)}
