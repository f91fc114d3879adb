"""The cart's lines and summary from the cache (checkout/views/cart_cache.py): a second view of the same cart makes
no quote, and whatever a quote depends on (the cart, a price, the stock, the shipping and tax rules, a discount
code, the destination) shows on the very next request."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from checkout.models import TaxRate
from storefront.models import Variant
from storefront.stock import stock_take
from tests import factories
from tests.support.html import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _new_process(monkeypatch):
    """Each test starts as a new process would: not knowing which product a variant belongs to (so a cart's
    first view only learns it, and the second keeps its lines), whatever ids earlier tests used."""
    from checkout.views import cart_cache

    monkeypatch.setattr(cart_cache, "_PRODUCT_OF", {})


@pytest.fixture
def grids(monkeypatch):
    """Counts how many times the cart's lines are priced and rendered (a miss of the cache)."""
    from checkout.views import cart_cache

    made = []
    render = cart_cache._render
    monkeypatch.setattr(cart_cache, "_render", lambda *args: made.append(1) or render(*args))
    return made


def _cart_text(client) -> str:
    response = client.get(reverse("checkout:cart"))
    assert response.status_code == 200
    return page_text(response.content.decode())


def _shopper_with(*pairs) -> Client:
    client = Client()
    for variant, quantity in pairs:
        client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": quantity})
    client.get(reverse("checkout:cart"))  # the "Added …" messages shown and gone
    return client


def test_a_second_view_of_the_same_cart_is_neither_priced_nor_rendered_again(grids, django_assert_num_queries):
    mug = factories.variant(price="12.50", stock=10)
    client = _shopper_with((mug, 2))
    first = client.get(reverse("checkout:cart")).content.decode()
    grids.clear()
    with django_assert_num_queries(1):  # the session: no variants, pictures or tax rates
        second = client.get(reverse("checkout:cart")).content.decode()
    assert grids == []
    token = re.compile(r'(name="csrfmiddlewaretoken" value=|"x-csrftoken": )"[^"]+"')
    assert token.sub("", first) == token.sub("", second)
    assert "$25.00" in page_text(second)


def test_two_shoppers_with_the_same_cart_each_get_their_own_working_csrf_token(grids):
    mug = factories.variant(price="12.50", stock=10)
    alice, bob = _shopper_with((mug, 1)), _shopper_with((mug, 1))  # Bob's view kept the lines
    grids.clear()
    alice.get(reverse("checkout:cart"))
    bob_page = bob.get(reverse("checkout:cart")).content.decode()
    assert grids == []  # both from the one entry
    bob_token = bob.cookies["csrftoken"].value
    forms = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', bob_page)
    assert len(forms) == 3  # update, remove, the code
    from django.middleware.csrf import _unmask_cipher_token

    assert all(_unmask_cipher_token(token) == bob_token for token in forms)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = bob.cookies
    answer = strict.post(reverse("checkout:cart_update", args=[mug.pk]), {"quantity": 2, "csrfmiddlewaretoken": forms[0]})
    assert answer.status_code == 302


def test_a_cart_change_shows_on_the_next_view(grids):
    mug, tee = factories.variant(price="12.50", stock=10), factories.variant(price="20.00", stock=10)
    client = _shopper_with((mug, 1))
    assert "$12.50" in _cart_text(client)
    client.post(reverse("checkout:cart_update", args=[mug.pk]), {"quantity": 3}, **HTMX)
    assert "$37.50" in _cart_text(client)
    client.post(reverse("checkout:cart_add"), {"variant": tee.pk, "quantity": 1}, **HTMX)
    text = _cart_text(client)
    assert "$57.50" in text and "4 items" in text


def test_a_price_change_by_staff_shows_on_the_next_view(grids):
    mug = factories.variant(price="12.50", stock=10)
    client = _shopper_with((mug, 2))
    assert "$25.00" in _cart_text(client)
    mug.price = Decimal("9.00")
    mug.save()  # the admin: the catalog version moves on
    text = _cart_text(client)
    assert "$18.00" in text and "$25.00" not in text


def test_a_sale_that_leaves_too_few_shows_on_the_next_view(grids, django_capture_on_commit_callbacks):
    mug = factories.variant(price="12.50", stock=10)
    client = _shopper_with((mug, 8))
    assert "Only" not in _cart_text(client)
    with django_capture_on_commit_callbacks(execute=True):  # another shopper's checkout commits
        stock_take(lines=[(mug.pk, 5, "Mug")])  # 5 left: not sold out, so only the product's version moves on
    text = _cart_text(client)
    assert "Only 5 left. Lower the quantity to check out." in text
    assert "Fix the items marked above to check out." in text


