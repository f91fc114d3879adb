"""The product page's main part is rendered once per content and kept in the cache ({% cached_part %}); a change
shows on the next page at once, and each visitor gets their own token, heart, call to review and email address."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from PIL import Image

from storefront.images import image_renditions_make
from storefront.models import ProductImage, Variant, WishlistItem
from storefront.stock import stock_take
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_page_rendered(settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 0  # no whole-page cache: each page below is rendered, its part cached


def unmasked(html: str) -> str:  # Django masks the CSRF token afresh in every response
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+', r"\1", html)


def panel(html: str) -> str:
    found = re.search(r'<div id="variant-panel".*?<p class="mt-2 text-xs text-stone-600">SKU', html, re.S)
    assert found, "no variant panel"
    return found.group(0)


def test_a_part_is_rendered_once_per_key_and_its_holes_on_every_render():
    part = Template("{% load catalog %}{% cached_part key %}<p>{{ text }}</p>{% hole %}[{{ mine }}]{% endhole %}"
                    "{% endcached_part %}")
    assert part.render(Context({"key": "one", "text": "first", "mine": "a"})) == "<p>first</p>[a]"
    # The same key: the stored text, with this render's hole.
    assert part.render(Context({"key": "one", "text": "second", "mine": "b"})) == "<p>first</p>[b]"
    # A new key (new content): rendered afresh.
    assert part.render(Context({"key": "two", "text": "second", "mine": "c"})) == "<p>second</p>[c]"
    # No key: rendered as any other part of the page, and not stored.
    assert part.render(Context({"key": "", "text": "third", "mine": "d"})) == "<p>third</p>[d]"


def test_the_cached_part_is_the_page_as_rendered(client):
    item = factories.option_product(name="Field Tee", sizes=("S", "M"), colours=("Red", "Blue"))
    factories.review(product_obj=item, rating=4, title="Soft", body="Wears well.")
    factories.product_image(product_obj=item)
    first = client.get(item.get_absolute_url()).content.decode()
    again = client.get(item.get_absolute_url()).content.decode()
    assert unmasked(again) == unmasked(first)
    assert "Field Tee" in again and "Soft" in again and "Wears well." in again


def test_a_price_change_shows_on_the_next_page(client):
    item = factories.product(name="Oak mug", price="12.50")
    assert "$12.50" in panel(client.get(item.get_absolute_url()).content.decode())
    variant = item.variants.get()
    variant.price = Decimal("9.00")
    variant.save()  # as the admin does
    assert "$9.00" in panel(client.get(item.get_absolute_url()).content.decode())
    # The part's key is its content: a change that no signal announces shows too.
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("8.00"))
    html = panel(client.get(item.get_absolute_url()).content.decode())
    assert "$8.00" in html and "$9.00" not in html


def test_a_sale_and_a_sell_out_show_on_the_next_page(client, django_capture_on_commit_callbacks):
    item = factories.product(name="Ash bowl", stock=3)
    assert "Only 3 left" in panel(client.get(item.get_absolute_url()).content.decode())
    variant = item.variants.get()
    with django_capture_on_commit_callbacks(execute=True):  # a checkout's transaction commits
        stock_take(lines=[(variant.pk, 1, item.name)])  # stock only: the catalog version stays
    assert "Only 2 left" in panel(client.get(item.get_absolute_url()).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        stock_take(lines=[(variant.pk, 2, item.name)])
    html = panel(client.get(item.get_absolute_url()).content.decode())
    assert "Sold out" in html and "Add to cart" not in html and "Email me when it is back" in html


def test_a_new_review_shows_on_the_next_page(client):
    item = factories.product(name="Oak mug")
    assert "No reviews yet." in client.get(item.get_absolute_url()).content.decode()
    factories.review(product_obj=item, rating=5, title="Lovely glaze")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Lovely glaze" in html and "No reviews yet." not in html


def test_new_renditions_show_on_the_next_page(client):
    item = factories.product(name="Oak mug")
    buf = io.BytesIO()
    Image.new("RGB", (800, 800), "teal").save(buf, "JPEG")
    picture = ProductImage.objects.create(product=item, alt="", image=SimpleUploadedFile("mug.jpg", buf.getvalue()))

    def photo() -> str:  # the picture in the page's part (the head's preload is rendered every time)
        html = client.get(item.get_absolute_url()).content.decode()
        return re.search(rf'<img data-image-id="{picture.pk}"[^>]*>', html).group(0)

    assert " 240w" not in photo()
    image_renditions_make(image=picture)  # the worker, after the upload (no signal, no catalog version)
    assert " 240w" in photo()


def test_each_visitor_gets_their_own_token_heart_review_call_and_email():
    item = factories.product(name="Oak mug", stock=0)
    other = factories.product(name="Ash bowl")
    buyer, browser = factories.user(email="buyer@example.com"), factories.user(email="browser@example.com")
    factories.paid_order(user=buyer, variant=item.variants.get())
    WishlistItem.objects.create(user=buyer, product=item)
    pages = {}
    for who in (buyer, browser, None):
        visitor = Client(enforce_csrf_checks=True)
        if who is not None:
            visitor.force_login(who)
        html = visitor.get(item.get_absolute_url()).content.decode()
        pages[who] = html
        # The token in the cached part is this visitor's own: their add-to-cart post is accepted.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = visitor.post("/cart/add/", {"variant": other.variants.get().pk, "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert 'value="buyer@example.com"' in pages[buyer] and "browser@example.com" not in pages[buyer]
    assert 'value="browser@example.com"' in pages[browser] and "buyer@example.com" not in pages[browser]
    assert 'id="alert-email" name="email" type="email" required autocomplete="email" value=""' in pages[None]
    assert "Write a review" in pages[buyer] and "Write a review" not in pages[browser]
    assert "Sign in to write a review" in pages[None]
    assert 'aria-pressed="true"' in pages[buyer] and 'aria-pressed="true"' not in pages[browser]
