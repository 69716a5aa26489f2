"""The webhook outbox for stores that keep each delivery as one row of plain values (the
memory store's dict of lists, the LMDB store's marshalled lists): the row's layout and the
outbox's rules over rows — which delivery is claimed next, how an attempt is recorded, when
the next one is due, which finished ones a tenant's cap lets go. One place, so the two
stores cannot drift apart (the SQLite and Redis stores say the same in SQL and Lua).

A row: [tenant, provider, merchant, order_id, url, event, body, headers JSON, due, due_at,
        status, attempts JSON, redelivery_of, fault JSON, lease]
"""

from __future__ import annotations

import json
from typing import Iterable

from ..compact_json import compact
from .base import DeliveryRecord

TENANT, DUE, DUE_AT, STATUS, ATTEMPTS, LEASE = 0, 8, 9, 10, 11, 14
PENDING = "pending"


def row_of(tenant: str, delivery: DeliveryRecord) -> list:
    return [tenant, delivery.provider, delivery.merchant, delivery.order_id, delivery.url,
            delivery.event, bytes(delivery.body), compact(dict(delivery.headers)), delivery.due,
            delivery.due_at, delivery.status, compact(delivery.attempts), delivery.redelivery_of,
            compact(delivery.fault) if delivery.fault is not None else None, 0.0]


def delivery_of(delivery_id: int, row: list) -> DeliveryRecord:
    (_, provider, merchant, order_id, url, event, body, headers, due, due_at, status, attempts,
     redelivery_of, fault, _) = row
    return DeliveryRecord(provider=provider, merchant=merchant, order_id=order_id, url=url,
                          event=event, body=body, headers=json.loads(headers), due=due,
                          due_at=due_at, id=delivery_id, status=status, attempts=json.loads(attempts),
                          redelivery_of=redelivery_of, fault=json.loads(fault) if fault else None)


def of_tenant(rows: Iterable[tuple[int, list]], tenant: str) -> list[tuple[int, list]]:
    """(id, row) of `tenant`'s deliveries among `rows`, in their order."""
    return [(delivery_id, row) for delivery_id, row in rows if row[TENANT] == tenant]


def owned(delivery_id: int, row: list | None, tenant: str) -> DeliveryRecord | None:
    """The delivery of a row read by id, if it is `tenant`'s (ids are shared by every tenant)."""
    return delivery_of(delivery_id, row) if row is not None and row[TENANT] == tenant else None


def lease(delivery_id: int, row: list, wall_now: float, seconds: float) -> tuple[str, DeliveryRecord]:
    """Lease a `claimable` row to the caller for `seconds`: (its tenant, its delivery)."""
    row[LEASE] = wall_now + seconds
    return row[TENANT], delivery_of(delivery_id, row)


def claimable(rows: Iterable[tuple[int, list]], wall_now: float) -> tuple[int, list] | None:
    """The earliest due delivery (by due time, then id) that no lease holds and whose order
    has no earlier pending delivery; `rows` in id order."""
    first_pending: dict[tuple, int] = {}          # an order's earliest pending delivery
    best = None
    for delivery_id, row in rows:
        if row[STATUS] != PENDING:
            continue
        first = first_pending.setdefault((row[TENANT], *row[1:4]), delivery_id)
        if first == delivery_id and row[DUE] <= wall_now and row[LEASE] <= wall_now:
            if best is None or (row[DUE], delivery_id) < (best[1][DUE], best[0]):
                best = (delivery_id, row)
    return best


def record_attempt(row: list | None, tenant: str, attempt: dict, retry_at: float | None,
                   retry_due_at: str | None, final: str | None) -> bool:
    """The attempt added to the row, its lease ended; due again at `retry_at`, or `final`.
    False, and nothing changed, when the row is gone, another tenant's or no longer pending:
    a reset (or the tenant dropped) while the attempt was in flight."""
    if row is None or row[TENANT] != tenant or row[STATUS] != PENDING:
        return False
    row[ATTEMPTS] = compact([*json.loads(row[ATTEMPTS]), attempt])
    row[LEASE] = 0.0
    if final is None:
        row[DUE], row[DUE_AT] = retry_at, retry_due_at
    else:
        row[STATUS] = final
    return True


def next_due(rows: Iterable[list]) -> float | None:
    return min((max(row[DUE], row[LEASE]) for row in rows if row[STATUS] == PENDING), default=None)


def beyond_cap(rows: list[tuple[int, list]], cap: int) -> list[int]:
    """Of one tenant's rows (id order), the finished ones older than the newest `cap`."""
    return [delivery_id for delivery_id, row in rows[:max(0, len(rows) - cap)] if row[STATUS] != PENDING]
