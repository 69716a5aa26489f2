"""Payer pages: the stand-in for a provider's hosted checkout, behind every payment or
redirect URL a create call hands out.

A provider describes one page as a `PayerPage` — the order (or a session that has none yet),
the payment methods the payer may choose from, what the payer would see (VA number, QR
string, amount, expiry), and the buttons (`Pay`, `Fail`, `Let it expire`) with the
lifecycle event each one applies. This module renders it (one template, the dashboard's
stylesheet) and reads a posted form back as an `Act`; the provider's view applies it through
the same engine as `/_sim/orders/…/<event>`, so the provider's notification fires as it would
for a real payment.

Forms post to the page's own URL and are answered with a redirect back to it (so a reload
never pays twice); after a payment, a `finish` link sends the browser back to the merchant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Response, redirect, render_template, request

from ..orders import Order, Refusal
from ..wire import annotate, sandbox

PAY, FAIL, EXPIRE = "pay", "fail", "expire"
LABELS = {PAY: "Pay", FAIL: "Fail", EXPIRE: "Let it expire"}


@dataclass(frozen=True)
class Method:
    id: str
    label: str                       # named as the payer sees it: "BCA virtual account", "QRIS"…


@dataclass
class PayerPage:
    provider_title: str
    order_id: str
    amount: str
    currency: str
    status: str
    order: Order | None = None
    methods: list[Method] = field(default_factory=list)      # shown while no method is chosen
    facts: list[tuple[str, str]] = field(default_factory=list)   # what the payer sees
    actions: dict[str, str] = field(default_factory=dict)    # PAY/FAIL/EXPIRE → lifecycle event
    expires_at: datetime | None = None
    finish_url: str | None = None
    notice: str | None = None


@dataclass(frozen=True)
class Act:
    """What the payer pressed: a method to choose, or PAY / FAIL / EXPIRE."""
    choose: str | None = None
    action: str | None = None


def render(page: PayerPage, status: int = 200) -> Response:
    box = sandbox()
    now = box.clock.now()
    allowed = {}
    if page.order is not None:
        lifecycle = box.lifecycle(page.order.provider)
        merchant = box.merchants.get(page.order.provider, page.order.merchant)
        allowed = {action: event for action, event in page.actions.items()
                   if lifecycle.check(event, page.order, merchant) is None}
    html = render_template("payer.html", page=page, allowed=allowed, labels=LABELS, now=now,
                           expired=page.expires_at is not None and now >= page.expires_at)
    return Response(html, status=status, mimetype="text/html")


def posted() -> Act:
    form = request.form
    if form.get("method"):
        return Act(choose=form["method"])
    return Act(action=form.get("action") if form.get("action") in LABELS else None)


def apply(order: Order, event: str) -> Order | Refusal:
    """The payer's button, applied as the bank would: the same engine as /_sim."""
    box = sandbox()
    annotate(endpoint="payer", order_id=order.order_id)
    return box.book.apply(order, event, source="payer",
                          merchant=box.merchants.get(order.provider, order.merchant))


def back() -> Response:
    """Post/redirect/get: the page again, so a reload repeats nothing."""
    return redirect(request.url, code=303)


def not_found(provider_title: str) -> Response:
    html = render_template("payer_missing.html", provider_title=provider_title)
    return Response(html, status=404, mimetype="text/html")
