"""The server under hostile connection patterns, with real processes and sockets: a hundred
requests held by `hang` faults and two hundred idle half-open connections (slowloris) must
not slow anything else down, and idle connections are closed after `SIM_IDLE_TIMEOUT`. Each
serving process keeps to one CPU core."""

from __future__ import annotations

import base64
import os
import signal
import socket
import time

import pytest
import requests

from .live import SimProcess, pids_of

AUTH = base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()
HANGING = (f"GET /v2/MT-VA-BCA-PENDING/status HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {AUTH}\r\n\r\n").encode()
HALF_SENT = b"GET /_sim/health HTTP/1.1\r\nHost: x\r\nX-Slow: "


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    return sock


def slowest(call, times: int = 5) -> float:
    worst = 0.0
    for _ in range(times):
        started = time.perf_counter()
        response = call()
        worst = max(worst, time.perf_counter() - started)
        assert response.status_code < 500
    return worst


@pytest.mark.parametrize("workers", ["1", "2"])
def test_hangs_and_slowloris_block_nothing_else(workers):
    with SimProcess("--workers", workers, env={"SIM_IDLE_TIMEOUT": "3"}) as sim:
        fault = {"provider": "midtrans", "endpoint": "status", "action": "hang", "hang": "30s"}
        assert requests.post(f"{sim.url}/_sim/faults", json=fault, timeout=5).status_code == 201
        hanging = [connect(sim.url) for _ in range(100)]
        for sock in hanging:
            sock.sendall(HANGING)
        idle = [connect(sim.url) for _ in range(200)]
        for sock in idle:
            sock.sendall(HALF_SENT)
        try:
            deadline = time.monotonic() + 5           # every hanging request reaches the app
            while (fired := requests.get(f"{sim.url}/_sim/faults", timeout=5).json()["faults"][0]["fired"]) < 100:
                assert time.monotonic() < deadline, f"{fired} of 100 hanging requests reached the app"
                time.sleep(0.05)
            assert fired == 100
            health = slowest(lambda: requests.get(f"{sim.url}/_sim/health", timeout=5))
            other = slowest(lambda: requests.get(f"{sim.url}/pg/payment/card/check/FP-VABCA-PENDING",
                                                 auth=("FNPSIM01", "SIMKEY123"), timeout=5))
            assert health < 0.1 and other < 0.1, (health, other)

            # idle half-open connections are closed after the idle timeout (plus one cleanup pass)
            deadline = time.monotonic() + 10
            closed = 0
            for sock in idle:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    closed += sock.recv(1) == b""
                except (ConnectionResetError, socket.timeout):
                    pass
            assert closed == 200
            # while the hanging ones are still held, silently
            hanging[0].setblocking(False)
            with pytest.raises(BlockingIOError):
                hanging[0].recv(1)
        finally:
            for sock in hanging + idle:
                sock.close()


def test_a_reset_fault_is_a_reset_under_several_workers():
    with SimProcess("--workers", "2") as sim:
        fault = {"provider": "midtrans", "endpoint": "status", "action": "reset", "times": 6}
        assert requests.post(f"{sim.url}/_sim/faults", json=fault, timeout=5).status_code == 201
        for _ in range(6):
            with pytest.raises(requests.ConnectionError) as caught:
                requests.get(f"{sim.url}/v2/MT-VA-BCA-PENDING/status", timeout=5,
                             headers={"Authorization": f"Basic {AUTH}", "Connection": "close"})
            assert "Connection reset by peer" in str(caught.value)
        entries = requests.get(f"{sim.url}/_sim/journal?endpoint=status", timeout=5).json()["entries"]
        assert [e["status"] for e in entries] == [None] * 6
        assert all(e["notes"]["fault"]["action"] == "reset" for e in entries)


# -- each serving process on one core (serving.pin_to_core) ------------------------------------

def cores_of(pid: int) -> set[frozenset[int]]:
    """The CPU sets of every thread of process `pid`."""
    return {frozenset(os.sched_getaffinity(int(tid))) for tid in os.listdir(f"/proc/{pid}/task")}


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this system")
def test_a_served_process_keeps_every_thread_to_one_core_unless_told_not_to():
    with SimProcess() as sim:
        pid = requests.get(f"{sim.url}/_sim/health", timeout=5).json()["pid"]
        threads = len(os.listdir(f"/proc/{pid}/task"))
        cores = cores_of(pid)
    assert threads > 10                       # waitress's threads among them
    assert len(cores) == 1 and len(next(iter(cores))) == 1
    with SimProcess(env={"SIM_PIN_CORES": "0"}) as sim:
        pid = requests.get(f"{sim.url}/_sim/health", timeout=5).json()["pid"]
        assert cores_of(pid) == {frozenset(os.sched_getaffinity(0))}


def core_of(pid: int) -> int:
    """The one core every thread of process `pid` keeps to (fails if it is not one)."""
    (cores,) = cores_of(pid)
    (core,) = cores
    return core


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this system")
def test_workers_each_keep_to_a_core_of_their_own_and_a_restarted_one_takes_the_free_core():
    with SimProcess("--workers", "2") as sim:
        pids = pids_of(sim.url)
        cores = {pid: core_of(pid) for pid in pids}
        assert len(pids) == 2
        if len(os.sched_getaffinity(0)) < 2:
            return
        assert len(set(cores.values())) == 2
        # gunicorn starts a killed worker again, one age older: the worker on the second
        # core is the one whose replacement's age pointed back at the first (held) core
        second = max(cores, key=cores.get)
        os.kill(second, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while True:
            now = pids_of(sim.url) - {second}
            if len(now) == 2 or time.monotonic() > deadline:
                break
        assert len(now) == 2, f"no replacement worker answered: {now}"
        assert sorted(core_of(pid) for pid in now) == sorted(cores.values())
