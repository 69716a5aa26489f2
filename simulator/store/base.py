"""The run-state contract every backend fulfils: everything a run holds that two requests
must agree on, so that N processes (one SQLite file) or N hosts (one Redis) behave as one
simulator. Nothing here lives only in a process's memory.

A `Store` is a connection to a backend; `store.run(tenant)` is one tenant's `RunState`.
What a run holds, and the calls that touch it:

- the run itself — `meta()` (one cheap read per request: epochs, the clock, the faults'
  version), `start()` (a scenario load: everything replaced at once), `reset()` (back to
  the loaded scenario's initial state at once), the scenario document, the clock
  (`change_clock`, an atomic read-modify-write), random secrets (`secret`) and id sequences
  (`reserve`), which outlive loads and resets;
- orders and their history — compare-and-set on the order's version;
- the journal — bounded, the cap kept by the store;
- faults and their counters — `fault_match` / `fault_fire` are atomic, so a fault with
  `times: 5` fires exactly five times across every process;
- idempotency and replay caches — `replay_claim` is atomic;
- records — small JSON values by (kind, key): checkout sessions of the payer pages, card
  tokens (`record_take` uses one once);
- the webhook outbox — `delivery_claim` hands each due attempt to exactly one process.

Times: simulator instants are aware datetimes; `wall` times (webhook due times) are UNIX
seconds of the real clock, since retry delays are waited in real (compressed) time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Protocol

from ..orders import Order

DEFAULT_TENANT = "default"


class DuplicateOrder(Exception):
    """An order with the same (provider, merchant, order_id) already exists."""


class StoreUnavailable(Exception):
    """The backend cannot be reached or opened; the message says which and why."""


@dataclass(frozen=True)
class ClockState:
    """The simulator clock as stored: frozen at `frozen_at`, or running at wall time plus
    `offset` (microseconds either way, so advancing is one atomic addition)."""
    frozen: bool
    micros: int            # frozen: the instant (µs since the UNIX epoch); running: the offset in µs
    zone: int = 0          # minutes east of UTC the clock shows its time in (the scenario's start)


@dataclass(frozen=True)
class RunMeta:
    """What every request reads first: cheap, one row / one hash."""
    epoch: int             # +1 on every scenario load and reset
    scenario_epoch: int    # +1 when the scenario document changes (load, merchant edits)
    faults_version: int    # +1 when faults are added, removed, cleared, loaded
    fault_count: int
    clock: ClockState
    seed: str              # the scenario seed, as text (fault draws and run ids derive from it)


@dataclass
class Remembered:
    """An idempotency key's entry: still in flight, or the answer it produced."""
    fingerprint: str
    claimed_at: datetime
    in_flight: bool = True
    status: int | None = None
    body: Any = None


@dataclass
class FaultRecord:
    spec: dict             # the fault as written (validated), `id` included
    matched: int = 0
    fired: int = 0


@dataclass
class DeliveryRecord:
    """One notification delivery in the outbox."""
    provider: str
    merchant: str
    order_id: str
    url: str
    event: str
    body: bytes
    headers: dict
    due: float                         # wall time of the next attempt
    due_at: str | None = None          # the simulator time it is due at (shown to readers)
    id: int | None = None
    status: str = "pending"
    attempts: list = field(default_factory=list)
    redelivery_of: int | None = None
    fault: dict | None = None


@dataclass(frozen=True)
class TenantRecord:
    """A tenant in the registry: its name and when (wall time, seconds) it was made and
    last used."""
    name: str
    created: float
    last_seen: float


