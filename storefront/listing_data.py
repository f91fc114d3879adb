"""What list pages filter and sort on, kept on the product row: `Product.price_from` and
`Product.in_stock` (the rating, `rating_avg` / `rating_count`, is kept by storefront.reviews).

A list page then filters, sorts and counts on columns of one table, with indexes, instead
of asking the variants of every product in the category. The columns are derived data:
`product_listing_refresh` recomputes them from the variants, and every code path that
changes what they depend on (a variant's price, `active` flag or stock crossing zero)
calls it in the same transaction:

- storefront/stock.py, the one writer of stock, when a variant sells out or comes back;
- the admin, after staff save or delete variants;
- seed_demo, after loading the catalog; migration 0007 filled them for existing rows.

A raw `UPDATE` of a variant (the shell, a data import) must call it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery

from storefront.models import Product, Variant

CHUNK = 1000


def product_listing_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute `price_from` (the lowest price of the product's active variants, which is what
    its card says after "From"; null when it has none, so it is not listed) and `in_stock` (an
    active variant has stock) for these products.

    The product rows are locked first, in id order, and the new values are read after the lock
    is held: two checkouts that sell out the last two variants of one product at once then see
    each other's sale, and never both leave it "in stock". (Computed inside the UPDATE instead,
    PostgreSQL would re-check the locked row but not the variants it read before waiting.)
    """
    ids = sorted(set(product_ids))
    variants = Variant.objects.filter(product=OuterRef("pk"), active=True)
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            list(Product.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))
            Product.objects.filter(pk__in=chunk).update(
                price_from=Subquery(variants.order_by("price").values("price")[:1]),
                in_stock=Exists(variants.filter(stock__gt=0)),
            )


def variants_listing_refresh(*, variant_ids: Iterable[int]) -> None:
    """`product_listing_refresh` for the products of these variants."""
    product_ids = Variant.objects.filter(pk__in=list(variant_ids)).values_list("product_id", flat=True)
    product_listing_refresh(product_ids=list(product_ids))
