"""simulator/gate.py: one app thread at a time, handed over in arrival order; a sleep under
the gate lets the others in. (Over HTTP: tests/test_faults.py, delayed calls side by side.)"""

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
    ran: list[int] = []

    def request(number: int) -> None:
        with gate.held():
            ran.append(number)

    threads = []
    with gate.held():
        for number in range(8):
            thread = threading.Thread(target=request, args=(number,))
            thread.start()
            threads.append(thread)
            wait_until(lambda: len(gate._gate._waiters) == number + 1)   # it waits before the next comes
    for thread in threads:
        thread.join(5)
    assert ran == list(range(8))


def test_a_sleep_under_the_gate_lets_another_thread_in():
    entered = threading.Event()

    def other() -> None:
        with gate.held():
            entered.set()

    with gate.held():
        thread = threading.Thread(target=other)
        thread.start()
        wait_until(lambda: len(gate._gate._waiters) == 1)
        gate.sleep(0.05)                       # the other thread runs meanwhile
        assert entered.is_set()
    thread.join(5)


def test_sleep_outside_the_gate_just_sleeps():
    started = time.perf_counter()
    gate.sleep(0.02)
    assert time.perf_counter() - started >= 0.02
