"""SQLite order store: a file (kept across restarts) or `:memory:` (tests).

One connection, shared by all server threads, guarded by a lock that is held only for
the statement itself (never across network I/O). Each order is one row: the columns the
lookups need, plus the whole order as JSON. Compare-and-set is a single
`UPDATE … WHERE version = ?`, so it is atomic without any application lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Iterable

from ..orders import Order
from .base import DuplicateOrder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    provider TEXT NOT NULL,
    merchant TEXT NOT NULL,
    order_id TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (provider, merchant, order_id)
);
CREATE INDEX IF NOT EXISTS orders_by_transaction ON orders (provider, transaction_id);
CREATE INDEX IF NOT EXISTS orders_by_order_id ON orders (provider, order_id);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


class SQLiteStore:
    def __init__(self, path: str = ":memory:"):
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM orders").fetchone()[0]

    @staticmethod
    def _row(order: Order, seq: int) -> tuple:
        return (order.provider, order.merchant, order.order_id, order.transaction_id,
                order.status, order.version, seq, json.dumps(order.to_dict(), separators=(",", ":")))

    def insert(self, order: Order) -> None:
        self.insert_many([order])

    def insert_many(self, orders: Iterable[Order]) -> None:
        with self._lock:
            rows = []
            for order in orders:
                self._seq += 1
                rows.append(self._row(order, self._seq))
            try:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?,?)", rows)
                self._db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                self._db.execute("ROLLBACK")
                raise DuplicateOrder(str(exc)) from None

    def _one(self, sql: str, args: tuple) -> Order | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return Order.from_dict(json.loads(row[0])) if row else None

    def get(self, provider: str, merchant: str, order_id: str) -> Order | None:
        return self._one("SELECT data FROM orders WHERE provider=? AND merchant=? AND order_id=?",
                         (provider, merchant, order_id))

    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        merchant_clause, args = ("AND merchant=?", (merchant,)) if merchant else ("", ())
        for column in ("order_id", "transaction_id"):
            order = self._one(f"SELECT data FROM orders WHERE provider=? AND {column}=? "
                              f"{merchant_clause} ORDER BY seq LIMIT 1", (provider, key, *args))
            if order:
                return order
        return None

    def list(self, provider: str | None = None, merchant: str | None = None) -> list[Order]:
        clauses, args = [], []
        for column, value in (("provider", provider), ("merchant", merchant)):
            if value is not None:
                clauses.append(f"{column}=?")
                args.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(f"SELECT data FROM orders {where} ORDER BY seq", args).fetchall()
        return [Order.from_dict(json.loads(r[0])) for r in rows]

    def compare_and_set(self, old: Order, new: Order) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "UPDATE orders SET status=?, version=?, data=? "
                "WHERE provider=? AND merchant=? AND order_id=? AND version=?",
                (new.status, new.version, json.dumps(new.to_dict(), separators=(",", ":")),
                 *old.key, old.version))
        return cursor.rowcount == 1

    def secret(self, name: str) -> bytes:
        """The run's random secret `name` (32 bytes), made on first use and kept for the
        life of the store: every process on the store signs and verifies with the same."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO secrets VALUES (?, ?)", (name, os.urandom(32)))
            return self._db.execute("SELECT value FROM secrets WHERE name=?", (name,)).fetchone()[0]

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM orders")

    def close(self) -> None:
        with self._lock:
            self._db.close()
