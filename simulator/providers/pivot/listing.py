"""`GET /v2/payments`: the merchant's payment sessions, filtered and paged as Pivot's backend
does it (create sheet §4; cancel sheet §1, §7).

Query parameters: `clientReferenceId` (exact), `id`, `status`, `paymentMethodType`,
`startDate`/`endDate` (`YYYY-MM-DDTHH:mm:ssZ`, on `createdAt`, inclusive), `page` (from 1),
`perPage` (1..100, default 20), `sort` (`ASC` default, `DESC`) by `createdAt` (the only
`sortBy` supported). Only the token merchant's sessions are ever listed. A bad value is the
backend's 400 with its own sentence in `details[0].message`. No match: 200 with `data: []`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from ...orders import Order
from .rules import reference_of

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
SORTS = ("ASC", "DESC")
SORT_BY = ("createdAt",)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_NUMBER = re.compile(r"[0-9]{1,9}")


class BadQuery(ValueError):
    """A query parameter Pivot refuses; str(self) is `details[0].message`."""


@dataclass(frozen=True)
class Query:
    client_reference_id: str | None
    session_id: str | None
    status: str | None
    method_type: str | None
    start: datetime | None
    end: datetime | None
    page: int
    per_page: int
    descending: bool

    def keeps(self, order: Order) -> bool:
        return ((self.client_reference_id is None or reference_of(order) == self.client_reference_id)
                and (self.session_id is None or order.transaction_id == self.session_id.lower())
                and (self.status is None or order.status == self.status)
                and (self.method_type is None or order.channel == self.method_type)
                and (self.start is None or order.created_at >= self.start)
                and (self.end is None or order.created_at <= self.end))


def _number(args: Mapping[str, str], name: str, default: int, highest: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not _NUMBER.fullmatch(raw) or int(raw) < 1:
        raise BadQuery(f"invalid {name} format. Use number format instead")
    if int(raw) > highest:
        raise BadQuery(f"invalid {name}: the maximum is {highest}")
    return int(raw)


def _date(args: Mapping[str, str], name: str) -> datetime | None:
    raw = args.get(name)
    if not raw:
        return None
    if not _DATE.fullmatch(raw):
        raise BadQuery(f"invalid {name} format. Use 'YYYY-MM-DDTHH:mm:ssZ' format")
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise BadQuery(f"invalid {name} format. Use 'YYYY-MM-DDTHH:mm:ssZ' format") from None


def parse(args: Mapping[str, str]) -> Query:
    sort = (args.get("sort") or "ASC").upper()
    if sort not in SORTS:
        raise BadQuery("invalid sort format. Use ASC or DESC")
    if (args.get("sortBy") or "createdAt") not in SORT_BY:
        raise BadQuery("invalid sortBy. Use createdAt")
    return Query(client_reference_id=args.get("clientReferenceId") or None,
                 session_id=args.get("id") or None, status=args.get("status") or None,
                 method_type=args.get("paymentMethodType") or None,
                 start=_date(args, "startDate"), end=_date(args, "endDate"),
                 page=_number(args, "page", 1, 10 ** 9),
                 per_page=_number(args, "perPage", DEFAULT_PER_PAGE, MAX_PER_PAGE),
                 descending=sort == "DESC")


def page(orders: list[Order], query: Query) -> tuple[list[Order], dict]:
    """The page of `orders` the query asks for, and its `pagination` object."""
    kept = sorted((o for o in orders if query.keeps(o)), key=lambda o: o.created_at,
                  reverse=query.descending)
    start = (query.page - 1) * query.per_page
    return kept[start:start + query.per_page], {
        "page": query.page, "perPage": query.per_page, "totalItems": len(kept),
        "totalPages": math.ceil(len(kept) / query.per_page)}
