"""Discount codes (checkout/discounts.py) as order placement applies them: every reason a code is
refused, in the shopper's words; what it takes off; and its use, counted when the order is placed and
given back when the hold is released, like stock."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from checkout.errors import CheckoutError
from checkout.gateways import stripe as stripe_gateway
from checkout.models import DiscountCode, Order
from checkout.services.orders import order_cancel, order_place
from checkout.services.payments import (
    order_confirm_return,
    order_payment_succeeded,
    order_session_expired,
    orders_release_expired_holds,
    payment_start,
)
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal
Kind = DiscountCode.Kind
REMOVE = " Remove the code to continue."


def place(*pairs, code="", email="ada@example.com", token=None, **details):
    cart = factories.cart_with(*pairs)
    return order_place(cart=cart, details=factories.details(email=email, code=code, **details),
                       checkout_token=token or factories.checkout_token())


def refusal(*pairs, code, **kwargs):
    with pytest.raises(CheckoutError) as refused:
        place(*pairs, code=code, **kwargs)
    return refused.value.message


def times_used(code):
    code.refresh_from_db()
    return code.times_used


# --- Why a code is refused -----------------------------------------------------------------


def test_an_unknown_code_is_not_valid():
    mug = factories.variant(price="12.50")
    assert refusal((mug, 1), code="nope") == "“NOPE” is not a valid discount code." + REMOVE


def test_a_switched_off_code_is_not_valid_either():
    mug = factories.variant(price="12.50")
    factories.discount_code(code="OLDNEWS", active=False)
    assert refusal((mug, 1), code="OLDNEWS") == "“OLDNEWS” is not a valid discount code." + REMOVE


def test_a_code_before_its_start_is_not_valid_yet():
    mug = factories.variant(price="12.50")
    factories.discount_code(code="SOON", valid_from=timezone.now() + timedelta(days=1))
    assert refusal((mug, 1), code="SOON") == "“SOON” is not valid yet." + REMOVE


def test_a_code_past_its_end_has_expired():
    mug = factories.variant(price="12.50")
    factories.discount_code(code="SUMMER", valid_until=timezone.now() - timedelta(minutes=1))
    assert refusal((mug, 1), code="SUMMER") == "“SUMMER” has expired." + REMOVE


def test_a_code_at_its_usage_limit_is_used_up():
    mug = factories.variant(price="12.50")
    factories.discount_code(code="FIRST100", usage_limit=2, times_used=2)
    assert refusal((mug, 1), code="FIRST100") == "“FIRST100” has been used up." + REMOVE


def test_the_per_customer_limit_counts_the_email_in_any_case():
    mug = factories.variant(price="12.50")
    factories.discount_code(code="ONCE", per_customer_limit=1)
    place((mug, 1), code="ONCE", email="ada@example.com")
    assert refusal((mug, 1), code="ONCE", email=" ADA@Example.COM ") == "You have already used “ONCE”." + REMOVE
    assert place((mug, 1), code="ONCE", email="grace@example.com").discount_code_text == "ONCE"


def test_a_cart_below_the_minimum_is_told_how_much_is_needed():
    mug = factories.variant(price="12.50")
    factories.discount_code(code="BIG", minimum_subtotal=D("50.00"))
    assert refusal((mug, 3), code="BIG") == "“BIG” needs items worth at least 50.00 (your cart has 37.50)." + REMOVE
    assert place((mug, 4), code="BIG").discount_total == D("5.00")


def test_a_code_for_other_items_is_not_for_these_items():
    books = factories.category(name="Books")
    mug = factories.variant(price="12.50")
    factories.discount_code(code="READ", categories=[books])
    assert refusal((mug, 1), code="READ") == "“READ” is not for the items in your cart." + REMOVE


def test_a_refused_code_places_no_order_and_holds_no_stock():
    mug = factories.variant(price="12.50", stock=3)
    refusal((mug, 2), code="NOPE")
    mug.refresh_from_db()
    assert mug.stock == 3
    assert not Order.objects.exists()


# --- What a code takes off -----------------------------------------------------------------


def test_codes_are_found_in_any_case_and_with_stray_spaces():
    mug = factories.variant(price="20.00")
    factories.discount_code(code="Welcome10", value=D("10"))
    order = place((mug, 1), code="  welcome 10 ")
    assert order.discount_code_text == "WELCOME10"
    assert order.discount_total == D("2.00")
    assert order.total == D("18.00")


def test_a_category_code_covers_its_subcategories_and_nothing_else():
    kitchen = factories.category(name="Kitchen")
    cups = factories.category(name="Cups", parent=kitchen)
    espresso = factories.category(name="Espresso cups", parent=cups)
    cup = factories.variant(price="10.00", category_obj=espresso)
    shirt = factories.variant(price="30.00")
    factories.discount_code(code="KITCHEN20", value=D("20"), categories=[kitchen])
    order = place((cup, 2), (shirt, 1), code="KITCHEN20")
    assert order.discount_total == D("4.00")
    assert {line.variant_id: line.discount_amount for line in order.lines.all()} == {cup.pk: D("4.00"),
                                                                                    shirt.pk: D("0.00")}


def test_a_product_code_covers_only_that_product():
    mug = factories.variant(price="10.00")
    shirt = factories.variant(price="30.00")
    factories.discount_code(code="MUGS", kind=Kind.FIXED, value=D("3.00"), products=[mug.product])
    order = place((mug, 1), (shirt, 1), code="MUGS")
    assert {line.variant_id: line.discount_amount for line in order.lines.all()} == {mug.pk: D("3.00"),
                                                                                    shirt.pk: D("0.00")}


def test_a_fixed_amount_is_capped_at_the_items_it_applies_to():
    books = factories.category(name="Books")
    book = factories.variant(price="8.00", category_obj=books)
    lamp = factories.variant(price="40.00")
    factories.discount_code(code="TENNER", kind=Kind.FIXED, value=D("10.00"), categories=[books])
    order = place((book, 1), (lamp, 1), code="TENNER")
    assert order.discount_total == D("8.00")
    assert order.total == D("40.00")


def test_a_fixed_amount_larger_than_the_cart_makes_the_items_free_never_negative():
    mug = factories.variant(price="7.00")
    factories.shipping_method(countries="GB", price="4.00")
    factories.discount_code(code="GIFT", kind=Kind.FIXED, value=D("25.00"))
    order = place((mug, 2), code="GIFT")
    assert (order.discount_total, order.shipping_total, order.total) == (D("14.00"), D("4.00"), D("4.00"))


def test_a_free_shipping_code_takes_off_the_shipping_not_the_items():
    mug = factories.variant(price="12.50")
    express = factories.shipping_method(countries="GB", name="Express", price="15.00")
    factories.discount_code(code="SHIPFREE", kind=Kind.FREE_SHIPPING)
    order = place((mug, 2), code="SHIPFREE", shipping_method_id=express.pk)
    assert order.shipping_method_name == "Express"
    assert (order.discount_total, order.shipping_total, order.total) == (D("0.00"), D("0.00"), D("25.00"))


def test_a_percentage_is_split_over_the_lines_to_the_cent():
    lines = [(factories.variant(price="1.01"), 1) for _ in range(3)]
    factories.discount_code(code="HALF", value=D("50"))
    order = place(*lines, code="HALF")
    assert order.discount_total == D("1.52")  # 1.515, rounded half up
    assert sorted(line.discount_amount for line in order.lines.all()) == [D("0.50"), D("0.51"), D("0.51")]


# --- A use is counted when placed, given back when the hold is released ------------------------


def test_placing_an_order_counts_one_use_and_cancelling_it_gives_the_use_back():
    mug = factories.variant(price="12.50")
    code = factories.discount_code(code="LIMITED", usage_limit=1)
    order = place((mug, 1), code="LIMITED")
    assert times_used(code) == 1
    assert refusal((mug, 1), code="LIMITED") == "“LIMITED” has been used up." + REMOVE
    order_cancel(order=order, actor_label="shopper")
    assert times_used(code) == 0
    order_cancel(order=order, actor_label="shopper")  # twice: given back once
    assert times_used(code) == 0
    assert place((mug, 1), code="limited").discount_code_text == "LIMITED"


def test_an_expired_checkout_session_gives_the_use_back(stripe_fake):
    mug = factories.variant(price="12.50")
    code = factories.discount_code(code="LIMITED", usage_limit=1)
    order = place((mug, 2), code="LIMITED")
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    stripe_fake.expire_session(session_id, deliver=False)
    order_session_expired(session=stripe_gateway.checkout_session_retrieve(session_id), actor_label="stripe webhook")
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED and not order.code_held
    assert times_used(code) == 0


def test_a_paid_order_keeps_its_use(stripe_fake):
    mug = factories.variant(price="12.50")
    code = factories.discount_code(code="LIMITED", usage_limit=1)
    order = place((mug, 2), code="LIMITED")
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    stripe_fake.complete_session(session_id, deliver=False)
    order_confirm_return(session_id=session_id)
    Order.objects.filter(pk=order.pk).update(hold_expires_at=timezone.now() - timedelta(hours=2))
    orders_release_expired_holds()
    order_cancel(order=order, actor_label="shopper")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.code_held
    assert times_used(code) == 1


def test_a_payment_after_the_hold_was_released_counts_the_use_again(stripe_fake):
    mug = factories.variant(price="12.50")
    code = factories.discount_code(code="LIMITED", usage_limit=1)
    order = place((mug, 2), code="LIMITED")
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    session = stripe_gateway.checkout_session_retrieve(session_id)
    order_session_expired(session=session, actor_label="hold sweeper")  # the hold ends first
    assert times_used(code) == 0
    paid = stripe_gateway.session_from_stripe(stripe_fake.complete_session(session_id, deliver=False))
    order_payment_succeeded(session=paid, actor_label="stripe webhook")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.code_held
    assert times_used(code) == 1


def test_a_late_payment_never_counts_a_use_over_the_limit(stripe_fake):
    mug = factories.variant(price="12.50")
    code = factories.discount_code(code="LIMITED", usage_limit=1)
    order = place((mug, 2), code="LIMITED")
    payment_start(order=order, success_url="http://t/s", cancel_url="http://t/c")
    session_id = order.payments.get().session_id
    order_session_expired(session=stripe_gateway.checkout_session_retrieve(session_id), actor_label="hold sweeper")
    place((mug, 1), code="LIMITED", email="grace@example.com")  # the freed use goes to someone else
    paid = stripe_gateway.session_from_stripe(stripe_fake.complete_session(session_id, deliver=False))
    order_payment_succeeded(session=paid, actor_label="stripe webhook")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not order.code_held
    assert order.discount_total == D("2.50")  # the shopper paid the discounted total
    assert order.events.filter(note__contains="was used up meanwhile").exists()
    assert times_used(code) == 1
