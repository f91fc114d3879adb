from decimal import Decimal

import pytest
from django.http import QueryDict

from checkout.cart import cart_summary
from checkout.errors import CheckoutError
from checkout.forms import AddToCartForm, CartQuantityForm
from checkout.services.cart import cart_add, cart_remove, cart_update
from storefront.models import Variant
from tests import factories

pytestmark = pytest.mark.django_db


# --- Quantities and the cart -------------------------------------------------


@pytest.mark.parametrize("raw", ["-1", "1.5", "abc", "", "1e3", "1000000000", " "])
def test_bad_quantities_are_refused_with_a_message(raw):
    form = CartQuantityForm(QueryDict(f"quantity={raw}"))
    assert not form.is_valid()
    assert "Quantity must" in form.first_error()


def test_a_cart_line_takes_zero_but_adding_zero_is_refused():
    form = CartQuantityForm(QueryDict("quantity=0"))
    assert form.is_valid() and form.cleaned_data["quantity"] == 0
    form = AddToCartForm(QueryDict("variant=7&quantity=0"))
    assert form.first_error() == "Quantity must be at least 1. To take an item out, use Remove."


def test_a_repeated_quantity_field_is_refused():
    form = CartQuantityForm(QueryDict("quantity=1&quantity=2"))
    assert not form.is_valid()
    assert form.first_error() == "Please enter one quantity."


def test_add_to_cart_takes_one_unless_told_and_needs_a_variant():
    form = AddToCartForm(QueryDict("variant=7"))
    assert form.is_valid() and form.cleaned_data == {"variant": 7, "quantity": 1}
    form = AddToCartForm(QueryDict("variant=abc&quantity=2"))
    assert not form.is_valid() and form.first_error() == "Please choose an option first."


def test_cart_add_adds_to_the_same_line_and_totals_from_database_prices():
    variant = factories.variant(price="4.20", stock=10)
    cart = factories.cart()
    cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    assert cart.quantities() == {variant.pk: 3}
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("5.00"))  # price change after adding
    summary = cart_summary(cart)
    assert summary.subtotal == Decimal("15.00")
    assert summary.count == 3
    assert summary.can_checkout


def test_cart_add_refuses_more_than_the_stock():
    variant = factories.variant(stock=3)
    cart = factories.cart()
    cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    with pytest.raises(CheckoutError, match="Only 3"):
        cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    assert cart.quantities() == {variant.pk: 2}


def test_cart_add_refuses_more_than_the_line_cap(settings):
    settings.SHOP_MAX_LINE_QUANTITY = 4
    variant = factories.variant(stock=100)
    with pytest.raises(CheckoutError, match="at most 4"):
        cart_add(cart=factories.cart(), variant_id=variant.pk, quantity=5)


def test_cart_add_refuses_sold_out_and_inactive_variants():
    sold_out = factories.variant(stock=0)
    inactive = factories.variant(stock=5)
    Variant.objects.filter(pk=inactive.pk).update(active=False)
    cart = factories.cart()
    with pytest.raises(CheckoutError, match="sold out"):
        cart_add(cart=cart, variant_id=sold_out.pk, quantity=1)
    with pytest.raises(CheckoutError, match="no longer available"):
        cart_add(cart=cart, variant_id=inactive.pk, quantity=1)
    with pytest.raises(CheckoutError, match="no longer available"):
        cart_add(cart=cart, variant_id=999999, quantity=1)
    assert not cart


def test_cart_update_and_remove():
    variant = factories.variant(stock=5)
    cart = factories.cart()
    cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    cart_update(cart=cart, variant_id=variant.pk, quantity=4)
    assert cart.quantity_of(variant.pk) == 4
    with pytest.raises(CheckoutError):
        cart_update(cart=cart, variant_id=variant.pk, quantity=6)
    assert cart.quantity_of(variant.pk) == 4
    cart_remove(cart=cart, variant_id=variant.pk)
    assert not cart


def test_cart_update_to_zero_removes_the_line():
    variant = factories.variant(stock=5)
    cart = factories.cart()
    cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    message = cart_update(cart=cart, variant_id=variant.pk, quantity=0)
    assert message == f"Removed {variant.display_name} from your cart."
    assert not cart.quantity_of(variant.pk)


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


# --- A signed-in shopper's cart (in the database) ------------------------------


def test_a_line_another_request_added_meanwhile_is_updated_not_duplicated():
    from checkout.cart import DatabaseCart
    from checkout.models import CartLine

    shopper, mug = factories.user(), factories.variant(stock=10)
    this_tab, other_tab = DatabaseCart(shopper), DatabaseCart(shopper)
    assert this_tab.quantity_of(mug.pk) == 0  # read before the other tab adds the mug
    other_tab.set(mug.pk, 1)
    this_tab.set(mug.pk, 2)
    assert list(CartLine.objects.filter(cart__user=shopper).values_list("variant_id", "quantity")) == [(mug.pk, 2)]
    assert DatabaseCart(shopper).count() == 2


def test_the_count_after_a_change_is_what_the_change_wrote():
    from checkout.cart import DatabaseCart

    shopper, mug, tee = factories.user(), factories.variant(stock=10), factories.variant(stock=10)
    cart = DatabaseCart(shopper)
    cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    cart_add(cart=cart, variant_id=tee.pk, quantity=1)
    assert cart.count() == 3
    cart.remove(mug.pk)
    assert cart.quantities() == {tee.pk: 1} == DatabaseCart(shopper).quantities()
    cart.clear()
    assert cart.count() == 0 == DatabaseCart(shopper).count()


def test_a_change_renews_the_one_cart_row_and_keeps_what_else_it_holds():
    from datetime import timedelta

    from django.utils import timezone

    from checkout.cart import DatabaseCart
    from checkout.models import Cart, CartLine

    shopper, mug, tee = factories.user(), factories.variant(stock=10), factories.variant(stock=10)
    DatabaseCart(shopper).set(mug.pk, 1)
    week_ago = timezone.now() - timedelta(days=7)
    Cart.objects.filter(user=shopper).update(updated=week_ago, last_merged_token="t" * 32)
    DatabaseCart(shopper).set(tee.pk, 2)
    cart = Cart.objects.get(user=shopper)  # still one row: the add renewed it rather than adding another
    assert cart.updated > week_ago and cart.last_merged_token == "t" * 32
    assert dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity")) == {mug.pk: 1, tee.pk: 2}
