"""The request journal: every provider call the simulator answered, newest last.

The entries live in the run state (`RunState.journal_add`), so every process of a run
writes to and reads from one journal. Bounded: the store keeps the newest `cap` entries,
so a CI job making thousands of calls never grows it without limit. Views attach notes to
the entry of the request they serve (why a signature was refused, which fault hit) through
`simulator.wire.annotate`; credentials are masked before an entry is stored in encoded
form and again when it is read (`simulator.redaction`).

An entry starts as a `Draft`: the raw pieces of the call, taken while the request is alive
(environ strings, header values, bodies, a clock stamp), with `render()` giving the entry's
JSON shape. A store
that encodes entries renders on write; the memory store keeps drafts and renders one only
when the journal is read — a cancel no longer builds a dict nobody may read (~6 % of its
instructions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from .call import CONTENT_KEYS, header_name, path_of
from .redaction import redact_header_set

if TYPE_CHECKING:
    from .clock import Stamp


class Draft(NamedTuple):
    """One provider call as the journal takes it; `render()` is the entry. Made on every
    provider call, so it holds what the call already has, as it is: one tuple and few
    objects of its own (its allocation and, 5,000 calls later, its release are much of what
    journaling costs); names, texts and the datetime are made when the entry is read."""
    at: Stamp                         # when (`Clock.stamp`)
    provider: str
    notes: dict
    method: str                       # REQUEST_METHOD as the environ has it
    path_info: str                    # PATH_INFO as the environ has it (`call.path_of`)
    query: str                        # QUERY_STRING
    header_keys: tuple[str, ...]      # `Call.environ_headers`: environ keys (shared) …
    header_values: tuple[str, ...]    # … and this call's values
    secret_headers: frozenset         # lower-case names never shown (the provider's)
    request_body: bytes | str         # at most the cap's first bytes, or what to show instead
    request_length: int               # the body's length (0 with a text instead)
    status: int | None                # None: the client got no answer (reset, hang)
    response_headers: Any             # the answer's Werkzeug Headers
    response_body: bytes | str       # as request_body
    response_length: int
    duration_ms: float

    @staticmethod
    def body(data: bytes | str, cap: int) -> tuple[bytes | str, int]:
        """What a draft keeps of a body: its first `cap` bytes and its length (a journal of
        5,000 calls must not hold 5,000 whole request bodies of up to 1 MiB)."""
        return (data, 0) if isinstance(data, str) else (data[:cap], len(data))

    def render(self) -> dict[str, Any]:
        notes = dict(self.notes)
        headers = tuple((header_name(key), value) for key, value in zip(self.header_keys, self.header_values)
                        if value or key not in CONTENT_KEYS)
        return {
            "at": self.at.instant().isoformat(),
            "provider": self.provider,
            "endpoint": notes.pop("endpoint", None),
            "order_id": notes.pop("order_id", None),
            "merchant": notes.pop("merchant", None),
            "method": self.method.upper(),
            "path": path_of(self.path_info),
            "query": self.query,
            "request": {"headers": dict(redact_header_set(headers, self.secret_headers)),
                        "body": _text(self.request_body, self.request_length)},
            "status": self.status,
            "response": {"headers": dict(self.response_headers.items()),
                         "body": _text(self.response_body, self.response_length)},
            "duration_ms": self.duration_ms,
            "notes": notes,
        }


def rendered(entry) -> dict[str, Any]:
    """A journal entry as a dict, whether it came as one or as a `Draft`."""
    return entry if isinstance(entry, dict) else entry.render()


def _text(data: bytes | str, length: int) -> str:
    """A `Draft.body` as the entry shows it: the kept bytes, and how many more there were."""
    if isinstance(data, str):
        return data
    text = data.decode("utf-8", errors="replace")
    return text if length <= len(data) else f"{text}…<{length - len(data)} more bytes>"


class Journal:
    def __init__(self, run, cap: int = 5000):
        self.run, self.cap = run, cap

    def record(self, entry: Draft | dict[str, Any]) -> int:
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
