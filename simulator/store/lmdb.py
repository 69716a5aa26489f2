"""LMDB run state: one memory-mapped file shared by many processes on one host — the store
`--workers N` gives a run on the memory store, and `--store lmdb:PATH`.

Why a second one-host store beside SQLite: with two workers on one SQLite file, each
commit by one worker empties the other's page cache, and every statement takes SQLite's
file locks; a cancel's four store calls cost ~180 µs of CPU with two processes at once,
more than half of what a Flask echo spends on a whole request. LMDB readers read the
shared mapping itself (nothing to invalidate, no lock: a read transaction is a slot in the
lock file), and writers queue on one process-shared mutex, woken by the kernel: the same
four calls cost ~50 µs (`bench/RESULTS.md`). LMDB is a small, old, well-kept C library;
`lmdb` on PyPI binds it.

Durability. A file the user named is written with `sync=True` (each commit reaches the disk:
a machine crash loses nothing committed, at the cost of an fsync per write). The private file
`--workers N` makes for the memory store (deleted at exit, nothing to keep after a crash) is
written with `writemap` and without syncs (`durable=False`): commits are writes into the
shared mapping, and a killed worker still loses nothing (the kernel has the pages).

How it is laid out — named databases in one environment, every key starting with the tenant
(`_part`: each text escaped and terminated, so a prefix is a tenant's or a group's):
- `runs`: tenant → the run's record (`_Record`: epochs, clock, seed, load time, the reset's
  shift, sequence numbers), read by every request; `docs`: tenant → scenario document;
- `loaded`: the orders as loaded (the reset snapshot, never changed until the next load),
  `changed`: orders written since the load or the last reset (changed or added), each
  marshalled as `_row` lays it out (no JSON to decode when read). A reset forgets
  `changed` and notes the shift a run on wall time needs, as the memory store does (a
  loaded order is read moved);
- `lookup`: (provider, "i" order_id | "t" transaction_id, merchant, seq) → (merchant,
  order_id), for finding an order without its merchant or by transaction id, first
  inserted first; `by_seq`: seq → (provider, merchant, order_id, transaction_id), the
  insertion order `list` pages through;
- `journal` (ids from a sequence of the tenant's, never given twice), `faults`, `replays`,
  `records`, `secrets`, `sequences`; `counters` (the outbox's ids); `deliveries`: the outbox
  of every tenant (rows as the memory store keeps them), `tenants`: the registry.

Every write is one LMDB write transaction: another process sees all of it or none of it.
Compare-and-set reads the stored version and writes inside one transaction.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import struct
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Iterator, NamedTuple

import lmdb

from ..compact_json import compact
from ..handles import Handles
from ..journal import json_copy, json_text, unpacked
from ..orders import Order, Transition
from . import codec, outbox_rows
from .base import (ClockState, DEFAULT_TENANT, DeliveryRecord, DuplicateOrder, FaultRecord,
                   Remembered, RunMeta, StoreUnavailable, TenantRecord)

MAP_SIZE = 16 << 30        # the mapping's ceiling (address space, not memory or disk: the file is sparse)
MAX_READERS = 1024         # read transactions open at once, all processes together
_NAMES = ("runs", "docs", "loaded", "changed", "lookup", "by_seq", "journal", "faults", "replays",
          "records", "secrets", "sequences", "counters", "deliveries", "tenants")
_PER_TENANT = ("runs", "docs", "loaded", "changed", "lookup", "by_seq", "journal", "faults",
               "replays", "records")      # secrets and sequences (journal ids among them) outlive a load
_GLOBAL = b"\xff"                   # counters of the whole store (no text part starts with 0xff)
_JOURNAL_IDS = b"\0journal"          # a tenant's journal sequence (no `_part` starts with \0j)


def _part(text: str) -> bytes:
    """One text of a key: escaped and terminated, so no part is a prefix of another part
    followed by more. A long text (an id a client made up) becomes its digest, so a key stays
    within LMDB's 511 bytes."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) > 120:
        return b"\0\2" + hashlib.sha256(raw).digest().replace(b"\0", b"\0\1") + b"\0\0"
    return raw.replace(b"\0", b"\0\1") + b"\0\0"


