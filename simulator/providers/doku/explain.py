"""Why a DOKU signature did not match: the journal's `signature` note.

An HMAC cannot be inverted, so the simulator re-signs the request with the mistakes
clients plausibly make — one component at a time — and reports the one whose signature
equals the presented one: a Digest over re-serialised JSON instead of the raw bytes, a
Request-Target with the `/doku` mount, the query string or the full URL, a Digest line on
GET or none on POST, a trailing newline, lower-case component names, a timestamp a few
seconds off, another merchant's credentials… When none matches, the Secret Key or a
signed value (Client-Id, Request-Id, Request-Timestamp, body bytes) differs from what was
sent, and the note shows the expected string-to-sign to diff against the client's own.

The note never contains a secret key; candidates signed with another merchant's key name
that merchant's Client-Id only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator

from . import signature
from .signature import Components

TIMESTAMP_DRIFT = 300      # seconds either side searched for a "signed at another time" match
KNOWN_TARGETS = ("/checkout/v1/payment", "/checkout/v3/cancellations")


@dataclass(frozen=True)
class Attempt:
    """What a request carried, as the verifier saw it."""
    expected: Components           # with the canonical (un-mounted) Request-Target
    accepted_targets: tuple[str, ...]
    method: str
    path: str                      # as received, mount prefix included
    query: str
    url_root: str                  # scheme://host, for "signed the full URL"
    body: bytes
    header: str                    # the Signature header value


def explain(attempt: Attempt, secret_key: str, own_client_id: str,
            others: Iterable[tuple[str, str]]) -> dict:
    """The `signature` journal note for a refused signature. `others` are the other DOKU
    merchants' (Client-Id, Secret Key) pairs."""
    expected = attempt.expected.string_to_sign()
    note = {"valid": False, "expected_string_to_sign": expected, "digest": attempt.expected.digest,
            "request_target": attempt.expected.target,
            "accepted_request_targets": list(attempt.accepted_targets)}
    strict = signature.presented_mac(attempt.header)
    presented, encoding_problem = strict, None
    if strict is None:
        presented, encoding_problem = _lenient_mac(attempt.header)
        if presented is None:
            return {**note, "differs": "Signature format",
                    "explanation": f"the Signature header is not '{signature.PREFIX}' followed "
                                   "by the base64 of a 32-byte HMAC-SHA256"}
    if encoding_problem and signature.matches(secret_key, expected, presented):
        return {**note, "differs": "Signature format", "explanation": encoding_problem}

    tried = 0
    for component, why, candidate, key in _candidates(attempt, secret_key, own_client_id, others):
        tried += 1
        if signature.matches(key, candidate, presented):
            found = {**note, "differs": component, "explanation": why,
                     "signed_string_to_sign": candidate, "candidates_tried": tried}
            if encoding_problem:
                found["also"] = encoding_problem
            return found
    return {**note, "differs": None, "candidates_tried": tried,
            "explanation": "no common mistake reproduces this signature: the Secret Key is "
                           "likely wrong, or a signed value (Client-Id, Request-Id, "
                           "Request-Timestamp, the body bytes behind the Digest) differs from "
                           "what was sent; compare expected_string_to_sign with yours"}


def _lenient_mac(header: str) -> tuple[bytes | None, str | None]:
    value = header.strip()
    has_prefix = value.upper().startswith(signature.PREFIX)
    rest = value[len(signature.PREFIX):] if has_prefix else value
    problem = (f"the prefix must be exactly '{signature.PREFIX}'" if has_prefix
               else f"the Signature header lacks the '{signature.PREFIX}' prefix")
    mac = signature.decode_mac(rest.strip())
    if mac is None and len(rest) == 64:
        try:
            mac = bytes.fromhex(rest)
            problem += "; the HMAC is hex-encoded, DOKU expects base64"
        except ValueError:
            mac = None
    if mac is None:
        mac = signature.decode_mac(rest.strip().replace("-", "+").replace("_", "/"))
        if mac is not None:
            problem += "; the HMAC is URL-safe base64, DOKU expects standard base64"
    return mac, problem


def _candidates(attempt: Attempt, secret: str, own_client_id: str,
                others: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str, str]]:
    """(component, explanation, string-to-sign, key) for every plausible mistake."""
    base = attempt.expected
    for component, why, components in _one_component_off(attempt):
        yield component, why, components.string_to_sign(), secret
    for text, why in _layout_mistakes(base):
        yield "format", why, text, secret
    for client_id, other_secret in others:
        yield ("Client-Id", f"signed with the credentials of Client-Id {client_id}, but the "
               f"Client-Id header says {base.client_id}",
               base.with_(client_id=client_id).string_to_sign(), other_secret)
        yield ("Secret Key", f"signed with the Secret Key of another merchant (Client-Id "
               f"{client_id})", base.string_to_sign(), other_secret)
    yield ("Secret Key", "the Client-Id was used as the HMAC key instead of the Secret Key",
           base.string_to_sign(), own_client_id)


