"""Staff move a paid order through fulfilment: processing, shipped, delivered, stock
allocated after a restock, or cancelled with a refund."""

import logging

from django.db import transaction
from huey.contrib.djhuey import db_task

from checkout.errors import CheckoutError
from checkout.models import Order, OutboxEmail, Payment
from checkout.services.history import order_transition
from checkout.services.orders import order_lock, order_stock_take, stock_release
from checkout.services.outbox import email_queue
from checkout.services.refunds import order_refund

logger = logging.getLogger(__name__)

S = Order.Status


def order_mark_processing(*, order: Order, actor=None) -> Order:
    with transaction.atomic():
        order = order_lock(order.pk)
        order_transition(order=order, to=S.PROCESSING, actor=actor, note="Being prepared for shipping.")
        return order


def order_ship(*, order: Order, carrier: str, tracking_number: str, tracking_url: str = "", actor=None) -> Order:
    """Hand the parcel to the carrier: the customer is emailed the tracking link."""
    with transaction.atomic():
        order = order_lock(order.pk)
        if order.status == S.PAID:
            order_transition(order=order, to=S.PROCESSING, actor=actor, note="Being prepared for shipping.")
        order.carrier = carrier.strip()
        order.tracking_number = tracking_number.strip()
        order.tracking_url = tracking_url.strip()
        order.save(update_fields=["carrier", "tracking_number", "tracking_url", "updated"])
        order_transition(
            order=order, to=S.SHIPPED, actor=actor,
            note=f"Shipped with {order.carrier or 'the carrier'}, tracking {order.tracking_number or '—'}.",
        )
        email_queue(order=order, kind=OutboxEmail.Kind.SHIPPED)
        return order


def order_mark_delivered(*, order: Order, actor=None) -> Order:
    with transaction.atomic():
        order = order_lock(order.pk)
        order_transition(order=order, to=S.DELIVERED, actor=actor, note="Delivered.")
        email_queue(order=order, kind=OutboxEmail.Kind.DELIVERED)
        return order


def order_allocate_stock(*, order: Order, actor=None) -> Order:
    """A "paid, waiting for stock" order gets its units once staff have restocked."""
    with transaction.atomic():
        order = order_lock(order.pk)
        if order.status != S.PAID_OUT_OF_STOCK:
            raise CheckoutError(f"Order {order.display_number} is not waiting for stock.")
        order_stock_take(order=order)
        order.stock_held = True
        order.needs_review = False
        order.save(update_fields=["stock_held", "needs_review", "updated"])
        order_transition(order=order, to=S.PAID, actor=actor, note="Stock allocated after restocking.")
        return order


def order_cancel_by_staff(*, order: Order, reason: str = "", actor=None) -> Order:
    """Cancel: the units go back into stock and whatever was paid is refunded through Stripe.

    The refund comes first; if Stripe refuses it, nothing is cancelled.
    """
    order = Order.objects.get(pk=order.pk)
    if not order.can_become(S.CANCELLED) or order.status in (S.CANCELLED, S.EXPIRED):
        raise CheckoutError(f"Order {order.display_number} cannot be cancelled once {S(order.status).label.lower()}.")
    if order.refundable > 0:
        order_refund(order=order, amount=order.refundable, reason=reason or "Order cancelled.", actor=actor,
                     notify=False)
    with transaction.atomic():
        order = order_lock(order.pk)
        if order.status == S.CANCELLED:
            return order
        returned = stock_release(order=order)
        Payment.objects.filter(order=order, status=Payment.Status.OPEN).update(status=Payment.Status.EXPIRED)
        note = (reason or "Cancelled by staff.") + (" Stock returned." if returned else "")
        order_transition(order=order, to=S.CANCELLED, actor=actor, note=note)
        email_queue(order=order, kind=OutboxEmail.Kind.CANCELLED)
        return order


@db_task(retries=3, retry_delay=60)
def refund_out_of_stock(order_id: int) -> None:
    """SHOP_AUTO_REFUND_OUT_OF_STOCK: a payment that arrived after its stock was gone is refunded."""
    order = Order.objects.get(pk=order_id)
    if order.status == Order.Status.PAID_OUT_OF_STOCK:
        order_cancel_by_staff(order=order, reason="Sold out before the payment arrived; refunded automatically.")