class RunState(Protocol):
    tenant: str

    # -- the run -------------------------------------------------------------------------
    def meta(self) -> RunMeta | None:
        """None when the store holds no run for this tenant yet."""
    def start(self, scenario_doc: str, seed: str, clock: ClockState, orders: Iterable[Order],
              faults: list[dict], loaded_at: datetime) -> RunMeta:
        """Replace the whole run at once: scenario, clock, orders (also kept as the reset
        snapshot, made at simulator time `loaded_at`), faults with fresh counters; journal,
        replay caches and outbox emptied."""
    def has_snapshot(self) -> bool:
        """False for a run too large to keep a copy of its orders: `reset` cannot restore it
        (the caller loads the scenario again instead)."""
    def loaded_at(self) -> datetime:
        """The simulator time the reset snapshot's orders were made at."""
    def reset(self, clock: ClockState, faults: list[dict], shift: timedelta = timedelta(0)) -> RunMeta:
        """Back to the snapshot at once: orders (their times moved by `shift`), clock, faults
        (fresh counters); journal, replay caches and outbox emptied. Secrets and id sequences
        are kept."""
    def scenario_doc(self) -> str: ...
    def set_scenario_doc(self, scenario_doc: str) -> None:
        """Replace the document (merchants edited at run time); scenario epoch + 1."""
    def change_clock(self, change) -> ClockState:
        """Apply `change(ClockState) -> ClockState` atomically; the new state."""
    def secret(self, name: str) -> bytes:
        """A random 32-byte secret of this run, made on first use, the same for everyone."""
    def reserve(self, name: str, count: int) -> int:
        """The first of `count` fresh numbers of sequence `name` (never handed out twice)."""
    def drop(self) -> None:
        """Forget this tenant entirely (tenant deletion)."""

    # -- orders --------------------------------------------------------------------------
    def insert(self, order: Order) -> None: ...
    def insert_many(self, orders: Iterable[Order]) -> None: ...
    def get(self, provider: str, merchant: str, order_id: str) -> Order | None: ...
    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        """By order_id first, then by transaction_id; optionally only `merchant`'s."""
    def list(self, provider: str | None = None, merchant: str | None = None,
             offset: int = 0, limit: int | None = None) -> list[Order]:
        """In insertion order; `offset`/`limit` page through the matches."""
    def compare_and_set(self, old: Order, new: Order) -> bool:
        """Write `new` (status, history, extra, channel, bank, expiry) only if the stored
        version is still `old.version`."""
    def count(self) -> int: ...

    # -- journal -------------------------------------------------------------------------
    def journal_add(self, entry, cap: int) -> int:
        """Append (the store gives the id) and keep only the newest `cap` entries. `entry`
        is a dict or a `journal.Draft` (`journal.rendered` gives its dict). A store may
        keep it as given (the memory store renders and encodes it only when read): the
        caller does not change it afterwards."""
    def journal(self) -> list[dict]:
        """Every kept entry, oldest first."""
    def journal_clear(self) -> int: ...

    # -- faults --------------------------------------------------------------------------
    def faults(self) -> list[FaultRecord]: ...
    def fault_add(self, spec: dict) -> None:
        """KeyError if a fault with this id exists."""
    def fault_remove(self, fault_id: str) -> bool: ...
    def faults_clear(self) -> int: ...
    def fault_match(self, fault_id: str) -> tuple[int, int] | None:
        """Count one more match; (matched, fired) after it, None if the fault is gone."""
    def fault_fire(self, fault_id: str, times: int | None) -> bool:
        """Count one firing unless `times` firings were counted already."""

    # -- replay caches -------------------------------------------------------------------
    def replay_claim(self, cache: str, key: str, fingerprint: str, now: datetime,
                     ttl: timedelta | None) -> Remembered | None:
        """None: the caller now owns `key` (claimed at `now`). Otherwise the live entry."""
    def replay_complete(self, cache: str, key: str, status: int, body: Any) -> None: ...
    def replay_release(self, cache: str, key: str) -> None: ...

    # -- records: checkout sessions, single-use tokens -------------------------------------
    def record_add(self, kind: str, key: str, value: dict) -> bool:
        """Keep `value` under (kind, key) unless one is there already; True if kept."""
    def record(self, kind: str, key: str) -> dict | None: ...
    def record_replace(self, kind: str, key: str, old: dict, new: dict) -> bool:
        """Write `new` only if the stored value is still `old` (compare-and-set)."""
    def record_take(self, kind: str, key: str) -> dict | None:
        """Remove and return the value at once (a single-use token is used once)."""

    # -- webhook outbox ------------------------------------------------------------------
    def delivery_add(self, delivery: DeliveryRecord, cap: int) -> int: ...
    def delivery(self, delivery_id: int) -> DeliveryRecord | None: ...
    def deliveries(self) -> list[DeliveryRecord]:
        """Every kept delivery, oldest first."""


class Store(Protocol):
    url: str

    def run(self, tenant: str = DEFAULT_TENANT) -> RunState: ...
    def claim_delivery(self, wall_now: float, lease: float) -> tuple[str, DeliveryRecord] | None:
        """The earliest due delivery of any tenant whose order has no earlier one pending,
        leased to the caller for `lease` seconds; (tenant, delivery) or None."""
    def finish_attempt(self, tenant: str, delivery_id: int, attempt: dict,
                       retry_at: float | None, retry_due_at: str | None, final: str | None) -> None:
        """Record an attempt; then either due again at `retry_at` or `final` (delivered,
        failed), which lets the order's next delivery go."""
    def next_due(self) -> float | None:
        """Wall time of the earliest pending delivery, None when none is pending."""

    # -- the tenant registry (the default tenant is not in it) ---------------------------
    def tenant_add(self, name: str, now: float) -> bool:
        """Register `name`; False (and nothing changed) when it is taken."""
    def tenant(self, name: str) -> TenantRecord | None:
        """The registered tenant `name`, or None."""
    def tenant_touch(self, name: str, now: float) -> None:
        """Mark the tenant used at `now`; nothing if it is not registered."""
    def tenants(self) -> list[TenantRecord]:
        """Every registered tenant, oldest first."""
    def tenant_remove(self, name: str) -> bool:
        """Unregister `name` and drop all its run state; False when it was not registered."""
    def close(self) -> None: ...
