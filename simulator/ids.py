"""Seeded randomness: same scenario seed → same generated ids, numbers and faker data.

`Randomness` is one seeded stream: a scenario's orders are built from it at load, so the
same scenario always has the same orders. `RunRandomness` serves the run afterwards (error
ids, trace ids, orders created through the API), shared by every process through a
sequence in the run state.
"""

from __future__ import annotations

import hashlib
import random
import threading
import uuid
from typing import Callable

from faker import Faker


class Randomness:
    def __init__(self, seed: int | str = 0):
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._faker: Faker | None = None

    @property
    def faker(self) -> Faker:
        """A Faker seeded from the scenario seed (created on first use: it is slow to build)."""
        if self._faker is None:
            faker = Faker()
            faker.seed_instance(self.seed)
            self._faker = faker
        return self._faker

    def uuid4(self) -> str:
        with self._lock:
            bits = self._rng.getrandbits(128)
        return str(uuid.UUID(int=bits, version=4))

    def hex(self, length: int) -> str:
        with self._lock:
            return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def digits(self, length: int) -> str:
        with self._lock:
            return "".join(str(self._rng.randrange(10)) for _ in range(length))

    def choice(self, options):
        with self._lock:
            return self._rng.choice(list(options))

    def random(self) -> float:
        with self._lock:
            return self._rng.random()

    def weighted(self, weights: dict[str, float]) -> str:
        with self._lock:
            return self._rng.choices(list(weights), weights=list(weights.values()))[0]

    def randint(self, low: int, high: int) -> int:
        with self._lock:
            return self._rng.randint(low, high)


class RunRandomness:
    """The run's randomness while it serves calls (error ids, trace ids, the numbers of
    orders created through the API): the same interface as `Randomness`, drawn so that no
    two processes ever draw the same value and a run replays from its start.

    Each draw takes the next number of the run's `draws` sequence (reserved from the store in
    blocks, so most draws cost no store call) and derives its value from the scenario seed
    and that number. One process on a fresh store draws numbers 0, 1, 2… — the same values
    every time; a reset does not rewind the sequence, so ids made after a reset are new.
    """

    BLOCK = 64

    def __init__(self, run, seed: Callable[[], str]):
        self.run, self._seed = run, seed
        self._next, self._end = 0, 0
        self._lock = threading.Lock()
        self._faker: Faker | None = None

    def _rng(self) -> random.Random:
        with self._lock:
            if self._next >= self._end:
                self._next = self.run.reserve("draws", self.BLOCK)
                self._end = self._next + self.BLOCK
            number = self._next
            self._next += 1
        digest = hashlib.sha256(f"{self._seed()}/draw/{number}".encode()).digest()
        return random.Random(int.from_bytes(digest[:16], "big"))

    @property
    def faker(self) -> Faker:
        if self._faker is None:
            self._faker = Faker()
        self._faker.seed_instance(self._rng().getrandbits(64))
        return self._faker

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self._rng().getrandbits(128), version=4))

    def hex(self, length: int) -> str:
        return f"{self._rng().getrandbits(length * 4):0{length}x}"

    def digits(self, length: int) -> str:
        rng = self._rng()
        return "".join(str(rng.randrange(10)) for _ in range(length))

    def choice(self, options):
        return self._rng().choice(list(options))

    def random(self) -> float:
        return self._rng().random()

    def weighted(self, weights: dict[str, float]) -> str:
        return self._rng().choices(list(weights), weights=list(weights.values()))[0]

    def randint(self, low: int, high: int) -> int:
        return self._rng().randint(low, high)
