"""The only code that writes `Variant.stock`: checkout takes and returns units, staff adjust.

Promises: stock never goes below zero (every decrement is one conditional UPDATE),
a sale is never undone by a staff edit (changes are applied to the current value,
never written as an absolute number), and every change that makes a variant sold
out or available again updates its product's `in_stock` in the same transaction
(storefront/listing_data.py) and is announced with `stock_changed` once it is committed.

It also answers what is running low (the staff dashboard and the daily digest).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal

from storefront.errors import StorefrontError
from storefront.listing_data import variants_listing_refresh
from storefront.models import StockMovement, Variant

logger = logging.getLogger(__name__)

# Sent after commit (sender=Variant, variant_ids=[...], availability_changed=bool, restocked=[...]):
# `availability_changed` when a variant went to zero or came back from it; `restocked` lists the
# variants staff brought back from zero (the back-in-stock emails go out for those).
stock_changed = Signal()


class StockShort(StorefrontError):
    """Not enough units of one variant; `left` is what there is now."""

    def __init__(self, message: str, *, variant_id: int, left: int):
        super().__init__(message)
        self.variant_id = variant_id
        self.left = left


def _announce(variant_ids: list[int], *, availability_changed: bool, restocked: list[int] | None = None) -> None:
    ids = sorted(set(variant_ids))
    transaction.on_commit(
        lambda: stock_changed.send(
            sender=Variant, variant_ids=ids, availability_changed=availability_changed, restocked=restocked or [],
        ),
        robust=True,
    )


def stock_take(*, lines: list[tuple[int, int, str]]) -> None:
    """Conditionally take (variant id, quantity, name) out of stock, in id order.

    One UPDATE per line that only matches while enough stock is left: it can
    never take stock below zero, and a concurrent buyer waits on the row lock.
    Raises StockShort naming the first item that is short; the caller's
    transaction then undoes the lines already taken.
    """
    for variant_id, quantity, name in sorted(lines):
        # Single-table WHERE on purpose: PostgreSQL re-checks it after waiting for
        # the row lock. (A join would become a subquery that is not re-checked.)
        taken = Variant.objects.filter(pk=variant_id, stock__gte=quantity, active=True).update(
            stock=F("stock") - quantity
        )
        if not taken:
            left = Variant.objects.filter(pk=variant_id).values_list("stock", flat=True).first() or 0
            if left == 0:
                raise StockShort(f"Sorry, {name} just sold out. Remove it from your cart to continue.",
                                 variant_id=variant_id, left=0)
            raise StockShort(f"Sorry, only {left} of {name} left. Lower the quantity to continue.",
                             variant_id=variant_id, left=left)
    ids = [variant_id for variant_id, _, _ in lines]
    sold_out = list(Variant.objects.filter(pk__in=ids, stock=0).values_list("pk", flat=True))
    if sold_out:
        variants_listing_refresh(variant_ids=sold_out)
    _announce(ids, availability_changed=bool(sold_out))


def stock_return(*, lines: list[tuple[int, int]]) -> None:
    """Put (variant id, quantity) back into stock: a released hold or a cancelled order.
    The caller makes sure this happens once (see checkout's `stock_release`)."""
    came_back = []
    for variant_id, quantity in sorted(lines):
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)
        if Variant.objects.filter(pk=variant_id, stock=quantity).exists():  # it was at zero
            came_back.append(variant_id)
    if came_back:
        variants_listing_refresh(variant_ids=came_back)
    _announce([variant_id for variant_id, _ in lines], availability_changed=bool(came_back))


def stock_adjust(*, variant_id: int, change: int, reason: str, note: str = "", actor=None) -> StockMovement | None:
    """Staff add or remove `change` units; recorded with who, when, how much and why.

    The change is applied to the current stock in the database, never written as
    an absolute number, so a sale that happened while staff had the form open is
    never undone. Stock cannot go below zero. A restock (0 → more) emails the
    shoppers waiting for it.
    """
    if not change:
        return None
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant_id)
        before = variant.stock
        if before + change < 0:
            raise StorefrontError(
                f"{variant.sku} has {before} in stock now; it cannot go down by {-change}."
            )
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + change)
        movement = StockMovement.objects.create(
            variant=variant, change=change, stock_after=before + change, reason=reason, note=note.strip()[:300],
            actor=actor if getattr(actor, "pk", None) else None,
        )
        after = before + change
        if (before == 0) != (after == 0):
            variants_listing_refresh(variant_ids=[variant_id])
        _announce([variant_id], availability_changed=(before == 0) != (after == 0),
                  restocked=[variant_id] if before == 0 and after > 0 else [])
    logger.info("Stock of %s changed by %+d to %d (%s) by %s", variant.sku, change, after, reason, actor)
    return movement


# --------------------------------------------------------------------------
# Reads of stock
# --------------------------------------------------------------------------


def low_stock_variants():
    """Active variants of active products at or below their own low-stock threshold."""
    return (
        Variant.objects.filter(active=True, product__active=True, stock__lte=F("low_stock_threshold"))
        .select_related("product")
        .order_by("stock", "product__name", "id")
    )


def low_stock_summary() -> dict:
    """For the staff dashboard: how many are low, the worst few, and the filtered list."""
    low = low_stock_variants()
    return {
        "low_stock": low.count(),
        "low_stock_items": list(low[:8]),
        "low_stock_url": "/admin/storefront/variant/?stock_level=low",
    }
