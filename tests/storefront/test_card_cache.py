"""Product cards are rendered once per content and kept in the cache; a change shows on the next page at once."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.signals import template_rendered
from PIL import Image

from storefront.images import image_renditions_make
from storefront.models import ProductImage
from storefront.stock import stock_take
from tests import factories

pytestmark = pytest.mark.django_db

CARD_BODY = "includes/product_card_body.html"


@pytest.fixture(autouse=True)
def _every_page_rendered(settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 0  # no whole-page cache: each page below is rendered, its cards cached


class BodiesRendered:
    """Counts the card bodies rendered (not read from the cache) while a page is made."""

    def __init__(self) -> None:
        self.count = 0
        template_rendered.connect(self._seen)

    def _seen(self, sender, template, context, **kwargs) -> None:
        self.count += template.name == CARD_BODY

    def page(self, client, url: str) -> tuple[str, int]:
        self.count = 0
        html = client.get(url).content.decode()
        return html, self.count


@pytest.fixture
def bodies():
    counter = BodiesRendered()
    yield counter
    template_rendered.disconnect(counter._seen)


def card(html: str, name: str) -> str:
    found = re.search(rf'<article class="product-card">(?:(?!</article>).)*?>{name}</a>.*?</article>', html, re.S)
    assert found, f"no card for {name}"
    return found.group(0)


def test_a_card_is_rendered_once_then_read_from_the_cache(client, bodies):
    shelf = factories.category(slug="shelf")
    factories.product(category_obj=shelf, name="Oak mug")
    factories.product(category_obj=shelf, name="Ash bowl")
    first, rendered = bodies.page(client, "/c/shelf/")
    assert rendered == 2
    again, rendered = bodies.page(client, "/c/shelf/")
    assert rendered == 0
    def unmasked(text: str) -> str:  # Django masks the CSRF token afresh in every response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert unmasked(card(again, "Oak mug")) == unmasked(card(first, "Oak mug"))


def test_a_price_change_sell_out_and_new_renditions_show_on_the_next_page(client, bodies,
                                                                          django_capture_on_commit_callbacks):
    shelf = factories.category(slug="shelf")
    mug = factories.product(category_obj=shelf, name="Oak mug", price="12.50")
    bowl = factories.product(category_obj=shelf, name="Ash bowl", price="30.00", stock=3)
    buf = io.BytesIO()
    Image.new("RGB", (800, 800), "teal").save(buf, "JPEG")
    picture = ProductImage.objects.create(product=mug, alt="", image=SimpleUploadedFile("mug.jpg", buf.getvalue()))
    html, _ = bodies.page(client, "/c/shelf/")
    assert "$12.50" in card(html, "Oak mug") and " 240w" not in card(html, "Oak mug")

    variant = mug.variants.get()
    variant.price = Decimal("9.00")
    variant.save()
    html, _ = bodies.page(client, "/c/shelf/")
    assert "$9.00" in card(html, "Oak mug") and "$12.50" not in card(html, "Oak mug")

    with django_capture_on_commit_callbacks(execute=True):  # a checkout's transaction commits
        stock_take(lines=[(bowl.variants.get().pk, 3, bowl.name)])
    html, _ = bodies.page(client, "/c/shelf/")
    assert "Sold out" in card(html, "Ash bowl") and "Add to cart" not in card(html, "Ash bowl")

    image_renditions_make(image=picture)  # the worker, after the upload
    html, rendered = bodies.page(client, "/c/shelf/")
    assert " 240w" in card(html, "Oak mug")
    assert rendered == 1  # the bowl's card came from the cache


def test_a_cached_card_carries_each_visitors_own_token_and_path():
    shelf = factories.category(slug="shelf")
    item = factories.product(category_obj=shelf, name="Oak mug")
    for url in ("/c/shelf/", "/c/shelf/?sort=price"):
        visitor = Client(enforce_csrf_checks=True)
        mug = card(visitor.get(url).content.decode(), "Oak mug")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', mug).group(1)
        assert f'name="next" value="{url.replace("&", "&amp;")}"' in mug
        response = visitor.post("/cart/add/", {"variant": item.variants.get().pk, "csrfmiddlewaretoken": token,
                                               "next": url})
        assert response.status_code == 302
        assert visitor.get("/cart/").content.decode().count("Oak mug") >= 1
