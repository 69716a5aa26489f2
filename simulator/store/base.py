"""The order-store contract every backend fulfils.

The engine needs only these calls. `compare_and_set` is the one that matters for
correctness: it writes `new` only if the stored version is still `old.version`.
"""

from __future__ import annotations

from typing import Iterable, Protocol

from ..orders import Order


class DuplicateOrder(Exception):
    """An order with the same (provider, merchant, order_id) already exists."""


class OrderStore(Protocol):
    def insert(self, order: Order) -> None: ...
    def insert_many(self, orders: Iterable[Order]) -> None: ...
    def get(self, provider: str, merchant: str, order_id: str) -> Order | None: ...
    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        """By order_id first, then by transaction_id; optionally only `merchant`'s."""
    def list(self, provider: str | None = None, merchant: str | None = None) -> list[Order]: ...
    def compare_and_set(self, old: Order, new: Order) -> bool: ...
    def secret(self, name: str) -> bytes:
        """A random secret of this run (made on first use, the same for every process)."""
    def count(self) -> int: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...
