"""The sandbox: one tenant's simulator as this process sees it — the run state in the store
(orders, clock, journal, faults, replay caches, outbox, the scenario, secrets, id
sequences) behind the objects providers and the control API use (`book`, `clock`,
`journal`, `faults`, `rand`, `webhooks`, `merchants`…), and the operations that rebuild
the run: `load(scenario)`, `reset()`, or `join()` a run another process started.

Nothing two requests must agree on is kept here: this process caches only what it can
re-read — the parsed scenario (per scenario epoch), the parsed faults (per faults version),
random keys (which never change). Each request reads the run's `RunMeta` once
(`request_scope`), so every process sees a load, a reset or a clock change at once.
"""

from __future__ import annotations

import contextvars
import os
from datetime import timedelta
from typing import Callable, Mapping

from . import scenario_document
from .clock import Clock, LocalCell, initial_state
from .delivery_faults import delivery_policy
from .faults import Fault, FaultBook, parse_fault
from .handles import Handles
from .ids import Randomness, RunRandomness
from .journal import Journal
from .limits import Limits
from .merchants import MerchantDirectory
from .orders import Lifecycle, Order, OrderBook, Transition
from .redaction import Redactor, merchant_secrets
from .replay import ReplayCache
from .scenarios import Problems, Scenario, build_orders
from .scope import SNAPSHOT
from .settings import Settings
from .store import DEFAULT_TENANT, ClockState, RunMeta, Store
from .webhooks import Dispatcher, Outbox, notifying

ChangeListener = Callable[[Order, Order, Transition], None]

_SNAPSHOT = SNAPSHOT     # (sandbox, the run's meta as this request first read it)


class NoRun(RuntimeError):
    """The store holds no run for this tenant (nothing was loaded)."""


class _RunClockCell:
    """The clock's state as the run state holds it."""

    def __init__(self, sandbox: "Sandbox"):
        self.sandbox = sandbox

    def read(self) -> ClockState:
        return self.sandbox.meta().clock

    def change(self, change) -> ClockState:
        state = self.sandbox.run.change_clock(change)
        self.sandbox.refresh()
        return state


