"""The whole guest journey in Chromium, through the fake Stripe hosted page to the receipt and tracking."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkout.models import Order
from storefront.listing_data import product_listing_refresh
from storefront.models import Category, Product, Variant
from tests.e2e.htmx import mark_document, same_document, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog():
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    mug = Product.objects.create(name="Stoneware Mug", slug="stoneware-mug", category=kitchen,
                                 description="Thrown by hand.", featured=True)
    Variant.objects.create(product=mug, sku="MUG-SALT", label="Sea Salt", price=Decimal("18.00"), stock=5)
    Variant.objects.create(product=mug, sku="MUG-CHAR", label="Charcoal", price=Decimal("20.00"), stock=5, position=1)
    board = Product.objects.create(name="Olive Wood Board", slug="olive-wood-board", category=kitchen)
    Variant.objects.create(product=board, sku="BOARD", price=Decimal("35.00"), stock=3)
    product_listing_refresh(product_ids=[mug.pk, board.pk])  # as the admin does after saving variants
    return {"mug": mug, "board": board}


def _checkout_form(page, email="ada@example.com"):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address", exact=True).fill("12 Analytical Row")
    page.get_by_label("City").fill("London")
    page.get_by_label("ZIP code").fill("N1 9GU")  # labelled for the starting country, the United States
    page.get_by_label("Country").select_option("GB")


def test_guest_journey_with_javascript(shop, stripe_fake, page, catalog, mailoutbox):
    page.goto(shop.url)
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Kitchen").click()
    expect(page.get_by_role("heading", name="Kitchen")).to_be_visible()
    # Add the single-variant board straight from the category page, in place.
    mark_document(page)
    page.get_by_role("button", name=re.compile(r"Add to cart.*Olive Wood Board")).click()
    expect(page.locator("#cart-badge")).to_contain_text("1")
    expect(page.get_by_text("Added 1 × Olive Wood Board")).to_be_visible()
    assert same_document(page)

    page.get_by_role("link", name="Stoneware Mug").first.click()
    expect(page.locator("#price")).to_have_text("$18.00")
    mark_document(page)
    page.get_by_text("Charcoal").click()
    expect(page.locator("#price")).to_have_text("$20.00")
    expect(page).to_have_url(re.compile(r"\?variant=\d+"))
    settled(page)  # the swapped-in form posts by htmx once it has settled
    page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page.locator("#cart-badge")).to_contain_text("2")
    assert same_document(page)

    page.get_by_role("link", name=re.compile("^Cart")).click()
    expect(page.locator("#cart-total")).to_have_text("$55.00")
    mark_document(page)
    charcoal = Variant.objects.get(sku="MUG-CHAR")
    quantity = page.locator(f"#qty-{charcoal.pk}")
    quantity.fill("3")
    quantity.dispatch_event("change")
    expect(page.locator("#cart-total")).to_have_text("$95.00")
    expect(page.locator("#cart-badge")).to_contain_text("4")
    assert same_document(page)  # no reload

    page.get_by_role("link", name="Checkout").click()
    _checkout_form(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(re.escape(stripe_fake.base_url) + r"/pay/cs_"))
    expect(page.locator("#total")).to_have_text(re.compile(r"95\.00"))
    page.get_by_role("button", name="Pay").click()

    expect(page.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
    number = page.locator("#order-number").inner_text()
    order = Order.objects.get()
    assert number == order.display_number
    assert order.status == Order.Status.PAID
    assert Variant.objects.get(sku="MUG-CHAR").stock == 2
    assert Variant.objects.get(sku="BOARD").stock == 2
    expect(page.locator("#cart-badge")).to_contain_text("0")

    # The receipt, sent by the task queue once the webhook marked the order paid.
    assert len(mailoutbox) == 1
    receipt = mailoutbox[0]
    assert number in receipt.subject and "$95.00" in receipt.body
    order_link = re.search(r"(http://\S+/orders/\S+/)", receipt.body).group(1)
    page.goto(order_link)
    expect(page.get_by_role("heading", name=f"Order {number}")).to_be_visible()
    expect(page.locator("#order-status")).to_contain_text("Paid")

    # Days later: track it with the email and the number typed any old way.
    page.goto(shop.url)
    page.get_by_role("link", name="Track order").first.click()
    page.get_by_label("Email").fill("ADA@example.com")
    page.get_by_label("Order number").fill(number.lower().replace("-", ""))
    page.get_by_role("button", name="Track order").click()
    expect(page.locator("#order-status")).to_contain_text("Paid")
    expect(page.get_by_text("Stoneware Mug")).to_be_visible()


def test_cancel_on_the_payment_page_returns_to_an_intact_cart(shop, stripe_fake, page, catalog):
    page.goto(shop.url + catalog["board"].get_absolute_url())
    page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page.locator("#cart-badge")).to_contain_text("1")
    page.goto(shop.url + "/checkout/")
    _checkout_form(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/pay/cs_"))
    assert Variant.objects.get(sku="BOARD").stock == 2  # held
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("Payment cancelled")).to_be_visible()
    expect(page.get_by_role("link", name="Olive Wood Board")).to_be_visible()
    assert Variant.objects.get(sku="BOARD").stock == 3  # released exactly once
    # Cancelled by our return handler, or expired by Stripe's webhook if it won the race.
    assert Order.objects.get().status in (Order.Status.CANCELLED, Order.Status.EXPIRED)


def test_guest_journey_without_javascript(shop, stripe_fake, nojs_page, catalog, mailoutbox):
    page = nojs_page
    page.goto(shop.url + catalog["mug"].get_absolute_url())
    page.get_by_text("Charcoal").click()
    page.get_by_role("button", name="Choose").click()
    expect(page.locator("#price")).to_have_text("$20.00")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page.get_by_text("Added 2 × Stoneware Mug – Charcoal")).to_be_visible()
    expect(page.locator("#cart-badge")).to_contain_text("2")

    page.get_by_role("link", name=re.compile("^Cart")).click()
    charcoal = Variant.objects.get(sku="MUG-CHAR")
    page.locator(f"#qty-{charcoal.pk}").fill("1")
    page.get_by_role("button", name="Update").click()
    expect(page.locator("#cart-total")).to_have_text("$20.00")

    page.get_by_role("link", name="Checkout").click()
    _checkout_form(page, email="nojs@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert mailoutbox[0].to == ["nojs@example.com"]
