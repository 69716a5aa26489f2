"""Remembered responses, keyed by a client's idempotency key (Midtrans `Idempotency-Key`,
DOKU `Request-Id`, …), for a while on the simulator clock.

`claim()` is atomic: the first caller with a key gets `None` and goes on to do the work,
then `complete()`s (or `release()`s) the key; every later caller gets the `Remembered`
entry — still `in_flight`, or holding the stored answer and the fingerprint of the
request that produced it, so a provider can tell a true retry from a clash. Bounded: the
oldest keys are forgotten past `cap`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass
class Remembered:
    fingerprint: str
    claimed_at: datetime
    in_flight: bool = True
    status: int | None = None
    body: Any = None


class ReplayCache:
    def __init__(self, clock, ttl: timedelta | None = None, cap: int = 10_000):
        self.clock, self.ttl, self.cap = clock, ttl, cap
        self._entries: OrderedDict[str, Remembered] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: str, fingerprint: str) -> Remembered | None:
        now = self.clock.now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self.ttl is not None and now - entry.claimed_at > self.ttl:
                del self._entries[key]
                entry = None
            if entry is not None:
                return entry
            self._entries[key] = Remembered(fingerprint, now)
            while len(self._entries) > self.cap:
                self._entries.popitem(last=False)
            return None

    def complete(self, key: str, status: int, body: Any) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.in_flight, entry.status, entry.body = False, status, body

    def release(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
