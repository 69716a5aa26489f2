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

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .call import CONTENT_KEYS, header_name, path_of
from .compact_json import compact
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

    def request_headers(self) -> tuple[tuple[str, str], ...]:
        """The request's headers as the entry shows them: credentials masked."""
        return _shown_headers(self.header_keys, self.header_values, self.secret_headers)

    def render(self) -> dict[str, Any]:
        return unpacked(self.packed())

    def packed(self) -> tuple:
        """The draft as plain values (str, bytes, numbers, tuples, the notes' dict) for a store
        that encodes entries with `marshal`: credentials masked now — a file never holds one —
        the rest named and formatted only when the entry is read (`unpacked`)."""
        return (self.at.instant().isoformat(), self.provider, self.notes, self.method, self.path_info,
                self.query, self.request_headers(), self.request_body, self.request_length,
                self.status, tuple(self.response_headers.items()), self.response_body,
                self.response_length, self.duration_ms)


@lru_cache(maxsize=1024)
def _shown_headers(keys: tuple[str, ...], values: tuple[str, ...], secret: frozenset) -> tuple[tuple[str, str], ...]:
    """Headers by name, credentials masked; remembered, as a client sends the same headers
    call after call (`redact_header_set` keeps the same bound)."""
    headers = tuple((header_name(key), value) for key, value in zip(keys, values)
                    if value or key not in CONTENT_KEYS)
    return tuple(redact_header_set(headers, secret).items())


def unpacked(packed: tuple) -> dict[str, Any]:
    """The entry of a `Draft.packed()`."""
    return _entry(*packed)


def _entry(at: str, provider: str, notes: dict, method: str, path_info: str, query: str,
           request_headers, request_body, request_length: int, status: int | None, response_headers,
           response_body, response_length: int, duration_ms: float) -> dict[str, Any]:
    notes = dict(notes)
    return {
        "at": at,
        "provider": provider,
        "endpoint": notes.pop("endpoint", None),
        "order_id": notes.pop("order_id", None),
        "merchant": notes.pop("merchant", None),
        "method": method.upper(),
        "path": path_of(path_info),
        "query": query,
        "request": {"headers": dict(request_headers), "body": _text(request_body, request_length)},
        "status": status,
        "response": {"headers": dict(response_headers), "body": _text(response_body, response_length)},
        "duration_ms": duration_ms,
        "notes": notes,
    }


def rendered(entry) -> dict[str, Any]:
    """A journal entry as a dict, whether it came as one or as a `Draft`."""
    return entry if isinstance(entry, dict) else entry.render()


def json_text(entry: dict) -> str:
    """The entry as JSON text. A value JSON cannot hold (a store that encodes on write would
    have refused the entry) is written as its repr, rather than leaving the journal
    unreadable."""
    try:
        return compact(entry)
    except (TypeError, ValueError):
        return json.dumps(entry, default=repr, ensure_ascii=False)


def json_copy(entry: dict) -> dict:
    """The entry as a JSON store gives it back (`json_text` read again)."""
    return json.loads(json_text(entry))


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
