"""The full-page cache for anonymous catalog pages (shop/pagecache.py), through the test client."""

import re
import secrets
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.http import QueryDict
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from core.pagecache import SHARED_PAGE_ATTRIBUTE, sign_in_keys, store_budget_take
from shop.pagecache import CART_COUNT_PLACEHOLDER, PAGE_KEY, PLACEHOLDER, _body_of
from storefront.models import Variant
from tests import factories
from tests.support.processes import own_redis_server

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_HEADER = re.compile(r'"x-csrftoken": "([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 60


def _without_tokens(html: str) -> str:
    return TOKEN_HEADER.sub("", TOKEN_INPUT.sub("", html))


def _html(response) -> str:
    return _without_tokens(response.content.decode())


def _redis_cache(url: str, prefix: str) -> dict:
    # Timeouts well above production's 0.5 s: a loaded test machine must not turn a hit into a miss.
    return {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": url, "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5}}


@pytest.fixture
def redis_entries(settings, redis_base_url):
    """The default cache on a real Redis, under a key prefix of this test's own; yields a function
    listing the cache keys of the pages stored. Nothing else in that Redis is read, flushed or deleted."""
    import redis

    url, prefix = f"{redis_base_url}/13", f"test-pagecache-{secrets.token_hex(6)}"
    settings.CACHES = settings.CACHES | {"default": _redis_cache(url, prefix)}
    server = redis.Redis.from_url(url)
    yield lambda: [key.decode().split(":", 2)[2] for key in server.scan_iter(match=f"{prefix}:*:{PAGE_KEY}*")]
    for key in server.scan_iter(match=f"{prefix}:*", count=1000):
        server.delete(key)


@pytest.fixture
def mugs():
    cat = factories.category(name="Mugs", slug="mugs")
    factories.category(name="Espresso cups", slug="espresso", parent=cat)
    for i in range(3):
        factories.product(category_obj=cat, name=f"Blue Mug {i}", price=f"1{i}.00")
    return cat


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


def _signed_in(email: str) -> Client:
    browser = Client()
    browser.force_login(factories.user(email=email))
    return browser


def _hearts(html: str, product) -> set[str]:
    """aria-pressed of every wishlist heart of `product` on the page."""
    return set(re.findall(rf'id="wish-btn-{product.pk}[^"]*" aria-pressed="(\w+)"', html))


def test_signed_in_shoppers_share_one_page_with_their_own_hearts_badge_token_and_email(settings):
    settings.SHOP_CART_RATE_LIMIT = 1000  # both shoppers post from the test's one address
    mug = factories.product(name="Stoneware Mug", stock=5)
    bowl = factories.product(name="Stoneware Bowl", stock=5)
    ada, grace = _signed_in("ada@example.com"), _signed_in("grace@example.com")
    ada.post(reverse("storefront:wishlist_toggle", args=[mug.pk]))
    ada.post(reverse("checkout:cart_add"), {"variant": bowl.variants.get().pk, "quantity": "2"})
    ada.get("/")  # shows the messages those left
    grace.post(reverse("storefront:wishlist_toggle", args=[bowl.pk]))
    grace.get("/")
    states = []
    for _ in range(2):  # alternating, so each one's page comes from the copy the other one left
        for who, browser, saved, other, badge in ((ada, ada, mug, bowl, 2), (grace, grace, bowl, mug, 0)):
            for url in ("/", mug.get_absolute_url(), bowl.get_absolute_url()):
                page = browser.get(url)
                html = page.content.decode()
                states.append(_cache_state(page))
                assert "My orders" in html and "Sign in" not in html
                assert f"Items in cart: </span>{badge}<" in html
                assert CART_COUNT_PLACEHOLDER not in html and PLACEHOLDER not in html
                assert _hearts(html, saved) <= {"true"} and _hearts(html, other) <= {"false"}
                assert _hearts(html, saved) | _hearts(html, other)  # the page has hearts to check
                # The token is this shopper's own: it posts.
                token = TOKEN_INPUT.search(html).group(1)
                posted = browser.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": "1"},
                                      HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
                assert posted.status_code == 200
                browser.post(reverse("checkout:cart_remove", args=[mug.variants.get().pk]))
                browser.get("/cart/")  # shows the messages those left
    assert states.count("hit") >= 8  # the member copies were served, not just rendered
    # A change to the wishlist shows on the very next page.
    ada.post(reverse("storefront:wishlist_toggle", args=[mug.pk]))
    ada.get("/cart/")  # shows the message that left
    assert _hearts(ada.get("/").content.decode(), mug) == {"false"}
    # The back-in-stock form carries each shopper's own address.
    mug.variants.update(stock=0)
    from core.pagecache import bump_catalog_version
    bump_catalog_version()
    for email, browser in (("ada@example.com", ada), ("grace@example.com", grace), ("ada@example.com", ada)):
        html = browser.get(mug.get_absolute_url()).content.decode()
        assert f'value="{email}"' in html
    # Guests never get the signed-in copy.
    guest = Client().get("/").content.decode()
    assert "My orders" not in guest and "ada@example.com" not in guest


