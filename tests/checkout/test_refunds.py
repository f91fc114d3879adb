"""Refunds (checkout/services/refunds.py) of an order with a discount, shipping and added tax, paid
through the demo gateway: partial refunds add up, and never exceed what was paid."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from checkout.errors import CheckoutError
from checkout.models import Order, Refund
from checkout.services.lifecycle import order_ship
from checkout.services.orders import order_place
from checkout.services.payments import demo_payment_complete, payment_start
from checkout.services.refunds import order_refund
from core.money import from_minor_units
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal
S = Order.Status


@pytest.fixture
def demo_payments(settings):
    settings.DEBUG = True  # with no Stripe key: the demo gateway takes the payment
    settings.STRIPE_SECRET_KEY = ""
    settings.SHOP_PRICES_INCLUDE_TAX = False
    settings.SHOP_TAX_SHIPPING = True


def _shipped_order(price="40.00", shipping="7.50"):
    """2 × `price` with 10 % off, shipped by a `shipping` method, 8.25 % tax added on both: paid, then shipped."""
    mug = factories.variant(price=price, stock=5)
    method = factories.shipping_method(countries="US", price=shipping)
    factories.tax_rate(country="US", state="US-TX", rate="8.25", name="Sales tax")
    factories.discount_code(code="TEN", value=D("10"))
    order = order_place(cart=factories.cart_with((mug, 2)), checkout_token=factories.checkout_token(),
                        details=factories.details(country="US", state="US-TX", city="Austin", postal_code="73301",
                                                  shipping_method_id=method.pk, code="ten"))
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    demo_payment_complete(session_id=f"demo_{order.number}", pay=True)
    return order_ship(order=Order.objects.get(pk=order.pk), carrier="UPS", tracking_number="1Z999")


def test_a_discounted_shipped_taxed_order_is_paid_its_total(demo_payments):
    order = _shipped_order()
    # 80.00 − 8.00 + 7.50 + tax (5.94 on the items, 0.62 on shipping)
    assert (order.subtotal, order.discount_total, order.shipping_total, order.tax_total) == (
        D("80.00"), D("8.00"), D("7.50"), D("6.56"))
    assert order.total == order.amount_paid == D("86.06")
    assert order.status == S.SHIPPED


def test_partial_refunds_add_up_to_what_was_paid_and_never_beyond(demo_payments):
    order = _shipped_order()
    order_refund(order=order, amount=D("8.12"), reason="Shipping and its tax, the parcel was late")
    order_refund(order=order, amount=D("38.97"), reason="One mug, after its discount, with its tax")
    order.refresh_from_db()
    assert order.amount_refunded == D("47.09")
    assert order.payment_state == Order.PaymentState.PARTIALLY_REFUNDED
    with pytest.raises(CheckoutError) as too_much:
        order_refund(order=order, amount=D("38.98"), reason="One cent more than is left")
    assert too_much.value.message == (f"At most 38.97 USD can still be refunded on order {order.display_number} "
                                      "(86.06 paid, 47.09 refunded).")
    order_refund(order=order, amount=D("38.97"), reason="The other mug")
    order.refresh_from_db()
    assert order.amount_refunded == order.amount_paid == D("86.06")
    assert order.payment_state == Order.PaymentState.REFUNDED
    assert order.status == S.SHIPPED  # money never moves the fulfilment status
    with pytest.raises(CheckoutError, match="At most 0.00 USD"):
        order_refund(order=order, amount=D("0.01"), reason="Nothing left")
    assert sum(refund.amount for refund in order.refunds.all()) == D("86.06")


def test_a_zero_or_negative_refund_is_refused(demo_payments):
    order = _shipped_order()
    for amount in (D("0"), D("-5.00")):
        with pytest.raises(CheckoutError, match="Enter an amount above zero"):
            order_refund(order=order, amount=amount, reason="x")
    assert not Refund.objects.exists()


@hypothesis_settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                     database=DirectoryBasedExampleDatabase(str(django_settings.BASE_DIR / "var" / "hypothesis")))
@given(currency=st.sampled_from(["usd", "jpy"]), asks=st.lists(st.integers(1, 12_000), min_size=1, max_size=6))
def test_any_sequence_of_refunds_adds_up_and_stays_within_what_was_paid(demo_payments, currency, asks):
    with override_settings(SHOP_CURRENCY=currency), transaction.atomic():
        try:
            order = _shipped_order(price=str(from_minor_units(4000, currency)),
                                   shipping=str(from_minor_units(750, currency)))
            granted = D(0)
            for minor in asks:
                amount = from_minor_units(minor, currency)
                left = order.amount_paid - granted
                if amount <= left:
                    order_refund(order=order, amount=amount, reason="part")
                    granted += amount
                else:
                    with pytest.raises(CheckoutError, match="can still be refunded"):
                        order_refund(order=order, amount=amount, reason="too much")
                order.refresh_from_db()
                assert order.amount_refunded == granted == sum(r.amount for r in order.refunds.all())
                assert order.amount_refunded <= order.amount_paid
            expected = Order.PaymentState.REFUNDED if granted == order.amount_paid else (
                Order.PaymentState.PARTIALLY_REFUNDED if granted else Order.PaymentState.PAID)
            assert order.payment_state == expected
        finally:
            transaction.set_rollback(True)
