"""The catalog in Chromium: options in place, search-as-you-type, filters and history,
the wishlist heart, and a review after a paid order."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.models import Category, Product, Variant, WishlistItem
from tests import factories
from tests.e2e.htmx import mark_document, same_document, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-and-happy-passphrase"


@pytest.fixture
def catalog():
    apparel = Category.objects.create(name="Apparel", slug="apparel")
    tee = factories.option_product(name="Field Tee", slug="field-tee", category_obj=apparel, sizes=("S", "M"),
                                   colours=("Red", "Blue"), price="20.00")
    blue_m = Variant.objects.get(product=tee, label="M / Blue")
    Variant.objects.filter(pk=blue_m.pk).update(price=Decimal("26.00"))
    red = factories.product_image(product_obj=tee, alt="A red tee", colour="red")
    blue = factories.product_image(product_obj=tee, alt="A blue tee", colour="blue", position=1)
    Variant.objects.filter(product=tee, label__endswith="Red").update(image=red)
    Variant.objects.filter(product=tee, label__endswith="Blue").update(image=blue)
    for i in range(30):
        factories.product(category_obj=apparel, name=f"Wool Sock {i:02d}", price=str(5 + i), stock=0 if i % 3 else 4)
    return {"tee": tee, "blue_m": blue_m, "apparel": apparel}


def test_choosing_options_updates_price_photo_and_url_in_place(live_server, page, catalog):
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    expect(page.locator("#price")).to_have_text("$20.00")
    expect(page.locator("#product-photo img")).to_have_attribute("alt", "A red tee")
    mark_document(page)
    page.get_by_text("Blue", exact=True).click()
    expect(page.locator("#product-photo img")).to_have_attribute("alt", "A blue tee")
    settled(page)  # the new option controls are wired up once they settle
    # Keyboard: focus stays on the option group after the swap, arrows keep choosing.
    page.locator("input[name^='o'][value]").nth(0).focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#price")).to_have_text("$26.00", timeout=10_000)
    expect(page).to_have_url(re.compile(rf"\?variant={catalog['blue_m'].pk}$"))
    assert page.evaluate("document.activeElement.id").startswith("opt-")
    assert same_document(page)


def test_search_suggestions_with_the_keyboard(live_server, page, catalog):
    page.goto(live_server.url)
    box = page.get_by_role("combobox", name="Search products")
    box.press_sequentially("wool s", delay=40)
    expect(page.get_by_role("option")).to_have_count(9)  # eight and "See all results"
    expect(page.locator("#search-status")).to_contain_text("8 suggestions")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-2")
    chosen = page.locator("#suggestion-2").get_attribute("href")
    box.press("Enter")
    expect(page).to_have_url(live_server.url + chosen)
    # Enter without choosing opens the full results page.
    box = page.get_by_role("combobox", name="Search products")
    box.fill("tee")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Results for “tee”")).to_be_visible()


def test_search_suggestions_keyboard_only(live_server, page, catalog):
    page.goto(live_server.url + "/c/apparel/")
    for _ in range(10):  # Tab from the top of the page to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search":
            break
    box = page.get_by_role("combobox", name="Search products")
    expect(box).to_be_focused()
    page.keyboard.type("wool", delay=30)
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(9)
    expect(box).to_have_attribute("aria-expanded", "true")
    # Up from nothing chosen wraps to the last option, "See all results"; down wraps to the first.
    page.keyboard.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-all")
    expect(page.locator("#suggestion-all")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-1")
    expect(page.locator("[aria-selected=true]")).to_have_count(1)
    # Escape closes the list and keeps what was typed; focus stays in the box.
    page.keyboard.press("Escape")
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(0)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(box).to_have_value("wool")
    expect(box).to_be_focused()
    # Typing opens it again; Escape right after typing keeps it closed when the answer arrives.
    page.keyboard.type(" s", delay=30)
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(9)
    page.evaluate("""() => { window.__answered = new Promise(resolve => document.body.addEventListener(
        "htmx:afterOnLoad", () => resolve(true), {once: true})); }""")
    page.keyboard.type("o")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    # The suggestions for "wool so" have come back (within a deadline).
    assert page.evaluate("Promise.race([window.__answered, new Promise(r => setTimeout(() => r(false), 10000))])")
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(0)
    expect(box).to_have_value("wool so")
    # Arrow keys after Escape do nothing until the shopper types again; Enter searches what was typed.
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.type("c")
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(9)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#suggestion-2").get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + chosen)
    page.wait_for_load_state()  # the page's scripts are listening before the shopper types
    box = page.get_by_role("combobox", name="Search products")
    box.focus()
    page.keyboard.type("wool")
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(9)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # "See all results"
    expect(page.get_by_role("heading", name="Results for “wool”")).to_be_visible()
    page.wait_for_load_state()
    # Tab leaves the box and closes the list.
    box = page.get_by_role("combobox", name="Search products")
    box.focus()
    page.keyboard.press("End")
    page.keyboard.type(" s")
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(9)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_focused()
    expect(page.locator("#search-suggestions").get_by_role("option")).to_have_count(0)
    expect(box).to_have_attribute("aria-expanded", "false")


def test_filters_push_the_url_and_back_restores(live_server, page, catalog):
    page.goto(live_server.url + "/c/apparel/")
    expect(page.locator("#result-count")).to_have_text("Showing 24 of 31 products")
    mark_document(page)
    page.get_by_label(re.compile("In stock only")).check()
    expect(page).to_have_url(re.compile(r"/c/apparel/\?in_stock=1$"))
    expect(page.locator("#result-count")).to_have_text("Showing 11 of 11 products")
    settled(page)  # the swapped-in filter form listens for changes only once it has settled
    page.get_by_label("Sort by").select_option("price")
    expect(page).to_have_url(re.compile(r"in_stock=1&sort=price$"))
    first = page.locator("#product-list article h3").first
    expect(first).to_have_text("Wool Sock 00")
    assert same_document(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/c/apparel/\?in_stock=1$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/c/apparel/$"))
    expect(page.locator("#result-count")).to_have_text("Showing 24 of 31 products")


def test_load_more_appends_and_back_returns_to_the_same_place(live_server, page, catalog):
    page.goto(live_server.url + "/c/apparel/")
    expect(page.locator("#product-list article")).to_have_count(24)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#product-list article")).to_have_count(31)
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    page.get_by_role("link", name="Wool Sock 00").click()
    expect(page.get_by_role("heading", name="Wool Sock 00")).to_be_visible()
    page.go_back()
    expect(page.locator("#product-list article")).to_have_count(31)


def test_wishlist_heart_for_a_signed_in_shopper(live_server, page, catalog, client):
    shopper = factories.user(password=PASSWORD)
    _sign_in(page, live_server, shopper)
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    heart = page.get_by_role("button", name="Save Field Tee to wishlist").first
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(page.get_by_role("button", name="Save Field Tee to wishlist").first).to_have_attribute("aria-pressed", "true")
    assert WishlistItem.objects.filter(user=shopper, product=catalog["tee"]).exists()
    page.get_by_role("link", name="Wishlist").click()
    expect(page.get_by_role("heading", name="Field Tee")).to_be_visible()


def test_guest_heart_asks_to_sign_in_then_saves(live_server, page, catalog):
    shopper = factories.user(password=PASSWORD)
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    page.get_by_role("button", name="Save Field Tee to wishlist").first.click()
    expect(page.get_by_text("Sign in to save Field Tee to your wishlist")).to_be_visible()
    page.get_by_label("Email").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Saved Field Tee to your wishlist.")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(catalog["tee"].get_absolute_url())))
    assert WishlistItem.objects.filter(user=shopper, product=catalog["tee"]).count() == 1


def test_writing_a_review_after_a_paid_order(live_server, page, catalog):
    shopper = factories.user(password=PASSWORD, full_name="Ada Lovelace")
    tee = catalog["tee"]
    factories.paid_order(user=shopper, variant=catalog["blue_m"])
    _sign_in(page, live_server, shopper)
    page.goto(live_server.url + tee.get_absolute_url())
    page.get_by_role("link", name="Write a review").click()
    page.get_by_text("4 stars").click()
    page.get_by_label("Title").fill("Soft <and> sturdy")
    page.get_by_label("Your review").fill("Washed it ten times, still great.")
    page.get_by_role("button", name="Post review").click()
    expect(page.get_by_text("Thank you: your review is published.")).to_be_visible()
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("Soft <and> sturdy")
    expect(reviews).to_contain_text("Verified purchase")
    expect(reviews).to_contain_text("4.0 out of 5, from 1 review")
    assert Product.objects.get(pk=tee.pk).rating_count == 1


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Account")).to_be_visible()
