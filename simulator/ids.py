"""Seeded randomness: same scenario seed → same generated ids, numbers and faker data.

One `Randomness` per scenario load; every generated id (transaction ids, VA numbers,
trace ids in responses) is drawn from it, under a lock so server threads can share it.
"""

from __future__ import annotations

import random
import threading
import uuid

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
