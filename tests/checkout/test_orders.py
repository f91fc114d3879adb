from decimal import Decimal

import pytest

from checkout.errors import CheckoutError
from checkout.models import Order
from checkout.services.orders import order_place, stock_release
from tests import factories

pytestmark = pytest.mark.django_db


# --- Placing an order and holding stock -------------------------------------


def test_order_place_holds_stock_and_snapshots_lines():
    variant = factories.variant(price="9.99", stock=5)
    order = order_place(
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
        order = order_place(
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
        order_place(
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
    first = order_place(cart=cart, details=factories.details(), checkout_token="d" * 32)
    second = order_place(cart=cart, details=factories.details(), checkout_token="d" * 32)
    assert first.pk == second.pk
    variant.refresh_from_db()
    assert variant.stock == 4


def test_stock_release_happens_once():
    variant = factories.variant(stock=5)
    order = order_place(
        cart=factories.cart_with((variant, 3)), details=factories.details(), checkout_token="r" * 32
    )
    assert stock_release(order=order)
    assert not stock_release(order=order)
    variant.refresh_from_db()
    assert variant.stock == 5
