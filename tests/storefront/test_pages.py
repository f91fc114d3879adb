"""Policy pages: staff write them in the admin; every page's footer and the checkout link to them; the demo
seeds returns, shipping, privacy, terms and contact that agree with the shop's promises and shipping rates."""

import re

import pytest
from django.urls import reverse

from demo.pages import pages_load
from demo.pricing import pricing_load
from storefront.models import Page
from tests import factories
from tests.support.html import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.SHOP_CURRENCY = "usd"
    pricing_load()
    assert pages_load() == 5
    return {page.slug: page for page in Page.objects.all()}


def _footer(html: str) -> str:
    return re.search(r"<footer.*?</footer>", html, re.S).group(0)


def test_the_demo_seeds_five_pages_that_keep_the_shops_promises(seeded):
    assert list(seeded) == ["returns", "shipping", "privacy", "terms", "contact"]
    assert "within 30 days" in seeded["returns"].body and "Returns are free" in seeded["returns"].body
    shipping = seeded["shipping"].body  # what checkout charges: the seeded zones and methods
    assert "## United States" in shipping and "## International" in shipping
    assert "Standard: $5.00, free on orders over $75.00; arrives in 3 to 5 working days." in shipping
    assert "Express: $15.00; arrives in 1 to 2 working days." in shipping
    assert "International: $25.00, free on orders over $200.00; arrives in 6 to 12 working days." in shipping
    assert "Northwind Goods" in seeded["terms"].body and "USD" in seeded["terms"].body


def test_seeding_again_keeps_what_staff_wrote(seeded):
    Page.objects.filter(slug="returns").update(body="Our own words.")
    assert pages_load() == 0
    assert Page.objects.get(slug="returns").body == "Our own words."


def test_a_page_reads_as_headings_and_paragraphs_with_links(client, seeded):
    html = client.get("/pages/returns/").content.decode()
    assert "<title>Free 30-day returns · Northwind Goods</title>" in html
    assert '<h2 class="card-title mt-8 mb-2">How to return something</h2>' in html
    assert "1. Write to us with your order number" in page_text(html)
    contact = client.get(reverse("storefront:page", args=["contact"])).content.decode()
    assert '<a href="mailto:hello@northwind.example">hello@northwind.example</a>' in contact
    assert client.get("/pages/no-such-page/").status_code == 404


def test_staff_text_is_shown_as_text_never_as_html(client):
    Page.objects.create(slug="terms", title="Terms", body="<script>alert(1)</script> & <b>bold</b>")
    html = client.get("/pages/terms/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_every_page_footer_links_to_the_policy_pages(client, seeded):
    for path in ["/", "/cart/", "/accounts/login/", "/pages/privacy/"]:
        footer = _footer(client.get(path).content.decode())
        for page in seeded.values():
            assert f'<a href="/pages/{page.slug}/" class="hover:underline">{page.title}</a>' in footer, path


def test_the_checkout_links_to_the_policies_before_payment(client, seeded):
    variant = factories.variant(stock=5, price="15.00")
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": "1"})
    html = client.get(reverse("checkout:checkout")).content.decode()
    nav = re.search(r'<nav aria-label="Our policies".*?</nav>', html, re.S).group(0)
    for slug in ["returns", "shipping", "terms", "privacy"]:
        assert f'href="/pages/{slug}/"' in nav
    assert "Free 30-day returns" in page_text(nav)


def test_a_staff_edit_in_the_admin_shows_at_once(admin_client, client, seeded, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    client.get("/")  # the home page and the footer's links are now cached
    client.get("/pages/returns/")
    page = seeded["returns"]
    response = admin_client.post(reverse("admin:storefront_page_change", args=[page.pk]), {
        "title": "Returns within 60 days", "slug": "returns", "position": "0",
        "body": "Send it back within 60 days.\n\n## Free\nReturns cost you nothing.",
    })
    assert response.status_code == 302
    html = client.get("/pages/returns/").content.decode()
    assert "Send it back within 60 days." in html and "Returns within 60 days" in html
    assert "Returns within 60 days" in _footer(client.get("/").content.decode())


def test_staff_find_the_pages_in_the_admin(admin_client, seeded):
    html = admin_client.get(reverse("admin:storefront_page_changelist")).content.decode()
    assert "Free 30-day returns" in html and "Contact us" in html
