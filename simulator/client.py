"""A small Python client for the simulator's `/_sim` control API, on `requests`.

    from simulator.client import SandboxClient
    sim = SandboxClient("http://127.0.0.1:8080")
    sim.pay("midtrans", "ORDER-1")
    sim.advance_clock("30m")
    cancels = sim.journal(provider="midtrans", order_id="ORDER-1", endpoint="cancel")

Every method returns the decoded JSON of the answer (lists are unwrapped: `orders()`
returns the orders, not `{"count", "orders"}`). Any answer that is not a 2xx raises
`SandboxError`, which carries the HTTP status and the JSON body (`error`, and where the
simulator names them `field` and `reason`). Filters left as None are not sent.
"""

from __future__ import annotations

import time
from typing import Any, Mapping

import requests

Json = dict[str, Any]


class SandboxError(Exception):
    """A non-2xx answer from `/_sim`: `status` (HTTP) and `body` (the decoded JSON)."""

    def __init__(self, status: int, body: Json):
        self.status, self.body = status, body
        super().__init__(f"HTTP {status}: {body.get('error', body)}")

    @property
    def field(self) -> str | None:
        """The request field the simulator blames (400s), if it names one."""
        return self.body.get("field")

    @property
    def reason(self) -> str | None:
        """Why a lifecycle event was refused (409s), e.g. `not_cancellable`."""
        return self.body.get("reason")


