"""The cart and checkout as a shopper notices them in Chromium: busy buttons, the cart notification, focus after
the cart's swaps (keyboard only), the error summary, and where the order summary sits on a phone and a desktop."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.listing_data import product_listing_refresh
from storefront.models import Category, Product, Variant
from tests.e2e.htmx import settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def catalog():
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    mug = Product.objects.create(name="Stoneware Mug", slug="stoneware-mug", category=kitchen, featured=True)
    salt = Variant.objects.create(product=mug, sku="MUG-SALT", label="Sea Salt", price=Decimal("18.00"), stock=5)
    board = Product.objects.create(name="Olive Wood Board", slug="olive-wood-board", category=kitchen)
    wood = Variant.objects.create(product=board, sku="BOARD", price=Decimal("35.00"), stock=3)
    towel = Product.objects.create(name="Linen Towel", slug="linen-towel", category=kitchen)
    linen = Variant.objects.create(product=towel, sku="TOWEL", price=Decimal("12.00"), stock=9)
    product_listing_refresh(product_ids=[mug.pk, board.pk, towel.pk])
    return {"mug": mug, "salt": salt, "board": board, "wood": wood, "linen": linen}


@pytest.fixture
def open_page(browser):
    """A page at a viewport, with or without JavaScript; closed after the test."""
    contexts = []

    def opener(*, viewport=DESKTOP, javascript=True):
        context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


def _active(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {id: el.id, tag: el.tagName, text: (el.innerText || '').trim(),
                closest_line: el.closest('[data-cart-line]')?.id || ''}; }""")


def _checkout_details(page):
    """From the cart, the checkout with a complete UK address typed in (the country's fields swapped in first)."""
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address", exact=True).fill("12 Analytical Row")
    page.get_by_label("City").fill("London")
    page.get_by_label("Country").select_option("GB")
    settled(page)
    page.get_by_label("Postcode").fill("N1 9GU")


def _fill_cart(live_server, page, *variants):
    """Adds each variant from its product page, then opens the cart."""
    for count, variant in enumerate(variants, start=1):
        page.goto(f"{live_server.url}{variant.product.get_absolute_url()}")
        page.get_by_role("button", name="Add to cart", exact=True).click()
        expect(page.locator("#cart-badge")).to_contain_text(str(count))
    page.goto(f"{live_server.url}/cart/")


# --- Busy states ----------------------------------------------------------------


def test_add_to_cart_shows_it_is_busy_while_the_request_runs(live_server, open_page, catalog):
    page = open_page()
    held = []
    page.route("**/cart/add/", lambda route: held.append(route))
    page.goto(f"{live_server.url}{catalog['board'].get_absolute_url()}")
    button = page.get_by_role("button", name="Add to cart", exact=True)
    button.click()
    expect(button).to_be_disabled()
    expect(page.locator("#add-feedback")).to_have_attribute("aria-busy", "true")
    spinner = button.evaluate("b => getComputedStyle(b, '::before').animationName")
    assert spinner == "spin"
    assert held, "the add request is held"
    held[0].continue_()
    expect(page.get_by_text("Added 1 × Olive Wood Board")).to_be_visible()
    expect(button).to_be_enabled()
    expect(page.locator("#add-feedback")).not_to_have_attribute("aria-busy", "true")


def test_a_cart_line_remove_is_disabled_while_it_runs(live_server, open_page, catalog):
    page = open_page()
    _fill_cart(live_server, page, catalog["wood"])
    held = []
    page.route("**/remove/", lambda route: held.append(route))
    remove = page.locator(f"#remove-{catalog['wood'].pk}")
    remove.click()
    expect(remove).to_be_disabled()
    expect(page.locator("#cart-lines")).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(page.locator("#cart-status")).to_have_text("Removed Olive Wood Board from your cart.")


