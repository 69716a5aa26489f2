"""The controllable clock. Every module asks this clock for "now"; nothing reads wall time.

Three modes, switchable at run time through `/_sim/clock`:
- real: wall time plus an offset (offset 0 by default);
- frozen: time stands still at a set instant until advanced or set;
- offset: `advance()` on a running clock just moves the offset forward.
Durations like "30m", "1h30m", "1500ms", "2d" are parsed by `parse_duration`.

Instants stay within `EARLIEST`..`LATEST` and durations within ±`LONGEST`, so "now" plus
any duration (an order's expiry, a clock advance) is always a representable datetime:
out-of-range input is a ValueError naming it, never an OverflowError deep in a request.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}

EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(8000, 1, 1, tzinfo=timezone.utc)
LONGEST = timedelta(days=365 * 1000)


def _bounded_duration(seconds: float, text) -> timedelta:
    try:
        duration = timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        duration = None
    if duration is None or abs(duration) > LONGEST:
        raise ValueError(f"{text!r} is not a duration within ±{LONGEST.days // 365} years")
    return duration


def check_instant(value: datetime, text=None) -> datetime:
    """`value` if the simulator can work with it (EARLIEST..LATEST), else ValueError."""
    try:
        in_range = EARLIEST <= value <= LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise ValueError(f"{value.isoformat() if text is None else repr(text)} is outside the "
                         f"simulator's range {EARLIEST.date()}..{LATEST.date()}")
    return value


def parse_duration(text: str | int | float) -> timedelta:
    """'90s', '30m', '1h30m', '1500ms', '2d' or a number of seconds → timedelta.

    Raises ValueError naming the input when it is not a duration."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, (int, float)):
        return _bounded_duration(text, text)
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration; expected e.g. '30m', '24h', '1500ms'")
    compact = text.strip().replace(" ", "")
    negative = compact.startswith("-")
    if negative:
        compact = compact[1:]
    if not compact or _DURATION_PART.sub("", compact):
        raise ValueError(f"{text!r} is not a duration; expected e.g. '30m', '24h', '1500ms'")
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(compact))
    return _bounded_duration(-seconds if negative else seconds, text)


def parse_instant(text: str) -> datetime:
    """ISO-8601 with an offset (or 'Z') → aware datetime. Naive input is refused."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not an ISO-8601 timestamp")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO-8601 timestamp") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; write e.g. 2026-01-15T10:00:00+07:00")
    return check_instant(value, text)


class Clock:
    """Simulated time. `now()` is cheap: one lock-free read of two attributes."""

    def __init__(self, start: datetime | None = None, frozen: bool = False,
                 wall=time.time):
        self._wall = wall
        self._lock = threading.Lock()
        self._frozen_at: datetime | None = None
        self._offset = timedelta(0)
        self.configure(start, frozen)

    def configure(self, start: datetime | None, frozen: bool) -> None:
        """Start at `start` (or wall time) and keep running unless `frozen`."""
        with self._lock:
            wall_now = self._wall_now()
            start = start or wall_now
            if frozen:
                self._frozen_at, self._offset = start, timedelta(0)
            else:
                self._frozen_at, self._offset = None, start - wall_now

    def _wall_now(self) -> datetime:
        return datetime.fromtimestamp(self._wall(), timezone.utc)

    def now(self) -> datetime:
        frozen_at = self._frozen_at
        if frozen_at is not None:
            return frozen_at
        return self._wall_now() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward (or back) by `delta`; ValueError if that leaves the range."""
        check_instant(self.now() + delta)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
        return self.now()

    def set(self, instant: datetime, frozen: bool | None = None) -> datetime:
        """Jump to `instant`; keeps the current frozen/running mode unless told."""
        self.configure(instant, self.frozen if frozen is None else frozen)
        return self.now()

    def describe(self) -> dict:
        return {"now": self.now().isoformat(), "frozen": self.frozen}