@lru_cache(maxsize=1024)
def _group(provider: str, merchant: str) -> bytes:
    """The key part of a (provider, merchant): the same few on every call."""
    return _part(provider) + _part(merchant)


def _seq8(seq: int) -> bytes:
    return seq.to_bytes(8, "big")


def _advance(txn: lmdb.Transaction, db, key: bytes, count: int = 1) -> int:
    """The counter at `key` (0 when there is none yet), moved on by `count` within `txn`."""
    first = int(txn.get(key, b"0", db=db))
    txn.put(key, b"%d" % (first + count), db=db)
    return first


class _Record(NamedTuple):
    """A run's record in `runs` (marshalled as a tuple)."""
    epoch: int
    scenario_epoch: int
    faults_version: int
    fault_count: int
    clock_frozen: bool
    clock_micros: int
    clock_zone: int
    seed: str
    loaded_us: int
    shift: int              # µs the last reset moved the loaded orders' times by
    next_seq: int
    loaded_next_seq: int

    def meta(self) -> RunMeta:
        return RunMeta(self.epoch, self.scenario_epoch, self.faults_version, self.fault_count,
                       ClockState(self.clock_frozen, self.clock_micros, self.clock_zone), self.seed)


class LMDBStore:
    """A connection to one LMDB file (each process opens its own, after any fork)."""

    def __init__(self, path: str, durable: bool = True):
        self.path = path
        self.url = f"lmdb:{path}"
        try:
            self.env = lmdb.open(path, map_size=MAP_SIZE, subdir=False, max_dbs=len(_NAMES),
                                 max_readers=MAX_READERS, sync=durable, metasync=durable,
                                 writemap=not durable, map_async=False, readahead=False)
            self.env.reader_check()         # slots of readers that died (a killed worker)
            self.db = {name: self.env.open_db(name.encode()) for name in _NAMES}
        except lmdb.Error as exc:
            raise StoreUnavailable(f"--store lmdb:{path}: cannot open it: {exc}") from None
        self._runs = Handles(lambda tenant: LMDBRun(self, tenant))

    def run(self, tenant: str = DEFAULT_TENANT) -> "LMDBRun":
        return self._runs[tenant]

    def write(self) -> lmdb.Transaction:
        """A write transaction: committed at the end of its `with` block, or aborted if the
        block raises."""
        return self.env.begin(write=True)

    def next_id(self, txn: lmdb.Transaction, name: bytes) -> int:
        return _advance(txn, self.db["counters"], _GLOBAL + name) + 1

    # -- the outbox, across tenants ------------------------------------------------------
    def _deliveries(self, txn: lmdb.Transaction) -> Iterator[tuple[int, list]]:
        for key, value in txn.cursor(db=self.db["deliveries"]):
            yield int.from_bytes(key, "big"), marshal.loads(value)

    def claim_delivery(self, wall_now: float, lease: float) -> tuple[str, DeliveryRecord] | None:
        """Looked for in a read transaction first: the senders of every worker poll ten times
        a second, and an idle poll should not queue on the writers' mutex."""
        with self.env.begin() as txn:
            if outbox_rows.claimable(self._deliveries(txn), wall_now) is None:
                return None
        with self.write() as txn:                  # claimed for real: another may have been first
            claimed = outbox_rows.claimable(self._deliveries(txn), wall_now)
            if claimed is None:
                return None
            leased = outbox_rows.lease(*claimed, wall_now, lease)
            delivery_id, row = claimed
            txn.put(_seq8(delivery_id), marshal.dumps(row), db=self.db["deliveries"])
        return leased

    def finish_attempt(self, tenant: str, delivery_id: int, attempt: dict,
                       retry_at: float | None, retry_due_at: str | None, final: str | None) -> None:
        with self.write() as txn:
            stored = txn.get(_seq8(delivery_id), db=self.db["deliveries"])
            row = marshal.loads(stored) if stored is not None else None
            if outbox_rows.record_attempt(row, tenant, attempt, retry_at, retry_due_at, final):
                txn.put(_seq8(delivery_id), marshal.dumps(row), db=self.db["deliveries"])

    def next_due(self) -> float | None:
        with self.env.begin() as txn:
            return outbox_rows.next_due(row for _, row in self._deliveries(txn))

    # -- the tenant registry ------------------------------------------------------------
    def tenant_add(self, name: str, now: float) -> bool:
        with self.write() as txn:
            return txn.put(_part(name), marshal.dumps((name, now, now)), overwrite=False,
                           db=self.db["tenants"])

    def tenant(self, name: str) -> TenantRecord | None:
        with self.env.begin() as txn:
            stored = txn.get(_part(name), db=self.db["tenants"])
        return TenantRecord(*marshal.loads(stored)) if stored is not None else None

    def tenant_touch(self, name: str, now: float) -> None:
        with self.write() as txn:
            stored = txn.get(_part(name), db=self.db["tenants"])
            if stored is not None:
                _, created, last_seen = marshal.loads(stored)
                txn.put(_part(name), marshal.dumps((name, created, max(last_seen, now))),
                        db=self.db["tenants"])

    def tenants(self) -> list[TenantRecord]:
        with self.env.begin() as txn:
            found = [TenantRecord(*marshal.loads(value))
                     for value in txn.cursor(db=self.db["tenants"]).iternext(keys=False)]
        return sorted(found, key=lambda t: (t.created, t.name))

    def tenant_remove(self, name: str) -> bool:
        with self.write() as txn:
            removed = txn.delete(_part(name), db=self.db["tenants"])
            if removed:
                self.run(name).drop_in(txn)
        self._runs.pop(name, None)
        return removed

    def close(self) -> None:
        self.env.close()


