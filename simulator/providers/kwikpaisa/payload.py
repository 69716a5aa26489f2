"""The request body of cancel and status: `{"order_id": <integer or string>}` (§3).

`read()` parses the body once (the signature check needs the parsed form for the canonical
payload, the views need `order_id`); `order_id()` validates it. Extra keys are ignored
(they are still part of the signed payload). Problems raise `PayloadError` with the
message the client gets in the 400 body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...wire import BodyError, read_json

INVALID = "Invalid payload."
REQUIRED = "order_id is required."

_TYPE_NAMES = {dict: "an object", list: "an array", bool: "a boolean", float: "a decimal number",
               str: "a string", int: "an integer", type(None): "null"}


class PayloadError(ValueError):
    """The body is not a cancel/status request; the message is the client's answer."""


@dataclass(frozen=True)
class Body:
    data: Any = None
    problem: str | None = None     # why the body is not JSON, if it is not

    @property
    def parsed(self) -> bool:
        return self.problem is None


def read() -> Body:
    try:
        return Body(read_json(required=True))
    except BodyError as exc:
        return Body(problem=str(exc))


def order_id(body: Body) -> int | str:
    """The order_id as sent (an int or a non-empty str), or PayloadError."""
    if not body.parsed:
        raise PayloadError(f"{INVALID} {_sentence(body.problem)}")
    if not isinstance(body.data, dict):
        raise PayloadError(f"{INVALID} Expected a JSON object like {{\"order_id\": 6116229263036}}; "
                           f"got {_type_name(body.data)}.")
    value = body.data.get("order_id")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PayloadError(REQUIRED)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise PayloadError(f"{INVALID} order_id must be an integer or a string; got {_type_name(value)}.")
    return value


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
