"""Notification delivery: every status change becomes the provider's notification, POSTed to
the merchant's `notification_url` off the request path, retried on the provider's schedule,
and logged with every attempt for `GET /_sim/webhooks`.

The deliveries live in the run state's outbox, so any process of a run may send any of
them, and pending retries survive a restart on a SQLite file or Redis.

- `notifying(sandbox)` is the change listener: it asks the order's provider for its
  notification (a provider without a `notifier`, a merchant without a URL, or a builder
  answering None means nothing is sent) and puts it in the run's `Outbox`.
- `Outbox` is one run's side: submit (after the delivery policy — the hook for delivery
  faults: drop, duplicate, delay), redeliver, and the log as `/_sim/webhooks` shows it.
- `Dispatcher` is this process's senders: a few worker threads that claim due deliveries
  from the store (`Store.claim_delivery` leases each attempt to exactly one process), POST
  them, and record the attempt with the next retry or the final status. Only the oldest
  pending delivery of an order is ever claimable, so notifications for one order arrive in
  order. Retry delays are the provider's, in simulated time, compressed by
  `settings.webhook_time_scale`; the simulator time each attempt is due at is logged too.
- Delivery is at least once: any 2xx acknowledges; anything else (another status, timeout,
  refused connection, any exception) is recorded as an attempt and retried while the
  schedule allows, then the delivery is `failed`. Nothing here can block or crash a
  provider call: network I/O happens on the workers only.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPConnection, HTTPSConnection
from typing import Callable, Mapping
from urllib.parse import urlsplit

from .notification import Notification, RetrySchedule
from .redaction import redact_headers
from .settings import Settings
from .store import DeliveryRecord

log = logging.getLogger("simulator.webhooks")

PENDING, DELIVERED, FAILED, DROPPED = "pending", "delivered", "failed", "dropped"
STATUSES = (PENDING, DELIVERED, FAILED, DROPPED)
LEASE_MARGIN = 5.0        # seconds past the attempt timeout before another process may retry


@dataclass(frozen=True)
class DeliveryAction:
    """What to do with a new delivery: send it (`copies` times, after an extra simulated
    `delay`), or drop it (`copies=0`; logged as `dropped`, never sent)."""
    copies: int = 1
    delay: timedelta = timedelta(0)
    fault: dict | None = None           # what the delivery log shows of the fault that chose this


DELIVER_ONCE = DeliveryAction()
DeliveryPolicy = Callable[[DeliveryRecord], DeliveryAction]


def deliver_once(delivery: DeliveryRecord) -> DeliveryAction:
    return DELIVER_ONCE


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> tuple[int | None, str | None]:
    """POST once, headers spelled exactly as the provider's; (HTTP status, None) or (None,
    why no answer came). Redirects are not followed: a 3xx is an answer."""
    parts = urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = None
    try:
        connection = connection_class(parts.hostname, parts.port, timeout=timeout)
        connection.request("POST", target, body=body, headers=dict(headers))
        response = connection.getresponse()
        response.read()
        return response.status, None
    except Exception as exc:  # timeouts, refused connections, bad URLs: all recorded
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        if connection is not None:
            connection.close()


def view(delivery: DeliveryRecord) -> dict:
    """A delivery as `/_sim/webhooks` shows it (credential headers masked)."""
    return {"id": delivery.id, "provider": delivery.provider, "merchant": delivery.merchant,
            "order_id": delivery.order_id, "event": delivery.event, "url": delivery.url,
            "status": delivery.status, "redelivery_of": delivery.redelivery_of,
            "fault": delivery.fault,
            "next_attempt_at": delivery.due_at if delivery.status == PENDING else None,
            "request": {"headers": redact_headers(delivery.headers.items()),
                        "body": delivery.body.decode("utf-8", "replace")},
            "attempts": list(delivery.attempts)}


class Outbox:
    """One run's notifications: what goes in, and the delivery log."""

    def __init__(self, run, dispatcher: "Dispatcher", clock, settings: Settings,
                 policy: DeliveryPolicy = deliver_once):
        self.run, self.dispatcher, self.clock, self.settings = run, dispatcher, clock, settings
        self.policy = policy

    def submit(self, provider: str, merchant: str, order_id: str, url: str,
               notification: Notification, redelivery_of: int | None = None) -> DeliveryRecord:
        delivery = DeliveryRecord(provider, merchant, order_id, url, notification.event,
                                  notification.body, dict(notification.headers), due=0.0,
                                  redelivery_of=redelivery_of)
        action = self.policy(delivery)
        delivery.fault = action.fault
        if action.copies <= 0:
            delivery.status = DROPPED
            delivery.id = self.run.delivery_add(delivery, self.settings.webhook_log_cap)
            return delivery
        delivery.due = time.time() + action.delay.total_seconds() * self.settings.webhook_time_scale
        delivery.due_at = (self.clock.now() + action.delay).isoformat()
        delivery.id = self.run.delivery_add(delivery, self.settings.webhook_log_cap)
        for _ in range(action.copies - 1):
            copy = DeliveryRecord(**{**delivery.__dict__, "id": None, "redelivery_of": delivery.id})
            self.run.delivery_add(copy, self.settings.webhook_log_cap)
        self.dispatcher.wake()
        return delivery

    def redeliver(self, delivery_id: int) -> DeliveryRecord | None:
        """A new delivery (a fresh attempt sequence) of the same bytes and headers."""
        original = self.run.delivery(delivery_id)
        if original is None:
            return None
        return self.submit(original.provider, original.merchant, original.order_id, original.url,
                           Notification(original.event, original.body, original.headers),
                           redelivery_of=original.id)

    def get(self, delivery_id: int) -> DeliveryRecord | None:
        return self.run.delivery(delivery_id)

    def describe(self, delivery_id: int) -> dict | None:
        delivery = self.run.delivery(delivery_id)
        return view(delivery) if delivery else None

    def query(self, provider: str | None = None, order_id: str | None = None,
              status: str | None = None) -> list[dict]:
        return [view(d) for d in self.run.deliveries()
                if (provider is None or d.provider == provider)
                and (order_id is None or d.order_id == order_id)
                and (status is None or d.status == status)]

    def stop(self, timeout: float = 5.0) -> None:
        self.dispatcher.stop(timeout)


