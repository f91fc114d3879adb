"""A page of products with the counts next to each filter value: the category and
search pages.

Every list page runs the same handful of queries whatever the catalog size: the
category tree comes from the cache, a page of products is one query plus two
prefetches (variants, images), the total is one COUNT and the filter counts are
two grouped aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from storefront.catalog import (
    TreeCategory,
    active_variants,
    card_prefetches,
    category_tree,
    visible_products,
    with_card_data,
)
from storefront.filters import RATING_CHOICES, CatalogFilters
from storefront.models import Product
from storefront.search import search_products

PAGE_SIZE = 24
MAX_PAGES_AT_ONCE = 5  # a full load of ?page=N shows pages 1..N, up to this many


def _min_price() -> Subquery:
    return Subquery(active_variants().filter(product=OuterRef("pk")).order_by("price").values("price")[:1])


def _in_stock() -> Exists:
    return Exists(active_variants().filter(product=OuterRef("pk"), stock__gt=0))


def _price_in_range(low: Decimal | None, high: Decimal | None) -> Q:
    if low is None and high is None:
        return Q()
    variants = active_variants().filter(product=OuterRef("pk"))
    if low is not None:
        variants = variants.filter(price__gte=low)
    if high is not None:
        variants = variants.filter(price__lte=high)
    return Q(Exists(variants))


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool = False
    params: dict = field(default_factory=dict)


@dataclass
class Listing:
    products: list[Product]
    total: int
    filters: CatalogFilters
    first_page: int  # the first page shown (1 on a full load of ?page=N)
    has_next: bool
    category_facets: list[Facet]
    rating_facets: list[Facet]
    in_stock_count: int
    corrected: str = ""

    @property
    def next_page(self) -> int:
        return self.filters.page + 1

    @property
    def shown(self) -> int:
        return min(self.filters.page * PAGE_SIZE, self.total)

    @property
    def past_the_end(self) -> bool:
        """?page= beyond the last page: an empty list, whatever the number."""
        return self.filters.page > 1 and (self.filters.page - 1) * PAGE_SIZE >= self.total


def _order(sort: str) -> list:
    return {
        "relevance": ["-rank", "-rating_count", "-id"],
        "newest": ["-created", "-id"],
        "price": ["min_price", "id"],
        "-price": ["-min_price", "-id"],
        "rating": [F("rating_avg").desc(nulls_last=True), "-rating_count", "-id"],
    }[sort]


def product_listing(
    *, filters: CatalogFilters, scope: TreeCategory | None = None, append: bool = False
) -> Listing:
    """One page of products (or pages 1..N on a full load), with filter counts.

    `scope` is the category whose page this is (its subcategories included);
    `append` is htmx's "Load more": only page N itself.
    """
    tree = category_tree()
    base = visible_products()
    if scope is not None:
        base = base.filter(category_id__in=tree.descendant_ids(scope.id))
    corrected = ""
    if filters.query:
        result = search_products(query=filters.query, base=base)
        base, corrected = result.products, result.corrected

    narrowed = None
    if filters.category:
        chosen = tree.by_slug(filters.category)
        if chosen is not None:
            narrowed = tree.descendant_ids(chosen.id)
    by_category = Q(category_id__in=narrowed) if narrowed is not None else Q()
    by_price = _price_in_range(filters.price_min, filters.price_max)
    by_rating = Q(rating_avg__gte=filters.rating) if filters.rating else Q()
    stock_condition = _in_stock()
    by_stock = Q(stock_condition) if filters.in_stock else Q()

    matching = base.filter(by_category, by_price, by_rating, by_stock)
    total = matching.count()

    if append:
        first_page, start = filters.page, (filters.page - 1) * PAGE_SIZE
    else:
        first_page = max(1, filters.page - MAX_PAGES_AT_ONCE + 1)
        start = (first_page - 1) * PAGE_SIZE
    end = filters.page * PAGE_SIZE
    page_qs = matching.select_related("category").prefetch_related(*card_prefetches())
    if filters.sort in ("price", "-price"):
        page_qs = page_qs.annotate(min_price=_min_price())
    products = with_card_data(list(page_qs.order_by(*_order(filters.sort))[start:end]))

    # Counts next to filter values: each facet counts with every *other* filter applied.
    category_counts = dict(
        base.filter(by_price, by_rating, by_stock)
        .order_by()
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    facet_parent = scope.id if scope is not None else None
    category_facets = []
    for child in tree.children_of(facet_parent):
        n = sum(category_counts.get(cid, 0) for cid in tree.descendant_ids(child.id))
        if n:
            category_facets.append(Facet(child.slug, child.name, n, child.slug == filters.category))

    in_stock_when = Q(stock_condition) if filters.in_stock else Q()
    counts = base.filter(by_category, by_price).aggregate(
        in_stock=Count("id", filter=Q(stock_condition) & by_rating),
        **{f"r{r}": Count("id", filter=Q(rating_avg__gte=r) & in_stock_when) for r in RATING_CHOICES},
    )
    rating_facets = [
        Facet(str(r), f"{r} stars & up", counts[f"r{r}"], filters.rating == r) for r in RATING_CHOICES
    ]
    return Listing(
        products=products, total=total, filters=filters, first_page=first_page,
        has_next=end < total, category_facets=category_facets, rating_facets=rating_facets,
        in_stock_count=counts["in_stock"], corrected=corrected,
    )
