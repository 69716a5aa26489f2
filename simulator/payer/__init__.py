"""Payer pages: the stand-in for a provider's hosted checkout, behind every payment or
redirect URL a create call hands out.

A provider says what its payer sees as a `PayerSpec` on its `Provider`: the facts shown for
an order (VA number, QR string…) and the buttons its method has (`Pay`, `Fail`, `Let it
expire`), each naming the lifecycle event it applies. Its views build a `PayerPage` — an
order, or a checkout session with no order yet and the methods to choose from — and this
module renders it (one template, the dashboard's stylesheet) and reads a posted form back as
an `Act`. A button is applied through the same engine as `/_sim/orders/…/<event>`, so the
provider's notification fires as it would for a real payment.

Forms post to the page's own URL and are answered with a redirect back to it (so a reload
never pays twice); once the order exists, a `finish` link sends the browser back to the
merchant where the create call gave a return URL.

Every order also has a provider-neutral payer page at `/_sim/pay/<provider>/<order_id>`
(linked from the dashboard): the page for orders whose create answer hands out no URL, such
as a Core API virtual account.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Mapping

import segno
from flask import Blueprint, Response, redirect, render_template, request

from ..orders import Order, Refusal
from ..wire import Stop, annotate, sandbox

PAY, FAIL, EXPIRE = "pay", "fail", "expire"
LABELS = {PAY: "Pay", FAIL: "Fail", EXPIRE: "Let it expire"}

payer = Blueprint("payer", __name__, template_folder="templates")


@dataclass(frozen=True)
class Method:
    id: str
    label: str                       # named as the payer sees it: "BCA virtual account", "QRIS"…


@dataclass(frozen=True)
class PayerSpec:
    """What a provider's payer sees of an order, and may do to it."""
    facts: Callable[[Order], list[tuple[str, str]]]       # (label, value) shown to the payer
    buttons: Callable[[Order], Mapping[str, str]]         # PAY/FAIL/EXPIRE → lifecycle event
    qr: Callable[[Order], str | None] = lambda order: None   # a QR payload to draw, if any
    # the merchant's return URL as the provider sends the browser there (status appended…)
    finish: Callable[[Order, str], str] = lambda order, url: url


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
    actions: Mapping[str, str] = field(default_factory=dict)  # PAY/FAIL/EXPIRE → lifecycle event
    expires_at: datetime | None = None
    finish_url: str | None = None
    notice: str | None = None
    qr_payload: str | None = None


@dataclass(frozen=True)
class Act:
    """What the payer pressed: a method to choose, or PAY / FAIL / EXPIRE."""
    choose: str | None = None
    action: str | None = None


FINISH_URLS = "payer-finish"     # run-state records: order → the merchant's return URL


def _order_key(order: Order) -> str:
    return f"{order.provider}\n{order.merchant}\n{order.order_id}"


def remember_finish(order: Order, url: str | None) -> None:
    """Keep the return URL the create call gave for `order` (its page links back to it)."""
    if url:
        sandbox().run.record_add(FINISH_URLS, _order_key(order), {"url": url})


def finish_of(order: Order) -> str | None:
    """The merchant's return URL for `order`, as its provider sends the browser there."""
    record = sandbox().run.record(FINISH_URLS, _order_key(order))
    if record is None:
        return None
    return sandbox().providers[order.provider].payer.finish(order, record["url"])


def link(kind: str, key: str, order: Order) -> None:
    """Remember (run state, every process) that the page key `key` — the token in a URL a
    create call handed out — opens `order`."""
    sandbox().run.record_add(kind, key, {"merchant": order.merchant, "order_id": order.order_id})


def linked_order(kind: str, key: str, provider: str, provider_title: str) -> Order:
    """The order a page key opens, or the not-found page."""
    box = sandbox()
    record = box.run.record(kind, key) if key else None
    order = box.book.get(provider, record["merchant"], record["order_id"]) if record else None
    if order is None:
        raise Stop(not_found(provider_title))
    return order


def with_query(url: str, params: Mapping[str, str]) -> str:
    """A return URL with what the provider appends to it (`?` or `&` as the URL needs)."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def page(view):
    """Mark a provider view as a payer page: the payer's (the bank's) side, not the
    provider's API, so injected faults never fire on it. It is still journaled."""
    view.payer_page = True
    return view


