"""One hold per cart, and the rate limits on cart changes and orders placed (issue: inventory hoarding)."""

import re

import pytest
from django.urls import reverse

from checkout.models import DiscountCode, Order
from checkout.views.shopper import CART_LIMITED, ORDERS_LIMITED
from storefront.models import Variant
from tests import factories
from tests.support.html import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S = Order.Status


def _add(client, variant, quantity="1", **extra):
    return client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": quantity}, **extra)


def _checkout(client, token, **fields):
    return client.post(reverse("checkout:checkout"), factories.checkout_post(token, **fields))


def _stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def _fresh_token(client) -> str:
    """The token of the checkout form as a fresh GET shows it (what the browser's Back button may reload)."""
    return re.search(r'name="checkout_token" value="([0-9a-f]{32})"', client.get(reverse("checkout:checkout"))
                     .content.decode()).group(1)


def test_placing_one_cart_three_times_holds_its_stock_once(client, stripe_fake):
    variant = factories.variant(stock=30)
    _add(client, variant, "10")
    for n, token in enumerate(("a" * 32, "b" * 32, "c" * 32)):
        response = _checkout(client, token, email=f"hoard{n}@example.com")  # a different order each time
        assert response.status_code == 303 and stripe_fake.base_url in response["Location"]
    assert _stock(variant) == 20  # was 0 for half an hour before
    orders = list(Order.objects.order_by("created"))
    assert [order.status for order in orders] == [S.CANCELLED, S.CANCELLED, S.PENDING_PAYMENT]
    for replaced in orders[:2]:
        assert "Replaced by a new order from the same cart" in " ".join(e.note for e in replaced.events.all())
        # The replaced order's Checkout Session can no longer be paid.
        assert stripe_fake.sessions[replaced.payments.get().session_id]["status"] == "expired"
    assert stripe_fake.sessions[orders[2].payments.get().session_id]["status"] == "open"


def test_back_from_stripe_the_shopper_pays_the_same_order_even_for_the_last_units(client, stripe_fake):
    variant = factories.variant(stock=2, name="Last Teapot")
    _add(client, variant, "2")
    first = _checkout(client, "a" * 32)
    assert _stock(variant) == 0
    # Back from Stripe's page: the checkout page is shown again with a new form, and the cart's own
    # hold does not make its items look sold out.
    page = page_text(client.get(reverse("checkout:checkout")).content.decode())
    assert "Sold out" not in page and "need your attention" not in page
    again = _checkout(client, _fresh_token(client))
    assert again.status_code == 303 and again["Location"] == first["Location"]  # the same Checkout Session
    assert Order.objects.get().status == S.PENDING_PAYMENT
    assert len(stripe_fake.sessions) == 1
    assert _stock(variant) == 0


def test_back_from_stripe_a_code_limited_to_one_use_stays_applied(client, stripe_fake):
    variant = factories.variant(stock=5, price="40.00")
    DiscountCode.objects.create(code="WELCOME10", kind=DiscountCode.Kind.PERCENT, value="10", per_customer_limit=1,
                                usage_limit=1)
    _add(client, variant, "1")
    client.post(reverse("checkout:cart_code"), {"code": "WELCOME10"})
    first = _checkout(client, "a" * 32)
    assert Order.objects.get().discount_total > 0
    page = page_text(client.get(reverse("checkout:checkout")).content.decode())
    assert "WELCOME10" in page and "already used" not in page and "used up" not in page
    again = _checkout(client, _fresh_token(client))
    assert again["Location"] == first["Location"]
    order = Order.objects.get()
    assert order.discount_total > 0 and DiscountCode.objects.get().times_used == 1


def test_changing_the_cart_after_stripe_replaces_the_order_and_gives_the_code_back(client, stripe_fake):
    variant = factories.variant(stock=5, price="40.00")
    DiscountCode.objects.create(code="ONCE", kind=DiscountCode.Kind.PERCENT, value="10", usage_limit=1)
    _add(client, variant, "1")
    client.post(reverse("checkout:cart_code"), {"code": "ONCE"})
    _checkout(client, "a" * 32)
    _add(client, variant, "1")  # now two
    response = _checkout(client, _fresh_token(client))
    assert response.status_code == 303
    first, second = Order.objects.order_by("created")
    assert first.status == S.CANCELLED and second.status == S.PENDING_PAYMENT
    assert [line.quantity for line in second.lines.all()] == [2] and second.discount_total > 0
    assert _stock(variant) == 3
    assert DiscountCode.objects.get().times_used == 1  # given back by the first, taken by the second


