"""The run-state contract (`simulator.store.base`), the same tests for every backend: the
memory store, SQLite in memory and in a file, an LMDB file, and a real Redis. Concurrency is real (threads racing on one
store); the tests of several processes sharing a store are in tests/test_scale_out.py."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from simulator.orders import Order, Transition
from simulator.store import memory as memory_store
from simulator.store.lmdb import LMDBStore
from simulator.store import (ClockState, DeliveryRecord, DuplicateOrder, MemoryStore, SQLiteStore,
                             StoreUnavailable, check_url, open_store)

T0 = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)
CLOCK = ClockState(True, 1_768_446_000_000_000, 420)


def order(order_id="A", merchant="m1", status="new", provider="toy", version=0, at=T0) -> Order:
    return Order(provider, merchant, order_id, f"tx-{order_id}", Decimal("10.50"), "IDR", "red", "bni",
                 status, at, at + timedelta(hours=1), (Transition(at, "create", None, status, "scenario"),),
                 {"va": "123", "nested": {"k": [1, 2]}}, version)


def race(work, threads: int) -> None:
    """Run `work` on `threads` threads at once and wait for all of them."""
    running = [threading.Thread(target=work) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()


@pytest.fixture(params=["memory", "memory-packed", "sqlite-memory", "sqlite-file", "lmdb-private", "redis"])
def store(request, tmp_path):
    if request.param.startswith("memory"):
        if request.param == "memory-packed":     # orders kept as a large run keeps them
            request.getfixturevalue("monkeypatch").setattr(memory_store, "OBJECTS_MAX", 1)
        opened = open_store("memory")
        assert isinstance(opened, MemoryStore)
    elif request.param == "sqlite-memory":
        opened = SQLiteStore(":memory:")
    elif request.param == "sqlite-file":
        opened = open_store(f"sqlite:{tmp_path / 'run.db'}")
    elif request.param == "lmdb-private":      # as `--workers N` on the memory store opens it
        opened = open_store(f"lmdb:{tmp_path / 'run.lmdb'}", durable=False)
    else:
        server = request.getfixturevalue("redis_server")
        server.flush()
        opened = open_store(server.url)
    yield opened
    opened.close()


@pytest.fixture
def run(store):
    run = store.run("t1")
    run.start('{"name": "x"}', "42", CLOCK, [order("A"), order("B", merchant="m2")],
              [{"id": "f1", "action": "status", "status": 503}], T0)
    return run


# -- the run --------------------------------------------------------------------------------

def test_a_fresh_store_holds_no_run(store):
    assert store.run("nobody").meta() is None


def test_start_makes_a_run(run):
    meta = run.meta()
    assert (meta.epoch, meta.scenario_epoch, meta.fault_count, meta.seed) == (1, 1, 1, "42")
    assert meta.clock == CLOCK
    assert run.scenario_doc() == '{"name": "x"}'
    assert run.loaded_at() == T0
    assert [o.order_id for o in run.list()] == ["A", "B"]


def test_start_again_replaces_everything_but_secrets_and_sequences(run):
    secret, first = run.secret("k"), run.reserve("draws", 10)
    run.insert(order("C"))
    run.journal_add({"path": "/x"}, 100)
    run.replay_claim("c", "key", "fp", T0, None)
    run.delivery_add(delivery(), 100)
    before = run.meta()
    run.start('{"name": "y"}', "7", ClockState(False, 5), [order("Z")], [], T0)
    meta = run.meta()
    assert (meta.epoch, meta.scenario_epoch, meta.fault_count, meta.seed) == (2, 2, 0, "7")
    assert meta.faults_version > before.faults_version
    assert [o.order_id for o in run.list()] == ["Z"]
    assert run.journal() == [] and run.faults() == [] and run.deliveries() == []
    assert run.replay_claim("c", "key", "fp", T0, None) is None
    assert run.secret("k") == secret and run.reserve("draws", 1) == first + 10


def test_reset_restores_the_snapshot_at_once(run):
    changed = dataclasses.replace(order("A", status="paid", version=1), channel="qris", bank=None,
                                  expires_at=None, extra={"paid": True})
    assert run.compare_and_set(order("A"), changed)
    run.insert(order("C"))
    run.journal_add({"path": "/x"}, 100)
    run.fault_match("f1")
    run.fault_fire("f1", None)
    run.replay_claim("c", "key", "fp", T0, None)
    run.delivery_add(delivery(), 100)
    run.change_clock(lambda s: ClockState(s.frozen, s.micros + 10**9, s.zone))

    meta = run.reset(CLOCK, [{"id": "f2", "action": "reset"}])

    assert meta.epoch == 2 and meta.clock == CLOCK and meta.fault_count == 1
    assert [(o.order_id, o.status, o.version) for o in run.list()] == [("A", "new", 0), ("B", "new", 0)]
    assert run.get("toy", "m1", "A") == order("A")
    assert run.journal() == [] and run.deliveries() == []
    assert [(f.spec["id"], f.matched, f.fired) for f in run.faults()] == [("f2", 0, 0)]
    assert run.replay_claim("c", "key", "fp", T0, None) is None


def test_reset_moves_the_snapshot_times_by_the_shift(run):
    run.reset(CLOCK, [], shift=timedelta(hours=2))
    assert run.get("toy", "m1", "A") == order("A", at=T0 + timedelta(hours=2))
    # the snapshot itself stays as loaded: the next shift is counted from the load again
    assert run.loaded_at() == T0
    run.reset(CLOCK, [], shift=timedelta(hours=3))
    moved = order("A", at=T0 + timedelta(hours=3))
    assert run.get("toy", "m1", "A") == moved
    assert run.find("toy", "A") == moved and run.find("toy", "tx-A") == moved
    assert run.list() == [moved, order("B", merchant="m2", at=T0 + timedelta(hours=3))]
    paid = dataclasses.replace(moved, status="paid", version=1)
    assert run.compare_and_set(moved, paid) and run.get("toy", "m1", "A") == paid


def test_the_scenario_document_can_change(run):
    run.set_scenario_doc('{"name": "edited"}')
    assert run.scenario_doc() == '{"name": "edited"}' and run.meta().scenario_epoch == 2
    assert run.meta().epoch == 1


def test_clock_changes_are_atomic(run):
    def advance():
        for _ in range(50):
            run.change_clock(lambda s: ClockState(s.frozen, s.micros + 1, s.zone))
    race(advance, 8)
    assert run.meta().clock == ClockState(True, CLOCK.micros + 400, 420)


@pytest.mark.parametrize("store", ["sqlite-file", "redis"], indirect=True)     # the shared ones
def test_another_connection_sees_every_change_of_the_run(store, run, request):
    # what another process sharing the store sees, at once
    url = store.url if store.url.startswith("sqlite:") else request.getfixturevalue("redis_server").url
    other_store = open_store(url)
    other = other_store.run("t1")

    def as_stored():           # a connection of its own, opened after the change
        fresh = open_store(url)
        try:
            return fresh.run("t1").meta()
        finally:
            fresh.close()
    changes = [
        lambda: run.reset(CLOCK, []),
        lambda: run.set_scenario_doc('{"name": "edited"}'),
        lambda: run.change_clock(lambda s: ClockState(False, s.micros + 5, s.zone)),
        lambda: run.fault_add({"id": "f2", "action": "status", "status": 500}),
        lambda: run.fault_remove("f2"),
        lambda: run.faults_clear(),
        lambda: run.drop(),
        lambda: run.start('{"name": "y"}', "7", CLOCK, [order("C")], [], T0),
    ]
    try:
        for change in changes:
            assert other.meta() == run.meta() == as_stored()
            change()
            assert other.meta() == run.meta() == as_stored()
        assert other.meta().seed == "7" and other.meta().fault_count == 0
    finally:
        other_store.close()


def test_secrets_are_random_stable_and_per_tenant(store, run):
    assert len(run.secret("k")) == 32 and run.secret("k") == run.secret("k")
    assert run.secret("k") != run.secret("other") != store.run("t2").secret("k")


def test_reserved_numbers_never_overlap(run):
    got, lock = [], threading.Lock()

    def reserve():
        for _ in range(25):
            start = run.reserve("draws", 4)
            with lock:
                got.extend(range(start, start + 4))
    race(reserve, 8)
    assert sorted(got) == list(range(800))


def test_drop_forgets_the_tenant(store, run):
    run.secret("k")
    run.drop()
    assert run.meta() is None and run.list() == [] and run.count() == 0
    assert store.run("t1").meta() is None


def test_tenants_are_isolated(store, run):
    other = store.run("t2")
    other.start("{}", "1", CLOCK, [order("A", status="other")], [], T0)
    run.compare_and_set(order("A"), order("A", status="paid", version=1))
    assert other.get("toy", "m1", "A").status == "other"
    assert other.count() == 1 and run.count() == 2
    other.journal_add({"n": 1}, 10)
    assert run.journal() == []


# -- orders ---------------------------------------------------------------------------------

def test_orders_round_trip_exactly(run):
    assert run.get("toy", "m1", "A") == order("A")
    assert run.get("toy", "m1", "nope") is None


def test_find_by_order_id_then_transaction_id_and_by_merchant(run):
    assert run.find("toy", "A").order_id == "A"
    assert run.find("toy", "tx-A").order_id == "A"
    assert run.find("toy", "A", merchant="m2") is None
    assert run.find("toy", "B", merchant="m2").merchant == "m2"
    assert run.find("other", "A") is None


def test_an_empty_merchant_or_provider_is_a_name_not_any(run):
    # `?merchant=` with nothing after it reaches the store as "": every store must read it
    # as a merchant named "" (there is none here), not as "no filter"
    assert run.find("toy", "A", merchant="") is None
    assert run.find("toy", "tx-A", merchant="") is None
    assert run.list(merchant="") == []
    assert run.list(provider="") == []
    assert run.list(provider="", merchant="m1") == []
    assert run.list(provider="toy", merchant="", offset=0, limit=1) == []


def test_find_prefers_the_first_inserted(run):
    run.insert(order("A", merchant="m3"))
    assert run.find("toy", "A").merchant == "m1"


def test_a_duplicate_insert_inserts_nothing(run):
    with pytest.raises(DuplicateOrder):
        run.insert_many([order("C"), order("A")])
    assert run.count() == 2 and run.get("toy", "m1", "C") is None


def test_list_filters_and_keeps_insertion_order(run):
    run.insert(order("C", provider="other"))
    assert [o.order_id for o in run.list()] == ["A", "B", "C"]
    assert [o.order_id for o in run.list(provider="toy", merchant="m2")] == ["B"]
    assert [o.order_id for o in run.list(provider="other")] == ["C"]


def test_compare_and_set_wins_once(run):
    paid = order("A", status="paid", version=1)
    paid = Order(**{**paid.__dict__, "history": paid.history + (Transition(T0, "pay", "new", "paid", "api"),),
                    "extra": {"note": "x"}, "channel": "blue", "bank": None,
                    "expires_at": T0 + timedelta(minutes=5)})
    assert run.compare_and_set(order("A"), paid) is True
    assert run.compare_and_set(order("A"), paid) is False
    assert run.get("toy", "m1", "A") == paid


def test_racing_compare_and_sets_have_one_winner(run):
    wins = []

    def attempt(n):
        if run.compare_and_set(order("A"), order("A", status=f"s{n}", version=1)):
            wins.append(n)
    numbers = iter(range(16))
    race(lambda: attempt(next(numbers)), 16)
    assert len(wins) == 1 and run.get("toy", "m1", "A").status == f"s{wins[0]}"


def test_ids_of_any_length_and_content_are_found_or_not_found(run):
    long_id = "L" * 3_000 + "\0é"                   # far past LMDB's 511-byte keys, with a NUL
    assert run.find("toy", long_id) is None and run.get("toy", "m1", long_id) is None
    run.insert(order(long_id))
    run.insert(order("L" * 3_000 + "\0e"))          # differs only after the first 3,000 characters
    assert run.get("toy", "m1", long_id).order_id == long_id
    assert run.find("toy", f"tx-{long_id}").order_id == long_id
    assert run.find("toy", "A\0", "m1") is None and run.find("toy", "") is None


# -- journal --------------------------------------------------------------------------------

def test_the_journal_keeps_the_newest_entries_up_to_its_cap(run):
    ids = [run.journal_add({"n": n}, 10) for n in range(200)]
    assert ids == sorted(ids) and len(set(ids)) == 200
    kept = run.journal(10)
    assert [e["n"] for e in kept] == list(range(190, 200))
    assert kept[-1]["id"] == ids[-1]
    assert run.journal_clear() >= 10 and run.journal() == []


def test_a_journal_entry_reads_back_with_the_id_the_store_gave_it(run):
    given = run.journal_add({"id": 999_999, "n": 1}, 10)     # an id of its own does not win
    assert run.journal() == [{"id": given, "n": 1}]


# -- faults ---------------------------------------------------------------------------------

def test_faults_keep_their_order_and_ids(run):
    run.fault_add({"id": "f2", "action": "reset"})
    with pytest.raises(KeyError):
        run.fault_add({"id": "f1", "action": "reset"})
    assert [f.spec["id"] for f in run.faults()] == ["f1", "f2"]
    version = run.meta().faults_version
    assert run.fault_remove("f1") is True and run.fault_remove("f1") is False
    assert run.meta().faults_version > version and run.meta().fault_count == 1
    assert run.faults_clear() == 1 and run.meta().fault_count == 0


def test_a_fault_fires_at_most_times_across_racing_threads(run):
    fired = []

    def hit():
        for _ in range(20):
            counted = run.fault_match("f1")
            if counted and run.fault_fire("f1", 5):
                fired.append(1)
    race(hit, 8)
    [record] = run.faults()
    assert (record.matched, record.fired, len(fired)) == (160, 5, 5)
    assert run.fault_match("gone") is None


# -- replay caches --------------------------------------------------------------------------

def test_a_key_is_claimed_once_then_replayed(run):
    assert run.replay_claim("c", "k", "fp", T0, timedelta(minutes=5)) is None
    seen = run.replay_claim("c", "k", "other", T0, timedelta(minutes=5))
    assert seen.in_flight and seen.fingerprint == "fp"
    run.replay_complete("c", "k", 201, {"a": [1]})
    seen = run.replay_claim("c", "k", "fp", T0 + timedelta(minutes=5), timedelta(minutes=5))
    assert (seen.in_flight, seen.status, seen.body, seen.claimed_at) == (False, 201, {"a": [1]}, T0)
    assert run.replay_claim("c", "k", "fp", T0 + timedelta(minutes=6), timedelta(minutes=5)) is None
    run.replay_release("c", "k")
    assert run.replay_claim("c", "k", "fp", T0, None) is None
    assert run.replay_claim("other-cache", "k", "fp", T0, None) is None


def test_racing_claims_have_one_owner(run):
    owners = []

    def claim():
        if run.replay_claim("c", "race", "fp", T0, None) is None:
            owners.append(1)
    race(claim, 16)
    assert len(owners) == 1


# -- webhook outbox -------------------------------------------------------------------------

def delivery(order_id="A", due=0.0, status="pending") -> DeliveryRecord:
    return DeliveryRecord("toy", "m1", order_id, "http://127.0.0.1:9/hook", "paid", b'{"x":1}',
                          {"X-Key": "v"}, due=due, due_at="2026-01-15T10:00:00+07:00", status=status)


def test_deliveries_are_kept_and_read_back(run):
    first = run.delivery_add(delivery(), 100)
    dropped = run.delivery_add(delivery(status="dropped"), 100)
    assert first < dropped
    record = run.delivery(first)
    assert (record.body, record.headers, record.status, record.attempts) == (b'{"x":1}', {"X-Key": "v"}, "pending", [])
    assert [d.id for d in run.deliveries()] == [first, dropped]
    assert run.delivery(10**30) is None and run.delivery(-1) is None


def test_a_due_delivery_is_claimed_by_one_caller_in_order_per_order(store, run):
    now = time.time()
    first = run.delivery_add(delivery("A", due=now - 1), 100)
    second = run.delivery_add(delivery("A", due=now - 2), 100)     # same order: waits for the first
    other = run.delivery_add(delivery("B", due=now + 60), 100)     # not due yet
    tenant, claimed = store.claim_delivery(now, lease=30)
    assert (tenant, claimed.id) == ("t1", first)
    assert store.claim_delivery(now, lease=30) is None            # first is leased, second waits
    store.finish_attempt("t1", first, {"status": 503}, now - 1, "2026-01-15T10:02:00+07:00", None)
    tenant, again = store.claim_delivery(now, lease=30)
    assert again.id == first and again.attempts == [{"status": 503}]
    store.finish_attempt("t1", first, {"status": 200}, None, None, "delivered")
    assert store.claim_delivery(now, lease=30)[1].id == second
    store.finish_attempt("t1", second, {"status": 200}, None, None, "delivered")
    assert store.claim_delivery(now + 100, lease=30)[1].id == other
    assert run.delivery(first).status == "delivered"
    assert run.delivery(first).attempts == [{"status": 503}, {"status": 200}]


def test_a_lapsed_lease_lets_another_caller_retry(store, run):
    now = time.time()
    run.delivery_add(delivery(due=now - 1), 100)
    assert store.claim_delivery(now, lease=5) is not None
    assert store.claim_delivery(now + 1, lease=5) is None
    assert store.claim_delivery(now + 6, lease=5) is not None


def test_racing_claims_hand_each_delivery_to_one_caller(store, run):
    now = time.time()
    for n in range(20):
        run.delivery_add(delivery(f"O{n}", due=now - 1), 100)
    claimed, lock = [], threading.Lock()

    def work():
        while (got := store.claim_delivery(now, lease=60)) is not None:
            with lock:
                claimed.append(got[1].id)
    race(work, 6)
    assert len(claimed) == 20 == len(set(claimed))


def test_next_due_and_claims_across_tenants(store, run):
    assert store.next_due() is None
    other = store.run("t2")
    other.start("{}", "1", CLOCK, [], [], T0)
    other.delivery_add(delivery(due=100.0), 100)
    assert store.next_due() == 100.0
    assert store.claim_delivery(101.0, lease=5)[0] == "t2"


def test_an_attempt_for_a_reset_delivery_is_ignored(store, run):
    now = time.time()
    run.delivery_add(delivery(due=now - 1), 100)
    _, claimed = store.claim_delivery(now, lease=30)
    run.reset(CLOCK, [])
    store.finish_attempt("t1", claimed.id, {"status": 200}, None, None, "delivered")
    assert run.deliveries() == []


def test_the_delivery_log_is_capped_but_keeps_pending_ones(run):
    pending = run.delivery_add(delivery(due=10**10), 3)
    for _ in range(10):
        run.delivery_add(delivery(status="dropped"), 3)
    kept = run.deliveries()
    assert pending in [d.id for d in kept] and len(kept) <= 4


# -- urls -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["redis://", "sqlite:", "postgres", "redis://h:notaport/0",
                                 "redis://h:6379/x"])
def test_a_bad_store_url_is_a_one_line_error(url):
    with pytest.raises(ValueError, match="--store"):
        check_url(url)


def test_an_unreachable_redis_is_a_one_line_error():
    with pytest.raises(StoreUnavailable, match="--store redis://127.0.0.1:1/0: cannot reach"):
        open_store("redis://127.0.0.1:1/0")


def test_an_unwritable_sqlite_path_is_a_one_line_error(tmp_path):
    with pytest.raises(StoreUnavailable, match="--store sqlite:"):
        open_store(f"sqlite:{tmp_path}/no/such/dir/run.db")


@pytest.mark.parametrize("path", ["no/such/dir/run.lmdb", "."])
def test_an_unusable_lmdb_path_is_a_one_line_error(tmp_path, path):
    with pytest.raises(StoreUnavailable, match="--store lmdb:.*: cannot open it") as refused:
        open_store(f"lmdb:{tmp_path / path}")
    assert "\n" not in str(refused.value)


def test_a_named_lmdb_file_waits_for_the_disk_and_a_throwaway_one_does_not(tmp_path):
    named, throwaway = open_store(f"lmdb:{tmp_path}/a.lmdb"), open_store(f"lmdb:{tmp_path}/b.lmdb", durable=False)
    try:
        assert (named.env.flags()["sync"], named.env.flags()["writemap"]) == (True, False)
        assert (throwaway.env.flags()["sync"], throwaway.env.flags()["writemap"]) == (False, True)
    finally:
        named.close()
        throwaway.close()


def test_a_named_sqlite_file_waits_for_the_disk_and_a_throwaway_one_does_not(tmp_path):
    named, throwaway = open_store(f"sqlite:{tmp_path}/a.db"), open_store(f"sqlite:{tmp_path}/b.db", durable=False)
    try:
        assert named.one("PRAGMA synchronous") == (1,)         # NORMAL: a machine crash corrupts nothing
        assert throwaway.one("PRAGMA synchronous") == (0,)     # OFF
    finally:
        named.close()
        throwaway.close()


def test_a_lock_file_that_cannot_be_opened_is_a_one_line_error(tmp_path):
    (tmp_path / "run.db.lock").mkdir()
    with pytest.raises(StoreUnavailable, match="--store sqlite:.*run.db: cannot open it"):
        open_store(f"sqlite:{tmp_path}/run.db")


def test_sqlite_file_writers_wait_for_the_writers_lock_held_elsewhere(tmp_path):
    # another process's writer holds the lock file (a separate open file: a separate lock)
    store = open_store(f"sqlite:{tmp_path}/run.db")
    run = store.run("t1")
    run.start("{}", "1", CLOCK, [order("A")], [], T0)
    holder = os.open(tmp_path / "run.db.lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    done = threading.Event()
    writer = threading.Thread(target=lambda: (run.change_clock(lambda s: ClockState(False, 1, 0)), done.set()))
    writer.start()
    try:
        assert not done.wait(0.3)                  # queued behind the holder
        assert run.meta().clock == CLOCK           # readers are not
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)
    assert done.wait(10)
    writer.join()
    assert run.meta().clock == ClockState(False, 1, 0)
    store.close()


def test_list_pages_through_the_matches(run):
    for n in range(5):
        run.insert(order(f"P{n}", merchant="m2"))
    assert [o.order_id for o in run.list(offset=1, limit=2)] == ["B", "P0"]
    assert [o.order_id for o in run.list(merchant="m2", offset=2, limit=3)] == ["P1", "P2", "P3"]
    assert [o.order_id for o in run.list(merchant="m2", offset=5)] == ["P4"]
    assert run.list(offset=100) == [] and run.list(limit=0) == []


def test_a_run_too_large_keeps_no_snapshot(store, monkeypatch):
    import simulator.store.redis as redis_store
    import simulator.store.sqlite as sqlite_store
    monkeypatch.setattr(sqlite_store, "SNAPSHOT_MAX_ORDERS", 2)
    monkeypatch.setattr(redis_store, "SNAPSHOT_MAX_ORDERS", 2)
    run = store.run("big")
    run.start("{}", "1", CLOCK, [order("A"), order("B"), order("C")], [], T0)
    # the memory and LMDB stores read loaded orders from the snapshot itself (changes are kept
    # beside it): every run keeps one
    assert run.has_snapshot() is isinstance(store, (MemoryStore, LMDBStore)) and run.count() == 3
    small = store.run("small")
    small.start("{}", "1", CLOCK, [order("A")], [], T0)
    assert small.has_snapshot() is True


# -- records ----------------------------------------------------------------------------------

def test_records_are_added_once_replaced_by_compare_and_set_and_taken_once(run):
    assert run.record_add("snap", "tok-1", {"order_id": "A", "method": None}) is True
    assert run.record_add("snap", "tok-1", {"order_id": "B"}) is False
    assert run.record("snap", "tok-1") == {"order_id": "A", "method": None}
    assert run.record("snap", "nope") is None and run.record("other", "tok-1") is None
    assert run.record_replace("snap", "tok-1", {"order_id": "A", "method": None},
                              {"order_id": "A", "method": "bca_va"}) is True
    assert run.record_replace("snap", "tok-1", {"order_id": "A", "method": None}, {"x": 1}) is False
    assert run.record_take("snap", "tok-1") == {"order_id": "A", "method": "bca_va"}
    assert run.record_take("snap", "tok-1") is None


def test_racing_takes_have_one_winner(run):
    run.record_add("card-token", "t", {"card": "4811"})
    won = []
    race(lambda: won.append(1) if run.record_take("card-token", "t") else None, 12)
    assert len(won) == 1


def test_records_go_with_a_reset(run):
    run.record_add("snap", "tok", {"a": 1})
    run.reset(CLOCK, [])
    assert run.record("snap", "tok") is None


# -- the tenant registry ----------------------------------------------------------------------

def test_a_tenant_name_is_registered_once(store):
    assert store.tenant_add("ci-1", 100.0) is True
    assert store.tenant_add("ci-1", 200.0) is False
    [record] = store.tenants()
    assert (record.name, record.created, record.last_seen) == ("ci-1", 100.0, 100.0)
    assert store.tenant("ci-1") == record and store.tenant("nobody") is None


def test_racing_registrations_have_one_winner(store):
    wins = []
    race(lambda: wins.append(store.tenant_add("same", time.time())), 8)
    assert wins.count(True) == 1


def test_touch_moves_last_seen_forward_only_and_never_recreates(store):
    store.tenant_add("a", 100.0)
    store.tenant_touch("a", 150.0)
    store.tenant_touch("a", 120.0)
    assert store.tenants()[0].last_seen == 150.0
    store.tenant_touch("ghost", 300.0)
    assert [t.name for t in store.tenants()] == ["a"]


def test_removing_a_tenant_drops_its_run_and_only_its_run(store):
    for name in ("gone", "kept"):
        store.tenant_add(name, 1.0)
        store.run(name).start('{"name": "x"}', "1", CLOCK, [order("A")], [], T0)
        store.run(name).record_add("kind", "k", {"v": 1})
    assert store.tenant_remove("gone") is True
    assert store.tenant_remove("gone") is False
    assert store.run("gone").meta() is None and store.run("gone").get("toy", "m1", "A") is None
    assert store.run("gone").record("kind", "k") is None
    assert store.run("kept").get("toy", "m1", "A") is not None
    assert [t.name for t in store.tenants()] == ["kept"]


def test_a_redis_password_is_never_shown():
    from simulator.store.redis import _without_password
    assert _without_password("redis://:s3cret@10.0.0.5:6380/2") == "redis://:***@10.0.0.5:6380/2"
    assert _without_password("redis://app:s3cret@cache/0") == "redis://app:***@cache/0"
    assert _without_password("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_the_fast_paths_write_exactly_what_the_general_ones_do():
    """uuid4_text is str(uuid.UUID(version=4)); a new order's history is what the encoder
    would write (both skip work a million-order start would pay a million times)."""
    import random
    import uuid
    from datetime import datetime, timezone

    from simulator.compact_json import compact
    from simulator.ids import uuid4_text
    from simulator.orders import Transition
    from simulator.store.codec import history_json, transition_row
    draws = random.Random(7)
    for _ in range(2000):
        bits = draws.getrandbits(128)
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
    at = datetime(2026, 1, 15, 3, 0, 0, 123456, tzinfo=timezone.utc)
    for step in (Transition(at, "create", None, "pending", "scenario"),
                 Transition(at, "create", None, "REQUIRE_PAYMENT_METHOD", "api"),
                 Transition(at, "create", None, 'odd "status"', "control")):
        assert history_json((step,)) == compact([transition_row(step)])
