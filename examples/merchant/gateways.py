"""A merchant backend's "cancel this order", through each gateway's real wire format.

Each gateway is configured only by a base URL and the merchant's credentials, so the same
code talks to the real sandbox, production or the simulator:

    gateway = GATEWAYS["midtrans"]("https://api.sandbox.midtrans.com",
                                   {"server_key": "SB-Mid-server-..."})
    cancel_order(gateway, Order("ORDER-1"))

`cancel_order` retries when there is no answer or a 5xx, and treats "already cancelled"
as success: when a cancel is refused it asks the gateway for the order's status, because
the refusal may be for the earlier attempt whose answer was lost on the way back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

import requests

TIMEOUT = 5.0


@dataclass(frozen=True)
class Order:
    """What the merchant stored at checkout: its own order id and, where the gateway's
    cancel needs it, the gateway's reference (DOKU: the payment's Request-Id; Pivot: the
    payment session id)."""
    order_id: str
    gateway_ref: str | None = None


class CancelRefused(Exception):
    """The gateway answered and will not cancel (paid, expired, …)."""


class GatewayUnavailable(Exception):
    """No usable answer after every attempt; the order's state is unknown."""


def cancel_order(gateway: "Gateway", order: Order, attempts: int = 3) -> None:
    for _ in range(attempts):
        try:
            response = gateway.send_cancel(order)
        except requests.ConnectionError:
            continue   # the cancel may or may not have happened: try again
        if gateway.accepted(response) or gateway.status(order) == gateway.CANCELLED:
            return
        if response.status_code < 500:
            raise CancelRefused(f"{order.order_id}: HTTP {response.status_code} {response.text}")
    raise GatewayUnavailable(f"{order.order_id}: no answer after {attempts} attempts")


class Gateway:
    CANCELLED: str   # the gateway's own name for a cancelled order

    def __init__(self, base_url: str, credentials: Mapping[str, str]):
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials

    def send_cancel(self, order: Order) -> requests.Response:
        raise NotImplementedError

    def status(self, order: Order) -> str:
        raise NotImplementedError

    def accepted(self, response: requests.Response) -> bool:
        return response.status_code == 200


class Midtrans(Gateway):
    """Basic auth with the server key as user; business errors come under HTTP 200."""
    CANCELLED = "cancel"

    def _auth(self):
        return (self.credentials["server_key"], "")

    def send_cancel(self, order):
        return requests.post(f"{self.base_url}/v2/{order.order_id}/cancel", auth=self._auth(), timeout=TIMEOUT)

    def accepted(self, response):
        return response.status_code == 200 and response.json().get("status_code") == "200"

    def status(self, order):
        return requests.get(f"{self.base_url}/v2/{order.order_id}/status", auth=self._auth(),
                            timeout=TIMEOUT).json()["transaction_status"]


class Doku(Gateway):
    """Non-SNAP signature: HMAC-SHA256 over Client-Id, Request-Id, Request-Timestamp,
    Request-Target and (with a body) the body's Digest. A fresh Request-Id per attempt."""
    CANCELLED = "CANCELLED"

    def _signed(self, method: str, target: str, body: bytes | None = None) -> requests.Response:
        client_id, request_id = self.credentials["client_id"], str(uuid.uuid4())
        timestamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines = [f"Client-Id:{client_id}", f"Request-Id:{request_id}",
                 f"Request-Timestamp:{timestamp}", f"Request-Target:{target}"]
        if body is not None:
            lines.append("Digest:" + base64.b64encode(hashlib.sha256(body).digest()).decode())
        mac = hmac.new(self.credentials["secret_key"].encode(), "\n".join(lines).encode(), hashlib.sha256)
        headers = {"Client-Id": client_id, "Request-Id": request_id, "Request-Timestamp": timestamp,
                   "Signature": "HMACSHA256=" + base64.b64encode(mac.digest()).decode(),
                   "Content-Type": "application/json"}
        return requests.request(method, self.base_url + target, data=body, headers=headers, timeout=TIMEOUT)

    def send_cancel(self, order):
        body = json.dumps({"order": {"invoice_number": order.order_id},
                           "payment": {"original_request_id": order.gateway_ref},
                           "note": "cancelled by the merchant"}).encode()
        return self._signed("POST", "/checkout/v3/cancellations", body)

    def status(self, order):
        return self._signed("GET", f"/orders/v1/status/{order.order_id}").json()["order"]["status"]


class Finpay(Gateway):
    """Basic auth with merchant id and key; cancel is a GET."""
    CANCELLED = "CANCELLED"

    def _get(self, path: str) -> requests.Response:
        auth = (self.credentials["merchant_id"], self.credentials["merchant_key"])
        return requests.get(self.base_url + path, auth=auth, timeout=TIMEOUT)

    def send_cancel(self, order):
        return self._get(f"/pg/payment/card/cancel/{order.order_id}")

    def status(self, order):
        return self._get(f"/pg/payment/card/check/{order.order_id}").json()["data"]["result"]["payment"]["status"]


class KwikPaisa(Gateway):
    """X-SIGNATURE: hex HMAC-SHA256 of the body bytes followed by X-TIMESTAMP (UNIX seconds)."""
    CANCELLED = "CANCELLED"

    def _signed(self, path: str, payload: dict) -> requests.Response:
        body, timestamp = json.dumps(payload, separators=(",", ":")).encode(), str(int(time.time()))
        signature = hmac.new(self.credentials["secret_key"].encode(), body + timestamp.encode(),
                             hashlib.sha256).hexdigest()
        headers = {"X-API-KEY": self.credentials["api_key"], "X-SIGNATURE": signature,
                   "X-TIMESTAMP": timestamp, "Content-Type": "application/json"}
        return requests.post(self.base_url + path, data=body, headers=headers, timeout=TIMEOUT)

    def send_cancel(self, order):
        return self._signed("/api/v3/pg/order/cancel", {"order_id": order.order_id})

    def status(self, order):
        return self._signed("/api/v3/pg/order/status", {"order_id": order.order_id}).json()["return_data"]["order_status"]


class Pivot(Gateway):
    """An access token from the merchant id and secret, then Bearer; ids are session ids."""
    CANCELLED = "CANCELLED"

    def _bearer(self) -> dict:
        answer = requests.post(f"{self.base_url}/v1/access-token", json={"grantType": "client_credentials"},
                               headers={"X-MERCHANT-ID": self.credentials["merchant_id"],
                                        "X-MERCHANT-SECRET": self.credentials["merchant_secret"]},
                               timeout=TIMEOUT)
        answer.raise_for_status()
        return {"Authorization": "Bearer " + answer.json()["data"]["accessToken"]}

    def send_cancel(self, order):
        return requests.post(f"{self.base_url}/v2/payments/{order.gateway_ref}/cancel",
                             json={"cancellationReason": "REQUESTED_BY_CUSTOMER"},
                             headers=self._bearer(), timeout=TIMEOUT)

    def status(self, order):
        return requests.get(f"{self.base_url}/v2/payments/{order.gateway_ref}", headers=self._bearer(),
                            timeout=TIMEOUT).json()["data"]["status"]


GATEWAYS: dict[str, type[Gateway]] = {"midtrans": Midtrans, "doku": Doku, "finpay": Finpay,
                                      "kwikpaisa": KwikPaisa, "pivot": Pivot}
