"""`Handles`: objects made once per key on first use and kept — a store's handle on each
tenant's run, a run's replay cache of each (name, ttl). A handle holds no run state, only the
way to reach it, so keeping it in a process's memory is safe (DESIGN.md, "Run state")."""

from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Handles(dict, Generic[K, V]):
    """`handles[key]` is `make(key)`, made on first use and kept; two threads racing to make
    one keep the same (`setdefault`)."""

    def __init__(self, make: Callable[[K], V]):
        super().__init__()
        self._make = make

    def __missing__(self, key: K) -> V:
        return self.setdefault(key, self._make(key))
