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
def test_typos_are_forgiven_with_trigrams(client):
    factories.product(name="Heavyweight T-Shirt – Forest")
    factories.product(name="Stoneware Mug")
    result = search_products(query="tshrit")
    assert [p.name for p in result.products] == ["Heavyweight T-Shirt – Forest"]
    assert result.corrected
    html = client.get(reverse("storefront:search") + "?q=tshrit").content.decode()
    assert "Heavyweight T-Shirt" in html and "similar names" in html
    # Typed without the hyphen it is an exact match.
    assert names("tshirt") == ["Heavyweight T-Shirt – Forest"]


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
