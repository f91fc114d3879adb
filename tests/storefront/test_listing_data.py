"""The listing columns (storefront/listing_data.py): Product.price_from and in_stock follow every
change of price, stock and active flags, so list pages filter and sort right without reading the
variants; the rating follows reviews."""

import importlib
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.urls import reverse

from checkout.services.orders import order_cancel, order_place
from storefront.models import Product, Variant
from storefront.stock import stock_adjust, stock_take
from tests import factories
from tests.support.html import label_names
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_pages(settings):
    """The pages as rendered: what they show when the page cache has moved on (tests/shop/test_pagecache.py)."""
    settings.SHOP_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def lamps():
    cat = factories.category(name="Lamps", slug="lamps")
    return {
        "brass": factories.product(category_obj=cat, name="Brass Lamp", price="40.00", stock=1),
        "paper": factories.product(category_obj=cat, name="Paper Lamp", price="25.00", stock=8),
        "glass": factories.product(category_obj=cat, name="Glass Lamp", price="60.00", stock=3),
    }


def _page(client, query=""):
    return client.get(reverse("storefront:category", args=["lamps"]) + query).content.decode()


def test_a_sale_of_the_last_unit_drops_the_product_from_the_in_stock_filter_and_a_cancel_brings_it_back(
    client, lamps
):
    assert "In stock only (3)" in label_names(_page(client))
    brass = lamps["brass"].variants.get()
    order = order_place(cart=factories.cart_with((brass, 1)), details=factories.details(), checkout_token="l" * 32)
    html = _page(client, "?in_stock=1")
    assert "Brass Lamp" not in html and "Paper Lamp" in html
    assert "In stock only (2)" in label_names(html)
    assert "Sold out" in _page(client)  # still listed without the filter, as sold out
    order_cancel(order=order)  # the hold is released: the unit is back
    assert "Brass Lamp" in _page(client, "?in_stock=1")


def test_a_restock_and_a_write_off_by_staff_move_the_product_in_and_out_of_the_in_stock_filter(client, lamps):
    glass = lamps["glass"].variants.get()
    stock_adjust(variant_id=glass.pk, change=-3, reason="damaged")
    assert "Glass Lamp" not in _page(client, "?in_stock=1")
    stock_adjust(variant_id=glass.pk, change=5, reason="restock")
    assert "Glass Lamp" in _page(client, "?in_stock=1")


def test_a_price_change_in_the_admin_reaches_the_price_sort_and_filter(client, admin_client, lamps):
    assert _page(client, "?sort=price").index("Paper Lamp") < _page(client, "?sort=price").index("Brass Lamp")
    brass = lamps["brass"].variants.get()
    response = admin_client.post(reverse("admin:storefront_variant_change", args=[brass.pk]), {
        "product": brass.product_id, "sku": brass.sku, "label": "", "price": "19.00", "weight_grams": "0",
        "adjust_by": "", "adjust_reason": "restock", "adjust_note": "", "low_stock_threshold": "3",
        "active": "on", "position": "0",
        "stock_movements-TOTAL_FORMS": "0", "stock_movements-INITIAL_FORMS": "0",
        "stock_movements-MIN_NUM_FORMS": "0", "stock_movements-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    html = _page(client, "?sort=price")
    assert html.index("Brass Lamp") < html.index("Paper Lamp") < html.index("Glass Lamp")
    html = _page(client, "?max_price=20")
    assert "Brass Lamp" in html and "Paper Lamp" not in html
    assert Product.objects.get(pk=brass.product_id).price_from == Decimal("19.00")


def test_the_cheapest_active_variant_sets_the_price_and_an_inactive_one_is_ignored(admin_client):
    """The product admin's variant rows: a cheaper variant that is switched off does not count."""
    item = factories.product(name="Lamp Shade", variants=2, price="30.00")
    cheap, other = item.variants.order_by("pk")
    form = {
        "name": item.name, "slug": item.slug, "description": "", "category": item.category_id,
        "tax_class": "standard", "active": "on",
        "variants-TOTAL_FORMS": "2", "variants-INITIAL_FORMS": "2", "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "1000", "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000",
    }
    for n, (variant, price, active) in enumerate([(cheap, "12.00", False), (other, "30.00", True)]):
        form |= {f"variants-{n}-id": variant.pk, f"variants-{n}-product": item.pk, f"variants-{n}-sku": variant.sku,
                 f"variants-{n}-label": variant.label, f"variants-{n}-price": price,
                 f"variants-{n}-weight_grams": "0", f"variants-{n}-low_stock_threshold": "3",
                 f"variants-{n}-position": str(n), f"variants-{n}-adjust_reason": "restock"}
        if active:
            form[f"variants-{n}-active"] = "on"
    response = admin_client.post(reverse("admin:storefront_product_change", args=[item.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.price_from == Decimal("30.00")
    # Staff delete the one active variant: nothing is left to buy, so the product is not listed.
    admin_client.post(reverse("admin:storefront_variant_delete", args=[other.pk]), {"post": "yes"})
    item.refresh_from_db()
    assert item.price_from is None
    assert not Product.objects.filter(pk=item.pk, in_stock=True).exists()


def test_a_review_reaches_the_rating_sort_and_filter(client, lamps):
    factories.review(product_obj=lamps["glass"], rating=5)
    factories.review(product_obj=lamps["paper"], rating=3)
    html = _page(client, "?sort=rating")
    assert html.index("Glass Lamp") < html.index("Paper Lamp") < html.index("Brass Lamp")
    html = _page(client, "?rating=4")
    assert "Glass Lamp" in html and "Paper Lamp" not in html
    assert "4 stars & up (1)" in label_names(_page(client))


def test_the_migration_fills_the_columns_of_existing_products(lamps):
    Product.objects.update(price_from=None, in_stock=False)
    Variant.objects.filter(product=lamps["brass"]).update(stock=0)
    migration = importlib.import_module("storefront.migrations.0007_listing_columns")
    migration.fill_listing_columns(apps, schema_editor=None)
    rows = dict(Product.objects.values_list("name", "price_from"))
    assert rows == {"Brass Lamp": Decimal("40.00"), "Paper Lamp": Decimal("25.00"), "Glass Lamp": Decimal("60.00")}
    assert set(Product.objects.filter(in_stock=True).values_list("name", flat=True)) == {"Paper Lamp", "Glass Lamp"}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://…)")
@pytest.mark.django_db(transaction=True)
def test_two_variants_selling_out_at_once_leave_the_product_sold_out():
    """Each sale alone sees the other variant still in stock; the second waits for the first's
    lock on the product and then reads what it committed."""
    item = factories.product(name="Twin Lamp", variants=2, stock=1)
    first, second = item.variants.order_by("pk")
    first_took, first_may_commit = threading.Event(), threading.Event()
    errors = []

    def sell(variant, before_commit=None, after=None):
        try:
            if after is not None:
                after.wait(30)
            with transaction.atomic():
                stock_take(lines=[(variant.pk, 1, variant.sku)])
                if before_commit is not None:
                    first_took.set()
                    before_commit.wait(30)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sell, args=(first, first_may_commit)),
               threading.Thread(target=sell, args=(second, None, first_took))]
    [t.start() for t in threads]

    def waiting_for_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND datname = current_database()")
            return cursor.fetchone()[0] > 0

    try:
        assert wait_until(waiting_for_a_lock, timeout=10), "the second sale did not wait for the first"
    finally:
        first_may_commit.set()
        [t.join(30) for t in threads]
    assert errors == []
    assert Variant.objects.filter(product=item, stock=0).count() == 2
    item.refresh_from_db()
    assert item.in_stock is False
