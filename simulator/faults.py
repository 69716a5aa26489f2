"""Failure injection, the model: what a fault is, how its mapping is validated, and the
book of active faults with their counters and seeded draws. No Flask, no sockets.

A fault is the same mapping in a scenario's `faults:` list and in `POST /_sim/faults`:

    {provider: midtrans, endpoint: cancel, order_id: ORDER-9, action: status, status: 503, times: 2}

- match keys (all optional; none → every provider call): provider, endpoint, merchant,
  order_id, method. endpoint/order_id/merchant are what the provider's views annotate.
- action: delay | status | reset | hang | malformed | empty | content_type | apply_then_fail,
  and for notification deliveries (`endpoint: webhook`): delay | drop | duplicate (`copies: 2`);
  a delivery's `delay` is simulated time, compressed like the providers' retry schedules.
  with its parameter under the key of the same name (`delay: 1500ms` or `[200ms, 2s]`,
  `status: 503`, `hang: 30s`, `content_type: text/html`) and `then: reset | 5xx` for
  apply_then_fail. Any action may also carry a `delay`, waited before it.
- controls: `times` (fire at most N times), `after` (skip the first N matches),
  `probability` (0..1), drawn from a RNG seeded with the scenario seed and the fault's id,
  so the same scenario replays the same hit pattern. `load()` resets every counter.

`FaultBook.decide` counts matches and firings atomically in the run state (shared by every
process); draws are a pure function of the seed, the fault and the match number. Waiting
(delay, hang) is left to the caller.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .clock import parse_duration
from .limits import DEFAULT_LIMITS, Limits, shown
from .suggest import did_you_mean

MATCH_KEYS = ("provider", "endpoint", "merchant", "order_id", "method")
ACTIONS = ("delay", "status", "reset", "hang", "malformed", "empty", "content_type",
           "apply_then_fail", "drop", "duplicate")
WEBHOOK_ENDPOINT = "webhook"                      # faults on notification deliveries
DELIVERY_ACTIONS = ("delay", "drop", "duplicate")
CONTROL_KEYS = ("id", "action", "times", "after", "probability", "delay", "status", "hang",
                "content_type", "then", "copies")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DEFAULT_CONTENT_TYPE = "text/html; charset=utf-8"
_CONTENT_TYPE = re.compile(r"[\x21-\x7e][\x20-\x7e]{0,198}[\x21-\x7e]")
MAX_COPIES = 100             # a duplicate fault's deliveries
MAX_ID = 100                 # characters of a fault id
RESET = "reset"


@dataclass(frozen=True)
class Fault:
    id: str
    action: str
    match: Mapping[str, str]                      # match key → value (method upper-case)
    delay: tuple[float, float] | None = None      # seconds, (low, high); low == high: fixed
    status: int | None = None                     # action status
    hang: float | None = None                     # seconds; None: the server's cap
    content_type: str = DEFAULT_CONTENT_TYPE
    then: int | str = RESET                       # apply_then_fail: "reset" or an HTTP status
    copies: int = 2                               # duplicate: deliveries sent in all
    times: int | None = None
    after: int = 0
    probability: float = 1.0
    spec: Mapping[str, Any] = field(default_factory=dict, compare=False)  # as written

    @property
    def on_deliveries(self) -> bool:
        return self.match.get("endpoint") == WEBHOOK_ENDPOINT

    def matches(self, context: Mapping[str, Any]) -> bool:
        return all(context.get(key) == value for key, value in self.match.items())


# ---------------------------------------------------------------------------------------
# Validation (problems: anything with .add(path, message), e.g. scenarios.Problems)

def parse_faults(items: Any, providers: Iterable[str], problems, where: str = "faults",
                 limits: Limits = DEFAULT_LIMITS) -> list[Fault]:
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add(where, "expected a list of faults")
        return []
    faults, ids = [], set()
    for i, item in enumerate(items):
        fault = parse_fault(item, providers, problems, f"{where}[{i}]", default_id=f"fault-{i + 1}",
                            limits=limits)
        if fault is None:
            continue
        if fault.id in ids:
            problems.add(f"{where}[{i}].id", f"{shown(fault.id)} is already the id of another fault")
            continue
        ids.add(fault.id)
        faults.append(fault)
    return faults


def parse_fault(item: Any, providers: Iterable[str], problems, where: str,
                default_id: str, limits: Limits = DEFAULT_LIMITS) -> Fault | None:
    """One fault mapping → Fault, or None after adding problems named `where.key`."""
    if not isinstance(item, dict):
        problems.add(where, "expected a mapping like {provider: midtrans, action: status, status: 503}")
        return None
    prefix = f"{where}." if where else ""
    count = len(problems.items)
    problems.unknown_keys(item, MATCH_KEYS + CONTROL_KEYS, where)

    action = item.get("action")
    if action not in ACTIONS:
        what = "required" if action is None else f"{shown(action)} is not an action"
        problems.add(f"{prefix}action", f"{what}; expected one of {', '.join(ACTIONS)}")
    endpoints = {name: tuple(getattr(p, "endpoints", ())) for name, p in providers.items()} \
        if isinstance(providers, Mapping) else {}
    match = _match(item, sorted(providers), prefix, problems, endpoints)
    if match.get("endpoint") == WEBHOOK_ENDPOINT:
        if action in ACTIONS and action not in DELIVERY_ACTIONS:
            problems.add(f"{prefix}action", f"{shown(action)} does not apply to notification deliveries; "
                         f"expected one of {', '.join(DELIVERY_ACTIONS)}")
        if "method" in match:
            problems.add(f"{prefix}method", "notification deliveries are always POST; remove method")
    elif action in ("drop", "duplicate"):
        problems.add(f"{prefix}action", f"{action} acts on notification deliveries; "
                     f"add endpoint: {WEBHOOK_ENDPOINT}")
    copies = _count(item.get("copies", 2), f"{prefix}copies", problems, minimum=2, maximum=MAX_COPIES)
    fault_id = item.get("id", default_id)
    if not isinstance(fault_id, str) or not fault_id or len(fault_id) > MAX_ID or not fault_id.isprintable():
        problems.add(f"{prefix}id", f"{shown(fault_id)} is not an id; expected a printable string "
                     f"of 1..{MAX_ID} characters")

    delay = _delay(item["delay"], f"{prefix}delay", problems) if "delay" in item else None
    if delay is not None and delay[1] > limits.fault_delay_cap and match.get("endpoint") != WEBHOOK_ENDPOINT:
        # a call's delay is waited for real; a delivery's is simulated time (compressed)
        problems.add(f"{prefix}delay", f"{shown(item['delay'])} is longer than the "
                     f"{limits.fault_delay_cap:g} s allowed (SIM_FAULT_DELAY_CAP)")
    if action == "delay" and "delay" not in item:
        problems.add(f"{prefix}delay", "required for action delay; expected e.g. 1500ms or [200ms, 2s]")
    status = item.get("status")
    if action == "status" or "status" in item:
        status = _http_error(status, f"{prefix}status", problems, required=action == "status")
    hang = _seconds(item["hang"], f"{prefix}hang", problems) if "hang" in item else None
    if hang is not None and hang > limits.fault_hang_cap:
        problems.add(f"{prefix}hang", f"{shown(item['hang'])} is longer than the "
                     f"{limits.fault_hang_cap:g} s allowed (SIM_FAULT_HANG_CAP)")
    content_type = item.get("content_type", DEFAULT_CONTENT_TYPE)
    if not (isinstance(content_type, str) and _CONTENT_TYPE.fullmatch(content_type)):
        # a header value: printable ASCII only (a CR/LF in it broke every matching answer)
        problems.add(f"{prefix}content_type", f"{shown(content_type)} is not a content type; "
                     "expected e.g. text/html (printable ASCII, at most 200 characters)")
    then = item.get("then", RESET)
    if then != RESET:
        then = _http_error(then, f"{prefix}then", problems, required=True,
                           expected="'reset' or an HTTP status 500..599", low=500)
    times = _count(item.get("times"), f"{prefix}times", problems, minimum=1)
    after = _count(item.get("after", 0), f"{prefix}after", problems, minimum=0)
    probability = item.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
            or not 0 <= probability <= 1:
        problems.add(f"{prefix}probability", f"{shown(probability)} is not a probability; expected 0..1")
    if len(problems.items) != count:
        return None
    return Fault(id=fault_id, action=action, match=match, delay=delay, status=status, hang=hang,
                 content_type=content_type, then=then, copies=copies or 2, times=times, after=after,
                 probability=float(probability), spec=dict(item))


def _match(item: Mapping, providers: list[str], prefix: str, problems,
           endpoints: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """The match keys; an `endpoint` must be one the (given, else any) provider's views name,
    or `webhook` — a typo would make a fault that never fires."""
    match = {}
    for key in MATCH_KEYS:
        if key not in item:
            continue
        value = item[key]
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
            problems.add(f"{prefix}{key}", f"{shown(value)} is not a {key}; expected a string")
            continue
        value = str(value)
        if key == "provider" and value not in providers:
            problems.add(f"{prefix}provider", f"{shown(value)} is not a provider; expected one of "
                         f"{', '.join(providers)}")
        if key == "endpoint" and endpoints:
            named = endpoints.get(str(item.get("provider")))
            known = sorted({WEBHOOK_ENDPOINT, *(named if named is not None else
                                                (e for names in endpoints.values() for e in names))})
            if value not in known:
                problems.add(f"{prefix}endpoint", f"{shown(value)} is not an endpoint"
                             f"{' of ' + str(item['provider']) if named is not None else ''}; expected one of "
                             f"{', '.join(known)}{did_you_mean(value, known)}")
        if key == "method":
            value = value.upper()
            if value not in HTTP_METHODS:
                problems.add(f"{prefix}method", f"{shown(item[key])} is not an HTTP method; "
                             f"expected one of {', '.join(HTTP_METHODS)}")
        match[key] = value
    return match


def _seconds(value: Any, where: str, problems) -> float | None:
    try:
        seconds = parse_duration(value).total_seconds()
    except ValueError as exc:
        problems.add(where, str(exc))
        return None
    if seconds < 0:
        problems.add(where, f"{shown(value)} is negative; expected a duration like 1500ms")
        return None
    return seconds


def _delay(value: Any, where: str, problems) -> tuple[float, float] | None:
    if isinstance(value, list):
        if len(value) != 2:
            problems.add(where, f"{shown(value)} is not a range; expected [low, high] like [200ms, 2s]")
            return None
        low, high = (_seconds(v, f"{where}[{i}]", problems) for i, v in enumerate(value))
        if low is None or high is None:
            return None
        if low > high:
            problems.add(where, f"{shown(value)} is not a range: low is above high")
            return None
        return low, high
    seconds = _seconds(value, where, problems)
    return None if seconds is None else (seconds, seconds)


def _http_error(value: Any, where: str, problems, required: bool,
                expected: str = "an HTTP error status 400..599", low: int = 400) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 599:
        what = "required" if value is None else f"{shown(value)} is not valid"
        problems.add(where, f"{what}; expected {expected}")
        return None
    return value


def _count(value: Any, where: str, problems, minimum: int, maximum: int = 2 ** 62) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        problems.add(where, f"{shown(value)} is not a count; expected an integer {minimum}..{maximum}"
                     if maximum < 2 ** 62 else f"{shown(value)} is not a count; expected an integer >= {minimum}")
        return None
    return value


# ---------------------------------------------------------------------------------------
# The book of active faults

def draw(seed: str, fault_id: str, match: int, purpose: str) -> float:
    """A number in [0, 1) fixed by the scenario seed, the fault and which match this is: the
    same run replays the same hit pattern, whichever process serves each call."""
    digest = hashlib.sha256(f"{seed}/fault/{fault_id}/{match}/{purpose}".encode()).digest()
    return int.from_bytes(digest[:7], "big") / 2 ** 56


@dataclass(frozen=True)
class Firing:
    """A fault that fired on one request, with its drawn delay (seconds)."""
    fault: Fault
    delay: float

    def note(self) -> dict[str, Any]:
        note = {"id": self.fault.id, "action": self.fault.action}
        if self.delay:
            note["delay_ms"] = round(self.delay * 1000)
        return note


class FaultBook:
    """The active faults of a run, in order, with their counters.

    Specs and counters live in the run state (`RunState.fault_*`), so `times: 5` fires five
    times in all, whichever processes serve the calls. This process keeps only the parsed
    `Fault` objects, re-read when the run's faults version changes. `bool(book)` — the hot
    path's "any faults?" — reads the count from the request's run snapshot."""

    def __init__(self, run, meta: Callable[[], Any], parse: Callable[[dict], Fault]):
        self.run, self._meta, self._parse = run, meta, parse
        self._cached: tuple[int, tuple[Fault, ...]] = (-1, ())

    def __bool__(self) -> bool:
        return self._meta().fault_count > 0

    @property
    def faults(self) -> tuple[Fault, ...]:
        version = self._meta().faults_version
        if self._cached[0] != version:
            self._cached = (version, tuple(self._parse(r.spec) for r in self.run.faults()))
        return self._cached[1]

    def add(self, fault: Fault) -> Fault:
        """KeyError if a fault with the same id exists."""
        self.run.fault_add({**fault.spec, "id": fault.id})
        return fault

    def next_id(self) -> str:
        """The first free `fault-N` (scenario faults without an id are fault-1, fault-2…)."""
        taken = {r.spec["id"] for r in self.run.faults()}
        number = len(taken) + 1
        while f"fault-{number}" in taken:
            number += 1
        return f"fault-{number}"

    def remove(self, fault_id: str) -> bool:
        return self.run.fault_remove(fault_id)

    def clear(self) -> int:
        return self.run.faults_clear()

    def decide(self, fault: Fault) -> Firing | None:
        """`fault` matched a request: count the match, apply after/times/probability, and
        draw its delay. None when it does not fire (or was removed meanwhile)."""
        counted = self.run.fault_match(fault.id)
        if counted is None:
            return None
        matched, fired = counted
        if matched <= fault.after:
            return None
        if fault.times is not None and fired >= fault.times:
            return None
        seed = self._meta().seed
        if fault.probability < 1 and draw(seed, fault.id, matched, "fire") >= fault.probability:
            return None
        if not self.run.fault_fire(fault.id, fault.times):
            return None
        delay = 0.0
        if fault.delay:
            low, high = fault.delay
            delay = low + (high - low) * draw(seed, fault.id, matched, "delay")
        return Firing(fault, delay)

    def listing(self) -> list[dict[str, Any]]:
        return [{**record.spec, "matched": record.matched, "fired": record.fired}
                for record in self.run.faults()]

    def describe(self, fault_id: str) -> dict[str, Any] | None:
        return next((f for f in self.listing() if f["id"] == fault_id), None)