def test_only_the_shopper_who_bought_it_is_asked_to_review_it_on_the_shared_page():
    mug = factories.product(name="Stoneware Mug", stock=5)
    buyer, browser = factories.user(email="buyer@example.com"), _signed_in("other@example.com")
    factories.paid_order(user=buyer, variant=mug.variants.get())
    bought = Client()
    bought.force_login(buyer)
    for _ in range(2):
        assert "Write a review" in bought.get(mug.get_absolute_url()).content.decode()
        page = browser.get(mug.get_absolute_url())
        assert "Write a review" not in page.content.decode() and _cache_state(page) == "hit"
    assert "Sign in to write a review" in Client().get(mug.get_absolute_url()).content.decode()


def _review_call(html: str) -> str:
    for text in ("Edit your review", "Write a review"):
        if f">{text}</a>" in html:
            return text
    return ""


def test_the_call_to_review_on_cached_pages_follows_the_shoppers_orders_and_reviews_on_the_next_hit(
        django_assert_num_queries):
    from accounts.services import orders_claim

    mug, lamp = factories.product(name="Stoneware Mug", stock=5), factories.product(name="Brass Lamp", stock=5)
    shopper = factories.user(email="ada@example.com")
    browser = Client()
    browser.force_login(shopper)
    mug_url, lamp_url = mug.get_absolute_url(), lamp.get_absolute_url()
    for _ in range(2):
        assert _review_call(browser.get(mug_url).content.decode()) == ""
    # Once known, what they may review comes with the page: the session is the hit's only query.
    with django_assert_num_queries(1):
        page = browser.get(mug_url)
    assert _cache_state(page) == "hit" and _review_call(page.content.decode()) == ""
    order = factories.paid_order(user=shopper, variant=mug.variants.get(), status="pending_payment")
    assert _review_call(browser.get(mug_url).content.decode()) == ""  # not paid: not bought
    order.status, order.payment_state = "paid", "paid"
    order.save(update_fields=["status", "payment_state"])  # as the webhook's fulfilment saves it
    page = browser.get(mug_url)
    assert _cache_state(page) == "hit" and _review_call(page.content.decode()) == "Write a review"
    review = factories.review(product_obj=mug, user_obj=shopper, rating=4)
    assert _review_call(browser.get(mug_url).content.decode()) == "Edit your review"
    review.delete()
    assert _review_call(browser.get(mug_url).content.decode()) == "Write a review"
    # A guest order placed with their address, claimed at sign-in (an UPDATE, no save signal).
    guest = factories.user(email="guest-holder@example.com")
    factories.paid_order(user=guest, variant=lamp.variants.get())
    assert _review_call(browser.get(lamp_url).content.decode()) == ""
    from checkout.models import Order
    Order.objects.filter(user=guest).update(user=None, email="ada@example.com")
    assert orders_claim(user=shopper, email="ada@example.com") == 1
    assert _review_call(browser.get(lamp_url).content.decode()) == "Write a review"
    # Refunded in full: no longer bought.
    claimed = Order.objects.get(user=shopper, lines__variant__product=lamp)
    claimed.payment_state = "refunded"
    claimed.save(update_fields=["payment_state"])
    assert _review_call(browser.get(lamp_url).content.decode()) == ""


