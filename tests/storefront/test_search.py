"""Part 4: search and suggestions. PostgreSQL full-text tests skip on SQLite
(CI runs them in its PostgreSQL pass); the fallback is tested on both."""

import pytest
from django.db import connection
from django.urls import reverse

from storefront.search import search_products, search_suggestions
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text and trigram search need PostgreSQL (DATABASE_URL=postgres://…)"
)


def names(query):
    return [p.name for p in search_products(query=query).products.order_by("-rank", "-id")]


def test_every_word_must_match_and_category_names_count(client):
    tees = factories.category(name="T-shirts", slug="t-shirts")
    factories.product(name="Enamel Camping Mug")
    factories.product(name="Wool Blanket")
    factories.product(name="Boxy Crew", category_obj=tees)
    assert names("camping mug") == ["Enamel Camping Mug"]
    assert names("tshirts") == ["Boxy Crew"]
    assert names("zzzz") == []
    assert names("") == []


@postgres_only
@pytest.mark.postgres
def test_stemming_prefixes_and_weights():
    factories.product(name="Linen Napkins", description="Four napkins in washed linen.")
    factories.product(name="Stoneware Mug", description="Pairs well with our linen napkins.")
    factories.product(name="Running Shoes", description="For runners.")
    # Stemming: "napkin" finds "Napkins"; "runs" finds "Running".
    assert "Linen Napkins" in names("napkin")
    assert names("runs") == ["Running Shoes"]
    # Prefix matching for search-as-you-type.
    assert names("stonew") == ["Stoneware Mug"]
    # Name outranks description.
    assert names("linen")[0] == "Linen Napkins"


@postgres_only
@pytest.mark.postgres
def test_typos_the_catalog_words_cannot_fix_are_forgiven_with_trigrams(client):
    factories.product(name="Heavyweight T-Shirt – Forest")
    factories.product(name="Stoneware Mug")
    # Not close enough to "heavyweight" to be corrected outright (difflib's ratio 0.78).
    result = search_products(query="heavywt")
    assert [p.name for p in result.products] == ["Heavyweight T-Shirt – Forest"]
    assert result.similar and not result.corrected
    html = client.get(reverse("storefront:search") + "?q=heavywt").content.decode()
    assert "Heavyweight T-Shirt" in html and "similar names" in html
    # Typed without the hyphen it is an exact match.
    assert names("tshirt") == ["Heavyweight T-Shirt – Forest"]


def _small_catalog():
    tees = factories.category(name="T-shirts", slug="t-shirts")
    kitchen = factories.category(name="Kitchen", slug="kitchen")
    home = factories.category(name="Home", slug="home")
    factories.product(name="Heavyweight T-Shirt – Forest", category_obj=tees)
    factories.product(name="Organic Cotton Tee – Oat", category_obj=tees)
    factories.product(name="Stoneware Mug – Sea Salt", category_obj=kitchen)
    factories.product(name="Linen Towel – Sand", category_obj=home)
    popular = factories.product(name="Wool Blanket – Moss", category_obj=home)
    factories.review(product_obj=popular, rating=5)
    return popular


def test_typos_are_forgiven_on_every_database(client):
    """SQLite too: a misspelt word becomes the closest word of the catalog, and the page says so."""
    _small_catalog()
    result = search_products(query="tshrit")
    assert result.corrected == "t-shirt" and not result.similar
    assert {p.name for p in result.products} == {"Heavyweight T-Shirt – Forest", "Organic Cotton Tee – Oat"}

    response = client.get(reverse("storefront:search") + "?q=tshrit")
    html = response.content.decode()
    assert "Showing results for “<strong>t-shirt</strong>”" in html and "No products match “tshrit”" in html
    assert "Heavyweight T-Shirt – Forest" in html and "Stoneware Mug" not in html
    assert "private" not in response.get("Cache-Control", "")  # still a page the page cache may share

    html = client.get(reverse("storefront:search") + "?q=mugg").content.decode()
    assert "Showing results for “<strong>mug</strong>”" in html and "Stoneware Mug – Sea Salt" in html
    # The suggestions under the search box forgive it too.
    assert [p.name for p in search_suggestions(query="blnket")] == ["Wool Blanket – Moss"]
    # A word spelt right is never "corrected", nor one still being typed.
    assert not search_products(query="towel").corrected
    assert [p.name for p in search_products(query="stonew").products] == ["Stoneware Mug – Sea Salt"]