def test_an_earlier_order_paid_meanwhile_is_shown_and_nothing_new_is_placed(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    _checkout(client, "a" * 32)
    order = Order.objects.get()
    stripe_fake.complete_session(order.payments.get().session_id, deliver=False)  # paid in another tab; webhook late
    response = _checkout(client, "b" * 32, email="other@example.com")
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status == S.PAID and Order.objects.count() == 1
    assert _stock(variant) == 4
    assert "just come through" in page_text(client.get(response["Location"]).content.decode())


def test_with_stripe_unreachable_the_earlier_hold_stands_and_nothing_new_is_held(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "2")
    _checkout(client, "a" * 32)
    stripe_fake.fail_next(3, status=500)
    response = _checkout(client, "b" * 32, email="other@example.com")
    assert response.status_code == 200
    assert "try again" in page_text(response.content.decode())
    assert list(Order.objects.values_list("status", flat=True)) == [S.PENDING_PAYMENT]
    assert _stock(variant) == 3  # one hold, never two


def test_a_signed_in_shopper_holds_once_across_two_browsers(client, stripe_fake, django_user_model):
    from django.test import Client

    shopper = factories.user(email="two@example.com")
    variant = factories.variant(stock=10)
    laptop, phone = client, Client()
    laptop.force_login(shopper)
    phone.force_login(shopper)
    _add(laptop, variant, "3")
    _checkout(laptop, "a" * 32, email="two@example.com")
    _checkout(phone, "b" * 32, email="two@example.com", city="Bath")  # the same cart, another address
    assert list(Order.objects.order_by("created").values_list("status", flat=True)) == [S.CANCELLED,
                                                                                        S.PENDING_PAYMENT]
    assert _stock(variant) == 7


# --- Rate limits ------------------------------------------------------------------------------------


def test_the_21st_cart_change_in_a_minute_gets_the_friendly_429_and_changes_nothing(client, settings):
    settings.SHOP_MAX_LINE_QUANTITY = 50
    variant = factories.variant(stock=50)
    for _ in range(settings.SHOP_CART_RATE_LIMIT):
        assert _add(client, variant, "1").status_code == 302
    response = _add(client, variant, "1")
    assert response.status_code == 429
    assert CART_LIMITED in page_text(response.content.decode())
    assert client.session["cart"] == {str(variant.pk): settings.SHOP_CART_RATE_LIMIT}
    # htmx: the message where the add-to-cart answers go (htmx swaps only 2xx), the badge unchanged.
    htmx = _add(client, variant, "1", **HTMX)
    assert htmx.status_code == 200 and CART_LIMITED in page_text(htmx.content.decode())
    assert re.search(rf"Items in cart: </span>{settings.SHOP_CART_RATE_LIMIT}<", htmx.content.decode())
    line = client.post(reverse("checkout:cart_update", args=[variant.pk]), {"quantity": "1"}, **HTMX)
    assert CART_LIMITED in page_text(line.content.decode())
    assert client.session["cart"] == {str(variant.pk): settings.SHOP_CART_RATE_LIMIT}
    # Another client has its own allowance.
    assert _add(client, variant, "1", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_fourth_order_in_a_minute_is_refused_with_the_form_kept(client, stripe_fake, settings):
    variant = factories.variant(stock=50)
    _add(client, variant, "1")
    for n in range(settings.SHOP_ORDER_RATE_LIMIT):
        assert _checkout(client, f"{n}" * 32, email=f"o{n}@example.com").status_code == 303
    response = _checkout(client, "9" * 32, email="o9@example.com")
    assert response.status_code == 429
    html = response.content.decode()
    assert ORDERS_LIMITED in page_text(html) and 'value="o9@example.com"' in html
    assert not Order.objects.filter(email="o9@example.com").exists()
    assert Order.objects.filter(status=S.PENDING_PAYMENT).count() == 1
