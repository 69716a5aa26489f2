"""The lifecycle engine on its own: a toy provider's table, a store, a frozen clock."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from simulator.clock import Clock
from simulator.orders import (NOT_FOUND, UNKNOWN_EVENT, WRONG_STATUS, Lifecycle, Order,
                              OrderBook, Refusal, Transition)
from simulator.store import SQLiteStore

T0 = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)


def _no_blue(order, merchant):
    return Refusal("blue", "blue orders stay", order) if order.channel == "blue" else None


TOY = Lifecycle(statuses=("new", "paid", "void", "gone"),
                events={"pay": {"new": "paid"}, "void": {"new": "void", "paid": "void"}},
                expired_status="gone", expires_from=frozenset({"new"}),
                guards={"void": (_no_blue,)})


def _order(order_id="A", channel="red", status="new", expires_in=timedelta(hours=1)):
    return Order("toy", "m1", order_id, f"tx-{order_id}", Decimal("10"), "IDR", channel, None,
                 status, T0, T0 + expires_in, (Transition(T0, "create", None, status, "scenario"),))


def _book(*orders):
    store, changes = SQLiteStore().run(), []
    store.insert_many(orders)
    clock = Clock(T0, frozen=True)
    return OrderBook(store, clock, {"toy": TOY}, on_change=lambda b, a, t: changes.append(t)), clock, changes


def test_apply_moves_the_order_and_records_history():
    book, _, changes = _book(_order())

    result = book.apply(_order(), "pay", source="api")

    assert result.status == "paid" and result.version == 1
    assert [t.event for t in result.history] == ["create", "pay"]
    assert changes[0].to_status == "paid"
    assert book.get("toy", "m1", "A").status == "paid"


def test_event_not_allowed_in_status_is_refused_with_the_status():
    book, _, _ = _book(_order(status="paid"))

    result = book.apply(book.get("toy", "m1", "A"), "pay", source="api")

    assert isinstance(result, Refusal)
    assert (result.reason, result.status) == (WRONG_STATUS, "paid")


def test_a_stale_order_is_decided_again_on_what_the_store_holds():
    book, _, changes = _book(_order())
    book.apply(_order(), "pay", source="api")

    result = book.apply(_order(), "void", source="api")      # the caller still holds version 0

    assert result.status == "void" and [t.from_status for t in changes] == ["new", "paid"]


def test_guard_refuses():
    book, _, _ = _book(_order(channel="blue"))

    assert book.apply(book.get("toy", "m1", "A"), "void", source="api").reason == "blue"


def test_unknown_event_and_missing_order():
    book, _, _ = _book(_order())

    assert book.apply(_order(), "teleport", source="api").reason == UNKNOWN_EVENT
    assert book.apply(_order("Z"), "pay", source="api").reason == NOT_FOUND


def test_clock_expiry_is_applied_on_read_and_stored_once():
    book, clock, changes = _book(_order())
    clock.advance(timedelta(hours=1))

    first = book.find("toy", "A")
    second = book.find("toy", "tx-A")

    assert first.status == second.status == "gone"
    assert first.history[-1].at == T0 + timedelta(hours=1)
    assert first.history[-1].source == "clock"
    assert len(changes) == 1


def test_expired_order_refuses_events():
    book, clock, _ = _book(_order())
    clock.advance(timedelta(hours=2))

    result = book.apply(_order(), "pay", source="api")

    assert (result.reason, result.status) == (WRONG_STATUS, "gone")


def test_stale_version_loses_compare_and_set():
    store = SQLiteStore().run()
    order = _order()
    store.insert(order)
    winner = Order.from_dict({**order.to_dict(), "status": "paid", "version": 1})

    assert store.compare_and_set(order, winner) is True
    assert store.compare_and_set(order, winner) is False


def test_order_round_trips_through_dict():
    order = _order()

    assert Order.from_dict(order.to_dict()) == order


def test_evolve_is_dataclasses_replace_and_refuses_a_field_orders_do_not_have():
    import dataclasses

    import pytest

    order = _order()
    changed = order.evolve(status="paid", version=3)
    assert changed == dataclasses.replace(order, status="paid", version=3)
    assert (order.status, order.version) == ("new", 0)          # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.status = "void"                                  # still frozen
    with pytest.raises(TypeError, match="'colour'"):
        order.evolve(status="paid", colour="blue")
