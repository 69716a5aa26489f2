"""SQLite run state: a file in WAL mode (many processes on one host; a restart keeps the
run) or `:memory:` (one process; `--store memory` is the `MemoryStore`, not this).

A file named with `--store sqlite:PATH` is written with `synchronous=NORMAL`: a machine crash
may roll back the last commits but never corrupts the file. The private file `--workers N`
makes for the memory store (deleted at exit; nothing to keep after a crash) is written with
`synchronous=OFF` (`durable=False`): commits are never waited onto the disk, and a killed
worker still loses nothing (the kernel has them). With `NORMAL`, each WAL checkpoint (about
every 300 cancels) waits for fsync while holding the writers' lock: two workers served
2,400-2,500 cancels/s at p99 25-30 ms, with `OFF` 2,800-3,100 at 16-22 ms.

Each process opens its own connection; within a process one connection serves every
thread under a lock held only for the statement or the short transaction (never across
network I/O). Writers first queue on the writers' lock (`_WriterLock`, a `flock` shared by
every process on the file), so SQLite's own sleeping busy wait is left for other programs
on the file (`BUSY_TIMEOUT`). Multi-statement changes are `BEGIN IMMEDIATE` transactions,
so another process sees all of a change or none of it.
Compare-and-set is a single `UPDATE … WHERE version = ?`. Every table is keyed by tenant.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator

from ..compact_json import compact
from ..handles import Handles
from ..journal import rendered
from ..orders import Order
from . import codec
from .base import (ClockState, DEFAULT_TENANT, DeliveryRecord, DuplicateOrder, FaultRecord, TenantRecord,
                   Remembered, RunMeta, StoreUnavailable)

BUSY_TIMEOUT = 30.0          # seconds a write waits for another process's transaction
JOURNAL_TRIM_EVERY = 64      # trim a tenant's journal to its cap every N entries
SNAPSHOT_MAX_ORDERS = 200_000  # larger runs keep no copy for reset (it would double the memory):
                               # their reset builds the orders from the scenario again

# The orders' lookup indexes. A load into an empty orders table (a process starting) drops
# them and builds them after the rows: one sort instead of a million random insertions.
_ORDER_INDEXES = {
    "orders_by_transaction_seq": "orders (tenant, provider, transaction_id, seq)",
    "orders_by_order_id_seq": "orders (tenant, provider, order_id, seq)",
    "orders_by_seq": "orders (tenant, seq)",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    tenant TEXT PRIMARY KEY, epoch INTEGER NOT NULL, scenario_epoch INTEGER NOT NULL,
    faults_version INTEGER NOT NULL, fault_count INTEGER NOT NULL,
    clock_frozen INTEGER NOT NULL, clock_micros INTEGER NOT NULL, clock_zone INTEGER NOT NULL,
    seed TEXT NOT NULL,
    scenario TEXT NOT NULL, loaded_us INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    tenant TEXT NOT NULL, provider TEXT NOT NULL, merchant TEXT NOT NULL, order_id TEXT NOT NULL,
    transaction_id TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL, channel TEXT,
    bank TEXT, status TEXT NOT NULL, created_us INTEGER NOT NULL, expires_us INTEGER,
    version INTEGER NOT NULL, extra TEXT NOT NULL, history TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (tenant, provider, merchant, order_id));
{order_indexes}
CREATE TABLE IF NOT EXISTS initial_orders AS SELECT * FROM orders WHERE 0;
CREATE TABLE IF NOT EXISTS secrets (
    tenant TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (tenant, name));
CREATE TABLE IF NOT EXISTS sequences (
    tenant TEXT NOT NULL, name TEXT NOT NULL, next INTEGER NOT NULL, PRIMARY KEY (tenant, name));
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS journal_by_tenant ON journal (tenant, id);
CREATE TABLE IF NOT EXISTS faults (
    tenant TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, spec TEXT NOT NULL,
    matched INTEGER NOT NULL DEFAULT 0, fired INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, id));
CREATE TABLE IF NOT EXISTS replays (
    tenant TEXT NOT NULL, cache TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    claimed_at TEXT NOT NULL, in_flight INTEGER NOT NULL, status INTEGER, body TEXT,
    PRIMARY KEY (tenant, cache, key));
CREATE TABLE IF NOT EXISTS records (
    tenant TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, key));
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, provider TEXT NOT NULL,
    merchant TEXT NOT NULL, order_id TEXT NOT NULL, url TEXT NOT NULL, event TEXT NOT NULL,
    body BLOB NOT NULL, headers TEXT NOT NULL, due REAL NOT NULL, due_at TEXT,
    lease REAL NOT NULL DEFAULT 0, status TEXT NOT NULL, attempts TEXT NOT NULL,
    redelivery_of INTEGER, fault TEXT);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status, due);
CREATE INDEX IF NOT EXISTS deliveries_by_order ON deliveries (tenant, provider, merchant, order_id, status, id);
CREATE INDEX IF NOT EXISTS deliveries_by_tenant ON deliveries (tenant, id);
CREATE TABLE IF NOT EXISTS tenants (
    name TEXT PRIMARY KEY, created REAL NOT NULL, last_seen REAL NOT NULL);
""".replace("{order_indexes}", "\n".join(
    f"CREATE INDEX IF NOT EXISTS {name} ON {columns};" for name, columns in _ORDER_INDEXES.items()))

