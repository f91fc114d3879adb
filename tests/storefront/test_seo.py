"""Part 9: titles, descriptions, canonical URLs, Open Graph, JSON-LD, sitemap.xml and robots.txt."""

import json
import re

import pytest
from django.urls import reverse

from storefront.models import Page, Variant
from tests import factories

pytestmark = pytest.mark.django_db


def head(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    return match.group(1) if match else ""


def test_every_page_has_its_own_title_and_description(client):
    cat = factories.category(name="Kitchen", slug="kitchen", description="Pots and pans.")
    item = factories.product(category_obj=cat, name="Stoneware Mug", description="Thrown by hand in Devon.")
    pages = ["/", cat.get_absolute_url(), item.get_absolute_url(), reverse("storefront:search") + "?q=mug"]
    titles, descriptions = set(), set()
    for url in pages:
        html = client.get(url).content.decode()
        titles.add(head(html, r"<title>(.*?)</title>"))
        descriptions.add(head(html, r'<meta name="description" content="(.*?)">'))
    assert len(titles) == 4 and len(descriptions) == 4 and "" not in titles | descriptions


def test_product_page_has_canonical_open_graph_and_json_ld(client):
    item = factories.option_product(name="Field Tee", price="20.00", sizes=("S", "M"), colours=("Red",))
    Variant.objects.filter(product=item, label="M / Red").update(stock=0, price="24.00")
    factories.review(product_obj=item, rating=4)
    html = client.get(item.get_absolute_url() + "?variant=" + str(item.variants.last().pk)).content.decode()
    assert f'<link rel="canonical" href="http://testserver{item.get_absolute_url()}">' in html
    assert '<meta property="og:type" content="product">' in html
    assert '<meta property="og:title" content="Field Tee">' in html
    data = json.loads(head(html, r'<script type="application/ld\+json">(.*?)</script>'))
    product, crumbs = data
    assert product["@type"] == "Product" and product["name"] == "Field Tee"
    offers = product["offers"]
    assert offers["@type"] == "AggregateOffer" and offers["lowPrice"] == "20.00" and offers["highPrice"] == "24.00"
    assert offers["priceCurrency"] == "USD" and offers["availability"] == "https://schema.org/InStock"
    assert {o["availability"] for o in offers["offers"]} == {"https://schema.org/InStock",
                                                               "https://schema.org/OutOfStock"}
    assert product["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": "4.00", "reviewCount": 1,
                                          "bestRating": "5", "worstRating": "1"}
    assert crumbs["@type"] == "BreadcrumbList"


def test_json_ld_cannot_break_out_of_its_script(client):
    item = factories.product(name="Evil </script><script>alert(1)</script>")
    html = client.get(item.get_absolute_url()).content.decode()
    block = head(html, r'<script type="application/ld\+json">(.*?)</script>')
    assert "<" not in block and json.loads(block)[0]["name"].startswith("Evil </script>")


def test_sitemap_lists_home_categories_and_visible_products(client):
    cat = factories.category(slug="kitchen")
    item = factories.product(category_obj=cat, slug="mug")
    hidden = factories.product(category_obj=cat, slug="secret", active=False)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-products.xml" in index
    products = client.get("/sitemap-products.xml").content.decode()
    assert "/p/mug/" in products and hidden.slug not in products
    assert "/c/kitchen/" in client.get("/sitemap-categories.xml").content.decode()
    assert item.pk


def test_sitemap_lists_the_policy_pages(client):
    Page.objects.create(slug="returns", title="Free 30-day returns", body="Send it back.")
    assert "sitemap-pages.xml" in client.get("/sitemap.xml").content.decode()
    assert "/pages/returns/" in client.get("/sitemap-pages.xml").content.decode()


def test_robots_txt(client):
    text = client.get("/robots.txt").content.decode()
    assert "User-agent: *" in text and "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
