from decimal import Decimal

import pytest

from checkout.cart import cart_summary
from checkout.gateways import demo as demo_gateway
from checkout.pricing import order_charge, quote
from checkout.services.orders import order_place
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_quote_adds_up_lines_from_database_prices():
    mug = factories.variant(stock=5, price="12.50")
    shirt = factories.variant(stock=5, price="20.00")
    result = quote(quantities={mug.pk: 2, shirt.pk: 1})
    assert [(line.variant_id, line.line_total) for line in sorted(result.lines, key=lambda l: l.variant_id)] == [
        (mug.pk, Decimal("25.00")), (shirt.pk, Decimal("20.00")),
    ]
    assert result.subtotal == Decimal("45.00")
    assert (result.discount, result.shipping, result.tax) == (Decimal("0.00"),) * 3
    assert result.total == Decimal("45.00")
    assert result.count == 3
    assert result.can_checkout


def test_an_empty_quote_is_zero_and_cannot_check_out():
    result = quote(quantities={})
    assert result.total == Decimal("0.00") and result.lines == []
    assert not result.can_checkout


def test_a_variant_gone_from_the_catalog_blocks_checkout_and_the_cart_forgets_it():
    mug = factories.variant(stock=5, price="3.00")
    result = quote(quantities={mug.pk: 1, 999_999: 2})
    assert result.missing == [999_999]
    assert not result.can_checkout
    cart = factories.cart_with((mug, 1))
    cart.set(999_999, 2)
    assert cart_summary(cart).can_checkout
    assert cart.quantities() == {mug.pk: 1}


def test_the_order_and_the_gateway_charge_carry_the_quote_total():
    mug = factories.variant(stock=5, price="7.25")
    order = order_place(cart=factories.cart_with((mug, 3)), details=factories.details(), checkout_token="p" * 32)
    charge = order_charge(order)
    assert order.subtotal == order.total == Decimal("21.75")
    assert sum(line.unit_amount * line.quantity for line in charge.lines) == charge.total == order.total


def test_a_price_change_after_the_order_never_changes_what_is_charged():
    mug = factories.variant(stock=5, price="7.25")
    order = order_place(cart=factories.cart_with((mug, 1)), details=factories.details(), checkout_token="q" * 32)
    mug.price = Decimal("99.00")
    mug.save()
    assert order_charge(order).total == Decimal("7.25")
    assert demo_gateway.checkout_session_create(order=order, success_url="", cancel_url="",
                                                expires_at=0).amount_total == Decimal("7.25")
