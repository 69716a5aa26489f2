"""Compact JSON text (`{"a":1}`, non-ASCII kept) from one prebuilt encoder.

`json.dumps(value, separators=(",", ":"), ensure_ascii=False)` builds a new `JSONEncoder` on
every call because its arguments are not the defaults; on the hot path (every answer, every
stored order and journal entry) that cost more than the encoding itself.
"""

from __future__ import annotations

import json

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def compact(value) -> str:
    return _ENCODER.encode(value)
