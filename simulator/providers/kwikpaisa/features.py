"""Per-merchant KwikPaisa switches, read from the scenario's `features:` mapping.

    features: {timestamp_window_seconds: 300, strict_signature: false, time_zone: Asia/Kolkata}

- `timestamp_window_seconds`: how far X-TIMESTAMP may be from the simulator clock, either
  way (default 300).
- `strict_signature`: accept only signatures over the canonical payload, never over the
  raw body bytes (default false).
- `time_zone`: zone of `created_at` / `paid_at` / `cancelled_at`: an IANA name
  (`Asia/Kolkata`, `UTC`) or an offset like `+05:30` (default `Asia/Kolkata`).

A value of the wrong kind falls back to the default and says so in the journal.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...merchants import Merchant
from ...wire import annotate

DEFAULT_WINDOW_SECONDS = 300
DEFAULT_TIME_ZONE = "Asia/Kolkata"
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def timestamp_window(merchant: Merchant) -> int:
    value = merchant.feature("timestamp_window_seconds", DEFAULT_WINDOW_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        annotate(feature=f"timestamp_window_seconds {value!r} is not a whole number of seconds "
                         f"≥ 0; using {DEFAULT_WINDOW_SECONDS}")
        return DEFAULT_WINDOW_SECONDS
    return value


def strict_signature(merchant: Merchant) -> bool:
    return merchant.feature("strict_signature", False) is True


def time_zone(merchant: Merchant) -> tzinfo:
    name = merchant.feature("time_zone", DEFAULT_TIME_ZONE)
    zone = _zone(name) if isinstance(name, str) else None
    if zone is None:
        annotate(feature=f"time_zone {name!r} is neither an IANA zone nor an offset like "
                         f"+05:30; using {DEFAULT_TIME_ZONE}")
        return _zone(DEFAULT_TIME_ZONE)
    return zone


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo | None:
    match = _OFFSET.fullmatch(name.strip())
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta) if delta < timedelta(hours=24) else None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
