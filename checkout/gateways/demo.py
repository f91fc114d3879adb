"""Demo payments: a local page stands in for Stripe Checkout, in debug only and only
when no Stripe key is set (`make run` on a fresh machine). Same functions as
checkout.gateways.stripe; the shop's services cannot tell the two apart."""

from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from checkout.gateways.common import CheckoutSession, GatewayError
from checkout.models import Payment
from checkout.pricing import order_charge


def enabled() -> bool:
    """Demo payments: only in debug and only without a Stripe key."""
    return settings.DEBUG and not settings.STRIPE_SECRET_KEY


def _session(payment: Payment, *, status: str, payment_status: str) -> CheckoutSession:
    order = payment.order
    return CheckoutSession(
        id=payment.session_id, url=payment.checkout_url, status=status, payment_status=payment_status,
        amount_total=order.total, currency=order.currency.lower(),
        payment_intent=f"demo_pi_{order.number}" if payment_status == "paid" else "", order_number=order.number,
    )


def checkout_session_create(*, order, success_url: str, cancel_url: str, expires_at: int) -> CheckoutSession:
    """The demo payment page for `order`; the same order always gets the same page."""
    session_id = f"demo_{order.number}"
    return CheckoutSession(
        id=session_id, url=reverse("checkout:demo_pay", kwargs={"session_id": session_id}), status="open",
        payment_status="unpaid", amount_total=order_charge(order).total, currency=order.currency.lower(),
        payment_intent="", order_number=order.number,
    )


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    payment = Payment.objects.select_related("order").filter(
        session_id=session_id, provider=Payment.Provider.DEMO
    ).first()
    if payment is None:
        raise GatewayError(f"No demo session {session_id}.")
    if payment.status == Payment.Status.SUCCEEDED:
        return _session(payment, status="complete", payment_status="paid")
    if payment.status == Payment.Status.OPEN:
        return _session(payment, status="open", payment_status="unpaid")
    return _session(payment, status="expired", payment_status="unpaid")


def checkout_session_expire(session_id: str) -> CheckoutSession:
    """Expire an open session. If it is no longer open, return it as it is."""
    session = checkout_session_retrieve(session_id)
    return replace(session, status="expired") if session.status == "open" else session


def checkout_session_pay(session_id: str) -> CheckoutSession:
    """The demo page's Pay button: the session as Stripe reports one that was paid."""
    return replace(checkout_session_retrieve(session_id), status="complete", payment_status="paid",
                   payment_intent=f"demo_pi_{session_id.removeprefix('demo_')}")


def refund_create(
    *, payment_intent: str, amount: Decimal, currency: str, idempotency_key: str, metadata: dict
) -> tuple[str, Decimal]:
    """Nothing to give back: the refund is recorded under an id made from its idempotency key."""
    return f"demo_re_{idempotency_key}", amount