# An order as stored: its version and sequence number (16 bytes, what a compare-and-set
# reads), then its fields marshalled — times as µs since the epoch, the amount as text, the
# wire fields as they are (as JSON text if marshal cannot hold them), the history as rows —
# so reading one is marshal.loads, with no JSON to decode.
_HEAD = struct.Struct(">qQ")


def _row(order: Order, seq: int) -> bytes:
    micros = codec.micros
    head = (order.provider, order.merchant, order.order_id, order.transaction_id, str(order.amount),
            order.currency, order.channel, order.bank, order.status, micros(order.created_at),
            micros(order.expires_at) if order.expires_at is not None else None)
    history = tuple((micros(t.at), t.event, t.from_status, t.to_status, t.source) for t in order.history)
    try:
        fields = marshal.dumps((*head, dict(order.extra), history))
    except ValueError:                 # a value marshal cannot hold: the wire fields as JSON
        fields = marshal.dumps((*head, compact(dict(order.extra)), history))
    return _HEAD.pack(order.version, seq) + fields


REMEMBERED_ROW_BYTES = 4096      # rows up to this size are remembered decoded (4,096 of them)


def _order(value: bytes, shift: int = 0) -> Order:
    """The order of a stored row; a loaded one read with the reset's `shift` has its times moved
    and its history its create step alone (as a fresh load would make it).

    Remembered by the row's bytes: the same bytes are the same order, so a client polling an
    order's status gets it decoded once per change, not once per call (6.3 → 2.2 µs a
    find; a miss costs ~1 µs of hashing; orders are immutable and shared, as the memory store shares them). A
    large row (a create call's big wire fields) is decoded each time: the cache stays small."""
    return _remembered(value, shift) if len(value) <= REMEMBERED_ROW_BYTES else _decoded(value, shift)


def _decoded(value: bytes, shift: int) -> Order:
    version, _ = _HEAD.unpack_from(value)
    (provider, merchant, order_id, transaction_id, amount, currency, channel, bank, status, created,
     expires, extra, history) = marshal.loads(memoryview(value)[_HEAD.size:])
    instant = codec.instant
    if shift:
        created += shift
        expires = expires + shift if expires is not None else None
        history = ((created, "create", None, status, "scenario"),)
    return Order.of({
        "provider": provider, "merchant": merchant, "order_id": order_id, "transaction_id": transaction_id,
        "amount": Decimal(amount), "currency": currency, "channel": channel, "bank": bank,
        "status": status, "created_at": instant(created),
        "expires_at": instant(expires) if expires is not None else None,
        "history": tuple(Transition(instant(at), event, before, after, source)
                         for at, event, before, after, source in history),
        "extra": json.loads(extra) if type(extra) is str else extra, "version": version})


