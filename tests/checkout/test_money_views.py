"""The cart and checkout screens for shipping, tax and codes, with and without htmx (issue: money)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.models import DiscountCode, Order, ShippingMethod, ShippingZone, TaxRate
from tests import factories
from tests.support.html import page_text

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def us_shop(settings):
    settings.DEBUG, settings.STRIPE_SECRET_KEY = True, ""  # demo payments: the order is what we look at
    us = ShippingZone.objects.create(name="United States", countries="US")
    standard = ShippingMethod.objects.create(zone=us, name="Standard", price=Decimal("5.00"),
                                             free_above=Decimal("75.00"), min_days=3, max_days=5)
    express = ShippingMethod.objects.create(zone=us, name="Express", price=Decimal("15.00"), min_days=1, max_days=2)
    TaxRate.objects.create(country="US", state="US-CA", rate=Decimal("7.25"), name="Sales tax")
    DiscountCode.objects.create(code="WELCOME10", value=Decimal("10"))
    return {"standard": standard, "express": express}


def _cart(client, price="40.00", quantity="1"):
    variant = factories.variant(price=price, stock=10)
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": quantity})
    return variant


def _us_address(**kwargs):
    return factories.checkout_post(**({"country": "US", "state": "US-CA", "city": "Sacramento",
                                       "postal_code": "95814"} | kwargs))


def test_checkout_offers_the_methods_for_the_address_and_adds_tax(client, us_shop):
    _cart(client)
    response = client.post(reverse("checkout:checkout"), _us_address(refresh="all"))
    text = page_text(response.content.decode())
    assert "Standard" in text and "Express" in text and "3–5 business days" in text
    assert "Sales tax $2.90" in text  # 7.25 % of $40.00
    assert "Total $47.90" in text  # 40 + 5 shipping + 2.90


def test_choosing_express_with_htmx_updates_only_the_totals(client, us_shop):
    _cart(client)
    response = client.post(reverse("checkout:checkout"),
                           _us_address(refresh="method", shipping_method=us_shop["express"].pk), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<aside id="checkout-summary"')
    assert "Shipping · Express $15.00" in page_text(response.content.decode())
    assert "Total $57.90" in page_text(response.content.decode())


def test_a_new_country_with_htmx_swaps_states_methods_and_totals(client, us_shop):
    _cart(client)
    response = client.post(reverse("checkout:checkout"), _us_address(refresh="country", country="DE", state=""),
                           **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="state-field"')
    assert 'id="shipping-methods" class="card space-y-3" hx-swap-oob="true"' in html
    assert "we don't ship to this address" in page_text(response.content.decode())


def test_no_method_for_the_address_places_no_order(client, us_shop):
    _cart(client)
    response = client.post(reverse("checkout:checkout"), factories.checkout_post(country="DE", postal_code="10115",
                                                                                 city="Berlin"))
    assert response.status_code == 200
    assert "we don't ship to this address" in page_text(response.content.decode())
    assert not Order.objects.exists()


def test_the_order_keeps_the_method_the_code_and_the_tax(client, us_shop):
    _cart(client, price="40.00", quantity="2")
    client.post(reverse("checkout:cart_code"), {"code": " welcome10 "})
    response = client.post(reverse("checkout:checkout"), _us_address(shipping_method=us_shop["express"].pk))
    assert response.status_code == 303
    order = Order.objects.get()
    assert (order.subtotal, order.discount_total, order.shipping_total) == (Decimal("80"), Decimal("8"), Decimal("15"))
    assert order.tax_total == Decimal("5.22")  # 7.25 % of 72.00
    assert order.total == Decimal("92.22")  # 80 − 8 + 15 + 5.22
    assert (order.discount_code_text, order.shipping_method_name, order.state) == ("WELCOME10", "Express", "US-CA")
    page = page_text(client.get(order.get_absolute_url()).content.decode())
    for figure in ("Subtotal $80.00", "Discount (WELCOME10) -$8.00", "Shipping · Express $15.00",
                   "Sales tax $5.22", "Total $92.22"):
        assert figure in page


def test_the_cart_applies_a_code_in_place_and_says_why_one_is_refused(client, us_shop):
    _cart(client, price="30.00")
    refused = client.post(reverse("checkout:cart_code"), {"code": "NOPE"}, **HTMX)
    assert "“NOPE” is not a valid discount code." in page_text(refused.content.decode())
    applied = client.post(reverse("checkout:cart_code"), {"code": "welcome10"}, **HTMX)
    text = page_text(applied.content.decode())
    assert "Discount code WELCOME10 applied." in text and "Discount (WELCOME10) -$3.00" in text
    removed = client.post(reverse("checkout:cart_code_remove"), **HTMX)
    assert "Discount code WELCOME10 removed." in page_text(removed.content.decode())
    assert "Discount (" not in page_text(removed.content.decode())


def test_without_javascript_the_code_form_posts_and_redirects_with_a_message(client, us_shop):
    _cart(client, price="30.00")
    response = client.post(reverse("checkout:cart_code"), {"code": "WELCOME10"}, follow=True)
    assert "Discount code WELCOME10 applied." in page_text(response.content.decode())
    assert "Discount (WELCOME10) -$3.00" in page_text(response.content.decode())


def test_the_cart_estimates_shipping_once_the_country_is_known(client, us_shop):
    _cart(client, price="30.00")
    assert "Shipping Calculated at checkout" in page_text(client.get(reverse("checkout:cart")).content.decode())
    client.post(reverse("checkout:checkout"), _us_address(refresh="all"))
    assert "Shipping · Standard $5.00" in page_text(client.get(reverse("checkout:cart")).content.decode())


def test_a_code_that_expired_since_it_was_applied_is_removed_with_a_reason(client, us_shop):
    from django.utils import timezone

    _cart(client, price="30.00")
    client.post(reverse("checkout:cart_code"), {"code": "WELCOME10"})
    DiscountCode.objects.update(valid_until=timezone.now())
    text = page_text(client.get(reverse("checkout:cart")).content.decode())
    assert "“WELCOME10” has expired. The code was removed." in text


def test_a_sale_price_shows_struck_through_in_the_cart(client, us_shop):
    variant = _cart(client, price="30.00")
    variant.compare_at_price = Decimal("40.00")
    variant.save()
    html = client.get(reverse("checkout:cart")).content.decode()
    assert "<s" in html and "$40.00" in html


def test_the_receipt_carries_the_same_figures(client, us_shop, mailoutbox, django_capture_on_commit_callbacks):
    _cart(client, price="40.00")
    client.post(reverse("checkout:cart_code"), {"code": "WELCOME10"})
    response = client.post(reverse("checkout:checkout"), _us_address(shipping_method=us_shop["standard"].pk))
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"action": "pay"})
    receipt = next(m for m in mailoutbox if order.display_number in m.subject)
    for figure in ("Subtotal: $40.00", "Discount (WELCOME10): -$4.00", "Shipping · Standard: $5.00",
                   f"Sales tax: ${order.tax_total}", f"Total: ${order.total}"):
        assert figure in receipt.body
