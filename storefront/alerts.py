"""Emails about stock: "back in stock" to shoppers who asked, the daily low-stock digest to staff.

A guest's alert is double opt-in: signing up writes an unconfirmed alert and sends one confirmation
email (the alert row is its outbox: `confirmation_sent_at` is claimed with a conditional update);
only confirmed alerts are emailed on restock. Every alert email carries a one-click unsubscribe link.
Links are signed (django.core.signing) with the alert's id; nothing secret is stored.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import db_task

from core.http import absolute_url
from storefront.errors import StorefrontError
from storefront.models import StockAlert, Variant
from storefront.stock import low_stock_variants

logger = logging.getLogger(__name__)


CONFIRM_MAX_AGE = timedelta(days=7)  # a confirmation link works this long; no second one is sent meanwhile
ALERT_GONE = "This alert no longer exists (it was unsubscribed). Ask again on the product page."
_CONFIRM_SALT = "storefront.stock_alert.confirm"
_UNSUBSCRIBE_SALT = "storefront.stock_alert.unsubscribe"


def stock_alert_subscribe(*, variant_id: int, email: str, user=None) -> bool:
    """Ask to be emailed when a sold-out variant is back. Asking twice is one alert.

    True if the alert is confirmed for this asker now; False if they must confirm by email (said
    even when the address had confirmed already, so the answer tells a stranger nothing).

    `user` (the signed-in shopper, if any) confirms the alert at once when the address is one of
    their verified addresses; anyone else gets one confirmation email, and no other while its link
    still works. An alert already notified starts again (and is confirmed again) when asked anew.
    """
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
    verified = _is_verified_address(user=user, email=email)
    now = timezone.now()
    with transaction.atomic():
        StockAlert.objects.get_or_create(variant=variant, email=email)
        alert = StockAlert.objects.select_for_update().get(variant=variant, email=email)
        if alert.notified_at is not None:  # told before, sold out again: a new request, confirmed anew
            alert.notified_at = alert.confirmed_at = alert.confirmation_sent_at = None
        if alert.confirmed_at is None:
            if verified:
                alert.confirmed_at = now
            elif alert.confirmation_sent_at is None or alert.confirmation_sent_at < now - CONFIRM_MAX_AGE:
                alert.confirmation_sent_at = None  # owed: the task claims it
                alert_id = alert.pk
                transaction.on_commit(lambda: send_stock_alert_confirmation(alert_id), robust=True)
        alert.save(update_fields=["notified_at", "confirmed_at", "confirmation_sent_at"])
    return verified


def _is_verified_address(*, user, email: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@db_task(retries=6, retry_delay=15, retry_backoff=2)
def send_stock_alert_confirmation(alert_id: int) -> None:
    stock_alert_confirmation_send(alert_id=alert_id)


def stock_alert_confirmation_send(*, alert_id: int) -> bool:
    """Send an alert's confirmation email, at most once per claim. True if this call sent it.

    The claim is a conditional update of `confirmation_sent_at` (null → now): a second task, or a
    second sign-up while this one is queued, finds nothing to claim. A failed send gives the claim
    back and raises, so the task retries.
    """
    now = timezone.now()
    claimed = StockAlert.objects.filter(
        pk=alert_id, confirmed_at__isnull=True, confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=now)
    if not claimed:
        return False
    alert = StockAlert.objects.select_related("variant__product").get(pk=alert_id)
    context = _email_context(alert) | {
        "confirm_url": absolute_url(reverse("storefront:stock_alert_confirm",
                                            args=[signing.dumps(alert.pk, salt=_CONFIRM_SALT)])),
        "days": CONFIRM_MAX_AGE.days,
    }
    message = _alert_email(
        alert, context, subject=f"{settings.SHOP_NAME}: confirm your back-in-stock alert for {alert.variant.product.name}",
        template="emails/stock_alert_confirm",
    )
    try:
        message.send()
    except Exception:
        StockAlert.objects.filter(pk=alert_id, confirmation_sent_at=now).update(confirmation_sent_at=None)
        raise
    return True


def stock_alert_for_link(*, token: str, purpose: str) -> StockAlert | None:
    """The alert a signed link names (None if it has gone: unsubscribed). `purpose` is "confirm"
    (the link expires after CONFIRM_MAX_AGE) or "unsubscribe" (it never does)."""
    try:
        if purpose == "confirm":
            alert_id = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        else:
            alert_id = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.SignatureExpired:
        raise StorefrontError(
            "This link has expired. Ask again on the product page and we will send you a new one."
        ) from None
    except signing.BadSignature:
        raise StorefrontError("This link is not valid. Please use the link from your email as it is.") from None
    if not isinstance(alert_id, int):
        raise StorefrontError("This link is not valid. Please use the link from your email as it is.")
    return StockAlert.objects.select_related("variant__product").filter(pk=alert_id).first()


def stock_alert_confirm(*, token: str) -> StockAlert:
    """Confirm the alert a confirmation link names. Confirming twice is harmless."""
    alert = stock_alert_for_link(token=token, purpose="confirm")
    if alert is None:
        raise StorefrontError(ALERT_GONE)
    StockAlert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    alert.refresh_from_db(fields=["confirmed_at"])
    return alert


def stock_alert_unsubscribe(*, token: str) -> None:
    """Forget the alert an unsubscribe link names (and with it the address). Twice is harmless."""
    alert = stock_alert_for_link(token=token, purpose="unsubscribe")
    if alert is not None:
        alert.delete()


def stock_alert_unsubscribe_url(alert: StockAlert) -> str:
    return absolute_url(reverse("storefront:stock_alert_unsubscribe",
                                args=[signing.dumps(alert.pk, salt=_UNSUBSCRIBE_SALT)]))


def _email_context(alert: StockAlert) -> dict:
    return {"variant": alert.variant, "product": alert.variant.product, "shop_name": settings.SHOP_NAME,
            "unsubscribe_url": stock_alert_unsubscribe_url(alert)}


def _alert_email(alert: StockAlert, context: dict, *, subject: str, template: str) -> EmailMultiAlternatives:
    """An alert email with its unsubscribe link in the body and in the headers (RFC 8058 one-click)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[alert.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def stock_alerts_send(*, variant_id: int) -> int:
    """Email everyone waiting for this variant who confirmed, each once. Returns how many were sent.

    Each alert is locked, sent and marked in one transaction, so a retry or a second
    worker never sends it twice; a failed send rolls back only that alert's mark.
    """
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or variant.stock <= 0 or not variant.purchasable:
        return 0
    pending = list(
        StockAlert.objects.filter(
            variant_id=variant_id, confirmed_at__isnull=False, notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    url = absolute_url(f"{variant.product.get_absolute_url()}?variant={variant.pk}")
    sent = 0
    for alert_id in pending:
        with transaction.atomic():
            alert = (
                StockAlert.objects.select_for_update(skip_locked=True)
                .filter(pk=alert_id, confirmed_at__isnull=False, notified_at__isnull=True)
                .first()
            )
            if alert is None:
                continue
            alert.variant = variant
            message = _alert_email(
                alert, _email_context(alert) | {"url": url},
                subject=f"{settings.SHOP_NAME}: {variant.product.name} is back in stock",
                template="emails/back_in_stock",
            )
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
