"""`/_sim/webhooks`: the notification delivery log — list (filters `provider`, `order_id`,
`status`), one delivery with its attempts, and redelivery of the same bytes as a new
attempt sequence. Errors are `{"error": "..."}` like the rest of `/_sim`.
"""

from __future__ import annotations

from flask import Blueprint, request

from ..webhooks import STATUSES
from ..wire import json_response, sandbox

webhooks_api = Blueprint("sim_webhooks", __name__)


@webhooks_api.get("/webhooks")
def list_deliveries():
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        return json_response({"error": f"status: {status!r} is not a delivery status; expected "
                                       f"one of {', '.join(STATUSES)}", "field": "status"}, 400)
    box = sandbox()
    deliveries = box.webhooks.query(provider=request.args.get("provider"),
                                    order_id=request.args.get("order_id"), status=status)
    return json_response({"count": len(deliveries), "cap": box.settings.webhook_log_cap,
                          "deliveries": box.redactor.value(deliveries)})


@webhooks_api.get("/webhooks/<int:delivery_id>")
def get_delivery(delivery_id: int):
    delivery = sandbox().webhooks.describe(delivery_id)
    if delivery is None:
        return _unknown(delivery_id)
    return json_response(sandbox().redactor.value(delivery))


@webhooks_api.post("/webhooks/<int:delivery_id>/redeliver")
def redeliver(delivery_id: int):
    delivery = sandbox().webhooks.redeliver(delivery_id)
    if delivery is None:
        return _unknown(delivery_id)
    return json_response(sandbox().redactor.value(sandbox().webhooks.describe(delivery.id)), 202)


def _unknown(delivery_id: int):
    return json_response({"error": f"no webhook delivery {delivery_id}"}, 404)
