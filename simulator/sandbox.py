"""The sandbox: everything one running simulator holds — store, clock, journal, merchants,
the order book, the injected faults, the loaded scenario and its seeded randomness, the
webhook dispatcher — and the two operations that rebuild it: `load(scenario)` and `reset()`.

Providers keep per-run state (idempotency caches) in `replay_cache(name)`, which a reset
clears, so nothing a test did survives into the next test.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable, Mapping

from .clock import Clock
from .delivery_faults import delivery_policy
from .faults import FaultBook
from .ids import Randomness
from .journal import Journal
from .merchants import MerchantDirectory
from .orders import Lifecycle, Order, OrderBook, Transition
from .redaction import Redactor, merchant_secrets
from .replay import ReplayCache
from .scenarios import Scenario, build_orders
from .settings import Settings
from .webhooks import Dispatcher, notifying

ChangeListener = Callable[[Order, Order, Transition], None]


class Sandbox:
    def __init__(self, settings: Settings, providers: Mapping[str, object], store):
        self.settings = settings
        self.providers = providers
        self.store = store
        self.clock = Clock()
        self.journal = Journal(settings.journal_cap)
        self.book = OrderBook(store, self.clock,
                              {name: p.lifecycle for name, p in providers.items()},
                              on_change=self._changed)
        self.scenario: Scenario | None = None
        self.merchants = MerchantDirectory()
        self.redactor = Redactor()
        self.rand = Randomness(0)
        self.faults = FaultBook()
        self._replays: dict[str, ReplayCache] = {}
        self._keys: dict[str, bytes] = {}
        self._listeners: list[ChangeListener] = []
        self.webhooks = Dispatcher(settings, self.clock, policy=delivery_policy(self.faults))
        self.on_change(notifying(self))

    # -- scenario ------------------------------------------------------------------------
    def load(self, scenario: Scenario, keep_orders: bool = False) -> None:
        """Make `scenario` the loaded one: merchants, clock, seed, and (unless keeping the
        store's orders, as after a restart on a file store) its orders."""
        self.scenario = scenario
        self.merchants = scenario.merchants
        self.redactor = Redactor(merchant_secrets(
            scenario.merchants, {name: p.secret_credentials for name, p in self.providers.items()}))
        self.rand = Randomness(scenario.seed)
        self.clock.configure(scenario.clock_start, scenario.clock_frozen)
        self.faults.load(scenario.faults, scenario.seed)
        self.journal.clear()
        self.webhooks.reset()
        for cache in self._replays.values():
            cache.clear()
        if not keep_orders:
            self.store.clear()
            self.store.insert_many(build_orders(scenario, self.providers, self.clock.now(), self.rand))

    def reset(self) -> None:
        """Back to the loaded scenario's initial state: orders, clock, faults, journal,
        webhook deliveries, caches."""
        self.load(self.scenario)

    # -- per-run provider state ----------------------------------------------------------
    def signing_key(self, purpose: str) -> bytes:
        """A random key of this run for `purpose` (e.g. Pivot's access tokens): nobody can
        mint a token from the source code, and every process on the store shares it. It
        outlives resets and scenario loads, like the run itself."""
        key = self._keys.get(purpose)
        if key is None:
            key = self._keys[purpose] = self.store.secret(purpose)
        return key

    def replay_cache(self, name: str, ttl: timedelta | None = None) -> ReplayCache:
        cache = self._replays.get(name)
        if cache is None:
            cache = self._replays.setdefault(name, ReplayCache(self.clock, ttl))
        return cache

    # -- change notifications ------------------------------------------------------------
    def on_change(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def _changed(self, before: Order, after: Order, transition: Transition) -> None:
        for listener in self._listeners:
            listener(before, after, transition)

    def lifecycle(self, provider: str) -> Lifecycle:
        return self.providers[provider].lifecycle
