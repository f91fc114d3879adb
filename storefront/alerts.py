"""Emails about stock: "back in stock" to shoppers who asked, the daily low-stock digest to staff."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.http import absolute_url
from storefront.errors import StorefrontError
from storefront.models import StockAlert, Variant
from storefront.stock import low_stock_variants

logger = logging.getLogger(__name__)


def stock_alert_subscribe(*, variant_id: int, email: str) -> StockAlert:
    """Ask to be emailed when a sold-out variant is back. Asking twice is one alert."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise StorefrontError("Enter a valid email address.") from None
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or not variant.purchasable:
        raise StorefrontError("That option is no longer available.")
    if variant.stock > 0:
        raise StorefrontError("Good news: it is in stock now.")
    alert, created = StockAlert.objects.get_or_create(variant=variant, email=email)
    if not created and alert.notified_at is not None:  # told before, sold out again: tell again next time
        alert.notified_at = None
        alert.save(update_fields=["notified_at"])
    return alert


def stock_alerts_send(*, variant_id: int) -> int:
    """Email everyone waiting for this variant, each once. Returns how many were sent.

    Each alert is locked, sent and marked in one transaction, so a retry or a second
    worker never sends it twice; a failed send rolls back only that alert's mark.
    """
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or variant.stock <= 0 or not variant.purchasable:
        return 0
    pending = list(
        StockAlert.objects.filter(variant_id=variant_id, notified_at__isnull=True).values_list("pk", flat=True)
    )
    url = absolute_url(f"{variant.product.get_absolute_url()}?variant={variant.pk}")
    sent = 0
    for alert_id in pending:
        with transaction.atomic():
            alert = (
                StockAlert.objects.select_for_update(skip_locked=True)
                .filter(pk=alert_id, notified_at__isnull=True)
                .first()
            )
            if alert is None:
                continue
            context = {"variant": variant, "product": variant.product, "url": url, "shop_name": settings.SHOP_NAME}
            message = EmailMultiAlternatives(
                subject=f"{settings.SHOP_NAME}: {variant.product.name} is back in stock",
                body=render_to_string("emails/back_in_stock.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[alert.email],
            )
            message.attach_alternative(render_to_string("emails/back_in_stock.html", context), "text/html")
            alert.notified_at = timezone.now()
            alert.save(update_fields=["notified_at"])
            message.send()
        sent += 1
    return sent


def low_stock_digest_send() -> int:
    """The daily digest to staff: every active variant at or below its threshold. Returns how many."""
    variants = list(low_stock_variants())
    if not variants:
        return 0
    recipients = list(settings.SHOP_STAFF_EMAILS) or list(
        get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        logger.warning("Low-stock digest: %d variants low, but no staff address to send to", len(variants))
        return 0
    context = {"variants": variants, "shop_name": settings.SHOP_NAME,
               "admin_url": absolute_url("/admin/storefront/variant/?stock_level=low")}
    message = EmailMultiAlternatives(
        subject=f"{settings.SHOP_NAME}: {len(variants)} item{'s' if len(variants) != 1 else ''} running low",
        body=render_to_string("emails/low_stock.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(render_to_string("emails/low_stock.html", context), "text/html")
    message.send()
    return len(variants)
