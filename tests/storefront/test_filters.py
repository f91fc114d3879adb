"""Part 5: filters and sorting live in the query string, with counts."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from storefront.filters import CatalogFilterForm, CatalogFilters
from storefront.listing_data import product_listing_refresh
from storefront.models import Product, Variant
from tests import factories
from tests.support.html import label_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    apparel = factories.category(name="Apparel", slug="apparel")
    tees = factories.category(name="T-shirts", slug="t-shirts", parent=apparel)
    hats = factories.category(name="Hats", slug="hats", parent=apparel)
    items = {
        "tee": factories.product(category_obj=tees, name="Boxy Tee", price="20.00"),
        "tee2": factories.product(category_obj=tees, name="Pocket Tee", price="35.00", stock=0),
        "hat": factories.product(category_obj=hats, name="Wool Beanie", price="15.00"),
        "coat": factories.product(category_obj=apparel, name="Rain Coat", price="90.00"),
    }
    Product.objects.filter(pk=items["tee"].pk).update(rating_avg=Decimal("4.50"), rating_count=4)
    Product.objects.filter(pk=items["hat"].pk).update(rating_avg=Decimal("3.20"), rating_count=2)
    return items


def get(client, query=""):
    return client.get(reverse("storefront:category", args=["apparel"]) + query).content.decode()


def test_category_lists_subcategory_products_with_counts(client, shelf):
    html = get(client)
    assert all(p.name in html for p in shelf.values())
    filters = label_names(html)
    assert "T-shirts (2)" in filters
    assert "Hats (1)" in filters
    assert "In stock only (3)" in filters
    assert "4 stars & up (1)" in filters
    assert "3 stars & up (2)" in filters


def test_each_filter_narrows_and_other_counts_follow(client, shelf):
    html = get(client, "?category=t-shirts")
    assert "Boxy Tee" in html and "Pocket Tee" in html and "Wool Beanie" not in html
    assert "In stock only (1)" in label_names(html)
    html = get(client, "?in_stock=1")
    assert "Pocket Tee" not in html and "Rain Coat" in html
    html = get(client, "?min_price=18&max_price=40")
    assert "Boxy Tee" in html and "Pocket Tee" in html and "Rain Coat" not in html and "Wool Beanie" not in html
    html = get(client, "?rating=4")
    assert "Boxy Tee" in html and "Wool Beanie" not in html
    # Counts are shown for the other filters' current choices.
    assert "T-shirts (1)" in label_names(html)


def test_sorting(client, shelf):
    html = get(client, "?sort=price")
    assert html.index("Wool Beanie") < html.index("Boxy Tee") < html.index("Pocket Tee") < html.index("Rain Coat")
    html = get(client, "?sort=-price")
    assert html.index("Rain Coat") < html.index("Wool Beanie")
    html = get(client, "?sort=rating")
    assert html.index("Boxy Tee") < html.index("Wool Beanie") < html.index("Rain Coat")


def test_price_sort_uses_the_cheapest_active_variant(client):
    cat = factories.category(slug="mixed")
    a = factories.product(category_obj=cat, name="Cheap Option", variants=2, price="50.00")
    Variant.objects.filter(pk=a.variants.first().pk).update(price=Decimal("5.00"))
    product_listing_refresh(product_ids=[a.pk])  # as the admin does after a price change
    factories.product(category_obj=cat, name="Middle", price="10.00")
    html = client.get("/c/mixed/?sort=price").content.decode()
    assert html.index("Cheap Option") < html.index("Middle")


def test_canonical_url_drops_filters_and_sort(client, shelf):
    html = get(client, "?sort=price&in_stock=1&rating=4")
    assert '<link rel="canonical" href="http://testserver/c/apparel/">' in html


def test_search_page_filters_by_category(client, shelf):
    html = client.get(reverse("storefront:search") + "?q=tee&category=t-shirts").content.decode()
    assert "Boxy Tee" in html and "Wool Beanie" not in html


def test_bad_filter_values_are_ignored_never_an_error():
    form = CatalogFilterForm(QueryDict("sort=bogus&rating=7&min_price=abc&max_price=-3&page=x&in_stock=0&q=mug"))
    assert form.filters == CatalogFilters()  # a category page does not search either


def test_prices_in_the_wrong_order_are_swapped_and_relevance_is_for_search_only():
    filters = CatalogFilterForm(QueryDict("min_price=%2440&max_price=18.5&sort=relevance")).filters
    assert (filters.price_min, filters.price_max, filters.sort) == (Decimal("18.50"), Decimal("40.00"), "newest")
    filters = CatalogFilterForm(QueryDict("q=+blue+++mug+&sort=relevance&page=3"), search=True).filters
    assert (filters.query, filters.sort) == ("blue mug", "relevance")
    assert filters.params(page="") == {"q": "blue mug"}
