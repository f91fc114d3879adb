"""Part 8: back-in-stock emails, sent once when staff restock, only to addresses that confirmed
(a guest through the emailed link, a signed-in shopper's verified address at once)."""

import re
import time

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checkout.models import OutboxEmail
from checkout.services.outbox import outbox_sweep
from checkout.signals import storefront_email_to_outbox
from storefront.alerts import low_stock_digest_send, stock_alert_subscribe, stock_alerts_send
from storefront.errors import StorefrontError
from storefront.hooks import email_queue
from storefront.models import StockAlert, Variant
from storefront.stock import stock_adjust
from tests import factories

pytestmark = pytest.mark.django_db


def _confirmed(variant, *emails):
    """Alerts as if each guest had clicked the link in their confirmation email."""
    for email in emails:
        stock_alert_subscribe(variant_id=variant.pk, email=email)
    StockAlert.objects.filter(variant=variant, email__in=emails).update(confirmed_at=timezone.now())


def _link(message, kind: str) -> str:
    """The path of the confirm or unsubscribe link in an email (its text part)."""
    return re.search(rf"https?://[^/\s]+(/alerts/{kind}/[^/\s]+/)", message.body).group(1)


def _sign_up(client, variant, email, **extra):
    return client.post(reverse("storefront:stock_alert", args=[variant.product.slug]),
                       {"variant": variant.pk, "email": email}, **extra)


def _restock(variant, units=5):
    stock_adjust(variant_id=variant.pk, change=units, reason="restock")


def test_subscribe_once_per_address_and_only_when_sold_out():
    variant = factories.variant(stock=0)
    stock_alert_subscribe(variant_id=variant.pk, email="Ada@Example.com")
    stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
    assert StockAlert.objects.get().email == "ada@example.com"
    with pytest.raises(StorefrontError, match="valid email"):
        stock_alert_subscribe(variant_id=variant.pk, email="nope")
    in_stock = factories.variant(stock=3)
    with pytest.raises(StorefrontError, match="in stock"):
        stock_alert_subscribe(variant_id=in_stock.pk, email="ada@example.com")


def test_form_with_htmx_and_without(client):
    variant = factories.variant(stock=0)
    url = reverse("storefront:stock_alert", args=[variant.product.slug])
    response = client.post(url, {"variant": variant.pk, "email": "ada@example.com"}, HTTP_HX_REQUEST="true")
    assert "we sent a link to ada@example.com. Confirm it" in response.content.decode()
    response = client.post(url, {"variant": variant.pk, "email": "bob@example.com"})
    assert response.status_code == 302
    assert StockAlert.objects.count() == 2


