"""A guest picks a state, a shipping method and a discount code, pays on the fake hosted page, and every
page and the receipt show the same lines, discount, shipping, tax and total (issue: money)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkout.models import DiscountCode, Order, ShippingMethod, ShippingZone, TaxRate
from storefront.listing_data import product_listing_refresh
from storefront.models import Category, Product, Variant
from tests.e2e.htmx import settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# $40.00 − 10 % (WELCOME10) + $15.00 Express + 7.25 % California sales tax on $36.00.
FIGURES = ["Subtotal $40.00", "Discount (WELCOME10) -$4.00", "Shipping · Express $15.00", "Sales tax $2.61",
           "Total $53.61"]


@pytest.fixture
def money_shop():
    home = Category.objects.create(name="Home", slug="home")
    lamp = Product.objects.create(name="Brass Lamp", slug="brass-lamp", category=home)
    Variant.objects.create(product=lamp, sku="LAMP", price=Decimal("40.00"), stock=5, weight_grams=900)
    product_listing_refresh(product_ids=[lamp.pk])  # as the admin does after saving variants
    us = ShippingZone.objects.create(name="United States", countries="US")
    ShippingMethod.objects.create(zone=us, name="Standard", price=Decimal("5.00"), min_days=3, max_days=5)
    ShippingMethod.objects.create(zone=us, name="Express", price=Decimal("15.00"), min_days=1, max_days=2)
    TaxRate.objects.create(country="US", state="US-CA", rate=Decimal("7.25"), name="Sales tax")
    DiscountCode.objects.create(code="WELCOME10", value=Decimal("10"))
    return lamp


def _text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def _address(page, *, javascript: bool):
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address", exact=True).fill("1 Harbor Way")
    page.get_by_label("City").fill("Sacramento")
    page.get_by_label(re.compile("^(ZIP code|Postal code)")).fill("95814")
    page.get_by_label("Country").select_option("US")
    if javascript:
        # The country's states, methods and totals arrive by htmx; choose the state once they have been swapped
        # in and settled (a state chosen between the answer and its swap would be replaced by the swap).
        settled(page)
    else:
        page.get_by_role("button", name="Update shipping options").click()
    state = page.get_by_label("State / province")
    if state.evaluate("element => element.tagName") == "SELECT":
        state.select_option("US-CA")
    else:
        state.fill("US-CA")
        state.dispatch_event("change")
    if not javascript:
        page.get_by_role("button", name="Update shipping options").click()


def _journey(shop, page, lamp, mailoutbox, *, javascript: bool):
    page.goto(shop.url + lamp.get_absolute_url())
    page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page.locator("#cart-badge")).to_contain_text("1")
    page.goto(shop.url + "/cart/")
    page.get_by_label("Discount code").fill("welcome10")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#cart-figures")).to_contain_text("Discount (WELCOME10)")
    page.get_by_role("link", name="Checkout").click()
    _address(page, javascript=javascript)
    summary = page.locator("#checkout-summary")
    expect(summary).to_contain_text("Sales tax $2.61")  # the state's tax: the methods for the address are in
    page.get_by_label(re.compile("Express")).check()
    if not javascript:
        page.get_by_role("button", name="Update shipping options").click()
        page.get_by_label(re.compile("Express")).check()
    expect(summary).to_contain_text("Total $53.61")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator("#total")).to_have_text(re.compile(r"53\.61"))  # what Stripe charges
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order!")).to_be_visible()

    order = Order.objects.get()
    assert order.status == Order.Status.PAID and order.total == Decimal("53.61")
    assert order.amount_paid == order.total
    page.goto(shop.url + order.get_absolute_url())
    shown = _text(page)
    for figure in FIGURES:
        assert figure in shown
    # Tracking shows the same order page.
    page.goto(shop.url + "/orders/track/")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Order number").fill(order.number)
    page.get_by_role("button", name="Track order").click()
    tracked = _text(page)
    for figure in FIGURES:
        assert figure in tracked
    receipt = next(m for m in mailoutbox if order.display_number in m.subject)
    for figure in FIGURES:
        label, amount = figure.rsplit(" ", 1)
        assert f"{label}: {amount}" in receipt.body


def test_state_method_and_code_through_payment_with_javascript(shop, stripe_fake, page, money_shop, mailoutbox):
    _journey(shop, page, money_shop, mailoutbox, javascript=True)


def test_state_method_and_code_through_payment_without_javascript(shop, stripe_fake, nojs_page, money_shop,
                                                                  mailoutbox):
    _journey(shop, nojs_page, money_shop, mailoutbox, javascript=False)