_ORDER_COLUMNS = "tenant, " + ", ".join(codec.FIELDS) + ", seq"
_ORDER_VALUES = ",".join("?" * (len(codec.FIELDS) + 2))
_SELECT_ORDER = "SELECT " + ", ".join(codec.FIELDS) + " FROM orders"
_DELIVERY_COLUMNS = ("id, provider, merchant, order_id, url, event, body, headers, due, due_at, "
                     "status, attempts, redelivery_of, fault")


_dump = compact


class SQLiteStore:
    """A connection to one SQLite database (a file path, or ":memory:")."""

    def __init__(self, path: str = ":memory:", durable: bool = True):
        self.path = path
        self.url = "memory" if path == ":memory:" else f"sqlite:{path}"
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                       timeout=BUSY_TIMEOUT)
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(f"PRAGMA synchronous={'NORMAL' if durable else 'OFF'}")
            self._db.executescript(_SCHEMA)
            self._db.execute("BEGIN IMMEDIATE")    # a read-only file fails here, not mid-request
            self._db.execute("ROLLBACK")
            # one process, one connection: the connection's lock is the writers' lock
            self._writer = nullcontext() if path == ":memory:" else _WriterLock(path + ".lock")
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"--store sqlite:{path}: cannot open it: {exc}") from None
        self._runs = Handles(lambda tenant: SQLiteRun(self, tenant))

    def run(self, tenant: str = DEFAULT_TENANT) -> "SQLiteRun":
        return self._runs[tenant]

    # -- shared plumbing -----------------------------------------------------------------
    def execute(self, sql: str, args: tuple | list = ()) -> sqlite3.Cursor:
        """One write statement (its own transaction)."""
        with self._writer, self._lock:
            return self._db.execute(sql, args)

    def one(self, sql: str, args: tuple | list = ()):
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def all(self, sql: str, args: tuple | list = ()) -> list:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: other processes see all of it or none of it."""
        with self._writer, self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- the outbox, across tenants ------------------------------------------------------
    def claim_delivery(self, wall_now: float, lease: float) -> tuple[str, DeliveryRecord] | None:
        with self.transaction() as db:
            row = db.execute(
                f"SELECT tenant, {_DELIVERY_COLUMNS} FROM deliveries AS d "
                "WHERE status = 'pending' AND due <= ? AND lease <= ? AND NOT EXISTS ("
                "  SELECT 1 FROM deliveries AS e WHERE e.tenant = d.tenant AND e.provider = d.provider"
                "  AND e.merchant = d.merchant AND e.order_id = d.order_id AND e.status = 'pending'"
                "  AND e.id < d.id) ORDER BY due, id LIMIT 1", (wall_now, wall_now)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE deliveries SET lease = ? WHERE id = ?", (wall_now + lease, row[1]))
        return row[0], _delivery(row[1:])

    def finish_attempt(self, tenant: str, delivery_id: int, attempt: dict,
                       retry_at: float | None, retry_due_at: str | None, final: str | None) -> None:
        with self.transaction() as db:
            row = db.execute("SELECT attempts FROM deliveries WHERE tenant = ? AND id = ? AND "
                             "status = 'pending'", (tenant, delivery_id)).fetchone()
            if row is None:
                return   # reset (or tenant dropped) while the attempt was in flight
            attempts = _dump([*json.loads(row[0]), attempt])
            if final is None:
                db.execute("UPDATE deliveries SET attempts = ?, due = ?, due_at = ?, lease = 0 "
                           "WHERE id = ?", (attempts, retry_at, retry_due_at, delivery_id))
            else:
                db.execute("UPDATE deliveries SET attempts = ?, status = ?, lease = 0 WHERE id = ?",
                           (attempts, final, delivery_id))

    # -- the tenant registry ------------------------------------------------------------
    def tenant_add(self, name: str, now: float) -> bool:
        with self.transaction() as db:
            added = db.execute("INSERT OR IGNORE INTO tenants (name, created, last_seen) VALUES (?, ?, ?)",
                               (name, now, now)).rowcount
        return added == 1

    def tenant(self, name: str) -> TenantRecord | None:
        row = self.one("SELECT name, created, last_seen FROM tenants WHERE name = ?", (name,))
        return TenantRecord(*row) if row else None

    def tenant_touch(self, name: str, now: float) -> None:
        self.execute("UPDATE tenants SET last_seen = max(last_seen, ?) WHERE name = ?", (now, name))

    def tenants(self) -> list[TenantRecord]:
        return [TenantRecord(*row) for row in
                self.all("SELECT name, created, last_seen FROM tenants ORDER BY created, name")]

    def tenant_remove(self, name: str) -> bool:
        with self.transaction() as db:
            removed = db.execute("DELETE FROM tenants WHERE name = ?", (name,)).rowcount
        if removed:
            self.run(name).drop()
            self._runs.pop(name, None)
        return removed == 1

    def next_due(self) -> float | None:
        row = self.one("SELECT MIN(MAX(due, lease)) FROM deliveries WHERE status = 'pending'")
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if isinstance(self._writer, _WriterLock):
                self._writer.close()


class _WriterLock:
    """The file's writers, one at a time across processes and threads: an exclusive `flock`
    on a file beside the database, taken around every write before the connection's lock.

    SQLite alone would let two processes race for its write lock and send the loser to its
    busy handler, which sleeps 1, 2, 5… ms — while that process's connection lock is held, so
    every thread of the process waits too. A `flock` waiter is woken by the kernel the moment
    the lock is free, and holds no lock readers need while it waits. Threads of a process
    share its open lock file (and so its `flock`): they queue on a thread lock first. The lock
    file is opened again in a forked child, since processes sharing one open file share its
    lock."""

    def __init__(self, path: str):
        self.path = path
        self._threads = threading.RLock()      # a transaction's statements re-enter
        self._open()

    def _open(self) -> None:
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._pid, self._depth = os.getpid(), 0

    def __enter__(self) -> None:
        self._threads.acquire()
        try:
            if self._pid != os.getpid():       # a forked child: a lock of its own
                self._open()
            if self._depth == 0:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        if self._pid == os.getpid():
            os.close(self._fd)


class SQLiteRun:
    """One tenant's run state in a `SQLiteStore`."""

    def __init__(self, store: SQLiteStore, tenant: str):
        self.store, self.tenant = store, tenant
        self._journal_writes = 0

    # -- the run -------------------------------------------------------------------------
    def meta(self) -> RunMeta | None:
        row = self.store.one("SELECT epoch, scenario_epoch, faults_version, fault_count, "
                             "clock_frozen, clock_micros, clock_zone, seed FROM runs WHERE tenant = ?",
                             (self.tenant,))
        if row is None:
            return None
        return RunMeta(row[0], row[1], row[2], row[3], ClockState(bool(row[4]), row[5], row[6]), row[7])

    def start(self, scenario_doc: str, seed: str, clock: ClockState, orders: Iterable[Order],
              faults: list[dict], loaded_at: datetime) -> RunMeta:
        rows = self._order_rows(orders, start=1)      # a generator: executemany streams it
        with self.store.transaction() as db:
            previous = db.execute("SELECT epoch, scenario_epoch, faults_version FROM runs "
                                  "WHERE tenant = ?", (self.tenant,)).fetchone() or (0, 0, 0)
            for table in ("orders", "initial_orders", "journal", "faults", "replays", "records", "deliveries"):
                db.execute(f"DELETE FROM {table} WHERE tenant = ?", (self.tenant,))
            bulk = db.execute("SELECT 1 FROM orders LIMIT 1").fetchone() is None
            if bulk:                 # no tenant has orders: index them after inserting them
                for name in _ORDER_INDEXES:
                    db.execute(f"DROP INDEX {name}")
            db.executemany(f"INSERT INTO orders ({_ORDER_COLUMNS}) VALUES ({_ORDER_VALUES})", rows)
            if bulk:
                for name, columns in _ORDER_INDEXES.items():
                    db.execute(f"CREATE INDEX {name} ON {columns}")
            count = db.execute("SELECT COUNT(*) FROM orders WHERE tenant = ?", (self.tenant,)).fetchone()[0]
            if count <= SNAPSHOT_MAX_ORDERS:
                db.execute("INSERT INTO initial_orders SELECT * FROM orders WHERE tenant = ?", (self.tenant,))
            self._insert_faults(db, faults)
            db.execute("INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       (self.tenant, previous[0] + 1, previous[1] + 1, previous[2] + 1, len(faults),
                        int(clock.frozen), clock.micros, clock.zone, seed, scenario_doc,
                        codec.micros(loaded_at)))
        return self.meta()

    def has_snapshot(self) -> bool:
        return self.store.one("SELECT 1 FROM initial_orders WHERE tenant = ? LIMIT 1", (self.tenant,)) is not None \
            or self.count() == 0

    def loaded_at(self) -> datetime:
        row = self.store.one("SELECT loaded_us FROM runs WHERE tenant = ?", (self.tenant,))
        return codec.instant(row[0])

    def reset(self, clock: ClockState, faults: list[dict], shift: timedelta = timedelta(0)) -> RunMeta:
        """…; the snapshot's times move by `shift` (a wall-time run reset later than it was
        loaded gets orders created now, as a fresh load would)."""
        step = shift // timedelta(microseconds=1)
        with self.store.transaction() as db:
            for table in ("journal", "faults", "replays", "records", "deliveries"):
                db.execute(f"DELETE FROM {table} WHERE tenant = ?", (self.tenant,))
            # In place, not delete-and-copy: orders made since the load go (they are the only
            # ones with a later seq), the loaded ones get their columns back and their times
            # moved. No indexed column changes, so no index is touched: 368 orders restore in
            # ~0.7 ms instead of ~1.6 ms.
            db.execute("DELETE FROM orders WHERE tenant = :tenant AND seq > (SELECT COALESCE(MAX(seq), 0) "
                       "FROM initial_orders WHERE tenant = :tenant)", {"tenant": self.tenant})
            db.execute(
                "UPDATE orders SET status = i.status, version = i.version, channel = i.channel, "
                "bank = i.bank, created_us = i.created_us + :step, expires_us = i.expires_us + :step, "
                "extra = i.extra, history = CASE WHEN :step = 0 THEN i.history ELSE json_array(json_array("
                "i.created_us + :step, 'create', NULL, i.status, 'scenario')) END "
                "FROM initial_orders AS i WHERE orders.tenant = :tenant AND i.tenant = :tenant "
                "AND i.provider = orders.provider AND i.merchant = orders.merchant AND i.order_id = orders.order_id",
                {"step": step, "tenant": self.tenant})
            self._insert_faults(db, faults)
            db.execute("UPDATE runs SET epoch = epoch + 1, faults_version = faults_version + 1, "
                       "fault_count = ?, clock_frozen = ?, clock_micros = ?, clock_zone = ? WHERE tenant = ?",
                       (len(faults), int(clock.frozen), clock.micros, clock.zone, self.tenant))
        return self.meta()

    def _insert_faults(self, db: sqlite3.Connection, faults: list[dict]) -> None:
        db.executemany("INSERT INTO faults (tenant, id, position, spec) VALUES (?,?,?,?)",
                       [(self.tenant, spec["id"], i, _dump(spec)) for i, spec in enumerate(faults)])

    def scenario_doc(self) -> str:
        row = self.store.one("SELECT scenario FROM runs WHERE tenant = ?", (self.tenant,))
        return row[0] if row else ""

    def set_scenario_doc(self, scenario_doc: str) -> None:
        self.store.execute("UPDATE runs SET scenario = ?, scenario_epoch = scenario_epoch + 1 "
                           "WHERE tenant = ?", (scenario_doc, self.tenant))

    def change_clock(self, change) -> ClockState:
        with self.store.transaction() as db:
            row = db.execute("SELECT clock_frozen, clock_micros, clock_zone FROM runs WHERE tenant = ?",
                             (self.tenant,)).fetchone()
            state = change(ClockState(bool(row[0]), row[1], row[2]))
            db.execute("UPDATE runs SET clock_frozen = ?, clock_micros = ?, clock_zone = ? WHERE tenant = ?",
                       (int(state.frozen), state.micros, state.zone, self.tenant))
        return state

    def secret(self, name: str) -> bytes:
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO secrets VALUES (?,?,?)", (self.tenant, name, os.urandom(32)))
            return db.execute("SELECT value FROM secrets WHERE tenant = ? AND name = ?",
                              (self.tenant, name)).fetchone()[0]

    def reserve(self, name: str, count: int) -> int:
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO sequences VALUES (?,?,0)", (self.tenant, name))
            db.execute("UPDATE sequences SET next = next + ? WHERE tenant = ? AND name = ?",
                       (count, self.tenant, name))
            return db.execute("SELECT next FROM sequences WHERE tenant = ? AND name = ?",
                              (self.tenant, name)).fetchone()[0] - count

    def drop(self) -> None:
        with self.store.transaction() as db:
            for table in ("runs", "orders", "initial_orders", "secrets", "sequences", "journal",
                          "faults", "replays", "records", "deliveries"):
                db.execute(f"DELETE FROM {table} WHERE tenant = ?", (self.tenant,))

    # -- orders --------------------------------------------------------------------------
    def _order_rows(self, orders: Iterable[Order], start: int) -> Iterator[tuple]:
        return ((self.tenant, *codec.pack(o), seq) for seq, o in enumerate(orders, start))

    def insert(self, order: Order) -> None:
        self.insert_many([order])

    def insert_many(self, orders: Iterable[Order]) -> None:
        orders = list(orders)
        with self.store.transaction() as db:
            start = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM orders WHERE tenant = ?",
                               (self.tenant,)).fetchone()[0]
            try:
                db.executemany(f"INSERT INTO orders ({_ORDER_COLUMNS}) VALUES ({_ORDER_VALUES})",
                               self._order_rows(orders, start))
            except sqlite3.IntegrityError as exc:
                raise DuplicateOrder(str(exc)) from None

    def _one_order(self, where: str, args: tuple) -> Order | None:
        row = self.store.one(f"{_SELECT_ORDER} WHERE tenant = ? AND {where}", (self.tenant, *args))
        return codec.unpack(row) if row else None

    def get(self, provider: str, merchant: str, order_id: str) -> Order | None:
        return self._one_order("provider = ? AND merchant = ? AND order_id = ?",
                               (provider, merchant, order_id))

    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        merchant_clause, args = ("AND merchant = ?", (merchant,)) if merchant is not None else ("", ())
        for column in ("order_id", "transaction_id"):
            order = self._one_order(f"provider = ? AND {column} = ? {merchant_clause} ORDER BY seq LIMIT 1",
                                    (provider, key, *args))
            if order:
                return order
        return None

    def list(self, provider: str | None = None, merchant: str | None = None,
             offset: int = 0, limit: int | None = None) -> list[Order]:
        clauses, args = ["tenant = ?"], [self.tenant]
        for column, value in (("provider", provider), ("merchant", merchant)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        rows = self.store.all(f"{_SELECT_ORDER} WHERE {' AND '.join(clauses)} ORDER BY seq "
                              "LIMIT ? OFFSET ?", [*args, -1 if limit is None else limit, offset])
        return [codec.unpack(r) for r in rows]

    def compare_and_set(self, old: Order, new: Order) -> bool:
        # most moves leave the wire fields as they were: then they are not encoded again
        same_extra = new.extra is old.extra or new.extra == old.extra
        cursor = self.store.execute(
            "UPDATE orders SET status = ?, version = ?, history = ?, channel = ?, bank = ?, expires_us = ?"
            + ("" if same_extra else ", extra = ?") +
            " WHERE tenant = ? AND provider = ? AND merchant = ? AND order_id = ? AND version = ?",
            (new.status, new.version, codec.history_json(new.history), new.channel, new.bank,
             codec.micros(new.expires_at) if new.expires_at else None,
             *(() if same_extra else (_dump(dict(new.extra)),)),
             self.tenant, *old.key, old.version))
        return cursor.rowcount == 1

    def count(self) -> int:
        return self.store.one("SELECT COUNT(*) FROM orders WHERE tenant = ?", (self.tenant,))[0]

    # -- journal -------------------------------------------------------------------------
    def journal_add(self, entry, cap: int) -> int:
        """One INSERT (the id comes back with it and joins the entry when it is read); every
        JOURNAL_TRIM_EVERY entries one DELETE keeps the newest `cap`."""
        entry_id = self.store.execute("INSERT INTO journal (tenant, entry) VALUES (?, ?)",
                                      (self.tenant, _dump(rendered(entry)))).lastrowid
        self._journal_writes += 1
        if self._journal_writes % JOURNAL_TRIM_EVERY == 0:
            self.store.execute("DELETE FROM journal WHERE tenant = ? AND id <= (SELECT id FROM journal "
                               "WHERE tenant = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                               (self.tenant, self.tenant, cap))
        return entry_id

    def journal(self, cap: int | None = None) -> list[dict]:
        limit = -1 if cap is None else cap
        rows = self.store.all("SELECT id, entry FROM (SELECT id, entry FROM journal WHERE tenant = ? "
                              "ORDER BY id DESC LIMIT ?) ORDER BY id", (self.tenant, limit))
        return [{**json.loads(entry), "id": entry_id} for entry_id, entry in rows]

    def journal_clear(self) -> int:
        return self.store.execute("DELETE FROM journal WHERE tenant = ?", (self.tenant,)).rowcount

    # -- faults --------------------------------------------------------------------------
    def faults(self) -> list[FaultRecord]:
        rows = self.store.all("SELECT spec, matched, fired FROM faults WHERE tenant = ? ORDER BY position",
                              (self.tenant,))
        return [FaultRecord(json.loads(r[0]), r[1], r[2]) for r in rows]

    def _faults_changed(self, db: sqlite3.Connection) -> None:
        db.execute("UPDATE runs SET faults_version = faults_version + 1, fault_count = "
                   "(SELECT COUNT(*) FROM faults WHERE tenant = ?) WHERE tenant = ?",
                   (self.tenant, self.tenant))

    def fault_add(self, spec: dict) -> None:
        with self.store.transaction() as db:
            position = db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM faults WHERE tenant = ?",
                                  (self.tenant,)).fetchone()[0]
            try:
                db.execute("INSERT INTO faults (tenant, id, position, spec) VALUES (?,?,?,?)",
                           (self.tenant, spec["id"], position, _dump(spec)))
            except sqlite3.IntegrityError:
                raise KeyError(spec["id"]) from None
            self._faults_changed(db)

    def fault_remove(self, fault_id: str) -> bool:
        with self.store.transaction() as db:
            removed = db.execute("DELETE FROM faults WHERE tenant = ? AND id = ?",
                                 (self.tenant, fault_id)).rowcount
            if removed:
                self._faults_changed(db)
        return bool(removed)

    def faults_clear(self) -> int:
        with self.store.transaction() as db:
            cleared = db.execute("DELETE FROM faults WHERE tenant = ?", (self.tenant,)).rowcount
            self._faults_changed(db)
        return cleared

    def fault_match(self, fault_id: str) -> tuple[int, int] | None:
        with self.store.transaction() as db:
            db.execute("UPDATE faults SET matched = matched + 1 WHERE tenant = ? AND id = ?",
                       (self.tenant, fault_id))
            return db.execute("SELECT matched, fired FROM faults WHERE tenant = ? AND id = ?",
                              (self.tenant, fault_id)).fetchone()

    def fault_fire(self, fault_id: str, times: int | None) -> bool:
        cursor = self.store.execute(
            "UPDATE faults SET fired = fired + 1 WHERE tenant = ? AND id = ? AND (? IS NULL OR fired < ?)",
            (self.tenant, fault_id, times, times))
        return cursor.rowcount == 1

    # -- replay caches -------------------------------------------------------------------
    def replay_claim(self, cache: str, key: str, fingerprint: str, now: datetime,
                     ttl: timedelta | None) -> Remembered | None:
        with self.store.transaction() as db:
            row = db.execute("SELECT fingerprint, claimed_at, in_flight, status, body FROM replays "
                             "WHERE tenant = ? AND cache = ? AND key = ?", (self.tenant, cache, key)).fetchone()
            if row is not None:
                seen = Remembered(row[0], datetime.fromisoformat(row[1]), bool(row[2]), row[3],
                                  json.loads(row[4]) if row[4] is not None else None)
                if ttl is None or now - seen.claimed_at <= ttl:
                    return seen
            db.execute("INSERT OR REPLACE INTO replays VALUES (?,?,?,?,?,1,NULL,NULL)",
                       (self.tenant, cache, key, fingerprint, now.isoformat()))
        return None

    def replay_complete(self, cache: str, key: str, status: int, body: Any) -> None:
        self.store.execute("UPDATE replays SET in_flight = 0, status = ?, body = ? WHERE tenant = ? "
                           "AND cache = ? AND key = ?", (status, _dump(body), self.tenant, cache, key))

    def replay_release(self, cache: str, key: str) -> None:
        self.store.execute("DELETE FROM replays WHERE tenant = ? AND cache = ? AND key = ?",
                           (self.tenant, cache, key))

    # -- records -------------------------------------------------------------------------
    def record_add(self, kind: str, key: str, value: dict) -> bool:
        cursor = self.store.execute("INSERT OR IGNORE INTO records VALUES (?,?,?,?)",
                                    (self.tenant, kind, key, _dump(value)))
        return cursor.rowcount == 1

    def record(self, kind: str, key: str) -> dict | None:
        row = self.store.one("SELECT value FROM records WHERE tenant = ? AND kind = ? AND key = ?",
                             (self.tenant, kind, key))
        return json.loads(row[0]) if row else None

    def record_replace(self, kind: str, key: str, old: dict, new: dict) -> bool:
        cursor = self.store.execute("UPDATE records SET value = ? WHERE tenant = ? AND kind = ? AND "
                                    "key = ? AND value = ?", (_dump(new), self.tenant, kind, key, _dump(old)))
        return cursor.rowcount == 1

    def record_take(self, kind: str, key: str) -> dict | None:
        row = self.store.one("DELETE FROM records WHERE tenant = ? AND kind = ? AND key = ? RETURNING value",
                             (self.tenant, kind, key))
        return json.loads(row[0]) if row else None

    # -- webhook outbox ------------------------------------------------------------------
    def delivery_add(self, delivery: DeliveryRecord, cap: int) -> int:
        with self.store.transaction() as db:
            delivery_id = db.execute(
                "INSERT INTO deliveries (tenant, provider, merchant, order_id, url, event, body, headers,"
                " due, due_at, status, attempts, redelivery_of, fault) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (self.tenant, delivery.provider, delivery.merchant, delivery.order_id, delivery.url,
                 delivery.event, delivery.body, _dump(dict(delivery.headers)), delivery.due,
                 delivery.due_at, delivery.status, _dump(delivery.attempts), delivery.redelivery_of,
                 _dump(delivery.fault) if delivery.fault is not None else None)).lastrowid
            db.execute("DELETE FROM deliveries WHERE tenant = ? AND status != 'pending' AND id <= "
                       "(SELECT id FROM deliveries WHERE tenant = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                       (self.tenant, self.tenant, cap))
        return delivery_id

    def delivery(self, delivery_id: int) -> DeliveryRecord | None:
        if not 0 <= delivery_id < 2 ** 63:     # no such row, and SQLite cannot even compare it
            return None
        row = self.store.one(f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE tenant = ? AND id = ?",
                             (self.tenant, delivery_id))
        return _delivery(row) if row else None

    def deliveries(self) -> list[DeliveryRecord]:
        rows = self.store.all(f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE tenant = ? ORDER BY id",
                              (self.tenant,))
        return [_delivery(r) for r in rows]


def _delivery(row) -> DeliveryRecord:
    (delivery_id, provider, merchant, order_id, url, event, body, headers, due, due_at, status,
     attempts, redelivery_of, fault) = row
    return DeliveryRecord(provider=provider, merchant=merchant, order_id=order_id, url=url,
                          event=event, body=bytes(body), headers=json.loads(headers), due=due,
                          due_at=due_at, id=delivery_id, status=status, attempts=json.loads(attempts),
                          redelivery_of=redelivery_of, fault=json.loads(fault) if fault else None)
