"""The controllable clock. Every module asks this clock for "now"; nothing reads wall time.

The clock's state (frozen instant, or offset from wall time) lives in the run state, so
every process of a run reads the same time. Three modes, switchable at run time through
`/_sim/clock`:
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
from typing import NamedTuple

from .limits import shown
from .store.base import ClockState

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
        raise ValueError(f"{shown(text)} is not a duration within ±{LONGEST.days // 365} years")
    return duration


def check_instant(value: datetime, text=None) -> datetime:
    """`value` if the simulator can work with it (EARLIEST..LATEST), else ValueError."""
    try:
        in_range = EARLIEST <= value <= LATEST
    except OverflowError:
        in_range = False
    if not in_range:
        raise ValueError(f"{value.isoformat() if text is None else shown(text)} is outside the "
                         f"simulator's range {EARLIEST.date()}..{LATEST.date()}")
    return value


def parse_duration(text: str | int | float) -> timedelta:
    """'90s', '30m', '1h30m', '1500ms', '2d' or a number of seconds → timedelta.

    Raises ValueError naming the input when it is not a duration."""
    if isinstance(text, bool):
        raise ValueError(f"{shown(text)} is not a duration")
    if isinstance(text, (int, float)):
        return _bounded_duration(text, text)
    if not isinstance(text, str):
        raise ValueError(f"{shown(text)} is not a duration; expected e.g. '30m', '24h', '1500ms'")
    compact = text.strip().replace(" ", "")
    negative = compact.startswith("-")
    if negative:
        compact = compact[1:]
    if not compact or _DURATION_PART.sub("", compact):
        raise ValueError(f"{shown(text)} is not a duration; expected e.g. '30m', '24h', '1500ms'")
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(compact))
    return _bounded_duration(-seconds if negative else seconds, text)


def parse_instant(text: str) -> datetime:
    """ISO-8601 with an offset (or 'Z') → aware datetime. Naive input is refused."""
    if not isinstance(text, str):
        raise ValueError(f"{shown(text)} is not an ISO-8601 timestamp")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{shown(text)} is not an ISO-8601 timestamp") from None
    if value.tzinfo is None:
        raise ValueError(f"{shown(text)} has no UTC offset; write e.g. 2026-01-15T10:00:00+07:00")
    return check_instant(value, text)


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ZONES: dict[int, timezone] = {}


def _zone(minutes: int) -> timezone:
    zone = _ZONES.get(minutes)
    if zone is None:
        zone = _ZONES[minutes] = timezone(timedelta(minutes=minutes)) if minutes else timezone.utc
    return zone


_EPOCHS: dict[int, datetime] = {}


def _epoch_in(minutes: int) -> datetime:
    """The epoch shown in the zone of that UTC offset (zones here are fixed offsets, so the
    epoch there plus a duration is that instant shown there)."""
    epoch = _EPOCHS.get(minutes)
    if epoch is None:
        epoch = _EPOCHS[minutes] = EPOCH.astimezone(_zone(minutes))
    return epoch


def initial_state(start: datetime | None, frozen: bool, wall=time.time) -> ClockState:
    """The stored state of a clock that starts at `start` (None: wall time, shown in UTC) now;
    it shows time in `start`'s UTC offset."""
    wall_micros = int(wall() * 1_000_000)
    zone = int(start.utcoffset() // timedelta(minutes=1)) if start else 0
    if frozen:
        return ClockState(True, _micros(start) if start else wall_micros, zone)
    return ClockState(False, _micros(start) - wall_micros if start else 0, zone)


class LocalCell:
    """A clock state held in this process only (a standalone clock: unit tests, tools)."""

    def __init__(self, state: ClockState):
        self._state, self._lock = state, threading.Lock()

    def read(self) -> ClockState:
        return self._state

    def change(self, change) -> ClockState:
        with self._lock:
            self._state = change(self._state)
            return self._state


class Stamp(NamedTuple):
    state: ClockState
    wall: float          # time.time() when taken

    def instant(self) -> datetime:
        return _moment(self.state, self.wall)


def _moment(state: ClockState, wall: float) -> datetime:
    """What a clock in `state` shows at wall time `wall` (time.time())."""
    micros = state.micros if state.frozen else int(wall * 1_000_000) + state.micros
    return _epoch_in(state.zone) + timedelta(0, 0, micros)    # not astimezone: ~0.5 µs less


class Clock:
    """Simulated time, computed from a `ClockState` that lives in a cell: the run state in
    the store (every process shares it; see `Sandbox`), or a `LocalCell`. `now()` reads the
    cell (within a request, the request's snapshot) and adds wall time when running."""

    def __init__(self, start: datetime | None = None, frozen: bool = False,
                 wall=time.time, *, cell=None):
        self._wall = wall
        self._cell = cell if cell is not None else LocalCell(initial_state(start, frozen, wall))

    def _now(self, state: ClockState) -> datetime:
        return _moment(state, self._wall())

    def now(self) -> datetime:
        return self._now(self._cell.read())

    def stamp(self) -> "Stamp":
        """Now, taken cheaply (the state and the wall time, no datetime made): `Stamp.instant()`
        is the datetime `now()` would have given. For records rendered only if ever read."""
        return Stamp(self._cell.read(), self._wall())

    @property
    def frozen(self) -> bool:
        return self._cell.read().frozen

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward (or back) by `delta`; ValueError if that leaves the range."""
        check_instant(self.now() + delta)
        step = delta // timedelta(microseconds=1)
        return self._now(self._cell.change(lambda state: ClockState(state.frozen, state.micros + step,
                                                                    state.zone)))

    def set(self, instant: datetime, frozen: bool | None = None) -> datetime:
        """Jump to `instant`; keeps the current frozen/running mode unless told."""
        def jump(state: ClockState) -> ClockState:
            return initial_state(instant, state.frozen if frozen is None else frozen, self._wall)
        return self._now(self._cell.change(jump))

    def describe(self) -> dict:
        state = self._cell.read()
        return {"now": self._now(state).isoformat(), "frozen": state.frozen}