class Dispatcher:
    """This process's notification senders, working off every tenant's outbox in the store."""

    def __init__(self, settings: Settings, store, retries_of: Callable[[str], RetrySchedule],
                 clock_of: Callable[[str], object]):
        self.settings, self.store = settings, store
        self.retries_of, self.clock_of = retries_of, clock_of
        self._wakeup = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._stopping = False

    def start(self) -> None:
        with self._wakeup:
            while not self._stopping and len(self._workers) < self.settings.webhook_workers:
                worker = threading.Thread(target=self._work, name=f"webhooks-{len(self._workers)}",
                                          daemon=True)
                self._workers.append(worker)
                worker.start()

    def wake(self) -> None:
        """A delivery was added here: start the workers if needed and let one look now."""
        self.start()
        with self._wakeup:
            self._wakeup.notify()

    def stop(self, timeout: float = 5.0) -> None:
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify_all()
        for worker in self._workers:
            worker.join(timeout)

    def _work(self) -> None:
        lease = self.settings.webhook_timeout + LEASE_MARGIN
        while not self._stopping:
            try:
                claimed = self.store.claim_delivery(time.time(), lease)
            except Exception:   # a store hiccup must not kill the sender
                log.exception("claiming a delivery failed")
                claimed = None
            if claimed is None:
                self._idle()
                continue
            tenant, delivery = claimed
            try:
                self._attempt(tenant, delivery)
            except Exception:
                log.exception("delivery %s of tenant %s failed unexpectedly", delivery.id, tenant)

    def _idle(self) -> None:
        wait = self.settings.webhook_poll_interval
        try:
            due = self.store.next_due()
        except Exception:
            due = None
        if due is not None:
            wait = max(0.0, min(wait, due - time.time()))
        with self._wakeup:
            if not self._stopping and wait > 0:
                self._wakeup.wait(wait)

    def _attempt(self, tenant: str, delivery: DeliveryRecord) -> None:
        clock = self.clock_of(tenant)
        at = clock.now()
        # when the provider's schedule makes this attempt, on the simulator clock: the first at
        # once, each retry its delay after the one before (real waits are compressed by
        # webhook_time_scale, so `at` — when it really ran — can be much earlier)
        scheduled = datetime.fromisoformat(delivery.due_at) if delivery.due_at else at
        started = time.perf_counter()
        status, error = post(delivery.url, delivery.body, delivery.headers, self.settings.webhook_timeout)
        attempt = {"at": at.isoformat(), "scheduled_at": scheduled.isoformat(), "status": status,
                   "latency_ms": round((time.perf_counter() - started) * 1000, 3), "error": error}
        retries = self.retries_of(delivery.provider)
        retries_used = len(delivery.attempts)          # before this attempt
        if status is not None and 200 <= status < 300:
            self.store.finish_attempt(tenant, delivery.id, attempt, None, None, DELIVERED)
        elif retries_used < retries.retries(status):
            delay = retries.delay(retries_used + 1)
            attempt["retry_in_seconds"] = int(delay.total_seconds())
            self.store.finish_attempt(tenant, delivery.id, attempt,
                                      time.time() + delay.total_seconds() * self.settings.webhook_time_scale,
                                      (scheduled + delay).isoformat(), None)
        else:
            self.store.finish_attempt(tenant, delivery.id, attempt, None, None, FAILED)


# an order's own notification URL, from its create call (DOKU override_notification_url,
# Finpay callbackUrl, KwikPaisa notify_url…): it wins over the merchant's
NOTIFICATION_URL_OVERRIDE = "notification_url_override"


def notifying(sandbox) -> Callable:
    """The change listener that turns a sandbox's status changes into deliveries."""
    def on_change(before, after, transition) -> None:
        notifier = sandbox.providers[after.provider].notifier
        merchant = sandbox.merchants.get(after.provider, after.merchant)
        url = after.extra.get(NOTIFICATION_URL_OVERRIDE) or (merchant.notification_url if merchant else None)
        if notifier is None or merchant is None or not url:
            return
        try:
            notification = notifier.build(after, transition, merchant, url, sandbox.clock.now(),
                                          sandbox.rand)
        except Exception:  # the order has changed: the provider's answer must not fail now
            log.exception("building the %s notification for %s failed", after.provider, after.order_id)
            return
        if notification is not None:
            sandbox.webhooks.submit(after.provider, after.merchant, after.order_id, url, notification)
    return on_change
