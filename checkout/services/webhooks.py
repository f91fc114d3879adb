"""Stripe's webhook events: recorded once in the ledger and acted on in the same transaction."""

import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from checkout.gateways.stripe import session_from_stripe
from checkout.models import Order, WebhookEvent
from checkout.services.payments import (
    order_payment_failed,
    order_payment_processing,
    order_payment_succeeded,
    order_session_expired,
)
from checkout.services.refunds import refunds_sync_from_charge

logger = logging.getLogger(__name__)

S = Order.Status


HANDLERS = {
    "checkout.session.async_payment_succeeded": order_payment_succeeded,
    "checkout.session.async_payment_failed": order_payment_failed,
    "checkout.session.expired": order_session_expired,
}


def _short_lock_timeout() -> None:
    """Within this transaction, wait at most SHOP_LOCK_TIMEOUT_MS for a row lock.

    A webhook that finds the order locked (a checkout, the shopper's return or a
    staff action holds it) gives up quickly; the view answers 503 and Stripe
    delivers the event again, instead of piling up waiting workers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{settings.SHOP_LOCK_TIMEOUT_MS}ms"])


def webhook_event_process(*, event: dict) -> str:
    """Record the event in the ledger and act on it, in one transaction.

    A repeated event id changes nothing. Any failure rolls the ledger row back
    with the rest, so the caller answers 5xx and Stripe delivers it again.
    """
    event_type = event["type"]
    with transaction.atomic():
        _short_lock_timeout()
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    event_id=event["id"], type=event_type, livemode=bool(event.get("livemode")), payload=event
                )
        except IntegrityError:
            return "duplicate"
        result = "ignored"
        if event_type.startswith("checkout.session."):
            session = session_from_stripe(event["data"]["object"])
            if event_type == "checkout.session.completed":
                if session.payment_status in ("paid", "no_payment_required"):
                    handler = order_payment_succeeded
                else:
                    handler = order_payment_processing
            else:
                handler = HANDLERS.get(event_type)
            if handler is not None:
                order = handler(session=session, actor_label="stripe webhook")
                result = f"{order.number}: {order.status}" if order else "unknown session"
        elif event_type == "charge.refunded":
            result = refunds_sync_from_charge(charge=event["data"]["object"])
        record.result = result[:200]
        record.save(update_fields=["result"])
        return result
