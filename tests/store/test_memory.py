"""simulator/store/memory.py beyond the shared contract (tests/store/test_contract.py runs
on it too): what it does because it keeps entries as given instead of encoding them."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

from simulator.store import ClockState, MemoryStore

T0 = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)


def test_a_journal_entry_json_cannot_hold_shows_its_repr_and_the_journal_stays_readable():
    run = MemoryStore().run("t")
    run.start("{}", "1", ClockState(True, 0), [], [], T0)
    run.journal_add({"n": 1}, 10)
    run.journal_add({"n": 2, "odd": {3}}, 10)         # a set: a JSON store would refuse it on write
    assert run.journal() == [{"n": 1, "id": 1}, {"n": 2, "odd": "{3}", "id": 2}]


def test_journal_entries_read_back_are_copies():
    run = MemoryStore().run("t")
    run.start("{}", "1", ClockState(True, 0), [], [], T0)
    run.journal_add({"request": {"headers": {"a": "1"}}}, 10)
    run.journal()[0]["request"]["headers"]["a"] = "changed"
    assert run.journal()[0]["request"]["headers"] == {"a": "1"}


def test_a_large_body_is_kept_cut_to_the_journal_cap_and_shown_with_its_length(client):
    big = b'{"pad": "' + b"x" * 100_000 + b'"}'
    client.post("/v2/MT-VA-BCA-PENDING/cancel", data=big, content_type="application/json",
                headers={"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()})
    box = client.application.extensions["sandbox"]
    [(_, draft)] = list(box.run.store._state[box.run.tenant].journal)
    assert len(draft.request_body) == box.settings.journal_body_cap == 16 * 1024
    assert draft.request_length == len(big)
    [entry] = client.get("/_sim/journal").get_json()["entries"]
    cut = len(big) - 16 * 1024
    assert entry["request"]["body"].endswith(f"…<{cut} more bytes>")
    assert len(entry["request"]["body"]) == 16 * 1024 + len(f"…<{cut} more bytes>")


def test_after_a_reset_loaded_orders_keep_their_zones_though_their_instants_are_equal():
    from datetime import timedelta
    from decimal import Decimal

    from simulator.orders import Order, Transition

    def loaded(order_id, at):
        return Order("toy", "m1", order_id, f"tx-{order_id}", Decimal("1"), "IDR", None, None, "new", at,
                     at + timedelta(hours=1), (Transition(at, "create", None, "new", "scenario"),))
    jakarta = T0.astimezone(timezone(timedelta(hours=7)))          # the same instant as T0
    run = MemoryStore().run("t")
    run.start("{}", "1", ClockState(True, 0), [loaded("UTC", T0), loaded("WIB", jakarta)], [], T0)
    run.reset(ClockState(True, 0), [], shift=timedelta(hours=2))
    for _ in range(2):                           # the second read of each comes from the cache
        utc, wib = run.get("toy", "m1", "UTC"), run.get("toy", "m1", "WIB")
        assert utc.created_at.isoformat() == "2026-01-15T05:00:00+00:00"
        assert wib.created_at.isoformat() == "2026-01-15T12:00:00+07:00"
        assert wib.expires_at.isoformat() == "2026-01-15T13:00:00+07:00"
        assert wib.history == (Transition(wib.created_at, "create", None, "new", "scenario"),)
