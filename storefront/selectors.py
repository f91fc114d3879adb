"""Small reads about the shopper: their reviews, whether they may write one, their wishlist."""

from __future__ import annotations

from storefront.catalog import product_cards, with_card_data
from storefront.hooks import review_eligibility, reviewable_products
from storefront.models import Product, Review, WishlistItem


def product_reviews(*, product: Product, limit: int = 10) -> list[Review]:
    return list(
        Review.objects.filter(product=product, hidden=False).select_related("user").order_by("-created", "-id")[:limit]
    )


def user_can_review(*, user, product_id: int) -> bool:
    """Whether the shopper may review the product: a receiver of `review_eligibility`
    (checkout: they have a paid order with it) says so."""
    if not user.is_authenticated:
        return False
    answers = review_eligibility.send(sender=Product, user=user, product_id=product_id)
    return any(answer is True for _, answer in answers)


def reviewable_product_ids(*, user) -> set[int]:
    """Every product the shopper may review (`user_can_review`'s answer for all of them at once), from the
    receivers of `reviewable_products`."""
    if not user.is_authenticated:
        return set()
    ids: set[int] = set()
    for _, answer in reviewable_products.send(sender=Product, user=user):
        ids |= set(answer or ())
    return ids


def reviewed_product_ids(*, user) -> set[int]:
    """The products the shopper has reviewed (shown or hidden: "Edit your review")."""
    if not user.is_authenticated:
        return set()
    return set(Review.objects.filter(user=user).values_list("product_id", flat=True))


def review_of(*, user, product: Product) -> Review | None:
    if not user.is_authenticated:
        return None
    return Review.objects.filter(product=product, user=user).first()


def wishlist_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(WishlistItem.objects.filter(user=user).values_list("product_id", flat=True))


def wishlist_products(user) -> list[Product]:
    ids = list(WishlistItem.objects.filter(user=user).values_list("product_id", flat=True))
    products = {p.pk: p for p in with_card_data(list(product_cards().filter(pk__in=ids)))}
    return [products[i] for i in ids if i in products]
