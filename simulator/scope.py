"""The request's scope: which tenant's sandbox this request is for, and the run meta it read
once at the start (see `Sandbox.request_scope`). A context variable, so each thread and
request sees its own; nothing here outlives a request."""

from __future__ import annotations

import contextvars
from typing import Any

# (sandbox, the run's meta as this request first read it)
SNAPSHOT: contextvars.ContextVar[tuple[Any, Any] | None] = \
    contextvars.ContextVar("sandbox_snapshot", default=None)


def current_sandbox():
    """The sandbox of the request being served (its tenant's), None outside requests."""
    snapshot = SNAPSHOT.get()
    return snapshot[0] if snapshot is not None else None
