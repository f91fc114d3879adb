"""The full-page cache for anonymous catalog pages (shop/pagecache.py), through the test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from shop.pagecache import CART_COUNT_PLACEHOLDER, PLACEHOLDER
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_HEADER = re.compile(r'"x-csrftoken": "([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60


def _without_tokens(html: str) -> str:
    return TOKEN_HEADER.sub("", TOKEN_INPUT.sub("", html))


def _cache_state(response) -> str:
    return response.headers.get("X-Page-Cache", "none")


def test_a_hit_serves_the_same_page_with_a_fresh_working_token():
    mug = factories.product(name="Stoneware Mug", stock=5)
    variant = mug.variants.get()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    miss = first.get(mug.get_absolute_url())
    hit = second.get(mug.get_absolute_url())
    assert _cache_state(miss) == "miss" and _cache_state(hit) == "hit"
    miss_html, hit_html = miss.content.decode(), hit.content.decode()
    assert _without_tokens(miss_html) == _without_tokens(hit_html)
    assert PLACEHOLDER not in miss_html and PLACEHOLDER not in hit_html
    # Each visitor gets their own token, in the form and in htmx's header, with a matching cookie.
    miss_token, hit_token = TOKEN_INPUT.search(miss_html)[1], TOKEN_INPUT.search(hit_html)[1]
    assert miss_token != hit_token
    assert TOKEN_HEADER.search(hit_html)[1] and "csrftoken" in hit.cookies
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # Without JavaScript: the add-to-cart form of the cached page posts with its token and cookie.
    added = second.post(reverse("checkout:cart_add"), {
        "variant": variant.pk, "quantity": 1, "csrfmiddlewaretoken": hit_token,
    })
    assert added.status_code == 302
    cart = second.get(reverse("checkout:cart")).content.decode()
    assert "Stoneware Mug" in cart
    # A token from someone else's page is refused.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/")
    refused = stranger.post(reverse("checkout:cart_add"), {
        "variant": variant.pk, "quantity": 1, "csrfmiddlewaretoken": "x" * 64,
    })
    assert refused.status_code == 403


def test_a_returning_visitor_keeps_their_csrf_cookie_on_a_hit():
    factories.product(name="Stoneware Mug")
    Client().get("/")  # stores the page
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(reverse("checkout:track"))  # a page that sets the csrftoken cookie, not cached
    secret = visitor.cookies["csrftoken"].value
    hit = visitor.get("/")
    assert _cache_state(hit) == "hit"
    assert visitor.cookies["csrftoken"].value == secret


def test_a_guest_with_a_cart_gets_the_shared_page_with_their_own_badge(client):
    mug = factories.product(name="Stoneware Mug", stock=5)
    Client().get(mug.get_absolute_url())  # a cold visitor stores the page
    assert _cache_state(Client().get(mug.get_absolute_url())) == "hit"
    client.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": 2})
    assert "sessionid" in client.cookies
    shown = client.get(mug.get_absolute_url())  # "Added to cart": a message, so rendered for them
    assert _cache_state(shown) == "none" and "Items in cart: </span>2</span>" in shown.content.decode()
    page = client.get(mug.get_absolute_url())
    assert _cache_state(page) == "hit"
    html = page.content.decode()
    assert "Items in cart: </span>2</span>" in html and CART_COUNT_PLACEHOLDER not in html
    # Their count is never stored for others, whether they filled the cache or read it.
    assert "Items in cart: </span>0</span>" in Client().get(mug.get_absolute_url()).content.decode()
    fresh = client.get("/search/?q=mug")
    assert _cache_state(fresh) == "miss" and "Items in cart: </span>2</span>" in fresh.content.decode()
    other = Client().get("/search/?q=mug")
    assert _cache_state(other) == "hit" and "Items in cart: </span>0</span>" in other.content.decode()
    # After adding one more, the badge follows at once.
    client.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": 1})
    client.get(reverse("checkout:cart"))  # shows the message
    again = client.get(mug.get_absolute_url())
    assert _cache_state(again) == "hit" and "Items in cart: </span>3</span>" in again.content.decode()


def test_a_guest_with_a_message_waiting_gets_a_rendered_page(client):
    mug = factories.product(name="Stoneware Mug", stock=5)
    Client().get("/")
    client.post(reverse("storefront:wishlist_toggle", args=[mug.pk]), {"next": "/"})  # "Sign in to save …"
    page = client.get("/")
    assert _cache_state(page) == "none" and "Sign in to save Stoneware Mug" in page.content.decode()
    assert _cache_state(client.get("/")) == "hit"  # shown once, then the shared page again


def test_signed_in_shoppers_never_get_or_store_cached_pages(client):
    mug = factories.product(name="Stoneware Mug")
    Client().get("/")
    client.force_login(factories.user(email="ada@example.com"))
    for _ in range(2):
        page = client.get("/")
        assert _cache_state(page) == "none"
        assert "My orders" in page.content.decode()
    page = client.get(mug.get_absolute_url())
    assert _cache_state(page) == "none" and "Sign in" not in page.content.decode()
    assert "My orders" not in Client().get("/").content.decode()


def test_a_flash_message_is_shown_not_cached():
    factories.product(name="Stoneware Mug")
    Client().get("/")
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    assert _cache_state(visitor.get("/")) == "none"


def test_htmx_partial_and_full_page_are_cached_apart():
    cat = factories.category(slug="mugs")
    for i in range(3):
        factories.product(category_obj=cat, name=f"Mug {i}")
    url = reverse("storefront:category", args=["mugs"]) + "?sort=price"
    full = Client().get(url)
    partial = Client().get(url, **HTMX)
    assert _cache_state(full) == "miss" and _cache_state(partial) == "miss"
    full_hit, partial_hit = Client().get(url), Client().get(url, **HTMX)
    assert _cache_state(full_hit) == "hit" and _cache_state(partial_hit) == "hit"
    assert "<html" in full_hit.content.decode() and "<html" not in partial_hit.content.decode()
    assert partial_hit.headers["HX-Push-Url"] == partial.headers["HX-Push-Url"]
    # Another query string is another page.
    assert _cache_state(Client().get(url + "&in_stock=1")) == "miss"


def test_suggestions_and_search_are_cached():
    factories.product(name="Stoneware Mug")
    url = reverse("storefront:suggest") + "?q=mug"
    assert _cache_state(Client().get(url, **HTMX)) == "miss"
    hit = Client().get(url, **HTMX)
    assert _cache_state(hit) == "hit" and "Stoneware Mug" in hit.content.decode()
    search = reverse("storefront:search") + "?q=mug"
    Client().get(search)
    assert _cache_state(Client().get(search)) == "hit"


def test_staff_edits_show_at_once():
    mug = factories.product(name="Stoneware Mug", price="12.50")
    url = mug.get_absolute_url()
    Client().get(url)
    assert _cache_state(Client().get(url)) == "hit"
    mug.name = "Porcelain Mug"
    mug.save()
    page = Client().get(url)
    assert _cache_state(page) == "miss" and "Porcelain Mug" in page.content.decode()
    assert _cache_state(Client().get(url)) == "hit"
    variant = mug.variants.get()
    variant.price = "19.75"
    variant.save()
    page = Client().get(url)
    assert _cache_state(page) == "miss" and "19.75" in page.content.decode()
    # Home and category pages move on too.
    Client().get("/")
    Variant.objects.get(pk=variant.pk).delete()
    assert _cache_state(Client().get("/")) == "miss"


def test_a_review_or_a_category_change_invalidates():
    mug = factories.product(name="Stoneware Mug")
    Client().get("/")
    factories.review(product_obj=mug, rating=4)
    assert _cache_state(Client().get("/")) == "miss"
    factories.category(name="Lamps", slug="lamps")
    assert _cache_state(Client().get("/")) == "miss"


def test_posts_and_personal_pages_are_never_cached(stripe_fake):
    mug = factories.product(name="Stoneware Mug", stock=5)
    variant = mug.variants.get()
    never = [
        reverse("checkout:cart"),
        reverse("checkout:track"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("storefront:wishlist"),
        "/admin/login/",
        "/robots.txt",
    ]
    for url in never:
        for _ in range(2):
            assert _cache_state(Client().get(url)) == "none", url
    for _ in range(2):
        response = Client().post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": 1})
        assert _cache_state(response) == "none"
        response = Client().post(reverse("checkout:stripe_webhook"), b"{}", content_type="application/json")
        assert _cache_state(response) == "none"
    # The checkout and order pages of a real shopper have a session, so they are never looked up.
    shopper = Client()
    shopper.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": 1})
    assert _cache_state(shopper.get(reverse("checkout:checkout"))) == "none"


def test_a_404_is_not_stored():
    for _ in range(2):
        response = Client().get("/p/no-such-thing/")
        assert response.status_code == 404 and _cache_state(response) == "none"


def test_zero_seconds_turns_the_cache_off(settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 0
    factories.product(name="Stoneware Mug")
    for _ in range(2):
        page = Client().get("/")
        assert _cache_state(page) == "none"
        assert PLACEHOLDER not in page.content.decode()
        assert TOKEN_INPUT.search(page.content.decode())


def test_head_is_served_from_the_cache():
    factories.product(name="Stoneware Mug")
    Client().get("/")
    assert _cache_state(Client().head("/")) == "hit"


def test_a_redis_outage_means_no_page_cache_and_working_pages(settings):
    settings.CACHES = settings.CACHES | {"default": {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "retry_on_timeout": False},
    }}
    factories.product(name="Stoneware Mug")
    for _ in range(2):
        page = Client().get("/")
        assert page.status_code == 200 and _cache_state(page) != "hit"
        html = page.content.decode()
        assert "Stoneware Mug" in html and PLACEHOLDER not in html and CART_COUNT_PLACEHOLDER not in html
