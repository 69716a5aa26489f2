"""Credentials never leave the simulator whole: the masked form of secrets, for the journal,
the webhook delivery log and every other place that shows what the simulator saw.

Two layers:

- At write time, `redact_headers` masks every credential-carrying header (Authorization in
  any shape — Basic, Bearer, scheme-less base64, anything else — and each provider's secret
  headers) before the journal stores it, so a client's wrong or production key is never
  kept, not even in a SQLite file.
- At read time, a `Redactor` built from the scenario's merchants replaces any known secret
  credential, and any JSON Web Token (Pivot's access tokens), wherever it still appears in
  text: a request body, a response body, a note. It is the safety net for places no rule
  foresaw.

`mask(value)` keeps a short prefix and a short fingerprint so a reader can still tell two
values apart (`U0It…·3fa9` vs `U0It…·81c2`) without learning either.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Iterable, Mapping

PREFIX = 4                    # characters of a secret shown before the ellipsis
SHORTEST_WITH_PREFIX = 12     # shorter values show no prefix at all
# Any compact JWS: base64url JSON header ("eyJ"), payload and signature.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}")
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key",
                                "x-merchant-secret", "cookie", "set-cookie"})


def fingerprint(value: str) -> str:
    """4 hex characters that tell two values apart (not a way back to either)."""
    return hashlib.sha256(b"payment-sandbox/mask\0" + value.encode("utf-8", "replace")).hexdigest()[:4]


@lru_cache(maxsize=4096)          # the same credentials arrive on every call of a merchant
def mask(value: str) -> str:
    """`SB-M…·3fa9`: a short prefix, an ellipsis and a fingerprint; no prefix for short values."""
    if not value:
        return value
    shown = value[:PREFIX] if len(value) >= SHORTEST_WITH_PREFIX else ""
    return f"{shown}…·{fingerprint(value)}"


def mask_authorization(value: str) -> str:
    """An Authorization header with its credential masked; the scheme stays readable when
    there is one (`Basic U0It…·3fa9`, `Bearer eyJh…·81c2`, or just `U0It…·3fa9`)."""
    scheme, space, rest = value.strip().partition(" ")
    if space and scheme.isalpha() and len(scheme) <= 20:
        return f"{scheme} {mask(rest.strip())}"
    return mask(value.strip())


def redact_headers(headers: Iterable[tuple[str, str]], secret_names: frozenset[str] = frozenset()) -> dict:
    """Headers as a dict with every credential masked: the journal never stores a secret."""
    out = {}
    for name, value in headers:
        lower = name.lower()
        if lower in ("authorization", "proxy-authorization"):
            out[name] = mask_authorization(value)
        elif lower in CREDENTIAL_HEADERS or lower in secret_names:
            out[name] = mask(value)
        else:
            out[name] = value
    return out


@lru_cache(maxsize=1024)
def redact_header_set(items: tuple[tuple[str, str], ...], secret_names: frozenset[str] = frozenset()) -> dict:
    """`redact_headers` of a whole header set, remembered: a client sends the same headers
    call after call, so each set is masked once. Callers copy the dict before changing it."""
    return redact_headers(items, secret_names)


class Redactor:
    """Masks the given secrets and every JWT wherever they occur in a text."""

    def __init__(self, secrets: Iterable[str] = ()):
        # longest first, so a secret that contains another is masked whole
        known = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
        alternatives = [re.escape(s) for s in known] + [JWT.pattern]
        self._pattern = re.compile("|".join(alternatives))

    def text(self, value: str) -> str:
        return self._pattern.sub(lambda m: mask(m.group(0)), value)

    def value(self, value):
        """`value` (JSON-like: dicts, lists, strings) with every secret masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def merchant_secrets(merchants: Iterable, secret_keys: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The secret credentials of `merchants`; `secret_keys` is provider → credential names."""
    return [str(m.credentials[key]) for m in merchants
            for key in secret_keys.get(m.provider, ()) if m.credentials.get(key)]
