from decimal import Decimal

import pytest

from checkout import services
from checkout.cart import cart_summary
from checkout.models import Order, OrderEvent
from checkout.services import CheckoutError
from checkout.stripe_gateway import CheckoutSession
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db


# --- Quantities and the cart -------------------------------------------------


@pytest.mark.parametrize("raw", ["-1", "0", "1.5", "abc", "", "1e3", "1000000000", " "])
def test_bad_quantities_are_refused_with_a_message(raw):
    with pytest.raises(CheckoutError) as error:
        services.quantity_parse([raw])
    assert error.value.message


def test_a_repeated_quantity_field_is_refused():
    with pytest.raises(CheckoutError, match="one quantity"):
        services.quantity_parse(["1", "2"])


def test_cart_add_adds_to_the_same_line_and_totals_from_database_prices():
    variant = factories.variant(price="4.20", stock=10)
    cart = factories.cart()
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    assert cart.quantities() == {variant.pk: 3}
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("5.00"))  # price change after adding
    summary = cart_summary(cart)
    assert summary.subtotal == Decimal("15.00")
    assert summary.count == 3
    assert summary.can_checkout


def test_cart_add_refuses_more_than_the_stock():
    variant = factories.variant(stock=3)
    cart = factories.cart()
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    with pytest.raises(CheckoutError, match="Only 3"):
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    assert cart.quantities() == {variant.pk: 2}


def test_cart_add_refuses_more_than_the_line_cap(settings):
    settings.SHOP_MAX_LINE_QUANTITY = 4
    variant = factories.variant(stock=100)
    with pytest.raises(CheckoutError, match="at most 4"):
        services.cart_add(cart=factories.cart(), variant_id=variant.pk, quantity=5)


def test_cart_add_refuses_sold_out_and_inactive_variants():
    sold_out = factories.variant(stock=0)
    inactive = factories.variant(stock=5)
    Variant.objects.filter(pk=inactive.pk).update(active=False)
    cart = factories.cart()
    with pytest.raises(CheckoutError, match="sold out"):
        services.cart_add(cart=cart, variant_id=sold_out.pk, quantity=1)
    with pytest.raises(CheckoutError, match="no longer available"):
        services.cart_add(cart=cart, variant_id=inactive.pk, quantity=1)
    with pytest.raises(CheckoutError, match="no longer available"):
        services.cart_add(cart=cart, variant_id=999999, quantity=1)
    assert not cart


def test_cart_update_and_remove():
    variant = factories.variant(stock=5)
    cart = factories.cart()
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    services.cart_update(cart=cart, variant_id=variant.pk, quantity=4)
    assert cart.quantity_of(variant.pk) == 4
    with pytest.raises(CheckoutError):
        services.cart_update(cart=cart, variant_id=variant.pk, quantity=6)
    assert cart.quantity_of(variant.pk) == 4
    services.cart_remove(cart=cart, variant_id=variant.pk)
    assert not cart


def test_lines_that_went_out_of_stock_or_inactive_are_flagged_and_block_checkout():
    a, b = factories.variant(stock=5), factories.variant(stock=5)
    cart = factories.cart_with((a, 2), (b, 1))
    Variant.objects.filter(pk=a.pk).update(stock=0)
    Variant.objects.filter(pk=b.pk).update(active=False)
    summary = cart_summary(cart)
    problems = {line.variant_id: line.problem for line in summary.lines}
    assert "Sold out" in problems[a.pk]
    assert "No longer available" in problems[b.pk]
    assert not summary.can_checkout


# --- Placing an order and holding stock -------------------------------------


def test_order_place_holds_stock_and_snapshots_lines():
    variant = factories.variant(price="9.99", stock=5)
    order = services.order_place(
        cart=factories.cart_with((variant, 2)), details=factories.details(), checkout_token="t" * 32
    )
    variant.refresh_from_db()
    assert variant.stock == 3
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.stock_held
    assert order.total == Decimal("19.98")
    line = order.lines.get()
    assert (line.product_name, line.sku, line.unit_price, line.quantity, line.line_total) == (
        variant.product.name, variant.sku, Decimal("9.99"), 2, Decimal("19.98"),
    )
    event = order.events.get()
    assert (event.from_status, event.to_status) == ("", "pending_payment")


def test_order_numbers_are_random_friendly_and_unique():
    variant = factories.variant(stock=50)
    numbers = set()
    for i in range(20):
        order = services.order_place(
            cart=factories.cart_with((variant, 1)), details=factories.details(), checkout_token=f"{i:032x}"
        )
        assert len(order.number) == 10
        assert not set(order.number) & set("01IO")
        numbers.add(order.number)
    assert len(numbers) == 20


def test_a_short_line_holds_nothing_and_names_the_item():
    plenty = factories.variant(stock=10)
    short = factories.variant(stock=1)
    with pytest.raises(CheckoutError) as error:
        services.order_place(
            cart=factories.cart_with((plenty, 2), (short, 2)), details=factories.details(), checkout_token="s" * 32
        )
    assert short.product.name in error.value.message
    plenty.refresh_from_db()
    short.refresh_from_db()
    assert (plenty.stock, short.stock) == (10, 1)
    assert not Order.objects.exists()


def test_the_same_checkout_token_places_one_order():
    variant = factories.variant(stock=5)
    cart = factories.cart_with((variant, 1))
    first = services.order_place(cart=cart, details=factories.details(), checkout_token="d" * 32)
    second = services.order_place(cart=cart, details=factories.details(), checkout_token="d" * 32)
    assert first.pk == second.pk
    variant.refresh_from_db()
    assert variant.stock == 4