def test_what_a_shopper_may_review_agrees_product_by_product_with_user_can_review():
    from storefront.selectors import reviewable_product_ids, user_can_review

    products = [factories.product(name=f"Thing {n}", stock=5) for n in range(5)]
    shopper = factories.user()
    factories.paid_order(user=shopper, variant=products[0].variants.get())
    factories.paid_order(user=shopper, variant=products[1].variants.get(), status="shipped")
    factories.paid_order(user=shopper, variant=products[2].variants.get(), status="cancelled")
    factories.paid_order(user=shopper, variant=products[3].variants.get(), status="pending_payment")
    factories.paid_order(user=factories.user(), variant=products[4].variants.get())
    reviewable = reviewable_product_ids(user=shopper)
    assert reviewable == {products[0].pk, products[1].pk}
    assert all((p.pk in reviewable) == user_can_review(user=shopper, product_id=p.pk) for p in products)


# --------------------------------------------------------------------------
# A signed-in shopper's sign-in, checked on a hit without reading their row
# --------------------------------------------------------------------------


def _shopper_and_page(email: str = "ada@example.com", stock: int = 5):
    user = factories.user(email=email)
    browser = Client()
    browser.force_login(user)
    url = factories.product(name="Stoneware Mug", stock=stock).get_absolute_url()
    for _ in range(2):
        assert "My orders" in browser.get(url).content.decode()
    return user, browser, url


def _signed_out(html: str) -> bool:
    return "My orders" not in html and "Sign in" in html


def test_a_signed_in_hit_reads_the_session_and_not_the_user_row(django_assert_num_queries):
    _, browser, _ = _shopper_and_page()
    for _ in range(2):
        assert "My orders" in browser.get("/").content.decode()
    with django_assert_num_queries(1):  # the session: never from a cache (docs/RELIABILITY.md)
        page = browser.get("/")
    assert _cache_state(page) == "hit" and "My orders" in page.content.decode()


@pytest.mark.parametrize("change", ["new password", "deactivated", "deleted"])
def test_a_new_password_a_deactivation_or_a_deleted_account_signs_out_of_cached_pages_at_once(change):
    user, browser, url = _shopper_and_page()
    if change == "new password":  # as allauth, the admin and changepassword do it
        user.set_password("a brand new passphrase")
        user.save()
    elif change == "deactivated":
        user.is_active = False
        user.save()
    else:
        user.delete()
    assert _signed_out(browser.get(url).content.decode())
    assert _signed_out(browser.get("/").content.decode())


def test_a_sign_out_holds_on_the_very_next_hit():
    _, browser, url = _shopper_and_page()
    Session.objects.all().delete()  # signed out elsewhere, or the session expired and was swept
    assert _signed_out(browser.get(url).content.decode())


def test_a_check_made_from_the_row_before_it_changed_is_not_believed_after(django_assert_num_queries):
    """A slow request that read the row before a new password was saved, and stores what it checked after."""
    user, browser, url = _shopper_and_page()
    checked_key = sign_in_keys(user.pk)[0]
    before = caches["default"].get(checked_key)
    assert before is not None
    user.set_password("a brand new passphrase")
    user.save()
    caches["default"].set(checked_key, before)
    assert _signed_out(browser.get(url).content.decode())


def test_a_new_email_address_shows_in_the_back_in_stock_form_on_the_next_hit():
    user, browser, url = _shopper_and_page(stock=0)
    assert 'value="ada@example.com"' in browser.get(url).content.decode()
    user.email = "ada.lovelace@example.com"
    user.save()
    page = browser.get(url)
    assert 'value="ada.lovelace@example.com"' in page.content.decode() and _cache_state(page) == "hit"


