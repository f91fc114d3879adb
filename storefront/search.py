"""Search: PostgreSQL full-text and trigram search, a plain fallback elsewhere, misspelt words
corrected on both (storefront/spelling.py), what a page with no results offers, and the
suggestions under the header's search box."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Case, FloatField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from storefront.catalog import TreeCategory, category_tree, product_cards, visible_products, with_card_data
from storefront.models import Product, ProductImage
from storefront.spelling import SUGGEST, respellings

SUGGESTIONS = 8
MAX_QUERY_WORDS = 8
TRIGRAM_THRESHOLD = 0.4  # word_similarity for typos: "tshrit" ~ "tshirt" is 0.43


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
    corrected: str = ""  # set when a misspelt query was corrected: what was searched instead ("t-shirt")
    similar: bool = False  # PostgreSQL's last resort: products with names similar to the query


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


def _nothing(base: QuerySet[Product]) -> QuerySet[Product]:
    return base.none().alias(rank=Value(0.0, output_field=FloatField()))


def _matching(base: QuerySet[Product], words: list[str], spellings: list[str]) -> QuerySet[Product]:
    """Products matching every word, with the alias `rank`. `spellings` are the words as the catalog
    writes them ("t-shirt" for "tshirt"): the plain search elsewhere than PostgreSQL looks for both."""
    category_ids = _matching_category_ids(words)
    if uses_postgres_search():
        tsquery = _prefix_tsquery(words)
        return base.alias(
            text_match=RawSQL(
                "storefront_product.search_document @@ to_tsquery('english', %s)", [tsquery],
                output_field=BooleanField(),
            )
        ).filter(Q(text_match=True) | Q(category_id__in=category_ids)).alias(
            rank=RawSQL(
                "ts_rank_cd(storefront_product.search_document, to_tsquery('english', %s))", [tsquery],
                output_field=FloatField(),
            )
        )
    condition = Q()
    for word, spelling in zip(words, spellings, strict=True):
        either = Q()
        for text in dict.fromkeys((word, spelling)):
            either |= Q(name__icontains=text) | Q(description__icontains=text) | Q(category__name__icontains=text)
        condition &= either
    if category_ids:
        condition |= Q(category_id__in=category_ids)
    rank = Case(When(name__icontains=spellings[0], then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return base.filter(condition).alias(rank=rank)


def search_products(*, query: str, base: QuerySet[Product] | None = None) -> SearchResult:
    """Products matching `query`, with the alias `rank` to order by (higher is better).

    PostgreSQL: the generated, weighted tsvector (name A, description C), English
    stemming, prefix matching on every word, ts_rank_cd ranking. Elsewhere: every word
    must appear in the name, description or category name. On both, categories whose
    name matches count too. When nothing matches, a misspelt word is replaced by the
    closest word of the catalog (storefront/spelling.py: "tshrit" → "t-shirt") and the
    search runs again; on PostgreSQL trigram similarity on the name comes last.
    """
    base = visible_products() if base is None else base
    words = _words(query)
    if not words:
        return SearchResult(_nothing(base))
    matches = _matching(base, words, words)
    if matches.exists():
        return SearchResult(matches)
    for respelled in respellings(words):
        matches = _matching(base, respelled.words, respelled.spellings)
        if matches.exists():
            return SearchResult(matches, corrected=respelled.text)
    if not uses_postgres_search():
        return SearchResult(_nothing(base))
    ids = _typo_ids(words)
    if not ids:
        return SearchResult(_nothing(base))
    # Most similar first: the position in `ids`, negated (one array, not a CASE of 200 branches).
    ranked = RawSQL("-array_position(%s::bigint[], storefront_product.id)", [ids], output_field=FloatField())
    return SearchResult(base.filter(pk__in=ids).alias(rank=ranked), similar=True)


@dataclass
class NoResults:
    """What a search page that found nothing offers instead."""

    spellings: list[str]  # other queries that do find something ("Did you mean …?")
    popular: list[Product]  # the most reviewed products in stock, as cards
    categories: list[TreeCategory]  # the top-level categories


def no_results_help(*, query: str, popular: int = 4) -> NoResults:
    """A bounded number of queries: one per spelling tried (at most three), the popular products'
    page and its two prefetches; the category tree and the vocabulary come from the cache."""
    spellings = [
        respelled.text
        for respelled in respellings(_words(query), cutoff=SUGGEST, limit=3)
        if _matching(visible_products(), respelled.words, respelled.spellings).exists()
    ]
    products = with_card_data(list(
        product_cards().filter(in_stock=True).order_by("-rating_count", "-created", "-id")[:popular]
    ))
    return NoResults(spellings=spellings, popular=products, categories=category_tree().top_level())


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
