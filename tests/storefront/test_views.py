import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_home_shows_featured_and_newest(client):
    featured = factories.product(featured=True, name="Stoneware Mug")
    plain = factories.product(name="Linen Napkins")
    html = client.get(reverse("storefront:home")).content.decode()
    assert "Featured" in html and "New arrivals" in html
    assert featured.name in html and plain.name in html


def test_inactive_products_and_products_without_variants_are_hidden(client):
    hidden = factories.product(name="Secret Prototype", active=False)
    empty = factories.product(name="No Variants Yet", variants=0)
    html = client.get(reverse("storefront:home")).content.decode()
    assert hidden.name not in html and empty.name not in html
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(empty.get_absolute_url()).status_code == 404


def test_category_lists_subcategory_products_sorted_by_price(client):
    parent = factories.category(name="Apparel", slug="apparel")
    child = factories.category(name="T-shirts", slug="t-shirts", parent=parent)
    factories.product(category_obj=parent, name="Pricey Coat", price="90.00")
    factories.product(category_obj=child, name="Cheap Tee", price="9.00")
    html = client.get(reverse("storefront:category", args=["apparel"]) + "?sort=price").content.decode()
    assert html.index("Cheap Tee") < html.index("Pricey Coat")
    html = client.get(reverse("storefront:category", args=["apparel"]) + "?sort=-price").content.decode()
    assert html.index("Pricey Coat") < html.index("Cheap Tee")
    assert "T-shirts" in html


def test_category_loads_more_and_htmx_gets_only_the_results(client):
    cat = factories.category(slug="mugs")
    for i in range(30):
        factories.product(category_obj=cat, name=f"Mug {i:02d}")
    url = reverse("storefront:category", args=["mugs"])
    page1 = client.get(url).content.decode()
    assert "Showing 24 of 30 products" in page1
    assert 'href="/c/mugs/?page=2"' in page1 and "Load more" in page1
    # Without JavaScript, ?page=2 shows pages 1 and 2: the back button lands on the same list.
    both = client.get(url + "?page=2").content.decode()
    assert "Showing 30 of 30 products" in both and both.count("<article") == 30
    assert "Load more" not in both
    # htmx "Load more" gets only the next cards, plus the button and the count out of band.
    more = client.get(url + "?page=2&more=1", **HTMX)
    html = more.content.decode()
    assert "<html" not in html and html.count("<article") == 6
    assert 'id="load-more"' in html and 'hx-swap-oob="true"' in html
    assert "HX-Request" in more["Vary"]
    # A filter change gets the results region and the URL to push, without defaults.
    region = client.get(url + "?sort=newest&min_price=&in_stock=1", **HTMX)
    assert region.content.decode().lstrip().startswith('<div id="results"')
    assert region["HX-Push-Url"] == "/c/mugs/?in_stock=1"
    # Nonsense page and sort values fall back instead of failing.
    assert client.get(url + "?page=abc&sort=evil&min_price=x&rating=9").status_code == 200


def test_category_page_queries_do_not_grow_with_products(client, django_assert_max_num_queries):
    cat = factories.category(slug="bulk")
    factories.product(category_obj=cat)
    url = reverse("storefront:category", args=["bulk"])
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    small = len(few)
    for _ in range(23):
        factories.product(category_obj=cat, variants=3)
    client.get(url)
    with django_assert_max_num_queries(10) as many:
        client.get(url)
    assert len(many) == small


def test_home_page_queries_are_fixed(client, django_assert_max_num_queries):
    for _ in range(3):
        factories.product(featured=True)
    client.get("/")
    with django_assert_max_num_queries(10) as few:
        client.get("/")
    for _ in range(12):
        factories.product(featured=True, variants=2)
    client.get("/")
    with django_assert_max_num_queries(10) as many:
        client.get("/")
    assert len(many) == len(few)


def test_product_page_and_variant_partial(client):
    item = factories.product(name="Field Tee", variants=3, price="20.00")
    variants = list(item.variants.all())
    Variant.objects.filter(pk=variants[1].pk).update(price=Decimal("24.00"), stock=2)
    Variant.objects.filter(pk=variants[2].pk).update(stock=0)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Field Tee" in html and "Add to cart" in html and "$20.00" in html
    partial = client.get(item.get_absolute_url() + f"?variant={variants[1].pk}", **HTMX)
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="variant-panel"')
    assert partial["HX-Push-Url"] == item.get_absolute_url() + f"?variant={variants[1].pk}"
    assert "$24.00" in text and "Only 2 left" in text
    sold_out = client.get(item.get_absolute_url() + f"?variant={variants[2].pk}").content.decode()
    assert "Sold out" in sold_out
    assert re.search(r'<button type="submit"[^>]*disabled', sold_out)
    # A variant id from another product is ignored.
    other = factories.variant()
    assert client.get(item.get_absolute_url() + f"?variant={other.pk}").status_code == 200


def test_search_by_name(client):
    factories.product(name="Enamel Camping Mug")
    factories.product(name="Wool Blanket")
    html = client.get(reverse("storefront:search") + "?q=camping+mug").content.decode()
    assert "Enamel Camping Mug" in html and "Wool Blanket" not in html
    empty = client.get(reverse("storefront:search") + "?q=zzzz").content.decode()
    assert "No products match" in empty


def test_header_has_categories_search_and_cart_badge(client):
    factories.category(name="Kitchen", slug="kitchen")
    html = client.get("/").content.decode()
    assert 'href="/c/kitchen/"' in html
    assert 'role="search"' in html
    assert 'id="cart-badge"' in html
    assert "htmx" in html and "cdn" not in html.lower()


def _card_forms(html: str, name: str) -> list[tuple[str, dict[str, str]]]:
    """(action, fields) of each form on the card of the product called `name`, as a browser without
    JavaScript would submit them."""
    card = next(c for c in re.findall(r"<article\b.*?</article>", html, re.S) if f">{name}</a>" in c)
    forms = []
    for attrs, inner in re.findall(r"<form\b([^>]*)>(.*?)</form>", card, re.S):
        action = re.search(r'action="([^"]+)"', attrs)[1]
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', inner))
        forms.append((action, fields))
    return forms


def test_card_forms_post_without_javascript(shelf_with_one_of_each):
    """Add to cart and the wishlist heart, straight from the category page, as plain forms."""
    cat, boxed = shelf_with_one_of_each
    shopper = Client(enforce_csrf_checks=True)
    shopper.force_login(factories.user())
    url = cat.get_absolute_url() + "?sort=price"
    (wish_action, wish), (add_action, add) = _card_forms(shopper.get(url).content.decode(), boxed.name)
    added = shopper.post(add_action, add)
    assert added.status_code == 302 and added["Location"] == url
    assert boxed.name in shopper.get(reverse("checkout:cart")).content.decode()
    saved = shopper.post(wish_action, wish)
    assert saved.status_code == 302 and saved["Location"] == url
    assert boxed.name in shopper.get(reverse("storefront:wishlist")).content.decode()
    # A product with options links to its page instead; a sold-out one says so.
    html = shopper.get(url).content.decode()
    assert "Choose options<span class=\"sr-only\">: Tee With Sizes" in html
    assert "Sold out" in html


@pytest.fixture
def shelf_with_one_of_each():
    cat = factories.category(slug="shelf")
    boxed = factories.product(category_obj=cat, name="Boxed Candle", price="9.00")
    factories.product(category_obj=cat, name="Tee With Sizes", variants=2, price="20.00")
    factories.product(category_obj=cat, name="Gone Lantern", stock=0, price="30.00")
    return cat, boxed