def test_the_last_unit_sold_shows_sold_out_on_the_very_next_request(stripe_fake, django_capture_on_commit_callbacks):
    mug = factories.product(name="Stoneware Mug", stock=1)
    bowl = factories.product(name="Stoneware Bowl", stock=5)
    member = _signed_in("ada@example.com")
    pages = ["/", mug.get_absolute_url(), mug.category.get_absolute_url()]
    for url in pages:
        Client().get(url), member.get(url)
        assert _cache_state(Client().get(url)) == "hit" and _cache_state(member.get(url)) == "hit"
    shopper = Client()
    shopper.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": "1"})
    with django_capture_on_commit_callbacks(execute=True):  # as when the checkout's transaction commits
        assert shopper.post(reverse("checkout:checkout"), factories.checkout_post()).status_code == 303
    for url in pages:
        for browser in (Client(), member):
            page = browser.get(url)
            assert _cache_state(page) == "miss", url
            assert "Sold out" in page.content.decode(), url


def test_a_sale_re_renders_only_the_pages_showing_that_product(stripe_fake, django_capture_on_commit_callbacks):
    mug = factories.product(name="Stoneware Mug", stock=5)
    bowl = factories.product(name="Stoneware Bowl", stock=5)
    for url in (mug.get_absolute_url(), bowl.get_absolute_url()):
        Client().get(url)
    shopper = Client()
    shopper.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(reverse("checkout:checkout"), factories.checkout_post())  # 4 left: still in stock
    assert _cache_state(Client().get(mug.get_absolute_url())) == "miss"
    assert _cache_state(Client().get(bowl.get_absolute_url())) == "hit"


@pytest.mark.parametrize("guess", ["kept", "forgotten", "wrong"])
def test_a_hit_checks_every_product_it_shows_whatever_this_process_guessed_it_shows(guess, redis_entries):
    """A hit reads the versions of the products it is guessed to show with the page (one round trip); the
    entry's own list decides, so a guess that is missing or wrong still finds the product that changed."""
    from core.pagecache import bump_product_versions
    from shop import pagecache

    mug = factories.product(name="Stoneware Mug", stock=5)
    bowl = factories.product(name="Stoneware Bowl", stock=5)
    url = mug.category.get_absolute_url()
    Client().get(url)
    assert _cache_state(Client().get(url)) == "hit"
    if guess == "forgotten":
        pagecache._shown_guess.clear()
    elif guess == "wrong":
        for key in pagecache._shown_guess:
            pagecache._shown_guess[key] = (bowl.pk,)
    bump_product_versions([mug.pk])  # what a sale of a mug does
    assert _cache_state(Client().get(url)) == "miss"
    assert _cache_state(Client().get(url)) == "hit"


def test_a_price_change_by_staff_changes_every_cached_page_showing_it():
    mug = factories.product(name="Stoneware Mug", price="12.50", stock=5)
    member = _signed_in("ada@example.com")
    pages = ["/", mug.get_absolute_url(), mug.category.get_absolute_url(), reverse("storefront:search") + "?q=mug"]
    for url in pages:
        Client().get(url), member.get(url)
    variant = mug.variants.get()
    variant.price = "19.75"
    variant.save()
    for url in pages:
        for browser in (Client(), member):
            html = browser.get(url).content.decode()
            assert "19.75" in html and "12.50" not in html, url


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
    # Another filter is another page.
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


def test_a_guest_with_a_cart_is_served_without_reading_their_session(client, django_assert_num_queries):
    mug = factories.product(name="Stoneware Mug", stock=5)
    url = mug.get_absolute_url()
    client.post(reverse("checkout:cart_add"), {"variant": mug.variants.get().pk, "quantity": "2"})
    client.get(reverse("checkout:cart"))  # shows the "Added" message
    client.get(url)
    with django_assert_num_queries(0):  # no session row read: the signed guest note says "2, nothing waiting"
        page = client.get(url)
    assert _cache_state(page) == "hit" and "Items in cart: </span>2<" in page.content.decode()
    # A note from another session, or a forged one, is not believed: the session is read instead.
    other = Client()
    other.get(url)
    other.cookies["shop_guest"] = client.cookies["shop_guest"].value
    assert "Items in cart: </span>0<" in other.get(url).content.decode()
    client.cookies["shop_guest"] = client.cookies["shop_guest"].value.replace(":2:", ":9:")
    assert "Items in cart: </span>2<" in client.get(url).content.decode()
    # Signing in turns the note to "personal": the shopper gets the signed-in copy, their session read once.
    client.force_login(factories.user(email="ada@example.com"))
    client.get(url)
    page = client.get(url)
    assert "My orders" in page.content.decode() and _cache_state(page) == "hit"
    # The session (once); their sign-in (checked without their row), cart count, wishlist and what they may
    # review come from the cache with the page.
    with django_assert_num_queries(1):
        client.get(url)


