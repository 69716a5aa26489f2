"""The optional Cancel Order body (sheet §3): `{"order": {"id": …, "amount": "22000"}}`.

Sent with the GET, or not at all. Nothing, `null` and `{}` mean "no reference"; when
`order` is given, `order.id` is mandatory and `order.amount` optional. Syntax problems
raise `PayloadError` carrying the catalogue answer and a detail naming the field; the
comparison with the stored order (`check_against`) happens once the order is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...orders import Order
from ...wire import BodyError, read_json
from . import render
from .rules import ORDER_ID_PATTERN

_ORDER_ID = re.compile(ORDER_ID_PATTERN)
_AMOUNT = re.compile(r"[0-9]{1,14}")


class PayloadError(ValueError):
    def __init__(self, answer: render.Answer, detail: str):
        super().__init__(detail)
        self.answer, self.detail = answer, detail


@dataclass(frozen=True)
class OrderReference:
    order_id: str | None = None
    amount: Decimal | None = None


def valid_order_id(value: str) -> bool:
    return bool(_ORDER_ID.fullmatch(value))


def order_reference() -> OrderReference:
    """The body's order reference (empty when there is no body)."""
    try:
        body = read_json()
    except BodyError as exc:
        raise PayloadError(render.BAD_REQUEST, str(exc)) from None
    if body is None or body == {}:
        return OrderReference()
    if not isinstance(body, dict):
        raise PayloadError(render.INVALID_FIELD_FORMAT,
                           f"the request body must be a JSON object; got {_kind(body)}")
    if "order" not in body or body["order"] is None:
        return OrderReference()
    order = body["order"]
    if not isinstance(order, dict):
        raise PayloadError(render.INVALID_FIELD_FORMAT, f"order must be an object; got {_kind(order)}")
    order_id = order.get("id")
    if order_id is None:
        raise PayloadError(render.INVALID_MANDATORY_FIELD, "order.id")
    if not isinstance(order_id, str) or not valid_order_id(order_id):
        raise PayloadError(render.INVALID_FIELD_FORMAT, "order.id must be 1-30 letters, digits, "
                           f"'-' or '_'; got {_shown(order_id)}")
    return OrderReference(order_id, _amount(order.get("amount")))


def _amount(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10 ** 14:
        return Decimal(value)   # a JSON number is accepted too (lenient)
    if isinstance(value, str) and _AMOUNT.fullmatch(value) and int(value) > 0:
        return Decimal(value)
    raise PayloadError(render.INVALID_FIELD_FORMAT, "order.amount must be whole rupiah as a "
                       f"numeric string of 1-14 digits, like \"22000\"; got {_shown(value)}")


def check_against(reference: OrderReference, order: Order) -> None:
    """Raise PayloadError when the body names another order or amount than the path's."""
    if reference.order_id is not None and reference.order_id != order.order_id:
        raise PayloadError(render.INCONSISTENT_REQUEST, f"order.id {reference.order_id!r} in "
                           f"the body is not the order {order.order_id!r} in the path")
    if reference.amount is not None and reference.amount != order.amount:
        raise PayloadError(render.INVALID_AMOUNT, f"order.amount {reference.amount} is not "
                           f"the order's amount {render.rupiah(order.amount)}")


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def _shown(value) -> str:
    return repr(value) if isinstance(value, (str, int, float)) and len(repr(value)) <= 40 else _kind(value)
