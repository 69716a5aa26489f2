"""Notification delivery: every status change becomes the provider's notification, POSTed to
the merchant's `notification_url` off the request path, retried on the provider's schedule,
and logged with every attempt for `GET /_sim/webhooks`.

- `notifying(sandbox)` is the change listener: it asks the order's provider for its
  notification (a provider without a `notifier`, a merchant without a URL, or a builder
  answering None means nothing is sent) and hands it to the dispatcher.
- `Dispatcher` owns a small pool of worker threads (started on first use) and one FIFO per
  order: only the head of an order's queue is ever in flight, so a later notification for
  the same order waits until the earlier one is delivered or given up. Retry delays are the
  provider's, in simulated time, compressed by `settings.webhook_time_scale`.
- Delivery is at least once: any 2xx acknowledges; anything else (another status, timeout,
  refused connection, any exception) is recorded as an attempt and retried while the
  schedule allows, then the delivery is `failed`. Nothing here can block or crash a
  provider call: network I/O happens on the workers, never under the lock.
- `delivery_policy(delivery) → DeliveryAction` is asked once per new delivery (default:
  deliver once). It is the hook for delivery faults: drop, duplicate, delay.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from http.client import HTTPConnection, HTTPSConnection
from typing import Callable
from urllib.parse import urlsplit

from .clock import Clock
from .notification import Notification, RetrySchedule
from .redaction import redact_headers
from .settings import Settings

log = logging.getLogger("simulator.webhooks")

PENDING, DELIVERED, FAILED, DROPPED = "pending", "delivered", "failed", "dropped"
STATUSES = (PENDING, DELIVERED, FAILED, DROPPED)


@dataclass
class Attempt:
    at: str                 # simulator clock, ISO-8601
    status: int | None      # the merchant's HTTP status; None when no answer came
    latency_ms: float
    error: str | None

    def to_dict(self) -> dict:
        return {"at": self.at, "status": self.status, "latency_ms": self.latency_ms,
                "error": self.error}


@dataclass
class Delivery:
    id: int
    provider: str
    merchant: str
    order_id: str
    url: str
    notification: Notification
    retries: RetrySchedule
    redelivery_of: int | None = None
    fault: dict | None = None           # the injected delivery fault that hit it, if any
    status: str = PENDING
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def order_key(self) -> tuple[str, str, str]:
        return (self.provider, self.merchant, self.order_id)

    def to_dict(self) -> dict:
        return {"id": self.id, "provider": self.provider, "merchant": self.merchant,
                "order_id": self.order_id, "event": self.notification.event, "url": self.url,
                "status": self.status, "redelivery_of": self.redelivery_of, "fault": self.fault,
                "request": {"headers": redact_headers(self.notification.headers.items()),
                            "body": self.notification.body.decode("utf-8", "replace")},
                "attempts": [a.to_dict() for a in self.attempts]}


@dataclass(frozen=True)
class DeliveryAction:
    """What to do with a new delivery: send it (`copies` times, after an extra simulated
    `delay`), or drop it (`copies=0`; logged as `dropped`, never sent)."""
    copies: int = 1
    delay: timedelta = timedelta(0)
    fault: dict | None = None           # what the delivery log shows of the fault that chose this


DELIVER_ONCE = DeliveryAction()
DeliveryPolicy = Callable[[Delivery], DeliveryAction]


def deliver_once(delivery: Delivery) -> DeliveryAction:
    return DELIVER_ONCE


def post(url: str, notification: Notification, timeout: float) -> tuple[int | None, str | None]:
    """POST the notification once, headers spelled exactly as the provider's; (HTTP status,
    None) or (None, why no answer came). Redirects are not followed: a 3xx is an answer."""
    parts = urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = None
    try:
        connection = connection_class(parts.hostname, parts.port, timeout=timeout)
        connection.request("POST", target, body=notification.body, headers=dict(notification.headers))
        response = connection.getresponse()
        response.read()
        return response.status, None
    except Exception as exc:  # timeouts, refused connections, bad URLs: all recorded
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        if connection is not None:
            connection.close()


class Dispatcher:
    def __init__(self, settings: Settings, clock: Clock, policy: DeliveryPolicy = deliver_once):
        self.settings = settings
        self.clock = clock
        self.policy = policy
        self._lock = threading.Condition()
        self._log: OrderedDict[int, Delivery] = OrderedDict()
        self._queues: dict[tuple, deque[Delivery]] = {}    # order → waiting deliveries, head first
        self._due: list[tuple[float, int, Delivery]] = []  # heads ready at a monotonic time
        self._ids = itertools.count(1)
        self._ticket = itertools.count()
        self._workers: list[threading.Thread] = []
        self._stopping = False

    # -- intake --------------------------------------------------------------------------
    def submit(self, provider: str, merchant: str, order_id: str, url: str,
               notification: Notification, retries: RetrySchedule, redelivery_of: int | None = None) -> Delivery:
        with self._lock:
            delivery = self._new(provider, merchant, order_id, url, notification, retries, redelivery_of)
        action = self.policy(delivery)
        delivery.fault = action.fault
        with self._lock:
            if action.copies <= 0:
                delivery.status = DROPPED
                return delivery
            self._enqueue(delivery, action.delay)
            for _ in range(action.copies - 1):
                self._enqueue(self._new(provider, merchant, order_id, url, notification, retries,
                                        delivery.id), action.delay)
            self._start_workers()
            self._lock.notify_all()
        return delivery

    def redeliver(self, delivery_id: int) -> Delivery | None:
        """A new delivery (a fresh attempt sequence) of the same bytes and headers."""
        original = self.get(delivery_id)
        if original is None:
            return None
        return self.submit(original.provider, original.merchant, original.order_id, original.url,
                           original.notification, original.retries, redelivery_of=original.id)

    def _new(self, provider, merchant, order_id, url, notification, retries, redelivery_of) -> Delivery:
        delivery = Delivery(next(self._ids), provider, merchant, order_id, url, notification,
                            retries, redelivery_of)
        self._log[delivery.id] = delivery
        while len(self._log) > self.settings.webhook_log_cap:
            self._log.popitem(last=False)
        return delivery

    def _enqueue(self, delivery: Delivery, delay: timedelta) -> None:
        queue = self._queues.setdefault(delivery.order_key, deque())
        queue.append(delivery)
        if len(queue) == 1:
            self._schedule(delivery, delay)

    def _schedule(self, delivery: Delivery, delay: timedelta) -> None:
        due = time.monotonic() + delay.total_seconds() * self.settings.webhook_time_scale
        heapq.heappush(self._due, (due, next(self._ticket), delivery))

    # -- reading the log -----------------------------------------------------------------
    def get(self, delivery_id: int) -> Delivery | None:
        with self._lock:
            return self._log.get(delivery_id)

    def describe(self, delivery_id: int) -> dict | None:
        with self._lock:
            delivery = self._log.get(delivery_id)
            return delivery.to_dict() if delivery else None

    def query(self, provider: str | None = None, order_id: str | None = None,
              status: str | None = None) -> list[dict]:
        with self._lock:
            return [d.to_dict() for d in self._log.values()
                    if (provider is None or d.provider == provider)
                    and (order_id is None or d.order_id == order_id)
                    and (status is None or d.status == status)]

    # -- workers -------------------------------------------------------------------------
    def _start_workers(self) -> None:
        while not self._stopping and len(self._workers) < self.settings.webhook_workers:
            worker = threading.Thread(target=self._work, name=f"webhooks-{len(self._workers)}",
                                      daemon=True)
            self._workers.append(worker)
            worker.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                delivery = self._next_due()
                if delivery is None:
                    return
            started = time.perf_counter()
            at = self.clock.now().isoformat()
            status, error = post(delivery.url, delivery.notification,
                                       self.settings.webhook_timeout)
            attempt = Attempt(at, status, round((time.perf_counter() - started) * 1000, 3), error)
            with self._lock:
                self._record(delivery, attempt)

    def _next_due(self) -> Delivery | None:
        """Wait for the earliest due delivery; None when stopping."""
        while not self._stopping:
            if self._due:
                wait = self._due[0][0] - time.monotonic()
                if wait <= 0:
                    return heapq.heappop(self._due)[2]
                self._lock.wait(wait)
            else:
                self._lock.wait()
        return None

    def _record(self, delivery: Delivery, attempt: Attempt) -> None:
        if self._queues.get(delivery.order_key, (None,))[0] is not delivery:
            return  # reset while in flight: the delivery no longer exists
        delivery.attempts.append(attempt)
        retries_used = len(delivery.attempts) - 1
        if attempt.status is not None and 200 <= attempt.status < 300:
            delivery.status = DELIVERED
        elif retries_used < delivery.retries.retries(attempt.status):
            self._schedule(delivery, delivery.retries.delay(retries_used + 1))
            self._lock.notify_all()
            return
        else:
            delivery.status = FAILED
        queue = self._queues[delivery.order_key]
        queue.popleft()
        if queue:
            self._schedule(queue[0], timedelta(0))
            self._lock.notify_all()
        else:
            del self._queues[delivery.order_key]

    # -- lifecycle -----------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every delivery, pending ones included (in-flight answers are discarded)."""
        with self._lock:
            self._log.clear()
            self._queues.clear()
            self._due.clear()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        for worker in self._workers:
            worker.join(timeout)


def notifying(sandbox) -> Callable:
    """The change listener that turns a sandbox's status changes into deliveries."""
    def on_change(before, after, transition) -> None:
        notifier = sandbox.providers[after.provider].notifier
        merchant = sandbox.merchants.get(after.provider, after.merchant)
        if notifier is None or merchant is None or not merchant.notification_url:
            return
        url = merchant.notification_url
        try:
            notification = notifier.build(after, transition, merchant, url, sandbox.clock.now(),
                                          sandbox.rand)
        except Exception:  # the order has changed: the provider's answer must not fail now
            log.exception("building the %s notification for %s failed", after.provider, after.order_id)
            return
        if notification is not None:
            sandbox.webhooks.submit(after.provider, after.merchant, after.order_id, url,
                                    notification, notifier.retries)
    return on_change