def test_a_sell_out_shows_on_the_next_view(grids, django_capture_on_commit_callbacks):
    mug = factories.variant(price="12.50", stock=3)
    client = _shopper_with((mug, 1))
    _cart_text(client)
    with django_capture_on_commit_callbacks(execute=True):
        stock_take(lines=[(mug.pk, 3, "Mug")])
    assert "Sold out. Remove it to check out." in _cart_text(client)


def test_new_shipping_and_tax_rules_show_on_the_next_view(grids, settings):
    settings.SHOP_PRICES_INCLUDE_TAX = False
    mug = factories.variant(price="10.00", stock=10)
    client = _shopper_with((mug, 1))
    session = client.session
    session["ship_to"] = ["GB", ""]
    session.save()
    method = factories.shipping_method(countries="GB", price="5.00")
    _cart_text(client)  # priced and kept before the tax rate exists
    factories.tax_rate(country="GB", rate="20")
    text = _cart_text(client)
    assert "Shipping · Standard $5.00 Tax $2.00 Total $17.00" in text
    method.price = Decimal("7.00")
    method.save()  # as the admin does
    assert "Shipping · Standard $7.00 Tax $2.00 Total $19.00" in _cart_text(client)
    TaxRate.objects.get().delete()
    text = _cart_text(client)
    assert "Shipping · Standard $7.00 Total $17.00" in text and "Tax $2.00" not in text


def test_a_new_destination_is_priced_for_it(grids):
    mug = factories.variant(price="10.00", stock=10)
    factories.shipping_method(countries="GB", price="5.00")
    factories.shipping_method(countries="FR", price="9.00")
    client = _shopper_with((mug, 1))
    session = client.session
    session["ship_to"] = ["GB", ""]
    session.save()
    assert "shipping to GB" in _cart_text(client)
    session = client.session
    session["ship_to"] = ["FR", ""]
    session.save()
    text = _cart_text(client)
    assert "shipping to FR" in text and "$9.00" in text


def test_a_cart_with_a_code_is_priced_afresh_so_an_expired_code_goes_at_once(grids):
    from datetime import timedelta

    from django.utils import timezone

    mug = factories.variant(price="10.00", stock=10)
    code = factories.discount_code(code="SPRING")
    client = _shopper_with((mug, 1))
    assert "Discount (SPRING)" not in _cart_text(client)
    client.post(reverse("checkout:cart_code"), {"code": "SPRING"})
    assert "Discount (SPRING)" in _cart_text(client)
    code.valid_until = timezone.now() - timedelta(seconds=1)
    code.save()
    text = _cart_text(client)
    assert "Discount (SPRING)" not in text and "The code was removed." in text


def test_a_variant_gone_from_the_catalog_leaves_the_cart(grids):
    mug, tee = factories.variant(price="10.00", stock=10), factories.variant(price="20.00", stock=10)
    client = _shopper_with((mug, 1), (tee, 1))
    assert "$30.00" in _cart_text(client)
    Variant.objects.filter(pk=tee.pk).delete()
    text = _cart_text(client)
    assert "$10.00" in text and "$30.00" not in text and "1 item" in text


def test_a_sale_committed_while_the_lines_are_priced_shows_on_the_next_view(grids, monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    from checkout.views import cart_cache

    mug = factories.variant(price="12.50", stock=10)
    client = _shopper_with((mug, 8))  # the view learnt the mug's product: the next one keeps its lines
    priced = cart_cache.quote_for

    def priced_then_sold(request, **kwargs):
        summary = priced(request, **kwargs)  # 10 in stock when read …
        with django_capture_on_commit_callbacks(execute=True):  # … and another checkout commits before it is kept
            stock_take(lines=[(mug.pk, 5, "Mug")])
        return summary

    monkeypatch.setattr(cart_cache, "quote_for", priced_then_sold)
    assert "Only" not in _cart_text(client)  # what the shopper saw then
    monkeypatch.setattr(cart_cache, "quote_for", priced)
    assert "Only 5 left." in _cart_text(client)  # the entry kept the versions read before the quote: a miss