def order_page(order: Order, finish_url: str | None = None, notice: str | None = None) -> PayerPage:
    """The page of an existing order, as its provider's `PayerSpec` describes it; its
    return link is `finish_url` or the one remembered for the order."""
    provider = sandbox().providers[order.provider]
    spec: PayerSpec = provider.payer
    finish_url = finish_url or finish_of(order)
    return PayerPage(provider_title=provider.title, order_id=order.order_id,
                     amount=f"{order.amount:,}", currency=order.currency, status=order.status,
                     order=order, facts=spec.facts(order), actions=spec.buttons(order),
                     expires_at=order.expires_at, finish_url=finish_url, notice=notice,
                     qr_payload=spec.qr(order))


def render(page: PayerPage, status: int = 200) -> Response:
    annotate(endpoint="payer", order_id=page.order_id)
    box = sandbox()
    now = box.clock.now()
    allowed = {}
    if page.order is not None:
        lifecycle = box.lifecycle(page.order.provider)
        merchant = box.merchants.get(page.order.provider, page.order.merchant)
        allowed = {action: event for action, event in page.actions.items()
                   if lifecycle.check(event, page.order, merchant) is None}
    html = render_template("payer.html", page=page, allowed=allowed, labels=LABELS, now=now,
                           qr_image=qr_data_uri(page.qr_payload) if page.qr_payload else None,
                           expired=page.expires_at is not None and now >= page.expires_at)
    return Response(html, status=status, mimetype="text/html")


def posted() -> Act:
    form = request.form
    if form.get("method"):
        return Act(choose=form["method"])
    return Act(action=form.get("action") if form.get("action") in LABELS else None)


def press(order: Order, act: Act) -> Order | Refusal | None:
    """Apply a posted button to `order`: the event its provider's spec names for it, through
    the same engine as /_sim (source "payer"). None when the button is not one of the order's."""
    spec: PayerSpec = sandbox().providers[order.provider].payer
    event = spec.buttons(order).get(act.action or "")
    if event is None:
        return None
    return apply(order, event)


def apply(order: Order, event: str) -> Order | Refusal:
    """The payer's button, applied as the bank would: the same engine as /_sim."""
    box = sandbox()
    annotate(endpoint="payer", order_id=order.order_id, event=event)
    result = box.book.apply(order, event, source="payer",
                            merchant=box.merchants.get(order.provider, order.merchant))
    if isinstance(result, Refusal):
        annotate(refusal=result.message)
    return result


def serve_order(order: Order, notice: str | None = None) -> Response:
    """GET: the order's page; POST: press the button, then show the page again."""
    if request.method == "POST":
        press(order, posted())
        return back()
    return render(order_page(order, notice=notice))


def choosing(order: Order, methods: list[Method], choose: Callable[[Order, str], None],
             waiting: str = "waiting for a payment method") -> Response:
    """The page of an order whose payer has not picked a method yet (DOKU, Finpay, KwikPaisa and
    Pivot hosted pages): a POSTed method among `methods` is `choose(order, method_id)` — the
    provider making that method's transaction — then the page again; GET shows the order with
    one button per method."""
    if request.method == "POST":
        act = posted()
        if act.choose in {method.id for method in methods}:
            choose(order, act.choose)
        return back()
    page = order_page(order)
    page.status, page.methods = waiting, methods
    return render(page)


def qr_image(payload: str | None, provider_title: str) -> Response:
    """A QR-code URL's answer: the PNG of `payload`, or the not-found page when there is none."""
    if payload is None:
        raise Stop(not_found(provider_title))
    return Response(qr_png(payload), mimetype="image/png")


def back() -> Response:
    """Post/redirect/get: the page again, so a reload repeats nothing."""
    return redirect(request.url, code=303)


def not_found(provider_title: str) -> Response:
    html = render_template("payer_missing.html", provider_title=provider_title)
    return Response(html, status=404, mimetype="text/html")


def qr_data_uri(payload: str) -> str:
    """The QR code of `payload` as an inline SVG image, for the page to draw."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="svg", scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def qr_png(payload: str) -> bytes:
    """The QR code of `payload` as a PNG (what a provider's QR-code URL answers)."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def wants_page() -> bool:
    """Does the caller prefer an HTML page to an image? A browser opening the URL does;
    an `<img>` tag or an HTTP client fetching the QR code does not."""
    best = request.accept_mimetypes.best_match(["image/png", "text/html"])
    return best == "text/html"


# -- the provider-neutral page of any order -----------------------------------------------

@payer.route("/pay/<provider>/<path:order_id>", methods=["GET", "POST"])
def any_order(provider: str, order_id: str):
    box = sandbox()
    if provider not in box.providers or box.providers[provider].payer is None:
        raise Stop(not_found(provider))
    order = box.book.find(provider, order_id, request.args.get("merchant"))
    if order is None:
        raise Stop(not_found(box.providers[provider].title))
    return serve_order(order)