def test_stock_release_happens_once():
    variant = factories.variant(stock=5)
    order = services.order_place(
        cart=factories.cart_with((variant, 3)), details=factories.details(), checkout_token="r" * 32
    )
    assert services.stock_release(order=order)
    assert not services.stock_release(order=order)
    variant.refresh_from_db()
    assert variant.stock == 5


# --- The status machine -----------------------------------------------------

ALL = list(Order.Status.values)
LEGAL = {
    ("pending_payment", "awaiting_payment"), ("pending_payment", "paid"),
    ("pending_payment", "cancelled"), ("pending_payment", "expired"),
    ("awaiting_payment", "paid"), ("awaiting_payment", "cancelled"),
    ("paid", "processing"), ("paid", "cancelled"),
    ("paid_out_of_stock", "paid"), ("paid_out_of_stock", "cancelled"),
    ("processing", "shipped"), ("processing", "cancelled"),
    ("shipped", "delivered"),
    ("cancelled", "paid"), ("cancelled", "paid_out_of_stock"),
    ("expired", "paid"), ("expired", "paid_out_of_stock"),
}


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", list(Order.Status.values))
def test_transition_table(source, target):
    order = Order.objects.create(
        email="a@example.com", full_name="A", address_line1="x", city="y", postal_code="z", country="US",
        currency="usd", subtotal=1, total=1, status=source,
    )
    if (source, target) in LEGAL:
        services.order_transition(order=order, to=target, actor_label="test")
        assert order.status == target
        assert OrderEvent.objects.filter(order=order, to_status=target).exists()
    else:
        with pytest.raises(CheckoutError, match="cannot go from"):
            services.order_transition(order=order, to=target)
        assert not OrderEvent.objects.exists()


# --- Fulfilment -------------------------------------------------------------


def _placed(stock=5, quantity=2, price="10.00"):
    variant = factories.variant(stock=stock, price=price)
    order = services.order_place(
        cart=factories.cart_with((variant, quantity)), details=factories.details(), checkout_token="f" * 32
    )
    return variant, order


def _session(order, payment, **kwargs):
    values = dict(
        id=payment.session_id, url="", status="complete", payment_status="paid", amount_total=order.total,
        currency=order.currency, payment_intent="pi_123", order_number=order.number,
    )
    return CheckoutSession(**(values | kwargs))


def test_fulfil_twice_marks_paid_once_and_sends_one_receipt(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.DEBUG = True  # demo payments: no Stripe needed for the service itself
    variant, order = _placed()
    services.payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_payment_succeeded(session=_session(order, payment), actor_label="test")
    with django_capture_on_commit_callbacks(execute=True):
        services.order_payment_succeeded(session=_session(order, payment), actor_label="test")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.stock_held  # the held units are now sold
    assert order.payment_state == Order.PaymentState.PAID and order.amount_paid == order.total
    assert order.events.filter(to_status="paid", kind="status").count() == 1
    assert len(mailoutbox) == 1
    assert order.display_number in mailoutbox[0].subject
    assert order.receipt_sent_at is not None
    variant.refresh_from_db()
    assert variant.stock == 3  # sold, not returned


def test_an_amount_mismatch_never_marks_paid(settings):
    settings.DEBUG = True
    _, order = _placed()
    services.payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    services.order_payment_succeeded(session=_session(order, payment, amount_total=Decimal("0.50")), actor_label="t")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.needs_review
    assert "0.50" in order.review_reason
    services.order_payment_succeeded(session=_session(order, payment, currency="eur"), actor_label="t")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_expiry_releases_stock_exactly_once(settings):
    settings.DEBUG = True
    variant, order = _placed(stock=5, quantity=2)
    services.payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    expired = _session(order, payment, status="expired", payment_status="unpaid")
    services.order_session_expired(session=expired, actor_label="t")
    services.order_session_expired(session=expired, actor_label="t")
    variant.refresh_from_db()
    order.refresh_from_db()
    assert variant.stock == 5
    assert order.status == Order.Status.EXPIRED


def test_payment_after_expiry_takes_stock_again_or_flags_for_staff(settings):
    settings.DEBUG = True
    variant, order = _placed(stock=2, quantity=2)
    services.payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    services.order_session_expired(session=_session(order, payment, status="expired"), actor_label="t")
    Variant.objects.filter(pk=variant.pk).update(stock=1)  # someone bought one meanwhile
    services.order_payment_succeeded(session=_session(order, payment), actor_label="t")
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.PAID_OUT_OF_STOCK  # the shopper paid: the order is theirs
    assert order.needs_review
    assert variant.stock == 1  # never below zero


def test_async_payment_waits_then_fails_and_releases(settings):
    settings.DEBUG = True
    variant, order = _placed(stock=5, quantity=2)
    services.payment_start(order=order, success_url="http://x/s", cancel_url="http://x/c")
    payment = order.payments.get()
    services.order_payment_processing(session=_session(order, payment, payment_status="unpaid"), actor_label="t")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    services.order_payment_failed(session=_session(order, payment, payment_status="unpaid"), actor_label="t")
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert variant.stock == 5


def test_receipt_is_not_sent_for_unpaid_orders(mailoutbox):
    _, order = _placed()
    with pytest.raises(CheckoutError, match="not paid"):
        services.receipt_resend(order=order)
    assert mailoutbox == []