# --------------------------------------------------------------------------
# The key: the query parameters each view reads, canonical
# --------------------------------------------------------------------------


def test_300_junk_parameters_add_no_entries(redis_entries):
    factories.product(name="Stoneware Mug")
    assert _cache_state(Client().get("/")) == "miss"
    assert len(redis_entries()) == 1
    for _ in range(300):
        junk = {"x": secrets.token_hex(8), secrets.token_hex(3): secrets.token_hex(8)}
        assert _cache_state(Client().get("/", junk)) == "hit"
    assert len(redis_entries()) == 1


def test_a_marketing_link_is_served_from_the_canonical_entry(mugs):
    url = "/c/mugs/?sort=price"
    canonical = Client().get(url)
    tagged = Client().get(url + "&utm_source=newsletter&utm_medium=email&utm_campaign=spring&fbclid=a1&gclid=b2")
    assert _cache_state(canonical) == "miss" and _cache_state(tagged) == "hit"
    assert _html(tagged) == _html(canonical)


def test_the_view_never_sees_a_parameter_it_did_not_declare(settings, mugs):
    # A junk URL that fills the entry stores exactly the canonical page (no junk in links or forms) ...
    stored = Client().get("/c/mugs/?utm_source=newsletter&sort=price&next=/elsewhere/")
    assert _cache_state(stored) == "miss"
    assert "utm_source" not in stored.content.decode() and "elsewhere" not in stored.content.decode()
    # ... which is the page the canonical URL renders, also for visitors the cache never serves.
    settings.SHOP_PAGE_CACHE_SECONDS = 0
    assert _html(Client().get("/c/mugs/?sort=price")) == _html(stored)
    shopper = Client()
    shopper.force_login(factories.user(email="ada@example.com"))
    page = shopper.get("/c/mugs/?sort=price&utm_source=newsletter")
    assert "utm_source" not in page.content.decode()


def test_unknown_or_default_filter_values_are_the_plain_page(mugs):
    assert _cache_state(Client().get("/c/mugs/")) == "miss"
    for junk in ("sort=bogus", "sort=newest", "sort=relevance", "page=abc", "page=0", "page=-3", "page=1",
                 "rating=9", "in_stock=maybe", "category=no-such-category", "more=2", "q=mug", "variant=3",
                 "sort=bogus&page=abc&rating=x&utm_source=a"):
        assert _cache_state(Client().get(f"/c/mugs/?{junk}")) == "hit", junk
    # Known values are pages of their own.
    assert _cache_state(Client().get("/c/mugs/?category=espresso")) == "miss"


def test_a_page_past_the_end_and_a_typed_price_range_are_rendered_not_stored(mugs):
    for url in ("/c/mugs/?page=2", "/c/mugs/?page=9999", "/c/mugs/?min_price=11&max_price=20",
                "/search/?q=mug&max_price=20"):
        for _ in range(2):
            page = Client().get(url)
            assert page.status_code == 200 and _cache_state(page) == "none", url
    assert "Blue Mug 1" in Client().get("/c/mugs/?min_price=11&max_price=11").content.decode()


def test_a_search_is_one_entry_whatever_its_case_and_spacing(mugs):
    assert _cache_state(Client().get("/search/?q=blue+mug")) == "miss"
    for query in ("Blue Mug", "  blue   MUG ", "BLUE\tmug"):
        page = Client().get("/search/", {"q": query, "utm_source": "ad"})
        assert _cache_state(page) == "hit", query
        assert "Blue Mug 0" in page.content.decode()
    long = "mug " * 40
    Client().get("/search/", {"q": long})
    assert _cache_state(Client().get("/search/", {"q": long + "and more words past the cap"})) == "hit"
    suggest = reverse("storefront:suggest")
    assert _cache_state(Client().get(suggest, {"q": "Blue"}, **HTMX)) == "miss"
    assert _cache_state(Client().get(suggest, {"q": " blue ", "x": "1"}, **HTMX)) == "hit"


