"""Memory run state: Python dicts in this process — the `memory` store (one process, the
embedded default, nothing survives it).

Only this process can reach it, so nothing here is a copy another process could disagree
with: it is the run state itself, behind one lock (waitress's request threads and the
webhook threads share it). It keeps the contract's observable behaviour of the SQLite store
— the same ids, orders, copies — without its statements: a cancel on the SQLite `:memory:`
database spent ~100 of its ~260 µs in SQLite calls and in JSON round trips of the order and
the journal entry (`bench/RESULTS.md`).

How it holds things:
- orders: per (provider, merchant) a `_Group`: the orders as loaded (the reset snapshot,
  never changed) and what was written since the load or the last reset (changed orders,
  added ones). A reset forgets the latter and notes the shift a run on wall time needs: a
  loaded order is read moved by it, so a reset costs no work per order, whatever the size.
  An entry is `(Order, seq)` — read back without decoding — or, for a run that loads more
  than OBJECTS_MAX orders, the order as `codec.pack` lays it out plus its sequence number:
  a million orders take ~0.75 GB packed, ~1.6 GB as objects. Orders are immutable; their
  `extra` mappings are never changed in place by the core.
- the journal: the entries as written (`journal.Draft`s: raw pieces), rendered and
  JSON-encoded only when read (the same values a JSON store gives back); everything else a
  caller could mutate after handing it over — fault specs, replayed bodies, records,
  deliveries — is kept as JSON text, as the other stores do.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import threading
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Iterable, Iterator

from ..compact_json import compact
from ..handles import Handles
from ..journal import json_copy, rendered
from ..orders import Order, Transition
from . import codec, outbox_rows
from .base import (ClockState, DEFAULT_TENANT, DeliveryRecord, DuplicateOrder, FaultRecord,
                   Remembered, RunMeta, TenantRecord)

_SEQ = len(codec.FIELDS)        # a packed entry's sequence number comes after the FIELDS
OBJECTS_MAX = 100_000           # a run loading more orders keeps them packed (memory.py says why)


def _order(entry: tuple) -> Order:
    return entry[0] if len(entry) == 2 else codec.unpack(entry[:_SEQ])


def _seq(entry: tuple) -> int:
    return entry[-1]


class _Group:
    """One (provider, merchant)'s orders: as loaded, and written since the load or reset."""

    def __init__(self, loaded: dict[str, tuple] | None = None, loaded_transactions: dict[str, str] | None = None):
        self.loaded = loaded if loaded is not None else {}     # order_id → entry, in load order
        self.loaded_transactions = loaded_transactions if loaded_transactions is not None else {}
        self.changed: dict[str, tuple] = {}      # order_id → entry written since (changed or added)
        self.added: list[str] = []               # order_ids inserted since, in insertion order
        self.added_transactions: dict[str, str] = {}

    def forget_since_load(self) -> None:
        self.changed, self.added, self.added_transactions = {}, [], {}

    def has(self, order_id: str) -> bool:
        return order_id in self.loaded or order_id in self.changed

    def stored(self, order_id: str) -> tuple | None:
        """The entry as kept, a loaded one's times not yet shifted (its version and sequence
        number are the order's either way)."""
        entry = self.changed.get(order_id)
        return entry if entry is not None else self.loaded.get(order_id)

    def entry(self, order_id: str, shift: int) -> tuple | None:
        entry = self.changed.get(order_id)
        if entry is None:
            entry = self.loaded.get(order_id)
            if entry is not None and shift:
                return _shifted(entry, shift)
        return entry

    def order_id_of(self, transaction_id: str) -> str | None:
        """The first order (loaded ones first) with `transaction_id`."""
        order_id = self.loaded_transactions.get(transaction_id)
        return order_id if order_id is not None else self.added_transactions.get(transaction_id)

    def entries(self, shift: int) -> Iterator[tuple]:
        """Every entry, in insertion (sequence) order."""
        changed = self.changed
        for order_id, entry in self.loaded.items():
            now = changed.get(order_id)
            yield now if now is not None else (_shifted(entry, shift) if shift else entry)
        for order_id in self.added:
            yield changed[order_id]

    def __len__(self) -> int:
        return len(self.loaded) + len(self.added)