def test_changing_the_country_holds_the_pay_button_until_the_totals_follow(live_server, open_page, catalog):
    page = open_page()
    _fill_cart(live_server, page, catalog["wood"])
    page.goto(f"{live_server.url}/checkout/")
    held = []
    page.route("**/checkout/",
               lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    page.get_by_label("Country").select_option("GB")
    pay = page.get_by_role("button", name="Continue to payment")
    expect(pay).to_be_disabled()
    expect(page.locator("#shipping-busy")).to_be_visible()
    expect(page.locator("#state-field")).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(pay).to_be_enabled()
    expect(page.locator("#shipping-busy")).to_be_hidden()
    expect(page.get_by_label("Postcode")).to_be_visible()  # the fields followed the country


def test_search_suggestions_show_a_spinner_and_leave_the_box_to_type_in(live_server, open_page, catalog):
    page = open_page()
    page.goto(live_server.url + "/")
    held = []
    page.route("**/search/suggest/**", lambda route: held.append(route))
    box = page.get_by_role("combobox", name="Search products")
    box.fill("mug")
    expect(page.locator("#search-busy")).to_be_visible()
    expect(box).to_be_enabled()
    expect(page.locator("#site-search")).to_be_focused()
    held[0].continue_()
    expect(page.locator("#search-suggestions")).to_contain_text("Stoneware Mug")
    expect(page.locator("#search-busy")).to_be_hidden()
    expect(page.locator("#site-search")).to_be_focused()


# --- The cart notification ----------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_adding_opens_a_notification_that_escape_and_its_button_close(live_server, open_page, catalog, viewport):
    page = open_page(viewport=viewport)
    page.goto(f"{live_server.url}{catalog['mug'].get_absolute_url()}")
    button = page.get_by_role("button", name="Add to cart", exact=True)
    button.click()
    notification = page.get_by_role("dialog", name="Added to your cart")
    expect(notification).to_be_visible()
    expect(notification).to_contain_text("Stoneware Mug")
    expect(notification).to_contain_text("Sea Salt")
    expect(notification).to_contain_text("Quantity 1 · $18.00 each")
    expect(notification.get_by_role("link", name="View cart (1)")).to_be_visible()
    expect(notification.get_by_role("link", name="Checkout")).to_be_visible()
    expect(page.locator("#add-feedback")).to_contain_text("Added 1 × Stoneware Mug")  # the live region
    assert page.evaluate("document.activeElement.matches('[data-cart-notification]')")
    box = notification.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # on screen, phone included
    cart_link = page.get_by_role("link", name=re.compile("^Cart")).bounding_box()
    assert box["y"] >= cart_link["y"] + cart_link["height"]  # under the header: the cart button stays usable
    page.keyboard.press("Escape")
    expect(notification).to_be_hidden()
    expect(page.locator("#add-to-cart")).to_be_focused()  # focus back on the button that added

    button.click()
    expect(notification).to_contain_text("View cart (2)")
    notification.get_by_role("button", name="Close").click()
    expect(notification).to_be_hidden()
    expect(page.locator("#add-to-cart")).to_be_focused()

    button.click()
    expect(notification).to_contain_text("View cart (3)")
    page.get_by_role("heading", name="Stoneware Mug").click()  # a click elsewhere closes it too
    expect(notification).to_be_hidden()


def test_the_notification_links_to_the_cart(live_server, open_page, catalog):
    page = open_page()
    page.goto(f"{live_server.url}{catalog['board'].get_absolute_url()}")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.get_by_role("dialog").get_by_role("link", name="View cart (1)").click()
    expect(page.get_by_role("heading", name="Your cart", exact=True)).to_be_visible()
    expect(page.locator(f"#line-{catalog['wood'].pk}")).to_contain_text("Olive Wood Board")


def test_without_javascript_adding_goes_to_the_cart_with_a_message(live_server, open_page, catalog):
    page = open_page(javascript=False)
    page.goto(f"{live_server.url}{catalog['board'].get_absolute_url()}")
    page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page.get_by_text("Added 1 × Olive Wood Board to your cart.")).to_be_visible()
    # Back where the shopper added (the form's `next`), with the message, as before this change.
    assert page.url.endswith(catalog["board"].get_absolute_url() + f"?variant={catalog['wood'].pk}")
    expect(page.locator("#cart-notification")).to_be_empty()


# --- Focus after the cart's swaps (keyboard only) ------------------------------


