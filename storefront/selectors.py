"""Reads of the catalog that need care: fixed query counts, cached menus."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum

from storefront.models import Category, Product, ProductImage, Variant

CATEGORY_MENU_KEY = "storefront:category-menu:v1"

SORTS = {
    "newest": ("Newest", ["-created", "-id"]),
    "price": ("Price: low to high", ["min_price", "id"]),
    "-price": ("Price: high to low", ["-min_price", "-id"]),
    "name": ("Name", ["name", "id"]),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class MenuCategory:
    name: str
    slug: str
    url: str


def category_menu() -> list[MenuCategory]:
    """Top-level categories for the header, cached (one query per change)."""
    try:
        menu = cache.get(CATEGORY_MENU_KEY)
    except Exception:  # the cache fails open: a broken Redis never breaks a page
        menu = None
    if menu is None:
        menu = [
            MenuCategory(c.name, c.slug, c.get_absolute_url())
            for c in Category.objects.filter(parent__isnull=True)
        ]
        try:
            cache.set(CATEGORY_MENU_KEY, menu, 60 * 60)
        except Exception:
            pass
    return menu


def product_cards() -> QuerySet[Product]:
    """Active products with what a card shows, in a fixed number of queries."""
    return (
        Product.objects.visible()
        .annotate(
            min_price=Min("variants__price", filter=Q(variants__active=True)),
            max_price=Max("variants__price", filter=Q(variants__active=True)),
            variant_count=Count("variants", filter=Q(variants__active=True), distinct=True),
            total_stock=Sum("variants__stock", filter=Q(variants__active=True)),
        )
        .filter(variant_count__gt=0)
        .select_related("category")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch("variants", queryset=Variant.objects.filter(active=True).order_by("position", "id")),
        )
    )


def category_descendant_ids(category: Category) -> list[int]:
    """The category and every category below it (two queries at most for the tree)."""
    pairs = list(Category.objects.values_list("id", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for cid, parent in pairs:
        children.setdefault(parent, []).append(cid)
    found, todo = [], [category.pk]
    while todo:
        cid = todo.pop()
        found.append(cid)
        todo.extend(children.get(cid, []))
    return found


def category_products(*, category: Category, sort: str) -> QuerySet[Product]:
    _, order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return product_cards().filter(category_id__in=category_descendant_ids(category)).order_by(*order)


def search_products(*, query: str, sort: str = DEFAULT_SORT) -> QuerySet[Product]:
    _, order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    words = query.split()[:8]
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(category__name__icontains=word)
    return product_cards().filter(condition).order_by(*order)


def product_for_page(*, slug: str) -> Product | None:
    return (
        Product.objects.visible()
        .select_related("category", "category__parent")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch("variants", queryset=Variant.objects.filter(active=True).order_by("position", "id")),
        )
        .filter(slug=slug)
        .first()
    )