@dataclass
class _Run:
    """One tenant's run: what `runs`, `orders`, `journal`… hold for it in the SQLite store."""
    meta: RunMeta
    scenario: str
    loaded_us: int
    orders: dict[tuple[str, str], _Group] = field(default_factory=dict)
    next_seq: int = 1
    loaded_next_seq: int = 1
    shift: int = 0        # µs the last reset moved the loaded orders' times by
    journal: deque = field(default_factory=deque)               # (id, entry)
    faults: dict[str, list] = field(default_factory=dict)        # id → [spec JSON, matched, fired]
    replays: dict[tuple[str, str], tuple] = field(default_factory=dict)
    records: dict[tuple[str, str], str] = field(default_factory=dict)


class MemoryStore:
    """The run state of every tenant of this process."""

    url = "memory"

    def __init__(self):
        self._lock = threading.RLock()
        self._runs = Handles(lambda tenant: MemoryRun(self, tenant))
        self._state: dict[str, _Run] = {}                       # tenant → its run
        self._secrets: dict[tuple[str, str], bytes] = {}
        self._sequences: dict[tuple[str, str], int] = {}
        self._deliveries: dict[int, list] = {}                  # id → [tenant, fields…, lease]
        self._tenants: dict[str, list[float]] = {}              # name → [created, last_seen]
        self._journal_ids = itertools.count(1)
        self._delivery_ids = itertools.count(1)

    def run(self, tenant: str = DEFAULT_TENANT) -> "MemoryRun":
        return self._runs[tenant]

    # -- the outbox, across tenants ------------------------------------------------------
    def claim_delivery(self, wall_now: float, lease: float) -> tuple[str, DeliveryRecord] | None:
        with self._lock:
            claimed = outbox_rows.claimable(self._deliveries.items(), wall_now)
            if claimed is None:
                return None
            return outbox_rows.lease(*claimed, wall_now, lease)

    def finish_attempt(self, tenant: str, delivery_id: int, attempt: dict,
                       retry_at: float | None, retry_due_at: str | None, final: str | None) -> None:
        with self._lock:
            outbox_rows.record_attempt(self._deliveries.get(delivery_id), tenant, attempt, retry_at,
                                       retry_due_at, final)

    def next_due(self) -> float | None:
        with self._lock:
            return outbox_rows.next_due(self._deliveries.values())

    # -- the tenant registry ------------------------------------------------------------
    def tenant_add(self, name: str, now: float) -> bool:
        with self._lock:
            if name in self._tenants:
                return False
            self._tenants[name] = [now, now]
            return True

    def tenant(self, name: str) -> TenantRecord | None:
        times = self._tenants.get(name)
        return TenantRecord(name, *times) if times else None

    def tenant_touch(self, name: str, now: float) -> None:
        with self._lock:
            times = self._tenants.get(name)
            if times is not None:
                times[1] = max(times[1], now)

    def tenants(self) -> list[TenantRecord]:
        with self._lock:
            return sorted((TenantRecord(name, *times) for name, times in self._tenants.items()),
                          key=lambda t: (t.created, t.name))

    def tenant_remove(self, name: str) -> bool:
        with self._lock:
            if self._tenants.pop(name, None) is None:
                return False
            self.run(name).drop()
            self._runs.pop(name, None)
            return True

    def close(self) -> None:
        pass