_remembered = lru_cache(maxsize=4096)(_decoded)


def _journal_value(entry) -> bytes:
    """A journal entry as stored: a `Draft` marshalled as its packed pieces (credentials
    masked; named and formatted only when read — a cancel's entry costs ~3 µs instead of
    ~25 µs rendered and JSON-encoded), or a dict (or a draft with a note marshal cannot
    hold) as JSON."""
    if not isinstance(entry, dict):
        try:
            return b"M" + marshal.dumps(entry.packed())
        except ValueError:
            entry = entry.render()
    return b"J" + json_text(entry).encode()


def _journal_entry(value: bytes) -> dict:
    if value[:1] == b"M":
        return json_copy(unpacked(marshal.loads(value[1:])))
    return json.loads(value[1:])


def _prefixed(txn: lmdb.Transaction, db, prefix: bytes, start: bytes = b"") -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of every entry whose key starts with `prefix`, in key order (from
    `prefix + start` on)."""
    cursor = txn.cursor(db=db)
    if not cursor.set_range(prefix + start):
        return
    for key, value in cursor:
        if not key.startswith(prefix):
            return
        yield key, value


def _delete_prefixed(txn: lmdb.Transaction, db, prefix: bytes) -> int:
    cursor = txn.cursor(db=db)
    deleted = 0
    if cursor.set_range(prefix):
        while cursor.key().startswith(prefix):
            deleted += 1
            if not cursor.delete():       # moves to the next entry; False at the end
                break
    return deleted


class LMDBRun:
    """One tenant's run state in an `LMDBStore`."""

    def __init__(self, store: LMDBStore, tenant: str):
        self.store, self.tenant = store, tenant
        self.env, self.db = store.env, store.db
        self.prefix = _part(tenant)
        # the last record read (its bytes, decoded, its meta): the same on most requests
        self._last: tuple[bytes, _Record, RunMeta] | None = None

    def _key(self, *texts: str) -> bytes:
        """The key of `texts` within this tenant's part of a database."""
        return self.prefix + b"".join(map(_part, texts))

    # -- the run record ------------------------------------------------------------------
    def _decoded(self, txn: lmdb.Transaction) -> tuple[bytes, _Record, RunMeta] | None:
        """The run's record as stored, decoded, and its meta; None when there is no run."""
        stored = txn.get(self.prefix, db=self.db["runs"])
        if stored is None:
            return None
        last = self._last
        if last is not None and last[0] == stored:     # unchanged since the last read: decoded already
            return last
        record = _Record(*marshal.loads(stored))
        last = self._last = (stored, record, record.meta())
        return last

    def _record(self, txn: lmdb.Transaction) -> _Record | None:
        decoded = self._decoded(txn)
        return decoded[1] if decoded is not None else None

    def _started(self, txn: lmdb.Transaction) -> _Record:
        record = self._record(txn)
        if record is None:
            raise LookupError(f"no run for tenant {self.tenant!r}")
        return record

    def _put_record(self, txn: lmdb.Transaction, record: _Record) -> None:
        txn.put(self.prefix, marshal.dumps(tuple(record)), db=self.db["runs"])

    # -- the run -------------------------------------------------------------------------
    def meta(self) -> RunMeta | None:
        with self.env.begin() as txn:
            decoded = self._decoded(txn)
        return decoded[2] if decoded is not None else None

    def _clear(self, txn: lmdb.Transaction, names: Iterable[str]) -> None:
        for name in names:
            _delete_prefixed(txn, self.db[name], self.prefix)
        self._drop_deliveries(txn)

    def start(self, scenario_doc: str, seed: str, clock: ClockState, orders: Iterable[Order],
              faults: list[dict], loaded_at: datetime) -> RunMeta:
        with self.store.write() as txn:
            before = self._record(txn)
            epochs = (before.epoch, before.scenario_epoch, before.faults_version) if before else (0, 0, 0)
            self._clear(txn, _PER_TENANT)
            seq = 0
            for seq, order in enumerate(orders, 1):
                self._put_order(txn, "loaded", order, seq)
            self._put_faults(txn, faults)
            txn.put(self.prefix, scenario_doc.encode("utf-8", "surrogatepass"), db=self.db["docs"])
            self._put_record(txn, _Record(epochs[0] + 1, epochs[1] + 1, epochs[2] + 1, len(faults),
                                          clock.frozen, clock.micros, clock.zone, seed,
                                          codec.micros(loaded_at), 0, seq + 1, seq + 1))
        return self.meta()

    def has_snapshot(self) -> bool:
        return True          # the loaded orders are never changed: every run keeps them

    def loaded_at(self) -> datetime:
        with self.env.begin() as txn:
            return codec.instant(self._started(txn).loaded_us)

    def reset(self, clock: ClockState, faults: list[dict], shift: timedelta = timedelta(0)) -> RunMeta:
        step = shift // timedelta(microseconds=1)
        with self.store.write() as txn:
            record = self._started(txn)
            # the orders added since the load: their index entries go, then their rows
            by_seq, lookup = self.db["by_seq"], self.db["lookup"]
            for key, value in list(_prefixed(txn, by_seq, self.prefix, _seq8(record.loaded_next_seq))):
                seq = int.from_bytes(key[-8:], "big")
                provider, merchant, order_id, transaction_id = marshal.loads(value)
                for kind, text in ((b"i", order_id), (b"t", transaction_id)):
                    txn.delete(self._lookup_key(provider, kind, text, merchant, seq), db=lookup)
                txn.delete(key, db=by_seq)
            self._clear(txn, ("changed", "journal", "faults", "replays", "records"))
            self._put_faults(txn, faults)
            record = record._replace(epoch=record.epoch + 1, faults_version=record.faults_version + 1,
                                     fault_count=len(faults), clock_frozen=clock.frozen,
                                     clock_micros=clock.micros, clock_zone=clock.zone, shift=step,
                                     next_seq=record.loaded_next_seq)
            self._put_record(txn, record)
        return self.meta()

    def scenario_doc(self) -> str:
        with self.env.begin() as txn:
            stored = txn.get(self.prefix, db=self.db["docs"])
        return stored.decode("utf-8", "surrogatepass") if stored is not None else ""

    def set_scenario_doc(self, scenario_doc: str) -> None:
        with self.store.write() as txn:
            record = self._record(txn)
            if record is not None:
                txn.put(self.prefix, scenario_doc.encode("utf-8", "surrogatepass"), db=self.db["docs"])
                self._put_record(txn, record._replace(scenario_epoch=record.scenario_epoch + 1))

    def change_clock(self, change) -> ClockState:
        with self.store.write() as txn:
            record = self._started(txn)
            state = change(ClockState(record.clock_frozen, record.clock_micros, record.clock_zone))
            self._put_record(txn, record._replace(clock_frozen=state.frozen, clock_micros=state.micros,
                                                  clock_zone=state.zone))
        return state

    def secret(self, name: str) -> bytes:
        with self.store.write() as txn:
            key = self._key(name)
            txn.put(key, os.urandom(32), overwrite=False, db=self.db["secrets"])
            return txn.get(key, db=self.db["secrets"])

    def reserve(self, name: str, count: int) -> int:
        with self.store.write() as txn:
            return _advance(txn, self.db["sequences"], self._key(name), count)

    def drop(self) -> None:
        with self.store.write() as txn:
            self.drop_in(txn)

    def drop_in(self, txn: lmdb.Transaction) -> None:
        """Forget the tenant within the caller's write transaction."""
        self._clear(txn, (*_PER_TENANT, "secrets", "sequences"))
        self._last = None

    # -- orders --------------------------------------------------------------------------
    def _order_key(self, provider: str, merchant: str, order_id: str) -> bytes:
        return self.prefix + _group(provider, merchant) + _part(order_id)

    def _lookup_key(self, provider: str, kind: bytes, text: str, merchant: str, seq: int) -> bytes:
        return self.prefix + _part(provider) + kind + _part(text) + _part(merchant) + _seq8(seq)

    def _put_order(self, txn: lmdb.Transaction, where: str, order: Order, seq: int) -> None:
        """A new order, with its index entries."""
        provider, merchant, order_id = order.provider, order.merchant, order.order_id
        txn.put(self._order_key(provider, merchant, order_id), _row(order, seq), db=self.db[where])
        names = marshal.dumps((merchant, order_id))
        lookup = self.db["lookup"]
        txn.put(self._lookup_key(provider, b"i", order_id, merchant, seq), names, db=lookup)
        txn.put(self._lookup_key(provider, b"t", order.transaction_id, merchant, seq), names, db=lookup)
        txn.put(self.prefix + _seq8(seq), marshal.dumps((provider, merchant, order_id, order.transaction_id)),
                db=self.db["by_seq"])

    def _stored(self, txn: lmdb.Transaction, key: bytes) -> tuple[bytes | None, bool]:
        """The stored row at `key` and whether it is a loaded one (its times not yet moved)."""
        stored = txn.get(key, db=self.db["changed"])
        if stored is not None:
            return stored, False
        stored = txn.get(key, db=self.db["loaded"])
        return stored, stored is not None

    def _order_at(self, txn: lmdb.Transaction, key: bytes, record: _Record | None = None) -> Order | None:
        """The order at `key`; a loaded one moved by the reset's shift (from `record`, the
        run's record when the caller has read it already)."""
        row, loaded = self._stored(txn, key)
        if row is None:
            return None
        return _order(row, (record or self._record(txn)).shift if loaded else 0)

    def insert(self, order: Order) -> None:
        self.insert_many([order])

    def insert_many(self, orders: Iterable[Order]) -> None:
        orders = list(orders)
        with self.store.write() as txn:
            record = self._started(txn)
            seq = record.next_seq
            for order in orders:
                key = self._order_key(*order.key)
                if self._stored(txn, key)[0] is not None:
                    raise DuplicateOrder(f"order {order.key!r} exists")    # aborts the whole batch
                self._put_order(txn, "changed", order, seq)
                seq += 1
            self._put_record(txn, record._replace(next_seq=seq))

    def get(self, provider: str, merchant: str, order_id: str) -> Order | None:
        with self.env.begin() as txn:
            return self._order_at(txn, self._order_key(provider, merchant, order_id))

    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        """By order_id, then by transaction_id; among several merchants', the first inserted."""
        with self.env.begin() as txn:
            if merchant is not None:         # one merchant's (every provider call): a direct read first
                order = self._order_at(txn, self._order_key(provider, merchant, key))
                if order is not None:
                    return order
            for kind in ((b"t",) if merchant is not None else (b"i", b"t")):
                prefix = (self.prefix + _part(provider) + kind + _part(key)
                          + (_part(merchant) if merchant is not None else b""))
                first = None
                for entry_key, names in _prefixed(txn, self.db["lookup"], prefix):
                    if first is None or entry_key[-8:] < first[0]:
                        first = (entry_key[-8:], names)
                if first is not None:
                    found_merchant, order_id = marshal.loads(first[1])
                    return self._order_at(txn, self._order_key(provider, found_merchant, order_id))
            return None

    def list(self, provider: str | None = None, merchant: str | None = None,
             offset: int = 0, limit: int | None = None) -> list[Order]:
        found: list[Order] = []
        with self.env.begin() as txn:
            record = self._record(txn)
            if record is None or limit == 0:
                return found
            skipped = 0
            for _, names in _prefixed(txn, self.db["by_seq"], self.prefix):
                order_provider, order_merchant, order_id, _ = marshal.loads(names)
                if provider not in (None, order_provider) or merchant not in (None, order_merchant):
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                found.append(self._order_at(txn, self._order_key(order_provider, order_merchant, order_id), record))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def compare_and_set(self, old: Order, new: Order) -> bool:
        # `new` is kept whole: the engine derives it from the stored order, so its fields
        # other than status, history, extra, channel, bank and expiry are the stored ones
        key = self._order_key(*old.key)
        with self.store.write() as txn:
            stored, _ = self._stored(txn, key)
            if stored is None:
                return False
            version, seq = _HEAD.unpack_from(stored)
            if version != old.version:
                return False
            txn.put(key, _row(new, seq), db=self.db["changed"])
        return True

    def count(self) -> int:
        with self.env.begin() as txn:
            record = self._record(txn)
        return record.next_seq - 1 if record is not None else 0

    # -- journal -------------------------------------------------------------------------
    def journal_add(self, entry, cap: int) -> int:
        """The entry kept as `_journal_value` encodes it, under the tenant's next journal id
        (a sequence that outlives loads and resets, so an id is never given twice); the entry
        `cap` ids older goes in the same transaction, so with one cap the newest `cap` stay."""
        value = _journal_value(entry)
        prefix = self.prefix
        with self.store.write() as txn:
            entry_id = _advance(txn, self.db["sequences"], prefix + _JOURNAL_IDS) + 1
            txn.put(prefix + _seq8(entry_id), value, db=self.db["journal"])
            if entry_id > cap:
                txn.delete(prefix + _seq8(entry_id - cap), db=self.db["journal"])
        return entry_id

    def journal(self, cap: int | None = None) -> list[dict]:
        with self.env.begin() as txn:
            kept = list(_prefixed(txn, self.db["journal"], self.prefix))
        if cap is not None:
            kept = kept[-cap:] if cap > 0 else []
        return [{**_journal_entry(value), "id": int.from_bytes(key[-8:], "big")} for key, value in kept]

    def journal_clear(self) -> int:
        with self.store.write() as txn:
            return _delete_prefixed(txn, self.db["journal"], self.prefix)

    # -- faults: prefix + id → (position, spec JSON, matched, fired) ----------------------
    def _faults(self, txn: lmdb.Transaction) -> list[tuple[bytes, list]]:
        rows = [(key, marshal.loads(value)) for key, value in _prefixed(txn, self.db["faults"], self.prefix)]
        return sorted(rows, key=lambda row: row[1][0])

    def _put_faults(self, txn: lmdb.Transaction, faults: list[dict]) -> None:
        for position, spec in enumerate(faults):
            txn.put(self._key(spec["id"]), marshal.dumps([position, compact(spec), 0, 0]),
                    db=self.db["faults"])

    def _faults_changed(self, txn: lmdb.Transaction) -> None:
        record = self._started(txn)
        count = sum(1 for _ in _prefixed(txn, self.db["faults"], self.prefix))
        self._put_record(txn, record._replace(faults_version=record.faults_version + 1, fault_count=count))

    def faults(self) -> list[FaultRecord]:
        with self.env.begin() as txn:
            rows = self._faults(txn)
        return [FaultRecord(json.loads(spec), matched, fired) for _, (_, spec, matched, fired) in rows]

    def fault_add(self, spec: dict) -> None:
        with self.store.write() as txn:
            self._started(txn)
            key = self._key(spec["id"])
            rows = self._faults(txn)
            position = rows[-1][1][0] + 1 if rows else 0
            if not txn.put(key, marshal.dumps([position, compact(spec), 0, 0]), overwrite=False,
                           db=self.db["faults"]):
                raise KeyError(spec["id"])
            self._faults_changed(txn)

    def fault_remove(self, fault_id: str) -> bool:
        with self.store.write() as txn:
            removed = txn.delete(self._key(fault_id), db=self.db["faults"])
            if removed:
                self._faults_changed(txn)
        return removed

    def faults_clear(self) -> int:
        with self.store.write() as txn:
            self._started(txn)
            cleared = _delete_prefixed(txn, self.db["faults"], self.prefix)
            self._faults_changed(txn)
        return cleared

    def _count_fault(self, fault_id: str, fire: bool, times: int | None = None) -> list | None:
        key = self._key(fault_id)
        with self.store.write() as txn:
            stored = txn.get(key, db=self.db["faults"])
            if stored is None:
                return None
            row = marshal.loads(stored)
            if fire:
                if times is not None and row[3] >= times:
                    return None
                row[3] += 1
            else:
                row[2] += 1
            txn.put(key, marshal.dumps(row), db=self.db["faults"])
        return row

    def fault_match(self, fault_id: str) -> tuple[int, int] | None:
        row = self._count_fault(fault_id, fire=False)
        return (row[2], row[3]) if row is not None else None

    def fault_fire(self, fault_id: str, times: int | None) -> bool:
        return self._count_fault(fault_id, fire=True, times=times) is not None

    # -- replay caches: prefix + cache + key → (fingerprint, claimed at, in flight, status, body JSON)
    def replay_claim(self, cache: str, key: str, fingerprint: str, now: datetime,
                     ttl: timedelta | None) -> Remembered | None:
        replay_key = self._key(cache, key)
        with self.store.write() as txn:
            self._started(txn)
            stored = txn.get(replay_key, db=self.db["replays"])
            if stored is not None:
                seen_fingerprint, claimed_at, in_flight, status, body = marshal.loads(stored)
                seen = Remembered(seen_fingerprint, datetime.fromisoformat(claimed_at), in_flight, status,
                                  json.loads(body) if body is not None else None)
                if ttl is None or now - seen.claimed_at <= ttl:
                    return seen
            txn.put(replay_key, marshal.dumps((fingerprint, now.isoformat(), True, None, None)),
                    db=self.db["replays"])
        return None

    def replay_complete(self, cache: str, key: str, status: int, body: Any) -> None:
        replay_key = self._key(cache, key)
        encoded = compact(body)
        with self.store.write() as txn:
            stored = txn.get(replay_key, db=self.db["replays"])
            if stored is not None:
                seen = marshal.loads(stored)
                txn.put(replay_key, marshal.dumps((seen[0], seen[1], False, status, encoded)),
                        db=self.db["replays"])

    def replay_release(self, cache: str, key: str) -> None:
        with self.store.write() as txn:
            txn.delete(self._key(cache, key), db=self.db["replays"])

    # -- records: prefix + kind + key → JSON -------------------------------------------------
    def record_add(self, kind: str, key: str, value: dict) -> bool:
        with self.store.write() as txn:
            self._started(txn)
            return txn.put(self._key(kind, key), compact(value).encode(),
                           overwrite=False, db=self.db["records"])

    def record(self, kind: str, key: str) -> dict | None:
        with self.env.begin() as txn:
            stored = txn.get(self._key(kind, key), db=self.db["records"])
        return json.loads(stored) if stored is not None else None

    def record_replace(self, kind: str, key: str, old: dict, new: dict) -> bool:
        record_key = self._key(kind, key)
        with self.store.write() as txn:
            if txn.get(record_key, db=self.db["records"]) != compact(old).encode():
                return False
            txn.put(record_key, compact(new).encode(), db=self.db["records"])
        return True

    def record_take(self, kind: str, key: str) -> dict | None:
        with self.store.write() as txn:
            stored = txn.pop(self._key(kind, key), db=self.db["records"])
        return json.loads(stored) if stored is not None else None

    # -- webhook outbox ------------------------------------------------------------------
    def delivery_add(self, delivery: DeliveryRecord, cap: int) -> int:
        row = outbox_rows.row_of(self.tenant, delivery)
        deliveries = self.db["deliveries"]
        with self.store.write() as txn:
            self._started(txn)
            delivery_id = self.store.next_id(txn, b"delivery")
            txn.put(_seq8(delivery_id), marshal.dumps(row), db=deliveries)
            for old in outbox_rows.beyond_cap(self._mine(txn), cap):
                txn.delete(_seq8(old), db=deliveries)
        return delivery_id

    def _mine(self, txn: lmdb.Transaction) -> list[tuple[int, list]]:
        return outbox_rows.of_tenant(self.store._deliveries(txn), self.tenant)

    def delivery(self, delivery_id: int) -> DeliveryRecord | None:
        if not 0 <= delivery_id < 2 ** 64:
            return None
        with self.env.begin() as txn:
            stored = txn.get(_seq8(delivery_id), db=self.db["deliveries"])
        return outbox_rows.owned(delivery_id, marshal.loads(stored) if stored is not None else None, self.tenant)

    def deliveries(self) -> list[DeliveryRecord]:
        with self.env.begin() as txn:
            return [outbox_rows.delivery_of(i, row) for i, row in self._mine(txn)]

    def _drop_deliveries(self, txn: lmdb.Transaction) -> None:
        for delivery_id, _ in self._mine(txn):
            txn.delete(_seq8(delivery_id), db=self.db["deliveries"])
