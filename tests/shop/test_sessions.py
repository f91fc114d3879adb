"""Sessions never come back from the dead: a sign-out stays done and a cart change the shopper was
told about stays made, even when Redis hangs while they happen (issue 11, item 1).

The shop runs for real: gunicorn on the test database with production's Redis settings (the
fail-open cache and the rate-limit alias with their 0.5 s socket timeouts, huey on Redis), on a
`redis-server` of this module's own, which the tests stop (SIGSTOP: it hangs, its sockets stay open)
and continue (SIGCONT). DEBUG stays on, as in the other gunicorn tests: production's checks refuse
SQLite, and where sessions and the cache are kept does not depend on it.
"""

import os
import re
import signal
from contextlib import contextmanager

import pytest
import requests
from django.urls import reverse

from shop.checks import session_store
from tests import factories
from tests.support.html import page_text
from tests.support.processes import child_env, own_redis_server, redis_answers, start_gunicorn, stop
from tests.support.waiting import wait_until

TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def own_redis():
    with own_redis_server() as (process, url):
        yield process, url


@pytest.fixture
def shop(own_redis):
    """The shop under gunicorn, its cache (pages, menus, limits) on this module's Redis."""
    _process, url = own_redis
    process, base = start_gunicorn(child_env(REDIS_URL=f"{url}/0"), workers=2)
    try:
        yield base
    finally:
        stop(process)


@contextmanager
def redis_hangs(own_redis):
    """Redis stops answering (but keeps its sockets open) while the block runs; it is always continued."""
    process, url = own_redis
    os.kill(process.pid, signal.SIGSTOP)
    try:
        assert not redis_answers(url, timeout=0.2), "Redis still answers: the test would test nothing"
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)
    assert wait_until(lambda: redis_answers(url), timeout=10), "Redis did not answer again after SIGCONT"


def _token(html: str) -> str:
    return TOKEN_INPUT.search(html).group(1)


def _quantity_in_cart(browser: requests.Session, base: str, variant_id: int) -> int:
    html = browser.get(f"{base}/cart/", timeout=10).text
    return int(re.search(rf'id="qty-{variant_id}"[^>]*value="(\d+)"', html).group(1))


@pytest.mark.django_db(transaction=True)
def test_a_sign_out_while_redis_hangs_is_never_undone(shop, own_redis):
    factories.user(email="ada@example.com", password="correct horse battery")
    orders = reverse("accounts:orders")
    browser = requests.Session()
    login_page = browser.get(f"{shop}{reverse('account_login')}", timeout=10)
    signed_in = browser.post(f"{shop}{reverse('account_login')}", timeout=10, allow_redirects=False, data={
        "login": "ada@example.com", "password": "correct horse battery", "csrfmiddlewaretoken": _token(login_page.text),
    })
    assert signed_in.status_code == 302
    my_orders = browser.get(f"{shop}{orders}", timeout=10, allow_redirects=False)
    assert my_orders.status_code == 200
    old_cookie = browser.cookies["sessionid"]

    with redis_hangs(own_redis):
        signed_out = browser.post(f"{shop}{reverse('account_logout')}", timeout=10, allow_redirects=False,
                                  data={"csrfmiddlewaretoken": _token(my_orders.text)})
        assert signed_out.status_code == 302  # the sign-out completes while Redis hangs

    # Someone who kept the old cookie (another tab, a copied cookie) is not signed in.
    replay = requests.Session()
    replay.cookies.set("sessionid", old_cookie)
    again = replay.get(f"{shop}{orders}", timeout=10, allow_redirects=False)
    assert again.status_code == 302 and reverse("account_login") in again.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_cart_change_while_redis_hangs_is_kept(shop, own_redis):
    variant = factories.variant(stock=10, name="Enamel Mug")
    browser = requests.Session()
    product_page = browser.get(f"{shop}{variant.product.get_absolute_url()}", timeout=10)
    added = browser.post(f"{shop}{reverse('checkout:cart_add')}", timeout=10, data={
        "variant": variant.pk, "quantity": "1", "csrfmiddlewaretoken": _token(product_page.text),
    })
    assert added.status_code == 200 and _quantity_in_cart(browser, shop, variant.pk) == 1
    cart_page = browser.get(f"{shop}/cart/", timeout=10)

    with redis_hangs(own_redis):
        changed = browser.post(f"{shop}{reverse('checkout:cart_update', args=[variant.pk])}", timeout=10,
                               data={"quantity": "3", "csrfmiddlewaretoken": _token(cart_page.text)})
        assert changed.status_code == 200
        assert "Enamel Mug: quantity 3." in page_text(changed.text)  # the shopper is told it worked

    assert _quantity_in_cart(browser, shop, variant.pk) == 3


def test_sessions_are_kept_in_the_database():
    from django.conf import settings

    assert settings.SESSION_ENGINE == "shop.sessions"
    assert session_store() == []


RAISING_REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
FAIL_OPEN_REDIS = {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.mark.parametrize(("engine", "cache"), [
    # cached_db logs and skips a failed cache write itself (Django 5.1+), even on an alias that raises.
    ("cached_db", RAISING_REDIS),
    ("cached_db", FAIL_OPEN_REDIS),
    # The cache engine on the fail-open alias drops the write; on any alias a Redis restart loses every cart.
    ("cache", FAIL_OPEN_REDIS),
    ("cache", RAISING_REDIS),
    # A signed cookie cannot be taken back: a copy of it would still be signed in after the sign-out.
    ("signed_cookies", None),
])
def test_a_session_store_that_can_skip_a_write_is_refused(settings, engine, cache):
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    if cache:
        settings.CACHES = settings.CACHES | {"sessions": cache}
        settings.SESSION_CACHE_ALIAS = "sessions"
    assert [error.id for error in session_store()] == ["shop.E008"]