class MemoryRun:
    """One tenant's run state in a `MemoryStore`."""

    def __init__(self, store: MemoryStore, tenant: str):
        self.store, self.tenant = store, tenant
        self._lock = store._lock

    @property
    def _run(self) -> _Run | None:
        return self.store._state.get(self.tenant)

    def _started(self) -> _Run:
        run = self._run
        if run is None:
            raise LookupError(f"no run for tenant {self.tenant!r}")
        return run

    # -- the run -------------------------------------------------------------------------
    def meta(self) -> RunMeta | None:
        run = self.store._state.get(self.tenant)
        return run.meta if run is not None else None

    def start(self, scenario_doc: str, seed: str, clock: ClockState, orders: Iterable[Order],
              faults: list[dict], loaded_at: datetime) -> RunMeta:
        groups: dict[tuple[str, str], dict[str, tuple]] = {}
        by_transaction: dict[tuple[str, str], dict[str, str]] = {}
        seq = 0
        for seq, order in enumerate(orders, 1):        # built before the lock: a load is long
            if seq == OBJECTS_MAX + 1:                  # a large run: pack what came so far
                groups = {group: {order_id: _packed(entry) for order_id, entry in kept.items()}
                          for group, kept in groups.items()}
            group = (order.provider, order.merchant)
            entry = (order, seq) if seq <= OBJECTS_MAX else (*codec.pack(order), seq)
            groups.setdefault(group, {})[order.order_id] = entry
            by_transaction.setdefault(group, {}).setdefault(order.transaction_id, order.order_id)
        with self._lock:
            before = self._run
            epochs = (before.meta.epoch, before.meta.scenario_epoch, before.meta.faults_version) \
                if before else (0, 0, 0)
            self._drop_deliveries()
            self.store._state[self.tenant] = _Run(
                meta=RunMeta(epochs[0] + 1, epochs[1] + 1, epochs[2] + 1, len(faults), clock, seed),
                scenario=scenario_doc, loaded_us=codec.micros(loaded_at),
                orders={group: _Group(loaded, by_transaction[group]) for group, loaded in groups.items()},
                next_seq=seq + 1, loaded_next_seq=seq + 1, faults=_faults(faults))
            return self.meta()

    def has_snapshot(self) -> bool:
        return True          # the loaded orders are never changed: every run keeps them

    def loaded_at(self) -> datetime:
        return codec.instant(self._started().loaded_us)

    def reset(self, clock: ClockState, faults: list[dict], shift: timedelta = timedelta(0)) -> RunMeta:
        step = shift // timedelta(microseconds=1)
        with self._lock:
            run = self._started()
            self._drop_deliveries()
            for group in run.orders.values():
                group.forget_since_load()
            run.shift = step
            run.next_seq = run.loaded_next_seq
            run.journal.clear()
            run.replays.clear()
            run.records.clear()
            run.faults = _faults(faults)
            run.meta = replace(run.meta, epoch=run.meta.epoch + 1, faults_version=run.meta.faults_version + 1,
                               fault_count=len(faults), clock=clock)
            return run.meta

    def scenario_doc(self) -> str:
        run = self._run
        return run.scenario if run else ""

    def set_scenario_doc(self, scenario_doc: str) -> None:
        with self._lock:
            run = self._run
            if run is not None:
                run.scenario = scenario_doc
                run.meta = replace(run.meta, scenario_epoch=run.meta.scenario_epoch + 1)

    def change_clock(self, change) -> ClockState:
        with self._lock:
            run = self._started()
            state = change(run.meta.clock)
            run.meta = replace(run.meta, clock=state)
            return state

    def secret(self, name: str) -> bytes:
        with self._lock:
            return self.store._secrets.setdefault((self.tenant, name), os.urandom(32))

    def reserve(self, name: str, count: int) -> int:
        with self._lock:
            key = (self.tenant, name)
            first = self.store._sequences.get(key, 0)
            self.store._sequences[key] = first + count
            return first

    def drop(self) -> None:
        with self._lock:
            self.store._state.pop(self.tenant, None)
            self._drop_deliveries()
            for table in (self.store._secrets, self.store._sequences):
                for key in [k for k in table if k[0] == self.tenant]:
                    del table[key]

    # -- orders --------------------------------------------------------------------------
    def insert(self, order: Order) -> None:
        self.insert_many([order])

    def insert_many(self, orders: Iterable[Order]) -> None:
        orders = list(orders)
        with self._lock:
            run = self._started()
            keys = [order.key for order in orders]
            taken = [key for key in keys if key[:2] in run.orders and run.orders[key[:2]].has(key[2])]
            if taken or len(set(keys)) != len(keys):
                duplicate = taken[0] if taken else next(k for k in keys if keys.count(k) > 1)
                raise DuplicateOrder(f"order {duplicate!r} exists")
            for order in orders:
                group = run.orders.get((order.provider, order.merchant))
                if group is None:
                    group = run.orders[(order.provider, order.merchant)] = _Group()
                group.changed[order.order_id] = (order, run.next_seq)
                group.added.append(order.order_id)
                group.added_transactions.setdefault(order.transaction_id, order.order_id)
                run.next_seq += 1

    def get(self, provider: str, merchant: str, order_id: str) -> Order | None:
        run = self._run
        group = run.orders.get((provider, merchant)) if run else None
        entry = group.entry(order_id, run.shift) if group else None
        return _order(entry) if entry is not None else None

    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        """By order_id, then by transaction_id; among several merchants', the first inserted."""
        with self._lock:
            run = self._run
            if run is None:
                return None
            if merchant is not None:         # one merchant's (every provider call): its group alone
                group = run.orders.get((provider, merchant))
                if group is None:
                    return None
                entry = group.entry(key, run.shift)
                if entry is None:
                    order_id = group.order_id_of(key)
                    entry = group.entry(order_id, run.shift) if order_id is not None else None
                return _order(entry) if entry is not None else None
            groups = [group for (p, m), group in run.orders.items() if p == provider]
            for by_transaction in (False, True):
                found = []
                for group in groups:
                    order_id = group.order_id_of(key) if by_transaction else key
                    entry = group.entry(order_id, run.shift) if order_id is not None else None
                    if entry is not None:
                        found.append(entry)
                if found:
                    return _order(min(found, key=_seq))
            return None

    def list(self, provider: str | None = None, merchant: str | None = None,
             offset: int = 0, limit: int | None = None) -> list[Order]:
        with self._lock:
            run = self._run
            if run is None:
                return []
            groups = [group.entries(run.shift) for (p, m), group in run.orders.items()
                      if provider in (None, p) and merchant in (None, m)]
            merged = groups[0] if len(groups) == 1 else heapq.merge(*groups, key=_seq)  # read under the lock
            stop = None if limit is None else offset + limit
            return [_order(entry) for entry in itertools.islice(merged, offset, stop)]

    def compare_and_set(self, old: Order, new: Order) -> bool:
        # `new` is kept whole: the engine derives it from the stored order, so its fields
        # other than status, history, extra, channel, bank and expiry are the stored ones
        with self._lock:
            run = self._run
            group = run.orders.get((old.provider, old.merchant)) if run else None
            entry = group.stored(old.order_id) if group else None
            if entry is None or _version(entry) != old.version:
                return False
            group.changed[old.order_id] = (new, _seq(entry))
            return True

    def count(self) -> int:
        run = self._run
        return sum(len(group) for group in run.orders.values()) if run else 0

    # -- journal -------------------------------------------------------------------------
    def journal_add(self, entry, cap: int) -> int:
        with self._lock:
            run = self._started()
            entry_id = next(self.store._journal_ids)
            run.journal.append((entry_id, entry))
            while len(run.journal) > cap:
                run.journal.popleft()
            return entry_id

    def journal(self, cap: int | None = None) -> list[dict]:
        with self._lock:
            run = self._run
            kept = list(run.journal) if run else []
        if cap is not None:
            kept = kept[-cap:] if cap > 0 else []
        return [{**json_copy(rendered(entry)), "id": entry_id} for entry_id, entry in kept]

    def journal_clear(self) -> int:
        with self._lock:
            run = self._run
            if run is None:
                return 0
            cleared = len(run.journal)
            run.journal.clear()
            return cleared

    # -- faults --------------------------------------------------------------------------
    def faults(self) -> list[FaultRecord]:
        with self._lock:
            run = self._run
            rows = list(run.faults.values()) if run else []
            return [FaultRecord(json.loads(spec), matched, fired) for spec, matched, fired in rows]

    def _faults_changed(self, run: _Run) -> None:
        run.meta = replace(run.meta, faults_version=run.meta.faults_version + 1, fault_count=len(run.faults))

    def fault_add(self, spec: dict) -> None:
        with self._lock:
            run = self._started()
            if spec["id"] in run.faults:
                raise KeyError(spec["id"])
            run.faults[spec["id"]] = [compact(spec), 0, 0]
            self._faults_changed(run)

    def fault_remove(self, fault_id: str) -> bool:
        with self._lock:
            run = self._run
            if run is None or run.faults.pop(fault_id, None) is None:
                return False
            self._faults_changed(run)
            return True

    def faults_clear(self) -> int:
        with self._lock:
            run = self._started()
            cleared = len(run.faults)
            run.faults.clear()
            self._faults_changed(run)
            return cleared

    def fault_match(self, fault_id: str) -> tuple[int, int] | None:
        with self._lock:
            run = self._run
            row = run.faults.get(fault_id) if run else None
            if row is None:
                return None
            row[1] += 1
            return row[1], row[2]

    def fault_fire(self, fault_id: str, times: int | None) -> bool:
        with self._lock:
            run = self._run
            row = run.faults.get(fault_id) if run else None
            if row is None or (times is not None and row[2] >= times):
                return False
            row[2] += 1
            return True

    # -- replay caches -------------------------------------------------------------------
    def replay_claim(self, cache: str, key: str, fingerprint: str, now: datetime,
                     ttl: timedelta | None) -> Remembered | None:
        with self._lock:
            run = self._started()
            seen = run.replays.get((cache, key))
            if seen is not None:
                remembered = Remembered(seen[0], seen[1], seen[2], seen[3],
                                        json.loads(seen[4]) if seen[4] is not None else None)
                if ttl is None or now - remembered.claimed_at <= ttl:
                    return remembered
            run.replays[(cache, key)] = (fingerprint, now, True, None, None)
            return None

    def replay_complete(self, cache: str, key: str, status: int, body: Any) -> None:
        with self._lock:
            run = self._run
            seen = run.replays.get((cache, key)) if run else None
            if seen is not None:
                run.replays[(cache, key)] = (seen[0], seen[1], False, status, compact(body))

    def replay_release(self, cache: str, key: str) -> None:
        with self._lock:
            run = self._run
            if run is not None:
                run.replays.pop((cache, key), None)

    # -- records -------------------------------------------------------------------------
    def record_add(self, kind: str, key: str, value: dict) -> bool:
        with self._lock:
            records = self._started().records
            if (kind, key) in records:
                return False
            records[(kind, key)] = compact(value)
            return True

    def record(self, kind: str, key: str) -> dict | None:
        run = self._run
        value = run.records.get((kind, key)) if run else None
        return json.loads(value) if value is not None else None

    def record_replace(self, kind: str, key: str, old: dict, new: dict) -> bool:
        with self._lock:
            run = self._run
            if run is None or run.records.get((kind, key)) != compact(old):
                return False
            run.records[(kind, key)] = compact(new)
            return True

    def record_take(self, kind: str, key: str) -> dict | None:
        with self._lock:
            run = self._run
            value = run.records.pop((kind, key), None) if run else None
        return json.loads(value) if value is not None else None

    # -- webhook outbox ------------------------------------------------------------------
    def delivery_add(self, delivery: DeliveryRecord, cap: int) -> int:
        with self._lock:
            self._started()
            deliveries = self.store._deliveries
            delivery_id = next(self.store._delivery_ids)
            deliveries[delivery_id] = outbox_rows.row_of(self.tenant, delivery)
            for old in outbox_rows.beyond_cap(self._mine(), cap):
                del deliveries[old]
            return delivery_id

    def delivery(self, delivery_id: int) -> DeliveryRecord | None:
        return outbox_rows.owned(delivery_id, self.store._deliveries.get(delivery_id), self.tenant)

    def deliveries(self) -> list[DeliveryRecord]:
        with self._lock:
            return [outbox_rows.delivery_of(i, row) for i, row in self._mine()]

    def _mine(self) -> list[tuple[int, list]]:
        return outbox_rows.of_tenant(self.store._deliveries.items(), self.tenant)

    def _drop_deliveries(self) -> None:
        for delivery_id, _ in self._mine():
            del self.store._deliveries[delivery_id]


