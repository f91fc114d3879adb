"""Reviews and the product's rating: a buyer writes one review per product, staff hide
or delete reviews, and Product.rating_avg / rating_count follow."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from storefront.errors import StorefrontError
from storefront.models import Product, Review
from storefront.selectors import user_can_review


@dataclass(frozen=True)
class ReviewData:
    rating: int
    title: str = ""
    body: str = ""


def product_rating_refresh(*, product_id: int) -> Product:
    """Recount the visible reviews into Product.rating_avg / rating_count (row locked)."""
    product = Product.objects.select_for_update().get(pk=product_id)
    stats = Review.objects.filter(product_id=product_id, hidden=False).aggregate(avg=Avg("rating"), n=Count("id"))
    product.rating_count = stats["n"]
    product.rating_avg = (
        Decimal(str(stats["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if stats["n"] else None
    )
    Product.objects.filter(pk=product_id).update(rating_avg=product.rating_avg, rating_count=product.rating_count)
    return product


def product_ratings_refresh(*, product_ids: list[int]) -> None:
    """Recount many products' ratings at once (bulk loads such as seed_demo): one
    grouped query and one bulk update per batch."""
    for start in range(0, len(product_ids), 1000):
        chunk = product_ids[start:start + 1000]
        stats = {
            row["product_id"]: row
            for row in Review.objects.filter(product_id__in=chunk, hidden=False)
            .values("product_id").annotate(avg=Avg("rating"), n=Count("id"))
        }
        rows = []
        for pid in chunk:
            row = stats.get(pid)
            avg = (Decimal(str(row["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if row else None)
            rows.append(Product(pk=pid, rating_avg=avg, rating_count=row["n"] if row else 0))
        Product.objects.bulk_update(rows, ["rating_avg", "rating_count"], batch_size=500)


def _clean_review(data: ReviewData) -> ReviewData:
    if data.rating not in (1, 2, 3, 4, 5):
        raise StorefrontError("Choose a rating from 1 to 5 stars.")
    title, body = data.title.strip(), data.body.strip()
    if len(title) > 120:
        raise StorefrontError("Keep the title under 120 characters.")
    if len(body) > 4000:
        raise StorefrontError("Keep the review under 4,000 characters.")
    return ReviewData(data.rating, title, body)


@transaction.atomic
def review_save(*, user, product: Product, data: ReviewData) -> Review:
    """Write or edit the user's one review of a product they bought, and update the product's rating."""
    data = _clean_review(data)
    if not user.is_authenticated:
        raise StorefrontError("Sign in to review this product.")
    if not user_can_review(user=user, product_id=product.pk):
        raise StorefrontError("Only customers who bought this product can review it.")
    # Lock the product first: two saves of reviews of one product recount one after the other.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk", flat=True).first()
    review = Review.objects.filter(product=product, user=user).first()
    if review is None:
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    product=product, user=user, rating=data.rating, title=data.title, body=data.body, verified=True
                )
        except IntegrityError:  # a double submit created it meanwhile: edit that one
            review = Review.objects.get(product=product, user=user)
    review.rating, review.title, review.body, review.verified = data.rating, data.title, data.body, True
    review.save(update_fields=["rating", "title", "body", "verified", "updated"])
    refreshed = product_rating_refresh(product_id=product.pk)
    product.rating_avg, product.rating_count = refreshed.rating_avg, refreshed.rating_count
    return review


@transaction.atomic
def review_set_hidden(*, review: Review, hidden: bool) -> Review:
    """Staff hide (or show again) a review; the product's rating follows."""
    if review.hidden != hidden:
        review.hidden = hidden
        review.save(update_fields=["hidden", "updated"])
    product_rating_refresh(product_id=review.product_id)
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    product_id = review.product_id
    review.delete()
    product_rating_refresh(product_id=product_id)