def test_keyboard_only_the_cart_keeps_focus_through_quantity_changes_and_removals(live_server, open_page, catalog):
    page = open_page()
    _fill_cart(live_server, page, catalog["salt"], catalog["wood"], catalog["linen"])
    salt, wood, linen = (catalog[k].pk for k in ("salt", "wood", "linen"))
    # Tab to the first quantity, type 3 and Tab on: the change is saved and focus carries on past it.
    page.locator("#cart-heading").focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if _active(page)["id"] == f"qty-{salt}":
            break
    assert _active(page)["id"] == f"qty-{salt}"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    expect(page.locator("#cart-status")).to_have_text("Stoneware Mug – Sea Salt: quantity 3.")
    expect(page.locator("#cart-total")).to_have_text("$101.00")
    settled(page)
    expect(page.locator(f"#update-{salt}")).to_be_focused()  # where Tab was going: the line's next control

    # Remove the first line from the keyboard: focus goes to the next line.
    page.locator(f"#remove-{salt}").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#cart-status")).to_contain_text("Removed Stoneware Mug – Sea Salt from your cart.")
    expect(page.locator(f"#line-{salt}")).to_have_count(0)
    settled(page)
    expect(page.locator(f"#line-{wood} :focus")).to_have_count(1)

    # A quantity of 0 and Enter takes a line out too; focus goes to the line that is left.
    page.locator(f"#qty-{wood}").fill("0")
    page.locator(f"#qty-{wood}").press("Enter")
    expect(page.locator("#cart-status")).to_have_text("Removed Olive Wood Board from your cart.")
    settled(page)
    expect(page.locator(f"#line-{linen} :focus")).to_have_count(1)

    # The last line: focus goes to the empty cart's heading.
    page.locator(f"#remove-{linen}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()
    settled(page)
    expect(page.locator("#cart-empty")).to_be_focused()
    expect(page.locator("#cart-badge")).to_contain_text("0")


def test_keyboard_only_a_refused_discount_code_keeps_focus_in_the_field(live_server, open_page, catalog):
    page = open_page()
    _fill_cart(live_server, page, catalog["wood"])
    code = page.get_by_label("Discount code")
    code.fill("NOSUCHCODE")
    code.press("Enter")
    expect(page.locator("#code-error")).to_be_visible()
    expect(page.locator("#id_code")).to_be_focused()


def test_the_empty_cart_offers_categories_and_featured_products_on_a_phone(live_server, open_page, catalog):
    page = open_page(viewport=PHONE, javascript=False)
    page.goto(f"{live_server.url}/cart/")
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()
    expect(page.get_by_role("navigation", name="Shop by category").get_by_role("link", name="Kitchen")).to_be_visible()
    expect(page.get_by_role("link", name="Continue shopping")).to_be_visible()
    expect(page.get_by_role("heading", name="Featured")).to_be_visible()
    expect(page.get_by_role("link", name="Stoneware Mug")).to_be_visible()


# --- Checkout: the error summary and the order summary's place --------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_failed_checkout_focuses_an_error_summary_that_links_to_the_fields(live_server, open_page, catalog,
                                                                             javascript):
    page = open_page(javascript=javascript)
    _fill_cart(live_server, page, catalog["wood"])
    page.goto(f"{live_server.url}/checkout/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Continue to payment").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("link", name=re.compile("^Email: Enter a valid email address"))).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^Full name:"))).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Full name:")).click()
    if javascript:
        expect(page.locator("#id_full_name")).to_be_focused()
    else:
        expect(page).to_have_url(re.compile("#id_full_name$"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_checkout_shows_the_order_before_the_pay_button(live_server, open_page, catalog, viewport):
    page = open_page(viewport=viewport)
    _fill_cart(live_server, page, catalog["wood"])
    page.goto(f"{live_server.url}/checkout/")
    summary = page.locator("#checkout-summary").bounding_box()
    pay = page.get_by_role("button", name="Continue to payment").bounding_box()
    email = page.get_by_label("Email").bounding_box()
    if viewport is PHONE:
        assert summary["y"] + summary["height"] <= pay["y"]  # read the order, then pay
        assert email["y"] < summary["y"]
    else:
        assert summary["x"] >= email["x"] + email["width"]  # the right column
        assert summary["y"] < pay["y"] and abs(summary["y"] - email["y"]) < 200  # beside the details, at the top


def test_enter_in_a_checkout_field_continues_to_payment(shop, stripe_fake, open_page, catalog):
    page = open_page()
    _fill_cart(shop, page, catalog["wood"])
    _checkout_details(page)
    page.get_by_label("Postcode").press("Enter")  # not "Update shipping options", the form's first visible button
    expect(page).to_have_url(re.compile(re.escape(stripe_fake.base_url) + r"/pay/cs_"))


# --- The thank-you page ---------------------------------------------------------------


def test_the_thank_you_page_shows_what_was_ordered_on_a_phone(shop, stripe_fake, open_page, catalog):
    page = open_page(viewport=PHONE)
    _fill_cart(shop, page, catalog["wood"], catalog["wood"])
    _checkout_details(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(re.escape(stripe_fake.base_url) + r"/pay/cs_"))
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
    summary = page.get_by_role("region", name="Order summary")
    expect(summary).to_contain_text("Olive Wood Board")
    expect(summary.get_by_role("row", name=re.compile("Olive Wood Board"))).to_contain_text("$70.00")
    expect(summary).to_contain_text(re.compile(r"Total\s*\$70\.00"))
    expect(page.get_by_role("complementary", name="Shipping to")).to_contain_text("12 Analytical Row")
    box = summary.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # no sideways scrolling