def _faults(specs: list[dict]) -> dict[str, list]:
    return {spec["id"]: [compact(spec), 0, 0] for spec in specs}


def _packed(entry: tuple) -> tuple:
    return entry if len(entry) > 2 else (*codec.pack(entry[0]), entry[1])


def _version(entry: tuple) -> int:
    return entry[0].version if len(entry) == 2 else entry[11]


@lru_cache(maxsize=8)
def _step(micros: int) -> timedelta:
    """The reset's shift as a timedelta (made once, not at every read of a loaded order)."""
    return timedelta(microseconds=micros)


def _moved(created: datetime, expires: datetime | None, status: str, step: int) -> tuple:
    """A loaded order's creation and expiry moved by `step` µs, and its history as the create
    step alone. Cached: a scenario's generated orders share their instants, so they share
    the moved ones too — one lookup instead of two additions and a Transition, and instants
    whose hash is already known (`jakarta_time` and others cache by instant). The zones are
    part of the key: equal instants in two zones are equal keys, but show differently."""
    return _moved_in(created, created.tzinfo, expires, expires and expires.tzinfo, status, step)


@lru_cache(maxsize=1024)
def _moved_in(created: datetime, _zone, expires: datetime | None, _expires_zone, status: str, step: int) -> tuple:
    delta = _step(step)
    moved = created + delta
    return (moved, expires + delta if expires is not None else None,
            (Transition(moved, "create", None, status, "scenario"),))


def _shifted(entry: tuple, step: int) -> tuple:
    """A snapshot entry with its times moved by `step` µs, its history its create step alone
    (what the SQLite store's reset writes)."""
    if len(entry) == 2:
        order, seq = entry
        created, expires, history = _moved(order.created_at, order.expires_at, order.status, step)
        return order.evolve(created_at=created, history=history, expires_at=expires), seq
    row = list(entry)
    created = row[9] + step
    row[9] = created
    row[10] = row[10] + step if row[10] is not None else None
    row[13] = codec.history_json((Transition(codec.instant(created), "create", None, row[8], "scenario"),))
    return tuple(row)
