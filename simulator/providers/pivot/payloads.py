"""Request bodies as Pivot's Go backend reads them: JSON decoded into a struct, then
validated with go-playground/validator (fact sheet §3, §6).

Decoding fails — not JSON, empty, not an object, a field of the wrong JSON type — give
`invalid request payload`; validation fails give the validator's own sentence
(`Key: 'CancelUnifiedPaymentSessionRequest.CancellationReason' Error:Field validation for
'CancellationReason' failed on the 'required' tag`). Unknown keys are ignored and `null`
decodes to an empty struct, as Go does. The precise decoding problem goes to the journal.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...wire import BodyError, annotate, raw_body, read_json
from .render import INVALID_PAYLOAD
from .rules import CANCEL_EVENT_BY_SOURCE, CANCELLATION_REASONS

GRANT_TYPES = ("client_credentials",)


class Invalid(ValueError):
    """The body does not decode or validate; str(self) is `details[0].message`."""


@dataclass(frozen=True)
class CancelRequest:
    cancellation_reason: str
    source: str


def _decode(struct: str, fields: tuple[str, ...]) -> dict:
    """The body as Go would decode it into `struct` with string `fields` (absent → "")."""
    try:
        body = read_json(required=True)
    except BodyError as exc:
        annotate(payload=str(exc))
        raise Invalid(INVALID_PAYLOAD) from None
    if body is None:
        body = {}
    if not isinstance(body, dict):
        annotate(payload=f"expected a JSON object; got {type(body).__name__}")
        raise Invalid(INVALID_PAYLOAD)
    decoded = {}
    for name in fields:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            annotate(payload=f"{name}: {value!r} is not a string (json: cannot unmarshal into "
                             f"Go struct field {struct}.{name} of type string)")
            raise Invalid(INVALID_PAYLOAD)
        decoded[name] = value or ""
    return decoded


def _validator_message(struct: str, field: str, tag: str) -> str:
    go_field = field[0].upper() + field[1:]
    return (f"Key: '{struct}.{go_field}' Error:Field validation for '{go_field}' failed on "
            f"the '{tag}' tag")


def _check(struct: str, field: str, value: str, allowed, required: bool) -> None:
    if not value:
        if required:
            raise Invalid(_validator_message(struct, field, "required"))
        return
    if value not in allowed:
        annotate(payload=f"{field}: {value!r} is not one of {', '.join(allowed)}")
        raise Invalid(_validator_message(struct, field, "oneof"))


def cancel_request() -> CancelRequest:
    struct = "CancelUnifiedPaymentSessionRequest"
    body = _decode(struct, ("cancellationReason", "source"))
    _check(struct, "cancellationReason", body["cancellationReason"], CANCELLATION_REASONS, True)
    _check(struct, "source", body["source"], tuple(CANCEL_EVENT_BY_SOURCE), False)
    return CancelRequest(body["cancellationReason"], body["source"] or "MERCHANT")


def access_token_request() -> None:
    """An empty body (clients that send none) means `client_credentials`; a body that is sent
    is decoded and validated as the backend would."""
    if not raw_body().strip():
        annotate(payload="no body: grantType defaults to client_credentials")
        return
    struct = "AccessTokenRequest"
    body = _decode(struct, ("grantType",))
    _check(struct, "grantType", body["grantType"], GRANT_TYPES, True)
