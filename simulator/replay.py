"""Remembered responses, keyed by a client's idempotency key (Midtrans `Idempotency-Key`,
DOKU `Request-Id`, …), for a while on the simulator clock.

The entries live in the run state, so a retry that lands on another process finds the
first answer. `claim()` is atomic in the store: the first caller with a key gets `None`
and goes on to do the work, then `complete()`s (or `release()`s) the key; every later
caller gets the `Remembered` entry — still `in_flight`, or holding the stored answer and
the fingerprint of the request that produced it, so a provider can tell a true retry from
a clash. `simulator.idempotency.once` is the one place that drives these calls.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .store import Remembered

__all__ = ["Remembered", "ReplayCache"]


class ReplayCache:
    def __init__(self, run, name: str, clock, ttl: timedelta | None = None):
        self.run, self.name, self.clock, self.ttl = run, name, clock, ttl

    def claim(self, key: str, fingerprint: str) -> Remembered | None:
        return self.run.replay_claim(self.name, key, fingerprint, self.clock.now(), self.ttl)

    def complete(self, key: str, status: int, body: Any) -> None:
        self.run.replay_complete(self.name, key, status, body)

    def release(self, key: str) -> None:
        self.run.replay_release(self.name, key)
