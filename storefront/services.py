"""Writes of the storefront: reviews and their aggregates, the wishlist, stock
alerts, image renditions. Keyword-only functions that own their transaction."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from core.http import absolute_url
from storefront.errors import StorefrontError
from storefront.models import Product, ProductImage, Review, StockAlert, StockMovement, Variant, WishlistItem
from storefront.selectors import user_bought_product

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (240, 480)
RENDITION_QUALITY = 80


# --------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------


def _rendition_name(original: str, width: int) -> str:
    path = PurePosixPath(original)
    return str(path.parent / "renditions" / f"{path.stem}-{width}.webp")


def renditions_for_file(*, name: str, width: int | None = None,
                        widths: tuple[int, ...] = RENDITION_WIDTHS) -> dict[str, str]:
    """Resized WebP copies of the stored picture `name` (original `width` px wide),
    narrower than the original; files already made are reused, never redrawn."""
    made: dict[str, str] = {}
    source = None
    for target in widths:
        if width and target >= width:
            continue
        rendition = _rendition_name(name, target)
        if not default_storage.exists(rendition):
            if source is None:
                with default_storage.open(name, "rb") as fh:
                    picture = Image.open(fh)
                    picture.load()
                source = picture.convert("RGB")
                if source.width <= target:
                    break
            height = round(source.height * target / source.width)
            buf = io.BytesIO()
            source.resize((target, height), Image.Resampling.LANCZOS).save(
                buf, "WEBP", quality=RENDITION_QUALITY, method=4
            )
            rendition = default_storage.save(rendition, ContentFile(buf.getvalue()))
        made[str(target)] = rendition
    return made


def image_renditions_make(*, image: ProductImage) -> dict[str, str]:
    """Make an uploaded picture's renditions once and record them on the row.

    Called when staff save a picture in the admin (and in bulk by seed_demo);
    pages only read `renditions`, they never resize.
    """
    if not image.image:
        return {}
    try:
        made = renditions_for_file(name=image.image.name, width=image.width)
    except (OSError, ValueError) as exc:  # not a picture Pillow can read: keep the original only
        logger.warning("No renditions for %s: %s", image.image.name, exc)
        made = {}
    if made != image.renditions:
        image.renditions = made
        if image.pk:
            ProductImage.objects.filter(pk=image.pk).update(renditions=made)
    return made


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


# --------------------------------------------------------------------------
# Reviews and the product's rating
# --------------------------------------------------------------------------


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
    if not user_bought_product(user=user, product_id=product.pk):
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


# --------------------------------------------------------------------------
# Wishlist
# --------------------------------------------------------------------------

WISHLIST_PENDING_KEY = "wishlist_pending"


def wishlist_add(*, user, product_id: int) -> bool:
    """Save a product to the user's wishlist; True if it was not there yet."""
    if not Product.objects.visible().filter(pk=product_id).exists():
        raise StorefrontError("That product is no longer available.")
    _, created = WishlistItem.objects.get_or_create(user=user, product_id=product_id)
    return created


def wishlist_remove(*, user, product_id: int) -> bool:
    deleted, _ = WishlistItem.objects.filter(user=user, product_id=product_id).delete()
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


# --------------------------------------------------------------------------
# Back in stock
# --------------------------------------------------------------------------


def stock_alert_subscribe(*, variant_id: int, email: str) -> StockAlert:
    """Ask to be emailed when a sold-out variant is back. Asking twice is one alert."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise StorefrontError("Enter a valid email address.") from None
    variant = Variant.objects.select_related("product").filter(pk=variant_id, active=True).first()
    if variant is None or not variant.product.active:
        raise StorefrontError("That option is no longer available.")
    if variant.stock > 0:
        raise StorefrontError("Good news: it is in stock now.")
    alert, created = StockAlert.objects.get_or_create(variant=variant, email=email)
    if not created and alert.notified_at is not None:  # told before, sold out again: tell again next time
        alert.notified_at = None
        alert.save(update_fields=["notified_at"])
    return alert


def stock_alerts_send(*, variant_id: int) -> int:
    """Email everyone waiting for this variant, each once. Returns how many were sent.

    Each alert is locked, sent and marked in one transaction, so a retry or a second
    worker never sends it twice; a failed send rolls back only that alert's mark.
    """
    variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
    if variant is None or variant.stock <= 0 or not variant.active or not variant.product.active:
        return 0
    pending = list(
        StockAlert.objects.filter(variant_id=variant_id, notified_at__isnull=True).values_list("pk", flat=True)
    )
    url = absolute_url(f"{variant.product.get_absolute_url()}?variant={variant.pk}")
    sent = 0
    for alert_id in pending:
        with transaction.atomic():
            alert = (
                StockAlert.objects.select_for_update(skip_locked=True)
                .filter(pk=alert_id, notified_at__isnull=True)
                .first()
            )
            if alert is None:
                continue
            context = {"variant": variant, "product": variant.product, "url": url, "shop_name": settings.SHOP_NAME}
            message = EmailMultiAlternatives(
                subject=f"{settings.SHOP_NAME}: {variant.product.name} is back in stock",
                body=render_to_string("emails/back_in_stock.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[alert.email],
            )
            message.attach_alternative(render_to_string("emails/back_in_stock.html", context), "text/html")
            alert.notified_at = timezone.now()
            alert.save(update_fields=["notified_at"])
            message.send()
        sent += 1
    return sent


def low_stock_digest_send() -> int:
    """The daily digest to staff: every active variant at or below its threshold. Returns how many."""
    from django.contrib.auth import get_user_model

    from storefront.selectors import low_stock_variants

    variants = list(low_stock_variants())
    if not variants:
        return 0
    recipients = list(settings.SHOP_STAFF_EMAILS) or list(
        get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        logger.warning("Low-stock digest: %d variants low, but no staff address to send to", len(variants))
        return 0
    context = {"variants": variants, "shop_name": settings.SHOP_NAME,
               "admin_url": absolute_url("/admin/storefront/variant/?stock_level=low")}
    message = EmailMultiAlternatives(
        subject=f"{settings.SHOP_NAME}: {len(variants)} item{'s' if len(variants) != 1 else ''} running low",
        body=render_to_string("emails/low_stock.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(render_to_string("emails/low_stock.html", context), "text/html")
    message.send()
    return len(variants)
