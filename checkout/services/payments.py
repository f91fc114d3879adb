"""Payments: start one with the payment gateway, and settle it — paid, processing, failed,
expired or cancelled — from the webhook, the shopper's return, the demo page or the sweeper.

Every way in ends in the same idempotent services, so a payment is fulfilled once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from checkout.cart import DatabaseCart
from checkout.errors import CheckoutError
from checkout.gateways import demo as demo_gateway
from checkout.gateways.common import CheckoutSession, GatewayError
from checkout.gateways.routing import gateway_for, provider_now
from checkout.models import Order, OrderEvent, OutboxEmail, Payment
from checkout.services.cart import cart_discard_ordered
from checkout.services.history import order_note_add, order_transition
from checkout.services.lifecycle import refund_out_of_stock
from checkout.services.orders import order_cancel, order_lock, order_stock_take, stock_release
from checkout.services.outbox import email_queue

logger = logging.getLogger(__name__)

S = Order.Status


def _payment_for_session(session_id: str) -> Payment | None:
    return Payment.objects.filter(session_id=session_id).first()


def _session_settle(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """Act on what the gateway says of a session: paid, completed but still confirming, or neither."""
    if session.payment_status in ("paid", "no_payment_required"):
        return order_payment_succeeded(session=session, actor_label=actor_label)
    if session.status == "complete":
        return order_payment_processing(session=session, actor_label=actor_label)
    return None


def payment_start(*, order: Order, success_url: str, cancel_url: str) -> str:
    """Where to send the shopper to pay: Stripe Checkout, or the local demo page.

    Called again for the same order (double-click), it returns the same session.
    If Stripe fails, the order is cancelled, its hold released, and the shopper
    is told to try again: the cart is untouched.
    """
    if order.status != S.PENDING_PAYMENT:
        raise CheckoutError("This order is no longer waiting for payment.")
    existing = order.payments.filter(status=Payment.Status.OPEN).first()
    if existing and existing.checkout_url:
        return existing.checkout_url
    provider = provider_now()
    if provider is None:
        order_cancel(order=order, actor_label="system", note="Payments are not configured.")
        raise CheckoutError("Payments are not available right now. Nothing was charged.")
    try:
        session = gateway_for(provider).checkout_session_create(
            order=order,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=int(order.hold_expires_at.timestamp()),
        )
    except GatewayError as error:
        # Release the hold but keep the order: the shopper's retry (the same form,
        # the same token) holds the stock again and, with the same idempotency
        # key, gets the session Stripe may have created before it failed.
        stock_release(order=order)
        order_note_add(order=order, note=f"Stripe session failed; stock released: {error}")
        raise CheckoutError(
            "We couldn't reach our payment provider. Nothing was charged and your cart is as you left it. "
            "Please try again in a moment."
        ) from error
    Payment.objects.get_or_create(
        session_id=session.id,
        defaults={
            "order": order,
            "provider": provider,
            "checkout_url": session.url,
            "amount": order.total,
            "currency": order.currency,
        },
    )
    return session.url


def order_payment_succeeded(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """The one fulfil service: webhook, success page and demo page all call it.

    Idempotent: an order already paid is left alone and no second receipt is
    written. An amount or currency that does not match the order never marks it
    paid. A payment that arrives after the hold was released takes the stock
    again if it can; otherwise the order is "paid, waiting for stock" for staff
    (or refunded automatically when SHOP_AUTO_REFUND_OUT_OF_STOCK is on).
    """
    payment = _payment_for_session(session.id)
    if payment is None:
        logger.error("Payment for unknown Checkout Session %s (order %s)", session.id, session.order_number)
        return None
    with transaction.atomic():
        order = order_lock(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED or order.payment_state != Order.PaymentState.UNPAID:
            return order
        payment.amount_received = session.amount_total
        payment.currency_received = session.currency
        payment.payment_intent = session.payment_intent or payment.payment_intent
        if session.amount_total != order.total or session.currency != order.currency.lower():
            payment.status = Payment.Status.MISMATCH
            payment.save()
            reason = (
                f"Stripe reported {session.amount_total} {session.currency.upper()} for session {session.id}, "
                f"but the order is {order.total} {order.currency.upper()}. Not marked paid."
            )
            order.needs_review = True
            order.review_reason = reason
            order.save(update_fields=["needs_review", "review_reason", "updated"])
            order_note_add(order=order, note=reason, kind=OrderEvent.Kind.REVIEW)
            logger.error("Order %s: %s", order.number, reason)
            return order
        payment.status = Payment.Status.SUCCEEDED
        payment.save()
        order.payment_state = Order.PaymentState.PAID
        order.amount_paid = session.amount_total
        order.save(update_fields=["payment_state", "amount_paid", "updated"])
        note = f"Payment {payment.payment_intent or payment.session_id} received."
        target = S.PAID
        if not order.stock_held:
            # The hold was released (expired or cancelled) before the money arrived.
            try:
                with transaction.atomic():
                    order_stock_take(order=order)
                order.stock_held = True
                order.save(update_fields=["stock_held", "updated"])
                note += " Stock taken again after the hold had been released."
            except CheckoutError as short:
                target = S.PAID_OUT_OF_STOCK
                order.needs_review = True
                order.review_reason = f"Paid after the hold was released and stock is short: {short.message}"
                order.save(update_fields=["needs_review", "review_reason", "updated"])
                note += " Stock is short: waiting for staff."
        order_transition(order=order, to=target, actor_label=actor_label, note=note)
        if order.user_id:
            cart_discard_ordered(cart=DatabaseCart(order.user), order=order)
        email_queue(order=order, kind=OutboxEmail.Kind.RECEIPT)
        if target == S.PAID_OUT_OF_STOCK:
            if settings.SHOP_AUTO_REFUND_OUT_OF_STOCK:
                order_id = order.pk
                transaction.on_commit(lambda: refund_out_of_stock(order_id), robust=True)
            else:
                email_queue(order=order, kind=OutboxEmail.Kind.OUT_OF_STOCK)
        logger.info("Order %s %s (%s)", order.number, target, actor_label)
        return order


def order_payment_processing(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """Checkout completed with a delayed payment method: hold on and wait."""
    payment = _payment_for_session(session.id)
    if payment is None:
        return None
    with transaction.atomic():
        order = order_lock(payment.order_id)
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.OPEN).update(
            status=Payment.Status.PROCESSING, payment_intent=session.payment_intent
        )
        if order.status == S.PENDING_PAYMENT:
            order_transition(
                order=order, to=S.AWAITING_PAYMENT, actor_label=actor_label,
                note="Checkout completed; the payment is still being confirmed.",
            )
        return order


def order_payment_failed(*, session: CheckoutSession, actor_label: str) -> Order | None:
    payment = _payment_for_session(session.id)
    if payment is None:
        return None
    with transaction.atomic():
        order = order_lock(payment.order_id)
        Payment.objects.filter(pk=payment.pk).exclude(status=Payment.Status.SUCCEEDED).update(
            status=Payment.Status.FAILED
        )
        if order.status in (S.PENDING_PAYMENT, S.AWAITING_PAYMENT):
            stock_release(order=order)
            order_transition(order=order, to=S.CANCELLED, actor_label=actor_label, note="The payment failed.")
            email_queue(order=order, kind=OutboxEmail.Kind.PAYMENT_FAILED)
        return order


def order_session_expired(*, session: CheckoutSession, actor_label: str) -> Order | None:
    """The Checkout Session ran out: release the stock exactly once, expire the order."""
    payment = _payment_for_session(session.id)
    if payment is None:
        return None
    with transaction.atomic():
        order = order_lock(payment.order_id)
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.OPEN).update(status=Payment.Status.EXPIRED)
        if order.status == S.PENDING_PAYMENT:
            stock_release(order=order)
            order_transition(
                order=order, to=S.EXPIRED, actor_label=actor_label, note="Checkout session expired; stock released."
            )
        return order


def order_cancel_by_shopper(*, order: Order,
                            note: str = "Cancelled on the payment page; stock released.") -> Order:
    """The shopper came back from Stripe's cancel link (or placed a new order from the same cart).

    Stripe is asked to expire the session first: if it turns out the shopper
    paid after all, the payment wins and the order is fulfilled instead.
    """
    if order.status != S.PENDING_PAYMENT:
        return order
    for payment in order.payments.filter(status=Payment.Status.OPEN):
        try:
            session = gateway_for(payment.provider).checkout_session_expire(payment.session_id)
        except GatewayError as error:
            raise CheckoutError(
                "We couldn't reach our payment provider to cancel. Your order is still reserved; "
                "please try again in a moment."
            ) from error
        settled = _session_settle(session=session, actor_label="shopper return")
        if settled is not None:
            return settled
    return order_cancel(order=order, actor_label="shopper", note=note)


def order_confirm_return(*, session_id: str) -> Order | None:
    """The shopper is back on the success page: ask Stripe, then fulfil (Stripe's advice)."""
    payment = _payment_for_session(session_id)
    if payment is None:
        return None
    try:
        session = gateway_for(payment.provider).checkout_session_retrieve(session_id)
    except GatewayError:
        logger.warning("Could not retrieve session %s on return; the webhook will fulfil it", session_id)
        return payment.order
    return _session_settle(session=session, actor_label="shopper return") or payment.order


def demo_payment_complete(*, session_id: str, pay: bool) -> Order:
    """The demo page's Pay and Cancel buttons drive the same services as Stripe."""
    payment = Payment.objects.select_related("order").get(session_id=session_id, provider=Payment.Provider.DEMO)
    order = payment.order
    if not pay:
        return order_cancel(order=order, actor_label="shopper", note="Cancelled on the demo payment page.")
    session = demo_gateway.checkout_session_pay(session_id)
    return order_payment_succeeded(session=session, actor_label="demo payment") or order


def orders_release_expired_holds(*, grace_minutes: int = 5) -> int:
    """Periodic: pending orders whose Checkout Session should have expired.

    Stripe is asked first, so a payment that did arrive is fulfilled, never
    lost; only a session that really expired releases its stock.
    """
    cutoff = timezone.now() - timedelta(minutes=grace_minutes)
    handled = 0
    stale = Order.objects.filter(status=S.PENDING_PAYMENT, hold_expires_at__lt=cutoff).order_by("hold_expires_at")
    for order in stale[:200]:
        payments = list(order.payments.filter(status=Payment.Status.OPEN))
        if not payments:
            order_cancel(order=order, actor_label="hold sweeper", note="No payment was started; hold released.")
            handled += 1
            continue
        for payment in payments:
            try:
                session = gateway_for(payment.provider).checkout_session_expire(payment.session_id)
            except GatewayError:
                logger.warning("Sweeper could not reach the payment gateway for %s; will try again", order.number)
                continue
            if _session_settle(session=session, actor_label="hold sweeper") is None:
                order_session_expired(session=session, actor_label="hold sweeper")
            handled += 1
    return handled
