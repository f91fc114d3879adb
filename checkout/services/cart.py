"""Cart changes a shopper makes: add, update, remove, and clearing what a paid order bought.

Every change is checked against the live stock and the per-line cap; the message
returned (or the CheckoutError raised) is the sentence the shopper sees."""

import logging
from dataclasses import dataclass

from django.conf import settings

from checkout.cart import AnyCart
from checkout.errors import CheckoutError
from checkout.models import Order
from storefront.models import Variant

logger = logging.getLogger(__name__)

S = Order.Status


def _variant_for_cart(variant_id: int) -> Variant:
    try:  # get(), not first(): no ORDER BY for one row by its key (a third of this query's building)
        variant = Variant.objects.select_related("product").get(pk=variant_id)
    except Variant.DoesNotExist:
        variant = None
    if variant is None or not variant.purchasable:
        raise CheckoutError("Sorry, that item is no longer available.")
    return variant


def _check_quantity(variant: Variant, quantity: int) -> None:
    if variant.stock == 0:
        raise CheckoutError(f"Sorry, {variant.display_name} is sold out.")
    if quantity > variant.stock:
        raise CheckoutError(
            f"Only {variant.stock} of {variant.display_name} left; your cart can hold at most {variant.stock}."
        )
    if quantity > settings.SHOP_MAX_LINE_QUANTITY:
        raise CheckoutError(
            f"You can buy at most {settings.SHOP_MAX_LINE_QUANTITY} of {variant.display_name} in one order."
        )


@dataclass(frozen=True)
class CartAddition:
    """What "Add to cart" did: the sentence for the shopper, and what the cart notification shows."""

    message: str
    variant: Variant
    quantity: int
    line_quantity: int


def cart_add(*, cart: AnyCart, variant_id: int, quantity: int) -> CartAddition:
    variant = _variant_for_cart(variant_id)
    new_quantity = cart.quantity_of(variant.pk) + quantity
    _check_quantity(variant, new_quantity)
    cart.set(variant.pk, new_quantity)
    return CartAddition(message=f"Added {quantity} × {variant.display_name} to your cart.", variant=variant,
                        quantity=quantity, line_quantity=new_quantity)


def cart_update(*, cart: AnyCart, variant_id: int, quantity: int) -> str:
    """A line's new quantity; 0 removes the line."""
    if not cart.quantity_of(variant_id):
        raise CheckoutError("That item is not in your cart any more.")
    if quantity == 0:
        return cart_remove(cart=cart, variant_id=variant_id)
    variant = _variant_for_cart(variant_id)
    _check_quantity(variant, quantity)
    cart.set(variant.pk, quantity)
    return f"{variant.display_name}: quantity {quantity}."


def cart_remove(*, cart: AnyCart, variant_id: int) -> str:
    if not cart.quantity_of(variant_id):
        return "That item was already removed."
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    cart.remove(variant_id)
    return f"Removed {variant.display_name if variant else 'the item'} from your cart."


def cart_discard_ordered(*, cart: AnyCart, order: Order) -> None:
    """Once an order is paid, what it bought leaves the cart (anything added since stays)."""
    for variant_id in order.lines.exclude(variant=None).values_list("variant_id", flat=True):
        if cart.quantity_of(variant_id):
            cart.remove(variant_id)


def cart_settle_pending_order(*, cart: AnyCart, number: str) -> bool:
    """The order last placed from this browser: once it is paid (or its payment is confirming)
    what it bought leaves the cart. True when the browser can stop remembering the order."""
    order = Order.objects.filter(number=number).first()
    if order is None or order.status in (S.CANCELLED, S.EXPIRED):
        return True
    if order.payment_state != Order.PaymentState.UNPAID or order.status == S.AWAITING_PAYMENT:
        cart_discard_ordered(cart=cart, order=order)
        return True
    return False
