"""Nightly clean-up of what no one needs any more."""

import logging
from datetime import timedelta

from django.utils import timezone

from checkout.models import Cart, Order, WebhookEvent

logger = logging.getLogger(__name__)

S = Order.Status


def housekeeping(*, webhook_days: int = 90, cart_days: int = 180) -> dict[str, int]:
    """Delete what no one needs any more: the webhook ledger past Stripe's retry
    window (kept 90 days for support), and carts untouched for half a year."""
    now = timezone.now()
    # delete() counts the cascaded rows too (a cart's lines): take each model's own count.
    _, webhooks = WebhookEvent.objects.filter(received__lt=now - timedelta(days=webhook_days)).delete()
    _, carts = Cart.objects.filter(updated__lt=now - timedelta(days=cart_days)).delete()
    return {"webhook_events": webhooks.get(WebhookEvent._meta.label, 0), "carts": carts.get(Cart._meta.label, 0)}