def test_a_product_is_one_entry_per_variant_it_has(mugs):
    item = factories.product(category_obj=mugs, name="Two Tone Mug", variants=2)
    url, second = item.get_absolute_url(), item.variants.order_by("position")[1]
    assert _cache_state(Client().get(url)) == "miss"
    for junk in ("variant=", "variant=abc", "variant=-1", "utm_source=x", "ref=footer"):
        assert _cache_state(Client().get(f"{url}?{junk}")) == "hit", junk
    assert _cache_state(Client().get(f"{url}?variant={second.pk}")) == "miss"
    chosen = Client().get(f"{url}?variant={second.pk}&utm_source=x")
    assert _cache_state(chosen) == "hit" and "Option 2" in chosen.content.decode()
    # A variant the product does not have shows the product's first, and is not stored under its number.
    for number in (second.pk + 1000, 0, 99999):
        for _ in range(2):
            assert _cache_state(Client().get(f"{url}?variant={number}")) == "none"


def test_htmx_headers_the_views_do_not_read_make_no_new_entries(mugs):
    url = "/c/mugs/?sort=price"
    assert _cache_state(Client().get(url, **HTMX)) == "miss"
    for _ in range(3):
        junk = {"HTTP_HX_TARGET": secrets.token_hex(6), "HTTP_HX_TRIGGER": secrets.token_hex(6),
                "HTTP_HX_TRIGGER_NAME": secrets.token_hex(6), "HTTP_HX_BOOSTED": "true",
                "HTTP_HX_CURRENT_URL": f"http://testserver/?{secrets.token_hex(6)}"}
        assert _cache_state(Client().get(url, **HTMX, **junk)) == "hit"
    assert _cache_state(Client().get(url)) == "miss"
    assert _cache_state(Client().get(url, HTTP_HX_REQUEST="yes")) == "hit"  # not "true": the full page


def test_option_changes_on_the_product_page_are_rendered_not_stored():
    # htmx's variant panel for option values also depends on the control that changed (HX-Trigger-Name).
    item = factories.option_product(sizes=("S", "M"), colours=("Red", "Blue"), missing=(("S", "Blue"),))
    red_s = Variant.objects.get(product=item, label="S / Red")
    blue_m = Variant.objects.get(product=item, label="M / Blue")
    size = red_s.option_values.get(option_type__name="Size")
    blue = blue_m.option_values.get(option_type__name="Colour")
    asked = {f"o{size.option_type_id}": size.pk, f"o{blue.option_type_id}": blue.pk}  # S / Blue is not made
    for _ in range(2):
        by_colour = Client().get(item.get_absolute_url(), asked, HTTP_HX_TRIGGER_NAME=f"o{blue.option_type_id}", **HTMX)
        by_size = Client().get(item.get_absolute_url(), asked, HTTP_HX_TRIGGER_NAME=f"o{size.option_type_id}", **HTMX)
        assert by_colour["HX-Push-Url"].endswith(f"?variant={blue_m.pk}") and _cache_state(by_colour) == "none"
        assert by_size["HX-Push-Url"].endswith(f"?variant={red_s.pk}") and _cache_state(by_size) == "none"


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def test_every_shared_page_declares_the_query_it_reads():
    shared = {p.name: getattr(p.callback, SHARED_PAGE_ATTRIBUTE) for p in _patterns(get_resolver().url_patterns)
              if hasattr(p.callback, SHARED_PAGE_ATTRIBUTE)}
    assert set(shared) == {"home", "category", "product", "search", "suggest"}
    junk = QueryDict("utm_source=mail&utm_campaign=spring&fbclid=x&gclid=y&x=1&sort=bogus&page=abc&variant=no")
    sample = QueryDict("q=Blue++Mug&sort=price&page=2&in_stock=1&rating=4&variant=3&o1=2&more=1&min_price=5")
    for name, query in shared.items():
        assert callable(query), f"{name}: @shared_page(query=...) says what the view reads"
        assert query(junk) == {}, f"{name} keeps parameters it does not read"
        # The page cache does not ask about an empty query string (shop.pagecache.canonicalise).
        assert query(QueryDict("")) == {}, f"{name}: an empty query string is not its own canonical form"
        canonical = query(sample)
        assert query(QueryDict(urlencode(canonical))) == canonical, f"{name}: its canonical query is not canonical"


