"""What a shopper notices around the cart and checkout: the cart notification after an add, 0 taking a line out,
the cart's announcements, the empty cart, the error summary after a failed form, the thank-you page's summary,
and that every htmx action shows it is busy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from checkout.models import Order
from tests import factories
from tests.support.html import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _add(client, variant, quantity="1", **extra):
    return client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": quantity}, **extra)


def _region(html: str, element_id: str) -> str:
    """The markup of the element with this id, up to its matching close tag (divs and sections nest)."""
    start = re.search(rf'<(\w+)[^>]*\bid="{element_id}"', html)
    assert start, f"no #{element_id}"
    tag, depth, pos = start.group(1), 0, start.start()
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[pos:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html[pos:pos + match.end()]
    raise AssertionError(f"#{element_id} is not closed")


# --- The cart notification ----------------------------------------------------


def test_adding_with_htmx_shows_what_was_added_in_the_cart_notification(client):
    mug = factories.option_product(name="Stoneware Mug", sizes=("M",), colours=("Red", "Blue"), price="18.00")
    red = mug.variants.get(label="M / Red")
    _add(client, mug.variants.get(label="M / Blue"), "1")
    response = _add(client, red, "2", **HTMX)
    html = response.content.decode()
    notification = _region(html, "cart-notification")
    assert 'hx-swap-oob="innerHTML"' in notification
    text = page_text(notification)
    assert "Added to your cart" in text
    assert "Stoneware Mug" in text and "M / Red" in text
    assert "Quantity 2 · $18.00 each" in text
    assert "View cart (3)" in text  # the cart's count, the blue one included
    assert f'href="{reverse("checkout:cart")}"' in notification
    assert f'href="{reverse("checkout:checkout")}"' in notification
    assert 'role="dialog"' in notification and "data-close-notification" in notification
    assert "Added 2 × Stoneware Mug" in page_text(html)  # the live region beside the button says it too


def test_a_refused_add_shows_no_notification(client):
    variant = factories.variant(stock=1)
    html = _add(client, variant, "5", **HTMX).content.decode()
    assert "Only 1" in html
    assert "cart-notification" not in html


def test_every_page_has_the_empty_notification_host_and_the_script(client):
    html = client.get(reverse("checkout:cart")).content.decode()
    assert '<div id="cart-notification" class="cart-notification-host"></div>' in html
    assert "js/shop.js" in html


# --- Quantities and announcements ---------------------------------------------


def test_a_quantity_of_zero_removes_the_line_with_htmx(client):
    keep = factories.variant(stock=5, name="Linen Towel")
    drop = factories.variant(stock=5, name="Olive Wood Board")
    _add(client, keep)
    _add(client, drop, "2")
    response = client.post(reverse("checkout:cart_update", args=[drop.pk]), {"quantity": "0"}, **HTMX)
    html = response.content.decode()
    assert client.session["cart"] == {str(keep.pk): 1}
    assert f'id="line-{drop.pk}"' not in html and f'id="line-{keep.pk}"' in html
    status = _region(html, "cart-status")
    assert 'hx-swap-oob="innerHTML"' in status
    assert page_text(status) == "Removed Olive Wood Board from your cart."


def test_a_quantity_of_zero_removes_the_line_without_javascript(client):
    variant = factories.variant(stock=5, name="Olive Wood Board")
    _add(client, variant)
    response = client.post(reverse("checkout:cart_update", args=[variant.pk]), {"quantity": "0"}, follow=True)
    text = page_text(response.content.decode())
    assert "Removed Olive Wood Board from your cart." in text
    assert "Your cart is empty" in text


def test_the_cart_page_lets_a_quantity_go_to_zero_and_says_what_it_does(client):
    variant = factories.variant(stock=5)
    _add(client, variant)
    html = client.get(reverse("checkout:cart")).content.decode()
    assert re.search(rf'id="qty-{variant.pk}"[^>]*min="0"', html)
    assert "A quantity of 0 removes the item." in html


def test_the_cart_status_region_stays_in_the_page_and_htmx_answers_fill_it(client):
    variant = factories.variant(stock=5, name="Linen Towel")
    _add(client, variant)
    page = client.get(reverse("checkout:cart")).content.decode()
    # The live region is outside #cart-lines, so swapping the lines does not replace it.
    assert page.index('id="cart-status"') < page.index('id="cart-lines"')
    assert 'role="status" aria-live="polite"' in _region(page, "cart-status")
    html = client.post(reverse("checkout:cart_update", args=[variant.pk]), {"quantity": "3"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<div id="cart-lines">')
    assert page_text(_region(html, "cart-status")) == "Linen Towel: quantity 3."


# --- The empty cart ---------------------------------------------------------


def test_the_empty_cart_suggests_categories_and_featured_products(client):
    kitchen = factories.category(name="Kitchen", slug="kitchen")
    factories.product(name="Stoneware Mug", category_obj=kitchen, featured=True, price="18.00")
    factories.product(name="Plain Spoon", category_obj=kitchen)
    html = client.get(reverse("checkout:cart")).content.decode()
    text = page_text(html)
    assert "Your cart is empty" in text
    assert re.search(r'href="/"[^>]*>Continue shopping<', html)
    assert re.search(r'<nav aria-label="Shop by category".*?>Kitchen<', html, re.S)
    featured = html[html.index("cart-featured-heading"):]
    assert "Stoneware Mug" in featured and "$18.00" in featured
    assert "Plain Spoon" not in featured


def test_a_cart_with_lines_does_not_look_up_featured_products(client):
    factories.product(name="Stoneware Mug", featured=True)
    variant = factories.variant(stock=5)
    _add(client, variant)
    html = client.get(reverse("checkout:cart")).content.decode()
    assert "cart-featured-heading" not in html and "Stoneware Mug" not in html


# --- Error summaries ----------------------------------------------------------


def test_a_failed_checkout_shows_an_error_summary_that_links_to_each_field(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant)
    response = client.post(reverse("checkout:checkout"), factories.checkout_post(email="not-an-email", city=""))
    html = response.content.decode()
    summary = _region(html, "error-summary")
    assert re.search(r'role="alert"', summary) and 'tabindex="-1"' in summary and "autofocus" in summary
    assert re.search(r'<a href="#id_email">Email: Enter a valid email address\.</a>', summary)
    assert re.search(r'<a href="#id_city">City: This field is required\.</a>', summary)
    assert html.index('id="error-summary"') < html.index('id="id_email"')  # above the fields
    assert html.count("autofocus") == 1
    assert not Order.objects.exists()


def test_an_expired_checkout_form_says_so_in_the_summary(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant)
    html = client.post(reverse("checkout:checkout"), factories.checkout_post(token="nope")).content.decode()
    assert "This form has expired" in page_text(_region(html, "error-summary"))


def test_a_checkout_page_without_errors_has_no_summary(client):
    variant = factories.variant(stock=5)
    _add(client, variant)
    html = client.get(reverse("checkout:checkout")).content.decode()
    assert 'id="error-summary"' not in html and "autofocus" not in html


def test_the_track_form_error_is_summarised_and_focused(client):
    response = client.post(reverse("checkout:track"), {"email": "", "number": ""})
    summary = _region(response.content.decode(), "error-summary")
    assert '<a href="#id_email">Email: This field is required.</a>' in summary
    assert "autofocus" in summary


# --- Checkout layout ------------------------------------------------------------


def test_the_order_summary_comes_before_the_pay_button_in_the_checkout_markup(client):
    variant = factories.variant(stock=5)
    _add(client, variant)
    html = client.get(reverse("checkout:checkout")).content.decode()
    form = _region(html, "checkout-form")
    assert form.index('id="checkout-summary"') < form.index('id="continue-to-payment"')
    assert form.index('id="id_email"') < form.index('id="checkout-summary"')


# --- The thank-you page ---------------------------------------------------------


def test_the_thank_you_page_summarises_the_order_from_its_stored_figures(client, stripe_fake):
    method = factories.shipping_method(countries="GB", name="Royal Mail", price="4.00")
    variant = factories.variant(stock=5, price="10.00", name="Olive Wood Board")
    _add(client, variant, "2")
    placed = client.post(reverse("checkout:checkout"), factories.checkout_post("f" * 32, shipping_method=method.pk))
    assert placed.status_code == 303
    order = Order.objects.get()
    variant.price = "99.00"  # a later price change does not change what was bought
    variant.save()
    session_id = order.payments.get().session_id
    stripe_fake.complete_session(session_id, deliver=False)
    html = client.get(reverse("checkout:success") + f"?session_id={session_id}").content.decode()
    summary = page_text(_region(html, "success-summary"))
    assert "Olive Wood Board" in summary
    assert "$10.00" in summary and "$20.00" in summary
    assert "$99.00" not in summary
    assert "Shipping" in summary and "$4.00" in summary
    assert f"Total ${order.total}" in summary
    address = page_text(_region(html, "success-address"))
    assert "Ada Lovelace" in address and "12 Analytical Row" in address and "London" in address
    assert order.display_number in page_text(html)
    assert f'href="{reverse("checkout:track")}"' in html
    assert order.get_absolute_url() in html


# --- Busy states ----------------------------------------------------------------


HTMX_ACTION = re.compile(r"<(\w+)\b(?=[^>]*\bhx-(?:post|get)=)[^>]*>", re.S)


def test_every_htmx_action_in_the_templates_shows_it_is_busy():
    """Each element that makes an htmx request names what it disables or where its spinner is (a poll in the
    background, `hx-trigger="every …"`, does not: the shopper did nothing)."""
    missing = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for match in HTMX_ACTION.finditer(path.read_text()):
            tag = match.group(0)
            if "every " in tag:
                continue
            if "hx-disabled-elt" not in tag and "hx-indicator" not in tag:
                missing.append(f"{path.name}: {tag[:80]}")
    assert not missing, missing


def test_the_checkout_selects_show_they_are_busy_and_hold_the_pay_button(client):
    variant = factories.variant(stock=5)
    _add(client, variant)
    html = client.get(reverse("checkout:checkout")).content.decode()
    for name in ("country", "state"):
        tag = re.search(rf'<select[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'hx-indicator="#shipping-busy"' in tag and 'hx-disabled-elt="#continue-to-payment"' in tag


def test_a_refused_review_is_summarised_in_place_and_takes_focus(client):
    item = factories.product(name="Enamel Mug")
    shopper = factories.user()
    factories.paid_order(user=shopper, variant=item.variants.get())
    client.force_login(shopper)
    url = reverse("storefront:review", args=[item.slug])
    for extra in ({}, HTMX):  # the full page without JavaScript, the #review-form partial with it
        html = client.post(url, {"rating": "0"}, **extra).content.decode()
        summary = _region(html, "error-summary")
        assert "Choose a rating" in page_text(summary)
        assert 'role="alert"' in summary and "autofocus" in summary  # htmx focuses [autofocus] in a swap
