"""Reads of the catalog that need care: fixed query counts, the cached category tree.

The category tree comes from the cache; a page of products is one query plus two
prefetches (variants, images). Search is in `search`, a filtered page with its
counts in `listing`, the product page in `product_page`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from storefront.models import Category, Product, ProductImage, Variant

CATEGORY_TREE_KEY = "storefront:category-tree:v2"
CACHE_SECONDS = 60 * 60


# --------------------------------------------------------------------------
# Categories (cached tree)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuCategory:
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class TreeCategory:
    id: int
    name: str
    slug: str
    url: str
    parent_id: int | None
    description: str


@dataclass(frozen=True)
class CategoryTree:
    nodes: dict[int, TreeCategory]
    children: dict[int | None, list[int]]

    def by_slug(self, slug: str) -> TreeCategory | None:
        return next((c for c in self.nodes.values() if c.slug == slug), None)

    def descendant_ids(self, category_id: int) -> list[int]:
        found, todo = [], [category_id]
        while todo:
            cid = todo.pop()
            found.append(cid)
            todo.extend(self.children.get(cid, []))
        return found

    def ancestors(self, category_id: int) -> list[TreeCategory]:
        """From the top level down to the category itself (for breadcrumbs)."""
        chain, cid = [], category_id
        while cid is not None and cid in self.nodes and len(chain) < 20:
            chain.append(self.nodes[cid])
            cid = self.nodes[cid].parent_id
        return chain[::-1]

    def top_level(self) -> list[TreeCategory]:
        return [self.nodes[c] for c in self.children.get(None, [])]

    def children_of(self, category_id: int | None) -> list[TreeCategory]:
        return [self.nodes[c] for c in self.children.get(category_id, [])]


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache fails open: a broken Redis never breaks a page
        return None


def _cache_set(key: str, value, seconds: int = CACHE_SECONDS) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        pass


# Within a request the tree is read from the cache once (a category page needs it for the filter, the list
# and the header): kept here from request_started to request_finished, and never outside a request.
_this_request = threading.local()


def _request_begins(**kwargs) -> None:
    _this_request.tree = None
    _this_request.active = True


def _request_ends(**kwargs) -> None:
    _this_request.tree = None
    _this_request.active = False


request_started.connect(_request_begins, dispatch_uid="storefront-category-tree-begins")
request_finished.connect(_request_ends, dispatch_uid="storefront-category-tree-ends")


def category_tree_forget() -> None:
    """This request's copy of the tree, dropped (a category changed)."""
    _this_request.tree = None


def category_tree() -> CategoryTree:
    """Every category, cached until one changes (storefront.signals clears it)."""
    tree = getattr(_this_request, "tree", None)
    if tree is not None:
        return tree
    tree = _cache_get(CATEGORY_TREE_KEY)
    if tree is None:
        nodes: dict[int, TreeCategory] = {}
        children: dict[int | None, list[int]] = {}
        for c in Category.objects.all():  # ordered by position, name
            nodes[c.pk] = TreeCategory(c.pk, c.name, c.slug, c.get_absolute_url(), c.parent_id, c.description)
            children.setdefault(c.parent_id, []).append(c.pk)
        tree = CategoryTree(nodes, children)
        _cache_set(CATEGORY_TREE_KEY, tree)
    if getattr(_this_request, "active", False):
        _this_request.tree = tree
    return tree


def category_menu() -> list[MenuCategory]:
    """Top-level categories for the header (from the cached tree)."""
    return [MenuCategory(c.name, c.slug, c.url) for c in category_tree().top_level()]


# --------------------------------------------------------------------------
# Product lists
# --------------------------------------------------------------------------


def active_variants() -> QuerySet[Variant]:
    """Variants on sale (their product's own `active` is checked by the product query)."""
    return Variant.objects.filter(active=True)


def visible_products() -> QuerySet[Product]:
    """Active products that have at least one active variant (something to buy): those with a
    `price_from` (storefront/listing_data.py keeps it)."""
    return Product.objects.visible().filter(price_from__isnull=False)


def card_prefetches() -> list[Prefetch]:
    # Plain lists (to_attr): reading a prefetched `p.variants.all()` builds a queryset per product.
    return [
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="card_images"),
        Prefetch("variants", queryset=active_variants().order_by("position", "id"), to_attr="card_variants"),
    ]


def with_card_data(products: list[Product]) -> list[Product]:
    """Price range, stock and the picture for cards, from the prefetched rows (no queries)."""
    for p in products:
        variants = p.card_variants
        prices = [v.price for v in variants]
        p.min_price = min(prices) if prices else None
        p.max_price = max(prices) if prices else None
        cheapest = min(variants, key=lambda v: v.price) if variants else None
        # The cheapest variant's "was" price, when it is on sale: the card shows it struck through.
        p.compare_at_price = cheapest.compare_at_price if cheapest is not None and cheapest.on_sale else None
        p.variant_count = len(variants)
        p.total_stock = sum(v.stock for v in variants)
        p.single_variant = variants[0] if len(variants) == 1 else None
        p.card_image = p.card_images[0] if p.card_images else None
        p.card_group = products  # the cards shown together: {% product_card %} reads their cached bodies at once
    return products


def product_cards() -> QuerySet[Product]:
    """Visible products with what a card shows, in a fixed number of queries."""
    return visible_products().prefetch_related(*card_prefetches())


def home_products() -> dict[str, list[Product]]:
    cards = product_cards()
    featured = with_card_data(list(cards.filter(featured=True).order_by("-created", "-id")[:8]))
    newest = with_card_data(list(cards.order_by("-created", "-id")[:8]))
    return {"featured": featured, "newest": newest}


def related_products(*, product: Product, limit: int = 4, marks: dict | None = None) -> list[Product]:
    """"More in this category", as cards. `product`'s own pictures and variants (`card_images`, `card_variants`)
    are read with theirs, in the same two queries; `marks` are annotations the cards carry (the shopper's hearts)."""
    related = list(
        visible_products().filter(category_id=product.category_id).exclude(pk=product.pk)
        .annotate(**(marks or {})).order_by("-rating_count", "-created")[:limit]
    )
    prefetch_related_objects([product, *related], *card_prefetches())
    return with_card_data(related)


def featured_products(*, limit: int = 4) -> list[Product]:
    """The newest featured products, as cards show them: what an empty cart suggests."""
    return with_card_data(list(product_cards().filter(featured=True).order_by("-created", "-id")[:limit]))


def sitemap_products() -> QuerySet[Product]:
    return visible_products().only("slug", "updated").order_by("id")
