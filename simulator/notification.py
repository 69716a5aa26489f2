"""What a provider's notification is, as data: the exact bytes and headers it sends, and the
retry schedule it follows when the merchant does not acknowledge.

A provider declares a `Notifier` (its builder plus its `RetrySchedule`) on its `Provider`;
`webhooks.py` delivers what the builder returns without knowing which provider it serves.
No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Mapping

from .ids import Randomness
from .merchants import Merchant
from .orders import Order, Transition


@dataclass(frozen=True)
class Notification:
    """One notification as it goes on the wire: `body` is signed exactly as sent."""
    event: str                     # the provider's own event name, e.g. "payment.success"
    body: bytes
    headers: Mapping[str, str]


# (order after the change, the transition, its merchant, the notification URL, now, seeded
# randomness) → the notification, or None when the provider sends nothing for this change.
NotificationBuilder = Callable[[Order, Transition, Merchant, str, datetime, Randomness],
                               "Notification | None"]


@dataclass(frozen=True)
class RetrySchedule:
    """When to try again after an attempt that was not acknowledged (not 2xx).

    delays: wait before retry 1, 2, … (simulated time, measured from the previous attempt;
        the last one repeats if more retries are allowed than delays are listed).
    retries_by_status: how many retries a reply code earns, by exact code (503) or by class
        ("5xx"); codes not listed earn `other_status_retries`.
    error_retries: retries after a timeout or a connection that failed.
    """
    delays: tuple[timedelta, ...]
    retries_by_status: Mapping[int | str, int] = field(default_factory=dict)
    other_status_retries: int = 0
    error_retries: int = 0

    def retries(self, status: int | None) -> int:
        if status is None:
            return self.error_retries
        by_code = self.retries_by_status.get(status)
        if by_code is not None:
            return by_code
        return self.retries_by_status.get(f"{status // 100}xx", self.other_status_retries)

    def delay(self, retry_number: int) -> timedelta:
        return self.delays[min(retry_number, len(self.delays)) - 1]


def uniform_retries(*delays: timedelta) -> RetrySchedule:
    """Retry after any failed attempt (non-2xx, timeout, refused), once per delay."""
    return RetrySchedule(delays, other_status_retries=len(delays), error_retries=len(delays))


@dataclass(frozen=True)
class Notifier:
    build: NotificationBuilder
    retries: RetrySchedule
