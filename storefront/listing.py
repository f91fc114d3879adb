"""A page of products with the counts next to each filter value: the category and
search pages.

Every list page runs the same handful of queries whatever the catalog size: the
category tree comes from the cache, a page of products is one query plus two
prefetches (variants, images), and the total and every filter count come from one
grouped aggregate. Filters, sorts and counts read columns of the product row
(`price_from`, `in_stock`, `rating_avg`: see storefront/listing_data.py), never the
variants of each product in the category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q

from storefront.catalog import (
    TreeCategory,
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


def _price_in_range(low: Decimal | None, high: Decimal | None) -> Q:
    """The card's price (the cheapest active variant) within the range."""
    condition = Q()
    if low is not None:
        condition &= Q(price_from__gte=low)
    if high is not None:
        condition &= Q(price_from__lte=high)
    return condition


def _count(condition: Q) -> Count:
    return Count("id", filter=condition) if condition else Count("id")


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
    corrected: str = ""  # the query searched instead of a misspelt one (storefront/search.py)
    similar: bool = False  # products with names similar to the query (PostgreSQL's last resort)

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
        "price": ["price_from", "id"],
        "-price": ["-price_from", "-id"],
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
    corrected, similar = "", False
    if filters.query:
        result = search_products(query=filters.query, base=base)
        base, corrected, similar = result.products, result.corrected, result.similar

    narrowed = None
    if filters.category:
        chosen = tree.by_slug(filters.category)
        if chosen is not None:
            narrowed = tree.descendant_ids(chosen.id)
    by_category = Q(category_id__in=narrowed) if narrowed is not None else Q()
    by_price = _price_in_range(filters.price_min, filters.price_max)
    by_rating = Q(rating_avg__gte=filters.rating) if filters.rating else Q()
    by_stock = Q(in_stock=True) if filters.in_stock else Q()

    # The total and the counts next to filter values, in one query: per category, how many
    # products match, and how many would with each other stock or rating choice. Each facet
    # counts with every *other* filter applied; the total is the matching ones of the chosen
    # categories.
    per_category = {
        row["category_id"]: row
        for row in base.filter(by_price).order_by().values("category_id").annotate(
            matching=_count(by_rating & by_stock),
            stocked=_count(Q(in_stock=True) & by_rating),
            **{f"r{r}": _count(Q(rating_avg__gte=r) & by_stock) for r in RATING_CHOICES},
        )
    }
    chosen_rows = [row for cid, row in per_category.items() if narrowed is None or cid in narrowed]
    total = sum(row["matching"] for row in chosen_rows)

    if append:
        first_page, start = filters.page, (filters.page - 1) * PAGE_SIZE
    else:
        first_page = max(1, filters.page - MAX_PAGES_AT_ONCE + 1)
        start = (first_page - 1) * PAGE_SIZE
    end = filters.page * PAGE_SIZE
    products = []
    if start < total:
        matching = base.filter(by_category, by_price, by_rating, by_stock).prefetch_related(*card_prefetches())
        order = _order(filters.sort)
        if filters.query:  # search results are read from the table anyway, to match the words
            page = matching.order_by(*order)[start:end]
        else:
            # A category's page of ids is chosen from an index alone (Product.Meta.indexes) and only
            # those rows are read; sorted in one query, PostgreSQL reads every row of the category
            # to sort it by rating.
            page = matching.filter(pk__in=matching.order_by(*order).values("pk")[start:end]).order_by(*order)
        products = with_card_data(list(page))

    facet_parent = scope.id if scope is not None else None
    category_facets = []
    for child in tree.children_of(facet_parent):
        n = sum(per_category[cid]["matching"] for cid in tree.descendant_ids(child.id) if cid in per_category)
        if n:
            category_facets.append(Facet(child.slug, child.name, n, child.slug == filters.category))
    rating_facets = [
        Facet(str(r), f"{r} stars & up", sum(row[f"r{r}"] for row in chosen_rows), filters.rating == r)
        for r in RATING_CHOICES
    ]
    return Listing(
        products=products, total=total, filters=filters, first_page=first_page,
        has_next=end < total, category_facets=category_facets, rating_facets=rating_facets,
        in_stock_count=sum(row["stocked"] for row in chosen_rows), corrected=corrected, similar=similar,
    )