def test_staff_restock_in_admin_emails_each_subscriber_once(admin_client, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0, name="Wool Throw")
    _confirmed(variant, "ada@example.com", "bob@example.com")
    url = reverse("admin:storefront_variant_change", args=[variant.pk])
    data = {"product": variant.product_id, "sku": variant.sku, "label": "", "price": "12.50", "weight_grams": "0",
            "adjust_by": "5",
            "adjust_reason": "restock", "adjust_note": "", "low_stock_threshold": "3", "active": "on",
            "position": "0", "stock_movements-TOTAL_FORMS": "0", "stock_movements-INITIAL_FORMS": "0",
            "stock_movements-MIN_NUM_FORMS": "0", "stock_movements-MAX_NUM_FORMS": "1000"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.com", "bob@example.com"]
    assert "Wool Throw is back in stock" in mailoutbox[0].subject
    assert f"?variant={variant.pk}" in mailoutbox[0].body
    assert not StockAlert.objects.filter(notified_at__isnull=True).exists()
    # The task again (a retry, a second worker): nobody gets a second email.
    assert stock_alerts_send(variant_id=variant.pk) == 0
    assert len(mailoutbox) == 2
    # A stock change that is not a restock sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, data | {"adjust_by": "2"})
    assert len(mailoutbox) == 2
    assert Variant.objects.get(pk=variant.pk).stock == 7


def test_restock_through_product_inline_is_noticed(admin_client, mailoutbox, django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0)
    _confirmed(variant, "ada@example.com")
    product = variant.product
    url = reverse("admin:storefront_product_change", args=[product.pk])
    data = {
        "name": product.name, "slug": product.slug, "description": "", "category": product.category_id,
        "active": "on", "tax_class": "standard",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1", "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": variant.pk, "variants-0-product": product.pk, "variants-0-sku": variant.sku,
        "variants-0-label": "", "variants-0-price": "12.50", "variants-0-weight_grams": "0", "variants-0-adjust_by": "3",
        "variants-0-adjust_reason": "restock", "variants-0-low_stock_threshold": "3", "variants-0-active": "on",
        "variants-0-position": "0",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Variant.objects.get(pk=variant.pk).stock == 3
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]


def test_nothing_is_sent_while_still_sold_out(mailoutbox):
    variant = factories.variant(stock=0)
    _confirmed(variant, "ada@example.com")
    assert stock_alerts_send(variant_id=variant.pk) == 0 and mailoutbox == []


# --- Double opt-in, limits and unsubscribing --------------------------------------------------------------


def test_a_guest_sign_up_sends_one_confirmation_and_no_restock_mail_until_confirmed(
        client, mailoutbox, django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0, name="Wool Throw")
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, variant, "Ada@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, variant, "ada@example.com", HTTP_HX_REQUEST="true")  # asking twice: no second email
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    confirmation = mailoutbox[0]
    assert "confirm your back-in-stock alert for Wool Throw" in confirmation.subject
    assert "/alerts/confirm/" in confirmation.body and "/alerts/confirm/" in confirmation.alternatives[0][0]
    assert StockAlert.objects.get().confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        _restock(variant)
    assert len(mailoutbox) == 1  # restocked, but nobody confirmed: no back-in-stock email
    with django_capture_on_commit_callbacks(execute=True):
        stock_adjust(variant_id=variant.pk, change=-5, reason="count")  # sold out again
        client.post(_link(confirmation, "confirm"))
        _restock(variant)
    assert [(m.subject, m.to) for m in mailoutbox[1:]] == [
        (f"{settings.SHOP_NAME}: Wool Throw is back in stock", ["ada@example.com"])]


def test_a_pending_confirmation_is_sent_again_only_after_its_link_expired(mailoutbox,
                                                                           django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
    assert len(mailoutbox) == 1
    StockAlert.objects.update(confirmation_sent_at=timezone.now() - timezone.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
    assert len(mailoutbox) == 2
    assert OutboxEmail.objects.filter(kind=OutboxEmail.Kind.STOCK_ALERT_CONFIRM).count() == 2  # one row each


def test_the_confirm_link_confirms_on_post_and_refuses_expired_or_tampered_links(
        client, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0, name="Wool Throw")
    with django_capture_on_commit_callbacks(execute=True):
        stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
    link = _link(mailoutbox[0], "confirm")
    page = client.get(link)  # what a mail scanner does: shows a button, changes nothing
    assert page.status_code == 200 and "Yes, email me" in page.content.decode()
    assert StockAlert.objects.get().confirmed_at is None
    page = client.post(link)
    assert "Your alert is confirmed" in page.content.decode()
    assert StockAlert.objects.get().confirmed_at is not None
    assert "Your alert is confirmed" in client.post(link).content.decode()  # twice is harmless

    other = factories.variant(stock=0)
    eight_days_ago = time.time() - 8 * 24 * 3600
    with monkeypatch.context() as past, django_capture_on_commit_callbacks(execute=True):
        past.setattr(signing.time, "time", lambda: eight_days_ago)
        stock_alert_subscribe(variant_id=other.pk, email="bob@example.com")
    expired = _link(mailoutbox[1], "confirm")
    for response in (client.get(expired), client.post(expired)):
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
    tampered = expired.replace("/alerts/confirm/", "/alerts/confirm/x")
    forged = reverse("storefront:stock_alert_confirm", args=[signing.dumps(
        StockAlert.objects.get(email="bob@example.com").pk, salt="storefront.stock_alert.unsubscribe")])
    for link in (tampered, forged):
        response = client.post(link)
        assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    assert StockAlert.objects.get(email="bob@example.com").confirmed_at is None


def test_a_verified_signed_in_shopper_is_confirmed_at_once(client, mailoutbox, django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0)
    shopper = factories.user(email="grace@example.com")
    client.force_login(shopper)
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, variant, "Grace@example.com", HTTP_HX_REQUEST="true")
    assert "We will email grace@example.com once when it is back" in response.content.decode()
    assert mailoutbox == [] and StockAlert.objects.get().confirmed_at is not None
    # Someone else's address, or an address allauth has not verified, is confirmed by email as for a guest.
    unverified = Client()
    unverified.force_login(factories.user(email="hopper@example.com", verified=False))
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, variant, "ada@example.com")
        _sign_up(unverified, variant, "hopper@example.com")
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.com", "hopper@example.com"]
    assert set(StockAlert.objects.filter(confirmed_at__isnull=True).values_list("email", flat=True)) == {
        "ada@example.com", "hopper@example.com"}


def test_the_sixth_sign_up_in_a_minute_is_refused_with_the_message(client, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0, name="Wool Throw")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            assert _sign_up(client, variant, f"person{i}@example.com").status_code == 302
        page = _sign_up(client, variant, "person5@example.com")
        partial = _sign_up(client, variant, "person6@example.com", HTTP_HX_REQUEST="true")
    assert page.status_code == 429
    assert "You have asked for several alerts just now" in page.content.decode()
    assert "Back to Wool Throw" in page.content.decode()
    assert partial.status_code == 200
    assert "You have asked for several alerts just now" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    assert StockAlert.objects.count() == len(mailoutbox) == 5
    # One address from many places: its sixth sign-up in the hour is refused too.
    other = factories.variant(stock=0)
    for i in range(5):
        assert _sign_up(client, other, "ada@example.com", REMOTE_ADDR=f"10.0.0.{i}").status_code == 302
    assert _sign_up(client, other, "ada@example.com", REMOTE_ADDR="10.0.1.1").status_code == 429


def test_unsubscribing_from_either_email_stops_the_restock_mail(client, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0, name="Wool Throw")
    with django_capture_on_commit_callbacks(execute=True):
        stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
        stock_alert_subscribe(variant_id=variant.pk, email="bob@example.com")
    by_address = {m.to[0]: m for m in mailoutbox}
    client.post(_link(by_address["ada@example.com"], "confirm"))
    client.post(_link(by_address["bob@example.com"], "confirm"))
    # Ada leaves through the confirmation email: GET shows a button, POST does it.
    unsubscribe = _link(by_address["ada@example.com"], "unsubscribe")
    assert "Unsubscribe from this alert?" in client.get(unsubscribe).content.decode()
    assert StockAlert.objects.filter(email="ada@example.com").exists()
    assert "You are unsubscribed" in client.post(unsubscribe).content.decode()
    assert not StockAlert.objects.filter(email="ada@example.com").exists()
    assert "You are unsubscribed" in client.get(unsubscribe).content.decode()  # twice is harmless
    assert client.post(_link(by_address["ada@example.com"], "confirm")).status_code == 400  # gone
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _restock(variant)
    assert [m.to for m in mailoutbox] == [["bob@example.com"]]
    restocked = mailoutbox[0]
    link = _link(restocked, "unsubscribe")
    assert restocked.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert restocked.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in restocked.alternatives[0][0]
    # Bob's mail provider uses the one-click header: a POST with no form and no CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not StockAlert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        stock_adjust(variant_id=variant.pk, change=-5, reason="count")
        _restock(variant)
    assert len(mailoutbox) == 1


def test_thirty_strangers_addresses_get_no_restock_email(client, mailoutbox, django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0)
    with django_capture_on_commit_callbacks(execute=True):
        from_one_place = [_sign_up(client, variant, f"stranger{i}@example.com") for i in range(30)]
        from_many = [_sign_up(client, variant, f"victim{i}@example.com", REMOTE_ADDR=f"10.1.0.{i}")
                     for i in range(30)]
    assert [r.status_code for r in from_one_place].count(429) == 25
    assert all(r.status_code == 302 for r in from_many)
    confirmations = len(mailoutbox)
    assert confirmations == 35  # one each, a link they can ignore
    with django_capture_on_commit_callbacks(execute=True):
        _restock(variant)
    assert len(mailoutbox) == confirmations  # and not one back-in-stock email


# --- Through the outbox ----------------------------------------------------------------------------------


def _left_queued():
    """Rows written while the queue was down: no task ran after the commit; the sweep's wait is over."""
    OutboxEmail.objects.update(updated=timezone.now() - timezone.timedelta(minutes=5))


def test_the_confirmation_is_an_outbox_row_written_with_the_alert_and_the_sweep_sends_it_if_the_queue_missed_it(
        mailoutbox):
    variant = factories.variant(stock=0, name="Wool Throw")
    stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")  # its after-commit enqueue never ran
    alert = StockAlert.objects.get()
    row = OutboxEmail.objects.get()
    assert (row.kind, row.to, row.status) == (OutboxEmail.Kind.STOCK_ALERT_CONFIRM, "ada@example.com", "queued")
    assert alert.confirmation_sent_at is not None and mailoutbox == []
    assert row.get_kind_display() == "Back-in-stock alert: confirm"
    stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")  # asked again meanwhile: no second row
    assert OutboxEmail.objects.count() == 1
    _left_queued()
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    [confirmation] = mailoutbox
    assert confirmation.to == ["ada@example.com"] and "Wool Throw" in confirmation.subject
    unsubscribe = _link(confirmation, "unsubscribe")
    assert confirmation.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/alerts/confirm/" in confirmation.alternatives[0][0]


def test_a_back_in_stock_email_is_written_with_the_alerts_notified_mark_and_swept_if_the_queue_missed_it(
        mailoutbox):
    variant = factories.variant(stock=0, name="Wool Throw")
    _confirmed(variant, "ada@example.com")
    OutboxEmail.objects.all().delete()  # the confirmation, not what this test is about
    Variant.objects.filter(pk=variant.pk).update(stock=4)
    assert stock_alerts_send(variant_id=variant.pk) == 1
    assert stock_alerts_send(variant_id=variant.pk) == 0  # a retry: the mark and the row came together
    row = OutboxEmail.objects.get()
    assert (row.kind, row.to) == (OutboxEmail.Kind.BACK_IN_STOCK, "ada@example.com")
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert StockAlert.objects.get().notified_at is not None
    _left_queued()
    assert outbox_sweep() == 1
    [restocked] = mailoutbox
    assert "Wool Throw is back in stock" in restocked.subject
    assert restocked.extra_headers["List-Unsubscribe"].endswith(f"{_link(restocked, 'unsubscribe')}>")


def test_without_a_receiver_for_the_email_hook_the_storefront_raises_and_changes_nothing(mailoutbox, settings):
    settings.SHOP_STAFF_EMAILS = ["warehouse@example.com"]
    waiting = factories.variant(stock=0)
    _confirmed(waiting, "bob@example.com")
    OutboxEmail.objects.all().delete()
    sold_out = factories.variant(stock=0)
    assert email_queue.disconnect(storefront_email_to_outbox, sender=StockAlert)
    assert email_queue.disconnect(storefront_email_to_outbox, sender=Variant)
    try:
        with pytest.raises(ImproperlyConfigured, match="exactly one"):
            stock_alert_subscribe(variant_id=sold_out.pk, email="ada@example.com")
        assert not StockAlert.objects.filter(email="ada@example.com").exists()  # the sign-up rolled back with it
        Variant.objects.filter(pk=waiting.pk).update(stock=4)
        with pytest.raises(ImproperlyConfigured):
            stock_alerts_send(variant_id=waiting.pk)
        assert StockAlert.objects.get(email="bob@example.com").notified_at is None  # still owed its email
        Variant.objects.filter(pk=waiting.pk).update(stock=1, low_stock_threshold=3)
        with pytest.raises(ImproperlyConfigured):
            low_stock_digest_send()
    finally:
        email_queue.connect(storefront_email_to_outbox, sender=StockAlert)
        email_queue.connect(storefront_email_to_outbox, sender=Variant)
    assert OutboxEmail.objects.count() == 0 and mailoutbox == []
    assert stock_alerts_send(variant_id=waiting.pk) == 1  # connected again: Bob's email is queued
