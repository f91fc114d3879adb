"""Issue 5 part 3: staff stock changes are recorded (who, when, how much, why) and never undo a sale."""

import pytest
from django.urls import reverse

from checkout.models import OutboxEmail
from checkout.services.orders import order_place
from storefront import alerts
from storefront.errors import StorefrontError
from storefront.models import StockMovement, Variant
from storefront.stock import stock_adjust
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_adjustment_is_recorded_with_who_how_much_and_why():
    staff = factories.user(email="keeper@example.com", is_staff=True)
    variant = factories.variant(stock=4)
    stock_adjust(variant_id=variant.pk, change=10, reason="restock", note="Delivery #88", actor=staff)
    stock_adjust(variant_id=variant.pk, change=-1, reason="damaged", actor=staff)
    variant.refresh_from_db()
    assert variant.stock == 13
    moves = list(StockMovement.objects.order_by("id").values_list("change", "stock_after", "reason", "note", "actor"))
    assert moves == [(10, 14, "restock", "Delivery #88", staff.pk), (-1, 13, "damaged", "", staff.pk)]
    with pytest.raises(StorefrontError, match="cannot go down by 20"):
        stock_adjust(variant_id=variant.pk, change=-20, reason="count")
    assert StockMovement.objects.count() == 2


def test_a_sale_while_staff_edit_the_form_is_not_undone(admin_client):
    variant = factories.variant(stock=5, name="Contested Mug")
    url = reverse("admin:storefront_variant_change", args=[variant.pk])
    assert "Add / remove" in admin_client.get(url).content.decode()  # staff open the form: 5 in stock
    # Meanwhile a shopper buys 2.
    order_place(cart=factories.cart_with((variant, 2)), details=factories.details(),
                                  checkout_token="s" * 32)
    # Staff save the form (a new price and 10 more units).
    response = admin_client.post(url, {
        "product": variant.product_id, "sku": variant.sku, "label": "", "price": "14.00", "weight_grams": "0",
        "adjust_by": "10",
        "adjust_reason": "restock", "adjust_note": "", "low_stock_threshold": "3", "active": "on", "position": "0",
        "stock_movements-TOTAL_FORMS": "0", "stock_movements-INITIAL_FORMS": "0",
        "stock_movements-MIN_NUM_FORMS": "0", "stock_movements-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.stock == 13  # 5 - 2 sold + 10, not 5 + 10
    assert str(variant.price) == "14.00"
    assert StockMovement.objects.get().actor.is_staff


def test_low_stock_on_the_dashboard_and_in_the_daily_digest(admin_client, mailoutbox, settings,
                                                            django_capture_on_commit_callbacks):
    settings.SHOP_STAFF_EMAILS = ["warehouse@example.com"]
    low = factories.variant(stock=2, name="Nearly Gone")
    factories.variant(stock=50, name="Plenty")
    Variant.objects.filter(pk=low.pk).update(low_stock_threshold=5)
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Low stock" in html and "Nearly Gone" in html and "Plenty" not in html
    listing = admin_client.get(reverse("admin:storefront_variant_changelist") + "?stock_level=low").content.decode()
    assert low.sku in listing
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.low_stock_digest_send() == 1
    digest = mailoutbox[-1]
    assert digest.to == ["warehouse@example.com"] and "Nearly Gone" in digest.body and "1 item" in digest.subject


def test_no_digest_when_nothing_is_low(mailoutbox):
    factories.variant(stock=50)
    assert alerts.low_stock_digest_send() == 0
    assert mailoutbox == [] and not OutboxEmail.objects.exists()


def test_the_digest_is_one_outbox_row_per_staff_address(mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.SHOP_STAFF_EMAILS = ["warehouse@example.com", "owner@example.com", "warehouse@example.com"]
    low = factories.variant(stock=1, name="Nearly Gone")
    Variant.objects.filter(pk=low.pk).update(low_stock_threshold=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.low_stock_digest_send() == 1
    rows = OutboxEmail.objects.order_by("to")
    assert [(row.kind, row.to, row.status) for row in rows] == [
        ("low_stock", "owner@example.com", "sent"), ("low_stock", "warehouse@example.com", "sent")]
    assert sorted(message.to for message in mailoutbox) == [["owner@example.com"], ["warehouse@example.com"]]
    assert all("Nearly Gone" in message.body and "Nearly Gone" in message.alternatives[0][0] for message in mailoutbox)
    # Without staff addresses in the settings, every active staff member with an address gets one.
    settings.SHOP_STAFF_EMAILS = []
    factories.user(email="keeper@example.com", is_staff=True)
    factories.user(email="shopper@example.com")
    OutboxEmail.objects.all().delete()
    alerts.low_stock_digest_send()
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["keeper@example.com"]
