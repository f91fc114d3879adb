"""The wishlist: products a signed-in shopper saved, and a guest's tap kept until they sign in."""

from __future__ import annotations

from django.db import transaction

from core.pagecache import forget_personal
from storefront.errors import StorefrontError
from storefront.models import Product, WishlistItem

WISHLIST_PENDING_KEY = "wishlist_pending"


def wishlist_add(*, user, product_id: int) -> bool:
    """Save a product to the user's wishlist; True if it was not there yet."""
    if not Product.objects.visible().filter(pk=product_id).exists():
        raise StorefrontError("That product is no longer available.")
    _, created = WishlistItem.objects.get_or_create(user=user, product_id=product_id)
    forget_personal(user.pk)  # the hearts on cached pages
    return created


def wishlist_remove(*, user, product_id: int) -> bool:
    deleted, _ = WishlistItem.objects.filter(user=user, product_id=product_id).delete()
    if deleted:
        forget_personal(user.pk)
    return bool(deleted)


@transaction.atomic
def wishlist_toggle(*, user, product_id: int) -> bool:
    """Save or unsave; returns whether the product is saved now."""
    if wishlist_remove(user=user, product_id=product_id):
        return False
    wishlist_add(user=user, product_id=product_id)
    return True


def wishlist_remember_for_guest(*, session, product_id: int) -> None:
    """A guest tapped the heart: keep the product until they have signed in."""
    session[WISHLIST_PENDING_KEY] = int(product_id)


def wishlist_add_pending(*, session, user) -> Product | None:
    """After sign-in: save the product a guest tapped, once. Returns it, or None."""
    product_id = session.pop(WISHLIST_PENDING_KEY, None)
    if product_id is None:
        return None
    try:
        wishlist_add(user=user, product_id=int(product_id))
    except (StorefrontError, TypeError, ValueError):
        return None
    return Product.objects.filter(pk=product_id).first()
