"""Reads of the catalog that need care: fixed query counts, the cached category tree.

The category tree is kept in each process while a version in the cache says it is
current (process_copy.py); a page of products is one query plus two prefetches
(variants, images). Search is in `search`, a filtered page with its
counts in `listing`, the product page in `product_page`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from storefront.models import Category, Product, ProductImage, Variant
from storefront.process_copy import ProcessCopy


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


def _build_tree() -> CategoryTree:
    nodes: dict[int, TreeCategory] = {}
    children: dict[int | None, list[int]] = {}
    for c in Category.objects.all():  # ordered by position, name
        nodes[c.pk] = TreeCategory(c.pk, c.name, c.slug, c.get_absolute_url(), c.parent_id, c.description)
        children.setdefault(c.parent_id, []).append(c.pk)
    return CategoryTree(nodes, children)


_tree = ProcessCopy("category-tree", _build_tree)


def category_tree_forget() -> None:
    """Every process's copy of the tree, stale (a category changed): rebuilt on its next request."""
    _tree.forget()


def category_tree() -> CategoryTree:
    """Every category, kept in this process until one changes (storefront.signals forgets it; see
    storefront/process_copy.py)."""
    return _tree.get()


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
