"""gzip on the wire (shop/compression.py): catalog pages are compressed, pages with a stable secret
are not (BREACH), and the page cache keeps storing plain bodies."""

import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse

from storefront.models import WishlistItem
from tests import factories

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_HEADER = re.compile(r'"x-csrftoken": "([^"]+)"')


def _body(response) -> str:
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


@pytest.fixture
def shelf():
    kitchen = factories.category(name="Kitchen", slug="kitchen")
    for i in range(12):
        factories.product(category_obj=kitchen, name=f"Stoneware Mug {i}")
    return kitchen


def test_catalog_pages_are_compressed_for_guests_and_signed_in_shoppers(client, shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 0
    mug = shelf.products.first()
    urls = ["/", shelf.get_absolute_url(), reverse("storefront:search") + "?q=mug", mug.get_absolute_url()]
    for url in urls:
        response = client.get(url, **GZIP)
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        assert "Stoneware Mug" in _body(response)
    client.force_login(factories.user())
    for url in urls[:3]:
        assert client.get(url, **GZIP)["Content-Encoding"] == "gzip", url
    # Without Accept-Encoding the page is sent as it is.
    assert "Content-Encoding" not in client.get(shelf.get_absolute_url())


def test_the_csrf_token_of_a_compressed_page_differs_on_every_response(client, shelf, settings):
    """What makes compressing these pages safe: their one secret never repeats."""
    settings.SHOP_PAGE_CACHE_SECONDS = 0
    tokens = {TOKEN_INPUT.search(_body(client.get(shelf.get_absolute_url(), **GZIP)))[1] for _ in range(3)}
    assert len(tokens) == 3


def test_pages_with_a_stable_secret_or_personal_data_are_never_compressed(client, shelf):
    mug = shelf.products.first()
    order = factories.paid_order(user=factories.user(email="ada@example.com"), variant=mug.variants.get())
    client.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": 1})
    guest_pages = [
        reverse("checkout:cart"),
        reverse("checkout:checkout"),
        order.get_absolute_url(),  # its links carry the order's access token
        reverse("checkout:track"),
        reverse("account_login"),
        reverse("account_reset_password"),
    ]
    for url in guest_pages:
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url
        assert "Accept-Encoding" not in response.get("Vary", ""), url
    # A signed-in shopper's product page carries their email (the back-in-stock form) and reflects
    # its query string; a guest's is compressed.
    assert client.get(mug.get_absolute_url(), **GZIP)["Content-Encoding"] == "gzip"
    shopper = factories.user(email="grace@example.com")
    client.force_login(shopper)
    for url in [mug.get_absolute_url() + "?ref=grace", reverse("accounts:profile"), reverse("accounts:orders"),
                reverse("storefront:wishlist")]:
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url
    staff = Client()
    staff.force_login(factories.user(email="staff@example.com", is_staff=True, is_superuser=True))
    assert "Content-Encoding" not in staff.get(reverse("admin:index"), **GZIP)


def test_the_page_cache_stores_plain_pages_and_each_response_is_compressed_after(shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    url = shelf.get_absolute_url()
    miss = Client().get(url, **GZIP)
    assert miss["X-Page-Cache"] == "miss" and miss["Content-Encoding"] == "gzip"
    plain = Client().get(url)  # the same stored entry, to a client that takes no gzip
    assert plain["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain
    assert "Stoneware Mug 0" in plain.content.decode()
    visitor = Client(enforce_csrf_checks=True)
    hit = visitor.get(url, **GZIP)
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "gzip"
    # The visitor's own token was filled in before compression: the card's form posts with it.
    token = TOKEN_INPUT.search(_body(hit))[1]
    variant = shelf.products.first().variants.get()
    added = visitor.post(reverse("checkout:cart_add"), {"variant": variant.pk, "csrfmiddlewaretoken": token})
    assert added.status_code == 302


def test_signed_in_pages_from_the_page_cache_follow_the_same_rule(shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    gone = factories.product(category_obj=shelf, name="Gone Lantern", stock=0)
    shopper = Client()
    shopper.force_login(factories.user(email="grace@example.com"))
    for _ in range(2):  # the second time from the page cache
        category = shopper.get(shelf.get_absolute_url(), **GZIP)
        product = shopper.get(gone.get_absolute_url(), **GZIP)
    assert category["X-Page-Cache"] == "hit" and product["X-Page-Cache"] == "hit"
    assert category["Content-Encoding"] == "gzip" and "Stoneware Mug 0" in _body(category)
    # Sold out: the back-in-stock form is filled in with the shopper's email address.
    assert "Content-Encoding" not in product and 'value="grace@example.com"' in product.content.decode()


def test_a_signed_in_hit_is_gzipped_at_once_and_is_the_page(shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    shopper = factories.user(email="grace@example.com")
    WishlistItem.objects.create(user=shopper, product=shelf.products.first())
    visitor = Client()
    visitor.force_login(shopper)
    url = shelf.get_absolute_url()
    visitor.get(url)  # stored
    plain = visitor.get(url)
    hits = [visitor.get(url, **GZIP) for _ in range(8)]
    assert plain["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain
    for hit in hits:
        assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "gzip"
        assert int(hit["Content-Length"]) == len(hit.content) and "Accept-Encoding" in hit["Vary"]
        html = gzip.decompress(hit.content).decode()  # the CRC and the length are checked here
        assert _tokens_aside(html) == _tokens_aside(plain.content.decode())
        assert 'aria-pressed="true"' in html  # their own heart
    tokens = {TOKEN_HEADER.search(gzip.decompress(hit.content).decode())[1] for hit in hits}
    assert len(tokens) == len(hits)  # masked anew on every response
    assert len({len(hit.content) for hit in hits}) > 1  # Django's random padding, as GZipMiddleware adds


def test_a_fast_gzip_is_the_text():
    from shop.compression import gzip_fast

    text = "".join(f"<li>Mug {i} costs {i * 7 % 50} dollars</li>" for i in range(2000)).encode()
    compressed = gzip_fast(text)
    assert gzip.decompress(compressed) == text and len(compressed) < len(text) / 4


# --------------------------------------------------------------------------
# A guest's page from the page cache: gzipped from its parts deflated when it was stored
# --------------------------------------------------------------------------


def _tokens_aside(html: str) -> str:
    return TOKEN_HEADER.sub("", TOKEN_INPUT.sub("", html))


def test_a_guests_hit_is_gzipped_from_its_stored_parts_and_is_the_page_byte_for_byte(shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    mug = shelf.products.first()
    pages = ["/", shelf.get_absolute_url(), reverse("storefront:search") + "?q=mug", mug.get_absolute_url()]
    for url in pages:
        miss = Client().get(url)  # rendered, sent as it is
        assert miss["X-Page-Cache"] == "miss" and "Content-Encoding" not in miss
        again = Client().get(url.replace("?", "?utm_source=mail&") if "?" in url else url + "?utm_source=x", **GZIP)
        assert again["X-Page-Cache"] == "hit" and again["Content-Encoding"] == "gzip"
        shopper = Client(enforce_csrf_checks=True)
        if url == pages[-1]:  # a guest with a cart: their count in the badge
            shopper.get(url)
            token = TOKEN_INPUT.search(shopper.get(url).content.decode())[1]
            shopper.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": 2,
                                                        "csrfmiddlewaretoken": token})
            assert "Added" in shopper.get(url).content.decode()  # the flash message, on a rendered page
        hits = [shopper.get(url, **GZIP) for _ in range(2)]
        for hit in hits:
            assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "gzip", url
            assert int(hit["Content-Length"]) == len(hit.content) and "Accept-Encoding" in hit["Vary"]
            html = gzip.decompress(hit.content).decode()  # the CRC and the length are checked here
            expected = miss.content.decode()
            if url == pages[-1]:
                badge = '<span class="sr-only">Items in cart: </span>'
                expected = expected.replace(badge + "0<", badge + "2<")
                assert badge + "2<" in html
            assert _tokens_aside(html) == _tokens_aside(expected), url
        # The one secret differs on every response, and every form on a page carries that response's token.
        first, second = (gzip.decompress(h.content).decode() for h in hits)
        assert set(TOKEN_INPUT.findall(first)) | set(TOKEN_HEADER.findall(first)) == {TOKEN_HEADER.search(first)[1]}
        assert TOKEN_HEADER.search(first)[1] != TOKEN_HEADER.search(second)[1]
        # ... and is sent as it is, never compressed together with the page (BREACH): its bytes are on the wire.
        assert TOKEN_HEADER.search(first)[1].encode() in hits[0].content


def test_a_guests_miss_is_gzipped_from_the_parts_it_stores(shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    url = shelf.get_absolute_url()
    miss = Client().get(url, **GZIP)
    plain = Client().get(url)
    assert miss["X-Page-Cache"] == "miss" and miss["Content-Encoding"] == "gzip" and plain["X-Page-Cache"] == "hit"
    assert _tokens_aside(gzip.decompress(miss.content).decode()) == _tokens_aside(plain.content.decode())


def test_a_gzipped_hit_carries_a_working_token_and_random_padding(shelf, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60
    url = shelf.get_absolute_url()
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    hits = [visitor.get(url, **GZIP) for _ in range(8)]
    token = TOKEN_INPUT.search(gzip.decompress(hits[-1].content).decode())[1]
    variant = shelf.products.first().variants.get()
    added = visitor.post(reverse("checkout:cart_add"), {"variant": variant.pk, "csrfmiddlewaretoken": token})
    assert added.status_code == 302
    # Django's GZipMiddleware pads each response's header with 0-99 random bytes; so does a hit.
    assert len({len(hit.content) for hit in hits}) > 1


def test_deflated_parts_are_the_text_with_each_responses_pieces():
    from shop.compression import deflate_parts, gzip_parts

    token, count = b"T" * 64, b"COUNTPLACEHOLDER"
    filler = "".join(f"<li>Mug {i} costs {i * 7 % 50} dollars</li>" for i in range(2000)).encode()
    body = (b"<body hx-headers='" + token + b"'>" + count + b"<p>" + token + b"</p>" + filler[:3000]
            + token + filler + token + b"<em>" + count + b"</em>" + token + filler[:40_000] + token)
    parts = deflate_parts(body, token, {count: "count"}, "token")
    # Sent as they are: the first token, the first after each count, and those too far from the one before;
    # the third is a copy of the second.
    assert parts.count("token") == 5 and parts.count("count") == 2
    assert sum(len(p) for p in parts if isinstance(p, bytes)) < len(body) / 4
    for mine, badge in [(b"a" * 64, b"0"), (bytes(range(48, 112)), b"12345")]:
        text = body.replace(token, mine).replace(count, badge)
        assert gzip.decompress(gzip_parts(parts, {"token": mine, "count": badge}, text)) == text
    assert deflate_parts(b"a NUL \x00 " + token, token, {}, "token") is None
