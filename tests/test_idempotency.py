"""`idempotency.once`: claim, replay, in-flight, clash, and release on failure or on an
answer not to remember."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator import idempotency
from simulator.clock import Clock
from simulator.replay import ReplayCache
from simulator.store import SQLiteStore


@pytest.fixture
def cache():
    return ReplayCache(SQLiteStore(":memory:").run(), "test", Clock(frozen=True), ttl=timedelta(minutes=5))


def test_no_key_just_runs(cache):
    assert idempotency.once(cache, None, "", lambda: ({"a": 1}, 200)) == idempotency.Fresh({"a": 1}, 200)


def test_the_second_call_replays_the_first_answer(cache):
    runs = []
    work = lambda: (runs.append(1) or {"n": len(runs)}, 201)  # noqa: E731
    assert idempotency.once(cache, "k", "f", work) == idempotency.Fresh({"n": 1}, 201)
    assert idempotency.once(cache, "k", "f", work) == idempotency.Replayed({"n": 1}, 201)
    assert idempotency.once(cache, "k", "other", work) == idempotency.Clash({"n": 1}, 201)
    assert runs == [1]


def test_a_call_while_the_first_runs_is_in_flight(cache):
    inner = []
    def work():
        inner.append(idempotency.once(cache, "k", "f", lambda: ({}, 200)))
        return {}, 200
    idempotency.once(cache, "k", "f", work)
    assert inner == [idempotency.InFlight()]


def test_an_exception_releases_the_key(cache):
    def boom():
        raise RuntimeError("store down")
    with pytest.raises(RuntimeError):
        idempotency.once(cache, "k", "f", boom)
    assert idempotency.once(cache, "k", "f", lambda: ({}, 200)) == idempotency.Fresh({}, 200)


def test_an_answer_not_remembered_releases_the_key(cache):
    refused = idempotency.once(cache, "k", "f", lambda: ({"ok": False}, 200),
                               remember=lambda body, status: body["ok"])
    assert refused == idempotency.Fresh({"ok": False}, 200)
    assert idempotency.once(cache, "k", "f", lambda: ({"ok": True}, 200)) == idempotency.Fresh({"ok": True}, 200)
