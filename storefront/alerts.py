"""Emails about stock: "back in stock" to shoppers who asked, the daily low-stock digest to staff.

A guest's alert is double opt-in: signing up writes an unconfirmed alert and queues one confirmation
email in the same transaction (`confirmation_sent_at` says when); only confirmed alerts are emailed on
restock. Every alert email carries a one-click unsubscribe link. Links are signed (django.core.signing)
with the alert's id; nothing secret is stored.

Every email here goes through the shop's outbox (the `email_queue` hook; checkout's receiver writes the
row in the caller's transaction, a task sends it after the commit, a periodic sweep sends what the queue
missed): it is written with its cause, so a rollback takes it away and a commit never loses it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.http import absolute_url
from storefront.errors import StorefrontError
from storefront.hooks import email_queue
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
                alert.variant = variant
                _confirmation_queue(alert)
                alert.confirmation_sent_at = now
        alert.save(update_fields=["notified_at", "confirmed_at", "confirmation_sent_at"])
    return verified


def _is_verified_address(*, user, email: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _confirmation_queue(alert: StockAlert) -> None:
    """Queue the alert's confirmation email (in the caller's transaction, which holds the alert's lock)."""
    context = _email_context(alert) | {
        "confirm_url": absolute_url(reverse("storefront:stock_alert_confirm",
                                            args=[signing.dumps(alert.pk, salt=_CONFIRM_SALT)])),
        "days": CONFIRM_MAX_AGE.days,
    }
    _alert_email_queue(
        alert, context, kind="stock_alert_confirm",
        subject=f"{settings.SHOP_NAME}: confirm your back-in-stock alert for {alert.variant.product.name}",
        template="emails/stock_alert_confirm",
    )


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


def _email_to_outbox(*, sender, kind: str, to: str, subject: str, template: str, context: dict,
                     headers: dict | None = None) -> None:
    """Hand an email to the outbox through the `email_queue` hook, in the caller's transaction.

    Exactly one receiver must take it: with none (checkout not installed) the email would be dropped,
    and with two it would be sent twice, so either raises and the caller's change rolls back with it.
    """
    answers = email_queue.send(
        sender=sender, kind=kind, to=to, subject=subject, text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context), headers=headers or {},
    )
    taken = [answer for _receiver, answer in answers if answer is not None]
    if len(taken) != 1:
        raise ImproperlyConfigured(
            f"{len(taken)} receivers queued the {kind} email to {to}; exactly one (checkout's outbox) must."
        )


def _alert_email_queue(alert: StockAlert, context: dict, *, kind: str, subject: str, template: str) -> None:
    """An alert email with its unsubscribe link in the body and in the headers (RFC 8058 one-click)."""
    _email_to_outbox(
        sender=StockAlert, kind=kind, to=alert.email, subject=subject, template=template, context=context,
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def stock_alerts_send(*, variant_id: int) -> int:
    """Email everyone waiting for this variant who confirmed, each once. Returns how many were queued.

    Each alert is locked, marked notified and its email written into the outbox in one transaction,
    so a retry or a second worker never queues it twice and a crash never loses one; the outbox
    sends it after the commit (and retries a failed send).
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
            alert.notified_at = timezone.now()
            alert.save(update_fields=["notified_at"])
            _alert_email_queue(
                alert, _email_context(alert) | {"url": url}, kind="back_in_stock",
                subject=f"{settings.SHOP_NAME}: {variant.product.name} is back in stock",
                template="emails/back_in_stock",
            )
        sent += 1
    return sent


def low_stock_digest_send() -> int:
    """The daily digest to staff: every active variant at or below its threshold. Returns how many.

    One outbox row per staff address (nobody sees the others' addresses; one refusal holds up no one),
    all written in one transaction.
    """
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
    subject = f"{settings.SHOP_NAME}: {len(variants)} item{'s' if len(variants) != 1 else ''} running low"
    with transaction.atomic():
        for recipient in dict.fromkeys(recipients):
            _email_to_outbox(sender=Variant, kind="low_stock", to=recipient, subject=subject,
                              template="emails/low_stock", context=context)
    return len(variants)
