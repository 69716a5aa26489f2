"""The SQLite store: lookups, compare-and-set, and a file that survives a reopen."""

from tests.test_orders import _order

from simulator.store import DuplicateOrder, SQLiteStore, open_store

import pytest


def test_find_by_order_id_then_transaction_id_and_by_merchant():
    store = SQLiteStore()
    store.insert(_order("A"))

    assert store.find("toy", "A").order_id == "A"
    assert store.find("toy", "tx-A").order_id == "A"
    assert store.find("toy", "A", merchant="m2") is None
    assert store.find("other", "A") is None


def test_duplicate_insert_is_refused_and_inserts_nothing():
    store = SQLiteStore()
    store.insert(_order("A"))

    with pytest.raises(DuplicateOrder):
        store.insert_many([_order("B"), _order("A")])
    assert store.count() == 1


def test_file_store_keeps_orders_across_reopen(tmp_path):
    path = tmp_path / "orders.db"
    store = SQLiteStore(str(path))
    store.insert(_order("A"))
    store.close()

    reopened = open_store(f"sqlite:{path}")

    assert reopened.get("toy", "m1", "A") == _order("A")


@pytest.mark.parametrize("url", ["redis://x", "sqlite:", "postgres"])
def test_unknown_store_url(url):
    with pytest.raises(ValueError, match="expected 'memory' or 'sqlite:PATH'"):
        open_store(url)
