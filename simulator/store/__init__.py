"""Order stores: one small contract (`base.OrderStore`), backends behind `open_store(url)`.

`memory` is SQLite `:memory:`; `sqlite:PATH` is a file that survives restarts.
"""

from .base import DuplicateOrder, OrderStore
from .sqlite import SQLiteStore


def open_store(url: str) -> OrderStore:
    if url in ("memory", ":memory:", "sqlite::memory:"):
        return SQLiteStore(":memory:")
    if url.startswith("sqlite:") and len(url) > len("sqlite:"):
        return SQLiteStore(url[len("sqlite:"):])
    raise ValueError(f"--store {url!r}: expected 'memory' or 'sqlite:PATH'")


__all__ = ["DuplicateOrder", "OrderStore", "SQLiteStore", "open_store"]
