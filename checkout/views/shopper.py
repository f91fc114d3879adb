"""What the shopper's browser remembers between checkout pages (in the Django session), and how a
quote is made for this request: the cart, the applied discount code and where the order will go."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from checkout.cart import cart_for_request
from checkout.forms import CheckoutForm
from checkout.hooks import checkout_prefill
from checkout.models import Order
from checkout.pricing import Destination, Quote, own_hold, quote
from checkout.selectors import orders_pending_of_cart
from checkout.services import cart as cart_services
from core.http import client_ip, rate_limited
from core.templatetags.money import money

PENDING_ORDER_KEY = "pending_order"
CODE_KEY = "discount_code"
SHIP_TO_KEY = "ship_to"
_PENDING_CACHE = "_cart_pending_orders"
CART_LIMITED = "You are changing your cart very quickly. Please wait a minute and try again."
ORDERS_LIMITED = "You have placed several orders in a minute. Please wait a minute and try again."


def cart_changes_limited(request: HttpRequest) -> bool:
    """Count a cart change; True past SHOP_CART_RATE_LIMIT a minute from this client."""
    return rate_limited(f"cart:ip:{client_ip(request)}", limit=settings.SHOP_CART_RATE_LIMIT,
                        refuse_when_unavailable=False)


def orders_limited(request: HttpRequest) -> bool:
    """Count an order placed; True past SHOP_ORDER_RATE_LIMIT a minute from this client."""
    return rate_limited(f"order:ip:{client_ip(request)}", limit=settings.SHOP_ORDER_RATE_LIMIT,
                        refuse_when_unavailable=False)


def cart_pending_orders(request: HttpRequest) -> list[Order]:
    """The orders this shopper's cart placed that still hold it (read once per request)."""
    if not hasattr(request, _PENDING_CACHE):
        setattr(request, _PENDING_CACHE, orders_pending_of_cart(number=request.session.get(PENDING_ORDER_KEY),
                                                               user=request.user))
    return getattr(request, _PENDING_CACHE)


def forget_paid_cart(request: HttpRequest) -> None:
    """Once the order placed from this browser is paid, its cart is emptied."""
    number = request.session.get(PENDING_ORDER_KEY)
    if number and cart_services.cart_settle_pending_order(cart=cart_for_request(request), number=number):
        del request.session[PENDING_ORDER_KEY]


def code_of(request: HttpRequest) -> str:
    return request.session.get(CODE_KEY, "")


def code_set(request: HttpRequest, code: str) -> None:
    if code:
        request.session[CODE_KEY] = code
    else:
        request.session.pop(CODE_KEY, None)


def ship_to_remember(request: HttpRequest, destination: Destination) -> None:
    if request.session.get(SHIP_TO_KEY) != [destination.country, destination.state]:
        request.session[SHIP_TO_KEY] = [destination.country, destination.state]


def ship_to_known(request: HttpRequest) -> Destination | None:
    """Where this shopper's order will likely go: the country last chosen at checkout, else a signed-in
    shopper's saved address; None when the shop cannot know yet (the cart then says "calculated at checkout")."""
    remembered = request.session.get(SHIP_TO_KEY)
    if remembered:
        return Destination(*remembered)
    if request.user.is_authenticated:
        for _, values in checkout_prefill.send(sender=CheckoutForm, user=request.user):
            if values and values.get("country"):
                return Destination(values["country"], values.get("state", ""))
    return None


def quote_for(request: HttpRequest, *, destination: Destination | None, shipping_method_id: int | None = None,
              email: str = "") -> Quote:
    """The cart priced for this request; lines whose variant left the catalog are forgotten."""
    cart = cart_for_request(request)
    priced = quote(quantities=cart.quantities(), destination=destination, shipping_method_id=shipping_method_id,
                   code=code_of(request), email=email, money=money, hold=own_hold(cart_pending_orders(request)))
    for gone in priced.missing:
        cart.remove(gone)
    priced.missing = []
    return priced
