"""Pivot's hosted payment page, behind a REDIRECT session's `paymentUrl` (`/detail?token=<JWT>`,
create sheet §3, §7), the e-wallet page behind `appRedirectUrl`/`webRedirectUrl`, the QR image
behind `qrUrl`, and what the payer sees of a Pivot session on any payer page.

REQUIRE_PAYMENT_METHOD: one button per method, named after it ("BCA virtual account",
"QRIS", "Card", "ShopeePay", …). Choosing one is the page setting the method and confirming
(`set_payment_method`, `confirm` → REQUIRE_ACTION) with its VA number or QR made then. Then
Pay (→ PAID, PAYMENT.PAID callback), Fail (the charge fails and the session waits for another
method, REQUIRE_PAYMENT_METHOD, as Pivot does) and Let it expire (→ EXPIRED). "Back to the
merchant" is `successReturnUrl` once paid, `expirationReturnUrl` once expired, else
`failureReturnUrl`.
"""

from __future__ import annotations

from flask import Response, request

from ... import payer
from ...merchants import Merchant
from ...orders import Order
from ...payer import qris
from ...wire import Stop, own_url, sandbox
from . import rules, tokens
from .views import blueprint

TITLE = "Pivot"
METHODS = {   # page button → (paymentMethod.type, channel, label)
    "VA_BCA": ("VIRTUAL_ACCOUNT", "BCA", "BCA virtual account"),
    "VA_BNI": ("VIRTUAL_ACCOUNT", "BNI", "BNI virtual account"),
    "VA_BRI": ("VIRTUAL_ACCOUNT", "BRI", "BRI virtual account"),
    "VA_MANDIRI": ("VIRTUAL_ACCOUNT", "MANDIRI", "Mandiri virtual account"),
    "VA_PERMATA": ("VIRTUAL_ACCOUNT", "PERMATA", "Permata virtual account"),
    "QR": ("QR", "QRIS", "QRIS"),
    "CARD": ("CARD", "VISA", "Card"),
    "EWALLET_SHOPEEPAY": ("EWALLET", "SHOPEEPAY", "ShopeePay"),
    "EWALLET_DANA": ("EWALLET", "DANA", "DANA"),
    "EWALLET_OVO": ("EWALLET", "OVO", "OVO"),
}
LABELS = {(kind, channel): label for kind, channel, label in METHODS.values()}
BUTTONS = {"VIRTUAL_ACCOUNT": {payer.PAY: "pay", payer.EXPIRE: "expire"}}
ANY_METHOD = {payer.PAY: "pay", payer.FAIL: "fail", payer.EXPIRE: "expire"}


def facts(order: Order) -> list[tuple[str, str]]:
    method = order.extra.get("payment_method") or {}
    shown = [("Payment method", LABELS.get((order.channel, order.bank), order.channel or "not chosen yet"))]
    if "virtualAccount" in method:
        shown.append(("Virtual account number", method["virtualAccount"].get("virtualAccountNumber", "")))
    if "qr" in method:
        shown.append(("QR string", qr(order) or ""))
    if "card" in method:
        shown += [("Card", f"{method['card'].get('first6', '')}•••••• {method['card'].get('last4', '')}"),
                  ("3-D Secure OTP", "112233")]
    return shown


def buttons(order: Order) -> dict[str, str]:
    if order.status not in (rules.REQUIRE_ACTION, rules.PROCESSING):
        return {}
    return dict(BUTTONS.get(order.channel or "", ANY_METHOD))


def qr(order: Order) -> str | None:
    block = (order.extra.get("payment_method") or {}).get("qr") or {}
    return block.get("qrContent") or block.get("qrString")


def finish(order: Order, url: str) -> str:
    urls = order.extra.get("redirect_url") or {}
    if order.status == rules.PAID:
        return urls.get("successReturnUrl") or url
    if order.status == rules.EXPIRED:
        return urls.get("expirationReturnUrl") or url
    return urls.get("failureReturnUrl") or url


def method_details(method_type: str, channel: str | None, session_id: str, options: dict,
                   merchant: Merchant, amount) -> dict:
    """`paymentMethod` with its block (§3.1): the VA number, the QR payload and image URL, the
    e-wallet's pages — all on this simulator."""
    box = sandbox()
    name = merchant.name or merchant.id
    if method_type == "VIRTUAL_ACCOUNT":
        va = options.get("virtualAccount") or {}
        number = str(va.get("virtualAccountNumber") or "") or box.rand.digits(16)
        return {"type": method_type, "virtualAccount": {
            "channel": channel, "virtualAccountNumber": number,
            "virtualAccountName": va.get("virtualAccountName") or name[:30],
            "virtualAccountTrxType": va.get("virtualAccountTrxType") or "C"}}
    if method_type == "QR":
        return {"type": method_type, "qr": {
            "acquirer": "QRIS", "qrType": "DYNAMIC", "merchantName": name,
            "qrContent": qris.payload(name, amount, session_id),
            "qrUrl": own_url("qr_image", session_id=session_id)}}
    if method_type == "EWALLET":
        page = own_url("ewallet_page", session_id=session_id)
        return {"type": method_type, "ewallet": {"channel": channel, "appRedirectUrl": page,
                                                 "webRedirectUrl": page,
                                                 "referenceNo": box.rand.digits(12)}}
    return {"type": method_type, "card": {"first6": "444000", "last4": box.rand.digits(4),
                                          "binInformations": {"type": "CREDIT", "brand": channel,
                                                              "issuingBank": "SIMULATOR BANK", "country": "ID"}}}


PAYER = payer.PayerSpec(facts=facts, buttons=buttons, qr=qr, finish=finish)


def _session(session_id: str) -> Order:
    order = sandbox().book.find("pivot", session_id)
    if order is None or order.transaction_id != session_id:
        raise Stop(payer.not_found(TITLE))
    return order


@blueprint.route("/detail", methods=["GET", "POST"])
@payer.page
def payment_page() -> Response:
    try:
        claims = tokens.verify(request.args.get("token", ""), sandbox().signing_key(tokens.SIGNING_KEY))
    except tokens.TokenError:
        raise Stop(payer.not_found(TITLE)) from None
    order = _session(str(claims.get("uuid", "")))
    if order.status != rules.REQUIRE_PAYMENT_METHOD:
        return payer.serve_order(order)
    return payer.choosing(order, [payer.Method(key, label) for key, (_, _, label) in METHODS.items()], _choose)


@blueprint.route("/detail/ewallet/<session_id>", methods=["GET", "POST"])
@payer.page
def ewallet_page(session_id: str) -> Response:
    return payer.serve_order(_session(session_id))


@blueprint.get("/detail/qr/<session_id>.png")
@payer.page
def qr_image(session_id: str) -> Response:
    return payer.qr_image(qr(_session(session_id)), TITLE)


def _choose(order: Order, key: str) -> None:
    """The payer picked a method: the page sets it and confirms (→ REQUIRE_ACTION)."""
    box = sandbox()
    kind, channel, _ = METHODS[key]
    merchant = box.merchants.get("pivot", order.merchant)
    details = method_details(kind, channel, order.transaction_id, {}, merchant, order.amount)
    chosen = box.book.apply(order, "set_payment_method", source="payer", merchant=merchant,
                            extra={"payment_method": details}, fields={"channel": kind, "bank": channel})
    if isinstance(chosen, Order):
        box.book.apply(chosen, "confirm", source="payer", merchant=merchant)
