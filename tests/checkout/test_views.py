import re

import pytest
from django.urls import reverse

from checkout.models import Order, Payment
from checkout.services.orders import order_place
from storefront.models import Variant
from tests import factories
from tests.support.html import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _add(client, variant, quantity="1", **extra):
    return client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": quantity}, **extra)


# --- Cart -------------------------------------------------------------------


def test_add_to_cart_without_javascript_redirects_with_a_message(client):
    variant = factories.variant(stock=5)
    response = _add(client, variant, "2", follow=True)
    assert response.redirect_chain[-1][0] == reverse("checkout:cart")
    assert "Added 2" in response.content.decode()
    assert client.session["cart"] == {str(variant.pk): 2}


def test_add_to_cart_with_htmx_returns_feedback_and_the_badge_out_of_band(client):
    variant = factories.variant(stock=5)
    response = _add(client, variant, "3", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Added 3" in html
    assert re.search(r'id="cart-badge"[^>]*hx-swap-oob="true"', html)
    assert re.search(r"Items in cart: </span>3<", html)


@pytest.mark.parametrize("quantity", ["-1", "0", "1.5", "1000000000", "abc", ""])
def test_bad_quantities_get_a_message_never_a_500(client, quantity):
    variant = factories.variant(stock=5)
    response = _add(client, variant, quantity, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    expected = ("Quantity must be at least 1. To take an item out, use Remove." if quantity == "0"
                else "Quantity must be a whole number, like 1 or 2.")
    assert expected in page_text(html)
    assert re.search(r"Items in cart: </span>0<", html)  # the badge still reads 0
    assert "cart" not in client.session


def test_a_repeated_quantity_or_posted_price_changes_nothing(client):
    variant = factories.variant(stock=5, price="20.00")
    response = client.post(
        reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": ["1", "5"], "price": "0.01"}, **HTMX
    )
    assert "one quantity" in response.content.decode()
    client.post(reverse("checkout:cart_add"), {"variant": variant.pk, "quantity": "1", "price": "0.01"})
    page = client.get(reverse("checkout:cart")).content.decode()
    assert "$20.00" in page and "$0.01" not in page


def test_cart_page_and_htmx_update_partial(client):
    variant = factories.variant(stock=5, price="4.00")
    _add(client, variant, "1")
    page = client.get(reverse("checkout:cart"))
    assert "Checkout" in page.content.decode()
    response = client.post(reverse("checkout:cart_update", args=[variant.pk]), {"quantity": "3"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="cart-lines">')
    assert "<html" not in html
    assert "$12.00" in html
    assert 'id="cart-badge" hx-swap-oob="true"' in html
    assert client.session["cart"] == {str(variant.pk): 3}


def test_update_beyond_stock_is_refused_in_place(client):
    variant = factories.variant(stock=2)
    _add(client, variant, "1")
    response = client.post(reverse("checkout:cart_update", args=[variant.pk]), {"quantity": "5"}, **HTMX)
    assert "Only 2" in response.content.decode()
    assert client.session["cart"] == {str(variant.pk): 1}


def test_remove_without_javascript(client):
    variant = factories.variant(stock=2)
    _add(client, variant, "1")
    response = client.post(reverse("checkout:cart_remove", args=[variant.pk]), follow=True)
    assert "Your cart is empty" in response.content.decode()


def test_cart_page_query_count_does_not_grow_with_lines(client, django_assert_max_num_queries, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 0  # priced every time (the cached cart: tests/checkout/test_cart_cache.py)
    variants = [factories.variant(stock=5) for _ in range(12)]
    _add(client, variants[0])
    client.get(reverse("checkout:cart"))  # warm the cached menu
    with django_assert_max_num_queries(8) as one_line:
        client.get(reverse("checkout:cart"))
    one = len(one_line)
    for v in variants[1:]:
        _add(client, v)
    client.get(reverse("checkout:cart"))
    with django_assert_max_num_queries(8) as twelve_lines:
        client.get(reverse("checkout:cart"))
    assert len(twelve_lines) == one


def test_sold_out_line_is_flagged_and_checkout_refused(client):
    variant = factories.variant(stock=2)
    _add(client, variant, "1")
    Variant.objects.filter(pk=variant.pk).update(stock=0)
    page = client.get(reverse("checkout:cart")).content.decode()
    assert "Sold out" in page
    assert reverse("checkout:checkout") not in page
    response = client.get(reverse("checkout:checkout"), follow=True)
    assert "need your attention" in response.content.decode()


# --- Checkout through the fake Stripe ---------------------------------------


def test_checkout_redirects_to_stripe_with_line_items_from_the_database(client, stripe_fake):
    variant = factories.variant(stock=5, price="15.00")
    _add(client, variant, "2")
    form = client.get(reverse("checkout:checkout")).content.decode()
    token = re.search(r'name="checkout_token" value="([0-9a-f]{32})"', form).group(1)
    data = factories.checkout_post(token, price="0.01", currency="jpy", status="paid")
    response = client.post(reverse("checkout:checkout"), data)
    assert response.status_code == 303
    assert response["Location"].startswith(stripe_fake.base_url + "/pay/")
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT
    session = stripe_fake.sessions[order.payments.get().session_id]
    assert session["amount_total"] == 3000
    assert session["currency"] == "usd"
    assert session["client_reference_id"] == order.number
    assert session["metadata"]["order_number"] == order.number
    assert session["customer_email"] == "ada@example.com"
    item = session["line_items"][0]
    assert (item["quantity"], item["price_data"]["unit_amount"]) == (2, 1500)
    variant.refresh_from_db()
    assert variant.stock == 3


def test_double_click_creates_one_order_and_one_session(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    data = factories.checkout_post("b" * 32)
    first = client.post(reverse("checkout:checkout"), data)
    second = client.post(reverse("checkout:checkout"), data)
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert len(stripe_fake.sessions) == 1
    variant.refresh_from_db()
    assert variant.stock == 4


def test_invalid_checkout_form_shows_errors_inline(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    response = client.post(reverse("checkout:checkout"), factories.checkout_post(email="not-an-email", city=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address" in html
    assert "This field is required" in html
    assert not Order.objects.exists()


def test_stripe_failure_releases_the_hold_and_keeps_the_cart(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "2")
    stripe_fake.fail_next(1, status=500)
    response = client.post(reverse("checkout:checkout"), factories.checkout_post("c" * 32))
    assert response.status_code == 200
    assert "try again" in response.content.decode()
    variant.refresh_from_db()
    assert variant.stock == 5  # hold released
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT and not order.stock_held
    assert client.session["cart"] == {str(variant.pk): 2}
    # The page keeps the same token, so "Continue to payment" again retries the same order.
    assert 'value="' + "c" * 32 + '"' in response.content.decode()
    retry = client.post(reverse("checkout:checkout"), factories.checkout_post("c" * 32))
    assert retry.status_code == 303
    variant.refresh_from_db()
    assert variant.stock == 3 and Order.objects.count() == 1


def test_a_timeout_then_retry_reuses_the_session_stripe_created(client, stripe_fake, settings):
    """Stripe slow, not down: it creates the session but answers after the SDK's timeout."""
    settings.STRIPE_TIMEOUT = 0.5  # production: 8 s
    settings.STRIPE_MAX_NETWORK_RETRIES = 1  # as in production: the SDK retries once, with the same key
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    slow = stripe_fake.hold_next(1)  # Stripe begins creating the session, and answers when the test says
    response = client.post(reverse("checkout:checkout"), factories.checkout_post("d" * 32))
    # The SDK timed out, and its retry found the first request still executing (409): the shopper is told.
    assert response.status_code == 200
    assert "couldn't reach our payment provider" in page_text(response.content.decode())
    variant.refresh_from_db()
    order = Order.objects.get()
    assert variant.stock == 5 and not order.stock_held and order.status == Order.Status.PENDING_PAYMENT
    assert not order.payments.exists()
    slow.set()  # Stripe finishes creating the session the shop gave up on
    assert stripe_fake.wait_answered(2)
    assert len(stripe_fake.sessions) == 1
    retry = client.post(reverse("checkout:checkout"), factories.checkout_post("d" * 32))
    assert retry.status_code == 303, re.search(r'role="alert">(.*?)<', retry.content.decode(), re.S)
    assert len(stripe_fake.sessions) == 1  # the same idempotency key returned the same session
    [session_id] = stripe_fake.sessions
    assert retry["Location"].endswith(session_id) and order.payments.get().session_id == session_id
    variant.refresh_from_db()
    assert variant.stock == 4 and Order.objects.count() == 1


def test_success_page_fulfils_and_empties_the_cart(client, stripe_fake, mailoutbox, django_capture_on_commit_callbacks):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    client.post(reverse("checkout:checkout"), factories.checkout_post("e" * 32))
    order = Order.objects.get()
    session_id = order.payments.get().session_id
    stripe_fake.complete_session(session_id, deliver=False)  # paid, but the webhook is late
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("checkout:success") + f"?session_id={session_id}")
    html = response.content.decode()
    assert "Thank you for your order" in html
    assert order.display_number in html
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(mailoutbox) == 1
    assert not client.session.get("cart")


def test_success_page_for_an_unknown_session_is_404(client, stripe_fake):
    assert client.get(reverse("checkout:success") + "?session_id=cs_nope").status_code == 404


def test_cancel_returns_to_an_intact_cart_and_releases_stock(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "2")
    client.post(reverse("checkout:checkout"), factories.checkout_post("f" * 32))
    order = Order.objects.get()
    response = client.get(reverse("checkout:cancel", args=[order.number, order.access_token]), follow=True)
    assert "Payment cancelled" in response.content.decode()
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert variant.stock == 5
    assert stripe_fake.sessions[order.payments.get().session_id]["status"] == "expired"
    assert client.session["cart"] == {str(variant.pk): 2}


def test_cancel_with_a_wrong_token_is_404(client, stripe_fake):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    client.post(reverse("checkout:checkout"), factories.checkout_post("9" * 32))
    order = Order.objects.get()
    assert client.get(reverse("checkout:cancel", args=[order.number, "x" * 43])).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


# --- Demo payments ------------------------------------------------------------


def test_demo_payments_in_debug_without_a_key(client, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    response = client.post(reverse("checkout:checkout"), factories.checkout_post("1" * 32))
    demo_url = response["Location"]
    page = client.get(demo_url).content.decode()
    assert "no money moves" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(demo_url, {"action": "pay"}, follow=True)
    assert "Thank you for your order" in done.content.decode()
    assert Order.objects.get().status == Order.Status.PAID
    assert len(mailoutbox) == 1


def test_demo_payment_page_is_unreachable_with_debug_off(client, settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    demo_url = client.post(reverse("checkout:checkout"), factories.checkout_post("2" * 32))["Location"]
    settings.DEBUG = False
    assert client.get(demo_url).status_code == 404
    assert client.post(demo_url, {"action": "pay"}).status_code == 404
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT


def test_checkout_without_stripe_and_without_debug_fails_cleanly(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    response = client.post(reverse("checkout:checkout"), factories.checkout_post("3" * 32))
    assert "not available" in response.content.decode()
    variant.refresh_from_db()
    assert variant.stock == 5


# --- Order page and tracking -------------------------------------------------


def _paid_order():
    variant = factories.variant(stock=5)
    order = order_place(
        cart=factories.cart_with((variant, 1)), details=factories.details(email="Grace@Example.com"),
        checkout_token="7" * 32,
    )
    return order


def test_order_page_needs_the_secret_token(client):
    order = _paid_order()
    assert client.get(order.get_absolute_url()).status_code == 200
    assert client.get(reverse("checkout:order", args=[order.number, "wrong"])).status_code == 404
    partial = client.get(order.get_absolute_url(), **HTMX).content.decode()
    assert partial.lstrip().startswith('<section id="order-status"')
    assert client.get(reverse("checkout:order", args=[order.number, "wrong"]), **HTMX).status_code == 404


def test_tracking_accepts_any_case_and_dashes(client):
    order = _paid_order()
    typed = f"{order.number[:5].lower()}-{order.number[5:].lower()}"
    response = client.post(reverse("checkout:track"), {"email": "grace@example.com ", "number": typed})
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Pending payment" in page and order.lines.get().product_name in page


def test_wrong_email_and_unknown_number_get_the_same_answer(client):
    order = _paid_order()
    wrong_email = client.post(reverse("checkout:track"), {"email": "eve@example.com", "number": order.number})
    unknown = client.post(reverse("checkout:track"), {"email": "grace@example.com", "number": "ZZZZZ-ZZZZZ"})
    assert wrong_email.status_code == unknown.status_code == 200

    def message(response):
        summary = re.search(r'id="error-summary"[^>]*role="alert"[^>]*>(.*?)</div>', response.content.decode(), re.S)
        return summary.group(1)

    assert message(wrong_email) == message(unknown)
    assert "couldn&#x27;t find" in message(unknown)


def test_tracking_is_rate_limited_per_client(client):
    for i in range(5):
        response = client.post(reverse("checkout:track"), {"email": "x@example.com", "number": f"ABCDE{i:05d}"})
        assert response.status_code == 200
    response = client.post(reverse("checkout:track"), {"email": "x@example.com", "number": "ABCDEFGHJK"})
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_tracking_is_rate_limited_per_order_number(client):
    order = _paid_order()
    for i in range(5):
        client.post(
            reverse("checkout:track"), {"email": "x@example.com", "number": order.number},
            REMOTE_ADDR=f"10.0.0.{i}",
        )
    response = client.post(
        reverse("checkout:track"), {"email": "grace@example.com", "number": order.number}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code == 429


def _track(client, number, **meta) -> int:
    return client.post(reverse("checkout:track"), {"email": "x@example.com", "number": number}, **meta).status_code


def test_behind_the_proxy_tracking_is_limited_per_last_hop_whatever_the_hops_before_it_say(client, settings):
    """With SHOP_TRUST_X_FORWARDED_FOR every request comes from the router, which appends the real
    client's address last; whatever a client writes before it is its own."""
    settings.SHOP_TRUST_X_FORWARDED_FOR = True
    router = "10.1.2.3"
    numbers = (f"ABCDE{i:05d}" for i in range(100))
    # One client forging a new first hop each time (even the other client's address) gets 5 tries, not more.
    forged = [_track(client, next(numbers), REMOTE_ADDR=router, HTTP_X_FORWARDED_FOR=f"{first}, 203.0.113.7")
              for first in ("198.51.100.1", "198.51.100.2", "203.0.113.8", "198.51.100.4", "198.51.100.5",
                            "198.51.100.6")]
    assert forged == [200] * 5 + [429]
    # Another client behind the same router has its own 5.
    other = [_track(client, next(numbers), REMOTE_ADDR=router, HTTP_X_FORWARDED_FOR="203.0.113.8")
             for _ in range(6)]
    assert other == [200] * 5 + [429]


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(client, settings):
    settings.SHOP_TRUST_X_FORWARDED_FOR = False
    numbers = (f"ABCDE{i:05d}" for i in range(100))
    # A made-up X-Forwarded-For in every request buys nothing: the connection's address is counted.
    forged = [_track(client, next(numbers), REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
              for i in range(6)]
    assert forged == [200] * 5 + [429]
    # Nor can another client be refused by writing that address in the header.
    assert _track(client, next(numbers), REMOTE_ADDR="192.0.2.2", HTTP_X_FORWARDED_FOR="192.0.2.1") == 200


def test_payment_rows_are_visible_to_staff_in_the_admin(admin_client, stripe_fake, client):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    client.post(reverse("checkout:checkout"), factories.checkout_post("8" * 32))
    order = Order.objects.get()
    page = admin_client.get(reverse("admin:checkout_order_change", args=[order.pk])).content.decode()
    assert order.number in page
    assert Payment.objects.get().session_id in page
    assert "Order placed; stock held." in page
    listing = admin_client.get(reverse("admin:checkout_order_changelist") + f"?q={order.display_number.lower()}")
    assert order.display_number in listing.content.decode()


def test_cart_changes_only_by_post(client):
    variant = factories.variant(stock=5)
    _add(client, variant, "1")
    for name in ("checkout:cart_update", "checkout:cart_remove"):
        assert client.get(reverse(name, args=[variant.pk])).status_code == 405
    assert client.get(reverse("checkout:cart_add")).status_code == 405
