"""Seeded randomness: same scenario seed → same generated ids, numbers and faker data.

`Randomness` is one seeded stream: a scenario's orders are built from it at load, so the
same scenario always has the same orders. `RunRandomness` serves the run afterwards (error
ids, trace ids, orders created through the API), shared by every process through a
sequence in the run state.
"""

from __future__ import annotations

import hashlib
import random
from functools import lru_cache
from itertools import accumulate
import threading
from typing import Callable

from faker import Faker


class Randomness:
    def __init__(self, seed: int | str = 0):
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._faker: Faker | None = None
        self._weights: dict[int, tuple] = {}   # id(weights) → (weights, values, cumulative)

    @property
    def faker(self) -> Faker:
        """A Faker seeded from the scenario seed (created on first use: it is slow to build)."""
        if self._faker is None:
            faker = Faker()
            faker.seed_instance(self.seed)
            self._faker = faker
        return self._faker

    CUSTOMERS = 1000          # faker profiles a scenario's generated orders draw from

    def customer(self) -> tuple[str, str]:
        """A (name, email) for a generated order: one of CUSTOMERS faker profiles of the seed
        (faker takes ~200 µs a profile: a million orders cannot each pay it). A profile is
        made the first time it is drawn, from the seed and its number alone, and kept for
        the process, so every load of the same scenario reuses them."""
        with self._lock:
            number = self._rng.randrange(self.CUSTOMERS)
        return _customer(self.seed, number)

    def uuid4(self) -> str:
        with self._lock:
            bits = self._rng.getrandbits(128)
        return uuid4_text(bits)

    def hex(self, length: int) -> str:
        with self._lock:
            return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def digits(self, length: int) -> str:
        with self._lock:
            return f"{self._rng.randrange(10 ** length):0{length}d}"

    def choice(self, options):
        with self._lock:
            return self._rng.choice(list(options))

    def random(self) -> float:
        with self._lock:
            return self._rng.random()

    def weighted(self, weights: dict[str, float]) -> str:
        if len(weights) == 1:
            return next(iter(weights))       # nothing to draw
        table = self._weights.get(id(weights))
        if table is None or table[0] is not weights:
            table = self._weights[id(weights)] = (weights, list(weights), list(accumulate(weights.values())))
        with self._lock:
            return self._rng.choices(table[1], cum_weights=table[2])[0]

    def randint(self, low: int, high: int) -> int:
        with self._lock:
            return self._rng.randint(low, high)


_VERSION_4 = ~((0xf000 << 64) | (0xc000 << 48)), (4 << 76) | (0x8000 << 48)


def uuid4_text(bits: int) -> str:
    """`str(uuid.UUID(int=bits, version=4))` without building a UUID object (a million-order
    scenario draws a million of them at start-up)."""
    text = f"{(bits & _VERSION_4[0]) | _VERSION_4[1]:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_FAKER: Faker | None = None
_FAKER_LOCK = threading.Lock()


@lru_cache(maxsize=8 * Randomness.CUSTOMERS)
def _customer(seed, number: int) -> tuple[str, str]:
    global _FAKER
    with _FAKER_LOCK:                   # one Faker, reseeded per profile
        if _FAKER is None:
            _FAKER = Faker()
        _FAKER.seed_instance(f"{seed}/customer/{number}")
        return _FAKER.name(), _FAKER.email()


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
        return uuid4_text(self._rng().getrandbits(128))

    def hex(self, length: int) -> str:
        return f"{self._rng().getrandbits(length * 4):0{length}x}"

    def digits(self, length: int) -> str:
        return f"{self._rng().randrange(10 ** length):0{length}d}"

    def choice(self, options):
        return self._rng().choice(list(options))

    def random(self) -> float:
        return self._rng().random()

    def weighted(self, weights: dict[str, float]) -> str:
        return self._rng().choices(list(weights), weights=list(weights.values()))[0]

    def randint(self, low: int, high: int) -> int:
        return self._rng().randint(low, high)