class Sandbox:
    def __init__(self, settings: Settings, providers: Mapping[str, object], store: Store,
                 tenant: str = DEFAULT_TENANT, dispatcher: Dispatcher | None = None):
        self.settings, self.providers, self.store, self.tenant = settings, providers, store, tenant
        self.run = store.run(tenant)
        self.limits = Limits.from_settings(settings)
        self.clock = Clock(cell=_RunClockCell(self))
        self.journal = Journal(self.run, settings.journal_cap)
        self.faults = FaultBook(self.run, self.meta, self._parse_fault)
        self.book = OrderBook(self.run, self.clock,
                              {name: p.lifecycle for name, p in providers.items()},
                              on_change=self._changed)
        self.rand = RunRandomness(self.run, lambda: self.meta().seed)
        self.dispatcher = dispatcher or Dispatcher(
            settings, store, lambda provider: providers[provider].notifier.retries,
            lambda tenant: self.clock)
        self.webhooks = Outbox(self.run, self.dispatcher, self.clock, settings,
                               policy=delivery_policy(self.faults))
        self._listeners: list[ChangeListener] = []
        self._scenario: tuple[int, Scenario | None, Redactor] = (-1, None, Redactor())
        self._keys: dict[str, bytes] = {}
        self._replay_caches: Handles[tuple[str, timedelta | None], ReplayCache] = Handles(
            lambda key: ReplayCache(self.run, key[0], self.clock, key[1]))
        self.on_change(notifying(self))

    # -- the run's snapshot --------------------------------------------------------------
    def meta(self) -> RunMeta:
        """The run's meta: this request's snapshot, or a fresh read outside requests."""
        snapshot = _SNAPSHOT.get()
        if snapshot is not None and snapshot[0] is self:
            return snapshot[1]
        meta = self.run.meta()
        if meta is None:
            raise NoRun(f"no scenario is loaded for tenant {self.tenant!r}")
        return meta

    def request_scope(self) -> contextvars.Token:
        """Read the run's meta once for the whole request; the request ends its scope with
        `end_scope(token)` (`simulator.hooks`, on every path a call can take)."""
        return _SNAPSHOT.set((self, self.meta()))

    @staticmethod
    def end_scope(token: contextvars.Token) -> None:
        _SNAPSHOT.reset(token)

    def refresh(self) -> None:
        """This process changed the run within a request: re-read the snapshot."""
        snapshot = _SNAPSHOT.get()
        if snapshot is not None and snapshot[0] is self:
            _SNAPSHOT.set((self, self.run.meta()))

    # -- the scenario --------------------------------------------------------------------
    def _loaded(self) -> tuple[int, Scenario | None, Redactor]:
        epoch = self.meta().scenario_epoch
        if self._scenario[0] != epoch:
            scenario = scenario_document.read(self.run.scenario_doc(), self.providers)
            secret_keys = {name: p.secret_credentials for name, p in self.providers.items()}
            self._scenario = (epoch, scenario, Redactor(merchant_secrets(scenario.merchants, secret_keys)))
        return self._scenario

    @property
    def scenario(self) -> Scenario:
        return self._loaded()[1]

    @property
    def merchants(self) -> MerchantDirectory:
        return self._loaded()[1].merchants

    @property
    def redactor(self) -> Redactor:
        return self._loaded()[2]

    def replace_merchants(self, merchants: MerchantDirectory) -> None:
        """Change the run's merchants (credentials, features, notification URLs) at once
        for every process; orders and everything else stay."""
        scenario = Scenario(**{**self.scenario.__dict__, "merchants": merchants})
        self.run.set_scenario_doc(scenario_document.write(scenario))
        self.refresh()

    def join(self) -> bool:
        """True when the store already holds a run for this tenant (this process joins it)."""
        return self.run.meta() is not None

    def load(self, scenario: Scenario) -> None:
        """Make `scenario` the loaded one, at once for every process: merchants, clock,
        seed, faults and its orders (built from the seed)."""
        state = initial_state(scenario.clock_start, scenario.clock_frozen)
        now = Clock(cell=LocalCell(state)).now()
        orders = build_orders(scenario, self.providers, now, Randomness(scenario.seed))
        self.run.start(scenario_document.write(scenario), str(scenario.seed), state, orders,
                       scenario_document.fault_specs(scenario), now)
        self.refresh()

    def reset(self) -> None:
        """Back to the loaded scenario's initial state, at once for every process: orders,
        clock, faults and their counters, journal, webhook deliveries, replay caches. A run
        on wall time gets its orders as if made now (their times move with the clock)."""
        scenario = self.scenario
        if not self.run.has_snapshot():      # a run too large to keep a copy: build it again
            return self.load(scenario_document.with_orders(scenario, self.providers))
        state = initial_state(scenario.clock_start, scenario.clock_frozen)
        now = Clock(cell=LocalCell(state)).now()
        shift = now - self.run.loaded_at()
        if scenario.clock_start is not None:
            shift = timedelta(0)   # the clock goes back to the same start as at load
        self.run.reset(state, scenario_document.fault_specs(scenario), shift)
        self.refresh()

    def _parse_fault(self, spec: dict) -> Fault:
        problems = Problems("run state")
        fault = parse_fault(spec, self.providers, problems, "", default_id=spec["id"], limits=self.limits)
        if fault is None:
            raise RuntimeError(f"a stored fault no longer validates: {problems.items}")
        return fault

    # -- per-run provider state ----------------------------------------------------------
    def replay_cache(self, name: str, ttl: timedelta | None = None) -> ReplayCache:
        """The replay cache `name` of this run (a handle on the run state, made once: every
        call with an idempotency key, or without one, asks for it)."""
        return self._replay_caches[(name, ttl)]

    def signing_key(self, purpose: str) -> bytes:
        """A random key of this run for `purpose` (e.g. Pivot's access tokens): nobody can
        mint a token from the source code, and every process on the store shares it. It
        outlives resets and scenario loads, like the run itself."""
        key = self._keys.get(purpose)
        if key is None:
            key = self._keys[purpose] = self.run.secret(purpose)
        return key

    # -- change notifications ------------------------------------------------------------
    def on_change(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def created(self, order: Order) -> None:
        """Tell the listeners about a new order, as a change from nothing (its `create`)."""
        self._changed(None, order, order.history[0])

    def _changed(self, before: Order | None, after: Order, transition: Transition) -> None:
        for listener in self._listeners:
            listener(before, after, transition)

    def lifecycle(self, provider: str) -> Lifecycle:
        return self.providers[provider].lifecycle

    def health(self) -> dict:
        return {"pid": os.getpid(), "workers": self.settings.workers}