def _one_component_off(attempt: Attempt) -> Iterator[tuple[str, str, Components]]:
    base = attempt.expected
    for target, why in _target_mistakes(attempt):
        yield "Request-Target", why, base.with_(target=target)
    for digest, why in _digest_mistakes(attempt):
        yield "Digest", why, base.with_(digest=digest)
    for stamp, why in _timestamp_mistakes(base.timestamp):
        yield "Request-Timestamp", why, base.with_(timestamp=stamp)
    original = _original_request_id(attempt.body)
    if original and original != base.request_id:
        yield ("Request-Id", "signed payment.original_request_id as Request-Id; the Request-Id "
               "line must carry this request's own Request-Id header",
               base.with_(request_id=original))


def _target_mistakes(attempt: Attempt) -> Iterator[tuple[str, str]]:
    target, accepted = attempt.expected.target, set(attempt.accepted_targets)
    options = [
        (f"/doku{target}", "signed the path with the simulator's /doku mount prefix while "
                           "calling the root mount"),
        (f"{attempt.path}?{attempt.query}", "signed the path with its query string; "
                                            "Request-Target is the path only"),
        (f"{target}?{attempt.query}", "signed the path with its query string; "
                                      "Request-Target is the path only"),
        (target.lstrip("/"), "signed the path without its leading '/'"),
        (f"{target}/", "signed the path with a trailing '/'"),
        (f"{attempt.url_root}{attempt.path}", "signed the full URL; Request-Target is the path only"),
        (f"{attempt.url_root}{target}", "signed the full URL; Request-Target is the path only"),
        (f"{attempt.method.lower()} {target}", "signed '<method> <path>' (HTTP-signature style); "
                                               "Request-Target is the path only"),
    ]
    options += [(known, f"signed the path of another DOKU endpoint ({known})")
                for known in KNOWN_TARGETS]
    seen = set(accepted)
    for candidate, why in options:
        if candidate not in seen and (attempt.query or "?" not in candidate):
            seen.add(candidate)
            yield candidate, why


def _digest_mistakes(attempt: Attempt) -> Iterator[tuple[str | None, str]]:
    if attempt.expected.digest is None:      # GET: DOKU wants no Digest line at all
        yield signature.digest(b""), "added a Digest line (of an empty body) to a GET; GET has no Digest line"
        yield "", "added an empty Digest line to a GET; GET has no Digest line"
        return
    body = attempt.body
    yield None, "left the Digest line out of a request with a body"
    yield signature.digest(b""), "computed the Digest over an empty body"
    yield (hashlib.sha256(body).hexdigest(),
           "hex-encoded the Digest; DOKU expects base64 of the SHA-256")
    yield signature.digest(body + b"\n"), "computed the Digest over the body plus a trailing newline"
    if body != body.strip():
        yield signature.digest(body.strip()), "computed the Digest over the body without its surrounding whitespace"
    try:
        parsed = json.loads(body)
    except ValueError:
        return
    seen = {body}
    for label, kwargs in (("minified", {"separators": (",", ":")}),
                          ("json.dumps default (', ' and ': ')", {}),
                          ("pretty-printed with 2 spaces", {"indent": 2}),
                          ("pretty-printed with 4 spaces", {"indent": 4}),
                          ("minified with sorted keys", {"separators": (",", ":"), "sort_keys": True}),
                          ("json.dumps default with sorted keys", {"sort_keys": True})):
        for ascii_only in (False, True):
            text = json.dumps(parsed, ensure_ascii=ascii_only, **kwargs).encode("utf-8")
            if text not in seen:
                seen.add(text)
                yield (signature.digest(text),
                       f"computed the Digest over re-serialised JSON ({label}) instead of the "
                       "exact raw bytes sent")


def _timestamp_mistakes(stamp: str) -> Iterator[tuple[str, str]]:
    try:
        signed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return
    yield stamp[:-1] + ".000Z", "signed the timestamp with milliseconds; sign the header value as sent"
    yield stamp[:-1] + "+00:00", "signed the timestamp with '+00:00'; sign the header value as sent"
    for seconds in range(1, TIMESTAMP_DRIFT + 1):
        for sign_, word in ((-1, "before"), (1, "after")):
            other = (signed + timedelta(seconds=sign_ * seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
            yield other, (f"signed Request-Timestamp {other}, {seconds} s {word} the header's "
                          f"{stamp}: take the time once and use it for both")


def _layout_mistakes(base: Components) -> Iterator[tuple[str, str]]:
    text = base.string_to_sign()
    yield text + "\n", "the string-to-sign ends with a newline; DOKU's has none"
    yield base.string_to_sign(separator="\r\n"), "joined the lines with CRLF; DOKU joins with LF"
    yield (base.string_to_sign(names=tuple(n.lower() for n in signature.NAMES)),
           "wrote the component names in lower case; they are written Client-Id, Request-Id, …")
    yield base.string_to_sign(colon=": "), "put a space after each colon; DOKU writes Name:value"


def _original_request_id(body: bytes) -> str | None:
    try:
        value = json.loads(body)["payment"]["original_request_id"]
    except (ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None
