"""Finpay merchant callback (fact sheet §8): the Check Status `data` object, signed with
HMAC-SHA512 over PHP's `json_encode` of it, sent as PHP-style JSON with `signature` last.

Sent on every status change — a Cancel Order included (the sheet's recommendation: one
callback with `result.payment.status` "CANCELLED"); a merchant with feature
`cancel_callback: false` gets none for cancels. Headers: Content-Type and Accept JSON only
(none are documented). Retries (none documented; our choice): 3, after 1 min, 10 min and
1 h, on anything but 2xx.
"""

from __future__ import annotations

from datetime import timedelta

from ...notification import Notification, Notifier, uniform_retries
from . import render, signature

CANCEL_CALLBACK_FEATURE = "cancel_callback"
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
RETRIES = uniform_retries(timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


def build(order, transition, merchant, url, now, rand) -> Notification | None:
    if transition.event == "cancel" and not merchant.feature(CANCEL_CALLBACK_FEATURE, True):
        return None
    sent = signature.signed(render.check_data(order), merchant.credentials["merchant_key"])
    return Notification(order.status, signature.php_json_encode(sent).encode(), HEADERS)


NOTIFIER = Notifier(build, RETRIES)
