"""simulator/gate.py: one app thread at a time, handed over in arrival order; a sleep under
the gate lets the others in; waitress's pool run leader/followers under it. (Over HTTP:
tests/test_faults.py, delayed calls side by side while other calls go on.)"""

from __future__ import annotations

import threading
import time

from simulator import gate


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_waiting_threads_get_the_gate_in_arrival_order():
    the_gate, ran = gate.Gate(), []

    def request(number: int) -> None:
        with gate.held(the_gate):
            ran.append(number)

    threads = []
    with gate.held(the_gate):
        for number in range(8):
            thread = threading.Thread(target=request, args=(number,))
            thread.start()
            threads.append(thread)
            wait_until(lambda: the_gate.waiting == number + 1)   # it waits before the next comes
    for thread in threads:
        thread.join(5)
    assert ran == list(range(8)) and not the_gate.busy


def test_a_sleep_under_the_gate_lets_another_thread_in():
    the_gate, entered = gate.Gate(), threading.Event()

    def other() -> None:
        with gate.held(the_gate):
            entered.set()

    with gate.held(the_gate):
        thread = threading.Thread(target=other)
        thread.start()
        wait_until(lambda: the_gate.waiting == 1)
        gate.sleep(0.05)                       # the other thread runs meanwhile
        assert entered.is_set()
    thread.join(5)


def test_sleep_outside_the_gate_just_sleeps():
    started = time.perf_counter()
    gate.sleep(0.02)
    assert time.perf_counter() - started >= 0.02


class Task:
    """A waitress task stand-in: records which thread served it, when, and with what else."""

    def __init__(self, log: list, name: str, work=lambda: None):
        self.log, self.name, self.work = log, name, work

    def service(self) -> None:
        self.log.append(("start", self.name, threading.get_ident()))
        self.work()
        self.log.append(("end", self.name, threading.get_ident()))


def dispatcher(threads: int) -> gate.GatedDispatcher:
    pool = gate.GatedDispatcher()
    pool.set_thread_count(threads)
    return pool


def test_one_thread_serves_a_burst_one_request_at_a_time_in_order():
    pool, log = dispatcher(8), []
    try:
        blocker = threading.Event()
        pool.add_task(Task(log, "first", blocker.wait))
        wait_until(lambda: log)
        for n in range(20):                   # queued while the first runs
            pool.add_task(Task(log, str(n)))
        blocker.set()
        wait_until(lambda: len(log) == 42)
    finally:
        assert pool.shutdown(timeout=5) is True
    assert [name for kind, name, _ in log[::2]] == ["first", *map(str, range(20))]
    assert all(kind == "start" for kind, _, _ in log[::2])       # never two at once
    assert len({thread for _, _, thread in log}) == 1            # no hand-over between them
    assert not pool.gate.busy


def test_a_sleeping_request_lets_the_queue_go_on_and_comes_back_before_it_is_done():
    pool, log = dispatcher(4), []
    try:
        pool.add_task(Task(log, "sleeper", lambda: gate.sleep(0.2)))
        wait_until(lambda: log)
        for n in range(8):                     # 50 ms each, holding the gate: 400 ms of work
            pool.add_task(Task(log, str(n), lambda: time.sleep(0.05)))
        wait_until(lambda: len(log) == 18, timeout=10)
    finally:
        assert pool.shutdown(timeout=5) is True
    ended = [name for kind, name, _ in log if kind == "end"]
    # it slept while four or so ran; back, it waited for the one in progress, not the rest
    assert 2 <= ended.index("sleeper") <= 6 and ended[-1] == "7"
    assert not pool.gate.busy


def test_idle_threads_wake_for_work_only_when_the_gate_is_free():
    pool, log = dispatcher(4), []
    try:
        pool.add_task(Task(log, "a"))
        wait_until(lambda: len(log) == 2)
        wait_until(lambda: pool.active_count == 0)           # all four idle
        pool.add_task(Task(log, "b"))                          # the gate is free: one wakes
        wait_until(lambda: len(log) == 4)
    finally:
        assert pool.shutdown(timeout=5) is True
    assert [name for _, name, _ in log] == ["a", "a", "b", "b"]
