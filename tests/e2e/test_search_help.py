"""Search in Chromium when the shopper misspells: the typo is corrected and said so, and a search that
finds nothing offers other spellings, the categories and popular products, at phone and desktop
widths, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from storefront.models import Category
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [390, 1280]


@pytest.fixture
def catalog():
    tees = Category.objects.create(name="T-shirts", slug="t-shirts")
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")
    home = Category.objects.create(name="Home & Living", slug="home")
    factories.product(name="Heavyweight T-Shirt – Forest", slug="tee-forest", category_obj=tees)
    factories.product(name="Stoneware Mug – Sea Salt", slug="mug", category_obj=kitchen)
    factories.product(name="Linen Towel – Sand", slug="towel", category_obj=home)
    for i in range(4):
        loved = factories.product(name=f"Wool Blanket {i}", slug=f"blanket-{i}", category_obj=home)
        factories.review(product_obj=loved, rating=5)


def _search(page, text: str) -> None:
    box = page.get_by_role("combobox", name="Search products")
    box.fill(text)
    box.press("Enter")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_misspelt_search_is_corrected_and_one_that_finds_nothing_offers_a_way_on(
        live_server, browser, catalog, width, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(live_server.url)
        _search(page, "tshrit")
        expect(page.locator("#corrected")).to_have_text(
            "Showing results for “t-shirt”. No products match “tshrit”.")
        expect(page.get_by_role("link", name="Heavyweight T-Shirt – Forest")).to_be_visible()
        expect(page.get_by_role("link", name="Stoneware Mug – Sea Salt")).to_have_count(0)

        _search(page, "tovvel")
        expect(page.get_by_role("heading", name="No products match “tovvel”")).to_be_visible()
        expect(page.locator("#result-count")).to_have_text("0 products")
        expect(page.locator("#filters")).to_have_count(0)  # no filters with (0) counts
        categories = page.get_by_role("region", name="Browse the categories").get_by_role("link")
        expect(categories).to_have_text(["Home & Living", "Kitchen", "T-shirts"])  # as in the menu
        popular = page.get_by_role("region", name="Popular right now").locator("article")
        expect(popular).to_have_count(4)
        # Laid out for the screen: nothing sticks out at 390 px; four cards in a row at 1280 px.
        for i in range(categories.count()):
            box = categories.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        tops = {round(popular.nth(i).bounding_box()["y"]) for i in range(4)}
        assert len(tops) == (1 if width >= 768 else 2), tops
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.get_by_role("link", name="towel", exact=True).click()
        expect(page.get_by_role("heading", name="Results for “towel”")).to_be_visible()
        expect(page.get_by_role("link", name="Linen Towel – Sand")).to_be_visible()
    finally:
        context.close()


def test_the_search_box_suggests_through_a_typo(live_server, page, catalog):
    page.goto(live_server.url)
    box = page.get_by_role("combobox", name="Search products")
    box.press_sequentially("tshrit", delay=40)
    expect(page.get_by_role("option").first).to_contain_text("Heavyweight T-Shirt – Forest")
    expect(page.locator("#search-status")).to_contain_text("1 suggestion")
