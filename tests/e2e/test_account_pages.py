"""What a newcomer and an operator see: allauth's links look like links and show keyboard focus; the admin's
order list shows every column that matters at 1280 px."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checkout.models import Order
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "staff-passphrase-123"


@pytest.fixture(params=[(390, True), (390, False), (1280, True), (1280, False)],
                ids=["390-js", "390-nojs", "1280-js", "1280-nojs"])
def sized_page(browser, request):
    width, javascript = request.param
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _looks(locator) -> dict:
    """How a link and the text around it look: colour and underline."""
    return locator.evaluate("""link => {
        const own = getComputedStyle(link), around = getComputedStyle(link.parentElement);
        return {colour: own.color, text: around.color, underline: own.textDecorationLine.includes('underline')};
    }""")


@pytest.mark.parametrize("path, name", [
    ("/accounts/login/", "sign up"),
    ("/accounts/login/", "Forgot your password?"),
    ("/accounts/signup/", "sign in"),
])
def test_the_sign_in_pages_links_look_like_links(live_server, sized_page, path, name):
    sized_page.goto(live_server.url + path)
    link = sized_page.get_by_role("link", name=name, exact=True)
    expect(link).to_be_visible()
    looks = _looks(link)
    assert looks["underline"] and looks["colour"] != looks["text"], looks
    # In the shop's layout: its header and footer are on the page.
    expect(sized_page.get_by_role("navigation", name="Your shop")).to_be_attached()
    expect(sized_page.locator("footer")).to_contain_text("Track an order")


def test_a_keyboard_user_sees_where_focus_is_on_the_sign_in_links(live_server, page):
    page.goto(live_server.url + "/accounts/login/")
    for name in ("sign up", "Forgot your password?"):
        link = page.get_by_role("link", name=name, exact=True)
        for _ in range(40):  # Tab through the page until the link has focus
            page.keyboard.press("Tab")
            if link.evaluate("link => document.activeElement === link"):
                break
        else:
            pytest.fail(f"Tab never reached {name!r}")
        outline = link.evaluate("link => { const s = getComputedStyle(link);"
                                " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }")
        assert outline["style"] != "none" and outline["width"] >= 2, outline
        page.keyboard.press("Shift+Tab")  # leave it, so the next search starts from here


def test_the_admin_order_list_shows_status_payment_total_and_review_at_1280_px(live_server, page):
    factories.user(email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    for n in range(3):  # long names and addresses, as real customers have
        Order.objects.create(
            email=f"maximiliana.featherstonehaugh-{n}@a-rather-long-domain.example.com",
            full_name=f"Maximiliana Featherstonehaugh-Cholmondeley {n}", address_line1="1 Long Road", city="London",
            postal_code="N1 9GU", country="GB", currency="usd", subtotal=Decimal("1234.00"),
            total=Decimal("1234.00"), status="paid", payment_state="paid", amount_paid=Decimal("1234.00"),
            needs_review=n == 0,
        )
    page.goto(live_server.url + "/admin/checkout/order/")
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/admin/checkout/order/$"))
    expect(page.locator("#changelist-filter")).to_be_visible()  # the filters take their room beside the list
    width = page.viewport_size["width"]
    results = page.locator("#changelist .results")  # scrolls sideways when the columns do not fit
    assert results.evaluate("r => r.scrollWidth <= r.clientWidth"), "the order list scrolls sideways"
    visible = results.bounding_box()
    for column in ("status", "payment_state", "total", "needs_review"):
        cells = page.locator(f"#result_list th.column-{column}, #result_list td.field-{column}")
        assert cells.count() == 4, column  # the header and three rows
        for i in range(cells.count()):
            box = cells.nth(i).bounding_box()
            assert box and box["x"] >= visible["x"] and box["x"] + box["width"] <= visible["x"] + visible["width"]
            assert box["x"] + box["width"] <= width, (column, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing to scroll sideways to


def test_a_shopper_finds_the_returns_policy_from_the_footer_and_the_checkout(live_server, sized_page):
    from demo.pages import pages_load
    from demo.pricing import pricing_load
    from storefront.listing_data import product_listing_refresh

    pricing_load()
    pages_load()
    variant = factories.variant(stock=5, price="30.00", name="Canvas Tote")
    product_listing_refresh(product_ids=[variant.product_id])
    sized_page.goto(live_server.url + "/")
    footer = sized_page.locator("footer")
    footer.get_by_role("link", name="Free 30-day returns").click()
    expect(sized_page.get_by_role("heading", level=1)).to_have_text("Free 30-day returns")
    expect(sized_page.locator("main")).to_contain_text("within 30 days of delivery for a full refund")
    footer.get_by_role("link", name="Shipping").click()
    expect(sized_page.locator("main")).to_contain_text("Standard: $5.00, free on orders over $75.00")

    sized_page.goto(live_server.url + variant.product.get_absolute_url())
    sized_page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(sized_page.locator("#cart-badge")).to_contain_text("1")  # with htmx, or after the form's redirect
    sized_page.goto(live_server.url + "/checkout/")
    policies = sized_page.get_by_role("navigation", name="Our policies")
    expect(policies).to_be_visible()
    box = policies.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= sized_page.viewport_size["width"]
    policies.get_by_role("link", name="Terms of sale").click()
    expect(sized_page.get_by_role("heading", level=1)).to_have_text("Terms of sale")
