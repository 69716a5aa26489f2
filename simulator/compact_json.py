"""Compact JSON text (`{"a":1}`, non-ASCII kept) from one prebuilt encoder.

`json.dumps(value, separators=(",", ":"), ensure_ascii=False)` builds a new `JSONEncoder` on
every call because its arguments are not the defaults; on the hot path (every answer, every
stored order and journal entry) that cost more than the encoding itself.
"""

from __future__ import annotations

import json
from json import encoder

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
# The C encoder JSONEncoder.encode builds on every call, built once: a third of encoding
# a cancel's answer. No circular-reference check (nothing here encodes a cycle; one would
# end in RecursionError, an error answer, instead of ValueError).
_C_ENCODE = (encoder.c_make_encoder(None, _ENCODER.default, encoder.encode_basestring, None, ":", ",",
                                    False, False, True) if encoder.c_make_encoder else None)


def compact(value) -> str:
    if _C_ENCODE is None or isinstance(value, str):       # no C accelerator; a bare string
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))
