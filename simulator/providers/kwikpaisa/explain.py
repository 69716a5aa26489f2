"""Why a KwikPaisa signature did not match: the journal note of a 401 `Invalid signature.`

Runs only after a mismatch, never on the accepted path. It records what the simulator
expected — the canonical payload, the exact message (payload + X-TIMESTAMP) and the first
characters of its HMAC —, which accepted forms were tried, and then replays common client mistakes to
name the one that reproduces the signature received, and the component it lies in
(payload, timestamp, secret, encoding). The secret itself is never written down, and
neither is a whole expected HMAC: the journal must not become a signing oracle, so it shows
`SIGNATURE_SHOWN` hex characters of each, enough to compare with what a client computed.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, Iterator, Mapping

from ...merchants import Merchant
from ...redaction import mask
from ...wire import sandbox
from . import signature
from .payload import Body

NOTE_TEXT_CAP = 4096        # characters of each message kept in the journal note
TIMESTAMP_SEARCH_CAP = 900  # seconds either side searched for a changed X-TIMESTAMP
SIGNATURE_TEXT_CAP = 200    # characters of the received X-SIGNATURE kept
SIGNATURE_SHOWN = 8         # hex characters of an expected HMAC shown (never all 64)
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
# an order_id string a client may have sent as a JSON integer: ASCII digits only, since
# str.isdigit() also accepts '³' and other Unicode digits that int() refuses
_INTEGER_TEXT = re.compile(r"-?[0-9]{1,30}")


def diagnose(provided: str, timestamp: str, raw: bytes, body: Body, merchant: Merchant,
             accepted: Mapping[str, bytes], strict: bool, window: int) -> dict:
    secret = merchant.credentials["secret_key"]
    canonical = accepted.get("canonical")
    expected = raw if canonical is None else canonical
    note: dict[str, Any] = {
        "result": "mismatch",
        "mode": "strict (canonical payload only)" if strict else "tolerant (raw body or canonical payload)",
        "received_signature": provided[:SIGNATURE_TEXT_CAP],
        "x_timestamp": timestamp,
        "expected_canonical_payload": _text(canonical) if canonical is not None else None,
        "expected_message": _text(signature.message(expected, timestamp)),
        "expected_signature": _shown(signature.sign(expected, timestamp, secret)),
        "tried": [{"form": form, "message": _text(signature.message(payload, timestamp)),
                   "signature": _shown(signature.sign(payload, timestamp, secret))}
                  for form, payload in accepted.items()],
    }
    if not _HEX_DIGEST.fullmatch(provided):
        note["signature_format"] = (f"X-SIGNATURE has {len(provided)} characters; expected 64 "
                                    "lowercase hex characters")
    if canonical is None:
        note["payload_note"] = f"the body is not JSON ({body.problem}), so only the raw bytes were tried"
    replay = _Replay(provided)
    for component, mistake, payload, suffix, key in _mistakes(raw, body, timestamp, merchant,
                                                              accepted, strict, window):
        if replay.reproduces(payload, suffix, key):
            note.update(component=component, likely_mistake=mistake,
                        matched_message=_text(payload + suffix))
            return note
    note.update(component=None, likely_mistake=None,
                hint="no common mistake reproduces this signature: the body or X-TIMESTAMP "
                     "was changed after signing, or it was signed with a secret_key other "
                     f"than the one of the merchant whose X-API-KEY is {mask(merchant.credentials['api_key'])}")
    return note


class _Replay:
    """Signs candidate messages `payload + suffix`, hashing each (payload, key) prefix once,
    so trying a thousand timestamps on a large body stays cheap."""

    def __init__(self, provided: str):
        self.provided = provided
        self._prefixes: dict[tuple[bytes, str], Any] = {}

    def reproduces(self, payload: bytes, suffix: bytes, key: str) -> bool:
        prefix = self._prefixes.get((payload, key))
        if prefix is None:
            prefix = self._prefixes[(payload, key)] = signature.hmac_state(payload, key)
        mac = prefix.copy()
        mac.update(suffix)
        digest = mac.digest()
        return self.provided in (digest.hex(), digest.hex().upper(), base64.b64encode(digest).decode())


def _mistakes(raw: bytes, body: Body, timestamp: str, merchant: Merchant,
              accepted: Mapping[str, bytes], strict: bool,
              window: int) -> Iterator[tuple[str, str, bytes, bytes, str]]:
    """(component, what the client did wrong, payload, suffix, key): the client signed
    payload + suffix with key."""
    secret = merchant.credentials["secret_key"]
    ts = timestamp.encode()
    for form, payload in accepted.items():
        yield ("encoding", f"the {form} signature was sent in uppercase hex or base64; send the "
               "64-character lowercase hex digest", payload, ts, secret)
    if strict:
        yield ("payload", "signed the raw body as sent, which is not the canonical form; this "
               "merchant's strict_signature mode accepts only the recursively key-sorted, compact "
               "JSON", raw, ts, secret)
    for mistake, payload in _payload_variants(raw, body):
        yield "payload", mistake, payload, ts, secret
    for form, payload in accepted.items():
        yield ("payload", f"signed the {form} payload without appending X-TIMESTAMP",
               payload, b"", secret)
        yield ("payload", f"put X-TIMESTAMP before the {form} payload; the message is payload "
               "+ timestamp", ts + payload, b"", secret)
    yield from _timestamp_variants(timestamp, accepted, secret, window)
    for other in sandbox().merchants.for_provider(merchant.provider):
        key = other.credentials.get("secret_key")
        if other.id != merchant.id and key and key != secret:
            for form, payload in accepted.items():
                yield ("secret", f"signed with the secret_key of merchant {other.id}, not of the "
                       f"merchant whose X-API-KEY was sent ({merchant.id})", payload, ts, key)


def _payload_variants(raw: bytes, body: Body) -> Iterator[tuple[str, bytes]]:
    if not body.parsed:
        return
    data = body.data
    canonical = signature.canonical_payload(data)
    if isinstance(data, dict):
        top_level = json.dumps({k: data[k] for k in sorted(data)}, separators=(",", ":"),
                               ensure_ascii=False)
        yield ("sorted the keys only at the top level (as the doc's Node.js sample does); "
               "nested objects must be key-sorted too", top_level.encode())
        for spelling, other in _other_order_id_spellings(data):
            yield (f"signed order_id as {spelling} but sent it as "
                   f"{'a string' if isinstance(data['order_id'], str) else 'an integer'}; "
                   "the type is part of the signed JSON",
                   signature.canonical_payload(other).encode())
    yield ("escaped slashes as \\/ (PHP json_encode without JSON_UNESCAPED_SLASHES)",
           canonical.replace("/", "\\/").encode())
    yield ("serialised with spaces after ',' and ':'; the payload must be compact",
           json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
    yield ("left the keys in the order sent; they must be sorted alphabetically at every level",
           json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


def _other_order_id_spellings(data: dict) -> Iterator[tuple[str, dict]]:
    value = data.get("order_id")
    if isinstance(value, int) and not isinstance(value, bool):
        yield "a string", {**data, "order_id": str(value)}
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        yield "an integer", {**data, "order_id": int(value)}


def _timestamp_variants(timestamp: str, accepted: Mapping[str, bytes], secret: str,
                        window: int) -> Iterator[tuple[str, str, bytes, bytes, str]]:
    if not timestamp.isdigit():
        return
    seconds = int(timestamp)
    for form, payload in accepted.items():
        for millis in range(seconds * 1000, seconds * 1000 + 1000):
            yield ("timestamp", f"signed with a millisecond timestamp ({millis}) but sent "
                   "X-TIMESTAMP in seconds; sign the exact X-TIMESTAMP header value",
                   payload, str(millis).encode(), secret)
    reach = min(window, TIMESTAMP_SEARCH_CAP)
    for form, payload in accepted.items():
        for shift in range(1, reach + 1):
            for other in (seconds - shift, seconds + shift):
                yield ("timestamp", f"signed with X-TIMESTAMP {other} but sent {timestamp}: the "
                       "timestamp changed after signing", payload, str(other).encode(), secret)


def _shown(hex_digest: str) -> str:
    """The first characters of an expected signature: enough to compare, not to forge."""
    return f"{hex_digest[:SIGNATURE_SHOWN]}…"


def _text(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    return text if len(text) <= NOTE_TEXT_CAP else f"{text[:NOTE_TEXT_CAP]}…<{len(text) - NOTE_TEXT_CAP} more chars>"
