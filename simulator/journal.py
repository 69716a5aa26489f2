"""The request journal: every provider call the simulator answered, newest last.

The entries live in the run state (`RunState.journal_add`), so every process of a run
writes to and reads from one journal. Bounded: the store keeps the newest `cap` entries,
so a CI job making thousands of calls never grows it without limit. Views attach notes to
the entry of the request they serve (why a signature was refused, which fault hit) through
`simulator.wire.annotate`; credentials are masked before an entry is written and again
when it is read (`simulator.redaction`).
"""

from __future__ import annotations

from typing import Any


class Journal:
    def __init__(self, run, cap: int = 5000):
        self.run, self.cap = run, cap

    def record(self, entry: dict[str, Any]) -> int:
        """Append `entry` (it is the store's from now on); its id."""
        return self.run.journal_add(entry, self.cap)

    def entries(self) -> list[dict]:
        return self.run.journal(self.cap)

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

    def clear(self) -> int:
        return self.run.journal_clear()

    def __len__(self) -> int:
        return len(self.entries())
