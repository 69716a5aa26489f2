"""The example merchant's cancel, tested against the payment sandbox at every gateway:
a plain cancel, refusals after payment and after expiry, and a cancel whose answer is lost
(the gateway applies it, then the connection drops) followed by the retry."""

import pytest

from .gateways import GATEWAYS, CancelRefused, Order, cancel_order

# how the customer pays, as lifecycle events; Pivot's customer confirms the session first
PAYMENT_EVENTS = {"pivot": ("confirm", "pay")}

pytestmark = [pytest.mark.payment_sandbox_scenario("shop.yaml"),
              pytest.mark.parametrize("provider", sorted(GATEWAYS))]


def gateway_for(sandbox, provider):
    return GATEWAYS[provider](sandbox.url(provider), sandbox.credentials(provider))


def stored_order(sandbox, provider) -> Order:
    """SHOP-1001 as the shop stored it at checkout, with the gateway's reference."""
    return Order("SHOP-1001", sandbox.client.order(provider, "SHOP-1001")["transaction_id"])


def status_in_sandbox(sandbox, provider) -> str:
    return sandbox.client.order(provider, "SHOP-1001")["status"]


def test_cancel(payment_sandbox, provider):
    gateway = gateway_for(payment_sandbox, provider)
    cancel_order(gateway, stored_order(payment_sandbox, provider))
    assert status_in_sandbox(payment_sandbox, provider) == gateway.CANCELLED


def test_a_paid_order_is_not_cancelled(payment_sandbox, provider):
    for event in PAYMENT_EVENTS.get(provider, ("pay",)):
        payment_sandbox.client.event(provider, "SHOP-1001", event)
    with pytest.raises(CancelRefused):
        cancel_order(gateway_for(payment_sandbox, provider), stored_order(payment_sandbox, provider))


def test_an_expired_order_is_not_cancelled(payment_sandbox, provider):
    payment_sandbox.client.expire(provider, "SHOP-1001")
    with pytest.raises(CancelRefused):
        cancel_order(gateway_for(payment_sandbox, provider), stored_order(payment_sandbox, provider))


def test_a_lost_answer_is_retried_and_already_cancelled_is_success(payment_sandbox, provider):
    payment_sandbox.client.add_fault("apply_then_fail", then="reset", provider=provider,
                                     endpoint="cancel", times=1)
    gateway = gateway_for(payment_sandbox, provider)
    cancel_order(gateway, stored_order(payment_sandbox, provider))
    assert status_in_sandbox(payment_sandbox, provider) == gateway.CANCELLED
    assert len(payment_sandbox.client.journal(provider=provider, endpoint="cancel")) == 2