class SandboxClient:
    """A `requests.Session` bound to one simulator's base URL, with a per-call timeout."""

    def __init__(self, base_url: str, timeout: float = 10.0, session: requests.Session | None = None,
                 token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        if token:   # SIM_ADMIN_TOKEN of a server reachable beyond loopback
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "SandboxClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transport -----------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              json: Any = None, data: str | None = None, headers: Mapping[str, str] | None = None) -> Any:
        params = {k: v for k, v in (params or {}).items() if v is not None}
        response = self.session.request(method, f"{self.base_url}/_sim{path}", params=params,
                                        json=json, data=data, headers=headers, timeout=self.timeout)
        try:
            body = response.json()
        except ValueError:
            body = {"error": response.text}
        if not response.ok:
            raise SandboxError(response.status_code, body if isinstance(body, dict) else {"error": body})
        return body

    # -- health, reset, merchants --------------------------------------------------------
    def change_merchant(self, provider: str, merchant_id: str, **changes: Any) -> Json:
        """PATCH a merchant on the running server: `notification_url=` (None for none) and/or
        `features=`."""
        return self._call("PATCH", f"/merchants/{provider}/{merchant_id}", json=changes)

    def create_tenant(self, name: str | None = None, scenario: str | Mapping[str, Any] | None = None) -> Json:
        """A new tenant on this server: `{"name", "base_url"}`; `SandboxClient(base_url)`
        then controls only that tenant."""
        body = {k: v for k, v in (("name", name), ("scenario", scenario)) if v is not None}
        return self._call("POST", "/tenants", json=body)

    def tenants(self) -> list[Json]:
        return self._call("GET", "/tenants")["tenants"]

    def delete_tenant(self, name: str) -> Json:
        return self._call("DELETE", f"/tenants/{name}")

    def health(self) -> Json:
        return self._call("GET", "/health")

    def reset(self) -> Json:
        """Back to the loaded scenario's initial state (orders, clock, faults, journal…)."""
        return self._call("POST", "/reset")

    def merchants(self, provider: str | None = None) -> list[Json]:
        merchants = self._call("GET", "/merchants")["merchants"]
        return [m for m in merchants if provider is None or m["provider"] == provider]

    # -- orders --------------------------------------------------------------------------
    def create_order(self, provider: str, amount: int | str, **fields: Any) -> Json:
        """Create an order; `fields` are the scenario order keys (order_id, status, channel…)."""
        return self._call("POST", "/orders", json={"provider": provider, "amount": amount, **fields})

    def orders(self, provider: str | None = None, status: str | None = None,
               merchant: str | None = None) -> list[Json]:
        params = {"provider": provider, "status": status, "merchant": merchant}
        return self._call("GET", "/orders", params=params)["orders"]

    def order(self, provider: str, order_id: str, merchant: str | None = None) -> Json:
        """One order (by order_id or transaction_id) with its `history`."""
        return self._call("GET", f"/orders/{provider}/{order_id}", params={"merchant": merchant})

    def event(self, provider: str, order_id: str, event: str, merchant: str | None = None) -> Json:
        """Drive the lifecycle (`pay`, `expire`, `settle`, `fail`…); a refusal is a 409."""
        return self._call("POST", f"/orders/{provider}/{order_id}/{event}", params={"merchant": merchant})

    def pay(self, provider: str, order_id: str, merchant: str | None = None) -> Json:
        return self.event(provider, order_id, "pay", merchant)

    def expire(self, provider: str, order_id: str, merchant: str | None = None) -> Json:
        return self.event(provider, order_id, "expire", merchant)

    # -- scenario ------------------------------------------------------------------------
    def load_scenario(self, scenario: str | Mapping[str, Any]) -> Json:
        """Load a bundled scenario by name, a scenario's YAML text (anything with a colon: a
        name never has one), or a scenario mapping."""
        if isinstance(scenario, Mapping):
            return self._call("POST", "/scenario", json=dict(scenario))
        if ":" in scenario:
            return self._call("POST", "/scenario", data=scenario,
                              headers={"Content-Type": "application/yaml"})
        return self._call("POST", "/scenario", json={"name": scenario})

    def scenario(self) -> Json:
        """The loaded scenario: name, description, seed, merchants, bundled names."""
        return self._call("GET", "/scenario")

    # -- clock ---------------------------------------------------------------------------
    def now(self) -> Json:
        return self._call("GET", "/clock")

    def advance_clock(self, duration: str) -> Json:
        """Move the clock forward, e.g. "30m", "25h"; expiries follow."""
        return self._call("POST", "/clock", json={"advance": duration})

    def set_clock(self, instant: str | None = None, frozen: bool | None = None) -> Json:
        """Set the clock to an ISO-8601 instant and/or freeze or unfreeze it."""
        body = {"set": instant, "frozen": frozen}
        return self._call("POST", "/clock", json={k: v for k, v in body.items() if v is not None})

    # -- journal -------------------------------------------------------------------------
    def journal(self, provider: str | None = None, order_id: str | None = None,
                endpoint: str | None = None, path: str | None = None, status: int | None = None,
                method: str | None = None, limit: int | None = None) -> list[Json]:
        """Recorded provider calls, oldest first: `journal(provider="midtrans",
        order_id="ORDER-1", endpoint="cancel")` is the cancel calls for ORDER-1."""
        params = {"provider": provider, "order_id": order_id, "endpoint": endpoint, "path": path,
                  "status": status, "method": method, "limit": limit}
        return self._call("GET", "/journal", params=params)["entries"]

    def clear_journal(self) -> Json:
        return self._call("DELETE", "/journal")

    # -- faults --------------------------------------------------------------------------
    def add_fault(self, action: str, **fault: Any) -> Json:
        """Inject a failure (the same keys as a scenario's `faults:` entry) → with its `id`."""
        return self._call("POST", "/faults", json={"action": action, **fault})

    def faults(self) -> list[Json]:
        return self._call("GET", "/faults")["faults"]

    def remove_fault(self, fault_id: str) -> Json:
        return self._call("DELETE", f"/faults/{fault_id}")

    def clear_faults(self) -> Json:
        return self._call("DELETE", "/faults")

    # -- webhooks ------------------------------------------------------------------------
    def webhooks(self, provider: str | None = None, order_id: str | None = None,
                 status: str | None = None) -> list[Json]:
        """Notification deliveries with their attempts; `status`: pending, delivered…"""
        params = {"provider": provider, "order_id": order_id, "status": status}
        return self._call("GET", "/webhooks", params=params)["deliveries"]

    def webhook(self, delivery_id: int) -> Json:
        return self._call("GET", f"/webhooks/{delivery_id}")

    def redeliver(self, delivery_id: int) -> Json:
        """Send the same bytes again as a new delivery; returns the new delivery."""
        return self._call("POST", f"/webhooks/{delivery_id}/redeliver")

    def wait_for_deliveries(self, count: int = 1, *, provider: str | None = None,
                            order_id: str | None = None, status: str = "delivered",
                            timeout: float = 5.0, interval: float = 0.02) -> list[Json]:
        """Poll until at least `count` deliveries match; raise TimeoutError with what was
        seen if they do not within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            deliveries = self.webhooks(provider=provider, order_id=order_id, status=status)
            if len(deliveries) >= count:
                return deliveries
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{len(deliveries)} of {count} {status} deliveries after {timeout}s "
                                   f"(provider={provider}, order_id={order_id})")
            time.sleep(interval)
