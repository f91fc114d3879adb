"""Browsing on a phone and on a desktop: the "Filter and sort" drawer, the product gallery and colour
swatches, with and without JavaScript (axe-core checks every page these tests load: conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from storefront.models import Category, OptionValue, Variant
from tests import factories
from tests.e2e.htmx import settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog():
    apparel = Category.objects.create(name="Apparel", slug="apparel",
                                      description="Shirts, socks and everything else you wear on a walk.")
    tee = factories.option_product(name="Field Tee", slug="field-tee", category_obj=apparel, sizes=("S", "M"),
                                   colours=("Red", "Sea Glass"), price="20.00")
    OptionValue.objects.filter(value="Sea Glass").update(swatch="#96C8B9")
    red = factories.product_image(product_obj=tee, alt="A red tee", colour="red")
    green = factories.product_image(product_obj=tee, alt="A sea-glass tee", colour="#96c8b9", position=1)
    factories.product_image(product_obj=tee, alt="The tee's label", colour="white", position=2)
    Variant.objects.filter(product=tee, label__endswith="Red").update(image=red)
    Variant.objects.filter(product=tee, label__endswith="Glass").update(image=green)
    for i in range(14):
        factories.product(category_obj=apparel, name=f"Wool Sock {i:02d}", price=str(5 + i), stock=0 if i % 3 else 4)
    return {"tee": tee, "apparel": apparel}


def _first_card_top(page) -> float:
    return page.locator("#product-list article").first.bounding_box()["y"]


# --------------------------------------------------------------------------
# Filter and sort
# --------------------------------------------------------------------------


def test_on_a_phone_the_first_product_is_on_the_first_screen_and_filters_open_as_a_drawer(
        live_server, phone_page, catalog, a11y):
    page = phone_page
    page.goto(live_server.url + "/c/apparel/")
    assert _first_card_top(page) < 844 - 100  # the first card's picture starts on the first screen
    expect(page.get_by_label("Sort by")).to_be_hidden()

    opener = page.get_by_role("link", name="Filter and sort")
    opener.focus()
    page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog", name="Filter and sort")
    expect(drawer).to_be_visible()
    assert page.evaluate("document.getElementById('filters').contains(document.activeElement)")
    a11y.check_live(page, "drawer open")
    # Tab stays in the drawer.
    for _ in range(30):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('filters').contains(document.activeElement)")

    # Filtering works in the drawer, which stays open while the results follow.
    page.get_by_label(re.compile("In stock only")).check()
    expect(page.locator("#result-count")).to_have_text("Showing 6 of 6 products")
    expect(page).to_have_url(re.compile(r"\?in_stock=1$"))
    expect(drawer).to_be_visible()
    settled(page)  # the swapped-in filter form listens for changes only once it has settled
    page.get_by_label("Sort by").select_option("price")
    expect(page).to_have_url(re.compile(r"in_stock=1&sort=price$"))
    expect(drawer).to_be_visible()

    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "filters-open"
    expect(page.locator("#product-list article h3").first).to_have_text("Wool Sock 00")

    # "Apply" closes it too.
    page.get_by_role("link", name=re.compile("Filter and sort")).click()
    expect(drawer).to_be_visible()
    page.get_by_role("button", name="Apply").click()
    expect(drawer).to_be_hidden()
    expect(page.locator("#filters-open")).to_be_focused()  # once the results are in, back on the button
    assert _first_card_top(page) < 844


def test_on_a_phone_without_javascript_the_drawer_opens_and_filters(live_server, phone_nojs_page, catalog):
    page = phone_nojs_page
    page.goto(live_server.url + "/c/apparel/")
    assert _first_card_top(page) < 844 - 100
    expect(page.get_by_label("Sort by")).to_be_hidden()
    page.get_by_role("link", name="Filter and sort").click()
    expect(page.get_by_label("Sort by")).to_be_visible()
    expect(page.get_by_role("heading", name="Filter and sort")).to_be_visible()
    page.get_by_label(re.compile("In stock only")).check()
    page.get_by_label("Sort by").select_option("price")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#result-count")).to_have_text("Showing 6 of 6 products")
    expect(page.get_by_label("Sort by")).to_be_hidden()
    expect(page.locator("#product-list article h3").first).to_have_text("Wool Sock 00")
    assert _first_card_top(page) < 844
    # "Close" without applying.
    page.get_by_role("link", name=re.compile("Filter and sort")).click()
    page.get_by_role("link", name="Close filters").click()
    expect(page.get_by_label("Sort by")).to_be_hidden()


def test_on_a_desktop_the_filters_are_a_sidebar(live_server, page, catalog):
    page.goto(live_server.url + "/c/apparel/")
    expect(page.get_by_role("link", name="Filter and sort")).to_be_hidden()
    sort = page.get_by_label("Sort by")
    expect(sort).to_be_visible()
    assert sort.bounding_box()["x"] < _card_left(page)
    assert abs(page.locator("#filters").bounding_box()["y"] - page.locator("#result-count").bounding_box()["y"]) < 40


def _card_left(page) -> float:
    return page.locator("#product-list article").first.bounding_box()["x"]


# --------------------------------------------------------------------------
# The gallery
# --------------------------------------------------------------------------


def test_gallery_thumbnails_show_their_picture_with_the_keyboard(live_server, page, catalog):
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    photo = page.locator("#product-photo img")
    gallery = page.get_by_role("list", name="Pictures of Field Tee")
    expect(photo).to_have_attribute("alt", "A red tee")
    expect(gallery.locator("[aria-current=true]")).to_have_count(1)
    expect(gallery.get_by_role("link", name="A red tee")).to_have_attribute("aria-current", "true")
    label = gallery.get_by_role("link", name="The tee's label")
    label.focus()
    page.keyboard.press("Enter")
    expect(photo).to_have_attribute("alt", "The tee's label")
    expect(label).to_have_attribute("aria-current", "true")
    expect(gallery.get_by_role("link", name="A red tee")).not_to_have_attribute("aria-current", "true")
    assert page.evaluate("document.activeElement.getAttribute('data-gallery-thumb')") is not None
    assert "image=" not in page.url  # shown in place
    # Choosing a colour shows its picture, and the gallery follows.
    page.get_by_text("Sea Glass", exact=True).click()
    expect(photo).to_have_attribute("alt", "A sea-glass tee")
    expect(gallery.get_by_role("link", name="A sea-glass tee")).to_have_attribute("aria-current", "true")
    expect(gallery.locator("[aria-current=true]")).to_have_count(1)


def test_gallery_thumbnails_without_javascript_open_the_picture(live_server, nojs_page, catalog):
    page = nojs_page
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    page.get_by_role("link", name="The tee's label").click()
    expect(page).to_have_url(re.compile(r"\?variant=\d+&image=\d+#product-photo$"))
    expect(page.locator("#product-photo img")).to_have_attribute("alt", "The tee's label")
    expect(page.get_by_role("link", name="The tee's label")).to_have_attribute("aria-current", "true")


# --------------------------------------------------------------------------
# Colour swatches
# --------------------------------------------------------------------------


def _option(page, name: str):
    return page.locator("#variant-options label", has=page.get_by_role("radio", name=name, exact=True))


def _swatch_colour(page, name: str) -> str:
    return _option(page, name).locator(".swatch").evaluate("el => getComputedStyle(el).backgroundColor")


def _border(page, name: str) -> str:
    return _option(page, name).locator("span").first.evaluate("el => getComputedStyle(el).borderColor")


def test_colour_options_are_swatches_chosen_by_keyboard(live_server, page, catalog):
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    assert _swatch_colour(page, "Sea Glass") == "rgb(150, 200, 185)"  # set in the admin
    assert _swatch_colour(page, "Red") == "rgb(192, 57, 43)"  # from the name
    expect(_option(page, "M").locator(".swatch")).to_have_count(0)  # sizes are not colours
    unchosen = _border(page, "Sea Glass")
    colours = page.get_by_role("group", name=re.compile("^Colour"))
    red = colours.get_by_role("radio", name="Red")
    expect(red).to_be_checked()
    red.focus()
    page.keyboard.press("ArrowRight")
    expect(colours.get_by_role("radio", name="Sea Glass")).to_be_checked()
    expect(page.locator("#product-photo img")).to_have_attribute("alt", "A sea-glass tee")
    expect(colours).to_have_accessible_name(re.compile("Colour: Sea Glass"))
    assert _border(page, "Sea Glass") != unchosen == _border(page, "Red")  # the chosen one stands out


def test_colour_swatches_without_javascript(live_server, nojs_page, catalog):
    page = nojs_page
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    _option(page, "Sea Glass").click()
    page.get_by_role("button", name="Choose").click()
    expect(page).to_have_url(re.compile(r"\?variant=\d+$"))
    expect(page.get_by_role("radio", name="Sea Glass")).to_be_checked()
    expect(page.locator("#product-photo img")).to_have_attribute("alt", "A sea-glass tee")


def test_on_a_phone_the_gallery_and_swatches_fit_and_are_big_enough_to_tap(live_server, phone_page, catalog):
    page = phone_page
    page.goto(live_server.url + catalog["tee"].get_absolute_url())
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # nothing sideways
    for thumb in page.locator("[data-gallery-thumb]").all():
        box = thumb.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    chip = _option(page, "Sea Glass").locator("span").first.bounding_box()
    assert chip["height"] >= 36 and chip["x"] + chip["width"] <= 390
    page.get_by_role("link", name="The tee's label").click()
    expect(page.locator("#product-photo img")).to_have_attribute("alt", "The tee's label")
