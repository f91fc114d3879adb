"""Accounts in Chromium: sign-up with email confirmation, the cart merge, prefilled checkout, claimed orders."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkout.cart import DatabaseCart
from checkout.models import Order
from storefront.listing_data import product_listing_refresh
from storefront.models import Category, Product, Variant
from tests import factories
from tests.e2e.htmx import mark_document, same_document, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-and-happy-passphrase"


@pytest.fixture
def catalog():
    home = Category.objects.create(name="Home", slug="home")
    items = {}
    for slug, name, price, stock in [("candle", "Beeswax Candle", "14.00", 10), ("throw", "Wool Throw", "89.00", 2)]:
        product = Product.objects.create(name=name, slug=slug, category=home)
        items[slug] = Variant.objects.create(product=product, sku=slug.upper(), price=Decimal(price), stock=stock)
        product_listing_refresh(product_ids=[product.pk])  # as the admin does after saving variants
    return items


def _add(page, shop, variant, quantity=1):
    page.goto(shop.url + variant.product.get_absolute_url())
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page.locator("#add-feedback")).to_contain_text("Added")


def _confirmation_link(mailoutbox, email):
    message = [m for m in mailoutbox if m.to == [email]][-1]
    return re.search(r"(http://\S+/accounts/confirm-email/\S+/)", message.body).group(1)


def test_guest_signs_up_confirms_and_finds_the_cart_merged(shop, page, catalog, mailoutbox):
    _add(page, shop, catalog["candle"], 2)
    _add(page, shop, catalog["throw"], 1)
    expect(page.locator("#cart-badge")).to_contain_text("3")
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Email").fill("new@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    page.goto(_confirmation_link(mailoutbox, "new@example.com"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("3 items from your guest cart were added.")).to_be_visible()
    expect(page.locator("#cart-badge")).to_contain_text("3")
    page.goto(shop.url + "/cart/")
    expect(page.locator("#cart-total")).to_have_text("$117.00")


def test_returning_customer_sees_the_merge_and_a_prefilled_checkout(shop, page, catalog, stripe_fake):
    from accounts.models import Address

    account = factories.user(email="back@example.com", password=PASSWORD, full_name="Rosa Parks")
    Address.objects.create(user=account, full_name="Rosa Parks", address_line1="12 Cleveland Ave",
                           city="London", postal_code="N1 9GU", country="GB", is_default=True)
    DatabaseCart(account).set(catalog["throw"].pk, 1)
    _add(page, shop, catalog["throw"], 2)  # more than the 2 in stock together
    _add(page, shop, catalog["candle"], 1)
    page.goto(shop.url + "/accounts/login/")
    page.get_by_label("Email").fill("back@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Wool Throw limited to 2, the stock left.")).to_be_visible()
    expect(page.get_by_text("2 items from your guest cart were added.")).to_be_visible()

    page.goto(shop.url + "/checkout/")
    expect(page.get_by_label("Email")).to_have_value("back@example.com")
    expect(page.get_by_label("Full name")).to_have_value("Rosa Parks")
    expect(page.get_by_label("Address", exact=True)).to_have_value("12 Cleveland Ave")
    expect(page.get_by_label("Country")).to_have_value("GB")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/pay/cs_"))
    assert Order.objects.get().user == account


def test_a_guest_order_shows_under_my_orders_after_verification(shop, page, catalog, stripe_fake, mailoutbox):
    # The guest checks out and pays first.
    _add(page, shop, catalog["candle"], 1)
    page.goto(shop.url + "/checkout/")
    page.get_by_label("Email").fill("later@example.com")
    page.get_by_label("Full name").fill("Later Shopper")
    page.get_by_label("Address", exact=True).fill("1 Main St")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("ZIP code").fill("10115")  # labelled for the starting country, the United States
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
    number = page.locator("#order-number").inner_text()

    # The order page invites them to create an account with the email filled in.
    page.get_by_role("link", name="View your order").click()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_label("Email")).to_have_value("later@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    assert Order.objects.get().user is None  # not before verification

    page.goto(_confirmation_link(mailoutbox, "later@example.com"))
    page.get_by_role("button", name="Confirm").click()
    page.goto(shop.url + "/accounts/orders/")
    page.get_by_role("link", name=re.compile(number)).click()
    expect(page.get_by_role("heading", name=f"Order {number}")).to_be_visible()
    expect(page.locator("#order-status")).to_contain_text("Paid")


def _sign_in(page, shop, email="book@example.com"):
    factories.user(email=email, password=PASSWORD, full_name="Grace Hopper")
    page.goto(shop.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(shop.url + "/accounts/addresses/new/")


def _fill_canadian_address(page):
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address", exact=True).fill("24 Sussex Dr")
    page.get_by_label("City").fill("Ottawa")


def test_the_state_list_follows_the_country_in_place(shop, page):
    _sign_in(page, shop)
    state = page.get_by_label("State / province")
    expect(state.locator("option", has_text="California")).to_have_count(1)
    _fill_canadian_address(page)
    mark_document(page)
    page.get_by_label("Country").select_option("CA")
    expect(state.locator("option", has_text="Ontario")).to_have_count(1)
    expect(state.locator("option", has_text="California")).to_have_count(0)
    expect(page.get_by_label("Postal code")).to_be_visible()  # was "ZIP code"
    assert same_document(page)
    expect(page.get_by_label("City")).to_have_value("Ottawa")
    settled(page)  # choose the state once the country's swap has settled
    state.select_option(label="Ontario")
    page.get_by_label("Postal code").fill("k1m1m4")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Address saved.")).to_be_visible()
    expect(page.locator("address")).to_contain_text("Ottawa ON K1M 1M4")
    expect(page.locator("address")).to_contain_text("Canada")

    page.get_by_role("link", name=re.compile("^Edit")).click()
    page.wait_for_load_state()  # htmx listens before the country changes
    page.get_by_label("Country").select_option("GB")
    expect(page.get_by_label("State / province")).to_have_count(0)
    expect(page.get_by_label("Postcode")).to_be_visible()


def test_the_state_list_follows_the_country_without_javascript(shop, nojs_page):
    page = nojs_page
    _sign_in(page, shop, email="nojs-book@example.com")
    _fill_canadian_address(page)
    page.get_by_label("Country").select_option("CA")
    page.get_by_role("button", name="Update").click()
    state = page.get_by_label("State / province")
    expect(state.locator("option", has_text="Ontario")).to_have_count(1)
    expect(page.get_by_label("City")).to_have_value("Ottawa")
    state.select_option(label="Ontario")
    page.get_by_label("Postal code").fill("K1M 1M4")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Address saved.")).to_be_visible()
    expect(page.locator("address")).to_contain_text("Ottawa ON K1M 1M4")
