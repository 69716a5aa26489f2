"""Run-state stores: one contract (`base.Store` / `base.RunState`), backends behind
`open_store(url)`:

- `memory` — Python dicts in this process (`memory.py`): one process, nothing survives it;
- `sqlite:PATH` — a SQLite file in WAL mode: many processes on one host, kept across restarts;
- `lmdb:PATH` — an LMDB file: many processes on one host, kept across restarts, and much
  cheaper to share than SQLite (`lmdb.py` says why); `--workers N` on the memory store
  runs on a private one;
- `redis://HOST:PORT/DB` — Redis: many processes on many hosts.

Round trips. The design asks for one store round trip per request where it can be had; a
provider call makes four contract calls (`meta`, `find`, `compare_and_set`, `journal_add`),
each one transaction, one Lua script or one lock. Kept apart on purpose: each is atomic on
its own, and the journal entry is written after the answer is rendered. Where it was
measured it did not pay to merge them: on LMDB, twenty extra reads a request cost nothing
measurable, and the time of a call is in decoding and encoding what it reads and writes
(`bench/RESULTS.md`). On Redis each is a network round trip: the place a merged script
would pay first.
"""

from __future__ import annotations

from .base import (ClockState, DEFAULT_TENANT, DeliveryRecord, DuplicateOrder, FaultRecord,
                   Remembered, RunMeta, RunState, Store, StoreUnavailable, TenantRecord)
from .memory import MemoryStore
from .sqlite import SQLiteStore

MEMORY = "memory"


def check_url(url: str) -> str:
    """`url` if it names a store, else ValueError with a one-line reason naming --store."""
    if url in (MEMORY, ":memory:", "sqlite::memory:"):
        return MEMORY
    for scheme in ("sqlite:", "lmdb:"):
        if url.startswith(scheme) and len(url) > len(scheme):
            return url
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis import parse_url
        parse_url(url)
        return url
    raise ValueError(f"--store {url!r}: expected 'memory', 'sqlite:PATH', 'lmdb:PATH' or 'redis://HOST:PORT/DB'")


def open_store(url: str, durable: bool = True) -> Store:
    """Connect to the store `url` names; StoreUnavailable (one line) if it cannot be used.
    `durable=False`: a file that need not survive a machine crash (store/sqlite.py, lmdb.py)."""
    url = check_url(url)
    if url == MEMORY:
        return MemoryStore()
    if url.startswith("sqlite:"):
        return SQLiteStore(url[len("sqlite:"):], durable=durable)
    if url.startswith("lmdb:"):
        from .lmdb import LMDBStore
        return LMDBStore(url[len("lmdb:"):], durable=durable)
    from .redis import RedisStore
    return RedisStore(url)


__all__ = ["ClockState", "DEFAULT_TENANT", "DeliveryRecord", "DuplicateOrder", "FaultRecord",
           "MEMORY", "MemoryStore", "Remembered", "RunMeta", "RunState", "SQLiteStore", "Store", "StoreUnavailable",
           "TenantRecord",
           "check_url", "open_store"]
