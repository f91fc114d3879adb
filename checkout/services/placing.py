"""One hold per cart: placing a cart's order again pays the same order, or releases the earlier one
first, so a cart never holds stock twice (posting checkout three times from one cart of ten units
used to hold thirty for half an hour)."""

import logging
from collections.abc import Sequence

from checkout.cart import AnyCart
from checkout.models import Order
from checkout.services.orders import CheckoutDetails, order_hold_again, order_matches, order_place
from checkout.services.payments import order_cancel_by_shopper

logger = logging.getLogger(__name__)

S = Order.Status
REPLACED = "Replaced by a new order from the same cart; stock released."


def order_place_for_cart(*, cart: AnyCart, details: CheckoutDetails, checkout_token: str, user=None,
                         earlier: Sequence[Order] = ()) -> Order:
    """Place the cart's order, keeping at most one pending hold for the cart.

    `earlier` are the cart's pending orders (the one this browser placed last; a signed-in shopper's too).
    - The same form posted again is the same order (its `checkout_token`), as before.
    - An earlier order that placing now would make again — same lines, prices, address, email, shipping
      and code: the shopper pressed Back on Stripe's page — is that order, its stock held again if it was
      released; its open Checkout Session is reused.
    - Any other earlier order is cancelled first, its Checkout Session expired at the gateway so it can no
      longer be paid. If it turns out it was paid meanwhile, that order is returned and nothing new is
      placed (the caller sends the shopper to it). If the gateway cannot be reached, nothing new is placed
      either (CheckoutError): the earlier hold stands until it expires, never two.
    """
    pending = [order for order in earlier if order.status == S.PENDING_PAYMENT and order.checkout_token != checkout_token]
    if pending and not Order.objects.filter(checkout_token=checkout_token).exists():
        for previous in pending:
            if order_matches(order=previous, cart=cart, details=details):
                logger.info("Order %s placed again from the same cart; paying it again", previous.number)
                return order_hold_again(previous)
        for previous in pending:
            settled = order_cancel_by_shopper(order=previous, note=REPLACED)
            if settled.status not in (S.CANCELLED, S.EXPIRED):
                logger.info("Order %s was paid while its cart placed a new one; no new order", settled.number)
                return settled
    return order_place(cart=cart, details=details, checkout_token=checkout_token, user=user)
