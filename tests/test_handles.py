"""simulator.handles: one handle per key, made on first use, the same one for every thread."""

import threading

from simulator.handles import Handles


def test_a_handle_is_made_once_per_key_and_kept():
    made = []
    handles = Handles(lambda key: made.append(key) or f"handle of {key}")
    assert handles["a"] == "handle of a"
    assert handles["a"] == "handle of a"
    assert handles[("b", None)] == "handle of ('b', None)"
    assert made == ["a", ("b", None)]


def test_threads_racing_for_a_key_all_get_the_one_kept():
    start = threading.Barrier(8)

    def make(key):
        start.wait(timeout=5)          # every thread is inside make() before any keeps its handle
        return object()

    handles = Handles(make)
    got = [None] * 8

    def take(i):
        got[i] = handles["run"]

    threads = [threading.Thread(target=take, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len({id(g) for g in got}) == 1 and got[0] is handles["run"]
