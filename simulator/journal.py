"""The request journal: every provider call the simulator answered, newest last.

Bounded: it keeps the newest `cap` entries (a deque drops the oldest in O(1)), so a CI job
making thousands of calls never grows memory without limit. Appends take a short lock and
do no I/O. Views attach notes to the entry of the request they serve (why a signature was
refused, which fault hit) through `simulator.wire.annotate`.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from typing import Any


class Journal:
    def __init__(self, cap: int = 5000):
        self.cap = cap
        self._entries: deque[dict] = deque(maxlen=cap)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            entry["id"] = next(self._ids)
            self._entries.append(entry)
        return entry

    def entries(self) -> list[dict]:
        with self._lock:
            return list(self._entries)

    def query(self, provider: str | None = None, path: str | None = None,
              status: int | None = None, order_id: str | None = None,
              endpoint: str | None = None, method: str | None = None) -> list[dict]:
        """Entries matching every given filter; `path` matches as a substring."""
        def keep(e: dict) -> bool:
            return ((provider is None or e.get("provider") == provider)
                    and (path is None or path in e.get("path", ""))
                    and (status is None or e.get("status") == status)
                    and (order_id is None or e.get("order_id") == order_id)
                    and (endpoint is None or e.get("endpoint") == endpoint)
                    and (method is None or e.get("method") == method.upper()))
        return [e for e in self.entries() if keep(e)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

