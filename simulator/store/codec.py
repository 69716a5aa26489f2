"""How an Order is laid out in a store: flat fields (what lookups and the reset's time shift
need as plain values) plus two small JSON texts (provider wire fields and the history).

Instants are integers, microseconds since the UNIX epoch, so a store can shift a snapshot's
times with arithmetic alone; they read back as UTC datetimes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from ..compact_json import compact
from ..orders import Order, Transition

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ONE_MICROSECOND = timedelta(microseconds=1)
FIELDS = ("provider", "merchant", "order_id", "transaction_id", "amount", "currency", "channel",
          "bank", "status", "created_us", "expires_us", "version", "extra", "history")


@lru_cache(maxsize=4096)
def micros(moment: datetime) -> int:
    """Microseconds since the epoch (cached: a scenario's orders share a few instants)."""
    return (moment - EPOCH) // ONE_MICROSECOND


@lru_cache(maxsize=4096)
def instant(value: int) -> datetime:
    """The UTC instant of µs since the epoch (cached: a scenario's orders share a few)."""
    return EPOCH + timedelta(microseconds=value)


def transition_row(t: Transition) -> list:
    return [micros(t.at), t.event, t.from_status, t.to_status, t.source]


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


# [(history, its JSON)]: the orders of a generated block share one history tuple, so a
# million-order start-up writes the JSON of each status's create step once
_last_history: list[tuple] = [((), "[]")]


def history_json(history) -> str:
    history_then, text = _last_history[0]
    if history is history_then:
        return text
    text = _history_json(history)
    if len(history) == 1:
        _last_history[0] = (history, text)
    return text


def _history_json(history) -> str:
    if len(history) == 1:              # a new order: its create step, written without the encoder
        t = history[0]
        names = (t.event, t.from_status, t.to_status, t.source)
        if all(n is None or (n and _PLAIN.issuperset(n)) for n in names):
            quoted = ",".join("null" if n is None else f'"{n}"' for n in names)
            return f"[[{micros(t.at)},{quoted}]]"
    return compact([transition_row(t) for t in history])


def pack(order: Order) -> tuple:
    """The order's values in FIELDS order."""
    return (order.provider, order.merchant, order.order_id, order.transaction_id, str(order.amount),
            order.currency, order.channel, order.bank, order.status, micros(order.created_at),
            micros(order.expires_at) if order.expires_at else None, order.version,
            compact(dict(order.extra)), history_json(order.history))


def unpack(row) -> Order:
    (provider, merchant, order_id, transaction_id, amount, currency, channel, bank, status,
     created_us, expires_us, version, extra, history) = row
    return Order(provider=provider, merchant=merchant, order_id=order_id,
                 transaction_id=transaction_id, amount=Decimal(amount), currency=currency,
                 channel=channel, bank=bank, status=status, created_at=instant(created_us),
                 expires_at=instant(expires_us) if expires_us is not None else None,
                 history=tuple(Transition(instant(at), event, before, after, source)
                               for at, event, before, after, source in json.loads(history)),
                 extra=json.loads(extra), version=version)
