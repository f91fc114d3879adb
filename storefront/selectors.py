"""Reads of the catalog that need care: fixed query counts, cached trees, search.

Every list page runs the same handful of queries whatever the catalog size:
the category tree comes from the cache, a page of products is one query plus
two prefetches (variants, images), the total is one COUNT and the filter
counts are two grouped aggregates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from storefront.models import Category, OptionValue, Product, ProductImage, Review, Variant, WishlistItem

CATEGORY_TREE_KEY = "storefront:category-tree:v2"
CACHE_SECONDS = 60 * 60

PAGE_SIZE = 24
MAX_PAGES_AT_ONCE = 5  # a full load of ?page=N shows pages 1..N, up to this many
SUGGESTIONS = 8
MAX_QUERY_WORDS = 8
TRIGRAM_THRESHOLD = 0.4  # word_similarity for typos: "tshrit" ~ "tshirt" is 0.43

SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "rating": "Best rated",
}
DEFAULT_SORT = "newest"
SEARCH_DEFAULT_SORT = "relevance"
RATING_CHOICES = (4, 3, 2, 1)


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


def category_tree() -> CategoryTree:
    """Every category, cached until one changes (storefront.signals clears it)."""
    tree = _cache_get(CATEGORY_TREE_KEY)
    if tree is None:
        nodes: dict[int, TreeCategory] = {}
        children: dict[int | None, list[int]] = {}
        for c in Category.objects.all():  # ordered by position, name
            nodes[c.pk] = TreeCategory(c.pk, c.name, c.slug, c.get_absolute_url(), c.parent_id, c.description)
            children.setdefault(c.parent_id, []).append(c.pk)
        tree = CategoryTree(nodes, children)
        _cache_set(CATEGORY_TREE_KEY, tree)
    return tree


def category_menu() -> list[MenuCategory]:
    """Top-level categories for the header (from the cached tree)."""
    return [MenuCategory(c.name, c.slug, c.url) for c in category_tree().top_level()]


def _decimal(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.strip().lstrip("$"))
    except (InvalidOperation, AttributeError):
        return None
    if not number.is_finite() or number < 0 or number > Decimal("1000000"):
        return None
    return number.quantize(Decimal("0.01"))


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except (TypeError, ValueError):
        return default


@dataclass
class CatalogFilters:
    query: str = ""
    category: str = ""  # slug of a category to narrow to (search page, or a subcategory)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    rating: int = 0
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def from_query(cls, params: QueryDict, *, search: bool = False) -> CatalogFilters:
        default_sort = SEARCH_DEFAULT_SORT if search else DEFAULT_SORT
        sort = params.get("sort") or default_sort
        if sort not in SORTS or (sort == "relevance" and not search):
            sort = default_sort
        rating = _int(params.get("rating"))
        low, high = _decimal(params.get("min_price")), _decimal(params.get("max_price"))
        if low is not None and high is not None and low > high:
            low, high = high, low
        return cls(
            query=" ".join((params.get("q") or "").split())[:100],
            category=(params.get("category") or "")[:140],
            price_min=low,
            price_max=high,
            in_stock=params.get("in_stock") in ("1", "on", "true"),
            rating=rating if rating in RATING_CHOICES else 0,
            sort=sort,
            page=max(1, min(_int(params.get("page"), 1), 10_000)),
        )

    def params(self, **changes) -> dict[str, str]:
        """The query-string form, without defaults, so URLs stay short and canonical."""
        data = {
            "q": self.query,
            "category": self.category,
            "min_price": "" if self.price_min is None else f"{self.price_min:f}",
            "max_price": "" if self.price_max is None else f"{self.price_max:f}",
            "in_stock": "1" if self.in_stock else "",
            "rating": str(self.rating) if self.rating else "",
            "sort": self.sort,
            "page": str(self.page) if self.page > 1 else "",
        }
        data.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
        default_sort = SEARCH_DEFAULT_SORT if self.query else DEFAULT_SORT
        if data["sort"] == default_sort:
            data["sort"] = ""
        return {k: v for k, v in data.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.category or self.price_min is not None or self.price_max is not None
                    or self.in_stock or self.rating)


# --------------------------------------------------------------------------
# Product lists
# --------------------------------------------------------------------------


def _active_variants() -> QuerySet[Variant]:
    return Variant.objects.filter(active=True)


def visible_products() -> QuerySet[Product]:
    """Active products that have at least one active variant (something to buy)."""
    return Product.objects.visible().filter(
        Exists(_active_variants().filter(product=OuterRef("pk")))
    )


def _min_price() -> Subquery:
    return Subquery(_active_variants().filter(product=OuterRef("pk")).order_by("price").values("price")[:1])


def _in_stock() -> Exists:
    return Exists(_active_variants().filter(product=OuterRef("pk"), stock__gt=0))


def _price_in_range(low: Decimal | None, high: Decimal | None) -> Q:
    if low is None and high is None:
        return Q()
    variants = _active_variants().filter(product=OuterRef("pk"))
    if low is not None:
        variants = variants.filter(price__gte=low)
    if high is not None:
        variants = variants.filter(price__lte=high)
    return Q(Exists(variants))


def card_prefetches() -> list[Prefetch]:
    return [
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
        Prefetch("variants", queryset=_active_variants().order_by("position", "id")),
    ]


def with_card_data(products: list[Product]) -> list[Product]:
    """Price range, stock and the picture for cards, from the prefetched rows (no queries)."""
    for p in products:
        variants = list(p.variants.all())
        prices = [v.price for v in variants]
        p.min_price = min(prices) if prices else None
        p.max_price = max(prices) if prices else None
        p.variant_count = len(variants)
        p.total_stock = sum(v.stock for v in variants)
        p.single_variant = variants[0] if len(variants) == 1 else None
        images = list(p.images.all())
        p.card_image = images[0] if images else None
    return products


def product_cards() -> QuerySet[Product]:
    """Visible products with what a card shows, in a fixed number of queries."""
    return visible_products().select_related("category").prefetch_related(*card_prefetches())


# -- search ------------------------------------------------------------------


def _words(query: str) -> list[str]:
    """Lower-case words; "T-shirt" becomes "tshirt" as in the search index."""
    text = re.sub(r"(\w)-(\w)", r"\1\2", query.lower())
    return [w for w in re.findall(r"\w+", text) if w][:MAX_QUERY_WORDS]


def _prefix_tsquery(words: list[str]) -> str:
    # Each word is \w+ only, so nothing in it is tsquery syntax.
    return " & ".join(f"{w}:*" for w in words)


def _matching_category_ids(words: list[str]) -> list[int]:
    """Categories whose name covers every word as a prefix ("tshirt" → T-shirts)."""
    tree = category_tree()
    found = []
    for c in tree.nodes.values():
        names = _words(c.name)
        if words and all(
            len(w) >= 3 and any(n.startswith(w) or (w.startswith(n) and len(n) > 3) for n in names) for w in words
        ):
            found.extend(tree.descendant_ids(c.id))
    return found


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class SearchResult:
    products: QuerySet[Product]
    corrected: str = ""  # set when typos were forgiven: the words that matched instead


def _typo_ids(words: list[str], limit: int = 200) -> list[int]:
    """Products whose normalised name is trigram-similar to the query (PostgreSQL)."""
    text = " ".join(words)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        cursor.execute(
            "SELECT id FROM storefront_product WHERE active AND %s <%% search_name "
            "ORDER BY word_similarity(%s, search_name) DESC, id DESC LIMIT %s",
            [text, text, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def search_products(*, query: str, base: QuerySet[Product] | None = None) -> SearchResult:
    """Products matching `query`, annotated with `rank` (higher is better).

    PostgreSQL: the generated, weighted tsvector (name A, description C), English
    stemming, prefix matching on every word, ts_rank_cd ranking; categories whose
    name matches count too. When nothing matches, trigram similarity on the name
    forgives typos. Elsewhere: every word must appear in the name, description or
    category name.
    """
    base = visible_products() if base is None else base
    words = _words(query)
    if not words:
        return SearchResult(base.none().annotate(rank=Value(0.0, output_field=FloatField())))
    category_ids = _matching_category_ids(words)
    if uses_postgres_search():
        tsquery = _prefix_tsquery(words)
        matches = base.alias(
            text_match=RawSQL(
                "storefront_product.search_document @@ to_tsquery('english', %s)", [tsquery],
                output_field=BooleanField(),
            )
        ).filter(Q(text_match=True) | Q(category_id__in=category_ids)).annotate(
            rank=RawSQL(
                "ts_rank_cd(storefront_product.search_document, to_tsquery('english', %s))", [tsquery],
                output_field=FloatField(),
            )
        )
        if matches.exists():
            return SearchResult(matches)
        ids = _typo_ids(words)
        if not ids:
            return SearchResult(base.none().annotate(rank=Value(0.0, output_field=FloatField())))
        ranked = Case(*[When(pk=pk, then=Value(float(len(ids) - i))) for i, pk in enumerate(ids)],
                      default=Value(0.0), output_field=FloatField())
        return SearchResult(base.filter(pk__in=ids).annotate(rank=ranked), corrected=" ".join(words))
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(description__icontains=word) | Q(category__name__icontains=word)
    if category_ids:
        condition |= Q(category_id__in=category_ids)
    rank = Case(When(name__icontains=words[0], then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return SearchResult(base.filter(condition).annotate(rank=rank))


def search_suggestions(*, query: str) -> list[Product]:
    """Up to eight products for the header box: two queries (products, pictures)."""
    words = _words(query)
    if not words or len(query.strip()) < 2:
        return []
    base = visible_products().select_related("category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
    )
    result = search_products(query=query, base=base)
    products = list(result.products.order_by("-rank", "-rating_count", "-id")[:SUGGESTIONS])
    for p in products:
        images = list(p.images.all())
        p.card_image = images[0] if images else None
    return products


# -- filtered lists and their counts --------------------------------------


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


def home_products() -> dict[str, list[Product]]:
    cards = product_cards()
    featured = with_card_data(list(cards.filter(featured=True).order_by("-created", "-id")[:8]))
    newest = with_card_data(list(cards.order_by("-created", "-id")[:8]))
    return {"featured": featured, "newest": newest}


# --------------------------------------------------------------------------
# The product page
# --------------------------------------------------------------------------


def product_for_page(*, slug: str) -> Product | None:
    return (
        Product.objects.visible()
        .select_related("category")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch(
                "variants",
                queryset=_active_variants()
                .order_by("position", "id")
                .prefetch_related(
                    Prefetch("option_values", queryset=OptionValue.objects.select_related("option_type"))
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


@dataclass
class OptionChoice:
    id: str  # stable element id, so keyboard focus survives the htmx swap
    name: str  # the radio group's name
    value: str  # what the radio submits
    label: str
    selected: bool
    available: bool  # this combination exists
    sold_out: bool
    variant_id: int  # the variant this choice leads to


@dataclass
class OptionGroup:
    name: str
    field: str
    choices: list[OptionChoice]


def _values_of(variant: Variant) -> dict[int, OptionValue]:
    return {ov.option_type_id: ov for ov in variant.option_values.all()}


def option_groups(variants: list[Variant], chosen: Variant) -> list[OptionGroup]:
    """The option controls: one group per option type, each value marked as chosen,
    not made in the current combination, or sold out.

    Products whose variants have no option values get one group of variant labels.
    """
    values = {v.pk: _values_of(v) for v in variants}
    types = {}
    for v in variants:
        for ov in values[v.pk].values():
            types.setdefault(ov.option_type_id, ov.option_type)
    if not types:
        return [OptionGroup("Option", "variant", [
            OptionChoice(
                id=f"variant-{v.pk}", name="variant", value=str(v.pk), label=v.label or v.sku,
                selected=v.pk == chosen.pk, available=True, sold_out=v.stock == 0, variant_id=v.pk,
            )
            for v in variants
        ])]
    current = values[chosen.pk]
    groups = []
    for type_id, option_type in sorted(types.items(), key=lambda t: (t[1].position, t[1].name)):
        seen: dict[int, OptionValue] = {}
        for v in variants:
            ov = values[v.pk].get(type_id)
            if ov is not None:
                seen.setdefault(ov.pk, ov)
        choices = []
        for ov in sorted(seen.values(), key=lambda o: (o.position, o.value)):
            wanted = {k: o.pk for k, o in current.items()} | {type_id: ov.pk}
            exact = next((v for v in variants if {k: o.pk for k, o in values[v.pk].items()} == wanted), None)
            fallback = exact or next(
                (v for v in variants if values[v.pk].get(type_id) == ov and v.stock > 0),
                next(v for v in variants if values[v.pk].get(type_id) == ov),
            )
            choices.append(OptionChoice(
                id=f"opt-{type_id}-{ov.pk}", name=f"o{type_id}", value=str(ov.pk), label=ov.value,
                selected=current.get(type_id) == ov, available=exact is not None,
                sold_out=exact is not None and exact.stock == 0, variant_id=fallback.pk,
            ))
        groups.append(OptionGroup(option_type.name, f"o{type_id}", choices))
    return groups


def variant_from_options(variants: list[Variant], params: QueryDict, changed: str = "") -> Variant | None:
    """The variant for submitted option values (o<type id>=<value id>).

    An exact combination wins; if it is not made, the variant that keeps the value
    the shopper just changed (htmx tells us which) and most of the others.
    """
    wanted: dict[int, int] = {}
    for key, value in params.items():
        if key.startswith("o") and key[1:].isdigit() and value.isdigit():
            wanted[int(key[1:])] = int(value)
    if not wanted:
        return None
    changed_type = int(changed[1:]) if changed.startswith("o") and changed[1:].isdigit() else None

    def score(v: Variant) -> tuple:
        have = {k: o.pk for k, o in _values_of(v).items()}
        keeps_changed = changed_type is None or have.get(changed_type) == wanted.get(changed_type)
        matches = sum(1 for k, val in wanted.items() if have.get(k) == val)
        return (keeps_changed, matches, v.stock > 0)

    best = max(variants, key=score)
    return best if score(best)[1] else None


def product_reviews(*, product: Product, limit: int = 10) -> list[Review]:
    return list(
        Review.objects.filter(product=product, hidden=False).select_related("user").order_by("-created", "-id")[:limit]
    )


BOUGHT_STATUSES = ("paid", "processing", "shipped", "delivered")


def user_bought_product(*, user, product_id: int) -> bool:
    """A paid order of this user has a line for one of the product's variants.

    Goes through Variant.order_lines (checkout's OrderLine) by relation name, so
    the storefront never imports checkout.
    """
    if not user.is_authenticated:
        return False
    # Paid, in any stage of fulfilment (paid, processing, shipped, delivered), and not refunded in full.
    return Variant.objects.filter(
        product_id=product_id, order_lines__order__user=user,
        order_lines__order__status__in=BOUGHT_STATUSES,
        order_lines__order__payment_state__in=("paid", "partially_refunded"),
    ).exists()


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


def related_products(*, product: Product, limit: int = 4) -> list[Product]:
    return with_card_data(list(
        product_cards().filter(category_id=product.category_id).exclude(pk=product.pk)
        .order_by("-rating_count", "-created")[:limit]
    ))


def sitemap_products() -> QuerySet[Product]:
    return visible_products().only("slug", "updated").order_by("id")



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
