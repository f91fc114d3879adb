"""The cart: what a shopper intends to buy, priced from the database every time.

A guest's cart lives in the Django session as {variant id: quantity}; there is
no database row per guest. Every page reads it through `cart_summary`, which
prices it with checkout.pricing.quote in a fixed number of queries.
"""

import uuid

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from checkout.models import Cart, CartLine
from checkout.pricing import Quote, quote
from core.pagecache import forget_personal

SESSION_KEY = "cart"
SESSION_TOKEN_KEY = "cart_token"


class SessionCart:
    """A guest cart stored in the session. Quantities only; prices come from the database."""

    def __init__(self, session: SessionBase):
        self.session = session

    def quantities(self) -> dict[int, int]:
        raw = self.session.get(SESSION_KEY) or {}
        result = {}
        for key, value in raw.items():
            try:
                variant_id, quantity = int(key), int(value)
            except (TypeError, ValueError):
                continue
            if quantity > 0:
                result[variant_id] = quantity
        return result

    def quantity_of(self, variant_id: int) -> int:
        return self.quantities().get(variant_id, 0)

    def set(self, variant_id: int, quantity: int) -> None:
        data = {str(k): v for k, v in self.quantities().items()}
        data[str(variant_id)] = quantity
        self.session[SESSION_KEY] = data
        self.session.setdefault(SESSION_TOKEN_KEY, uuid.uuid4().hex)

    @property
    def token(self) -> str:
        """Identifies this guest cart, so merging it twice (two tabs signing in) adds it once."""
        return self.session.get(SESSION_TOKEN_KEY, "")

    def remove(self, variant_id: int) -> None:
        data = {str(k): v for k, v in self.quantities().items() if k != variant_id}
        self.session[SESSION_KEY] = data

    def clear(self) -> None:
        self.session[SESSION_KEY] = {}
        self.session.pop(SESSION_TOKEN_KEY, None)

    def count(self) -> int:
        return sum(self.quantities().values())

    def __bool__(self) -> bool:
        return bool(self.quantities())


class DatabaseCart:
    """A signed-in shopper's cart, stored in the database: it survives sign-out and
    follows the account to other devices. Same interface as SessionCart."""

    def __init__(self, user):
        self.user = user
        self._quantities: dict[int, int] | None = None

    def quantities(self) -> dict[int, int]:
        if self._quantities is None:
            self._quantities = dict(
                CartLine.objects.filter(cart__user=self.user).values_list("variant_id", "quantity")
            )
        return dict(self._quantities)

    def quantity_of(self, variant_id: int) -> int:
        return self.quantities().get(variant_id, 0)

    def set(self, variant_id: int, quantity: int) -> None:
        with transaction.atomic():  # one commit for the line and the cart's date
            # Two upserts: the cart row made or its date renewed (for the abandoned-cart cleanup), its id
            # returned; then the line, which another request may have created meanwhile: updated, not duplicated.
            cart = Cart(user=self.user, updated=timezone.now())
            Cart.objects.bulk_create([cart], update_conflicts=True, unique_fields=["user"], update_fields=["updated"])
            CartLine.objects.bulk_create([CartLine(cart_id=cart.pk, variant_id=variant_id, quantity=quantity)],
                                         update_conflicts=True, unique_fields=["cart", "variant"],
                                         update_fields=["quantity"])
        self._changed({variant_id: quantity})

    def remove(self, variant_id: int) -> None:
        CartLine.objects.filter(cart__user=self.user, variant_id=variant_id).delete()
        self._changed({variant_id: 0})

    def clear(self) -> None:
        CartLine.objects.filter(cart__user=self.user).delete()
        self._quantities = {}
        self._changed({})

    def _changed(self, quantities: dict[int, int]) -> None:
        """What this request wrote is what it shows next (the badge after an add): no second read."""
        if self._quantities is not None:
            self._quantities.update(quantities)
            self._quantities = {k: v for k, v in self._quantities.items() if v > 0}
        forget_personal(self.user.pk)  # the cart badge on cached pages

    def count(self) -> int:
        return sum(self.quantities().values())

    def __bool__(self) -> bool:
        return bool(self.quantities())


AnyCart = SessionCart | DatabaseCart


def cart_for_request(request: HttpRequest) -> AnyCart:
    """The shopper's cart: in the database when signed in, in the session otherwise."""
    cart = getattr(request, "_cart", None)
    user = getattr(request, "user", None)
    if cart is None or (isinstance(cart, SessionCart) == bool(user and user.is_authenticated)):
        if user is not None and user.is_authenticated:
            cart = DatabaseCart(user)
        else:
            cart = SessionCart(request.session)
        request._cart = cart
    return cart


def cart_summary(cart: AnyCart) -> Quote:
    """The cart priced (checkout.pricing.quote). A variant deleted from the catalog leaves
    nothing to show, so it is forgotten here."""
    result = quote(quantities=cart.quantities())
    for gone in result.missing:
        cart.remove(gone)
    result.missing = []
    return result