def test_a_staff_edit_reaches_the_spelling_vocabulary(client):
    item = factories.product(name="Enamel Camping Mug")
    assert not search_products(query="lanterm").products.exists()
    item.name = "Enamel Camping Lantern"
    item.save()  # bumps the catalog version the vocabulary is cached under
    result = search_products(query="lanterm")
    assert result.corrected == "lantern" and [p.name for p in result.products] == ["Enamel Camping Lantern"]


def test_a_search_with_no_results_offers_spellings_categories_and_popular_products(client):
    _small_catalog()
    response = client.get(reverse("storefront:search") + "?q=tovvel")
    html = response.content.decode()
    assert "No products match “tovvel”" in html
    # Not close enough to correct without asking, close enough to offer.
    assert 'Did you mean <a href="/search/?q=towel" class="link font-semibold">towel</a>?' in html
    # No filters with (0) counts, but the categories and the most reviewed products.
    assert 'id="filters"' not in html and "(0)" not in html
    assert "Browse the categories" in html
    for name, slug in (("T-shirts", "t-shirts"), ("Kitchen", "kitchen"), ("Home", "home")):
        assert f'href="/c/{slug}/"' in html and name in html
    popular = html.split("Popular right now", 1)[1]
    assert popular.index("Wool Blanket – Moss") < popular.index("Linen Towel")
    assert "private" not in response.get("Cache-Control", "")
    # The htmx region of the page is the same block.
    partial = client.get(reverse("storefront:search") + "?q=tovvel&sort=price", **HTMX).content.decode()
    assert '<div id="results"' in partial and "<html" not in partial
    assert "Browse the categories" in partial
    # Nothing near at all: no "Did you mean", the rest still there.
    html = client.get(reverse("storefront:search") + "?q=zzzzqqq").content.decode()
    assert "Did you mean" not in html and "Popular right now" in html


def test_with_filters_that_match_nothing_the_filters_stay_to_loosen(client):
    _small_catalog()
    html = client.get(reverse("storefront:search") + "?q=mug&rating=4").content.decode()
    assert 'id="filters"' in html and "Clear filters" in html and "Browse the categories" not in html


@postgres_only
@pytest.mark.postgres
def test_search_uses_the_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'storefront_product'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"product_search_document_idx", "product_search_name_trgm_idx"} <= indexes


def test_suggestions_are_at_most_eight_and_htmx_only(client):
    for i in range(12):
        factories.product(name=f"Candle {i:02d}")
    assert len(search_suggestions(query="cand")) == 8
    response = client.get(reverse("storefront:suggest") + "?q=cand", **HTMX)
    html = response.content.decode()
    assert html.count('role="option"') == 9  # eight products and "See all results"
    assert 'role="listbox"' in html and 'id="search-status"' in html and "8 suggestions" in html
    # Without JavaScript the suggestion URL is just the results page.
    plain = client.get(reverse("storefront:suggest") + "?q=cand")
    assert plain.status_code == 302 and plain["Location"] == "/search/?q=cand"
    # One letter suggests nothing.
    assert search_suggestions(query="c") == []


def test_header_search_box_is_an_accessible_combobox(client):
    html = client.get("/").content.decode()
    assert 'role="combobox"' in html and 'aria-controls="search-suggestions"' in html
    assert 'hx-trigger="input changed delay:250ms"' in html
    assert '/static/js/search.js' in html and "<script>" not in html


def test_search_page_has_filters_and_is_not_indexed(client):
    factories.product(name="Enamel Camping Mug")
    html = client.get(reverse("storefront:search") + "?q=mug").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'id="filters"' in html and "Best match" in html
    assert "Enamel Camping Mug" in html
