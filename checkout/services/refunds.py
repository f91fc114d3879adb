"""Refunds: staff give back part or all of a payment through its gateway, and refunds made
in Stripe's dashboard are recorded from `charge.refunded`."""

import logging
from decimal import Decimal

from django.db import transaction

from checkout.errors import CheckoutError
from checkout.gateways.common import GatewayError
from checkout.gateways.routing import gateway_for
from checkout.models import Order, OrderEvent, OutboxEmail, Payment, Refund
from checkout.pricing import refunds_total
from checkout.services.history import order_note_add
from checkout.services.orders import order_lock
from checkout.services.outbox import email_queue
from core.money import from_minor_units, round_money

logger = logging.getLogger(__name__)

S = Order.Status


def order_refund(*, order: Order, amount: Decimal, reason: str, actor=None, notify: bool = True,
                 source: str = Refund.Source.STAFF) -> Refund:
    """Give back `amount` of what was paid. Partial refunds add up; never more than was paid.

    The order row stays locked while Stripe is asked, so two refunds at once can
    never exceed the payment; the idempotency key makes a double-click one refund.
    """
    amount = round_money(Decimal(amount), order.currency)  # whole yen for JPY, cents otherwise
    if amount <= 0:
        raise CheckoutError("Enter an amount above zero.")
    with transaction.atomic():
        order = order_lock(order.pk)
        payment = order.payments.filter(status=Payment.Status.SUCCEEDED).first()
        if payment is None or order.payment_state == Order.PaymentState.UNPAID:
            raise CheckoutError(f"Order {order.display_number} has no payment to refund.")
        if amount > order.refundable:
            raise CheckoutError(
                f"At most {order.refundable} {order.currency.upper()} can still be refunded on order "
                f"{order.display_number} ({order.amount_paid} paid, {order.amount_refunded} refunded)."
            )
        try:
            refund_id, _ = gateway_for(payment.provider).refund_create(
                payment_intent=payment.payment_intent, amount=amount, currency=order.currency,
                idempotency_key=f"refund-{order.number}-{order.amount_refunded}-{amount}",
                metadata={"order_number": order.number},
            )
        except GatewayError as error:
            raise CheckoutError(f"{payment.get_provider_display()} did not refund: {error}") from error
        refund, created = Refund.objects.get_or_create(
            provider_refund_id=refund_id,
            defaults={"order": order, "payment": payment, "amount": amount, "reason": reason.strip(),
                      "source": source, "created_by": actor if getattr(actor, "pk", None) else None},
        )
        if created:
            _refunds_recount(order=order, actor=actor, note=f"Refunded {amount} {order.currency.upper()}. {reason}".strip(),
                             notify=notify)
        return refund


def _refunds_recount(*, order: Order, actor=None, note: str, notify: bool) -> None:
    total = refunds_total(order.refunds.all())
    order.amount_refunded = min(total, order.amount_paid)
    order.payment_state = (
        Order.PaymentState.REFUNDED if order.amount_refunded >= order.amount_paid
        else Order.PaymentState.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["amount_refunded", "payment_state", "updated"])
    order_note_add(order=order, note=note, actor=actor, kind=OrderEvent.Kind.REFUND)
    if notify:
        email_queue(order=order, kind=OutboxEmail.Kind.REFUNDED)


def refunds_sync_from_charge(*, charge: dict) -> str:
    """`charge.refunded`: a refund made in Stripe's dashboard shows up here, once.

    Known refund ids are skipped; what Stripe says was refunded beyond the
    refunds we know is recorded as one refund keyed by the charge's running
    total, so the same event twice changes nothing.
    """
    payment_intent = charge.get("payment_intent") or ""
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id", "")
    payment = Payment.objects.filter(payment_intent=payment_intent, status=Payment.Status.SUCCEEDED).first() \
        if payment_intent else None
    if payment is None:
        return "unknown payment"
    currency = (charge.get("currency") or payment.currency).lower()
    with transaction.atomic():
        order = order_lock(payment.order_id)
        before = order.refunds.count()
        for item in (charge.get("refunds") or {}).get("data") or []:
            if item.get("status") in (None, "succeeded", "pending"):
                Refund.objects.get_or_create(
                    provider_refund_id=item["id"],
                    defaults={"order": order, "payment": payment, "source": Refund.Source.STRIPE,
                              "amount": from_minor_units(item["amount"], currency),
                              "reason": "Refunded in Stripe's dashboard."},
                )
        stripe_total = from_minor_units(charge.get("amount_refunded") or 0, currency)
        known = refunds_total(order.refunds.all())
        if stripe_total > known:
            Refund.objects.get_or_create(
                provider_refund_id=f"{charge.get('id')}:{charge.get('amount_refunded')}",
                defaults={"order": order, "payment": payment, "source": Refund.Source.STRIPE,
                          "amount": stripe_total - known, "reason": "Refunded in Stripe's dashboard."},
            )
        if order.refunds.count() == before:
            return f"{order.number}: no new refund"
        _refunds_recount(order=order, note="Refund made in Stripe's dashboard recorded.", notify=True)
        return f"{order.number}: refunded {order.amount_refunded}"
