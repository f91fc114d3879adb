"""Part 8: back-in-stock emails, sent once when staff restock."""

import pytest
from django.urls import reverse

from storefront.alerts import stock_alert_subscribe, stock_alerts_send
from storefront.errors import StorefrontError
from storefront.models import StockAlert, Variant
from tests import factories

pytestmark = pytest.mark.django_db


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
    assert "We will email ada@example.com once" in response.content.decode()
    response = client.post(url, {"variant": variant.pk, "email": "bob@example.com"})
    assert response.status_code == 302
    assert StockAlert.objects.count() == 2


def test_staff_restock_in_admin_emails_each_subscriber_once(admin_client, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    variant = factories.variant(stock=0, name="Wool Throw")
    for email in ("ada@example.com", "bob@example.com"):
        stock_alert_subscribe(variant_id=variant.pk, email=email)
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
    stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
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
    stock_alert_subscribe(variant_id=variant.pk, email="ada@example.com")
    assert stock_alerts_send(variant_id=variant.pk) == 0 and mailoutbox == []
