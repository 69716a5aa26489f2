"""Finpay response bodies and the response-code catalogue (sheet §4, §6, §7).

Every answer is the flat envelope `responseCode` (7 digits: HTTP status + service code +
case code), `responseMessage`, `processingTime` (float seconds, measured for this
request) and `traceId` (a UUID from the scenario's seeded randomness), plus `data` on
Check Status. The HTTP status line is the code's first three digits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from flask import Response

from ...call import current as current_call
from ...orders import NOT_FOUND, Order, Refusal
from ...wire import json_response, sandbox
from .rules import channel_class

JAKARTA = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class Answer:
    code: str
    message: str

    @property
    def http_status(self) -> int:
        return int(self.code[:3])


# -- the catalogue -------------------------------------------------------------------------
CANCELLED = Answer("2000000", "Request has been processed successfully")   # [DOC]
SUCCESS = Answer("2000000", "Success")                                     # [DOC]
BAD_REQUEST = Answer("4000000", "Bad Request")                  # BI-SNAP 400xx00, our choice
INVALID_FIELD_FORMAT = Answer("4000001", "Invalid Field Format")          # 400xx01 [OBS text]
INVALID_MANDATORY_FIELD = Answer("4000002", "Invalid Mandatory Field")    # 400xx02 [OBS text]
UNAUTHORIZED = Answer("4010000", "Unauthorized")                # sheet's recommendation
TRANSACTION_NOT_FOUND = Answer("4040001", "Transaction Not Found")   # sheet's recommendation
INVALID_AMOUNT = Answer("4040013", "Invalid Amount")            # BI-SNAP 404xx13, our choice
INCONSISTENT_REQUEST = Answer("4040018", "Inconsistent Request")  # BI-SNAP 404xx18, our choice
INVALID_TRANSACTION_STATUS = Answer("4040100", "Invalid Transaction Status")   # [OBS]
TRANSACTION_NOT_PERMITTED = Answer("4030015", "Transaction Not Permitted")     # [OBS] void, unpaid
GENERAL_ERROR = Answer("5000000", "General Error")              # sheet's recommendation

# Request-level HTTP errors raised outside a view (unknown path, wrong method, body over
# the limit, injected faults): the same envelope, code = HTTP status + "0000".
GENERIC = {
    404: Answer("4040000", "Not Found"),
    405: Answer("4050000", "Method Not Allowed"),
    413: Answer("4130000", "Request Entity Too Large"),
    500: GENERAL_ERROR,
    502: Answer("5020000", "Bad Gateway"),
    503: Answer("5030000", "Service Unavailable"),
    504: Answer("5040000", "Timeout"),
}

# VA bank codes shown as `sourceOfFunds.channel`.
VA_BANK_CODES = {"vabca": "014", "vamandiri": "008", "vabni": "009", "vabri": "002",
                 "vapermata": "013", "vacimb": "022"}


def reply(answer: Answer, detail: str | None = None, data: dict | None = None) -> Response:
    """The envelope for `answer`; `detail` is appended to the message ("<message>. <detail>")."""
    body = {"responseCode": answer.code,
            "responseMessage": f"{answer.message}. {detail}" if detail else answer.message}
    if data is not None:
        body["data"] = data
    body["processingTime"] = processing_time()
    body["traceId"] = sandbox().rand.uuid4()
    return json_response(body, answer.http_status)


def processing_time() -> float:
    """Seconds spent on this request so far, to 4 decimals and at least 0.0001 (never 0,
    never printed in exponent notation)."""
    served = current_call()
    elapsed = time.perf_counter() - served.started if served is not None else 0.0
    return max(round(elapsed, 4), 0.0001)


def refusal(result: Refusal, not_allowed: Answer = INVALID_TRANSACTION_STATUS) -> Response:
    """A refused change: unknown order → 4040001; any status or channel rule → `not_allowed`
    (cancel: 4040100 Invalid Transaction Status; void: 4030015 Transaction Not Permitted)."""
    if result.reason == NOT_FOUND:
        return reply(TRANSACTION_NOT_FOUND)
    return reply(not_allowed)


def http_error(code: int, message: str | None = None) -> Response:
    """The provider's `error_response`: a request-level error in Finpay's envelope."""
    answer = GENERIC.get(code) or Answer(f"{code}0000", message or "Error")
    if code == 413:
        return reply(answer, f"the request body is over the "
                             f"{sandbox().settings.max_body_bytes}-byte limit")
    return reply(answer)


# -- Check Status data (§7) ------------------------------------------------------------------
def rupiah(amount: Decimal) -> int:
    return int(amount)


def jakarta_time(moment: datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS` in Jakarta (isoformat, cut: strftime is several times slower)."""
    return moment.astimezone(JAKARTA).isoformat(" ", "seconds")[:19]


def check_data(order: Order) -> dict:
    amount = rupiah(order.amount)
    data = {
        "customer": customer(order.extra.get("customer") or {}),
        "order": {"id": order.order_id, "reference": order.transaction_id,
                  "amount": amount, "currency": order.currency},
    }
    if "card" in order.extra:
        data["card"] = order.extra["card"]
    data["meta"] = {"data": order.extra.get("meta")}
    data["result"] = {"payment": {"amount": amount, "status": order.status, "statusDesc": None,
                                  "datetime": jakarta_time(order.history[-1].at
                                                           if order.history else order.created_at)}}
    if order.channel:
        data["sourceOfFunds"] = source_of_funds(order)
    return data


def customer(fields: dict) -> dict:
    """`data.customer`; scenario orders may give {id, email, firstName, lastName,
    mobilePhone} or the generator's {name, email}."""
    first, _, last = str(fields.get("name") or "").partition(" ")
    return {"id": fields.get("id") or fields.get("email"),
            "email": fields.get("email"),
            "firstName": fields.get("firstName") or first or None,
            "lastName": fields.get("lastName") or last or None,
            "mobilePhone": fields.get("mobilePhone")}


def source_of_funds(order: Order) -> dict:
    sof = {"type": order.channel}
    if order.channel in VA_BANK_CODES:
        sof["channel"] = VA_BANK_CODES[order.channel]
    if channel_class(order.channel) in ("va", "retail"):
        sof["paymentCode"] = order.extra.get("payment_code")
    return sof