# --------------------------------------------------------------------------
# Memory: compressed entries, a budget, and room left for rate limits
# --------------------------------------------------------------------------


def test_entries_are_stored_compressed(redis_entries, mugs):
    for i in range(20):
        factories.product(category_obj=mugs, name=f"Tall Mug {i}")
    page = Client().get("/c/mugs/")
    [key] = redis_entries()
    entry = caches["default"].get(key)
    # A guest's page is kept as its deflate stream, made ahead (shop/compression.py), for gzip on a hit.
    assert "body" not in entry and sum(len(part) for part in entry["deflated"]) < len(page.content) / 4
    assert b"Tall Mug 19" in _body_of(entry) and PLACEHOLDER.encode() in _body_of(entry)


def test_beyond_its_budget_the_cache_renders_pages_without_storing_them(settings, mugs):
    settings.SHOP_PAGE_CACHE_MAX_MB = 1
    assert store_budget_take(600 * 1024) and not store_budget_take(600 * 1024)
    for _ in range(2):
        page = Client().get("/c/mugs/")
        assert page.status_code == 200 and "Blue Mug 0" in page.content.decode() and _cache_state(page) == "none"
    settings.SHOP_PAGE_CACHE_MAX_MB = 0  # no limit
    assert _cache_state(Client().get("/c/mugs/")) == "miss"


@pytest.fixture
def small_shared_redis(settings):
    """One Redis for pages and rate limits with 512 KB to spare, full meaning full (noeviction:
    Heroku's default). Started for the test: the machine's shared Redis is never reconfigured."""
    import redis

    started = own_redis_server("--maxmemory-policy", "noeviction")
    _, url = started.__enter__()
    settings.CACHES = {
        "default": _redis_cache(url, "shop"),
        "ratelimit": _redis_cache(url, "shop-rl") | {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    for alias in ("default", "ratelimit"):  # their connections count towards Redis's memory too
        caches[alias].get("warm-up")
    server = redis.Redis.from_url(url)
    server.config_set("maxmemory", server.info("memory")["used_memory"] + 512 * 1024)
    yield server
    started.__exit__(None, None, None)  # stops it


def test_a_flood_of_searches_leaves_one_shared_redis_room_for_rate_limits(settings, small_shared_redis, mugs):
    settings.SHOP_PAGE_CACHE_MAX_MB = 0.1  # pages take at most twice that
    for _ in range(150):  # without the budget: about 650 KB of pages, and Redis refuses every write after
        assert Client().get("/search/", {"q": f"mug {secrets.token_hex(4)}"}).status_code == 200
    visitor = Client()
    tries = [visitor.post(reverse("checkout:track"), {"email": "a@example.com", "number": "ABCDE23456"}).status_code
             for _ in range(settings.SHOP_TRACKING_RATE_LIMIT + 1)]
    assert 429 not in tries[:-1] and tries[-1] == 429  # counted, not refused because Redis was full


def test_a_gallery_picture_is_a_shared_page_and_a_foreign_one_is_not_stored():
    item = factories.product(name="Two Tone Mug", stock=3)
    factories.product_image(product_obj=item, alt="The mug")
    side = factories.product_image(product_obj=item, alt="Its side", position=1)
    variant = item.variants.get()
    url = f"{item.get_absolute_url()}?variant={variant.pk}&image={side.pk}"
    assert _cache_state(Client().get(url)) == "miss"
    again = Client().get(url + "&utm_source=x")
    assert _cache_state(again) == "hit" and 'alt="Its side"' in again.content.decode()
    foreign = factories.product_image(product_obj=factories.product(), alt="Another mug")
    for _ in range(2):
        assert _cache_state(Client().get(f"{item.get_absolute_url()}?image={foreign.pk}")) == "none"
