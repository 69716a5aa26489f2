"""The one way a provider honours a client's idempotency key (Midtrans `Idempotency-Key`,
DOKU `Request-Id`, and the create calls' keys): `once(cache, key, fingerprint, work)`.

The first call with a key claims it and runs `work`; a later call with the same key gets the
remembered answer (`Replayed`), or learns that the first is still running (`InFlight`) or
that the key was reused for a different request (`Clash`, when fingerprints differ). Each
provider renders these outcomes its own way; the bookkeeping lives only here:

- a key is released whenever the first attempt does not finish with an answer to remember
  — an exception (a store error, an injected fault firing mid-call), or an answer the
  provider does not replay (`remember` says no) — so a failed first attempt never blocks
  its retry;
- otherwise the answer is stored under the key, for the cache's time to live.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Union

from .replay import ReplayCache

Answer = tuple[Any, int]              # (body, HTTP status)


@dataclass(frozen=True)
class Fresh:
    """`work` ran now; this is its answer."""
    body: Any
    status: int


@dataclass(frozen=True)
class Replayed:
    """The key was seen with the same request: the first answer, stored."""
    body: Any
    status: int


@dataclass(frozen=True)
class InFlight:
    """The first request with this key has not answered yet."""


@dataclass(frozen=True)
class Clash:
    """The key was used before for a request with another fingerprint."""
    body: Any
    status: int


Outcome = Union[Fresh, Replayed, InFlight, Clash]


def fingerprint(raw: bytes) -> str:
    """What tells two requests with one key apart: the SHA-256 of the raw body bytes."""
    return hashlib.sha256(raw).hexdigest()


def always(body: Any, status: int) -> bool:
    return True


def once(cache: ReplayCache, key: str | None, fingerprint: str, work: Callable[[], Answer],
         remember: Callable[[Any, int], bool] = always) -> Outcome:
    """Run `work` at most once per `key` (None: no key, just run it)."""
    if key is None:
        return Fresh(*work())
    seen = cache.claim(key, fingerprint)
    if seen is not None:
        if seen.in_flight:
            return InFlight()
        if seen.fingerprint != fingerprint:
            return Clash(seen.body, seen.status)
        return Replayed(seen.body, seen.status)
    try:
        body, status = work()
    except BaseException:
        cache.release(key)
        raise
    if remember(body, status):
        cache.complete(key, status, body)
    else:
        cache.release(key)
    return Fresh(body, status)
